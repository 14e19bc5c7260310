#!/usr/bin/env bash
# The licensing pack on the example site's Creative Commons section
# (examples/site/packs/licensing/, config examples/packs/licensing.lua): exactly
# the findings the pages were written to show, with the messages a user reads;
# fixing a page clears them; the per-source licenses decide; explain and the
# pack's fixtures work.
. "$(dirname "$0")/lib.sh"

CFG=$PROVCHECK_SRC/examples/packs/licensing.lua
P=$(git -C "$PROVCHECK_SRC/examples/site" rev-parse --show-prefix 2>/dev/null || true)
D=${P}packs/licensing

run check -c "$CFG" -f json
assert_status 1 "the section has findings (errors)"
assert_eq "$(json 'd["summary"]["pages"]')" 5 "five pages checked"
assert_eq "$(json 'sorted([f["path"], f["rule"], f["severity"]] for f in d["findings"])')" \
  "[[\"$D/gas-prices-no-credit.html\",\"licensing/cc-attribution\",\"error\"],[\"$D/gas-prices-no-credit.html\",\"licensing/cc-modification-notice\",\"warning\"],[\"$D/storm-efe-translated.html\",\"licensing/cc-no-derivatives\",\"error\"],[\"$D/wrong-license.html\",\"licensing/cc-attribution\",\"error\"]]" \
  "the findings: no credit, no change notice, a translated ND story, a wrong license link"
msg() { json "[f[\"message\"] for f in d[\"findings\"] if f[\"path\"].endswith(\"$1\") and f[\"rule\"] == \"$2\"][0]"; }
m=$(msg gas-prices-no-credit.html licensing/cc-attribution)
assert_contains "$m" "CC BY 4.0 content from cnnespanol (options.sources)" "which source and license"
assert_contains "$m" "missing the author (creator), a link to the original, the license link;" "every missing part in one message"
assert_contains "$m" "<a rel='license' href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>" "what to add"
assert_contains "$m" "https://cnnespanol.cnn.com/2022/01/28/precios-gas-europa/" "the original's URL from isBasedOn"
assert_contains "$(msg gas-prices-no-credit.html licensing/cc-modification-notice)" \
  'a translation: JSON-LD isBasedOn in "es", page in "en"' "why the page is an adaptation"
m=$(msg storm-efe-translated.html licensing/cc-no-derivatives)
assert_contains "$m" "CC BY-ND 4.0 content from efe (options.sources) published as a derivative" "ND and the derivative"
assert_contains "$m" "publish the original unmodified, or get the licensor's permission" "what to do"
assert_contains "$(msg wrong-license.html licensing/cc-attribution)" \
  "the license link points to CC BY-SA 4.0, not CC BY 4.0" "a link to another license is named"

# A copy to change, as a user would.
cp -r "$PROVCHECK_SRC/examples" "$TMP/examples"
C=$TMP/examples/packs/licensing.lua
S=$TMP/examples/site/packs/licensing

# Adding the credit line (with entities and an NBSP) clears both findings of the page.
sed -i 's|<p class="source">|<p class="credit">\&ldquo;Precios del gas\&rdquo; by <span class="author">Claudia\&nbsp;Rebaza</span>, <a href="https://cnnespanol.cnn.com/2022/01/28/precios-gas-europa/">CNN en Espa\&ntilde;ol</a>, licensed under <a rel="license" href="https://creativecommons.org/licenses/by/4.0/deed.es">CC BY 4.0</a>. Translated from the original Spanish article.</p>\n  &|' \
  "$S/gas-prices-no-credit.html"
run check -c "$C" -f json
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"].endswith("gas-prices-no-credit.html")]')" '[]' \
  "a full credit and a change notice clear the page"
# The same credit hidden by the template is no attribution.
sed -i 's|<p class="credit">|<p class="credit" style="display: none">|' "$S/gas-prices-no-credit.html"
run check -c "$C" -f json
assert_contains "$(json '"\n".join(f["message"] for f in d["findings"] if f["path"].endswith("gas-prices-no-credit.html"))')" \
  "missing the author (creator), a link to the original, the license link" "a hidden credit does not count"

# The configured license decides: efe under CC BY 4.0 may be translated (the
# page then needs only its notice, which it has).
sed -i 's|"efe = CC BY-ND 4.0"|"efe = CC BY 4.0"|g' "$C"
run check -c "$C" -f json
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"].endswith("storm-efe-translated.html")]')" \
  '["licensing/cc-attribution"]' "BY content may be translated; the ND license link is now the wrong one"
# A license the rule cannot read is reported, not ignored.
sed -i 's|"efe = CC BY 4.0"|"efe = Creative Commons"|' "$C"
run check -c "$C" -f json
assert_contains "$(json '"\n".join(f["message"] for f in d["findings"] if f["path"].endswith("efe-unmodified.html"))')" \
  'options.sources: cannot read the license of "efe = Creative Commons"' "an unreadable license is a finding"

# explain.
run explain -c "$CFG" licensing/cc-attribution
assert_status 0 "explain the pack rule"
assert_contains "$OUT" "TASL" "explain says what attribution is"
assert_contains "$OUT" "sources" "explain lists the options"

# The pack's own fixtures hold (the options-carrying ones included).
run test-rules "$PROVCHECK_SRC/plugins/licensing/rules"
assert_status 0 "the pack's fixtures hold"
assert_contains "$OUT" "fail/sources-option.html" "a fixture with options ran"

finish
