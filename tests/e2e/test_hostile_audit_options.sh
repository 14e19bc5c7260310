#!/usr/bin/env bash
# test_hostile_audit_options.sh: audit options an attacker (or a typo) could turn
# against the audited site or the run, and robots.txt rules written with
# percent-encoding, against a private nginx on 127.0.0.1.
#  - --user-agent with CR or LF (a header injection) is a usage error, no request;
#  - --rate values that would stall the run (1e-300, negative, NaN, inf, under
#    0.001/s) are usage errors, no request;
#  - robots.txt paths compare as RFC 9309 says: "Disallow: /%61dmin/" keeps
#    /admin/ unfetched, "Disallow: /secret/" keeps /%73ecret/ unfetched, and %2F
#    is not "/".
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

SITE=$TMP/site
mkdir -p "$SITE/admin" "$SITE/secret" "$SITE/a" "$TMP/work"
echo 'return {}' >"$TMP/work/provcheck.lua"
for f in index.html admin/x.html secret/y.html a/b.html; do
  page_with "$SITE/$f" "<article><p>Story. Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href=\"/index.html\">Privacy policy</a></article>"
done
printf 'User-agent: *\nDisallow: /%%61dmin/\nDisallow: /secret/\nDisallow: /a/b.html\n' >"$SITE/robots.txt"
nginx_start "$SITE" "$TMP/nginx" || exit 1
B=http://127.0.0.1:$NGINX_PORT

requests() { grep -c " GET " "$NGINX_LOG"; }

# ---- --user-agent with a line break
for ua in $'provcheck\r\nX-Injected: 1' $'provcheck\nX-Injected: 1' $'provcheck\r'; do
  run_in "$TMP/work" audit --user-agent "$ua" "$B/index.html"
  assert_status 2 "--user-agent with CR/LF is refused"
  assert_contains "$ERR" "--user-agent must be one line" "the refusal says why"
done
assert_eq "$(requests)" "0" "no request with a refused user agent"

# ---- --rate values that would sleep for ever (or make no sense)
for rate in 1e-300 0x1p-1000 0.0009 -1 -0.5 nan NaN inf -inf 1e400 2e6 ""; do
  run_in "$TMP/work" audit --rate "$rate" "$B/index.html"
  assert_status 2 "--rate '$rate' is refused"
  assert_contains "$ERR" "--rate takes requests per second" "--rate '$rate': the refusal says why"
done
assert_eq "$(requests)" "0" "no request with a refused rate"
# The floor itself is accepted (a closed port: robots.txt is unreachable at once,
# so the page is refused without waiting 1,000 s for its turn).
run_in "$TMP/work" audit -q -f json --rate 0.001 "http://127.0.0.1:$(nginx_free_port)/x.html"
assert_status 1 "--rate 0.001 (the floor) is accepted"
assert_contains "$OUT" "robots.txt unreachable" "--rate 0.001: the audit ran"

# ---- robots.txt with percent-encoding
: >"$NGINX_LOG"
run_in "$TMP/work" audit --rate 0 -f json "$B/admin/x.html" "$B/%73ecret/y.html" \
  "$B/a%2Fb.html" "$B/a/b.html" "$B/index.html"
disallowed=$(json '" ".join(sorted(f["path"] for f in d["findings"] if "disallowed by robots.txt" in f["message"]))')
assert_eq "$disallowed" "/%73ecret/y.html /a/b.html /admin/x.html" \
  "Disallow matches either spelling of a path"
log=$(awk '{print $3}' "$NGINX_LOG" | sort | tr '\n' ' ')
assert_not_contains "$log" "/admin/" "/admin/ (Disallow: /%61dmin/) is never requested"
assert_not_contains "$log" "ecret/" "/%73ecret/ (Disallow: /secret/) is never requested"
assert_not_contains "$log" "/a/b.html" "/a/b.html is never requested"
assert_contains "$log" "/a%2Fb.html" "/a%2Fb.html is not /a/b.html: requested"
assert_contains "$log" "/index.html" "an allowed page is requested"

finish
