#!/usr/bin/env bash
# The ai-transparency pack on the example site's machine-translated section
# (examples/site/packs/ai-transparency/, config examples/packs/ai-transparency.lua):
# exactly the findings the pages were written to show, with the messages a user
# reads; a fix, an override, a suppression and --rule behave as documented; the
# pack's explain and fixtures work.
. "$(dirname "$0")/lib.sh"

CFG=$PROVCHECK_SRC/examples/packs/ai-transparency.lua
# Report paths are relative to the git work tree's root inside a clone, else to
# the site root (as in test_example_site.sh).
P=$(git -C "$PROVCHECK_SRC/examples/site" rev-parse --show-prefix 2>/dev/null || true)
D=${P}packs/ai-transparency

run check -c "$CFG" -f json
assert_status 1 "the section has findings (errors)"
assert_eq "$(json 'd["summary"]["pages"]')" 5 "five pages checked"
assert_eq "$(json 'sorted([f["path"], f["rule"], f["severity"]] for f in d["findings"])')" \
  "[[\"$D/blinken-response-translated.html\",\"ai-transparency/disclosure\",\"error\"],[\"$D/markets-generator.html\",\"ai-transparency/consistency\",\"warning\"],[\"$D/markets-generator.html\",\"ai-transparency/disclosure\",\"error\"],[\"$D/nato-meeting-contradiction.html\",\"ai-transparency/consistency\",\"warning\"]]" \
  "the findings: a translation without a notice, a generator meta without one, two contradictions"
msg() { json "[f[\"message\"] for f in d[\"findings\"] if f[\"path\"].endswith(\"$1\") and f[\"rule\"] == \"$2\"][0]"; }
m=$(msg blinken-response-translated.html ai-transparency/disclosure)
assert_contains "$m" "no visible AI disclosure" "what is missing"
assert_contains "$m" 'JSON-LD isBasedOn in "es", page in "en", no human translator' "why the page is marked"
assert_contains "$m" '"This article was translated automatically."' "what to add"
assert_contains "$m" "inside the <article> or within 100 characters of it" "where"
assert_contains "$(msg markets-generator.html ai-transparency/disclosure)" '<meta name="generator"> names deepl' "the generator meta marks the page"
m=$(msg markets-generator.html ai-transparency/consistency)
assert_contains "$m" '<meta name="generator"> names deepl' "consistency names the machine-readable side"
assert_contains "$m" '"translated by maria lopez"' "and the visible side"
m=$(msg nato-meeting-contradiction.html ai-transparency/consistency)
assert_contains "$m" 'the visible text says "translated automatically"' "the visible side"
assert_contains "$m" 'a human translator ("Ana Torres")' "the machine-readable side"
# An absent disclosure points at the <article>.
assert_eq "$(json '[f["line"] for f in d["findings"] if f["path"].endswith("blinken-response-translated.html")]')" \
  "[$(grep -n '<article' "$PROVCHECK_SRC/examples/site/packs/ai-transparency/blinken-response-translated.html" | cut -d: -f1)]" \
  "the finding points at <article>"

# A copy of the site to change, as a user would.
cp -r "$PROVCHECK_SRC/examples" "$TMP/examples"
C=$TMP/examples/packs/ai-transparency.lua
S=$TMP/examples/site/packs/ai-transparency

# The reviewed section passes because of the override, not by accident: without
# it the page needs a disclosure.
sed -i '/^  overrides = {/,/^  },/d' "$C"
run check -c "$C" -f json
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"].endswith("reviewed/qualifiers.html")]')" \
  '["ai-transparency/disclosure"]' "without human_reviewed the reviewed page needs the disclosure"
cp "$CFG" "$C"

# Fixing a page: the notice inside the article, with an NBSP, clears its finding.
sed -i 's|<p class="lede">|<p class="ai-notice">This article was translated\&nbsp;automatically from Spanish.</p>\n  &|' \
  "$S/blinken-response-translated.html"
run check -c "$C" -f json
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"].endswith("blinken-response-translated.html")]')" '[]' \
  "a visible notice in the article clears the finding"
# The same notice only in the site footer is not near the article.
sed -i 's|<p class="ai-notice">This article was translated&nbsp;automatically from Spanish.</p>||' "$S/blinken-response-translated.html"
sed -i 's|<p class="disclaimer">|<p>Articles in the World section are translated automatically from the outlets we list on our About page, every weekday.</p>\n  &|' \
  "$S/blinken-response-translated.html"
run check -c "$C" -f json
assert_contains "$(json '"\n".join(f["message"] for f in d["findings"] if f["path"].endswith("blinken-response-translated.html"))')" \
  'the AI disclosure "translated automatically" is on the page but not near the article' "a footer notice is not near the article"

# A suppression names the namespaced rule and keeps the finding, marked.
sed -i 's|<body>|<body>\n<!-- provcheck-disable ai-transparency/consistency -- LEGAL-7: the credit names the post-editor -->|' \
  "$S/markets-generator.html"
run check -c "$C" -f json
assert_eq "$(json '[[f["rule"], f["suppressed"]] for f in d["findings"] if f["path"].endswith("markets-generator.html")]')" \
  '[["ai-transparency/disclosure",false],["ai-transparency/consistency",true]]' "the suppressed finding is reported, marked"

# --rule selects one pack rule.
run check -c "$CFG" --rule ai-transparency/consistency -f json
assert_status 0 "consistency alone: warnings only"
assert_eq "$(json 'sorted(set(f["rule"] for f in d["findings"]))')" '["ai-transparency/consistency"]' "--rule keeps that rule"

# A wrong option type is a setup error naming it.
printf 'return { plugins = { "ai-transparency" }, rules = { ["ai-transparency/disclosure"] = { near = "close" } } }\n' >"$TMP/bad.lua"
run check -c "$TMP/bad.lua" "$S"
assert_status 2 "an option of the wrong type"
assert_contains "$ERR" "near" "the message names the option"

# explain shows the documentation and the options.
run explain -c "$CFG" ai-transparency/disclosure
assert_status 0 "explain the pack rule"
assert_contains "$OUT" "Article 50(4)" "explain cites the law"
assert_contains "$OUT" "human_reviewed" "explain lists the options"
run explain -c "$CFG" ai-transparency/consistency
assert_contains "$OUT" "human_credits" "explain consistency"

# The pack's own fixtures hold (the options-carrying ones included).
run test-rules "$PROVCHECK_SRC/plugins/ai-transparency/rules"
assert_status 0 "the pack's fixtures hold"
assert_contains "$OUT" "fail/marked-by-path.html" "a fixture with options ran"

finish
