#!/usr/bin/env bash
# --format sarif, validated by Microsoft's SARIF validator (@microsoft/sarif-multitool,
# pinned in tests/tools/package.json, installed by scripts/setup.sh with npm ci),
# with its SARIF rules and its GitHub ingestion rules: a normal report, one with
# suppressed findings (inline and baseline), an audit report with URLs, an empty
# report; and the result cap (PROVCHECK_SARIF_MAX_RESULTS lowers GitHub's 25,000).
. "$(dirname "$0")/lib.sh"

TOOLS=$PROVCHECK_SRC/tests/tools
VALIDATOR=$TOOLS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$VALIDATOR" ]; then
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1)
fi
if [ ! -x "$VALIDATOR" ]; then
  echo "the SARIF validator is not installed: run scripts/setup.sh (npm ci in tests/tools)" >&2
  exit 1
fi

# validate FILE DESCRIPTION: the validator exits 0 and reports no error.
validate() {
  local log
  log=$(timeout 300 "$VALIDATOR" validate --rule-kind "Sarif;Gh" --log ForceOverwrite \
        -o "$TMP/validation.sarif" "$1" 2>&1)
  local rc=$?
  if [ "$rc" -eq 0 ] && ! printf '%s\n' "$log" | grep -q ': error '; then
    pass
  else
    fail "$2: the SARIF validator rejects it (exit $rc): $(printf '%s\n' "$log" | grep -v '^$' | head -20)"
  fi
}

S=$TMP/site
good_page "$S/index.html" "Home"
good_page "$S/privacy.html" "Privacy"
page_with "$S/news/world/no link.html" "<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
page_with "$S/news/bare.html" "<article><p>Nothing here.</p></article>"
page_with "$S/news/excused.html" "<!-- provcheck-disable privacy-link -- the footer is injected by the CDN -->
<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"

# --- a normal report ---------------------------------------------------------
run_in "$S" check -f sarif -o "$TMP/normal.sarif"
assert_status 1 "findings fail the run"
validate "$TMP/normal.sarif" "normal report"
F=$TMP/normal.sarif
assert_eq "$(json 'd["version"]' "$F")" "2.1.0" "SARIF version"
assert_eq "$(json 'd["runs"][0]["tool"]["driver"]["name"]' "$F")" "provcheck" "driver name"
assert_eq "$(json 'sorted(r["id"] for r in d["runs"][0]["tool"]["driver"]["rules"])' "$F")" \
  '["privacy-link","source-attribution","third-party-disclaimer"]' "every rule that ran is a driver rule"
assert_eq "$(json 'all(r["helpUri"] == "https://github.com/provcheck/provcheck/blob/main/docs/rules/" + r["id"] + ".md" and r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"] and r["defaultConfiguration"]["level"] == "error" for r in d["runs"][0]["tool"]["driver"]["rules"])' "$F")" "true" "rule descriptors are complete"
assert_eq "$(json 'len(d["runs"][0]["results"])' "$F")" "5" "every finding is a result"
assert_eq "$(json 'all(d["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in d["runs"][0]["results"])' "$F")" "true" "ruleIndex points at the rule"
assert_eq "$(json '[r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in d["runs"][0]["results"] if r["ruleId"] == "privacy-link" and "suppressions" not in r]' "$F")" \
  '["news/bare.html","news/world/no%20link.html"]' "uris are relative paths, percent-encoded"
assert_eq "$(json 'all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%" and r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in d["runs"][0]["results"])' "$F")" "true" "uriBaseId and region"
run_in "$S" check -f json -o "$TMP/normal.json"
assert_eq "$(json '[f["fingerprint"] for f in d["findings"]]' "$TMP/normal.json")" \
  "$(json '[r["partialFingerprints"]["provcheck/v1"] for r in d["runs"][0]["results"]]' "$F")" \
  "partialFingerprints carry the contract's fingerprints"
assert_eq "$(json 'd["runs"][0]["automationDetails"]["id"]' "$F")" "provcheck/files/" "default automation id"
assert_eq "$(json '[(r["ruleId"], r["suppressions"][0]["kind"], r["suppressions"][0]["justification"]) for r in d["runs"][0]["results"] if "suppressions" in r]' "$F")" \
  '[["privacy-link","inSource","the footer is injected by the CDN"]]' "inline suppression is inSource with its reason"

PROVCHECK_AUTOMATION_ID="provcheck/site-a/" run_in "$S" check -f sarif
assert_eq "$(json 'd["runs"][0]["automationDetails"]["id"]')" "provcheck/site-a/" "PROVCHECK_AUTOMATION_ID sets the category"
PROVCHECK_AUTOMATION_ID="provcheck/site-a/" run_in "$S" check -f sarif --automation-id provcheck/site-b/
assert_eq "$(json 'd["runs"][0]["automationDetails"]["id"]')" "provcheck/site-b/" "--automation-id wins over the environment"
run_in "$S" check -f sarif --shard 2/3
assert_eq "$(json 'd["runs"][0]["automationDetails"]["id"]')" "provcheck/files/shard-2-of-3/" "a shard has a category of its own"
run_in "$S" check -f sarif --automation-id ""
assert_status 2 "an empty --automation-id is a usage error"

# --- baseline-suppressed findings -------------------------------------------
run_in "$S" baseline -o "$TMP/baseline.json"
assert_status 0 "baseline written"
run_in "$S" check --baseline "$TMP/baseline.json" -f sarif -o "$TMP/suppressed.sarif"
assert_status 0 "everything is in the baseline"
validate "$TMP/suppressed.sarif" "report with suppressed findings"
assert_eq "$(json 'sorted(set(r["suppressions"][0]["kind"] for r in d["runs"][0]["results"]))' "$TMP/suppressed.sarif")" \
  '["external","inSource"]' "baseline suppressions are external"

# --- a git revision: versionControlProvenance -------------------------------
G=$TMP/repo
mkdir -p "$G"
cp -r "$S/." "$G/"
git -C "$G" init -q && git -C "$G" add -A &&
  git -C "$G" -c user.name=T -c user.email=t@example.com commit -qm init
run_in "$G" check --rev HEAD -f sarif -o "$TMP/rev.sarif"
if [ "$STATUS" -le 1 ]; then
  validate "$TMP/rev.sarif" "report of a revision"
  assert_eq "$(json 'd["runs"][0]["versionControlProvenance"][0]["revisionId"]' "$TMP/rev.sarif")" \
    "$(git -C "$G" rev-parse HEAD)" "versionControlProvenance holds the commit"
else
  fail "check --rev HEAD -f sarif did not run"
fi

# --- an audit report with URLs (a JSON audit report turned into SARIF by merge)
cat >"$TMP/audit.json" <<'JSON'
{
  "version": 1,
  "tool": { "name": "provcheck", "version": "0.1.0" },
  "target": { "kind": "audit", "root": "http://127.0.0.1:8080/", "rev": null, "commit": null },
  "run": { "shard": null, "config_hash": "0000000000000000000000000000000000000000000000000000000000000000" },
  "summary": { "pages": 2, "findings": 2, "errors": 2, "warnings": 0, "suppressed": 0 },
  "pages": [
    { "path": "/", "url": "http://127.0.0.1:8080/", "blob": null, "findings": 0 },
    { "path": "/news/a b.html", "url": "http://127.0.0.1:8080/news/a%20b.html", "blob": null, "findings": 2 } ],
  "findings": [
    { "rule": "fetch-error", "severity": "error", "message": "HTTP 404", "path": "/news/a b.html", "url": "http://127.0.0.1:8080/news/a%20b.html", "line": null, "column": null, "commit": null, "blob": null, "fingerprint": "0123456789abcdef0123456789abcdef", "suppressed": false, "suppression": null },
    { "rule": "privacy-link", "severity": "error", "message": "no link to the privacy policy", "path": "/news/a b.html", "url": "http://127.0.0.1:8080/news/a%20b.html", "line": 3, "column": 1, "commit": null, "blob": null, "fingerprint": "fedcba9876543210fedcba9876543210", "suppressed": false, "suppression": null } ]
}
JSON
run merge -f sarif -o "$TMP/audit.sarif" "$TMP/audit.json"
assert_status 1 "merge writes SARIF, and exits 1 on the report's errors"
validate "$TMP/audit.sarif" "audit report"
assert_eq "$(json '[r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in d["runs"][0]["results"]]' "$TMP/audit.sarif")" \
  '["http://127.0.0.1:8080/news/a%20b.html","http://127.0.0.1:8080/news/a%20b.html"]' "audit results point at the URL"
assert_eq "$(json 'sorted(r["id"] for r in d["runs"][0]["tool"]["driver"]["rules"])' "$TMP/audit.sarif")" \
  '["fetch-error","privacy-link"]' "rules of a merged report come from its findings"
assert_eq "$(json 'd["runs"][0]["automationDetails"]["id"]' "$TMP/audit.sarif")" "provcheck/audit/" "audit automation id"

# --- an empty report -----------------------------------------------------------
mkdir -p "$TMP/empty"
printf 'return {}\n' >"$TMP/empty/provcheck.lua"
good_page "$TMP/empty/a.html"
# no page to report: nothing changed since the last commit (a site without any
# page is a setup error now, exit 2)
(export HOME=$TMP GIT_CONFIG_NOSYSTEM=1; cd "$TMP/empty" && git init -q && git add -A &&
 git -c user.name=A -c user.email=a@example.com commit -qm one)
run_in "$TMP/empty" check --changed-since HEAD -f sarif -o "$TMP/empty.sarif"
assert_status 0 "nothing changed: an empty report"
validate "$TMP/empty.sarif" "empty report"
assert_eq "$(json 'd["runs"][0]["results"]' "$TMP/empty.sarif")" "[]" "no results"

# --- the result cap ---------------------------------------------------------------
# 40 pages with 3 findings each: two errors and one warning (the disclaimer rule
# lowered to a warning). A cap of 50 keeps the 50 first errors and no warning.
B=$TMP/big
mkdir -p "$B"
printf 'return { rules = { ["third-party-disclaimer"] = "warning" } }\n' >"$B/provcheck.lua"
for i in $(seq 1 40); do page_with "$B/p$i.html" "<article><p>Nothing here.</p></article>"; done
PROVCHECK_SARIF_MAX_RESULTS=50 run_in "$B" check -f sarif -o "$TMP/cut.sarif"
assert_status 1 "cut report still fails the run"
validate "$TMP/cut.sarif" "cut report"
assert_eq "$(json 'len(d["runs"][0]["results"])' "$TMP/cut.sarif")" "50" "results cut to the cap"
assert_eq "$(json 'sorted(set(r["level"] for r in d["runs"][0]["results"]))' "$TMP/cut.sarif")" '["error"]' "errors are kept before warnings"
assert_contains "$ERR" "cut to 50 of 120 results" "the cut is announced on stderr"
assert_contains "$ERR" "at most 50 results" "stderr names the limit"
PROVCHECK_SARIF_MAX_RESULTS=100 run_in "$B" check -f sarif -o "$TMP/cut100.sarif"
assert_eq "$(json 'sorted(set(r["level"] for r in d["runs"][0]["results"]))' "$TMP/cut100.sarif")" '["error","warning"]' "warnings fill up after the errors"
run_in "$B" check -f sarif -o "$TMP/uncut.sarif"
assert_not_contains "$ERR" "cut to" "no message when nothing is cut"
assert_eq "$(json 'len(d["runs"][0]["results"])' "$TMP/uncut.sarif")" "120" "under the cap nothing is cut"
# the 10 MB gzip cap, lowered the same way: measured, not guessed
PROVCHECK_SARIF_MAX_GZIP_BYTES=4000 run_in "$B" check -f sarif -o "$TMP/small.sarif"
size=$(gzip -c "$TMP/small.sarif" | wc -c)
if [ "$size" -le 4000 ]; then pass; else fail "gzipped SARIF is $size bytes, over the 4000 cap"; fi
assert_contains "$ERR" "over the size limit" "the size cut is announced"
validate "$TMP/small.sarif" "size-cut report"

# GitHub's real cap: 8,400 pages with 3 findings each make 25,200 results
H=$TMP/huge
python3 - "$H" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(8400):
    d = os.path.join(root, "s%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "p%d.html" % i), "w") as f:
        f.write("<!DOCTYPE html>\n<html><body>\n<article><p>Nothing %d.</p></article>\n</body></html>\n" % i)
PY
run_in "$H" check -f sarif -o "$TMP/huge.sarif"
assert_status 1 "huge site fails"
assert_eq "$(json 'len(d["runs"][0]["results"])' "$TMP/huge.sarif")" "25000" "at most 25,000 results"
assert_contains "$ERR" "cut to 25000 of 25200 results" "the 25,000 cut is announced"

finish
