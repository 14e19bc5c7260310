#!/usr/bin/env bash
# test_no_false_pass_audit_sitemap_findings.sh (issue 9, points 6 and 7, audits):
# the findings on a sitemap (a failed fetch, a cycle, unusable entries) are never
# lost and never counted twice:
# - a URL given both as a page and as --sitemap is one report entry carrying the
#   sitemap's findings (before: exit 2 "answered twice or never asked for", or the
#   sitemap's findings dropped with the non-HTML page: a pass);
# - an index with a cycle and an unusable entry is one entry with both findings;
# - with --shard K/N, each sitemap's findings are in the one shard its URL falls
#   in, with --crawl the URLs given too: real shard reports share no page, and
#   `merge` of them holds every finding once.
# Against a private nginx.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
mkdir -p "$SITE/news" "$TMP/work"
for p in a b c d; do   # compliant with the default rules: only sitemaps can fail
  cat >"$SITE/news/$p.html" <<HTML
<!doctype html><html><head><title>$p</title></head><body><article><h1>$p</h1>
<p>Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href="/news/a.html">Privacy policy</a> <a href="/news/d.html">more</a></article></body></html>
HTML
done
nginx_start "$SITE" "$TMP/nginx" || exit 1
BASE=http://127.0.0.1:$NGINX_PORT

cat >"$SITE/sitemap.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>$BASE/news/a.html</loc></url>
  <url><loc>news/rel.html</loc></url>
</urlset>
XML
cat >"$SITE/idx.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>$BASE/sitemap.xml</loc></sitemap>
  <sitemap><loc>$BASE/idx.xml</loc></sitemap>
  <sitemap><loc>more.xml</loc></sitemap>
</sitemapindex>
XML
REL='sitemap entry "news/rel.html" is a relative URL (a sitemap lists absolute http(s) URLs): the page is not audited'
MORE='sitemap entry "more.xml" is a relative URL (a sitemap lists absolute http(s) URLs): the page is not audited'
CYCLE='sitemap: the index lists itself (a cycle): not fetched again'

entries() {   # entries FILE: [path, url, findings] of each page
  json '[[p["path"], p["url"], p["findings"]] for p in d["pages"]]' "$1"
}
messages() {  # messages FILE PATH: the messages of PATH's findings, sorted
  json "sorted(f['message'] for f in d['findings'] if f['path'] == '$2')" "$1"
}
jlist() {     # jlist STRING...: them sorted, as json prints a list
  python3 -c 'import json,sys; print(json.dumps(sorted(sys.argv[1:]), separators=(",", ":")))' "$@"
}

# ---- 1. the sitemap's URL also given as a page. How many other pages there are
# moved where the old lookup landed: try several.
for extra in "" "$BASE/news/b.html" "$BASE/news/b.html $BASE/news/c.html $BASE/news/d.html"; do
  for mode in "" --crawl; do
    # shellcheck disable=SC2086
    run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/both.json" $mode $extra \
      "$BASE/sitemap.xml" --sitemap "$BASE/sitemap.xml"
    assert_status 1 "page and sitemap of one URL [$mode$extra]: the bad entry fails the audit"
    assert_eq "$(json '[[p["path"], p["url"], p["findings"]] for p in d["pages"] if p["path"] == "/sitemap.xml"]' "$TMP/both.json")" \
      "[[\"/sitemap.xml\",\"$BASE/sitemap.xml\",1]]" \
      "one entry for the URL, with the sitemap's finding [$mode$extra]"
    assert_eq "$(messages "$TMP/both.json" /sitemap.xml)" "$(jlist "$REL")" \
      "the finding names the bad entry [$mode$extra]"
    assert_eq "$(json 'd["summary"]["errors"]' "$TMP/both.json")" "1" \
      "and nothing else fails [$mode$extra]"
  done
done

# A sitemap that answers 404, given as a page too: both fetch-errors, one entry.
run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/gone.json" "$BASE/news/a.html" \
  "$BASE/gone.xml" --sitemap "$BASE/gone.xml"
assert_status 1 "a missing sitemap given as a page too fails the audit"
assert_eq "$(entries "$TMP/gone.json")" \
  "[[\"/gone.xml\",\"$BASE/gone.xml\",2],[\"/news/a.html\",\"$BASE/news/a.html\",0]]" \
  "one entry for the URL"
assert_eq "$(messages "$TMP/gone.json" /gone.xml)" '["HTTP 404","sitemap: HTTP 404"]' \
  "the page's fetch-error and the sitemap's"
assert_eq "$(json 'len(set(f["fingerprint"] for f in d["findings"]))' "$TMP/gone.json")" "2" \
  "each with its own fingerprint"

# ---- 2. an index with a cycle and an unusable entry: one entry, both findings
run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/idx.json" --sitemap "$BASE/idx.xml"
assert_status 1 "a cycle and a bad entry fail the audit"
assert_eq "$(json '[p["path"] for p in d["pages"] if p["path"] == "/idx.xml"]' "$TMP/idx.json")" \
  '["/idx.xml"]' "the index is one entry of the report"
assert_eq "$(messages "$TMP/idx.json" /idx.xml)" "$(jlist "$MORE" "$CYCLE")" \
  "with the bad entry and the cycle, each once"
assert_eq "$(json 'd["summary"]["errors"]' "$TMP/idx.json")" "3" \
  "and the bad entry of the sitemap it lists"

# ---- 3. shards: every sitemap finding in exactly one shard, merge adds up
SHARD_ARGS=("$BASE/news/a.html" "$BASE/news/b.html" "$BASE/news/c.html" "$BASE/sitemap.xml"
  --sitemap "$BASE/sitemap.xml" --sitemap "$BASE/idx.xml" --sitemap "$BASE/missing.xml")
EXPECTED="[\"/idx.xml\",\"/missing.xml\",\"/news/a.html\",\"/news/b.html\",\"/news/c.html\",\"/sitemap.xml\"]"
for mode in plain crawl; do
  flags=()
  [ "$mode" = crawl ] && flags=(--crawl)
  [ "$mode" = crawl ] && EXPECTED="[\"/idx.xml\",\"/missing.xml\",\"/news/a.html\",\"/news/b.html\",\"/news/c.html\",\"/news/d.html\",\"/sitemap.xml\"]"
  for k in 1 2; do
    run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/$mode-$k.json" "${flags[@]}" \
      --shard "$k/2" "${SHARD_ARGS[@]}"
    case $STATUS in 0|1) pass ;; *) fail "$mode shard $k/2: expected exit 0 or 1" ;; esac
  done
  assert_eq "$(python3 - "$TMP/$mode-1.json" "$TMP/$mode-2.json" <<'PY'
import json, sys
a, b = (set(p["path"] for p in json.load(open(f))["pages"]) for f in sys.argv[1:])
print(sorted(a & b))
PY
)" "[]" "$mode: the shard reports share no page"
  assert_eq "$(python3 - "$TMP/$mode-1.json" "$TMP/$mode-2.json" <<'PY'
import json, sys
print(json.dumps(sorted(p["path"] for f in sys.argv[1:] for p in json.load(open(f))["pages"]),
                 separators=(",", ":")))
PY
)" "$EXPECTED" "$mode: together they hold every page and sitemap once"
  run_in "$TMP/work" merge -o "$TMP/$mode-merged.json" "$TMP/$mode-1.json" "$TMP/$mode-2.json"
  assert_status 1 "$mode: the merged shards fail"
  assert_eq "$(json 'sorted(f["message"] for f in d["findings"])' "$TMP/$mode-merged.json")" \
    "$(jlist "$MORE" "$REL" "$CYCLE" "sitemap: HTTP 404")" \
    "$mode: the merged report has each sitemap finding once"
  assert_eq "$(json 'd["summary"]["pages"]' "$TMP/$mode-merged.json")" \
    "$(python3 -c 'import json,sys; print(sum(len(json.load(open(f))["pages"]) for f in sys.argv[1:]))' \
      "$TMP/$mode-1.json" "$TMP/$mode-2.json")" "$mode: merged pages are the shards' pages added up"
done

finish
