#!/usr/bin/env bash
# test_files_and_urls.sh: one config, the same verdict per page on the built site
# (check) and on the same site served with clean URLs by a private nginx (audit):
# overrides by URL path (urls =) and by file (files =), clean_urls and url_map, and
# an include of "**/*.html" that must not drop extensionless URLs.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"
require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
ATTR='<p>Source: cnnespanol</p>'
PRIV='<a href="/privacy">Privacy</a>'
DISC='<p>The information on this site is from external sources that are not under our control.</p>'
page_with "$SITE/index.html" "$ATTR $PRIV $DISC"
# no attribution: passes only because an override by URL path turns the rule off
page_with "$SITE/privacy.html" "$PRIV $DISC"
# no attribution: passes only because an override by file glob turns the rule off
page_with "$SITE/about/team.html" "$PRIV $DISC"
# fails everywhere: no disclaimer
page_with "$SITE/news/x.html" "$ATTR $PRIV"
# passes: its privacy link points at a clean URL that exists
page_with "$SITE/news/y.html" "$ATTR <a href=\"/news/../privacy\">privacy</a> $DISC"
# fails everywhere: the privacy link points at a page that does not exist
page_with "$SITE/news/z.html" "$ATTR <a href=\"/privacy-old\">privacy</a> $DISC"
# mapped explicitly by url_map: the legal page lives at /legal
page_with "$SITE/pages/legal-notice.html" "$PRIV $DISC"

cat >"$TMP/provcheck.lua" <<'LUA'
return {
  site_root = "site",
  include = { "**/*.html" },
  clean_urls = true,
  url_map = { ["/legal"] = "pages/legal-notice.html" },
  overrides = {
    { urls = { "/privacy", "/legal" }, rules = { ["source-attribution"] = "off" } },
    { files = { "about/**" }, rules = { ["source-attribution"] = "off" } },
  },
}
LUA

run check -c "$TMP/provcheck.lua" -f json --no-cache
assert_status 1 "check of the built site"
cp "$TMP/.out" "$TMP/check.json"

nginx_start "$SITE" "$TMP/nginx" 'location / { try_files $uri $uri.html $uri/ =404; }
  location = /legal { try_files /pages/legal-notice.html =404; }' || exit 1
U=http://127.0.0.1:$NGINX_PORT
run audit -c "$TMP/provcheck.lua" --rate 0 -f json "$U/" "$U/privacy" "$U/about/team" \
  "$U/news/x" "$U/news/y" "$U/news/z" "$U/legal"
assert_status 1 "audit of the live site"
cp "$TMP/.out" "$TMP/audit.json"
assert_not_contains "$ERR" "were not audited" "no extensionless URL is dropped with clean_urls"

# verdicts per page: file path -> sorted rule ids of unsuppressed findings; audit
# URL paths are mapped back through the same rules the config states
verdicts() {
  python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
mode = sys.argv[2]
url_map = {"/legal": "pages/legal-notice.html"}
def to_file(p):
    if mode == "check":
        return p[len("site/"):] if p.startswith("site/") else p
    if p in url_map:
        return url_map[p]
    p = p.lstrip("/")
    if p == "" or p.endswith("/"):
        return p + "index.html"
    return p if "." in p.rsplit("/", 1)[-1] else p + ".html"
v = {to_file(pg["path"]): [] for pg in d["pages"]}
for f in d["findings"]:
    if not f["suppressed"]:
        v[to_file(f["path"])].append(f["rule"])
for k in sorted(v):
    print(k, " ".join(sorted(v[k])) or "pass")
PY
}
CHECK_V=$(verdicts "$TMP/check.json" check)
AUDIT_V=$(verdicts "$TMP/audit.json" audit)
assert_eq "$AUDIT_V" "$CHECK_V" "one config gives the same verdict per page on files and URLs"
assert_eq "$CHECK_V" "about/team.html pass
index.html pass
news/x.html third-party-disclaimer
news/y.html pass
news/z.html privacy-link
pages/legal-notice.html pass
privacy.html pass" "the expected verdicts"

# Without clean_urls an include of **/*.html would drop /privacy: a loud warning,
# also under -q.
cat >"$TMP/plain.lua" <<'LUA'
return { site_root = "site", include = { "**/*.html" } }
LUA
run audit -c "$TMP/plain.lua" --rate 0 -q -f json "$U/privacy" "$U/news/x.html"
assert_contains "$ERR" "warning: 1 URLs without an extension" "dropped extensionless URLs are warned about"
assert_contains "$ERR" "clean_urls" "the warning names the fix"

# --print-config: the effective config of one page, overrides applied, by file or
# by URL path, as Lua or JSON; exit 0
run_in "$TMP" check --print-config site/privacy.html
assert_status 0 "--print-config exits 0"
assert_contains "$OUT" "overrides applied: overrides[1]" "the URL override matches the file"
assert_contains "$OUT" '["source-attribution"] = { severity = "off"' "the override is applied"
assert_contains "$OUT" "clean_urls = true" "the mapping is shown"
printf '%s\n' "$OUT" >"$TMP/printed.lua"
run_in "$TMP" check -c "$TMP/printed.lua" --print-config site/privacy.html
assert_status 0 "the printed Lua loads as a config"
assert_contains "$OUT" '["source-attribution"] = { severity = "off"' "and says the same"
run_in "$TMP" check --print-config /about/team -f json
assert_status 0 "--print-config with a URL path"
printf '%s' "$OUT" >"$TMP/printed.json"
assert_eq "$(json 'd["page"]' "$TMP/printed.json")" "about/team.html" "the URL path maps to its file"
assert_eq "$(json 'd["overrides_applied"]' "$TMP/printed.json")" "[2]" "the files override applies"
assert_eq "$(json 'd["rules"]["source-attribution"]["severity"]' "$TMP/printed.json")" "off" "severity after overrides"
assert_eq "$(json 'd["rules"]["privacy-link"]["severity"]' "$TMP/printed.json")" "error" "other rules keep theirs"
run_in "$TMP" check --print-config /legal -f json
printf '%s' "$OUT" >"$TMP/printed.json"
assert_eq "$(json 'd["page"]' "$TMP/printed.json")" "pages/legal-notice.html" "url_map is applied"
assert_eq "$(json 'd["overrides_applied"]' "$TMP/printed.json")" "[1]" "the url override matches /legal"
run_in "$TMP" check --print-config site/news/x.html -f json
printf '%s' "$OUT" >"$TMP/printed.json"
assert_eq "$(json 'd["overrides_applied"]' "$TMP/printed.json")" "[]" "no override for news/x.html"
assert_eq "$(json 'd["url_path"]' "$TMP/printed.json")" "/news/x" "the file's clean URL"

# Config errors name the file and line
printf 'return {\n  overrides = { { urls = { "privacy" }, rules = {} } }\n}\n' >"$TMP/bad.lua"
run check -c "$TMP/bad.lua" "$SITE"
assert_status 2 "a URL glob without a leading slash"
assert_contains "$ERR" "bad.lua:2" "the error names file and line"
printf 'return {\n  clean_urls = "yes"\n}\n' >"$TMP/bad.lua"
run check -c "$TMP/bad.lua" "$SITE"
assert_status 2 "clean_urls must be a boolean"
printf 'return {\n  overrides = { { url = { "/privacy" } } }\n}\n' >"$TMP/bad.lua"
run check -c "$TMP/bad.lua" "$SITE"
assert_status 2 "unknown override key"
assert_contains "$ERR" "did you mean 'urls'" "a mistyped override key gets a suggestion"

echo "test_files_and_urls: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
