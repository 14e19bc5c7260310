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
# With every rule pack on (their rules read <meta>, JSON-LD, <html lang>, <link rel>
# and hidden text, and some the tree on demand) the pages still take the event
# path, with the same report; so do the packs' example configs.
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
# what the packs read of the head, in the corners where the tree and the events
# could disagree
w("head-dup.html", '<!DOCTYPE html><html LANG="de"><head><meta name="Generator" content="DeepL">'
  '<meta property="og:type"><meta name="og:type" content="article"><meta name="ROBOTS" content="NoIndex">'
  '<link rel=" Canonical " href="/copy.html"><link rel="canonical" href="https://orig.example/a">'
  '<link rel="license" href="https://creativecommons.org/licenses/by-nd/4.0/"><link href="/no-rel">'
  '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2099-01-01",'
  ' "isBasedOn": {"url": "https://orig.example/a", "inLanguage": "es", "publisher": {"name": "efe"},'
  ' "license": "https://creativecommons.org/licenses/by-nd/4.0/"}, "translator": {"name": "DeepL"}}</script>'
  '<script type="APPLICATION/LD+JSON ;x">{"@graph": [{"@type": "Person", "digitalSourceType":'
  ' "trainedAlgorithmicMedia"}]}</script><script type="application/ld+json">{bad</script></head>'
  '<body><html lang="es"><article><h1>T</h1><p>Source: efe. \u00a9 2019 Copyright 2018-2020</p>'
  '<div hidden>translated automatically <script>var x = 1;</script></div>'
  '<template><script type="application/ld+json">{"@type": "Article"}</script></template>'
  '<noscript><link rel="canonical" href="https://other.example/"></noscript>'
  '<p style>Impressum</p><p aria-hidden="true" style="color: red">cookie policy</p>'
  '<!-- does not necessarily imply endorsement --></article>'
  '<a href="https://orig.example/a">original</a></body></html><!-- after: third-party -->')
w("head-none.html", "<p>Fuente: reuters. Quelle: x \u00a9 Communities 2019</p>"
  "<script type='application/ld+json'>[{\"@type\": \"ReportageNewsArticle\","
  " \"datePublished\": \"not a date\"}, 3]</script><time datetime='2020-01-01'>x</time>")
w("head-unclosed.html", "<html lang=en-US><meta name=robots content=x><link rel=canonical "
  "href=//cdn.example/x><p>Source: cnnespanol<div style='display:none'>machine translation"
  "<script type=application/ld+json>{\"@type\": \"NewsArticle\", \"isBasedOn\": \"https://x.example/\"")
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
cat >"$S/packs.lua" <<'EOF'
return {
  site_root = ".",
  now = "2026-08-02T00:00:00Z",
  plugins = { "ai-transparency", "licensing", "news-metadata", "privacy-regional", "syndication" },
  rules = {
    ["source-attribution"] = { sources = { "nobody" } },
    ["ai-transparency/disclosure"] = { pages = { "edge/**", "bench/news/2022/001/**" } },
    ["licensing/cc-attribution"] = { sources = { "efe = CC BY 4.0", "reuters = CC BY-SA 4.0" } },
    ["licensing/cc-no-derivatives"] = { sources = { "cnnespanol = CC BY-ND 4.0" } },
    ["licensing/cc-modification-notice"] = { sources = { "efe = CC BY 4.0" }, derivative_pages = { "bench/**" } },
    ["privacy-regional/do-not-sell"] = { enabled = true },
    ["privacy-regional/cookie-policy"] = { languages = { "en", "es" } },
    ["syndication/original-link"] = { domains = { "orig.example", "cnnespanol.cnn.com" } },
  },
}
EOF

pages=$(find "$S" -name '*.htm*' | wc -l)
[ "$pages" -gt 250 ] || fail "only $pages pages collected"

# same_reports DOM_JSON STREAM_JSON STREAM_ERR WHAT: the event path's run was
# clean under the sanitizers and its report is the DOM path's, byte for byte
same_reports() {
  ERR=$(grep -v '^page-path:' "$3" | head -c 2000)
  OUT=""
  check_sanitizers
  if cmp -s "$1" "$2"; then
    pass
  else
    OUT=$(diff <(python3 -m json.tool "$1") <(python3 -m json.tool "$2") | head -40)
    fail "$4: the reports of the two paths differ"
  fi
}

for cfg in default strict packs; do
  (cd "$S" && PROVCHECK_PAGE_PATH=dom timeout 300 "$PROVCHECK" check -j2 -c "$cfg.lua" . \
      -f json -o "$TMP/dom-$cfg.json" >/dev/null 2>"$TMP/dom-$cfg.err")
  dom_status=$?
  (cd "$S" && PROVCHECK_PAGE_PATH=stream timeout 300 "$PROVCHECK" check -j2 -c "$cfg.lua" . \
      -f json -o "$TMP/stream-$cfg.json" >/dev/null 2>"$TMP/stream-$cfg.err")
  stream_status=$?
  STATUS=$stream_status
  [ "$dom_status" = 1 ] || fail "$cfg: the DOM run ended with $dom_status"
  [ "$stream_status" = "$dom_status" ] || fail "$cfg: exit $stream_status, DOM path $dom_status"
  same_reports "$TMP/dom-$cfg.json" "$TMP/stream-$cfg.json" "$TMP/stream-$cfg.err" "$cfg"
  # the default path really read most pages from events (else the test proves little)
  streamed=$(grep -c '^page-path: stream ' "$TMP/stream-$cfg.err")
  dommed=$(grep -c '^page-path: dom ' "$TMP/dom-$cfg.err")
  [ "$streamed" -gt 250 ] || fail "$cfg: only $streamed pages took the event path"
  [ "$dommed" -gt 250 ] || fail "$cfg: only $dommed pages took the DOM path"
  # the page past 65535 lines goes to the DOM on its own
  grep -q '^page-path: dom .*edge/manylines.html' "$TMP/stream-$cfg.err" ||
    fail "$cfg: manylines.html did not fall back to the DOM"
done

# the packs' example configs (their pages, options and clock), both paths
for cfg in "$src"/examples/packs/*.lua; do
  name=$(basename "$cfg" .lua)
  (cd "$src" && PROVCHECK_PAGE_PATH=dom "$PROVCHECK" check -j1 -c "$cfg" -f json \
      -o "$TMP/ex-dom.json" >/dev/null 2>"$TMP/ex-dom.err")
  (cd "$src" && PROVCHECK_PAGE_PATH=stream "$PROVCHECK" check -j1 -c "$cfg" -f json \
      -o "$TMP/ex-stream.json" >/dev/null 2>"$TMP/ex-stream.err")
  STATUS=0
  same_reports "$TMP/ex-dom.json" "$TMP/ex-stream.json" "$TMP/ex-stream.err" \
    "examples/packs/$name.lua"
  if grep -q '^page-path: dom ' "$TMP/ex-stream.err"; then
    fail "examples/packs/$name.lua: a page took the tree: $(grep '^page-path: dom ' "$TMP/ex-stream.err" | head -3)"
  else
    pass
  fi
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
