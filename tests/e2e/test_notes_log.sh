#!/usr/bin/env bash
# check --rev REV --record stores the JSON report as a git note (refs/notes/provcheck),
# and `provcheck log [RANGE]` prints compliance per commit from the notes.
. "$(dirname "$0")/lib.sh"

git_identity

R=$TMP/repo
mkdir -p "$R"
git -C "$R" init -q -b main
good_page "$R/privacy.html" "Privacy"
good_page "$R/a.html" "A"
git -C "$R" add -A && git -C "$R" commit -qm "clean site"
C1=$(git -C "$R" rev-parse HEAD)
page_with "$R/b.html" '<article><p>no source</p></article>'
git -C "$R" add -A && git -C "$R" commit -qm "broken page"
C2=$(git -C "$R" rev-parse HEAD)
git -C "$R" commit -q --allow-empty -m "not checked"
C3=$(git -C "$R" rev-parse HEAD)

run_in "$R" check --rev "$C1" --record
assert_status 0 "record a clean commit"
run_in "$R" check --rev HEAD~1 --record -f json -o "$TMP/c2.json"
assert_status 1 "record a failing commit (exit code unchanged)"
assert_eq "$(git -C "$R" rev-parse -q --verify refs/notes/provcheck >/dev/null && echo yes)" yes "the notes ref exists"
note=$(git -C "$R" notes --ref=provcheck show "$C2")
printf '%s' "$note" >"$TMP/note.json"
assert_eq "$(json 'd["target"]["commit"]' "$TMP/note.json")" "$C2" "the note is the JSON report of that commit"
assert_eq "$(json 'd["summary"]["errors"]' "$TMP/note.json")" 3 "with its summary"
assert_eq "$(json 'd["summary"]' "$TMP/note.json")" "$(json 'd["summary"]' "$TMP/c2.json")" "the same report as written to -o"
run_in "$R" check --staged --record
assert_status 2 "--record needs --rev"

# log: newest first along the first-parent history; unrecorded commits are marked
run_in "$R" log
assert_status 0 "log ran"
assert_contains "$OUT" "${C3:0:7}" "log lists HEAD"
assert_contains "$OUT" "not recorded" "an unrecorded commit"
assert_contains "$OUT" "3 errors" "the failing commit's numbers"
run_in "$R" log -f json
assert_eq "$(json '[e["commit"] for e in d["entries"]]')" "[\"$C3\",\"$C2\",\"$C1\"]" "log entries newest first"
assert_eq "$(json '[e["recorded"] for e in d["entries"]]')" '[false,true,true]' "recorded flags"
assert_eq "$(json '[e.get("errors") for e in d["entries"]]')" '[null,3,0]' "errors per commit"
assert_eq "$(json 'd["entries"][1]["pages"]')" 3 "pages per commit"
assert_eq "$(json 'd["entries"][1]["summary"]')" "broken page" "commit summary"
run_in "$R" log -f json "$C1..HEAD"
assert_eq "$(json '[e["commit"] for e in d["entries"]]')" "[\"$C3\",\"$C2\"]" "a range A..B"
run_in "$R" log -f json -n 1
assert_eq "$(json 'len(d["entries"])')" 1 "--max-count"
run_in "$R" log "$C2"
assert_not_contains "$OUT" "${C3:0:7}" "log of a revision starts there"

# re-recording replaces the note
good_page "$R/b.html" "B"
run_in "$R" check --rev "$C2" --record -f json
note=$(git -C "$R" notes --ref=provcheck show "$C2")
printf '%s' "$note" >"$TMP/note.json"
assert_eq "$(json 'd["target"]["commit"]' "$TMP/note.json")" "$C2" "a re-record replaces the note"

# notes travel with push/fetch of refs/notes/*
git clone -q --bare "$R" "$TMP/remote.git"
git -C "$R" push -q "$TMP/remote.git" 'refs/notes/*:refs/notes/*'
git clone -q "$TMP/remote.git" "$TMP/clone"
git -C "$TMP/clone" fetch -q origin 'refs/notes/*:refs/notes/*'
run_in "$TMP/clone" log -f json
assert_eq "$(json '[e["recorded"] for e in d["entries"]]')" '[false,true,true]' "notes fetched into a clone"

run_in "$R" log nope
assert_status 2 "log of a bad revision"
run_in "$TMP" log
assert_status 2 "log outside a repository"
run_in "$R" log --bogus
assert_status 2 "log with an unknown option"

finish
