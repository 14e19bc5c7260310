#!/usr/bin/env bash
# test_report_html.sh: `provcheck report` writes one self-contained HTML file from
# an audit database holding 3 audits (made against the tests' own server on
# 127.0.0.1), and headless Chromium renders it: the SVG chart and the findings
# tables are in the DOM. The screenshot is kept in the build folder's
# test-artifacts/.
. "$(dirname "$0")/lib.sh"

SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
python3 "$PROVCHECK_SRC/tests/servers/test_server.py" --log "$TMP/server.log" >"$TMP/port" &
SERVER_PID=$!
for i in $(seq 1 100); do PORT=$(head -1 "$TMP/port" 2>/dev/null); [ -n "$PORT" ] && break; sleep 0.1; done
B=http://127.0.0.1:$PORT
mkdir -p "$TMP/work"
DB=$TMP/history.db

run_in "$TMP/work" audit --rate 0 -q --db "$DB" "$B/page/1" "$B/bare" "$B/nothere"
assert_status 1 "audit 1"
run_in "$TMP/work" audit --rate 0 -q --db "$DB" "$B/page/1" "$B/page/2" "$B/bare"
assert_status 1 "audit 2"
run_in "$TMP/work" audit --rate 0 -q --db "$DB" "$B/page/1" "$B/page/2" "$B/page/3" "$B/bare"
assert_status 1 "audit 3"

run audit --help
assert_contains "$OUT" "--db FILE" "audit --help"
run report --db "$TMP/none.db" -o "$TMP/x.html"
assert_status 2 "a missing database is a setup error"
assert_no_file "$TMP/x.html" "no report on a setup error"
run report -o "$TMP/x.html"
assert_status 2 "--db is required"

run report --db "$DB" -o "$TMP/report.html"
assert_status 0 "report written"
H=$(cat "$TMP/report.html")
assert_contains "$H" "<svg" "inline SVG chart"
assert_not_contains "$H" "<script" "no scripts"
assert_not_contains "$H" "<link " "no external stylesheets"
assert_contains "$H" "href=\"$B/bare\"" "links to the pages"
assert_eq "$(grep -c '<tr><td>[0-9]*</td><td>' "$TMP/report.html")" "3" "three audits listed"
assert_contains "$H" "75.0%" "compliance of the last audit (3 of 4 pages)"

if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is not installed: run scripts/setup.sh (it installs chromium)" >&2
  exit 1
else
  ART=${PROVCHECK_BUILD:-$PROVCHECK_SRC/build}/test-artifacts
  mkdir -p "$ART"
  CHROME=(chromium --headless --no-sandbox --disable-gpu --no-first-run
          --user-data-dir="$TMP/chrome" --window-size=1200,1600)
  timeout 120 "${CHROME[@]}" --dump-dom "file://$TMP/report.html" >"$TMP/dom.html" 2>"$TMP/chrome.err"
  DOM=$(cat "$TMP/dom.html")
  assert_contains "$DOM" "<svg" "the chart is in the rendered DOM"
  assert_contains "$DOM" "<polyline" "the compliance line is drawn"
  assert_eq "$(grep -o '<circle' "$TMP/dom.html" | wc -l)" "3" "one point per audit"
  assert_eq "$(grep -o '<rect class="errors"' "$TMP/dom.html" | wc -l)" "3" "one error bar per audit"
  assert_contains "$DOM" 'id="by-rule"' "findings by rule table"
  assert_eq "$(grep -o '<tr class="page">' "$TMP/dom.html" | wc -l)" "1" "findings by page: one failing page"
  assert_contains "$DOM" "source-attribution" "rule rows rendered"
  rm -f "$ART/report.png"
  timeout 120 "${CHROME[@]}" --screenshot="$ART/report.png" "file://$TMP/report.html" \
    >/dev/null 2>>"$TMP/chrome.err"
  assert_file_exists "$ART/report.png" "screenshot kept as a test artifact"
  size=$(stat -c %s "$ART/report.png" 2>/dev/null || echo 0)
  assert_eq "$(python3 -c "print($size > 20000)")" "True" "the screenshot has content ($size bytes)"
fi

echo "test_report_html: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
