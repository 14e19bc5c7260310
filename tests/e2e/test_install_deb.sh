#!/usr/bin/env bash
# The release artefacts, as a user gets them: scripts/release.sh builds the
# Debian package (from a copy of the source tree, which it leaves untouched) and
# the relocatable tarball with their checksums; lintian passes the package (its
# overrides are documented in debian/provcheck.lintian-overrides); `dpkg -i`
# installs it into this machine, where /usr/bin/provcheck checks a copy of the
# example site with the shipped syndication pack while the source and build
# trees are hidden from it, `man -w` finds its man pages and its bash completion
# completes; `dpkg -r` leaves the machine as it was. The unpacked tarball gives
# the same report from any folder.
# Needs root (dpkg -i); exits 77 (skipped) otherwise or when a provcheck package
# is already installed, which it would replace.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "not root: the package cannot be installed here (skipped)" >&2
  exit 77
fi
pkg_state() { dpkg-query -W -f='${db:Status-Status}' provcheck 2>/dev/null || echo absent; }
pkg_before=$(pkg_state)
if [ "$pkg_before" = installed ]; then
  echo "a provcheck package is installed already; not replacing it (skipped)" >&2
  exit 77
fi
for tool in dpkg-buildpackage dh lintian man; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing: run scripts/setup.sh (it installs debhelper, lintian, man-db)" >&2
    exit 1
  fi
done

# --- build ----------------------------------------------------------------------------
tree_state() { git -C "$PROVCHECK_SRC" status --porcelain --ignored 2>/dev/null | grep -v '^!! build' | sort; }
before=$(tree_state)
DIST=$TMP/dist
if LINTIAN=0 bash "$PROVCHECK_SRC/scripts/release.sh" "$DIST" >"$TMP/release.log" 2>&1; then pass
else
  cat "$TMP/release.log" >&2
  fail "scripts/release.sh"
  finish
fi
assert_eq "$(tree_state)" "$before" "building the package leaves the source tree as it was"
version=$(sed -n 's/^project(provcheck VERSION \([^ )]*\).*/\1/p' "$PROVCHECK_SRC/CMakeLists.txt")
DEB=$DIST/provcheck_${version}_amd64.deb
TARBALL=$DIST/provcheck-$version-linux-amd64.tar.gz
assert_file_exists "$DEB" "the .deb"
assert_file_exists "$TARBALL" "the tarball"
if (cd "$DIST" && sha256sum --quiet -c SHA256SUMS); then pass; else fail "SHA256SUMS does not verify"; fi
assert_eq "$(awk '{ print $2 }' "$DIST/SHA256SUMS" | sort | tr '\n' ' ')" \
  "provcheck-$version-linux-amd64.tar.gz provcheck_${version}_amd64.deb " "SHA256SUMS covers both artefacts"

# --- the package's metadata and lintian ---------------------------------------------
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libc6 libxml2 liblua5.4-0 libgit2 libcurl4 libsqlite3-0 libutf8proc2; do
  assert_contains "$depends" "$lib" "Depends (from the shared libraries) names $lib"
done
if lintian --fail-on error,warning,info "$DEB" >"$TMP/lintian.log" 2>&1; then pass
else fail "lintian: $(grep -v 'root privileges' "$TMP/lintian.log")"; fi

# --- install, use, remove ---------------------------------------------------------------
INSTALLED=0
trap '[ "$INSTALLED" = 1 ] && dpkg -r provcheck >/dev/null 2>&1; rm -rf "$TMP"' EXIT
if dpkg -i "$DEB" >"$TMP/dpkg.log" 2>&1; then
  INSTALLED=1
  pass
else
  cat "$TMP/dpkg.log" >&2
  dpkg -r provcheck >/dev/null 2>&1
  fail "dpkg -i $DEB"
  finish
fi
assert_eq "$(dpkg-query -W -f='${db:Status-Status} ${Version}' provcheck)" "installed $version" "dpkg has provcheck installed"

SITE=$TMP/site
cp -r "$PROVCHECK_SRC/examples/site" "$SITE"
sed -i 's/plugins = { }/plugins = { "syndication" }/' "$SITE/provcheck.lua"
run_hidden "$SITE" /usr/bin/provcheck --version
assert_eq "$OUT" "provcheck $version" "/usr/bin/provcheck runs"
run_hidden "$SITE" /usr/bin/provcheck check -f json
assert_status 1 "the example site has findings"
cp "$TMP/.out" "$TMP/deb.json"
assert_eq "$(json 'd["summary"]["pages"]')" 12 "every page of the example site"
assert_contains "$(json '[f["rule"] for f in d["findings"]]')" "links-disclaimer" "the shipped syndication pack ran"
assert_contains "$(json '[f["rule"] for f in d["findings"]]')" "source-attribution" "the core rules ran"
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["rule"] in ("page-error", "rule-error")]')" '[]' "no page or rule errors"
# the pack's own fixtures hold where it is installed
run_hidden "$SITE" /usr/bin/provcheck test-rules /usr/share/provcheck/plugins/syndication/rules
assert_status 0 "test-rules on the installed pack"

assert_eq "$(man -w provcheck)" "/usr/share/man/man1/provcheck.1.gz" "man -w provcheck"
assert_eq "$(man -w 5 provcheck.lua)" "/usr/share/man/man5/provcheck.lua.5.gz" "man -w 5 provcheck.lua"
assert_contains "$(MANWIDTH=80 man provcheck 2>/dev/null | col -b)" "--changed-since" "man provcheck renders the options"

completion=$(cd "$SITE" && PATH=/usr/bin:/bin bash -c '
  . /usr/share/bash-completion/completions/provcheck
  COMP_WORDS=(provcheck check -f ""); COMP_CWORD=3; _provcheck; echo "${COMPREPLY[*]}"
  COMP_WORDS=(provcheck check --rule syndication/links); COMP_CWORD=3; _provcheck; echo "${COMPREPLY[*]}"')
assert_contains "$completion" "sarif" "the installed bash completion offers formats"
assert_contains "$completion" "syndication/links-disclaimer" "the installed bash completion offers the pack's rule ids"

# --- the tarball, unpacked anywhere -------------------------------------------------
mkdir -p "$TMP/anywhere"
tar -xzf "$TARBALL" -C "$TMP/anywhere"
TBIN=$TMP/anywhere/provcheck-$version-linux-amd64/bin/provcheck
assert_file_exists "$TBIN" "bin/provcheck in the tarball"
assert_file_exists "$TMP/anywhere/provcheck-$version-linux-amd64/share/provcheck/plugins/syndication/plugin.lua" "the pack in the tarball"
# with the package removed first, so that nothing under /usr can help
dpkg -r provcheck >/dev/null 2>&1
INSTALLED=0
assert_no_file /usr/bin/provcheck "dpkg -r removes the binary"
assert_no_file /usr/share/provcheck "dpkg -r removes the packs"
assert_eq "$(pkg_state)" "$pkg_before" "dpkg -r leaves dpkg's record of provcheck as it was"
run_hidden "$SITE" "$TBIN" check -f json
assert_status 1 "the tarball's binary checks the example site"
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/deb.json")" "the tarball gives the package's report"

finish
