#!/usr/bin/env bash
# Issue 9 point 4, one identity for a page in every mode. A repository whose site
# lives in a subfolder (public/): files mode reports the same repository-relative
# paths and fingerprints as --rev and --staged, so a baseline written in any mode
# suppresses the same findings in every other (checked in both directions, and
# from inside public/); SARIF points at public/... under %SRCROOT% (the repository
# root as a file URI) and stays valid for Microsoft's validator when it is
# installed; -f github's file= is repository-relative; a path printed by -f text
# pastes back into `provcheck check PATH` from the folder the run started in; and
# the config's `baseline = "FILE"` key is used by a manual run, --rev, --staged and
# the installed pre-commit hook alike (--baseline on the command line wins).
. "$(dirname "$0")/lib.sh"

git_identity
BIN=$TMP/bin
mkdir -p "$BIN"
ln -s "$PROVCHECK" "$BIN/provcheck"
export PATH=$BIN:$PATH

R=$(mkdir -p "$TMP/repo" && cd -P "$TMP/repo" && pwd)
git -C "$R" init -q -b main
write_file "$R/provcheck.lua" 'return { site_root = "public" }'
good_page "$R/public/index.html" "Home"
good_page "$R/public/privacy.html" "Privacy"
page_with "$R/public/news/bad.html" '<article><p>No attribution, no disclaimer.</p>
<a href="/privacy.html">Privacy</a></article>'
mkdir -p "$R/tools"
git -C "$R" add -A
git -C "$R" commit -qm "site with one bad page"

# --- the same paths and fingerprints in every mode ---------------------------------
run_in "$R" check -f json
assert_status 1 "files mode: the bad page fails"
FILES_PATHS=$(json '[p["path"] for p in d["pages"]]')
FILES_FPS=$(json 'sorted(f["fingerprint"] for f in d["findings"])')
assert_eq "$FILES_PATHS" '["public/index.html","public/news/bad.html","public/privacy.html"]' \
  "files mode: paths relative to the repository root"
run_in "$R" check --rev HEAD -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" "$FILES_PATHS" "--rev: the same paths"
assert_eq "$(json 'sorted(f["fingerprint"] for f in d["findings"])')" "$FILES_FPS" \
  "--rev: the same fingerprints"
run_in "$R/public" check -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" "$FILES_PATHS" \
  "files mode run from public/: still repository-relative"

# --- a baseline written in files mode applies under --rev and --staged ----------------
run_in "$R" baseline -o "$TMP/files-baseline.json"
assert_status 0 "baseline in files mode"
for mode in "--rev HEAD" "--staged" ""; do
  # shellcheck disable=SC2086
  run_in "$R" check $mode --baseline "$TMP/files-baseline.json" -f json
  assert_status 0 "files-mode baseline under '${mode:-files}': the known findings pass"
  assert_eq "$(json 'd["summary"]["suppressed"]')" "2" \
    "files-mode baseline under '${mode:-files}': both findings suppressed by it"
done

# ... and the reverse: one written under --rev applies in files mode, from anywhere
run_in "$R" baseline --rev HEAD -o "$TMP/rev-baseline.json"
assert_status 0 "baseline under --rev"
for dir in "$R" "$R/public" "$R/tools"; do
  run_in "$dir" check --baseline "$TMP/rev-baseline.json"
  assert_status 0 "--rev baseline in files mode from ${dir#"$R"}/: the known findings pass"
  assert_contains "$OUT" "2 suppressed" "--rev baseline in files mode from ${dir#"$R"}/"
done
run_in "$R" baseline --staged -o "$TMP/staged-baseline.json"
run_in "$R" check --baseline "$TMP/staged-baseline.json"
assert_status 0 "--staged baseline in files mode"
# a new finding is not covered by any of them
page_with "$R/public/news/worse.html" '<article><p>Nothing.</p></article>'
run_in "$R" check --baseline "$TMP/rev-baseline.json"
assert_status 1 "a new bad page still fails under an old baseline"
rm "$R/public/news/worse.html"

# --- SARIF: %SRCROOT% is the repository root -----------------------------------------
run_in "$R/public" check -f sarif -o "$TMP/files.sarif"
assert_status 1 "sarif from public/"
URIS=$(json 'sorted(set(l["physicalLocation"]["artifactLocation"]["uri"] for r in d["runs"][0]["results"] for l in r["locations"]))' "$TMP/files.sarif")
assert_eq "$URIS" '["public/news/bad.html"]' "sarif: uri relative to the repository root"
assert_eq "$(json 'sorted(set(l["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in d["runs"][0]["results"] for l in r["locations"]))' "$TMP/files.sarif")" \
  '["%SRCROOT%"]' "sarif: uriBaseId %SRCROOT%"
assert_eq "$(json 'd["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]' "$TMP/files.sarif")" \
  "file://$R/" "sarif: %SRCROOT% is the repository root's file URI, ending in /"
run_in "$R/tools" check --rev HEAD -f sarif -o "$TMP/rev.sarif"
assert_eq "$(json 'd["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]' "$TMP/rev.sarif")" \
  "file://$R/" "sarif --rev: %SRCROOT% is the repository root"
assert_eq "$(json 'sorted(set(l["physicalLocation"]["artifactLocation"]["uri"] for r in d["runs"][0]["results"] for l in r["locations"]))' "$TMP/rev.sarif")" \
  '["public/news/bad.html"]' "sarif --rev: the same uri"
VALIDATOR=$PROVCHECK_SRC/tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ -x "$VALIDATOR" ]; then
  for f in "$TMP/files.sarif" "$TMP/rev.sarif"; do
    log=$(timeout 300 "$VALIDATOR" validate --rule-kind "Sarif;Gh" --log ForceOverwrite \
          -o "$TMP/validation.sarif" "$f" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ] && ! printf '%s\n' "$log" | grep -q ': error '; then pass
    else fail "$f: the SARIF validator rejects it (exit $rc): $(printf '%s\n' "$log" | head -20)"; fi
  done
else
  echo "note: the SARIF validator is not installed (scripts/setup.sh); validity not checked" >&2
fi

# --- github: file= relative to the repository root -------------------------------------
run_in "$R/public" check -f github
assert_contains "$OUT" "file=public/news/bad.html," "github file= from public/"
run_in "$R" check --staged -f github
assert_contains "$OUT" "file=public/news/bad.html," "github file= under --staged"

# --- text: a printed path pastes back from the folder the run started in ----------------
# paste_back DIR [MODE...]: take the first path of the text report run in DIR and
# check it again from DIR; it must name the bad page alone.
paste_back() {
  local dir=$1
  shift
  run_in "$dir" check "$@"
  local first=${OUT%%:*}
  run_in "$dir" check "$@" "$first" -f json
  assert_status 1 "pasted '$first' back in ${dir#"$R"}/ ($*)"
  assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["public/news/bad.html"]' \
    "pasted '$first' in ${dir#"$R"}/ ($*) checks that page"
  PASTED=$first
}
paste_back "$R"
assert_eq "$PASTED" "public/news/bad.html" "text from the repository root"
paste_back "$R/public"
assert_eq "$PASTED" "news/bad.html" "text from public/: relative to it"
paste_back "$R/tools"
assert_eq "$PASTED" "../public/news/bad.html" "text from tools/: relative to it"
paste_back "$R/public" --rev HEAD
assert_eq "$PASTED" "news/bad.html" "text under --rev from public/"
paste_back "$R/public/news" --staged
assert_eq "$PASTED" "bad.html" "text under --staged from public/news/"

# --- the config's baseline key ------------------------------------------------------------
cp "$TMP/files-baseline.json" "$R/provcheck-baseline.json"
write_file "$R/provcheck.lua" 'return { site_root = "public", baseline = "provcheck-baseline.json" }'
run_in "$R" check
assert_status 0 "baseline key: a manual run uses it"
assert_contains "$OUT" "2 suppressed" "baseline key: findings reported as suppressed"
run_in "$R/public" check
assert_status 0 "baseline key: from public/ (relative to the config's folder)"
printf '{"version": 1, "findings": []}\n' >"$TMP/empty-baseline.json"
run_in "$R" check --baseline "$TMP/empty-baseline.json"
assert_status 1 "--baseline on the command line wins over the key"
git -C "$R" add -A
git -C "$R" commit -qm "accept today's findings in a baseline"
run_in "$R" check --rev HEAD
assert_status 0 "baseline key under --rev (read from the commit)"
run_in "$R" check --staged
assert_status 0 "baseline key under --staged"
# the pre-commit hook uses it too: a commit touching the known-bad page goes through,
# one adding a new bad page is refused
run_in "$R" install-hook
assert_status 0 "install-hook"
printf '<!-- touched -->\n' >>"$R/public/news/bad.html"
git -C "$R" add -A
(cd "$R" && git commit -qm "touch the known page") >"$TMP/.out" 2>&1
STATUS=$?; OUT=$(cat "$TMP/.out")
assert_status 0 "pre-commit hook: the baselined findings pass"
page_with "$R/public/news/new.html" '<article><p>Nothing.</p></article>'
git -C "$R" add -A
(cd "$R" && git commit -qm "a new bad page") >"$TMP/.out" 2>&1
STATUS=$?; OUT=$(cat "$TMP/.out")
assert_status 1 "pre-commit hook: a new bad page is refused"
assert_contains "$OUT" "news/new.html" "pre-commit hook: names the new page"
git -C "$R" reset -q HEAD -- public/news/new.html
rm "$R/public/news/new.html"
# a missing baseline file is a setup error naming the config
write_file "$R/provcheck.lua" 'return { site_root = "public", baseline = "gone.json" }'
run_in "$R" check -o "$TMP/never.json"
assert_status 2 "baseline key naming a missing file"
assert_contains "$ERR" "provcheck.lua" "the message names the config"
assert_contains "$ERR" "gone.json" "the message names the baseline"
assert_no_file "$TMP/never.json" "no report on a setup error"
write_file "$R/provcheck.lua" 'return { site_root = "public", baseline = 3 }'
run_in "$R" check
assert_status 2 "baseline key of the wrong type"

# --- outside a repository: relative to the site root, as before -------------------------
O=$TMP/plain
page_with "$O/site/news/bad.html" '<article><p>Nothing.</p></article>'
write_file "$O/site/provcheck.lua" 'return {}'
run_in "$O/site" check -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/bad.html"]' \
  "outside a repository: relative to the site root"
run_in "$O" check -c site/provcheck.lua
assert_contains "$OUT" "site/news/bad.html:" "outside a repository: text relative to the cwd"
run_in "$O" check -c site/provcheck.lua site/news/bad.html
assert_contains "$OUT" "1 page," "outside a repository: the text path pastes back"

finish
