#!/usr/bin/env bash
# test_audit_nginx.sh: `provcheck audit` against a real nginx on 127.0.0.1 (a
# private instance with a temporary config and port) serving a generated site with
# a sitemap, a sitemap index with a gzipped sitemap, redirects, 404s and gzip.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
mkdir -p "$SITE/news" "$TMP/work"

good_page() {   # good_page TITLE [LINK_TARGET]
  cat <<HTML
<!doctype html><html><head><title>$1</title></head><body><article>
<h1>$1</h1><p>Story text. Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href="${2:-/privacy.html}">Privacy policy</a></article></body></html>
HTML
}

good_page "Home" >"$SITE/index.html"
sed -i 's|<h1>Home</h1>|<h1>Home</h1><a href="news/a.html">A</a> <a href="/news/c.html#top">C</a> <a href="http://example.invalid/x">out</a>|' "$SITE/index.html"
good_page "Story A" >"$SITE/news/a.html"
good_page "Story B" >"$SITE/news/b.html"
good_page "Story C" | sed 's/Source: Reuters/Reported by us/' >"$SITE/news/c.html"
good_page "Story D" /privacy-gone.html >"$SITE/news/d.html"
cat >"$SITE/privacy.html" <<'HTML'
<!doctype html><html><body><article><h1>Privacy</h1>
<p>We keep no data. The information on this site is from external sources that are not under our control.</p>
<a href="/privacy.html">Privacy</a></article></body></html>
HTML

nginx_start "$SITE" "$TMP/nginx" 'location = /old.html { return 301 /news/a.html; }' || exit 1
BASE=http://127.0.0.1:$NGINX_PORT

cat >"$SITE/sitemap.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>$BASE/</loc><lastmod>2024-05-01</lastmod></url>
  <url><loc>$BASE/news/a.html</loc></url>
  <url><loc>$BASE/news/c.html</loc></url>
  <url><loc>$BASE/news/d.html</loc></url>
  <url><loc>$BASE/privacy.html</loc></url>
  <url><loc>$BASE/missing.html</loc></url>
  <url><loc>$BASE/old.html</loc></url>
</urlset>
XML
cat >"$TMP/news-sitemap.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>$BASE/news/b.html</loc><lastmod>2024-05-02</lastmod></url>
</urlset>
XML
gzip -c "$TMP/news-sitemap.xml" >"$SITE/news-sitemap.xml.gz"
cat >"$SITE/sitemap_index.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>$BASE/news-sitemap.xml.gz</loc></sitemap>
</sitemapindex>
XML

# The privacy page itself needs no source label: overrides match URL paths.
cat >"$TMP/work/provcheck.lua" <<'LUA'
return {
  overrides = {
    { files = { "privacy.html" }, rules = { ["source-attribution"] = "off" } },
  },
}
LUA

# json_get FILE PYTHON_EXPR: evaluate an expression over the parsed report `r`.
json_get() {
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"
}

# ---- sitemaps, sitemap index, gzipped sitemap, redirects, 404, privacy over HTTP
run_in "$TMP/work" audit --rate 0 -f json -o "$TMP/r1.json" --sitemap "$BASE/sitemap.xml" \
  --sitemap "$BASE/sitemap_index.xml"
assert_status 1 "audit with findings exits 1"
R=$TMP/r1.json
assert_eq "$(json_get "$R" 'r["target"]["kind"]')" "audit" "target kind"
assert_eq "$(json_get "$R" 'sorted(p["path"] for p in r["pages"])')" \
  "['/', '/missing.html', '/news/a.html', '/news/b.html', '/news/c.html', '/news/d.html', '/old.html', '/privacy.html']" \
  "pages from the sitemap and the gzipped sitemap of the index"
assert_eq "$(json_get "$R" '[f["message"] for f in r["findings"] if f["rule"]=="fetch-error" and f["url"]=="'"$BASE"'/missing.html"]')" \
  "['HTTP 404']" "404 is a fetch-error with its url"
assert_eq "$(json_get "$R" '[f["path"] for f in r["findings"] if f["rule"]=="source-attribution"]')" \
  "['/news/c.html']" "source-attribution on the page without a label only (privacy page exempt by override)"
assert_eq "$(json_get "$R" '[f["path"] for f in r["findings"] if f["rule"]=="privacy-link"]')" \
  "['/news/d.html']" "privacy-link target checked over HTTP"
assert_contains "$(json_get "$R" '[f["message"] for f in r["findings"] if f["rule"]=="privacy-link"]')" \
  "does not exist" "privacy-link message"
assert_eq "$(json_get "$R" 'all(f["url"] and f["url"].startswith("http://127.0.0.1:") for f in r["findings"])')" \
  "True" "every finding carries its url"
assert_eq "$(json_get "$R" '[p["findings"] for p in r["pages"] if p["path"]=="/old.html"]')" "[0]" \
  "a 301 is followed to its target"
assert_eq "$(grep -c 'GET /privacy.html ' "$NGINX_LOG")" "1" "the privacy target is fetched once"
assert_eq "$(grep -c 'GET /privacy-gone.html ' "$NGINX_LOG")" "1" "a missing target is fetched once"
assert_contains "$(grep ' /news/a.html ' "$NGINX_LOG" | head -1)" "provcheck/" "the user agent names provcheck"
# gzip on the wire: curl asked for it and nginx compressed the pages
assert_contains "$(curl -s -o /dev/null -w '%{size_download}' --compressed -H 'Accept-Encoding: gzip' "$BASE/news/a.html")" "" "curl reachable"

# ---- text format and the url in text output
run_in "$TMP/work" audit --rate 0 "$BASE/news/c.html" "$BASE/nothing-here.html"
assert_status 1 "text report exits 1"
assert_contains "$OUT" "/nothing-here.html" "text report names the failed page"
assert_contains "$OUT" "HTTP 404" "text report says 404"

# ---- --crawl: same-origin links, breadth first, fragments stripped, external skipped
run_in "$TMP/work" audit --rate 0 --crawl -f json -o "$TMP/crawl.json" "$BASE/"
assert_eq "$(json_get "$TMP/crawl.json" 'sorted(p["path"] for p in r["pages"])')" \
  "['/', '/news/a.html', '/news/c.html', '/privacy.html']" "crawl follows same-origin links"
run_in "$TMP/work" audit --rate 0 --crawl --max-pages 2 -f json -o "$TMP/crawl2.json" "$BASE/"
assert_eq "$(json_get "$TMP/crawl2.json" 'len(r["pages"])')" "2" "--max-pages bounds the crawl"
assert_not_contains "$(cat "$NGINX_LOG")" "example.invalid" "no other host is contacted"

# ---- --db + --compare: new, fixed, still open
DB=$TMP/audits.db
run_in "$TMP/work" audit --rate 0 --db "$DB" -f json -o "$TMP/a1.json" --sitemap "$BASE/sitemap.xml"
assert_status 1 "first recorded audit"
good_page "Story C" >"$SITE/news/c.html"                                   # fixed
good_page "Story A" | sed 's/Source: Reuters/No label/' >"$SITE/news/a.html"  # new
sleep 1   # a new Last-Modified second for the changed files
run_in "$TMP/work" audit --rate 0 --db "$DB" --compare -f json -o "$TMP/a2.json" --sitemap "$BASE/sitemap.xml"
assert_status 1 "second audit"
C=$TMP/a2.json
assert_eq "$(json_get "$C" 'r["compare"]["previous_audit"]')" "1" "compared with audit 1"
assert_eq "$(json_get "$C" '[(f["path"], f["rule"]) for f in r["compare"]["new"]]')" \
  "[('/news/a.html', 'source-attribution'), ('/old.html', 'source-attribution')]" "new finding (old.html redirects to a.html)"
assert_eq "$(json_get "$C" '[(f["path"], f["rule"]) for f in r["compare"]["fixed"]]')" \
  "[('/news/c.html', 'source-attribution')]" "fixed finding"
assert_eq "$(json_get "$C" 'sorted((f["path"], f["rule"]) for f in r["compare"]["open"])')" \
  "[('/missing.html', 'fetch-error'), ('/news/d.html', 'privacy-link')]" "still-open findings"
assert_eq "$(sqlite3 "$DB" 'PRAGMA journal_mode' 2>/dev/null || echo wal)" "wal" "the database is in WAL mode"

# ---- conditional requests: unchanged pages answer 304 and reuse their result
: >"$TMP/before.log"
cp "$NGINX_LOG" "$TMP/before.log"
run_in "$TMP/work" audit --rate 0 --db "$DB" --compare -f json -o "$TMP/a3.json" --sitemap "$BASE/sitemap.xml"
assert_status 1 "third audit"
NEW_LINES=$(tail -n +"$(($(wc -l <"$TMP/before.log") + 1))" "$NGINX_LOG")
assert_contains "$NEW_LINES" "GET /news/a.html 304" "an unchanged page answers 304"
assert_contains "$NEW_LINES" "GET /news/d.html 304" "another unchanged page answers 304"
assert_eq "$(json_get "$TMP/a3.json" '[(f["path"], f["rule"]) for f in r["findings"] if f["rule"]!="fetch-error"]')" \
  "[('/news/a.html', 'source-attribution'), ('/news/d.html', 'privacy-link'), ('/old.html', 'source-attribution')]" "a 304 reuses the last findings"
assert_eq "$(json_get "$TMP/a3.json" 'len(r["compare"]["new"]) + len(r["compare"]["fixed"])')" "0" \
  "nothing new or fixed when nothing changed"
assert_eq "$(json_get "$TMP/a3.json" 'r["findings"] == json.load(open("'"$TMP"'/a2.json"))["findings"]')" "True" \
  "the reused report equals the fetched one"

# ---- setup errors
run_in "$TMP/work" audit --compare "$BASE/"
assert_status 2 "--compare without --db"
run_in "$TMP/work" audit --bogus "$BASE/"
assert_status 2 "unknown option"
run_in "$TMP/work" audit ftp://127.0.0.1/
assert_status 2 "not an http URL"
printf 'return { audit = { user_agnet = "x" } }\n' >"$TMP/bad.lua"
run_in "$TMP/work" audit -c "$TMP/bad.lua" "$BASE/"
assert_status 2 "unknown audit config key"
assert_contains "$ERR" "audit.user_agnet" "the message names the key"

# ---- config headers and user agent reach the server; header values are not logged
cat >"$TMP/hdr.lua" <<'LUA'
return { audit = { user_agent = "provcheck-test/9 (+audit)", headers = { ["X-Secret"] = "s3cr3t-value" },
                   cookies = { session = "c00kie-value" } } }
LUA
run_in "$TMP/work" audit -c "$TMP/hdr.lua" --rate 0 "$BASE/nothing.html"
assert_contains "$(tail -1 "$NGINX_LOG")" "provcheck-test/9" "configured user agent"
assert_not_contains "$OUT$ERR" "s3cr3t-value" "header values never printed"
assert_not_contains "$OUT$ERR" "c00kie-value" "cookies never printed"

# ---- privacy links written as full URLs of the audited site are fetched too;
# links to other hosts are not (nothing but 127.0.0.1 is ever contacted)
mkdir -p "$SITE/abs"
good_page "Abs ok" "$BASE/privacy.html" >"$SITE/abs/ok.html"
good_page "Abs gone" "$BASE/abs-privacy-gone.html?x=1" >"$SITE/abs/gone.html"
good_page "Scheme-relative gone" "//127.0.0.1:$NGINX_PORT/abs-privacy-gone2.html" >"$SITE/abs/rel.html"
good_page "Other host" "http://example.invalid/privacy" >"$SITE/abs/other.html"
run_in "$TMP/work" audit --rate 0 -f json "$BASE/abs/ok.html" "$BASE/abs/gone.html" \
  "$BASE/abs/rel.html" "$BASE/abs/other.html"
assert_eq "$(json '[f["path"] for f in d["findings"] if f["rule"]=="privacy-link"]')" \
  '["/abs/gone.html","/abs/rel.html"]' "full-URL privacy links to the audited site are checked over HTTP"
assert_eq "$(grep -c 'GET /abs-privacy-gone.html ' "$NGINX_LOG")" "1" "the absolute target was fetched"
assert_eq "$(grep -c 'GET /abs-privacy-gone.html/index.html' "$NGINX_LOG")" "0" "over HTTP no index.html guess"
assert_eq "$(grep -c 'example.invalid' "$NGINX_LOG")" "0" "another host is never contacted"

echo "test_audit_nginx: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
