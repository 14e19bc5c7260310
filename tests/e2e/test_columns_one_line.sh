#!/usr/bin/env bash
# Finding columns on a minified one-line page: more than 1,000 findings at elements
# of a single 24 KB line, and the same markup with line breaks, reported in document
# order and backwards. The columns must be the ones the per-finding backward search
# gave (recorded from that code in tests/fixtures/columns/expected.tsv); they are now
# found in one forward pass over the line. Speed is bench/'s to measure.
. "$(dirname "$0")/lib.sh"

FIX=$PROVCHECK_SRC/tests/fixtures/columns
S=$TMP/site
mkdir -p "$S/checks"
python3 "$FIX/make_pages.py" "$S/news"
printf 'return { rule_paths = { "checks" }, rules = { ["privacy-link"] = "off", ["source-attribution"] = "off", ["third-party-disclaimer"] = "off" } }\n' >"$S/provcheck.lua"

# 13 rules, each reporting every 13th element of the body (a rule keeps at most 100
# findings a page); odd ones last element first
for r in $(seq 0 12); do
  cat >"$S/checks/slice-$r.lua" <<LUA
return {
  id = "slice-$r", summary = "every 13th element from the ${r}th", severity = "warning",
  options = {}, docs = "test",
  check = function(page, opts, report)
    local all, mine = page:select("body *"), {}
    for i = $r + 1, #all, 13 do mine[#mine + 1] = all[i] end
    local from, to, step = 1, #mine, 1
    if $r % 2 == 1 then from, to, step = #mine, 1, -1 end
    for i = from, to, step do report{ node = mine[i], message = mine[i].tag } end
  end,
}
LUA
done

run_in "$S" check -j1 -f json
assert_status 0 "warnings only"
json '"\n".join("\t".join(str(f[k]) for k in ("path", "line", "column", "rule", "message")) for f in d["findings"])' >"$TMP/got.tsv"
assert_eq "$(grep -c "^news/one-line.html" "$TMP/got.tsv")" "$(grep -c "^news/one-line.html" "$FIX/expected.tsv")" "findings on the one-line page"
assert_eq "$(awk -F'\t' '$1 == "news/one-line.html" && $3 == "None"' "$TMP/got.tsv" | wc -l)" 0 "every element on the one-line page has a column"
if diff -u "$FIX/expected.tsv" "$TMP/got.tsv" >"$TMP/diff"; then pass; else fail "columns differ from the recorded ones: $(head -20 "$TMP/diff")"; fi

finish
