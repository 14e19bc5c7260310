#!/usr/bin/env bash
# test_drift.sh: audit --against-rev REV --map URL_PREFIX=PATH_PREFIX compares the
# live pages (nginx on 127.0.0.1 serving modified copies: a disclaimer dropped, a
# source label dropped) with the pages committed at REV in a real git repository.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

REPO=$TMP/repo
mkdir -p "$REPO/site/news"
page() {
  cat <<HTML
<!doctype html><html><body><article><h1>$1</h1>
<p>Story text about $1. Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href="/privacy.html">Privacy</a></article></body></html>
HTML
}
page "Alpha" >"$REPO/site/news/a.html"
page "Beta" >"$REPO/site/news/b.html"
page "Gamma" >"$REPO/site/news/c.html"
page "Home" >"$REPO/site/index.html"
page "Privacy" >"$REPO/site/privacy.html"
git -C "$REPO" init -q
git -C "$REPO" -c user.name=T -c user.email=t@example.org add -A
git -C "$REPO" -c user.name=T -c user.email=t@example.org commit -qm "site"

# The deployed copy: a CDN script "dropped" the disclaimer of a.html, c.html lost
# its source label, b.html is as committed, new.html was never committed, and
# other.html lives outside the mapped prefix.
LIVE=$TMP/live
cp -r "$REPO/site" "$LIVE"
sed -i '/external sources/d' "$LIVE/news/a.html"
sed -i 's/ Source: Reuters//' "$LIVE/news/c.html"
page "New" >"$LIVE/news/new.html"
page "Other" >"$LIVE/other.html"
# Markup-only changes are not drift: only the visible text counts.
sed -i 's|<h1>Beta</h1>|<h1 class="title">Beta</h1><script>var x = 1;</script>|' "$LIVE/news/b.html"

nginx_start "$LIVE" "$TMP/nginx" || exit 1
B=http://127.0.0.1:$NGINX_PORT

run_in "$REPO" audit --rate 0 -f json -o "$TMP/d.json" --against-rev HEAD --map "$B/news/=site/news/" \
  "$B/news/a.html" "$B/news/b.html" "$B/news/c.html" "$B/news/new.html" "$B/other.html"
assert_status 1 "drift run (c.html also lacks its source label: an error)"
json_get() {
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"
}
D=$TMP/d.json
drift_of() {
  json_get "$D" '"|".join(f["severity"] + ": " + f["message"] for f in r["findings"] if f["rule"]=="drift" and f["path"]=="'"$1"'")'
}
assert_contains "$(drift_of /news/a.html)" "warning: live text differs from HEAD:site/news/a.html" "drift on the page without its disclaimer"
assert_contains "$(drift_of /news/a.html)" "the disclaimer is missing live but present in git" "says it is the disclaimer"
assert_contains "$(drift_of /news/a.html)" "external sources" "names the missing sentence"
assert_contains "$(drift_of /news/c.html)" "the source label is missing live but present in git" "says it is the source label"
assert_eq "$(drift_of /news/b.html)" "" "markup-only changes are not drift"
assert_contains "$(drift_of /news/new.html)" "site/news/new.html is not in HEAD" "a live page that was never committed"
assert_contains "$(drift_of /other.html)" "info: not compared" "unmapped pages are listed"
assert_contains "$ERR" "1 pages are under no --map prefix" "unmapped pages counted on stderr"
assert_eq "$(json_get "$D" 'sorted(r.keys())')" "['findings', 'pages', 'run', 'summary', 'target', 'tool', 'version']" "report format unchanged (run is additive)"

# Text output names the rule too.
run_in "$REPO" audit --rate 0 --against-rev HEAD --map "$B/=site/" "$B/news/a.html" "$B/"
assert_contains "$OUT" "[drift]" "text report shows drift"
assert_not_contains "$OUT" "/: warning" "the home page (index.html) matches"

# drift is a rule the config sets: a severity for every drift finding, or off.
printf 'return { rules = { drift = "error" } }\n' >"$REPO/provcheck.lua"
run_in "$REPO" audit --rate 0 -f json -o "$TMP/d2.json" --against-rev HEAD --map "$B/news/=site/news/" \
  "$B/news/a.html" "$B/news/b.html"
assert_eq "$(json_get "$TMP/d2.json" '[f["severity"] for f in r["findings"] if f["rule"] == "drift"]')" "['error']" \
  "rules = { drift = \"error\" } makes drift an error"
printf 'return { rules = { drift = "off" } }\n' >"$REPO/provcheck.lua"
run_in "$REPO" audit --rate 0 -f json -o "$TMP/d3.json" --against-rev HEAD --map "$B/news/=site/news/" \
  "$B/news/a.html" "$B/news/b.html"
assert_eq "$(json_get "$TMP/d3.json" 'len([f for f in r["findings"] if f["rule"] == "drift"])')" "0" "no drift finding when it is off"
assert_contains "$ERR" "the config turns drift off" "and says why --against-rev did nothing"
rm "$REPO/provcheck.lua"

# Setup errors: a revision that does not resolve, not a repository, --map alone.
run_in "$REPO" audit --rate 0 --against-rev nope --map "$B/=site/" "$B/news/a.html"
assert_status 2 "bad revision"
assert_contains "$ERR" "nope" "the message names the revision"
run_in "$TMP" audit --rate 0 --against-rev HEAD --map "$B/=site/" "$B/news/a.html"
assert_status 2 "not a git repository"
run_in "$REPO" audit --map "$B/=site/" "$B/news/a.html"
assert_status 2 "--map without --against-rev"

echo "test_drift: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
