#!/usr/bin/env bash
# Issue 9 point 7 (files mode) and two of issue 10's small items: every page found
# is accounted for. Each of these is a page-error in the report, never silently
# dropped: a folder symbolic link leaving the site root, pages deeper than the
# walk's depth limit, a FIFO (and a socket) matching include, an unreadable folder
# (as a non-root user, through setpriv, since root reads every folder), a symbolic
# link loop (named a loop, not "does not exist"). File names that differ only in
# bytes that are not UTF-8 get distinct report paths (%XX, '%' itself as %25) in
# files mode and under --rev. A check that matched no page at all exits 2 naming
# the root and the include patterns, with no report written; --staged and
# --changed-since with nothing relevant, and an empty shard, still exit 0.
. "$(dirname "$0")/lib.sh"

git_identity
S=$TMP/site
good_page "$S/index.html" "Home"
good_page "$S/privacy.html" "Privacy"

# page_error_for PATH: the page-error message on PATH in the last JSON report.
page_error_for() {
  json '" | ".join(f["message"] for f in d["findings"] if f["path"] == "'"$1"'" and f["rule"] == "page-error")'
}

# --- a folder link leaving the site root --------------------------------------------
good_page "$TMP/outside/elsewhere.html" "Elsewhere"
ln -s ../outside "$S/ext"
run_in "$S" check -f json
assert_status 1 "a folder link out of the root fails the run"
assert_contains "$(page_error_for ext)" "outside the site root" "page-error on the link's path"
assert_eq "$(json '[p["path"] for p in d["pages"] if "elsewhere" in p["path"]]')" '[]' \
  "the pages behind it are not read"
# excluded, or where no include pattern could reach, it is out of scope
write_file "$S/provcheck.lua" 'return { exclude = { "ext/**" } }'
run_in "$S" check -f json
assert_eq "$(page_error_for ext)" "" "excluded folder link: no page-error"
write_file "$S/provcheck.lua" 'return { include = { "*.html" } }'
run_in "$S" check -f json
assert_eq "$(page_error_for ext)" "" "include cannot reach below it: no page-error"
rm "$S/provcheck.lua" "$S/ext"

# --- deeper than the walk's depth limit -----------------------------------------------
deep=$S/deep
for _ in $(seq 1 70); do deep=$deep/d; done
good_page "$deep/bottom.html" "Bottom"
run_in "$S" check -f json
assert_status 1 "pages below the depth limit fail the run"
DEEP_ERR=$(json '[f["path"] for f in d["findings"] if f["rule"] == "page-error" and "deeper than" in f["message"]]')
assert_contains "$DEEP_ERR" '"deep/d/d/' "page-error on the folder at the depth limit"
rm -rf "$S/deep"

# --- a FIFO and a socket matching include -------------------------------------------------
mkfifo "$S/pipe.html"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$S/sock.html"
mkfifo "$S/pipe.txt"   # not matching include: not a page
run_in "$S" check -f json
assert_status 1 "special files matching include fail the run"
assert_contains "$(page_error_for pipe.html)" "FIFO" "page-error on the FIFO"
assert_contains "$(page_error_for sock.html)" "socket" "page-error on the socket"
assert_eq "$(json '[p["path"] for p in d["pages"] if p["path"] == "pipe.txt"]')" '[]' \
  "a FIFO outside include is not a page"
rm -f "$S/pipe.html" "$S/sock.html" "$S/pipe.txt"

# --- symbolic link loops ------------------------------------------------------------------
ln -s loop-b.html "$S/loop-a.html"
ln -s loop-a.html "$S/loop-b.html"
ln -s missing.html "$S/dangling.html"
run_in "$S" check -f json
assert_contains "$(page_error_for loop-a.html)" "loop" "a link loop is reported as a loop"
assert_not_contains "$(page_error_for loop-a.html)" "does not exist" "not as a missing target"
assert_contains "$(page_error_for dangling.html)" "does not exist" "a dangling link still says so"
rm "$S/loop-a.html" "$S/loop-b.html" "$S/dangling.html"

# --- an unreadable folder, as a user who cannot read it -----------------------------------
mkdir -p "$S/secret"
good_page "$S/secret/hidden.html" "Hidden"
chmod 755 "$TMP"
chmod 000 "$S/secret"
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
  nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  # a build inside a folder only root may enter (a clone in mktemp -d): the
  # unprivileged user runs a copy of the binary from the test's own folder
  NOBODY_BIN=$PROVCHECK
  if ! nobody test -x "$PROVCHECK"; then
    NOBODY_BIN=$TMP/provcheck-nobody
    cp "$PROVCHECK" "$NOBODY_BIN"
    chmod 755 "$NOBODY_BIN"
  fi
  (cd "$S" && nobody timeout 120 "$NOBODY_BIN" check -f json) >"$TMP/.out" 2>"$TMP/.err"
  STATUS=$?; OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
else
  run_in "$S" check -f json   # already not root
fi
assert_status 1 "an unreadable folder fails the run (not '0 pages', exit 0)"
assert_contains "$(page_error_for secret)" "cannot read the folder" "page-error on the folder"
chmod 755 "$S/secret"
rm -rf "$S/secret"

# --- names that differ only in bytes that are not UTF-8 ----------------------------------
good_page "$S/caf$(printf '\351').html" "Latin-1 e acute"
good_page "$S/caf$(printf '\350').html" "Latin-1 e grave"
page_with "$S/100%.html" '<article><p>Nothing here.</p></article>'
run_in "$S" check -f json
assert_eq "$(json '[p["path"] for p in d["pages"] if not p["path"].endswith(("index.html", "privacy.html"))]')" \
  '["100%25.html","caf%E8.html","caf%E9.html"]' "distinct, reversible report paths"
run_in "$S" check
assert_status 1 "the page with a '%' in its name is checked"
assert_contains "$OUT" "100%.html:" "text shows the file's own '%'"
run_in "$S" check 100%.html -f json
assert_eq "$(json 'd["summary"]["pages"]')" 1 "the text path pastes back"
git -C "$S" init -q
git -C "$S" add -A
git -C "$S" commit -qm names
run_in "$S" check --rev HEAD -f json
assert_eq "$(json '[p["path"] for p in d["pages"] if not p["path"].endswith(("index.html", "privacy.html"))]')" \
  '["100%25.html","caf%E8.html","caf%E9.html"]' "--rev: the same paths as files mode"
rm -rf "$S/.git" "$S/100%.html" "$S"/caf*.html

# --- no page at all: exit 2, naming the root and the include patterns ---------------------
E=$TMP/empty
write_file "$E/style.css" 'p {}'
run_in "$E" check -o "$TMP/never.json"
assert_status 2 "no page matched: exit 2"
assert_contains "$ERR" "no page" "says no page matched"
assert_contains "$ERR" '"**/*.html"' "names the include patterns"
assert_no_file "$TMP/never.json" "no report file on exit 2"
write_file "$E/provcheck.lua" 'return { site_root = "www", include = { "**/*.xhtml" } }'
good_page "$E/www/a.html" "A"
run_in "$E" check
assert_status 2 "include matching nothing: exit 2"
assert_contains "$ERR" "www" "names the site root"
assert_contains "$ERR" '"**/*.xhtml"' "names the configured include"
rm -r "$E/provcheck.lua" "$E/www"
run_in "$E" check style.css
assert_status 2 "a PATH that is no page: exit 2"
run_in "$E" baseline
assert_status 2 "baseline of a site without pages: exit 2"
# git modes: --rev of a tree without pages is as wrong; nothing changed is not
git -C "$E" init -q
git -C "$E" add style.css
git -C "$E" commit -qm "no pages yet"
run_in "$E" check --rev HEAD
assert_status 2 "--rev of a tree without pages: exit 2"
assert_contains "$ERR" '"**/*.html"' "--rev: names the include patterns"
run_in "$E" check --staged
assert_status 0 "--staged with no page staged: exit 0"
good_page "$E/a.html" "A"
git -C "$E" add -A
git -C "$E" commit -qm "a page"
run_in "$E" check --changed-since HEAD
assert_status 0 "--changed-since with nothing changed: exit 0"
run_in "$E" check --rev HEAD --changed-since HEAD
assert_status 0 "--rev --changed-since with nothing changed: exit 0"
# an empty shard of a small site is not an error (merge checks the whole)
good_page "$E/b.html" "B"
good_page "$E/c.html" "C"
empty_shards=0
for k in 1 2 3 4 5 6 7 8; do
  run_in "$E" check --shard "$k/8" -f json
  [ "$STATUS" -eq 2 ] && fail "shard $k/8 exits 2"
  [ "$(json 'd["summary"]["pages"]')" = 0 ] && empty_shards=$((empty_shards + 1))
done
if [ "$empty_shards" -gt 0 ]; then pass; else fail "expected an empty shard among 8 for 3 pages"; fi

finish
