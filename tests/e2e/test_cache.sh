#!/usr/bin/env bash
# The result cache of git modes: a warm run reuses results (PROVCHECK_CACHE_STATS=1
# prints hits/misses), deleting a link target in a later commit invalidates the
# pages that linked to it, --no-cache bypasses it, two concurrent runs share it,
# and a run killed with SIGKILL leaves it usable.
. "$(dirname "$0")/lib.sh"

git_identity

# A repository of N pages in one commit, written with git fast-import.
make_repo() {
  local repo=$1 n=$2
  mkdir -p "$repo"
  git -C "$repo" init -q -b main
  python3 - "$repo" "$n" <<'EOF'
import subprocess, sys
repo, n = sys.argv[1], int(sys.argv[2])
out = [b'commit refs/heads/main\n', b'author A <a@example.com> 1700000000 +0000\n',
       b'committer A <a@example.com> 1700000000 +0000\n', b'data 5\npages\n']
def add(path, body):
    page = ('<!DOCTYPE html><html><head><title>%s</title></head><body><article>%s'
            '</article></body></html>\n' % (path, body)).encode()
    out.append(b'M 100644 inline %s\ndata %d\n%s' % (path.encode(), len(page), page))
good = ('<p>Source: reuters</p><a href="/privacy.html">Privacy</a>'
        '<p>The information on this site is from external sources that are not under our control.</p>')
add('privacy.html', good)
for i in range(n):
    body = good if i % 10 else '<p>Source: reuters</p><a href="/privacy.html">Privacy</a>'
    add('news/%05d.html' % i, '<h1>Story %d</h1><p>Text %d.</p>%s' % (i, i, body))
subprocess.run(['git', '-C', repo, 'fast-import', '--quiet'], input=b''.join(out), check=True)
EOF
  git -C "$repo" checkout -q main
}

stats() { printf '%s\n' "$ERR" | grep 'provcheck cache:' | tail -1; }

R=$TMP/repo
make_repo "$R" 200
export PROVCHECK_CACHE_STATS=1

run_in "$R" check --rev HEAD -f json -j2
assert_status 1 "cold run (every tenth page lacks its disclaimer)"
cp "$TMP/.out" "$TMP/cold.json"
assert_eq "$(stats)" "provcheck cache: 0 hits, 201 misses, 201 stored" "cold run fills the cache"
assert_file_exists "$R/.git/provcheck/cache.sqlite" "the cache lives in the git dir"
run_in "$R" check --rev HEAD -f json -j2
assert_eq "$(stats)" "provcheck cache: 201 hits, 0 misses, 0 stored" "warm run uses the cache"
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/cold.json")" "warm output is the same bytes"
run_in "$R" check --rev HEAD -f json --no-cache
assert_eq "$(stats)" "" "--no-cache does not open the cache"
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/cold.json")" "--no-cache output is the same"
run_in "$R" check --rev HEAD -f json --rule privacy-link
assert_eq "$(stats)" "provcheck cache: 0 hits, 201 misses, 201 stored" "--rule is part of the key"
assert_eq "$(json 'd["summary"]["findings"]')" 0 "--rule result"

# A later commit deletes the link target: every page that linked to it is re-checked.
git -C "$R" rm -q privacy.html
git -C "$R" commit -qm "privacy page removed"
page_with "$R/news/extra.html" '<p>Source: reuters</p>'
git -C "$R" add -A
git -C "$R" commit -qm "a page without links"
run_in "$R" check --rev HEAD -f json
assert_eq "$(stats)" "provcheck cache: 0 hits, 201 misses, 201 stored" "deleted link target invalidates its pages"
assert_eq "$(json 'len([f for f in d["findings"] if f["rule"]=="privacy-link"])')" 201 "no stale result: the dead link is reported"
cp "$TMP/.out" "$TMP/after.json"
run_in "$R" check --rev HEAD -f json --no-cache
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/after.json")" "cached run equals an uncached run"
run_in "$R" check --rev HEAD -f json
assert_eq "$(stats)" "provcheck cache: 201 hits, 0 misses, 0 stored" "the new answers are cached in turn"
# an unrelated commit keeps every result valid (same blobs, same link answers)
git -C "$R" commit -q --allow-empty -m "nothing"
run_in "$R" check --rev HEAD -f json
assert_eq "$(stats)" "provcheck cache: 201 hits, 0 misses, 0 stored" "a new commit with the same pages hits"
assert_eq "$(json 'd["target"]["commit"]')" "$(git -C "$R" rev-parse HEAD)" "hits carry the new commit"
assert_eq "$(json 'set(f["commit"] for f in d["findings"]) == {"'"$(git -C "$R" rev-parse HEAD)"'"}')" true "cached findings are stamped with the checked commit"
# a changed config is a different key
printf 'return { rules = { ["third-party-disclaimer"] = "warning" } }\n' >"$R/provcheck.lua"
git -C "$R" add -A
git -C "$R" commit -qm "config"
run_in "$R" check --rev HEAD -f json
assert_eq "$(stats)" "provcheck cache: 0 hits, 201 misses, 201 stored" "a new config misses"

# Two runs at once sharing one (empty) cache.
C=$TMP/concurrent
make_repo "$C" 1500
(cd "$C" && "$PROVCHECK" check --rev HEAD -f json -j2 >"$TMP/c1.json" 2>"$TMP/c1.err"; echo $? >"$TMP/c1.rc") &
(cd "$C" && "$PROVCHECK" check --rev HEAD -f json -j2 >"$TMP/c2.json" 2>"$TMP/c2.err"; echo $? >"$TMP/c2.rc") &
wait
OUT=$(cat "$TMP/c1.err" "$TMP/c2.err")
assert_eq "$(cat "$TMP/c1.rc") $(cat "$TMP/c2.rc")" "1 1" "both concurrent runs finish with findings"
assert_eq "$(cmp -s "$TMP/c1.json" "$TMP/c2.json" && echo same)" same "both concurrent runs print the same bytes"
assert_not_contains "$(cat "$TMP/c1.err" "$TMP/c2.err")" "locked" "no lock errors"
run_in "$C" check --rev HEAD -f json
assert_eq "$(stats)" "provcheck cache: 1501 hits, 0 misses, 0 stored" "after the concurrent runs the cache is complete"
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/c1.json")" "and gives the same report"

# A run killed with SIGKILL in the middle leaves a usable cache.
# A deliberately slow rule (about 1 ms a page) makes the run last seconds.
mkdir -p "$C/rules"
cat >"$C/rules/slow.lua" <<'EOF'
return {
  id = "slow", summary = "burns time", severity = "info",
  check = function(page, opts, report)
    local x = 0
    for i = 1, 100000 do x = x + i end
  end,
}
EOF
printf 'return { rule_paths = { "rules" } }\n' >"$C/provcheck.lua"
git -C "$C" add -A
git -C "$C" commit -qm "new key, so the next run writes"
(cd "$C" && exec "$PROVCHECK" check --rev HEAD -f json -j1 >/dev/null 2>&1) &
victim=$!
sleep 1.0
if kill -9 "$victim" 2>/dev/null; then echo "killed a run in the middle (pid $victim)"; else echo "the run ended before the kill"; fi
wait "$victim" 2>/dev/null
integrity=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$C/.git/provcheck/cache.sqlite")
assert_eq "$integrity" ok "the cache passes an integrity check after a kill"
run_in "$C" check --rev HEAD -f json
assert_status 1 "a run after the kill works"
echo "after the kill: $(stats) (hits = batches the killed run had committed)"
cp "$TMP/.out" "$TMP/afterkill.json"
run_in "$C" check --rev HEAD -f json --no-cache
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/afterkill.json")" "and its report equals an uncached one"
run_in "$C" check --rev HEAD -f json
assert_eq "$(stats)" "provcheck cache: 1501 hits, 0 misses, 0 stored" "and the cache is whole again"

# A cache file that is not a database never fails a run.
rm -rf "$C/.git/provcheck"
mkdir -p "$C/.git/provcheck"
echo "garbage" >"$C/.git/provcheck/cache.sqlite"
run_in "$C" check --rev HEAD -f json
assert_status 1 "a damaged cache file is ignored"
assert_eq "$(cat "$TMP/.out")" "$(cat "$TMP/afterkill.json")" "with the same report"

finish
