#!/usr/bin/env bash
# test_no_false_pass_crawl_fragments.sh (issue 9, point 8): `audit --crawl`
# follows links as a browser would. A fragment-only or empty href is the page it
# is on, never a URL to fetch (libcurl's URL API alone resolves "#main" on
# /index.html to "/"), and "/a.html#x" is the page "/a.html". Asserted on what a
# private nginx was asked for.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
mkdir -p "$SITE/news" "$SITE/other" "$TMP/work"
page() {   # page TITLE BODY_HTML [HEAD_HTML]
  cat <<HTML
<!doctype html><html><head><title>$1</title>${3:-}</head><body><article id="main">
<h1 id="top">$1</h1>$2<p>Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href="/privacy.html">Privacy policy</a></article></body></html>
HTML
}
page "Home" '<a href="#main">Skip to content</a> <a href="">this page</a> <a href=" #top ">top</a>
<a href="/news/a.html#comments">A, comments</a> <a href="news/a.html">A</a>
<a href="/news/b.html?page=2#x">B, page 2</a>' >"$SITE/index.html"
page "Story A" '<a href="#top">Back to top</a> <a href="#">#</a> <a href="a.html#share">share</a>' >"$SITE/news/a.html"
page "Story B" '<a href="#top">Back to top</a>' >"$SITE/news/b.html"
page "Privacy" '<a href="#main">Skip</a>' >"$SITE/privacy.html"
# Nothing links to these: a request for either is a wrong guess.
page "News index" '' >"$SITE/news/index.html"
page "Root index" '' >"$SITE/other/index.html"

nginx_start "$SITE" "$TMP/nginx" || exit 1
BASE=http://127.0.0.1:$NGINX_PORT

requested() { awk '{print $3}' "$NGINX_LOG" | grep -v '^/robots.txt$' | sort; }

run_in "$TMP/work" audit --rate 0 -q --crawl -f json -o "$TMP/r.json" "$BASE/index.html#top"
assert_status 0 "the crawl passes: every linked page is compliant"
assert_eq "$(requested)" "$(printf '%s\n' /index.html /news/a.html '/news/b.html?page=2' /privacy.html | sort)" \
  "nginx was asked for the linked pages only, each once (no '/', no '/news/')"
assert_eq "$(json 'sorted(p["path"] for p in d["pages"])' "$TMP/r.json")" \
  '["/index.html","/news/a.html","/news/b.html?page=2","/privacy.html"]' "one page per URL, fragments dropped"
assert_eq "$(json 'sorted(p["url"] for p in d["pages"])' "$TMP/r.json")" \
  "[\"$BASE/index.html\",\"$BASE/news/a.html\",\"$BASE/news/b.html?page=2\",\"$BASE/privacy.html\"]" \
  "no URL in the report keeps a fragment"

# With <base href>, a fragment-only link names the base document, as a click does.
: >"$NGINX_LOG"
page "Based" '<a href="#top">top</a>' '<base href="/other/">' >"$SITE/based.html"
run_in "$TMP/work" audit --rate 0 -q --crawl -f json -o "$TMP/b.json" "$BASE/based.html"
assert_status 0 "the crawl from a page with <base href> passes"
assert_eq "$(requested)" "$(printf '%s\n' /based.html /other/ /privacy.html | sort)" \
  "'#top' under <base href=\"/other/\"> is /other/, as in a browser"

finish
