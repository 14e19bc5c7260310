#!/usr/bin/env bash
# Rules declare what they read (`needs`): an unknown value is a setup error naming
# the rule file; reading what was not declared is a rule-error naming the missing
# need, so a wrong declaration can never pass a page in silence; a rule without
# `needs` may read everything, as before.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
good_page "$S/index.html"
write_file "$S/privacy.html" '<html><body><h1>Privacy</h1><p>Source: x third-party</p></body></html>'
mkdir -p "$S/rules"

# --- an unknown value: exit 2 naming the file
write_file "$S/rules/bad-needs.lua" 'return { id = "bad-needs", summary = "s",
  needs = { "text", "dom" }, check = function() end }'
write_file "$S/provcheck.lua" 'return { rule_paths = { "rules" } }'
run_in "$S" check .
assert_status 2 "unknown needs value"
assert_contains "$ERR" "rules/bad-needs.lua" "the setup error names the rule file"
assert_contains "$ERR" "needs: unknown value 'dom'" "the setup error names the value"
write_file "$S/rules/bad-needs.lua" 'return { id = "bad-needs", summary = "s",
  needs = "text", check = function() end }'
run_in "$S" check .
assert_status 2 "needs not a list"
assert_contains "$ERR" "rules/bad-needs.lua" "the setup error names the rule file"
rm "$S/rules/bad-needs.lua"

# --- reading what was not declared: a rule-error naming the need, on every page
write_file "$S/rules/sneaky.lua" 'return { id = "sneaky", summary = "declares text, selects",
  severity = "error", needs = { "text" },
  check = function(page, opts, report)
    if page:text() == "" then report{ message = "empty" } end
    if #page:select("h1") > 5 then report{ message = "too many h1" } end
  end }'
write_file "$S/rules/linker.lua" 'return { id = "linker", summary = "declares links, reads a node",
  severity = "error", needs = { "links" },
  check = function(page, opts, report)
    for _, l in ipairs(page:links()) do
      if l.node.tag ~= "a" then report{ message = "odd" } end
    end
  end }'
write_file "$S/rules/texter.lua" 'return { id = "texter", summary = "declares links, reads text",
  severity = "error", needs = { "links" },
  check = function(page, opts, report)
    if not page:contains("Source") then report{ message = "no source" } end
  end }'
run_in "$S" check . -f json
assert_status 1 "undeclared reads fail the check"
errors=$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')
assert_contains "$errors" 'page:select() reads \"tree\", which rule sneaky does not declare: add \"tree\" to its needs' "select without tree"
assert_contains "$errors" "a node's fields and methods reads \\\"tree\\\", which rule linker does not declare" "node field without tree"
assert_contains "$errors" 'page:contains() reads \"text\", which rule texter does not declare' "contains without text"
count=$(json 'sum(1 for f in d["findings"] if f["rule"] == "rule-error")')
assert_eq "$count" 5 "three rule-errors on index.html, two on privacy.html (no link there to read)"

# --- declared correctly, the same rules run clean; without needs, anything goes
write_file "$S/rules/sneaky.lua" 'return { id = "sneaky", summary = "s", severity = "error",
  needs = { "text", "tree" },
  check = function(page, opts, report)
    if #page:select("h1") > 5 then report{ message = "too many h1" } end
  end }'
write_file "$S/rules/linker.lua" 'return { id = "linker", summary = "s", severity = "error",
  needs = { "links" },
  check = function(page, opts, report)
    for _, l in ipairs(page:links()) do
      if l.href == "/privacy.html" then report{ message = "privacy link here", node = l.node } end
    end
  end }'
write_file "$S/rules/texter.lua" 'return { id = "texter", summary = "s", severity = "error",
  check = function(page, opts, report)
    if #page:select("h1") ~= 1 or not page:contains("Source") then report{ message = "x" } end
  end }'
run_in "$S" check . -f json
errors=$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')
assert_eq "$errors" "[]" "no rule-error once declared"
# report{node = link.node} on the event path points at the <a>, as on the DOM path
PROVCHECK_PAGE_PATH=stream run_in "$S" check . --rule linker -f json
assert_contains "$ERR" "page-path: stream index.html" "with only links needed, the page is read from events"
at=$(json '[(f["line"], f["column"]) for f in d["findings"] if f["rule"] == "linker"]')
PROVCHECK_PAGE_PATH=dom run_in "$S" check . --rule linker -f json
at_dom=$(json '[(f["line"], f["column"]) for f in d["findings"] if f["rule"] == "linker"]')
assert_eq "$at" "$at_dom" "link positions of both paths"
assert_eq "$at" "[[8,38]]" "the link's line and column"

echo "$CHECKS checks, $FAILS failures"
[ "$FAILS" = 0 ]
