#!/usr/bin/env bash
# The privacy-regional pack on the example site's international editions
# (examples/site/packs/privacy-regional, config examples/packs/privacy-regional.lua):
# exactly the findings the pages were written to show, each rule silent until
# the config turns it on (impressum: German pages), links fixed or broken the
# way an editor would, namespaced ids in --rule, suppressions and explain, and
# the pack's fixtures.
. "$(dirname "$0")/lib.sh"

# A copy, so the test can edit pages; outside a git work tree paths are
# relative to the site root.
EX=$TMP/examples
mkdir -p "$EX/site"
cp -r "$PROVCHECK_SRC/examples/packs" "$EX/packs"
cp -r "$PROVCHECK_SRC/examples/site/packs" "$EX/site/packs"
CFG=$EX/packs/privacy-regional.lua
SITE=$EX/site/packs/privacy-regional

findings() {
  json 'sorted([f["path"], f["rule"], f["severity"], f["line"]] for f in d["findings"])'
}
line_of() {   # line_of FILE TEXT: the first line holding TEXT
  grep -n -F -- "$2" "$1" | head -n 1 | cut -d: -f1
}

run check -c "$CFG" -f json
assert_status 1 "the pack's example pages have errors"
assert_eq "$(json 'd["summary"]["pages"]')" 10 "10 pages"
assert_eq "$(findings)" "$(python3 -c 'import json,sys; print(json.dumps(sorted(json.loads(sys.argv[1])), separators=(",", ":")))' "[
  [\"de/blinken-antwortet.html\", \"privacy-regional/impressum\", \"error\", $(line_of "$SITE/de/blinken-antwortet.html" '<article')],
  [\"es/lavrov-advierte.html\", \"privacy-regional/cookie-policy\", \"error\", $(line_of "$SITE/es/lavrov-advierte.html" 'politica-de-cookies.html')],
  [\"us/blinken-response.html\", \"privacy-regional/do-not-sell\", \"error\", $(line_of "$SITE/us/blinken-response.html" '<article')]
]")" "exactly the three findings, where they point"
msg() { json '[f["message"] for f in d["findings"] if f["rule"] == "privacy-regional/'"$1"'"][0]'; }
assert_contains "$(msg impressum)" 'no visible Impressum link (German DDG § 5): add one to the footer of every page, e.g. <a href="/impressum.html">Impressum</a>' "impressum says what to add and where"
assert_contains "$(msg do-not-sell)" 'no visible "Do Not Sell or Share My Personal Information" link (California CCPA/CPRA' "do-not-sell names the link text"
assert_contains "$(msg do-not-sell)" "'your privacy choices'" "and the accepted wordings"
assert_contains "$(msg cookie-policy)" "the cookie policy link '/politica-de-cookies.html' points to a page that does not exist" "a broken cookie link is named"

# With the pack loaded and nothing configured, only impressum runs, on German pages.
printf 'return { site_root = "../site/packs/privacy-regional", plugins = { "privacy-regional" },\n  rules = { ["source-attribution"] = "off", ["privacy-link"] = { patterns = { "privacy", "privacidad" } } } }\n' >"$EX/packs/defaults.lua"
run check -c "$EX/packs/defaults.lua" -f json
assert_status 0 "defaults: warnings only"
assert_eq "$(json '[[f["path"], f["rule"], f["severity"]] for f in d["findings"]]')" \
  '[["de/blinken-antwortet.html","privacy-regional/impressum","warning"]]' "defaults: do-not-sell and cookie-policy do nothing; impressum on German pages"

# An editor adds the Impressum link: the finding goes.
sed -i 's|<a href="/privacy.html">Privacy</a> |<a href="/privacy.html">Privacy</a> \| <a href="/impressum.html">Impressum</a> |' "$SITE/de/blinken-antwortet.html"
run check -c "$CFG" -f json --rule privacy-regional/impressum
assert_status 0 "the Impressum link added"
assert_eq "$(json 'd["summary"]["findings"]')" 0 "no impressum finding left"

# The opt-out page is deleted: every page's link to it is reported at its <a>.
rm "$SITE/do-not-sell.html"
run check -c "$CFG" -f json --rule privacy-regional/do-not-sell
assert_status 1 "links to a deleted page"
assert_eq "$(json 'sorted(set(f["path"] for f in d["findings"]))')" \
  '["cookies.html","de/blinken-antwortet.html","de/lawrow-warnt.html","es/lavrov-advierte.html","impressum.html","index.html","privacy.html","us/blinken-response.html","us/lavrov-warns.html"]' \
  "every page that linked to it (and the one without a link)"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["path"] == "us/lavrov-warns.html"][0]')" \
  "the \"Do Not Sell or Share My Personal Information\" link '/do-not-sell.html' points to a page that does not exist" "the broken link is named"
assert_eq "$(json '[f["line"] for f in d["findings"] if f["path"] == "us/lavrov-warns.html"][0]')" \
  "$(line_of "$SITE/us/lavrov-warns.html" 'href="/do-not-sell.html"')" "and pointed at"
cp "$PROVCHECK_SRC/examples/site/packs/privacy-regional/do-not-sell.html" "$SITE/"

# A page suppresses a pack rule by its namespaced id; the finding stays, suppressed.
sed -i 's|<body>|<body>\n<!-- provcheck-disable privacy-regional/do-not-sell -- US page kept for archive, LEGAL-7 -->|' "$SITE/us/blinken-response.html"
run check -c "$CFG" -f json
assert_eq "$(json '[[f["rule"], f["suppressed"]] for f in d["findings"] if f["path"] == "us/blinken-response.html"]')" \
  '[["privacy-regional/do-not-sell",true]]' "suppressed by its namespaced id"

# explain documents the law, the options and their defaults.
run explain privacy-regional/do-not-sell
assert_status 0 "explain do-not-sell"
assert_contains "$OUT" "1798.135" "explain names the law"
assert_contains "$OUT" "enabled" "explain lists the options"
run explain privacy-regional/impressum
assert_contains "$OUT" "DDG" "explain impressum names the law"

# The pack's own fixtures.
run test-rules "$PROVCHECK_SRC/plugins/privacy-regional/rules"
assert_status 0 "privacy-regional fixtures hold"
assert_contains "$OUT" ", 0 failed" "every fixture"

finish
