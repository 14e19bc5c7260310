#!/usr/bin/env bash
# test_cli_conventions.sh: what a linter user expects at the terminal: progress on a
# terminal only, -v run information, did-you-mean, --color/NO_COLOR/FORCE_COLOR,
# audit's -q/-v/--max-warnings/--baseline, the site_root hint and the hidden-text
# message. Terminals come from python's pty.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

# on_tty OUTFILE ARGS...: run provcheck with stdout and stderr on a pseudo terminal,
# the terminal's bytes in OUTFILE; sets STATUS.
on_tty() {
  local out=$1
  shift
  python3 - "$out" "$PROVCHECK" "$@" <<'PY'
import os, pty, sys
out = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, st = os.waitpid(pid, 0)
open(out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(st))
PY
  STATUS=$?
  OUT=$(cat "$out")
  ERR=""
}

SITE=$TMP/site
for i in $(seq 1 300); do good_page "$SITE/news/p$i.html" "Page $i"; done
good_page "$SITE/privacy.html" Privacy
good_page "$SITE/index.html" Home

# ---- progress: on a terminal, not in a pipe, not with -q ----
# a slow rule makes the run long enough for a few progress lines
mkdir -p "$SITE/slow"
cat >"$SITE/slow/slow.lua" <<'LUA'
return { id = "slow", summary = "takes a while", severity = "info",
  check = function(page) local x = 0; for i = 1, 400000 do x = x + i end end }
LUA
printf 'return { rule_paths = { "slow" } }\n' >"$SITE/provcheck.lua"
on_tty "$TMP/tty.out" check -j 1 --no-cache -c "$SITE/provcheck.lua" "$SITE"
assert_status 0 "check on a terminal"
assert_contains "$OUT" "provcheck: checked" "progress is drawn on a terminal"
assert_contains "$OUT" "pages/s" "progress shows a rate"
assert_contains "$OUT" "ETA" "progress shows an ETA"
assert_contains "$OUT" "302 in" "the final progress line counts every page"
on_tty "$TMP/tty.out" check -q -j 1 --no-cache -c "$SITE/provcheck.lua" "$SITE"
assert_not_contains "$OUT" "pages/s" "-q silences progress on a terminal"
run check -j 1 --no-cache -c "$SITE/provcheck.lua" "$SITE"
assert_not_contains "$ERR" "pages/s" "no progress when stderr is not a terminal"
rm "$SITE/provcheck.lua"

# ---- -v: config, site root, patterns and rules ----
cat >"$SITE/provcheck.lua" <<'LUA'
return { include = { "news/**" , "*.html" }, exclude = { "news/p3*.html" },
         rules = { ["third-party-disclaimer"] = "warning" } }
LUA
run_in "$SITE" check -v
assert_status 0 "check -v"
assert_contains "$ERR" "config: provcheck.lua" "-v names the config"
assert_contains "$ERR" "site root:" "-v names the site root"
assert_contains "$ERR" "include: news/** *.html" "-v lists the include patterns"
assert_contains "$ERR" "exclude: news/p3*.html" "-v lists the exclude patterns"
assert_contains "$ERR" "third-party-disclaimer=warning" "-v lists the rules with severities"
assert_contains "$ERR" "source-attribution=error" "-v lists every rule that runs"
run_in "$SITE" check -v --rule privacy-link
assert_not_contains "$ERR" "source-attribution=" "-v lists only the rules that run"
rm "$SITE/provcheck.lua"

# ---- did you mean ----
run chekc "$SITE"
assert_status 2 "mistyped command"
assert_contains "$ERR" "did you mean 'check'" "a mistyped command gets a suggestion"
run frobnicate
assert_not_contains "$ERR" "did you mean" "no suggestion for a word far from every command"
run check --max-warning 3 "$SITE"
assert_status 2 "mistyped option"
assert_contains "$ERR" "did you mean '--max-warnings'" "a mistyped option gets a suggestion"
run check --staegd "$SITE"
assert_contains "$ERR" "did you mean '--staged'" "a swap of two letters is one edit"
run audit --crawll http://127.0.0.1:9/
assert_status 2 "mistyped audit option"
assert_contains "$ERR" "did you mean '--crawl'" "audit suggests too"
run check --rule privacy-lnk "$SITE"
assert_status 2 "mistyped --rule"
assert_contains "$ERR" "did you mean 'privacy-link'" "a mistyped rule id gets a suggestion"
CFG=$TMP/typo
mkdir -p "$CFG"
printf 'return {\n  site_rot = "."\n}\n' >"$CFG/provcheck.lua"
good_page "$CFG/a.html"
run check -c "$CFG/provcheck.lua" "$CFG"
assert_status 2 "mistyped config key"
assert_contains "$ERR" "provcheck.lua:2" "the config error names file and line"
assert_contains "$ERR" "did you mean 'site_root'" "a mistyped config key gets a suggestion"
printf 'return {\n  rules = { ["source-atribution"] = "off" }\n}\n' >"$CFG/provcheck.lua"
run check -c "$CFG/provcheck.lua" "$CFG"
assert_status 2 "mistyped rule id in the config"
assert_contains "$ERR" "did you mean 'source-attribution'" "a mistyped rule key gets a suggestion"

# ---- colour: --color, NO_COLOR, FORCE_COLOR ----
BAD=$TMP/bad
page_with "$BAD/a.html" "<p>nothing</p>"
ESC=$(printf '\033[')
run check "$BAD"
assert_not_contains "$OUT" "$ESC" "no colour in a pipe"
run check --color=always "$BAD"
assert_contains "$OUT" "$ESC" "--color=always colours a pipe"
run check --color=always "$BAD"   # NO_COLOR=1 is set by lib.sh
assert_contains "$OUT" "$ESC" "--color=always wins over NO_COLOR"
FORCE_COLOR=1 run check "$BAD"
assert_not_contains "$OUT" "$ESC" "NO_COLOR wins over FORCE_COLOR in auto mode"
(unset NO_COLOR; FORCE_COLOR=1 "$PROVCHECK" check "$BAD" >"$TMP/fc.out" 2>&1)
assert_contains "$(cat "$TMP/fc.out")" "$ESC" "FORCE_COLOR colours a pipe"
(unset NO_COLOR; FORCE_COLOR=0 "$PROVCHECK" check "$BAD" >"$TMP/fc.out" 2>&1)
assert_not_contains "$(cat "$TMP/fc.out")" "$ESC" "FORCE_COLOR=0 does not"
on_tty "$TMP/tty.out" check "$BAD"
assert_not_contains "$OUT" "$ESC" "NO_COLOR wins over auto on a terminal"
(unset NO_COLOR; on_tty "$TMP/tty2.out" check "$BAD")
assert_contains "$(cat "$TMP/tty2.out")" "$ESC" "auto colours a terminal"
(unset NO_COLOR; on_tty "$TMP/tty3.out" check --color=never "$BAD")
assert_not_contains "$(cat "$TMP/tty3.out")" "$ESC" "--color=never on a terminal"
run check --color=sometimes "$BAD"
assert_status 2 "bad --color value"

# ---- hidden text: the finding says the text is there but hidden ----
HID=$TMP/hidden
page_with "$HID/a.html" '<p>Source: cnnespanol</p><a href="/privacy.html">Privacy</a>
<footer style="display: none">The information on this site is from external sources that are not under our control.</footer>'
page_with "$HID/b.html" '<p>Source: cnnespanol</p><a href="/privacy.html">Privacy</a>
<!-- The information on this site is from external sources that are not under our control. -->'
page_with "$HID/c.html" '<p>Source: cnnespanol</p><a href="/privacy.html">Privacy</a><p>nothing</p>'
good_page "$HID/privacy.html"
run check "$HID"
assert_status 1 "hidden disclaimers fail"
assert_contains "$OUT" "a.html:3:1: error: no third-party disclaimer in the visible text: the third-party disclaimer is in the page but hidden by display:none" "display:none is named"
assert_contains "$OUT" "b.html:3:1: error: no third-party disclaimer in the visible text: the third-party disclaimer is in the page but hidden by an HTML comment" "a comment is named"
assert_not_contains "$(grep '^c.html' <<<"$OUT")" "hidden" "a missing disclaimer is not called hidden"
printf 'return { rules = { ["third-party-disclaimer"] = { text = "Our partners wrote this." } } }\n' >"$TMP/text.lua"
page_with "$HID/a.html" '<p>Source: cnnespanol</p><a href="/privacy.html">Privacy</a><p hidden>Our partners wrote this.</p>'
run check -c "$TMP/text.lua" "$HID/a.html"
assert_contains "$OUT" "is in the page but hidden by the hidden attribute" "the configured text, hidden"
# hidden text reads as the page text would shown (blocks apart, scripts out),
# the same on the event path (no tree) and on the tree path
page_with "$HID/a.html" '<p>Source: cnnespanol</p><a href="/privacy.html">Privacy</a>
<div aria-hidden="true"><p>Our partners</p><p>wrote this.</p><script>var x;</script></div>'
for path in stream dom; do
  PROVCHECK_PAGE_PATH=$path "$PROVCHECK" check -c "$TMP/text.lua" "$HID/a.html" >"$TMP/d.out" 2>"$TMP/d.err"
  assert_contains "$(cat "$TMP/d.err")" "page-path: $path" "a.html read on the $path path"
  assert_contains "$(cat "$TMP/d.out")" "the third-party disclaimer is in the page but hidden by aria-hidden=\"true\"" "a text hidden in two blocks is named ($path)"
done

# ---- site_root hint: no root-relative link of the page resolves ----
ROOTED=$TMP/rooted
good_page "$ROOTED/public/privacy.html"
page_with "$ROOTED/public/news/a.html" '<p>Source: cnnespanol</p><a href="/index.html">Home</a>
<a href="/privacy.html">Privacy</a>
<p>The information on this site is from external sources that are not under our control.</p>'
printf 'return { }\n' >"$ROOTED/provcheck.lua"
run_in "$ROOTED" check public/news/a.html
assert_status 1 "site root one folder too high"
assert_contains "$OUT" "points to a page that does not exist (no root-relative link on this page resolves: is the config's site_root" "the message suggests site_root"
printf 'return { site_root = "public" }\n' >"$ROOTED/provcheck.lua"
good_page "$ROOTED/public/index.html"
run_in "$ROOTED" check public/news/a.html
assert_status 0 "with site_root the links resolve"
page_with "$ROOTED/public/news/a.html" '<p>Source: cnnespanol</p><a href="/index.html">Home</a>
<a href="/privacy-gone.html">Privacy</a>
<p>The information on this site is from external sources that are not under our control.</p>'
run_in "$ROOTED" check public/news/a.html
assert_status 1 "a broken privacy link"
assert_not_contains "$OUT" "site_root" "no site_root hint when another root-relative link resolves"

# ---- audit: -q, -v, --max-warnings, --baseline like check ----
require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT
WEB=$TMP/web
good_page "$WEB/privacy.html" Privacy
page_with "$WEB/warn.html" "<p>Source: cnnespanol</p><a href=\"/privacy.html\">Privacy</a>
<p>The information on this site is from external sources that are not under our control.</p>"
page_with "$WEB/bad.html" "<p>nothing here</p>"
printf 'return { rules = { ["third-party-disclaimer"] = "warning" } }\n' >"$TMP/audit.lua"
printf 'return { rules = { ["source-attribution"] = "warning", ["privacy-link"] = "warning", ["third-party-disclaimer"] = "warning" } }\n' >"$TMP/warnonly.lua"
nginx_start "$WEB" "$TMP/nginx" || exit 1
U=http://127.0.0.1:$NGINX_PORT
run audit -c "$TMP/warnonly.lua" --rate 0 "$U/privacy.html" "$U/bad.html"
assert_status 0 "audit with warnings only"
run audit -c "$TMP/warnonly.lua" --rate 0 --max-warnings 1 "$U/privacy.html" "$U/bad.html"
assert_status 1 "audit --max-warnings 1 with 3 warnings fails"
run audit -c "$TMP/warnonly.lua" --rate 0 --max-warnings 3 "$U/privacy.html" "$U/bad.html"
assert_status 0 "audit --max-warnings 3 with 3 warnings passes"
run audit -c "$TMP/audit.lua" --rate 0 -f json "$U/privacy.html" "$U/bad.html"
assert_status 1 "audit of a bad page fails"
cp "$TMP/.out" "$TMP/audit-baseline.json"
run audit -c "$TMP/audit.lua" --rate 0 --baseline "$TMP/audit-baseline.json" -f json \
  "$U/privacy.html" "$U/bad.html"
assert_status 0 "audit --baseline suppresses the known findings"
assert_eq "$(json 'd["summary"]["suppressed"] > 0')" "true" "baseline findings are suppressed"
run audit -c "$TMP/audit.lua" --rate 0 -q "$U/privacy.html" "$U/bad.html"
assert_contains "$OUT" "error" "audit -q still shows errors"
printf 'return { rules = { ["source-attribution"] = "warning" } }\n' >"$TMP/onewarn.lua"
run audit -c "$TMP/onewarn.lua" --rate 0 -q "$U/warn.html" "$U/bad.html"
assert_not_contains "$OUT" ": warning:" "audit -q shows errors only, like check -q"
run audit -c "$TMP/audit.lua" --rate 0 -v "$U/privacy.html"
assert_contains "$ERR" "config: $TMP/audit.lua" "audit -v names the config"
assert_contains "$ERR" "third-party-disclaimer=warning" "audit -v lists the rules"
run audit -c "$TMP/audit.lua" --rate 0 --color=always "$U/bad.html"
assert_contains "$OUT" "$ESC" "audit --color=always"

echo "test_cli_conventions: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
