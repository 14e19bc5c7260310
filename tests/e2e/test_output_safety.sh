#!/usr/bin/env bash
# What provcheck prints stays what it means: `--` ends the options of audit and
# test-rules, the text report never passes a page's control characters to the
# terminal, a failed write to stdout fails the command, and an embedded NUL neither
# cuts a message short nor shortens an XPath expression.
. "$(dirname "$0")/lib.sh"

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# --- `--` ends the options -----------------------------------------------------------
python3 "$PROVCHECK_SRC/tests/servers/test_server.py" --log "$TMP/server.log" \
  >"$TMP/server.port" 2>"$TMP/server.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT=$(head -1 "$TMP/server.port" 2>/dev/null)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "test server did not start: $(cat "$TMP/server.err")" >&2; exit 1; }
mkdir -p "$TMP/audit"
run_in "$TMP/audit" audit -f json --rate 0 -- "http://127.0.0.1:$PORT/page/1"
assert_status 0 "audit -- URL: the URL after -- is audited"
assert_eq "$(json 'd["summary"]["pages"]')" "1" "audit -- URL: one page"
run_in "$TMP/audit" audit -f json --rate 0 -- --crawl
assert_not_contains "$ERR" "unknown option" "audit -- --crawl: not an option after --"

R=$TMP/fixtures
mkdir -p "$R/-rules/my-rule/pass" "$R/-rules/my-rule/fail"
cat >"$R/-rules/my-rule.lua" <<'LUA'
return { id = "my-rule", summary = "needs a <main>", severity = "error",
         check = function(page, opts, report)
           if #page:select("main") == 0 then report{ message = "no <main>" } end
         end }
LUA
printf '<html><body><main>x</main></body></html>\n' >"$R/-rules/my-rule/pass/a.html"
printf '<html><body><p>x</p></body></html>\n' >"$R/-rules/my-rule/fail/a.html"
run_in "$R" test-rules -- -rules
assert_status 0 "test-rules -- DIR: a folder named like an option"
assert_contains "$OUT" "my-rule" "test-rules -- DIR ran the fixtures"
run_in "$R" test-rules -rules
assert_status 2 "without --, -rules is an unknown option"

# --- -f text shows control characters, never sends them ---------------------------
T=$TMP/text
mkdir -p "$T/rules"
cat >"$T/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" } }
LUA
cat >"$T/rules/href-echo.lua" <<'LUA'
return { id = "href-echo", summary = "repeats each href", severity = "warning",
         check = function(page, opts, report)
           for _, l in ipairs(page:links()) do report{ message = "href " .. l.href } end
         end }
LUA
# ESC ] (OSC: set the window title), ESC [ (CSI: colours), CR and LF that would
# forge a report line, BEL, a C1 CSI (U+009B) and a right-to-left override (U+202E)
page_with "$T/a.html" "<a href=\"x$(printf '\033')]0;pwned$(printf '\007')y\">1</a>
<a href=\"p$(printf '\033')[2Jq\">2</a>"
cat >>"$T/a.html" <<'HTML'

<a href="r&#13;s&#10;index.html:1: error: forged [privacy-link]">3</a>
<a href="c1&#155;31m-&#x202E;lmth.exe">4</a>
HTML
name=$(printf 'evil\033[31m\r\n.html')
page_with "$T/$name" '<p>x</p>'
run_in "$T" check --no-cache -f text --rule href-echo
assert_status 0 "the text report"
text=$(cat "$TMP/.out")
if printf '%s' "$text" | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')"; then
  fail "the text report holds a raw control character"
else
  pass
fi
assert_eq "$(printf '%s\n' "$text" | grep -c 'forged')" "1" "a LF in an href forges no line"
assert_contains "$text" 'href x\x1b]0;pwned\x07y' "ESC and BEL are shown as \\x1b, \\x07"
assert_contains "$text" 'href p\x1b[2Jq' "a CSI sequence is shown"
assert_contains "$text" 'href r\x0ds\x0aindex.html:1: error: forged' "CR and LF are shown"
assert_contains "$text" 'href c1\u009b31m-\u202elmth.exe' "C1 controls and bidi overrides are shown"
assert_not_contains "$OUT" "$(printf '\033')" "no ESC in the report"
# a file name of control characters: a page-error for an empty page names it safely
: >"$T/$name"
run_in "$T" check --no-cache -f text --rule href-echo
assert_contains "$OUT" 'evil\x1b[31m\x0d\x0a.html:1: error: page is empty' "a file name is shown escaped"
rm -f "$T/$name"

# --- a failed write to stdout fails the command -----------------------------------
if [ -w /dev/full ]; then
  for args in "rules" "rules --format json" "explain privacy-link" "--help" "--version" \
              "check --help" "test-rules --help"; do
    # shellcheck disable=SC2086
    (cd "$TMP" && timeout 60 "$PROVCHECK" $args >/dev/full 2>"$TMP/.err")
    STATUS=$?
    ERR=$(cat "$TMP/.err")
    OUT=""
    assert_status 2 "provcheck $args > /dev/full"
    assert_contains "$ERR" "No space left on device" "provcheck $args > /dev/full: says why"
  done
else
  echo "note: /dev/full is not writable here; the write-error checks are skipped" >&2
fi

# --- embedded NUL ---------------------------------------------------------------------
N=$TMP/nul
mkdir -p "$N/rules"
cat >"$N/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" } }
LUA
cat >"$N/rules/nul-message.lua" <<'LUA'
return { id = "nul-message", summary = "a message with a NUL", severity = "warning",
         check = function(page, opts, report)
           report{ message = "before\0after the NUL" }
         end }
LUA
cat >"$N/rules/nul-xpath.lua" <<'LUA'
return { id = "nul-xpath", summary = "an XPath with a NUL", severity = "warning",
         check = function(page, opts, report)
           -- read up to the NUL, this would select every <p>
           report{ message = "matched " .. #page:xpath("//p\0[@class = 'none']") }
         end }
LUA
page_with "$N/a.html" '<p>one</p><p>two</p>'
run_in "$N" check --no-cache -f json --rule nul-message --rule nul-xpath
assert_eq "$(json '[f["message"] for f in d["findings"] if f["rule"] == "nul-message"]')" \
  '["before\ufffdafter the NUL"]' "a message is not cut at a NUL"
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["rule"] != "nul-message"]')" \
  '["rule-error"]' "an XPath expression with a NUL is a rule-error"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"][0]')" \
  "contains a NUL byte" "the rule-error says why"
run_in "$N" check --no-cache -f text --rule nul-message
assert_contains "$OUT" "before"$'\xef\xbf\xbd'"after the NUL" "the text report shows the whole message"

finish
