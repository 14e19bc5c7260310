#!/usr/bin/env bash
# The bundled example site (examples/site) gives exactly the findings it was
# written to show, and its custom rule's fixtures hold.
. "$(dirname "$0")/lib.sh"

SITE=$PROVCHECK_SRC/examples/site
CFG=$SITE/provcheck.lua
# Inside a git work tree (a clone of provcheck) report paths are relative to its
# root ("examples/site/news/..."); outside one (an unpacked tarball), to the site.
P=$(git -C "$SITE" rev-parse --show-prefix 2>/dev/null || true)

run check -c "$CFG" -f json
assert_status 1 "the example site has findings"
assert_eq "$(json 'd["summary"]["pages"]')" 12 "12 pages (drafts and fixtures excluded)"
assert_eq "$(json '[p["path"] for p in d["pages"] if p["path"].startswith(("'"$P"'drafts/", "'"$P"'provcheck/"))]')" '[]' "exclude applies"

expected='[
 ["news/2022-01-27-nato-meeting.html", "third-party-disclaimer", "error", false],
 ["news/2022-01-27-ukraine-border.html", "privacy-link", "error", false],
 ["news/2022-01-27-ukraine-border.html", "third-party-disclaimer", "error", false],
 ["news/2022-01-28-gas-prices.html", "source-attribution", "error", false],
 ["news/2022-01-28-markets.html", "third-party-disclaimer", "error", false],
 ["news/2022-01-29-qualifiers.html", "byline-date", "warning", false],
 ["news/2022-01-29-winter-storm.html", "source-attribution", "error", true]
]'
actual=$(json 'sorted([f["path"], f["rule"], f["severity"], f["suppressed"]] for f in d["findings"])')
want=$(python3 -c 'import json,sys; print(json.dumps(sorted([sys.argv[2] + f[0]] + f[1:] for f in json.loads(sys.argv[1])), sort_keys=True, separators=(",", ":")))' "$expected" "$P")
assert_eq "$actual" "$want" "the example site's findings"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["path"].endswith("gas-prices.html")]')" "dailyrumor" "unknown source named"
assert_eq "$(json 'd["summary"]["errors"]')" 5 "5 errors"
assert_eq "$(json 'd["summary"]["warnings"]')" 1 "1 warning"
assert_eq "$(json 'd["summary"]["suppressed"]')" 1 "1 suppressed"
# where the findings point
assert_eq "$(json '[f["line"] for f in d["findings"] if f["path"].endswith("gas-prices.html")]')" \
  "[$(grep -n 'Source: dailyrumor' "$SITE/news/2022-01-28-gas-prices.html" | cut -d: -f1)]" "unknown source points at its text"
assert_eq "$(json '[f["line"] for f in d["findings"] if f["path"].endswith("ukraine-border.html") and f["rule"] == "privacy-link"]')" \
  "[$(grep -n '<article' "$SITE/news/2022-01-27-ukraine-border.html" | cut -d: -f1)]" "absent link points at <article>"

# The same from inside the site folder: the config is found there.
run_in "$SITE" check -f json
assert_eq "$(json 'd["summary"]["findings"]')" 6 "config discovered in the current folder"

# Text output, as the demo shows it.
run check -c "$CFG"
assert_status 1 "text run"
assert_contains "$OUT" "news/2022-01-28-gas-prices.html" "text names the page"
assert_contains "$OUT" "dailyrumor" "text names the unknown source"

# Only the custom rule.
run check -c "$CFG" --rule byline-date
assert_status 0 "byline-date alone is a warning"

# The custom rule's fixtures.
run test-rules "$SITE/provcheck/rules"
assert_status 0 "byline-date fixtures hold"
assert_contains "$OUT" "4 fixtures, 0 failed" "four fixtures"

finish
