#!/usr/bin/env bash
# test_no_false_pass_mutations.sh (issue 9, point 11): each check here catches one
# deliberate defect that would turn a fail into a pass and that the suite did not
# notice before (each was applied once, seen to fail here, and reverted):
#   1. third-party-disclaimer ignoring its configured `text` (any built-in phrase
#      then passes)
#   2. --fail-on compared with == instead of >= (--fail-on warning on a site with
#      an error)
#   3. an info finding written to SARIF with level "info" (invalid) instead of "note"
#   4. the shard hash changed: known paths are pinned to the shard the documented
#      formula gives (first 8 bytes of SHA-256 of the report path, big-endian,
#      modulo N, plus 1), for check and for audit (over the URL)
#   5. a baseline read back with inline and baseline entries swapped
# and more of the same kind, found by applying them:
#   6. privacy-link accepting an empty href (fixture rules/privacy-link/fail/
#      empty-href.html; no test noticed before)
#   7. privacy-link matching "javascript:" case-sensitively, so href="JavaScript:..."
#      counts as a privacy link (fixture fail/javascript-mixed-case-href.html; no
#      test noticed before)
# and, pinned end to end here although a unit test or fixture already notices them:
#   8. the fingerprint not hashing the message: a new violation on a baselined page
#      (another unknown source) would be suppressed by the old entry
#   9. SARIF suppressions on unsuppressed results (GitHub shows them as dismissed)
#  10. a page-error reported below error (an unreadable page passes the gate)
#  11. source-attribution's `labels` option adding to the default, not replacing it
#  12. privacy-link accepting href="#" (fixture fail/hash-href.html)
. "$(dirname "$0")/lib.sh"

# ---- 1. the disclaimer rule honours its configured text
S=$TMP/disclaimer
write_file "$S/provcheck.lua" 'return { rules = { ["third-party-disclaimer"] = {
  text = "Stories marked \"Wire\" come from partner agencies under licence." } } }'
good_page "$S/privacy.html" "Privacy"   # has a built-in phrase, not the configured text
page_with "$S/licensed.html" "<article><p>Source: reuters</p><a href=\"/privacy.html\">Privacy</a>
<footer><p>Stories marked “Wire” come from partner agencies\u00a0under LICENCE.</p></footer></article>"
sed -i 's/\\u00a0/\xc2\xa0/' "$S/licensed.html"
run_in "$S" check -f json
assert_status 1 "a built-in phrase does not replace the configured text"
assert_eq "$(json '[f["path"] for f in d["findings"] if f["rule"] == "third-party-disclaimer"]')" '["privacy.html"]' \
  "only the page without the configured text fails"
assert_contains "$(json '[f["message"] for f in d["findings"]]')" "configured text" "the message says the configured text is missing"

# ---- 2. --fail-on is a threshold (>=), not an equality
S=$TMP/levels
good_page "$S/privacy.html" "Privacy"
page_with "$S/broken.html" "<article><p>Nothing.</p></article>"
run_in "$S" check --fail-on warning
assert_status 1 "--fail-on warning fails on an error"
write_file "$S/provcheck.lua" 'return { rules = { ["source-attribution"] = "info" } }'
page_with "$S/broken.html" "<article><p>The information on this site is from external sources that are not under our control.</p><a href=\"/privacy.html\">Privacy</a></article>"
run_in "$S" check --fail-on warning -f json
assert_status 0 "--fail-on warning passes an info finding"
assert_eq "$(json 'len(d["findings"])')" "1" "(the info finding is there)"
write_file "$S/provcheck.lua" 'return { rules = { ["source-attribution"] = "warning" } }'
run_in "$S" check --fail-on warning
assert_status 1 "--fail-on warning fails on a warning"
run_in "$S" check --fail-on error
assert_status 0 "--fail-on error passes a warning"
run_in "$S" check -f json -o "$TMP/levels.json" --fail-on never
run merge --fail-on warning "$TMP/levels.json"
assert_status 1 "merge --fail-on warning fails on a warning"

# ---- 3. SARIF levels: info is "note"
write_file "$S/provcheck.lua" 'return { rules = { ["source-attribution"] = "info" } }'
run_in "$S" check -f sarif -o "$TMP/info.sarif"
assert_eq "$(json '[r["level"] for r in d["runs"][0]["results"]]' "$TMP/info.sarif")" '["note"]' "an info finding has level note"
assert_eq "$(json '[r["defaultConfiguration"]["level"] for r in d["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "source-attribution"]' "$TMP/info.sarif")" '["note"]' \
  "an info rule's default level is note"
page_with "$S/broken.html" "<article><p>Nothing.</p></article>"
write_file "$S/provcheck.lua" 'return { rules = { ["source-attribution"] = "info", ["privacy-link"] = "warning" } }'
run_in "$S" check -f sarif -o "$TMP/levels.sarif"
assert_eq "$(json 'sorted(set(r["level"] for r in d["runs"][0]["results"]))' "$TMP/levels.sarif")" '["error","note","warning"]' \
  "SARIF levels are only SARIF's (error, warning, note)"

# ---- 4. the shard hash is the documented one
S=$TMP/shards
for p in index.html privacy.html news/a.html news/b.html sport/c.html about/team.html; do good_page "$S/$p"; done
# pinned: computed once from the formula in docs/ci.md, not from provcheck
pinned="index.html 1 1
privacy.html 2 5
news/a.html 2 3
news/b.html 3 3
sport/c.html 2 3
about/team.html 2 1"
formula() {
  python3 -c '
import hashlib, sys
n = int(sys.argv[1])
for p in sys.argv[2:]:
    print(p, int.from_bytes(hashlib.sha256(p.encode()).digest()[:8], "big") % n + 1)
' "$@"
}
for n in 3 5; do
  col=$([ "$n" = 3 ] && echo 2 || echo 3)
  for k in $(seq 1 $n); do
    run_in "$S" check --shard "$k/$n" -f json
    got=$(json '" ".join(sorted(p["path"] for p in d["pages"]))')
    want=$(printf '%s\n' "$pinned" | awk -v k="$k" -v c="$col" '$c == k { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
    assert_eq "$got" "$want" "check --shard $k/$n holds the pinned pages"
  done
  # and the formula itself, over every page
  for k in $(seq 1 $n); do
    run_in "$S" check --shard "$k/$n" -f json
    got=$(json '" ".join(sorted(p["path"] for p in d["pages"]))')
    want=$(formula "$n" index.html privacy.html news/a.html news/b.html sport/c.html about/team.html | awk -v k="$k" '$2 == k { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
    assert_eq "$got" "$want" "check --shard $k/$n follows the documented formula"
  done
done
# audits split by the full URL (docs/audit.md)
start_test_server srv
B=http://127.0.0.1:$PORT
urls=()
for i in $(seq 1 8); do urls+=("$B/page/$i"); done
mkdir -p "$TMP/work"
for k in 1 2 3; do
  run_in "$TMP/work" audit --rate 0 -q --shard "$k/3" -f json "${urls[@]}"
  got=$(json '" ".join(sorted(p["url"] for p in d["pages"]))')
  want=$(formula 3 "${urls[@]}" | awk -v k="$k" '$2 == k { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
  assert_eq "$got" "$want" "audit --shard $k/3 follows the documented formula"
done

# ---- 5. baselines: inline entries do not count, baseline entries do
S=$TMP/baseline
good_page "$S/privacy.html" "Privacy"
page_with "$S/excused.html" "<!-- provcheck-disable source-attribution -- syndicated -->
<article><p>The information on this site is from external sources that are not under our control.</p><a href=\"/privacy.html\">Privacy</a></article>"
page_with "$S/old.html" "<article><p>The information on this site is from external sources that are not under our control.</p><a href=\"/privacy.html\">Privacy</a></article>"
run_in "$S" check -f json -o "$TMP/with-inline.json" --fail-on never
assert_eq "$(json '[(f["path"], f["suppression"]) for f in d["findings"]]' "$TMP/with-inline.json")" \
  '[["excused.html","inline"],["old.html",null]]' "one inline-suppressed finding, one open"
# a report holding an inline entry, used as a baseline: the inline entry must not count
sed -i '/provcheck-disable/d' "$S/excused.html"   # the comment goes
run_in "$S" check --baseline "$TMP/with-inline.json" -f json
assert_status 1 "a finding suppressed inline when the baseline was written fails once its comment goes"
assert_eq "$(json '[(f["path"], f["suppression"]) for f in d["findings"]]')" '[["excused.html",null],["old.html","baseline"]]' \
  "the inline entry suppresses nothing, the open one is baselined"
# a report of a baselined run, used as the next baseline: its baseline entries count
run_in "$S" baseline -o "$TMP/b1.json"
run_in "$S" check --baseline "$TMP/b1.json" -f json -o "$TMP/b2.json"
assert_status 0 "the baseline suppresses both"
assert_eq "$(json '[f["suppression"] for f in d["findings"]]' "$TMP/b2.json")" '["baseline","baseline"]' "(both are baseline entries)"
run_in "$S" check --baseline "$TMP/b2.json"
assert_status 0 "a report's baseline entries still suppress when it is the baseline"
run_in "$S" baseline --baseline "$TMP/b1.json" -o "$TMP/b3.json"
run_in "$S" check --baseline "$TMP/b3.json"
assert_status 0 "a baseline written under a baseline keeps its entries"

# ---- 8. the fingerprint covers the message: a new violation is not the old one
S=$TMP/fingerprint
write_file "$S/provcheck.lua" 'return { rules = { ["source-attribution"] = { sources = { "reuters" } } } }'
good_page "$S/privacy.html" "Privacy"
sed -i 's/Source: cnnespanol/Source: reuters/' "$S/privacy.html"
page_with "$S/story.html" "<article><p>Source: madeup</p><p>The information on this site is from external sources that are not under our control.</p><a href=\"/privacy.html\">Privacy</a></article>"
run_in "$S" baseline -o "$TMP/fp-base.json"
run_in "$S" check --baseline "$TMP/fp-base.json"
assert_status 0 "the known unknown source is baselined"
sed -i 's/Source: madeup/Source: otherblog/' "$S/story.html"
run_in "$S" check --baseline "$TMP/fp-base.json" -f json
assert_status 1 "another unknown source on the same page is a new finding"
assert_contains "$(json '[f["message"] for f in d["findings"] if not f["suppressed"]]')" "otherblog" "the new source is named"

# ---- 9. SARIF: only suppressed results carry suppressions
S=$TMP/sarif
good_page "$S/privacy.html" "Privacy"
page_with "$S/broken.html" "<article><p>Nothing.</p></article>"
page_with "$S/excused.html" "<!-- provcheck-disable privacy-link -->
<article><p>Source: reuters</p><p>The information on this site is from external sources that are not under our control.</p></article>"
run_in "$S" check -f sarif -o "$TMP/s.sarif"
assert_eq "$(json '[r["ruleId"] for r in d["runs"][0]["results"] if r.get("suppressions")]' "$TMP/s.sarif")" '["privacy-link"]' \
  "only the suppressed result has suppressions"
assert_eq "$(json 'len([r for r in d["runs"][0]["results"] if "suppressions" not in r])' "$TMP/s.sarif")" "3" \
  "the three open findings have none (GitHub would show them as dismissed)"

# ---- 10. a page that cannot be read is an error, and fails the gate
S=$TMP/unreadable
write_file "$S/provcheck.lua" 'return { max_page_bytes = 2048 }'
good_page "$S/privacy.html" "Privacy"
good_page "$S/huge.html" "Huge"
python3 -c 'import sys; open(sys.argv[1], "a").write("<!--" + "x" * 4096 + "-->\n")' "$S/huge.html"
run_in "$S" check -f json
assert_status 1 "an oversized page fails the gate"
assert_eq "$(json '[(f["rule"], f["severity"]) for f in d["findings"] if f["path"] == "huge.html"]')" '[["page-error","error"]]' \
  "it carries a page-error of severity error"
run_in "$S" check --fail-on error --max-warnings 100
assert_status 1 "whatever --max-warnings allows"

# ---- 11. labels replace the default label
S=$TMP/labels
write_file "$S/provcheck.lua" 'return { rules = { ["source-attribution"] = { labels = { "Fuente" } } } }'
good_page "$S/privacy.html" "Privacy"   # says "Source: cnnespanol"
sed -i 's/Source: cnnespanol/Fuente: cnnespanol/' "$S/privacy.html"
good_page "$S/english.html" "English"
run_in "$S" check -f json
assert_status 1 "with labels = { \"Fuente\" }, \"Source:\" is not an attribution"
assert_eq "$(json '[f["path"] for f in d["findings"]]')" '["english.html"]' "only the page without the configured label fails"

# ---- 6, 7, 12. the rule fixtures (empty-href, javascript-mixed-case-href and hash-href among them) hold
run test-rules "$PROVCHECK_SRC/rules"
assert_status 0 "the built-in rules' fixtures hold"

finish
