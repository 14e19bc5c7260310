#!/usr/bin/env bash
# page:links{ visible =, href_contains =, text_contains = }: the filter runs in C and
# hands the rule only the matching links, as read-only objects whose fields are made
# on access. A rule in a site's rule_paths drives it through `provcheck check`.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
mkdir -p "$S/checks" "$S/news"
printf 'return { rule_paths = { "checks" }, rules = { ["privacy-link"] = "off", ["source-attribution"] = "off", ["third-party-disclaimer"] = "off" } }\n' >"$S/provcheck.lua"

# one finding per kept link, saying every field, at the link's node
cat >"$S/checks/which-links.lua" <<'LUA'
return {
  id = "which-links", summary = "lists the links a filter keeps", severity = "warning",
  options = {
    hrefs = { type = "string[]", default = { "PRIVACY" }, doc = "href needles" },
    texts = { type = "string[]", default = { "Datenschutz" }, doc = "text needles" },
  },
  docs = "test",
  check = function(page, opts, report)
    local kept = page:links{ visible = true, href_contains = opts.hrefs, text_contains = opts.texts }
    for _, l in ipairs(kept) do
      report{ node = l.node, message = table.concat({ "kept", "[" .. l.href .. "]",
        "[" .. l.href_trimmed .. "]", "[" .. l.href_lower .. "]", "[" .. l.text .. "]",
        tostring(l.visible), tostring(l.line), tostring(l.column) }, " ") }
    end
    local hidden = page:links{ visible = false }
    report{ message = "hidden " .. #hidden .. " " .. (hidden[1] and hidden[1].href or "-") }
    report{ message = "all " .. #page:links{} .. " of " .. #page:links() }
    local one = page:links{ href_contains = "ABOUT" }
    report{ message = "about " .. #one .. " " .. (one[1] and one[1].text or "-") }
  end,
}
LUA
cat >"$S/news/a.html" <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>A</title></head>
<body><article><h1>A</h1>
<p><a href="/about.html">About us</a> <a href="  /Privacy.html ">Legal</a></p>
<p>  <a href="/impressum.html">DATENSCHUTZ   und Impressum</a></p>
<div style="display:none"><a href="/privacy-hidden.html">Privacy</a></div>
<a href="/other.html">Other</a>
</article></body></html>
HTML
run_in "$S" check -f json
assert_eq "$(json '[(f["line"], f["column"], f["message"]) for f in d["findings"] if f["message"].startswith("kept")]')" \
  '[[4,39,"kept [  /Privacy.html ] [/Privacy.html] [  /privacy.html ] [legal] true 4 39"],[5,6,"kept [/impressum.html] [/impressum.html] [/impressum.html] [datenschutz und impressum] true 5 6"]]' \
  "visible links whose href or text contains a needle, any case, in document order, every field"
assert_contains "$OUT" "hidden 1 /privacy-hidden.html" "visible = false keeps the hidden link only"
assert_contains "$OUT" "all 5 of 5" "an empty filter keeps every link, like page:links()"
assert_contains "$OUT" "about 1 about us" "a single needle string"

# mistakes in a filter are rule errors that say what is wrong
cat >"$S/checks/which-links.lua" <<'LUA'
return { id = "which-links", summary = "bad filter", severity = "warning", options = {}, docs = "test",
  check = function(page, opts, report) page:links{ visble = true } end }
LUA
run_in "$S" check -f json
assert_contains "$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')" \
  "unknown filter field 'visble'" "a misspelled filter field is an error, not an unfiltered list"

cat >"$S/checks/which-links.lua" <<'LUA'
return { id = "which-links", summary = "writes a link", severity = "warning", options = {}, docs = "test",
  check = function(page, opts, report) page:links{}[1].href = "x" end }
LUA
run_in "$S" check -f json
assert_contains "$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')" \
  "link objects are read-only" "link objects cannot be written"

# the shipped privacy-link rule on the filter: hidden and javascript: candidates do
# not count, an href with spaces around it resolves, the text matches in any case
S2=$TMP/site2
mkdir -p "$S2/news"
good_page "$S2/privacy.html" "Privacy"
page_with "$S2/news/ok.html" '<article><p>Source: cnnespanol</p>
<p style="display:none"><a href="/gone.html">Privacy</a></p><a href="javascript:void(0)">Privacy</a>
<footer><a href="
  /privacy.html  ">OUR PRIVACY POLICY</a>
<p>The information on this site is from external sources that are not under our control.</p></footer></article>'
page_with "$S2/news/broken.html" '<article><p>Source: cnnespanol</p>
<p hidden><a href="/privacy.html">Privacy</a></p>
<footer><a href=" /Privacy-Policy.html">Legal</a>
<p>The information on this site is from external sources that are not under our control.</p></footer></article>'
run_in "$S2" check -f json
assert_eq "$(json '[(f["path"], f["line"]) for f in d["findings"]]')" '[["news/broken.html",6]]' \
  "privacy-link: only the visible, usable candidates count"
assert_contains "$OUT" "the privacy link ' /Privacy-Policy.html' points to a page that does not exist\"" \
  "privacy-link: the broken candidate, as written, without a site-root hint (a hidden link resolves)"

finish
