#!/usr/bin/env bash
# test_no_false_pass_audit_accounting.sh (issue 9, point 7, audits): every page an
# audit is given is accounted for. Sitemap entries that are empty, relative or not
# http(s) are fetch-errors on the sitemap (its URL path, its URL); an audit that
# found no page at all exits 2 naming what it was given and the include patterns,
# and writes no report; a shard that holds none of the pages is not an error.
# Against a private nginx.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
mkdir -p "$SITE/news" "$TMP/work"
cat >"$SITE/news/a.html" <<'HTML'
<!doctype html><html><head><title>A</title></head><body><article><h1>A</h1>
<p>Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href="/news/a.html">Privacy policy</a></article></body></html>
HTML
echo '{"not": "html"}' >"$SITE/data.json"
nginx_start "$SITE" "$TMP/nginx" || exit 1
BASE=http://127.0.0.1:$NGINX_PORT

urlset() {   # urlset FILE LOC...: a sitemap listing each LOC
  local file=$1
  shift
  { echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    local loc
    for loc in "$@"; do echo "  <url><loc>$loc</loc></url>"; done
    echo '  <url><lastmod>2024-05-01</lastmod></url>'   # no <loc> at all
    echo '</urlset>'; } >"$SITE/$file"
}

# ---- bad entries: one fetch-error each, on the sitemap
urlset sitemap.xml "$BASE/news/a.html" "ftp://127.0.0.1/news/b.html" "news/c.html" \
  "/news/d.html" "   " "mailto:editor@example.org"
run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/r.json" --sitemap "$BASE/sitemap.xml"
assert_status 1 "bad sitemap entries fail the audit"
assert_eq "$(json 'sorted(p["path"] for p in d["pages"])' "$TMP/r.json")" '["/news/a.html","/sitemap.xml"]' \
  "the good entry is audited, the sitemap carries the bad ones"
assert_eq "$(json '[p["findings"] for p in d["pages"] if p["path"] == "/sitemap.xml"]' "$TMP/r.json")" "[6]" \
  "one finding per unusable entry (4 bad locs, 2 empty)"
assert_eq "$(json 'sorted(set((f["rule"], f["severity"], f["url"]) for f in d["findings"]))' "$TMP/r.json")" \
  "[[\"fetch-error\",\"error\",\"$BASE/sitemap.xml\"]]" "fetch-errors of severity error, with the sitemap's URL"
M=$(json '"\n".join(f["message"] for f in d["findings"])' "$TMP/r.json")
assert_contains "$M" '"ftp://127.0.0.1/news/b.html" is not an http(s) URL' "a non-http entry is named"
assert_contains "$M" '"mailto:editor@example.org" is not an http(s) URL' "a mailto entry is named"
assert_contains "$M" '"news/c.html" is a relative URL' "a relative entry is named"
assert_contains "$M" '"/news/d.html" is a relative URL' "a root-relative entry is named"
assert_eq "$(printf '%s\n' "$M" | grep -c 'the <loc> is empty')" "2" "empty and missing <loc> are named"
assert_eq "$(json 'len(set(f["fingerprint"] for f in d["findings"]))' "$TMP/r.json")" "6" \
  "each finding has its own fingerprint"
assert_not_contains "$(cat "$NGINX_LOG")" "news/c.html" "a relative entry is never guessed into a URL"

# ---- a sitemap index with a relative entry: the finding is on the index
cat >"$SITE/index.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>$BASE/ok.xml</loc></sitemap>
  <sitemap><loc>more.xml</loc></sitemap>
</sitemapindex>
XML
urlset ok.xml "$BASE/news/a.html"
run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/i.json" --sitemap "$BASE/index.xml"
assert_status 1 "a bad index entry fails the audit"
assert_eq "$(json '[(f["path"], f["message"]) for f in d["findings"] if "more.xml" in f["message"]]' "$TMP/i.json")" \
  '[["/index.xml","sitemap entry \"more.xml\" is a relative URL (a sitemap lists absolute http(s) URLs): the page is not audited"]]' \
  "the relative index entry is a finding on the index"

# ---- no page at all: exit 2, what was given, no report
printf '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n' >"$SITE/empty.xml"
run_in "$TMP/work" audit --rate 0 -q -o "$TMP/none.txt" --sitemap "$BASE/empty.xml"
assert_status 2 "a sitemap listing nothing is a setup error"
assert_contains "$ERR" "no page to audit" "the message says so"
assert_contains "$ERR" "sitemap $BASE/empty.xml (0 usable page entries)" "and names the sitemap"
assert_no_file "$TMP/none.txt" "no report on exit 2"

cat >"$TMP/work/provcheck.lua" <<'LUA'
return { include = { "blog/**" }, exclude = { "blog/drafts/**" } }
LUA
run_in "$TMP/work" audit --rate 0 -q --db "$TMP/a.db" "$BASE/news/a.html"
assert_status 2 "every URL outside include is a setup error"
assert_contains "$ERR" "URL $BASE/news/a.html" "the message names the URL"
assert_contains "$ERR" 'include "blog/**"; exclude "blog/drafts/**" from' "and the include and exclude patterns"
assert_contains "$ERR" "provcheck.lua (1 URLs left out)" "and the config file"
assert_eq "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM audits').fetchone()[0])" "$TMP/a.db")" \
  "0" "no audit is recorded"
rm "$TMP/work/provcheck.lua"

run_in "$TMP/work" audit --rate 0 "$BASE/data.json"
assert_status 2 "a URL that is not HTML leaves no page: setup error"
assert_contains "$ERR" "1 answers were not HTML" "the message says why"

# ---- a sitemap of bad entries only still reports them (exit 1, not a setup error)
urlset bad.xml "relative.html"
run_in "$TMP/work" audit --rate 0 -q -f json --sitemap "$BASE/bad.xml"
assert_status 1 "a sitemap of bad entries only is reported"
assert_eq "$(json 'd["summary"]["errors"]')" "2" "its relative and empty entries"

# ---- shards: a shard that holds none of the pages passes; together they hold all
statuses=""
pages=0
for k in 1 2 3; do
  run_in "$TMP/work" audit --rate 0 -q -f json --shard "$k/3" "$BASE/news/a.html"
  statuses="$statuses$STATUS"
  pages=$((pages + $(json 'd["summary"]["pages"]')))
done
assert_eq "$statuses" "000" "empty shards exit 0"
assert_eq "$pages" "1" "the page is in exactly one shard"

finish
