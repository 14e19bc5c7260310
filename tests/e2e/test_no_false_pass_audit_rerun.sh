#!/usr/bin/env bash
# test_no_false_pass_audit_rerun.sh (issue 9, point 5): repeated audits tell the
# truth. Three `audit --crawl --db` runs against a private nginx (ETag and
# Last-Modified): on the second, every page answers 304 and the crawl still
# reaches every page through the links on record, keeping every finding
# (suppressed ones and their reasons included); before the third, a page that
# only a 304 page links to is broken and the audit finds it. `provcheck report`
# shows each time the right pages, compliance and new / fixed / still-open
# numbers. A database of the older schema is upgraded, and its pages, whose
# links were never recorded, are downloaded again rather than reused blind.
# Last, the privacy page every page links to (outside the crawl) disappears while
# the pages stay unchanged: their recorded results depended on it, so they are
# checked again and fail.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
mkdir -p "$SITE/news" "$SITE/legal" "$TMP/work"

page() {   # page TITLE BODY_HTML
  cat <<HTML
<!doctype html><html><head><title>$1</title></head><body><article id="main">
<h1>$1</h1>$2
<p>The information on this site is from external sources that are not under our control.</p>
<a href="/legal/privacy.html">Privacy policy</a></article></body></html>
HTML
}
# index -> news/a -> news/deep: the deep page is reached only through news/a.
page "Home" '<a href="#main">Skip to content</a> <p>Source: Reuters</p>
<a href="/news/a.html">A</a> <a href="/news/b.html">B</a>' >"$SITE/index.html"
page "Story A" '<p>Source: Reuters</p><a href="/news/deep.html">More</a>' >"$SITE/news/a.html"
page "Story B" '<!-- provcheck-disable source-attribution -- a wire photo, credited in the image -->
<p>Photo story.</p>' >"$SITE/news/b.html"
page "Deep" '<p>Source: Reuters</p>' >"$SITE/news/deep.html"
page "Privacy" '<p>We keep no data.</p>' >"$SITE/legal/privacy.html"
# The legal pages are not audited; privacy-link still asks whether the target answers.
cat >"$TMP/work/provcheck.lua" <<'LUA'
return { exclude = { "legal/**" } }
LUA

nginx_start "$SITE" "$TMP/nginx" || exit 1
BASE=http://127.0.0.1:$NGINX_PORT
DB=$TMP/audits.db
ALL_PAGES='["/index.html","/news/a.html","/news/b.html","/news/deep.html"]'

# requests_since LINE: the page requests after line LINE, as "GET /path STATUS"
# (robots.txt and the privacy target left out).
requests_since() {
  tail -n +"$(($1 + 1))" "$NGINX_LOG" | awk '{print $2, $3, $4}' | grep -v -e robots.txt -e /legal/ | sort
}
# privacy_checks_since LINE: how often the privacy target was asked for.
privacy_checks_since() { tail -n +"$(($1 + 1))" "$NGINX_LOG" | grep -c ' /legal/privacy.html '; }
log_lines() { wc -l <"$NGINX_LOG"; }

# audit_run N: audit N into r$N.json and the database, then write the HTML report.
audit_run() {
  BEFORE=$(log_lines)
  run_in "$TMP/work" audit --rate 0 -q --crawl --db "$DB" --compare -f json \
    -o "$TMP/r$1.json" "$BASE/index.html"
  AUDIT_STATUS=$STATUS
  R=$TMP/r$1.json
  run report --db "$DB" -o "$TMP/report$1.html"
  assert_status 0 "report after audit $1"
  H=$(cat "$TMP/report$1.html")
}

# ---- audit 1: everything downloaded
audit_run 1
STATUS=$AUDIT_STATUS; assert_status 0 "audit 1 passes"
assert_eq "$(json 'sorted(p["path"] for p in d["pages"])' "$R")" "$ALL_PAGES" "audit 1 crawls every page"
assert_eq "$(json '[d["summary"]["findings"], d["summary"]["suppressed"]]' "$R")" "[0,1]" \
  "audit 1: no finding, one suppressed"
assert_eq "$(requests_since "$BEFORE" | grep -c ' 200$')" "4" "audit 1 downloads the four pages"
assert_eq "$(privacy_checks_since "$BEFORE")" "1" "audit 1 asks for the privacy target once"
assert_eq "$(requests_since "$BEFORE" | grep -c 'GET / ')" "0" "'#main' is the page itself, not /"
assert_contains "$H" "<b>4</b>pages" "report 1: four pages"
assert_contains "$H" "<b>100.0%</b>compliant" "report 1: all compliant"
assert_contains "$H" "first audit of the site" "report 1: nothing to compare with"

# ---- audit 2: nothing changed; every page answers 304 and is still crawled
audit_run 2
STATUS=$AUDIT_STATUS; assert_status 0 "audit 2 passes"
assert_eq "$(requests_since "$BEFORE")" "$(printf 'GET %s 304\n' /index.html /news/a.html /news/b.html /news/deep.html | sort)" \
  "audit 2: every page answers 304, none is downloaded"
assert_eq "$(privacy_checks_since "$BEFORE")" "1" "audit 2 asks once whether the privacy target still answers"
assert_eq "$(json 'sorted(p["path"] for p in d["pages"])' "$R")" "$ALL_PAGES" \
  "audit 2 still crawls every page (links on record)"
assert_eq "$(json '[d["summary"]["pages"], d["summary"]["findings"], d["summary"]["suppressed"]]' "$R")" \
  "[4,0,1]" "audit 2: four pages, no finding, the suppressed one kept"
assert_eq "$(json '[(f["path"], f["suppression"], f["reason"]) for f in d["findings"]]' "$R")" \
  '[["/news/b.html","inline","a wire photo, credited in the image"]]' "audit 2: the inline suppression and its reason are kept"
assert_eq "$(json 'd["findings"] == json.load(open("'"$TMP"'/r1.json"))["findings"]' "$R")" "true" \
  "audit 2 reports exactly what audit 1 found"
assert_eq "$(json '[len(d["compare"][k]) for k in ("new","fixed","open")]' "$R")" "[0,0,0]" "audit 2: nothing new or fixed"
assert_contains "$H" "<b>4</b>pages" "report 2: four pages"
assert_contains "$H" "<b>100.0%</b>compliant" "report 2: all compliant"
assert_contains "$H" "Since audit #1" "report 2 compares with audit 1"
assert_contains "$H" "0 new</span>, 0 fixed, 0 still open" "report 2: nothing changed"

# ---- audit 3: the deep page (linked only from a page that answers 304) breaks
page "Deep" '<p>Reported by us.</p>' >"$SITE/news/deep.html"
touch -d '+2 seconds' "$SITE/news/deep.html"   # a new Last-Modified, whatever the clock
audit_run 3
STATUS=$AUDIT_STATUS; assert_status 1 "audit 3 fails on the broken page"
assert_eq "$(requests_since "$BEFORE")" "$( (printf 'GET %s 304\n' /index.html /news/a.html /news/b.html; echo 'GET /news/deep.html 200') | sort)" \
  "audit 3 downloads only the changed page"
assert_eq "$(privacy_checks_since "$BEFORE")" "1" "audit 3 asks for the privacy target once"
assert_eq "$(json '[d["summary"]["pages"], d["summary"]["errors"], d["summary"]["suppressed"]]' "$R")" \
  "[4,1,1]" "audit 3: four pages, one error, the suppressed one kept"
assert_eq "$(json '[(f["path"], f["rule"]) for f in d["findings"] if not f["suppressed"]]' "$R")" \
  '[["/news/deep.html","source-attribution"]]' "audit 3: the broken page's finding"
assert_eq "$(json '[(f["path"], f["rule"]) for f in d["compare"]["new"]]' "$R")" \
  '[["/news/deep.html","source-attribution"]]' "audit 3: the finding is new"
assert_contains "$H" "<b>4</b>pages" "report 3: four pages"
assert_contains "$H" "<b>75.0%</b>compliant" "report 3: three of four pages compliant"
assert_contains "$H" "<b>1</b>errors" "report 3: one error"
assert_contains "$H" "Since audit #2" "report 3 compares with audit 2"
assert_contains "$H" "1 new</span>, 0 fixed, 0 still open" "report 3: one new finding"
assert_contains "$H" "<tr class=\"new\"><td>new</td><td><a href=\"$BASE/news/deep.html\">" \
  "report 3 lists the new finding with its page"

# ---- a database of the older schema (no recorded links, no reasons) is upgraded
python3 - "$DB" "$TMP/old.db" <<'PY'
import sqlite3, sys
new, old = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
old.executescript("""
CREATE TABLE audits( id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL,
 site TEXT NOT NULL, pages INTEGER NOT NULL, compliant INTEGER NOT NULL,
 findings INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
 suppressed INTEGER NOT NULL, ruleset TEXT, shard TEXT);
CREATE INDEX audits_site ON audits(site, id);
CREATE TABLE pages( audit_id INTEGER NOT NULL REFERENCES audits(id), url TEXT NOT NULL,
 path TEXT NOT NULL, status INTEGER, findings INTEGER NOT NULL, lastmod TEXT);
CREATE INDEX pages_audit ON pages(audit_id, url);
CREATE TABLE findings( audit_id INTEGER NOT NULL REFERENCES audits(id), rule TEXT NOT NULL,
 severity TEXT NOT NULL, message TEXT NOT NULL, path TEXT NOT NULL, url TEXT,
 line INTEGER, col INTEGER, fingerprint TEXT NOT NULL, suppressed INTEGER NOT NULL);
CREATE INDEX findings_audit ON findings(audit_id, url);
CREATE TABLE http_cache( url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, ruleset TEXT,
 audit_id INTEGER, checked TEXT);
""")
cols = {"audits": "*", "http_cache": "*",
        "pages": "audit_id, url, path, status, findings, lastmod",
        "findings": "audit_id, rule, severity, message, path, url, line, col, fingerprint, suppressed"}
for table, c in cols.items():
    rows = new.execute(f"SELECT {c} FROM {table}").fetchall()
    if rows:
        old.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
old.commit()
PY
run report --db "$TMP/old.db" -o "$TMP/old-report.html"
assert_status 0 "report reads a database of the older schema as it is"
assert_contains "$(cat "$TMP/old-report.html")" "<b>75.0%</b>compliant" "old database: compliance drawn"
assert_eq "$(python3 -c "import sqlite3,sys; print(sorted(r[1] for r in sqlite3.connect(sys.argv[1]).execute('PRAGMA table_info(pages)')))" "$TMP/old.db")" \
  "['audit_id', 'findings', 'lastmod', 'path', 'status', 'url']" "report leaves the older file unchanged"
BEFORE=$(log_lines)
run_in "$TMP/work" audit --rate 0 -q --crawl --db "$TMP/old.db" -f json -o "$TMP/r4.json" "$BASE/index.html"
assert_status 1 "audit on the upgraded database still fails on the broken page"
assert_eq "$(json '[d["summary"]["pages"], d["summary"]["errors"], d["summary"]["suppressed"]]' "$TMP/r4.json")" \
  "[4,1,1]" "upgraded database: every page crawled, the error and the suppressed finding"
assert_eq "$(requests_since "$BEFORE" | grep -c ' 200$')" "4" \
  "links never recorded: every page is downloaded again, not reused blind"
assert_eq "$(python3 -c "import sqlite3,sys; print(sorted(r[1] for r in sqlite3.connect(sys.argv[1]).execute('PRAGMA table_info(pages)')))" "$TMP/old.db")" \
  "['audit_id', 'findings', 'lastmod', 'links', 'path', 'status', 'targets', 'url']" "the older file gained the links and targets columns"
BEFORE=$(log_lines)
run_in "$TMP/work" audit --rate 0 -q --crawl --db "$TMP/old.db" -f json -o "$TMP/r5.json" "$BASE/index.html"
assert_status 1 "second audit on the upgraded database"
assert_eq "$(requests_since "$BEFORE" | grep -c ' 304$')" "4" "then its pages answer 304 again"
assert_eq "$(json '[d["summary"]["pages"], d["summary"]["errors"], d["summary"]["suppressed"]]' "$TMP/r5.json")" \
  "[4,1,1]" "and the crawl still reaches every page"

# ---- audit 4: the privacy target is gone; the pages themselves are unchanged
rm "$SITE/legal/privacy.html"
audit_run 4
STATUS=$AUDIT_STATUS; assert_status 1 "audit 4 fails: every page's privacy link is broken"
assert_eq "$(requests_since "$BEFORE" | grep -c ' 200$')" "4" \
  "audit 4: results that depended on the target are not reused; the pages are downloaded"
assert_eq "$(privacy_checks_since "$BEFORE")" "1" "audit 4 asks for the privacy target once"
assert_eq "$(json 'sorted(f["path"] for f in d["findings"] if f["rule"] == "privacy-link")' "$R")" "$ALL_PAGES" \
  "audit 4: a privacy-link error on each page"
assert_eq "$(json '[d["summary"]["pages"], d["summary"]["errors"], d["summary"]["suppressed"]]' "$R")" \
  "[4,5,1]" "audit 4: four pages, five errors, the suppressed one kept"
assert_contains "$H" "<b>0.0%</b>compliant" "report 4: no page compliant"
assert_contains "$H" "4 new</span>, 0 fixed, 1 still open" "report 4: four new, one still open"

# ---- the same without --crawl: a listed page whose 304 result depended on the target
page "Privacy" '<p>We keep no data.</p>' >"$SITE/legal/privacy.html"
run_in "$TMP/work" audit --rate 0 -q --db "$TMP/plain.db" "$BASE/index.html"
assert_status 0 "a listed page with its privacy target passes"
rm "$SITE/legal/privacy.html"
BEFORE=$(log_lines)
run_in "$TMP/work" audit --rate 0 -q --db "$TMP/plain.db" -f json "$BASE/index.html"
assert_status 1 "the target gone, the unchanged page fails instead of reusing its pass"
assert_eq "$(requests_since "$BEFORE")" "GET /index.html 200" "the page is downloaded again"
assert_eq "$(json '[f["rule"] for f in d["findings"]]')" '["privacy-link"]' "its privacy link is reported"

# ---- shards sharing a database: each compares with its own previous run
for round in 1 2; do
  for k in 1 2; do
    run_in "$TMP/work" audit --rate 0 -q --db "$TMP/shards.db" --compare --shard "$k/2" -f json \
      -o "$TMP/s$round-$k.json" "$BASE/index.html" "$BASE/news/a.html" "$BASE/news/b.html" "$BASE/news/deep.html"
  done
done
assert_eq "$(json '[d["compare"]["previous_audit"], len(d["compare"]["new"]), len(d["compare"]["fixed"])]' "$TMP/s2-1.json")" \
  "[1,0,0]" "shard 1/2 compares with shard 1/2: nothing new"
assert_eq "$(json '[d["compare"]["previous_audit"], len(d["compare"]["new"]), len(d["compare"]["fixed"])]' "$TMP/s2-2.json")" \
  "[2,0,0]" "shard 2/2 compares with shard 2/2: nothing new"

finish
