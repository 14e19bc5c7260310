#!/usr/bin/env bash
# test_audit_tls.sh: audits over HTTPS and HTTP/2 against a private nginx on
# 127.0.0.1 with a certificate from a CA made here. TLS is verified by default: the
# unknown CA is a fetch-error, never a silent pass; `audit.ca_file` in the config
# trusts an internal CA (staging sites) without turning verification off.
. "$(dirname "$0")/lib.sh"
. "$PROVCHECK_SRC/tests/servers/nginx.sh"

require_nginx
trap 'nginx_stop; rm -rf "$TMP"' EXIT

# A CA, and a certificate for 127.0.0.1 signed by it.
PKI=$TMP/pki
mkdir -p "$PKI"
(
  cd "$PKI" &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=provcheck test CA" &&
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" &&
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >ext.cnf &&
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days 2 -extfile ext.cnf
) >"$TMP/openssl.log" 2>&1 || { cat "$TMP/openssl.log" >&2; exit 1; }

SITE=$TMP/site
mkdir -p "$SITE" "$TMP/work"
good_page "$SITE/a.html" "Story A"
good_page "$SITE/privacy.html" "Privacy"

NGINX_LISTEN_OPTS="ssl http2" nginx_start "$SITE" "$TMP/nginx" \
  "ssl_certificate $PKI/server.pem; ssl_certificate_key $PKI/server.key;" || exit 1
B=https://127.0.0.1:$NGINX_PORT

# ---- verified by default: a certificate from an unknown CA is a fetch-error
run_in "$TMP/work" audit --rate 0 -f json "$B/a.html"
assert_status 1 "an untrusted certificate fails the audit"
assert_eq "$(json '[f["rule"] for f in d["findings"]]')" '["fetch-error"]' "reported as a fetch-error"
msg=$(json '[f["message"] for f in d["findings"]][0]')
echo "fetch-error for the untrusted certificate: $msg"
assert_contains "$(printf '%s' "$msg" | tr 'A-Z' 'a-z')" "certificate" "the message names the certificate problem"
assert_eq "$(grep -c 'GET /a.html' "$NGINX_LOG")" "0" "no request is sent over an unverified connection"

# ---- audit.ca_file trusts the internal CA; the transfer uses HTTP/2
cp "$PKI/ca.pem" "$TMP/work/internal-ca.pem"
printf 'return { audit = { ca_file = "internal-ca.pem" } }\n' >"$TMP/work/provcheck.lua"
run_in "$TMP/work" audit --rate 0 -f json "$B/a.html"
assert_status 0 "with the CA trusted the page is checked and clean"
assert_eq "$(json 'd["summary"]["pages"]')" "1" "one page"
assert_eq "$(json '[f["rule"] for f in d["findings"]]')" '[]' "no findings (the privacy link is checked over HTTPS too)"
assert_contains "$(grep 'GET /a.html' "$NGINX_LOG" | tail -1)" "HTTP/2.0" "fetched over HTTP/2"
assert_contains "$(grep 'privacy.html' "$NGINX_LOG" | tail -1)" " 200 " "privacy target fetched over HTTPS"

# ---- a ca_file that cannot be read is a setup error, named
printf 'return { audit = { ca_file = "missing.pem" } }\n' >"$TMP/work/provcheck.lua"
run_in "$TMP/work" audit --rate 0 "$B/a.html"
assert_status 2 "unreadable ca_file"
assert_contains "$ERR" "audit.ca_file" "the message names the key"

finish
