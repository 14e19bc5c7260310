#!/usr/bin/env bash
# An installed provcheck finds its shipped rule packs next to itself
# (BIN/../share/provcheck/plugins) under any prefix, after the prefix is moved,
# and with the source and build trees out of its sight; only a binary running
# from its build folder reads the source tree's packs. Rule packs and CI
# integrations are installed apart.
. "$(dirname "$0")/lib.sh"

BUILD=${PROVCHECK_BUILD:-$PROVCHECK_SRC/build}
if ! cmake --install "$BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1; then
  cat "$TMP/install.log" >&2
  fail "cmake --install $BUILD --prefix $TMP/prefix"
  finish
fi

# --- what is installed where --------------------------------------------------------
P=$TMP/prefix
for f in bin/provcheck share/provcheck/plugins/syndication/plugin.lua \
         share/provcheck/plugins/syndication/rules/original-link.lua \
         share/provcheck/integrations/github-action/action.yml \
         share/provcheck/integrations/gitlab/provcheck.gitlab-ci.yml \
         share/provcheck/integrations/jenkins/README.md \
         share/provcheck/integrations/schedule/provcheck-audit.service \
         share/man/man1/provcheck.1 share/man/man5/provcheck.lua.5 \
         share/bash-completion/completions/provcheck \
         share/zsh/vendor-completions/_provcheck \
         share/fish/vendor_completions.d/provcheck.fish; do
  assert_file_exists "$P/$f" "installed"
done
# every folder installed as a pack is a pack (has a plugin.lua)
for d in "$P"/share/provcheck/plugins/*/; do
  assert_file_exists "$d/plugin.lua" "only rule packs under share/provcheck/plugins"
done

# --- move the prefix; mark its packs so that reading them shows -----------------
mkdir -p "$TMP/elsewhere"
mv "$P" "$TMP/elsewhere/renamed-prefix"
P=$TMP/elsewhere/renamed-prefix
BIN=$P/bin/provcheck
PACKS=$P/share/provcheck/plugins
# the installed syndication pack says it is the installed one (the source tree's
# copy does not), and a pack that exists only in the install
sed -i 's/^  summary = "\(.*\)",$/  summary = "\1 (installed copy)",/' "$PACKS/syndication/rules/original-link.lua"
if grep -q "(installed copy)" "$PACKS/syndication/rules/original-link.lua"; then pass
else fail "could not mark the installed original-link rule"; fi
mkdir -p "$PACKS/install-only/rules"
cat >"$PACKS/install-only/plugin.lua" <<'LUA'
return { name = "install-only", version = "1.0.0",
         description = "a pack present only in the install", rules = { "install-marker" } }
LUA
cat >"$PACKS/install-only/rules/install-marker.lua" <<'LUA'
return { id = "install-marker", summary = "reports every page", severity = "warning",
         check = function(page, opts, report) report{ message = "read from the install" } end }
LUA

SITE=$TMP/site
cp -r "$PROVCHECK_SRC/examples/site" "$SITE"
sed -i 's/plugins = { }/plugins = { "syndication", "install-only" }/' "$SITE/provcheck.lua"
if grep -q '"install-only"' "$SITE/provcheck.lua"; then pass; else fail "could not enable the packs"; fi

# the moved binary, from the site's folder, with the source and build trees hidden
run_installed() { run_hidden "$SITE" "$BIN" "$@"; }
[ "$HIDDEN" = 1 ] || echo "not root: the source tree is not hidden, only shown unused" >&2

run_installed --version
assert_status 0 "the moved binary runs"
run_installed check -f json
assert_status 1 "the example site, from the moved install, has findings"
assert_eq "$(json 'd["summary"]["pages"]')" 12 "every page of the example site checked"
assert_eq "$(json 'sorted({f["rule"].split("/")[-1] for f in d["findings"]} & {"links-disclaimer", "install-marker"})')" \
  '["install-marker","links-disclaimer"]' "the shipped syndication pack and the install-only pack ran"
assert_eq "$(json 'len([f for f in d["findings"] if f["rule"].endswith("install-marker")])')" 12 "the install-only pack ran on every page"
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["rule"] in ("page-error", "rule-error")]')" '[]' "no page or rule errors"
run_installed rules
assert_contains "$OUT" "(installed copy)" "the packs are read from the install, not from the source tree"
# explain finds a pack rule in the installed packs when the config does not enable it
mkdir -p "$TMP/empty"
(cd "$TMP/empty" && "$BIN" explain syndication/original-link) >"$TMP/.out" 2>"$TMP/.err"
STATUS=$?
OUT=$(cat "$TMP/.out")
assert_status 0 "explain a shipped pack's rule from the install"
assert_contains "$OUT" "(installed copy)" "explain reads the installed pack"

# --- a binary outside both a build folder and an install has no shipped packs -----
# (it does not fall back to the source tree it was built from)
mkdir -p "$TMP/lonely/bin"
cp "$BIN" "$TMP/lonely/bin/provcheck"
sed -i 's/, "install-only"//' "$SITE/provcheck.lua"
run_in "$SITE" check -f json -c provcheck.lua
STATUS_BUILD=$STATUS
cp "$TMP/.out" "$TMP/build.json"
(cd "$SITE" && "$TMP/lonely/bin/provcheck" check -f json) >"$TMP/.out" 2>"$TMP/.err"
STATUS=$?
OUT=$(cat "$TMP/.out")
ERR=$(cat "$TMP/.err")
assert_status 2 "a lone binary has no shipped packs"
assert_contains "$ERR" "plugin 'syndication' not found" "a lone binary says the pack is not found"

# --- the build folder's binary still finds the source tree's packs --------------
if [ -f "$(dirname "$PROVCHECK")/CMakeCache.txt" ]; then
  STATUS=$STATUS_BUILD
  assert_status 1 "the build folder's binary runs the example site with the syndication pack"
  assert_contains "$(json '[f["rule"] for f in d["findings"]]' "$TMP/build.json")" "links-disclaimer" "the build folder's binary finds the source tree's pack"
  assert_not_contains "$(cd "$SITE" && "$PROVCHECK" rules)" "(installed copy)" "the build folder's binary reads the source tree's pack"
fi

finish
