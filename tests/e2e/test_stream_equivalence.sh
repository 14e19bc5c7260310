#!/usr/bin/env bash
# The two page paths give the same report, byte for byte: every HTML page of the
# repository (rule and plugin fixtures, the example site, the page fuzz corpus),
# a generated benchmark corpus and pages made here for the corner cases (one-line
# pages, many links and tags on a line, past 65535 lines, unclosed and nested
# tags, suppressions) are checked with the DOM path (PROVCHECK_PAGE_PATH=dom)
# and with the default path, which reads pages from parser events when no rule
# needs the tree. Configs make the rules report at links (privacy-link with broken
# targets), at text positions (source-attribution with an allow-list) and at the
# anchor (missing disclaimer), so lines and columns of all three kinds are compared.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
mkdir -p "$S"
src=$PROVCHECK_SRC
# keep each tree's layout, so relative links resolve as in the repository
for d in rules plugins examples/site tests/fuzz/corpus tests/fixtures; do
  [ -d "$src/$d" ] || continue
  (cd "$src" && find "$d" -type f \( -name '*.html' -o -name '*.htm' \) -print0 |
    while IFS= read -r -d '' f; do
      mkdir -p "$S/repo/$(dirname "$f")"
      cp "$f" "$S/repo/$f"
    done)
done
python3 "$src/bench/gen_pages.py" 200 "$S/bench" >/dev/null 2>&1 || fail "gen_pages.py"

E=$S/edge
mkdir -p "$E"
python3 - "$E" <<'PY'
import os, sys
d = sys.argv[1]
def w(name, s):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(s)
links = "".join(f'<a href="/p{i}.html">privacy {i}</a><a href="/missing{i}.html">x</a>' for i in range(60))
w("oneline.html", "<html><body><article>Source: Foo. Source:bar " + links +
  "<p hidden>Source: hid</p><div style='display:none'>external sources</div></article></body></html>")
w("manylines.html", "<html><body>\n" + "<p>line</p>\n" * 70000 +
  '<a href="/nope.html">Privacy</a>\nSource: late\n</body></html>\n')
w("unclosed.html", "<p>Source: <b>one<p>two <a href='/a.html'>Privacy <a href='/b.html'>nested</a>"
  "<li>third-party<table><td>Source: cell<div aria-hidden='true'>Source: gone</div>")
w("suppress.html", "<!-- provcheck-disable privacy-link -- no footer here -->\n<html><body>"
  "<!-- provcheck-disable source-attribution --><!-- provcheck-disable third-party-disclaimer -->"
  "<p>text &amp; more &#8212; Source&#58; ent</p><!-- provcheck-disable nothing-here --></body></html>")
w("texty.html", "<html><head><title>Source: head</title><script>var s='Source: js'</script>"
  "<style>p{}</style></head><body>\n  <p>Sour<!-- c -->ce: split</p>\n<template>Source: t</template>"
  "<noscript>Source: ns</noscript><p>  spaced\n\n  out  Source:\n  far  </p>"
  "<?pi here?><br>Source:<br>afterbr<a href='#'>privacy</a><a href='javascript:x'>privacy</a>"
  "<a href=' /privacy.html '>Privacy policy</a><a>no href</a><a href>bare</a>\n"
  "<div style='visibility: hidden !important'>third party</div><span hidden>x</span>"
  "<a href='/privacy.html' aria-hidden=true>privacy hidden</a></body></html>")
with open(os.path.join(d, "cp1252.html"), "wb") as f:
    f.write(b"<html><body><p>caf\xe9 Source: r\xe9uters</p><a href='/privacy.html'>Privacy</a></body></html>")
w("scripts.html", "<html><head><script>\nvar a = '</div>';\n\n</script><style>\np{}\n</STYLE>"
  "<script></script><script>x</script><script></p>Source: inside</script></head><body>\n"
  "<script>\n if (a</b) {}\n</scriptx>\n still script\n</script>Source: one\n"
  "<p>x<script>\x01\n</script>Source: two <style>a{}\r\n\r\n</style>\nSource: three"
  "<script type='application/ld+json'>{\"a\":\n1}</script>Source: four"
  "<a href='/privacy.html'>Privacy<script>\n\n</script></a>\n<article>Source: five"
  "<script>never closed\n\nSource: six")
w("empty.html", "   \n")
w("textonly.html", "Source: bare text before any tag, third-party")
w("deep.html", "<div>" * 600 + "Source: deep" + "</div>" * 600)
PY

cat >"$S/strict.lua" <<'EOF'
return {
  site_root = ".",
  rules = {
    ["source-attribution"] = { sources = { "nobody" } },
    ["third-party-disclaimer"] = { text = "A sentence no page carries." },
  },
}
EOF
cat >"$S/default.lua" <<'EOF'
return { site_root = "." }
EOF

pages=$(find "$S" -name '*.htm*' | wc -l)
[ "$pages" -gt 250 ] || fail "only $pages pages collected"

for cfg in default strict; do
  (cd "$S" && PROVCHECK_PAGE_PATH=dom timeout 300 "$PROVCHECK" check -j2 -c "$cfg.lua" . \
      -f json -o "$TMP/dom-$cfg.json" >/dev/null 2>"$TMP/dom-$cfg.err")
  dom_status=$?
  (cd "$S" && PROVCHECK_PAGE_PATH=stream timeout 300 "$PROVCHECK" check -j2 -c "$cfg.lua" . \
      -f json -o "$TMP/stream-$cfg.json" >/dev/null 2>"$TMP/stream-$cfg.err")
  stream_status=$?
  STATUS=$stream_status
  ERR=$(grep -v '^page-path:' "$TMP/stream-$cfg.err" | head -c 2000)
  OUT=""
  check_sanitizers
  [ "$dom_status" = 1 ] || fail "$cfg: the DOM run ended with $dom_status"
  [ "$stream_status" = "$dom_status" ] || fail "$cfg: exit $stream_status, DOM path $dom_status"
  if cmp -s "$TMP/dom-$cfg.json" "$TMP/stream-$cfg.json"; then
    pass
  else
    OUT=$(diff <(python3 -m json.tool "$TMP/dom-$cfg.json") \
               <(python3 -m json.tool "$TMP/stream-$cfg.json") | head -40)
    fail "$cfg: the reports of the two paths differ"
  fi
  # the default path really read most pages from events (else the test proves little)
  streamed=$(grep -c '^page-path: stream ' "$TMP/stream-$cfg.err")
  dommed=$(grep -c '^page-path: dom ' "$TMP/dom-$cfg.err")
  [ "$streamed" -gt 250 ] || fail "$cfg: only $streamed pages took the event path"
  [ "$dommed" -gt 250 ] || fail "$cfg: only $dommed pages took the DOM path"
  # the page past 65535 lines goes to the DOM on its own
  grep -q '^page-path: dom .*edge/manylines.html' "$TMP/stream-$cfg.err" ||
    fail "$cfg: manylines.html did not fall back to the DOM"
done

# a rule that needs the tree brings the DOM back for every page it runs on
mkdir -p "$S/treerule/rules"
cat >"$S/treerule/rules/h1-count.lua" <<'EOF'
return {
  id = "h1-count", summary = "counts h1", needs = { "tree" },
  check = function(page, opts, report)
    if #page:select("h1") > 1 then report{ message = "more than one h1" } end
  end,
}
EOF
cat >"$S/tree.lua" <<'EOF'
return { site_root = ".", rule_paths = { "treerule/rules" } }
EOF
(cd "$S" && PROVCHECK_PAGE_PATH=stream timeout 300 "$PROVCHECK" check -j1 -c tree.lua edge \
    -f json -o "$TMP/tree.json" >/dev/null 2>"$TMP/tree.err")
streamed=$(grep -c '^page-path: stream ' "$TMP/tree.err")
[ "$streamed" = 0 ] && pass || fail "a rule needing the tree still let $streamed pages stream"

echo "$CHECKS checks, $FAILS failures"
[ "$FAILS" = 0 ]
