#!/usr/bin/env bash
# test_no_false_pass_gate_messages.sh (issue 9, point 9): a gate says why it failed,
# and the CI formats agree with the gate. `--max-warnings N` exceeded prints the
# reason on stderr (check and merge); in JUnit a testcase fails only for findings at
# or above --fail-on, so a passing run's test view is green and a failing one's is
# red on the right pages (check, merge of real shards, and merge as a converter).
. "$(dirname "$0")/lib.sh"

XSD=$PROVCHECK_SRC/tests/fixtures/junit.xsd
xpath() { xmllint --xpath "$1" "$2" 2>/dev/null; }
valid_junit() {
  if xmllint --noout --schema "$XSD" "$1" 2>"$TMP/xsd.err"; then pass; else fail "$2: not valid against junit.xsd: $(cat "$TMP/xsd.err")"; fi
}

# a site whose only findings are warnings: 12 pages without a disclaimer
W=$TMP/warn
write_file "$W/provcheck.lua" 'return { rules = { ["third-party-disclaimer"] = "warning" } }'
good_page "$W/privacy.html" "Privacy"
for i in $(seq 1 12); do
  page_with "$W/p$i.html" "<article><p>Source: reuters</p><a href=\"/privacy.html\">Privacy</a></article>"
done

# ---- --max-warnings says why
run_in "$W" check --max-warnings 10
assert_status 1 "12 warnings > --max-warnings 10"
assert_contains "$ERR" "provcheck: too many warnings (12). Maximum allowed is 10." "check says why it failed"
run_in "$W" check --max-warnings 12
assert_status 0 "12 warnings = --max-warnings 12"
assert_not_contains "$ERR" "too many warnings" "no message when within the limit"
run_in "$W" check -f json -o "$TMP/w.json" --max-warnings 0
assert_status 1 "--max-warnings 0 with -o"
assert_contains "$ERR" "too many warnings (12). Maximum allowed is 0." "the reason is on stderr also when the report goes to a file"
run_in "$W" check -f json --max-warnings 3
assert_contains "$ERR" "too many warnings (12). Maximum allowed is 3." "the reason is on stderr, not in the JSON on stdout"
json 'd["summary"]["warnings"]' >/dev/null 2>&1 && pass || fail "stdout is still only JSON"
run merge --max-warnings 10 "$TMP/w.json"
assert_status 1 "merge: too many warnings"
assert_contains "$ERR" "provcheck: too many warnings (12). Maximum allowed is 10." "merge says why it failed"
run merge --max-warnings 10 --fail-on never "$TMP/w.json"
assert_status 1 "--max-warnings holds whatever --fail-on (the contract)"
assert_contains "$ERR" "too many warnings (12)" "and says so"

# ---- JUnit: warnings do not fail testcases under --fail-on error
run_in "$W" check -f junit -o "$TMP/w.xml"
assert_status 0 "a warnings-only site passes"
valid_junit "$TMP/w.xml" "warnings-only JUnit"
assert_eq "$(xpath 'count(//testcase)' "$TMP/w.xml")" "13" "one testcase per page"
assert_eq "$(xpath 'count(//testcase[failure])' "$TMP/w.xml")" "0" "no testcase fails when the run passes"
assert_eq "$(xpath 'string(/testsuites/@failures)' "$TMP/w.xml")" "0" "failures=0 when the run passes"
out=$(xpath 'string(//testcase[@name="p1.html"]/system-out)' "$TMP/w.xml")
assert_contains "$out" "below --fail-on: p1.html:" "the warning is recorded in system-out"
assert_contains "$out" "warning: no third-party disclaimer" "with its severity and message"
# --fail-on warning: they fail, as the run does
run_in "$W" check --fail-on warning -f junit -o "$TMP/ww.xml"
assert_status 1 "--fail-on warning fails the run"
valid_junit "$TMP/ww.xml" "--fail-on warning JUnit"
assert_eq "$(xpath 'count(//testcase[failure])' "$TMP/ww.xml")" "12" "--fail-on warning: the warning pages fail"
assert_eq "$(xpath 'string(/testsuites/testsuite/@failures)' "$TMP/ww.xml")" "12" "failures= counts them"

# a mixed site: the error page fails, the warning pages pass
M=$TMP/mixed
cp -r "$W" "$M"
page_with "$M/broken.html" "<article><p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$M" check -f junit -o "$TMP/m.xml"
assert_status 1 "the error fails the run"
valid_junit "$TMP/m.xml" "mixed JUnit"
assert_eq "$(xpath 'count(//testcase[failure])' "$TMP/m.xml")" "1" "only the page with errors fails"
assert_eq "$(xpath 'count(//testcase[@name="broken.html"]/failure)' "$TMP/m.xml")" "1" "the error page fails"
assert_eq "$(xpath 'string(/testsuites/@failures)' "$TMP/m.xml")" "1" "failures=1"
# a page with an error and a warning: the failure lists the error; the warning goes to system-out
page_with "$M/both.html" "<article><p>Nothing at all.</p><a href=\"/privacy.html\">Privacy</a></article>"
run_in "$M" check -f junit -o "$TMP/m2.xml"
fail_text=$(xpath 'string(//testcase[@name="both.html"]/failure)' "$TMP/m2.xml")
assert_contains "$fail_text" "error: no source attribution" "the error is in the failure"
assert_not_contains "$fail_text" "warning:" "the warning is not a failure"
assert_eq "$(xpath 'string(//testcase[@name="both.html"]/failure/@message)' "$TMP/m2.xml")" "1 finding" "the failure counts failing findings"
assert_contains "$(xpath 'string(//testcase[@name="both.html"]/system-out)' "$TMP/m2.xml")" "below --fail-on: both.html" "the warning in system-out"

# merge of real shards, and merge as a converter, give the same JUnit
for k in 1 2; do run_in "$M" check --shard "$k/2" -f json -o "$TMP/ms$k.json"; done
run merge -f junit -o "$TMP/mm.xml" "$TMP/ms1.json" "$TMP/ms2.json"
assert_status 1 "merge gates on the error"
if cmp -s "$TMP/m2.xml" "$TMP/mm.xml"; then pass; else fail "merge -f junit differs from check -f junit: $(diff "$TMP/m2.xml" "$TMP/mm.xml" | head)"; fi
# the conversion step of the CI templates passes --fail-on never: errors must still fail their testcase
run merge --fail-on never -f junit -o "$TMP/mn.xml" "$TMP/ms1.json" "$TMP/ms2.json"
assert_status 0 "a conversion step does not gate"
if cmp -s "$TMP/m2.xml" "$TMP/mn.xml"; then pass; else fail "merge --fail-on never -f junit hides failures: $(diff "$TMP/m2.xml" "$TMP/mn.xml" | head)"; fi
run merge --fail-on warning -f junit -o "$TMP/mw.xml" "$TMP/ms1.json" "$TMP/ms2.json"
assert_eq "$(xpath 'count(//testcase[failure])' "$TMP/mw.xml")" "14" "merge --fail-on warning: warning pages fail too"
run_in "$W" check -f json -o "$TMP/w-all.json"
run merge -f junit -o "$TMP/wc.xml" "$TMP/w-all.json"
assert_status 0 "converting a warnings-only report passes"
assert_eq "$(xpath 'count(//testcase[failure])' "$TMP/wc.xml")" "0" "and its JUnit has no failure"

finish
