#!/usr/bin/env bash
# What a page's head says (page:meta, page:jsonld, page:lang, page:link_elements)
# is read from the parser's events: a rule that declares "meta", "jsonld" and
# "head" keeps the page off the tree, with the same findings as the tree gives.
# "tree-on-demand" lets a rule read the tree on the pages that need it while the
# others stay off it; "head" alone does not allow page:select. page:text(i, j)
# gives a part of the text.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
mkdir -p "$S/rules"
write_file "$S/a.html" '<!DOCTYPE html>
<html LANG="de-AT"><head>
<meta name="Generator" content="DeepL &amp; friends">
<meta property="og:type" content="article">
<meta name="generator" content="second">
<link rel="preload" href="/x.js"><link rel="canonical" href="https://orig.example/story">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H"}</script>
<script type="Application/LD+JSON; charset=utf-8">[{"@type": "Person"}]</script>
<script type="application/ld+json">{ broken</script>
</head><body><article><h1>Title</h1><p>Source: efe, third-party text</p>
<div hidden><script type="application/ld+json">{"@type": "Hidden"}</script></div>
<link rel="license" href="https://creativecommons.org/licenses/by/4.0/"></article></body></html>'
write_file "$S/b.html" '<html><body><p>Nothing here: no head, no lang. Source: none</p></body></html>'

write_file "$S/rules/head-reader.lua" 'return { id = "head-reader", summary = "reads the head",
  severity = "error", needs = { "text", "meta", "jsonld", "head" },
  check = function(page, opts, report)
    local types = {}
    for _, block in ipairs(page:jsonld()) do
      types[#types + 1] = block["@type"] or (block[1] and block[1]["@type"]) or "?"
    end
    local rels = {}
    for _, l in ipairs(page:link_elements()) do
      rels[#rels + 1] = l.rel .. "=" .. tostring(l.href)
      if l.rel == "canonical" then report{ message = "canonical here", node = l.node } end
    end
    local s, e = page:find("source:")
    report{ message = "lang=" .. tostring(page:lang())
      .. " generator=" .. tostring(page:meta("GENERATOR"))
      .. " og=" .. tostring(page:meta("og:type"))
      .. " jsonld=" .. table.concat(types, ",")
      .. " links=" .. table.concat(rels, ",")
      .. " after=[" .. (s and page:text(e + 1, e + 5) or "") .. "]"
      .. " tail=[" .. page:text(-5) .. "]" }
  end }'
write_file "$S/rules/lazy-tree.lua" 'return { id = "lazy-tree", summary = "reads the tree on German pages only",
  severity = "error", needs = { "head", "tree-on-demand" },
  check = function(page, opts, report)
    if page:lang() ~= "de-AT" then return end
    report{ message = "h1s: " .. #page:select("h1"), node = page:select("h1")[1] }
  end }'
write_file "$S/provcheck.lua" 'return { rule_paths = { "rules" }, rules = {
  ["source-attribution"] = "off", ["third-party-disclaimer"] = "off", ["privacy-link"] = "off" } }'

PROVCHECK_PAGE_PATH=stream run_in "$S" check . -f json
assert_status 1 "the rules report"
assert_contains "$ERR" "page-path: stream a.html" "a page read for its head stays off the tree"
assert_contains "$ERR" "page-path: stream b.html" "so does a page without a head"
stream=$(json '[(f["path"], f["rule"], f["line"], f["column"], f["message"]) for f in d["findings"]]')
msg=$(json '[f["message"] for f in d["findings"] if f["rule"] == "head-reader" and f["path"] == "a.html" and f["message"].startswith("lang")]')
assert_eq "$msg" '["lang=de-AT generator=DeepL & friends og=article jsonld=NewsArticle,Person,Hidden links=preload=/x.js,canonical=https://orig.example/story,license=https://creativecommons.org/licenses/by/4.0/ after=[ efe,] tail=[ text]"]' "every head view, as the tree gives it"
msg=$(json '[f["message"] for f in d["findings"] if f["rule"] == "head-reader" and f["path"] == "b.html"]')
assert_eq "$msg" '["lang=nil generator=nil og=nil jsonld= links= after=[ none] tail=[ none]"]' "a page without any"
at=$(json '[(f["line"], f["column"]) for f in d["findings"] if f["message"] == "canonical here"]')
assert_eq "$at" "[[6,34]]" "a <link>'s node points at its start tag"
lazy=$(json '[(f["path"], f["line"], f["message"]) for f in d["findings"] if f["rule"] == "lazy-tree"]')
assert_eq "$lazy" '[["a.html",10,"h1s: 1"]]' "the tree on demand, on the page that needs it"

PROVCHECK_PAGE_PATH=dom run_in "$S" check . -f json
dom=$(json '[(f["path"], f["rule"], f["line"], f["column"], f["message"]) for f in d["findings"]]')
assert_eq "$stream" "$dom" "the same findings from the tree"

# "head" does not allow the tree
write_file "$S/rules/lazy-tree.lua" 'return { id = "lazy-tree", summary = "s", severity = "error",
  needs = { "head" }, check = function(page, opts, report) page:select("h1") end }'
run_in "$S" check . --rule lazy-tree -f json
errors=$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')
assert_contains "$errors" 'page:select() reads \"tree\", which rule lazy-tree does not declare' "head is not the tree"
# and page:lang() needs "head"
write_file "$S/rules/lazy-tree.lua" 'return { id = "lazy-tree", summary = "s", severity = "error",
  needs = { "meta" }, check = function(page, opts, report) page:lang() end }'
run_in "$S" check . --rule lazy-tree -f json
errors=$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')
assert_contains "$errors" 'page:lang() reads \"head\", which rule lazy-tree does not declare: add \"head\" to its needs' "lang without head"

echo "$CHECKS checks, $FAILS failures"
[ "$FAILS" = 0 ]
