#!/usr/bin/env bash
# Baselines: `provcheck baseline` writes one; `check --baseline FILE` suppresses the
# findings it holds. A finding moved by inserted lines, or on a page edited
# elsewhere, stays suppressed; a new finding fails; a fixed one drops out and its
# entry is listed as stale with --verbose; a broken baseline is a setup error.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
good_page "$S/index.html" "Home"
good_page "$S/privacy.html" "Privacy"
page_with "$S/news/legacy.html" "<article><h1>Legacy</h1><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
page_with "$S/news/old.html" "<article><h1>Old</h1><p>No source, no link.</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
page_with "$S/news/excused.html" "<!-- provcheck-disable privacy-link -- footer injected later -->
<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"

run_in "$S" check
assert_status 1 "legacy findings fail without a baseline"

# --- writing a baseline ------------------------------------------------------
run_in "$S" baseline
assert_status 0 "baseline exits 0 although there are findings"
printf '%s\n' "$OUT" >"$TMP/stdout-baseline.json"
assert_eq "$(json 'd["version"]' "$TMP/stdout-baseline.json")" "1" "baseline is a JSON report"
assert_eq "$(json '[(f["path"], f["rule"]) for f in d["findings"]]' "$TMP/stdout-baseline.json")" \
  '[["news/legacy.html","privacy-link"],["news/old.html","privacy-link"],["news/old.html","source-attribution"]]' \
  "baseline holds the current findings, not the inline-suppressed one"
assert_eq "$(json 'd["summary"]["suppressed"]' "$TMP/stdout-baseline.json")" "0" "baseline findings are plain findings"
run_in "$S" baseline -o "$S/.provcheck-baseline.json"
assert_status 0 "baseline -o"
assert_eq "$(cat "$S/.provcheck-baseline.json")" "$(cat "$TMP/stdout-baseline.json")" "-o writes the same report"
run_in "$S" baseline -f sarif
assert_status 2 "a baseline is always JSON"

B=$S/.provcheck-baseline.json
run_in "$S" check --baseline "$B"
assert_status 0 "every finding is in the baseline"
run_in "$S" check --baseline "$B" -f json
assert_eq "$(json '[f["suppression"] for f in d["findings"]]')" '["inline","baseline","baseline","baseline"]' "baseline findings are suppressed, not dropped"
assert_eq "$(json 'd["summary"]["suppressed"]')" "4" "summary counts them as suppressed"
assert_eq "$(json 'd["summary"]["findings"]')" "0" "no unsuppressed finding"

# --- lines inserted above: the finding moves and stays suppressed -------------
page_with "$S/news/legacy.html" "<p>new</p>
<p>lines</p>
<p>above</p>
<article><h1>Legacy</h1><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$S" check --baseline "$B" -f json
assert_status 0 "moved finding stays suppressed"
assert_eq "$(json '[(f["line"], f["suppression"]) for f in d["findings"] if f["path"] == "news/legacy.html"]')" \
  '[[7,"baseline"]]' "the finding moved to line 7 and is still suppressed"

# --- an edit elsewhere in the page --------------------------------------------
page_with "$S/news/old.html" "<article><h1>Old, now with a new headline</h1><p>No source, no link.</p>
<p>A whole new paragraph of reporting.</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$S" check --baseline "$B"
assert_status 0 "an edit elsewhere keeps the findings suppressed"

# --- a new finding fails --------------------------------------------------------
page_with "$S/news/new.html" "<article><h1>New</h1><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$S" check --baseline "$B"
assert_status 1 "a new finding fails"
assert_contains "$OUT" "news/new.html" "the new finding is reported"
assert_not_contains "$OUT" "news/old.html" "baseline findings are not printed"
rm "$S/news/new.html"

# --- a fixed finding drops out, stale entries with --verbose ---------------------
page_with "$S/news/legacy.html" "<article><h1>Legacy</h1><p>Source: reuters</p>
<p><a href=\"/privacy.html\">Privacy</a></p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$S" check --baseline "$B" -f json
assert_status 0 "fixed finding"
assert_eq "$(json '[f["path"] for f in d["findings"] if f["suppression"] == "baseline"]')" '["news/old.html","news/old.html"]' "the fixed finding is gone"
assert_not_contains "$ERR" "stale" "stale entries only with --verbose"
run_in "$S" check --baseline "$B" --verbose
assert_status 0 "--verbose"
assert_contains "$ERR" "stale entry" "--verbose lists stale entries"
assert_contains "$ERR" "news/legacy.html" "the stale entry names its page"
assert_contains "$ERR" "1 stale" "the stale entries are counted"

# --- --quiet hides warnings (as in ESLint) -------------------------------------------
printf 'return { rules = { ["source-attribution"] = "warning" } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_contains "$OUT" "warning:" "warnings are shown"
run_in "$S" check --quiet
assert_not_contains "$OUT" "warning:" "--quiet hides warnings"
assert_contains "$OUT" "error:" "--quiet keeps errors"
rm "$S/provcheck.lua"

# --- a baseline that cannot be used is a setup error ----------------------------
run_in "$S" check --baseline "$TMP/missing.json" -o "$TMP/never.json"
assert_status 2 "missing baseline"
assert_contains "$ERR" "missing.json" "the message names the file"
assert_no_file "$TMP/never.json" "no report is written on a setup error"
printf '{ "version": 1, "findings": [ ' >"$TMP/broken.json"
run_in "$S" check --baseline "$TMP/broken.json"
assert_status 2 "broken baseline"
assert_contains "$ERR" "broken.json" "the message names the broken file"
printf '{ "hello": 1 }\n' >"$TMP/other.json"
run_in "$S" check --baseline "$TMP/other.json"
assert_status 2 "JSON that is not a report"
assert_contains "$ERR" "other.json" "the message names the file"

finish
