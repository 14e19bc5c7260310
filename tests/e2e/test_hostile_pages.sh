#!/usr/bin/env bash
# Pages built to make provcheck slow: many suppression comments, an element with
# a huge number of attributes, deep nesting, a parse that takes long, an XPath whose
# every step copies the whole page. Each must end quickly (a hang fails through
# `timeout`) with a clear finding, never a hang.
. "$(dirname "$0")/lib.sh"

# run_within SECONDS DIR ARGS...: like run_in, but fails when provcheck needs
# longer than SECONDS.
run_within() {
  local limit=$1 dir=$2
  shift 2
  (cd "$dir" && timeout "$limit" "$PROVCHECK" "$@") >"$TMP/.out" 2>"$TMP/.err"
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
  check_sanitizers "$@"
  if [ "$STATUS" -eq 124 ]; then fail "provcheck $* took more than $limit s"; fi
}

# gen FILE PYTHON: write the page that the Python expression evaluates to.
gen() {
  mkdir -p "$(dirname "$1")"
  python3 -c "import sys; open(sys.argv[1], 'w').write($2)" "$1"
}

HEAD='"<!DOCTYPE html><html><head><title>t</title></head><body>\n"'
TAIL='"\n</body></html>\n"'

# --- suppression comments: linear in their number ----------------------------------
# 40,000 comments on one line took 48 s (each counted the ones before it and
# rescanned the page for its column); 40,000 naming unknown rules 17 s.
S=$TMP/supp
gen "$S/same-line.html" "$HEAD + '<!-- provcheck-disable privacy-link -->' + '<!-- provcheck-disable no-such -->' * 39999 + $TAIL"
gen "$S/unknown.html" "$HEAD + '\n'.join('<!-- provcheck-disable no-such-%d -->' % i for i in range(40000)) + $TAIL"
run_within 15 "$S" check --no-cache -f json
assert_status 1 "suppression pages: findings"
assert_eq "$(json '[(f["line"], f["column"]) for f in d["findings"] if f["path"] == "same-line.html" and f["rule"] == "unused-suppression"][:3]')" \
  "[[2,40],[2,74],[2,108]]" "same-line comments: each points at its own column"
assert_eq "$(json 'len([f for f in d["findings"] if f["path"] == "same-line.html" and f["rule"] == "unused-suppression"])')" \
  "39999" "same-line comments: each unknown id is reported"
assert_eq "$(json 'len([f for f in d["findings"] if f["path"] == "same-line.html" and f["rule"] == "privacy-link" and f["suppressed"]])')" \
  "1" "same-line comments still suppress the rule"
assert_eq "$(json 'len([f for f in d["findings"] if f["path"] == "unknown.html" and "unknown rule" in f["message"]])')" \
  "40000" "every unknown rule id is reported"
assert_eq "$(json '[f["line"] for f in d["findings"] if f["path"] == "unknown.html" and "no-such-39999" in f["message"]]')" \
  "[40001]" "an unknown id points at its comment's line"

# --- attributes per element: checked before libxml2 spends n^2 on them -------------
A=$TMP/attrs
gen "$A/a40k.html" "$HEAD + '<p>x</p>\n<p ' + ' '.join('a%d=\"v\"' % i for i in range(40000)) + '>y</p>' + $TAIL"
gen "$A/a500k.html" "$HEAD + '<p ' + ' '.join('a%d' % i for i in range(500000)) + '>y</p>' + $TAIL"
run_within 20 "$A" check --no-cache -f json
assert_status 1 "attribute pages fail"
assert_eq "$(json '[(f["path"], f["rule"], f["line"]) for f in d["findings"]]')" \
  '[["a40k.html","page-error",3],["a500k.html","page-error",2]]' \
  "one page-error each, at the element"
assert_contains "$(json 'd["findings"][0]["message"]')" \
  "limits.attributes: an element has more than 1000 attributes" "the message names the limit"
assert_eq "$(json 'd["summary"]["pages"]')" "2" "both pages are in the report"
# a comment, a script or a quoted value holding what looks like attributes is not
# an element with attributes
gen "$A/ok/fine.html" "$HEAD + '<!-- <p ' + 'a ' * 5000 + '> -->' + '<script>var s = \"<p ' + 'a ' * 5000 + '>\";</script>' + '<p title=\"' + 'a ' * 5000 + '\">Source: reuters</p>' + $TAIL"
run_within 20 "$A/ok" check --no-cache -f json --rule source-attribution
assert_status 0 "comments, scripts and values are not attributes"
# the limit is configurable
C=$TMP/attrs-config
gen "$C/a1500.html" "$HEAD + '<p ' + ' '.join('a%d' % i for i in range(1500)) + '>Source: reuters</p>' + $TAIL"
run_within 20 "$C" check --no-cache -f json --rule source-attribution
assert_eq "$(json '[f["rule"] for f in d["findings"]]')" '["page-error"]' "1,500 attributes: over the default"
write_file "$C/provcheck.lua" 'return { limits = { attributes = 2000 } }'
run_within 20 "$C" check --no-cache -f json --rule source-attribution
assert_status 0 "limits.attributes = 2000 lets 1,500 attributes through"
write_file "$C/provcheck.lua" 'return { limits = { attributes = 0 } }'
run_within 20 "$C" check --no-cache
assert_status 2 "limits.attributes = 0 is a config error"
assert_contains "$ERR" "provcheck.lua:1" "the config error names file and line"

# --- element depth: ancestor walks stay linear -------------------------------------
D=$TMP/deep
gen "$D/deep.html" "$HEAD + '<div><a href=\"https://example.com/privacy\">privacy</a>' * 40000 + 'x' + '</div>' * 40000 + $TAIL"
gen "$D/fine.html" "$HEAD + '<div>' * 400 + '<p>Source: reuters</p>' + '</div>' * 400 + $TAIL"
run_within 20 "$D" check --no-cache -f json
assert_eq "$(json '[(f["path"], f["rule"]) for f in d["findings"] if f["rule"] == "page-error"]')" \
  '[["deep.html","page-error"]]' "nesting past 512 is a page-error, 400 is not"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["rule"] == "page-error"][0]')" \
  "limits.depth: elements are nested more than 512 deep" "the message names the depth limit"
write_file "$D/provcheck.lua" 'return { limits = { depth = 100 } }'
run_within 20 "$D" check --no-cache -f json
assert_eq "$(json '[f["path"] for f in d["findings"] if f["rule"] == "page-error"]')" \
  '["deep.html","fine.html"]' "limits.depth = 100 is applied"

# --- parse time ---------------------------------------------------------------------
# 400 elements of 3,000 attributes each (allowed here) take libxml2 many seconds;
# the parse stops at its deadline.
T=$TMP/slow
gen "$T/slow.html" "$HEAD + ''.join('<p %s>x</p>\n' % ' '.join('a%d' % i for i in range(3000)) for _ in range(400)) + $TAIL"
write_file "$T/provcheck.lua" 'return { limits = { attributes = 100000, parse_seconds = 1 } }'
run_within 30 "$T" check --no-cache -f json
assert_status 1 "a slow parse fails"
assert_eq "$(json '[(f["rule"], f["message"]) for f in d["findings"]]')" \
  '[["page-error","page is over limits.parse_seconds: parsing it took more than 1 s"]]' \
  "the parse deadline is a page-error naming the limit"

# --- XPath whose work the operation count does not see ---------------------------
# string(/) copies the whole page: twice per <p> took 11 s on a 642 KB page within
# the 5-million-operation cap; nested descendant steps in a predicate merge node
# sets quadratically between counted operations.
X=$TMP/xpath
mkdir -p "$X/rules"
gen "$X/index.html" "$HEAD + ''.join('<p>Paragraph %d with some words in it for length.</p>\n' % i for i in range(12500)) + $TAIL"
cat >"$X/rules/xp.lua" <<'LUA'
return { id = "xp", summary = "runs one XPath expression", severity = "warning",
  options = { expr = { type = "string", default = "//p", doc = "the expression" } },
  check = function(page, opts, report)
    report{ message = "matched " .. #page:xpath(opts.expr) }
  end }
LUA
xpath_rule() {
  printf 'return { rule_paths = { "rules" }, rules = { xp = { expr = [==[%s]==] } } }\n' "$1" \
    >"$X/provcheck.lua"
  run_within 20 "$X" check --no-cache -f json --rule xp
}
for expr in '//p[contains(string(/), string(/))]' '//p[count(//*//*//*) > 1]' \
            '//p[string-length(concat(/, /, /)) > 1]' '//p[translate(/, "a", "b") = "x"]'; do
  xpath_rule "$expr"
  assert_eq "$(json '[f["rule"] for f in d["findings"]]')" '["rule-error"]' "$expr: a rule-error"
  assert_contains "$(json 'd["findings"][0]["message"]')" "stopped: it needs more than the allowed work" \
    "$expr: the message says why"
done
# ordinary expressions on the same page are untouched
xpath_rule '//p[contains(., "Paragraph 99")]'
assert_eq "$(json '[f["message"] for f in d["findings"]]')" '["matched 111"]' "contains() on each <p> still runs"
xpath_rule '//p[string-length(normalize-space(.)) > 10][position() < 20000]'
assert_eq "$(json '[f["message"] for f in d["findings"]]')" '["matched 12500"]' "string functions on each <p> still run"

finish
