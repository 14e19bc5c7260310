#!/usr/bin/env bash
# test_hostile_audit_credentials.sh: config headers and cookies (audit.headers,
# audit.cookies) reach only the audited origin. Two origins on 127.0.0.1 (two
# ports of tests/servers/test_server.py): the audited one redirects a page, a
# privacy-link target, its robots.txt and a sitemap to the other, which logs every
# request's headers. No Cookie, custom header or Authorization may arrive there,
# for any kind of request; the audited origin still gets them, across its own
# redirects too.
. "$(dirname "$0")/lib.sh"

# start_server NAME [ARGS...]: sets PORT; request headers go to $TMP/NAME.jsonl
start_server() {
  local name=$1
  shift
  test_server_start "$name" --headers-log "$TMP/$name.jsonl" "$@"
}

# requests LOG: "PATH cookie=yes|no secret=yes|no auth=yes|no", one line a request,
# sorted (the order of concurrent requests varies).
requests() {
  python3 - "$1" <<'PY' | sort
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    h = r["headers"]
    print(r["path"],
          "cookie=" + ("yes" if "c00kie-value" in h.get("cookie", "") else "no"),
          "secret=" + ("yes" if h.get("x-secret") == "s3cr3t-value" else "no"),
          "auth=" + ("yes" if h.get("authorization") == "Bearer t0ken" else "no"))
PY
}

# audit_kind NAME ARGS...: run one audit with fresh header logs on both origins.
audit_kind() {
  local name=$1
  shift
  : >"$TMP/main.jsonl"
  : >"$TMP/other.jsonl"
  run_in "$TMP/work" audit --rate 0 -f json -o "$TMP/$name.json" "$@"
  assert_not_contains "$OUT$ERR" "s3cr3t-value" "$name: header value never printed"
  assert_not_contains "$OUT$ERR" "c00kie-value" "$name: cookie never printed"
  OTHER=$(requests "$TMP/other.jsonl")
  MAIN=$(requests "$TMP/main.jsonl")
}

# other_clean KIND PATH: the other origin got PATH, without any credential.
other_clean() {
  assert_contains "$OTHER" "$2 " "$1: the other origin was asked for $2"
  assert_not_contains "$OTHER" "=yes" "$1: no credential reached the other origin ($OTHER)"
}

# main_has KIND PATH: the audited origin got PATH with every credential.
main_has() {
  assert_contains "$MAIN" "$2 cookie=yes secret=yes auth=yes" "$1: the audited origin got credentials on $2 ($MAIN)"
}

mkdir -p "$TMP/work"
cat >"$TMP/work/provcheck.lua" <<'LUA'
return { audit = { headers = { ["X-Secret"] = "s3cr3t-value", Authorization = "Bearer t0ken" },
                   cookies = { session = "c00kie-value" } } }
LUA

start_server other
OTHER_ORIGIN=http://127.0.0.1:$PORT
start_server main --away "$OTHER_ORIGIN" --robots-away
A=http://127.0.0.1:$PORT

# ---- robots.txt: the audited origin's robots.txt redirects to the other origin
audit_kind robots "$A/page/1" "$A/private/x"
assert_status 1 "robots: the page is audited, the disallowed one is a fetch-error"
assert_eq "$(json '[f["message"] for f in d["findings"] if f["path"] == "/private/x"]' "$TMP/robots.json")" \
  '["not fetched: disallowed by robots.txt for provcheck/'"$(json 'd["tool"]["version"]' "$TMP/robots.json")"'"]' \
  "robots: the redirected robots.txt's rules apply to the audited origin"
assert_not_contains "$MAIN" "/private/x" "robots: the disallowed page is not requested"
other_clean robots "/robots.txt"
main_has robots "/robots.txt"
main_has robots "/page/1"
main_has robots "/privacy.html"

# ---- a page that redirects to the other origin
audit_kind page "$A/away/page/2"
assert_status 0 "page: the redirected page is audited"
other_clean page "/page/2"
main_has page "/away/page/2"

# ---- a privacy-link target that redirects to the other origin
audit_kind privacy "$A/page-away-privacy"
assert_status 0 "privacy: the link answers 2xx after its redirect"
other_clean privacy "/privacy.html"
main_has privacy "/away/privacy.html"

# ---- a sitemap that redirects to the other origin (and lists that origin's pages)
audit_kind sitemap --sitemap "$A/away/sitemap-pages.xml"
assert_status 0 "sitemap: its pages are audited"
other_clean sitemap "/sitemap-pages.xml"
other_clean sitemap "/page/1"
main_has sitemap "/away/sitemap-pages.xml"

# ---- --crawl: a same-origin link that redirects away
audit_kind crawl --crawl --max-pages 3 "$A/page-away-privacy"
other_clean crawl "/privacy.html"

# ---- redirects inside the audited origin keep the credentials on every hop
audit_kind same "$A/redirect-chain/2"
assert_status 0 "same origin: the chain ends on a page"
main_has same "/redirect-chain/2"
main_has same "/redirect-chain/1"
main_has same "/redirect-chain/0"
assert_eq "$OTHER" "/robots.txt cookie=no secret=no auth=no" \
  "same origin: the other origin got only the robots.txt hop"

finish
