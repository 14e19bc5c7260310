#!/usr/bin/env bash
# --format junit: valid against a JUnit XML schema (tests/fixtures/junit.xsd, with
# xmllint), one testcase per page, failures only for pages with unsuppressed
# findings, suppressed findings in system-out, no timestamps.
. "$(dirname "$0")/lib.sh"

XSD=$PROVCHECK_SRC/tests/fixtures/junit.xsd
if ! command -v xmllint >/dev/null; then
  echo "xmllint not found (Debian package libxml2-utils; scripts/setup.sh installs it)" >&2
  exit 1
fi

# xpath EXPR FILE: evaluate an XPath expression with xmllint.
xpath() { xmllint --xpath "$1" "$2" 2>/dev/null; }

S=$TMP/site
good_page "$S/index.html" "Home"
good_page "$S/privacy.html" "Privacy"
page_with "$S/news/world/nolink.html" "<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
page_with "$S/news/bare.html" "<article><p>Nothing here &amp; &lt;nothing&gt; \"quoted\".</p></article>"
page_with "$S/news/excused.html" "<!-- provcheck-disable privacy-link -- the footer is injected by the CDN -->
<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"

run_in "$S" check -f junit -o "$TMP/junit.xml"
assert_status 1 "findings fail the run"
if xmllint --noout --schema "$XSD" "$TMP/junit.xml" 2>"$TMP/xsd.err"; then pass; else fail "JUnit XML is not valid against junit.xsd: $(cat "$TMP/xsd.err")"; fi
J=$TMP/junit.xml
assert_eq "$(xpath 'count(//testcase)' "$J")" "5" "one testcase per page"
assert_eq "$(xpath 'string(/testsuites/@tests)' "$J")" "5" "testsuites tests= counts pages"
assert_eq "$(xpath 'count(//testcase[failure])' "$J")" "2" "only pages with unsuppressed findings fail"
assert_eq "$(xpath 'string(/testsuites/testsuite/@failures)' "$J")" "2" "failures= counts failing pages"
assert_eq "$(xpath 'string(//testcase[@name="news/world/nolink.html"]/@classname)' "$J")" "provcheck.news.world" "classname from the folder"
assert_eq "$(xpath 'string(//testcase[@name="index.html"]/@classname)' "$J")" "provcheck" "classname of a root page"
assert_eq "$(xpath 'string(//testcase[@name="news/world/nolink.html"]/failure/@type)' "$J")" "privacy-link" "failure type names the rules"
assert_eq "$(xpath 'string(//testcase[@name="news/world/nolink.html"]/failure/@message)' "$J")" "1 finding" "failure message counts findings"
text=$(xpath 'string(//testcase[@name="news/world/nolink.html"]/failure)' "$J")
assert_contains "$text" "news/world/nolink.html:" "failure text: path"
assert_contains "$text" ": error: " "failure text: severity"
assert_contains "$text" "[privacy-link]" "failure text: rule"
bare=$(xpath 'string(//testcase[@name="news/bare.html"]/failure/@message)' "$J")
assert_eq "$bare" "3 findings" "a page with three findings"
assert_eq "$(xpath 'count(//testcase[@name="news/excused.html"]/failure)' "$J")" "0" "suppressed findings do not fail"
out=$(xpath 'string(//testcase[@name="news/excused.html"]/system-out)' "$J")
assert_contains "$out" "suppressed (inline: the footer is injected by the CDN)" "suppressed finding and reason in system-out"
assert_not_contains "$(cat "$J")" "timestamp" "no timestamp"
assert_not_contains "$(cat "$J")" "time=" "no durations"

# clean site: every testcase passes, still valid
rm -rf "$TMP/clean"; good_page "$TMP/clean/a.html"; good_page "$TMP/clean/privacy.html"
run_in "$TMP/clean" check -f junit -o "$TMP/clean.xml"
assert_status 0 "clean site"
if xmllint --noout --schema "$XSD" "$TMP/clean.xml" 2>/dev/null; then pass; else fail "clean JUnit not valid"; fi
assert_eq "$(xpath 'count(//failure)' "$TMP/clean.xml")" "0" "no failures on a clean site"

# a run with no page (nothing changed since HEAD): zero testcases, still valid
mkdir -p "$TMP/empty"
printf 'return {}\n' >"$TMP/empty/provcheck.lua"
good_page "$TMP/empty/a.html"
(export HOME=$TMP GIT_CONFIG_NOSYSTEM=1; cd "$TMP/empty" && git init -q && git add -A &&
 git -c user.name=A -c user.email=a@example.com commit -qm one)
run_in "$TMP/empty" check --changed-since HEAD -f junit -o "$TMP/empty.xml"
assert_status 0 "nothing changed: no page, exit 0"
if xmllint --noout --schema "$XSD" "$TMP/empty.xml" 2>/dev/null; then pass; else fail "empty JUnit not valid"; fi
assert_eq "$(xpath 'count(//testcase)' "$TMP/empty.xml")" "0" "no testcase when no page ran"

# the schema is a real check: a testcase without a name is rejected
sed 's/<testcase classname="provcheck" name="index.html"/<testcase classname="provcheck"/' "$J" >"$TMP/broken.xml"
if xmllint --noout --schema "$XSD" "$TMP/broken.xml" 2>/dev/null; then fail "junit.xsd accepts a testcase without name"; else pass; fi

finish
