#!/usr/bin/env bash
# The news-metadata pack on republished articles of the example site
# (examples/site/packs/news-metadata, config examples/packs/news-metadata.lua,
# which sets the run's time): exactly the findings the pages were written to
# show; the "not in the future" check follows --now (fails before the article's
# date, passes after); an editor's fixes clear findings; explain and fixtures.
. "$(dirname "$0")/lib.sh"

EX=$TMP/examples
mkdir -p "$EX/site"
cp -r "$PROVCHECK_SRC/examples/packs" "$EX/packs"
cp -r "$PROVCHECK_SRC/examples/site/packs" "$EX/site/packs"
CFG=$EX/packs/news-metadata.lua
SITE=$EX/site/packs/news-metadata

line_of() {   # line_of FILE TEXT: the first line holding TEXT
  grep -n -F -- "$2" "$1" | head -n 1 | cut -d: -f1
}
sorted_json() {
  python3 -c 'import json,sys; print(json.dumps(sorted(json.loads(sys.argv[1])), separators=(",", ":")))' "$1"
}
msg() {   # msg PATH RULE: the message of that finding
  json '[f["message"] for f in d["findings"] if f["path"] == "'"$1"'" and f["rule"] == "news-metadata/'"$2"'"][0]'
}

run check -c "$CFG" -f json
assert_status 0 "warnings only: exit 0"
assert_eq "$(json 'd["summary"]["pages"]')" 6 "6 pages"
assert_eq "$(json 'sorted([f["path"], f["rule"], f["line"]] for f in d["findings"])')" "$(sorted_json "[
  [\"news/gas-prices.html\", \"news-metadata/jsonld-article\", $(line_of "$SITE/news/gas-prices.html" '<article')],
  [\"news/gas-prices.html\", \"news-metadata/syndication-canonical\", $(line_of "$SITE/news/gas-prices.html" '<article')],
  [\"news/lavrov-warns.html\", \"news-metadata/copyright-year\", $(line_of "$SITE/news/lavrov-warns.html" '&copy; Communities 2019')],
  [\"news/markets.html\", \"news-metadata/source-matches\", $(line_of "$SITE/news/markets.html" 'Source: efe')],
  [\"news/winter-storm.html\", \"news-metadata/date-published\", $(line_of "$SITE/news/winter-storm.html" '<article')]
]")" "exactly the five findings, where they point"
assert_eq "$(json 'd["summary"]["warnings"]')" 5 "5 warnings"
assert_contains "$(msg news/lavrov-warns.html copyright-year)" \
  "the visible copyright year 2019 is older than the article's publication year 2022 (2022-01-26T10:57:36.890Z): write \"© 2022\" or the range \"© 2019-2022\"" \
  "the seed page's stale copyright"
assert_contains "$(msg news/winter-storm.html date-published)" \
  "the JSON-LD datePublished 2026-08-03T09:00:00+02:00 is in the future (the run's time is 2026-08-02T00:00:00Z)" \
  "a date after the config's now"
assert_contains "$(msg news/markets.html source-matches)" \
  "the visible source \"efe\" is not the outlet the JSON-LD names in isBasedOn.publisher.name (\"Reuters\")" "the wrong outlet credited"
assert_contains "$(msg news/gas-prices.html jsonld-article)" \
  "no schema.org NewsArticle JSON-LD on this article page: add <script type=\"application/ld+json\">" "what to add"
assert_contains "$(msg news/gas-prices.html syndication-canonical)" \
  "without a canonical link to the original: add <link rel=\"canonical\"" "canonical or noindex"

# --now on the command line wins over the config: after the article's date (in
# its own time zone, 09:00+02:00 is 07:00Z) the page passes; a minute before, it fails.
run check -c "$CFG" -f json --rule news-metadata/date-published --now 2026-08-03T07:00:00Z
assert_eq "$(json 'd["summary"]["findings"]')" 0 "published at the run's time: no finding"
run check -c "$CFG" -f json --rule news-metadata/date-published --now 2026-08-03T06:50:00Z
assert_eq "$(json '[f["path"] for f in d["findings"]]')" '["news/winter-storm.html"]' "ten minutes early (tolerance 5): the finding"
assert_contains "$(json '[f["message"] for f in d["findings"]][0]')" "(the run's time is 2026-08-03T06:50:00Z)" "the message gives the run's time"
# without the config's now the run's own clock is used: 2026-08-03 is long past.
sed -i '/^  now = /d' "$CFG"
run check -c "$CFG" -f json --rule news-metadata/date-published
assert_eq "$(json 'd["summary"]["findings"]')" 0 "the real clock: the article is not in the future"

# An editor fixes the footer and the markets credit: those findings go.
sed -i 's|&copy; Communities 2019|\&copy; Communities 2019\&ndash;2022|' "$SITE/news/lavrov-warns.html"
sed -i 's|Source: efe|Source: reuters|' "$SITE/news/markets.html"
run check -c "$CFG" -f json
assert_eq "$(json 'sorted(set(f["path"] for f in d["findings"]))')" '["news/gas-prices.html"]' "only gas-prices is left"

# The alias option is what lets "CNN en Español" match "Source: cnnespanol".
sed -i '/aliases = /d' "$CFG"
run check -c "$CFG" -f json --rule news-metadata/source-matches
assert_contains "$(json '[f["message"] for f in d["findings"] if f["path"] == "news/lavrov-warns.html"][0]')" \
  "names in isBasedOn.publisher.name (\"CNN en Español\")" "without aliases the two names differ"

run explain news-metadata/date-published
assert_status 0 "explain date-published"
assert_contains "$OUT" "tolerance_minutes" "explain lists the option"
assert_contains "$OUT" "--now" "and says where the run's time comes from"

run test-rules "$PROVCHECK_SRC/plugins/news-metadata/rules"
assert_status 0 "news-metadata fixtures hold"
assert_contains "$OUT" ", 0 failed" "every fixture"

finish
