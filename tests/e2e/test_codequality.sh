#!/usr/bin/env bash
# --format codequality: GitLab Code Quality JSON. An array of issues, one per
# unsuppressed finding, each with description, check_name, fingerprint (unique),
# severity (info/minor/major/critical/blocker), location.path and
# location.lines.begin; the same bytes for any -j, from check and from merge
# (shards merged give what the unsharded run gives).
. "$(dirname "$0")/lib.sh"

S=$TMP/site
good_page "$S/index.html" "Home"
good_page "$S/privacy.html" "Privacy"
page_with "$S/news/world/nolink.html" "<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
page_with "$S/news/bare.html" "<article><p>Nothing here &amp; &lt;nothing&gt; \"quoted\" \\ back</p></article>"
page_with "$S/news/excused.html" "<!-- provcheck-disable privacy-link -- the footer is injected by the CDN -->
<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
printf '\x00\x01binary' >"$S/news/broken.html"

run_in "$S" check -f json -o "$TMP/report.json"
run_in "$S" check -f codequality -o "$TMP/cq.json"
assert_status 1 "findings fail the run as with any format"
python3 - "$TMP/cq.json" "$TMP/report.json" >"$TMP/verdict" 2>&1 <<'PY'
import json, sys
cq = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
want = [f for f in rep["findings"] if not f["suppressed"]]
problems = []
if not isinstance(cq, list):
    problems.append("not an array")
if len(cq) != len(want):
    problems.append(f"{len(cq)} issues for {len(want)} unsuppressed findings")
sev = {"error": "major", "warning": "minor", "info": "info"}
for issue, f in zip(cq, want):
    keys = sorted(issue)
    if keys != ["check_name", "description", "fingerprint", "location", "severity"]:
        problems.append(f"keys {keys}")
    if issue["severity"] not in ("info", "minor", "major", "critical", "blocker"):
        problems.append(f"severity {issue['severity']}")
    if issue["severity"] != sev[f["severity"]]:
        problems.append(f"{f['severity']} became {issue['severity']}")
    if issue["check_name"] != f["rule"] or issue["description"] != f["message"]:
        problems.append(f"issue {issue} for finding {f}")
    if issue["location"]["path"] != f["path"]:
        problems.append(f"path {issue['location']['path']} for {f['path']}")
    begin = issue["location"]["lines"]["begin"]
    if not isinstance(begin, int) or begin != (f["line"] or 1):
        problems.append(f"lines.begin {begin} for line {f['line']}")
    if issue["fingerprint"] != f["fingerprint"]:
        problems.append("fingerprint differs from the report's")
if len({i["fingerprint"] for i in cq}) != len(cq):
    problems.append("fingerprints are not unique")
rules = {i["check_name"] for i in cq}
for r in ("privacy-link", "page-error"):
    if r not in rules:
        problems.append(f"no {r} issue")
print("\n".join(problems) or "ok")
PY
assert_eq "$(cat "$TMP/verdict")" "ok" "Code Quality issues match the report's unsuppressed findings"
assert_not_contains "$(cat "$TMP/cq.json")" "excused.html" "suppressed findings are left out"

# Any -j: the same bytes.
for j in 1 2 4; do
  run_in "$S" check -j "$j" -f codequality -o "$TMP/cq-$j.json"
  if cmp -s "$TMP/cq-$j.json" "$TMP/cq.json"; then pass; else fail "-j $j gives other bytes"; fi
done

# merge: shards merged give the unsharded issues.
for k in 1 2 3; do
  run_in "$S" check --shard "$k/3" -f json -o "$TMP/shard-$k.json"
done
run merge --fail-on never -f codequality -o "$TMP/merged.json" "$TMP"/shard-*.json
assert_status 0 "merge writes codequality"
if cmp -s "$TMP/merged.json" "$TMP/cq.json"; then pass; else fail "merged Code Quality differs from the unsharded one"; fi

# A clean site is an empty array.
C=$TMP/clean
good_page "$C/index.html"
good_page "$C/privacy.html" "Privacy"
run_in "$C" check -f codequality
assert_status 0 "a clean site passes"
assert_eq "$OUT" "[]" "no issue: an empty array"

# Listed where formats are listed.
run check --help
assert_contains "$OUT" "codequality" "check --help lists codequality"
run check -f codequalty
assert_status 2 "a mistyped format is a usage error"
assert_contains "$ERR" "codequality" "and the message lists the formats"

finish
