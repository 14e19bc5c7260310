#!/usr/bin/env bash
# --format github: GitHub Actions workflow commands. Escaping per the runner's rules
# (message: % CR LF; properties also : and ,), levels, --quiet, and the closing
# summary with totals, the 10-per-level annotation limit and the report hint.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
mkdir -p "$S/checks"
# A rule whose message holds every character that needs escaping.
cat >"$S/checks/odd-message.lua" <<'LUA'
return {
  id = "odd-message", summary = "reports a message with special characters",
  severity = "warning", options = {}, docs = "test rule",
  check = function(page, opts, report)
    if page.path:find("odd", 1, true) then
      report{ message = "100% sure\r\nnext line, a:b" }
    end
  end,
}
LUA
printf 'return { rule_paths = { "checks" }, exclude = { "checks/**" } }\n' >"$S/provcheck.lua"
good_page "$S/ok.html"
good_page "$S/privacy.html" "Privacy"
good_page "$S/news/odd%,:name.html"
page_with "$S/news/nolink.html" "<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"

run_in "$S" check -f github
assert_status 1 "an error fails the run in github format too"
assert_contains "$OUT" "::warning file=news/odd%25%2C%3Aname.html,line=" "file property escapes % , :"
assert_contains "$OUT" "title=odd-message::100%25 sure%0D%0Anext line, a:b" "message escapes % CR LF, keeps : and ,"
assert_contains "$OUT" "::error file=news/nolink.html,line=" "error command with file and line"
assert_contains "$OUT" "title=privacy-link::" "title is the rule id"
# every annotation is one physical line: CR and LF never leak out of the escaping
lines=$(printf '%s\n' "$OUT" | grep -c '^::')
assert_eq "$lines" "2" "one line per unsuppressed finding"
if printf '%s' "$OUT" | grep -q $'\r'; then fail "a raw CR in the output"; else pass; fi
summary=$(printf '%s\n' "$OUT" | tail -n 1)
assert_contains "$summary" "4 pages, 1 errors, 1 warnings" "summary gives the totals"
assert_contains "$summary" "first 10 errors and 10 warnings" "summary names GitHub's limit"
assert_contains "$summary" "Full report:" "summary says where the full report is"

PROVCHECK_REPORT_HINT='the provcheck-report artifact (100%)' run_in "$S" check -f github
assert_contains "$OUT" "Full report: the provcheck-report artifact (100%25)" "PROVCHECK_REPORT_HINT is the hint, escaped"
run_in "$S" check -f github --report-hint "report.json, line 1"
assert_contains "$OUT" "Full report: report.json, line 1" "--report-hint is the hint"

run_in "$S" check -f github --quiet
assert_not_contains "$OUT" "::warning" "--quiet hides warnings"
assert_contains "$OUT" "::error file=news/nolink.html" "--quiet keeps errors"
assert_contains "$OUT" "--quiet left out 1 warnings" "--quiet says what it hid"

# inline-suppressed findings are not annotated
page_with "$S/news/nolink.html" "<!-- provcheck-disable privacy-link -- moved -->
<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$S" check -f github
assert_status 0 "suppressed error does not fail"
assert_not_contains "$OUT" "::error" "suppressed finding is not annotated"
assert_contains "$OUT" "1 suppressed" "summary counts suppressed findings"

# more than 10 errors: the summary says how many were not annotated
for i in $(seq 1 12); do
  page_with "$S/bulk/p$i.html" "<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
done
run_in "$S" check -f github
assert_eq "$(printf '%s\n' "$OUT" | grep -c '^::error')" "12" "every error is printed"
assert_contains "$OUT" "(2 errors and 0 warnings are not annotated)" "summary counts what GitHub drops"

# -o writes the same bytes
run_in "$S" check -f github -o "$TMP/gh.txt"
expected=$(cat "$TMP/gh.txt")
run_in "$S" check -f github
assert_eq "$OUT" "$expected" "-o file and stdout agree"

finish
