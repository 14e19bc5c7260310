#!/usr/bin/env bash
# test_no_false_pass_read_back.sh (issue 9, point 10): nothing read back is trusted
# blindly. The result cache (shareable through CI caches), git notes read by `log`,
# baselines and audit databases are tampered with (sqlite3, git notes, edited JSON),
# and none of it ever gives a pass: a bad cache entry is ignored and the page is
# checked again, a bad baseline is an exit-2 error naming the file and the entry, a
# bad note shows as INVALID in `log`, a bad audit row is an error.
. "$(dirname "$0")/lib.sh"
git_identity

R=$TMP/repo
good_page "$R/privacy.html" "Privacy"
good_page "$R/ok.html" "Ok"
page_with "$R/bad.html" "<article><p>Nothing here.</p></article>"
git -C "$TMP" init -q repo
git -C "$R" add -A
git -C "$R" commit -qm "a site with a broken page"
DB=$R/.git/provcheck/cache.sqlite

# ---- the result cache
run_in "$R" check --rev HEAD --no-cache -f json -o "$TMP/truth.json"
assert_status 1 "the broken page fails"
assert_eq "$(json 'd["summary"]["errors"]' "$TMP/truth.json")" "3" "three errors on bad.html"
run_in "$R" check --rev HEAD -f json -o "$TMP/cold.json"
assert_file_exists "$DB" "the cache is written"
PROVCHECK_CACHE_STATS=1 run_in "$R" check --rev HEAD -f json -o "$TMP/warm.json"
assert_contains "$ERR" "provcheck cache: 3 hits" "a warm run reads every page from the cache"
if cmp -s "$TMP/truth.json" "$TMP/warm.json"; then pass; else fail "the warm run differs from --no-cache"; fi

# tamper PYTHON_EXPR: rewrite the cached findings of bad.html; `f` is the blob
# (bytearray): u32 count, then per finding u32 severity, suppression, line, column,
# and length-prefixed rule, message, fingerprint, reason, extra.
tamper() {
  python3 - "$DB" "$1" <<'PY'
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT rowid_key, findings FROM (SELECT run || blob || path || site AS rowid_key, findings, path FROM results) WHERE path = 'bad.html'").fetchall()
assert rows, "no cache row for bad.html"
for key, blob in rows:
    f = bytearray(blob)
    exec(sys.argv[2])
    db.execute("UPDATE results SET findings = ? WHERE run || blob || path || site = ?", (bytes(f), key))
db.commit()
PY
}
# byte offset of the first finding's fields
SEV=4; SUPP=8; LINE=12; COL=16
for t in "unknown severity 7:f[SEV:SEV+4] = struct.pack('<I', 7)" \
         "severity off:f[SEV:SEV+4] = struct.pack('<I', 0)" \
         "baseline suppression:f[SUPP:SUPP+4] = struct.pack('<I', 2)" \
         "unknown suppression:f[SUPP:SUPP+4] = struct.pack('<I', 9)" \
         "negative line:f[LINE:LINE+4] = struct.pack('<I', 0xFFFFFFF0)" \
         "column without line:f[LINE:LINE+4] = struct.pack('<I', 0)" \
         "fingerprint not hex:import re
m = re.search(rb'[0-9a-f]{32}', bytes(f)); f[m.start():m.end()] = b'z' * 32" \
         "empty rule id:n = struct.unpack('<I', f[20:24])[0]; f[20:24 + n] = struct.pack('<I', 0)" \
         "trailing bytes:f += b'junk'" \
         "truncated:del f[-3:]" \
         "count too large:f[0:4] = struct.pack('<I', 1000)"; do
  name=${t%%:*}
  code=${t#*:}
  run_in "$R" check --rev HEAD -f json -o "$TMP/seed.json"   # a good entry to start from
  tamper "SEV=$SEV; SUPP=$SUPP; LINE=$LINE; COL=$COL
$code"
  PROVCHECK_CACHE_STATS=1 run_in "$R" check --rev HEAD -f json -o "$TMP/tampered.json"
  assert_status 1 "cache entry with $name: the page still fails"
  if cmp -s "$TMP/truth.json" "$TMP/tampered.json"; then pass; else
    fail "cache entry with $name: the report differs from --no-cache: $(diff "$TMP/truth.json" "$TMP/tampered.json" | head -8)"; fi
  assert_contains "$ERR" "1 misses" "cache entry with $name: ignored and checked again"
  assert_eq "$(json '[f["severity"] for f in d["findings"] if f["suppressed"]]' "$TMP/tampered.json")" "[]" "cache entry with $name: nothing turned into a suppressed entry"
done
# the page checked again overwrote the bad entry
PROVCHECK_CACHE_STATS=1 run_in "$R" check --rev HEAD -f json -o "$TMP/rewarm.json"
assert_contains "$ERR" "3 hits" "the recomputed entry is stored again"

# ---- git notes read by `provcheck log`
run_in "$R" check --rev HEAD --record
assert_status 1 "record the failing commit"
run_in "$R" log
assert_contains "$OUT" "FAIL" "log shows the recorded failure"
git -C "$R" notes --ref=provcheck show HEAD >"$TMP/note.json"
# edit_note PYTHON: change the note's report `d` and store it again
edit_note() {
  python3 - "$TMP/note.json" "$TMP/note-edited.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
  git -C "$R" notes --ref=provcheck add -f -F "$TMP/note-edited.json" HEAD 2>/dev/null
}
for t in "summary says 0 errors:d['summary']['errors'] = 0" \
         "errors turned off (summary recounted):
for f in d['findings']: f['severity'] = 'off'
d['summary'].update(findings=0, errors=0)" \
         "errors suppressed by an unknown kind (summary recounted):
for f in d['findings']: f.update(suppressed=True, suppression='later')
d['summary'].update(findings=0, errors=0, suppressed=3)" \
         "a count that is not a number:d['summary']['errors'] = 'none'" \
         "no summary:del d['summary']" \
         "fingerprints not hex:
for f in d['findings']: f['fingerprint'] = 'x'" \
         "another format version:d['version'] = 2"; do
  name=${t%%:*}
  edit_note "${t#*:}"
  run_in "$R" log
  assert_status 0 "log with a note where $name: it ran"
  assert_not_contains "$OUT" " ok " "log with a note where $name: not shown as compliant"
  assert_contains "$OUT" "INVALID note" "log with a note where $name: shown as invalid"
  assert_contains "$ERR" "is invalid" "log with a note where $name: an error on stderr"
  run_in "$R" log -f json
  assert_eq "$(json 'd["entries"][0].get("errors")')" "null" "log -f json with a note where $name: no error count to read as 0"
  assert_contains "$(json 'd["entries"][0]["invalid"]')" " " "log -f json with a note where $name: says why it is invalid"
done
printf 'not json at all' >"$TMP/junk-note"
git -C "$R" notes --ref=provcheck add -f -F "$TMP/junk-note" HEAD 2>/dev/null
run_in "$R" log
assert_contains "$OUT" "INVALID note (not valid JSON)" "a note that is not JSON"
run_in "$R" check --rev HEAD --record
run_in "$R" log
assert_contains "$OUT" "FAIL" "a note written again by provcheck is valid"

# ---- baselines
run_in "$R" baseline -o "$TMP/base.json"
run_in "$R" check --baseline "$TMP/base.json"
assert_status 0 "the honest baseline suppresses the known findings"
# edit_baseline NAME PYTHON: a copy of the baseline with `d` edited
edit_baseline() {
  python3 - "$TMP/base.json" "$TMP/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"][1]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}
for t in "sev-bogus:f['severity'] = 'bogus':severity" \
         "sev-off:f['severity'] = 'off':severity" \
         "fp-short:f['fingerprint'] = 'abc':fingerprint" \
         "fp-upper:f['fingerprint'] = f['fingerprint'].upper():fingerprint" \
         "no-rule:del f['rule']:rule" \
         "empty-rule:f['rule'] = '':rule" \
         "supp-unknown:f['suppression'] = 'forever':suppression" \
         "supp-mismatch:f['suppressed'] = True:suppress" \
         "suppressed-string:f['suppressed'] = 'yes':suppressed" \
         "line-negative:f['line'] = -4:line" \
         "line-text:f['line'] = 'twelve':line" \
         "not-object:d['findings'][1] = 'privacy-link':fingerprint"; do
  IFS=: read -r name code word <<<"$t"
  edit_baseline "$name" "$code"
  rm -f "$TMP/out.json"
  run_in "$R" check --baseline "$TMP/$name.json" -f json -o "$TMP/out.json"
  assert_status 2 "baseline $name: a setup error"
  assert_contains "$ERR" "$name.json" "baseline $name: the file is named"
  assert_contains "$ERR" "finding 2" "baseline $name: the entry is named"
  assert_contains "$ERR" "$word" "baseline $name: what is wrong"
  assert_no_file "$TMP/out.json" "baseline $name: no report"
done

# ---- audit databases (the tests' own HTTP server, 127.0.0.1)
start_test_server srv
B=http://127.0.0.1:$PORT
mkdir -p "$TMP/work"
run_in "$TMP/work" audit --rate 0 -q --db "$TMP/audit.sqlite" "$B/bare" "$B/page/1"
assert_status 1 "the audit finds the bare page"
cp "$TMP/audit.sqlite" "$TMP/audit-clean.sqlite"
run_in "$TMP/work" report --db "$TMP/audit.sqlite" -o "$TMP/report.html"
assert_status 0 "the honest database makes a report"
for t in "severity off:UPDATE findings SET severity = 'off'" \
         "unknown severity:UPDATE findings SET severity = 'fatal'" \
         "suppressed 7:UPDATE findings SET suppressed = 7" \
         "negative line:UPDATE findings SET line = -2" \
         "line as text:UPDATE findings SET line = 'x'" \
         "empty rule:UPDATE findings SET rule = ''" \
         "short fingerprint:UPDATE findings SET fingerprint = 'abc'"; do
  name=${t%%:*}
  cp "$TMP/audit-clean.sqlite" "$TMP/audit.sqlite"
  sqlite3 "$TMP/audit.sqlite" "${t#*:}"
  rm -f "$TMP/report.html"
  run_in "$TMP/work" report --db "$TMP/audit.sqlite" -o "$TMP/report.html"
  assert_status 2 "audit database with $name: an error"
  assert_contains "$ERR" "audit.sqlite" "audit database with $name: the file is named"
  assert_contains "$ERR" "is invalid" "audit database with $name: says the row is invalid"
  assert_no_file "$TMP/report.html" "audit database with $name: no report"
done

finish
