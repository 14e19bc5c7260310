#!/usr/bin/env bash
# test_audit_server.sh: `provcheck audit` against the tests' own HTTP server
# (tests/servers/test_server.py, 127.0.0.1 only): timeouts, redirect loops and
# chains, the size cap and a gzip bomb, Retry-After, 429, bot challenges, robots.txt
# Disallow, non-HTML answers, and politeness measured from the server's request
# log: the per-host rate and Crawl-delay hold within 10 %.
. "$(dirname "$0")/lib.sh"

# start_server NAME [ARGS...]: sets PORT; the request log is $TMP/NAME.log
start_server() {
  local name=$1
  shift
  test_server_start "$name" --log "$TMP/$name.log" "$@"
}

# request_gaps LOG SECONDS: "ok ..." when the gaps between the requests in LOG
# (first field: arrival time) average SECONDS within 10 % and none is under 90 %.
request_gaps() {
  python3 - "$1" "$2" <<'PY'
import sys
t = [float(l.split()[0]) for l in open(sys.argv[1])]   # every request to the host counts
want = float(sys.argv[2])
gaps = [b - a for a, b in zip(t, t[1:])]
mean = sum(gaps) / len(gaps)
ok = min(gaps) >= want * 0.9 and abs(mean - want) <= want * 0.1
print("ok" if ok else "bad", "min=%.3f mean=%.3f max=%.3f" % (min(gaps), mean, max(gaps)))
PY
}

json_get() {
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"
}
# message_of FILE PATH: the fetch-error message of a page
message_of() {
  json_get "$1" '"|".join(f["message"] for f in r["findings"] if f["path"]=="'"$2"'" and f["rule"]=="fetch-error")'
}

mkdir -p "$TMP/work"
cat >"$TMP/work/provcheck.lua" <<'LUA'
return { max_page_bytes = 1000000 }
LUA

start_server main
B=http://127.0.0.1:$PORT

# ---- one audit over every awkward endpoint (rate limit off)
start=$(date +%s.%N)
run_in "$TMP/work" audit --rate 0 --timeout 2 -f json -o "$TMP/r.json" \
  "$B/page/1" "$B/slow" "$B/loop" "$B/redirect-chain/3" "$B/redirect-chain/12" "$B/huge" \
  "$B/bomb" "$B/retry-after" "$B/429" "$B/challenge" "$B/private/x" "$B/file.pdf"
elapsed=$(python3 -c "import time; print(round(time.time() - $start, 1))")
assert_status 1 "fetch errors fail the audit"
R=$TMP/r.json
assert_contains "$(message_of "$R" /slow)" "timed out after 2 s" "timeout"
assert_contains "$(message_of "$R" /loop)" "redirect loop" "redirect loop detected"
assert_eq "$(json_get "$R" '[p["findings"] for p in r["pages"] if p["path"]=="/redirect-chain/3"]')" "[0]" \
  "3 redirects are followed"
assert_contains "$(message_of "$R" /redirect-chain/12)" "more than 10 redirects" "at most 10 redirects"
assert_eq "$(grep -c 'GET /redirect-chain/' "$TMP/main.log")" "$((4 + 11))" "redirect hops requested (4 + 11)"
assert_contains "$(message_of "$R" /huge)" "larger than the size cap" "size cap"
assert_contains "$(message_of "$R" /bomb)" "larger than the size cap" "gzip bomb bounded by the cap"
assert_eq "$(json_get "$R" '[p["findings"] for p in r["pages"] if p["path"]=="/retry-after"]')" "[0]" \
  "503 + Retry-After is retried and then checked ($(json_get "$R" "[f[\"message\"] for f in r[\"findings\"] if f[\"path\"]==\"/retry-after\"]"))"
assert_eq "$(message_of "$R" /429)" "HTTP 429 after 3 retries" "429 retried 3 times, then a fetch-error"
assert_eq "$(grep -c 'GET /429 ' "$TMP/main.log")" "4" "429: one request and 3 retries"
assert_eq "$(message_of "$R" /challenge)" "blocked by bot protection (HTTP 403)" "challenge page is blocked, not missing"
assert_contains "$(message_of "$R" /private/x)" "disallowed by robots.txt" "robots Disallow reported"
assert_eq "$(grep -c 'GET /private/' "$TMP/main.log")" "0" "a disallowed page is never requested"
assert_eq "$(json_get "$R" '[p["path"] for p in r["pages"] if p["path"]=="/file.pdf"]')" "[]" \
  "non-HTML answers are not pages"
assert_contains "$ERR" "file.pdf: not HTML (Content-Type: application/pdf): skipped" "non-HTML noted"
assert_eq "$(grep -c 'GET /robots.txt ' "$TMP/main.log")" "1" "robots.txt fetched once per host"
# Retry-After: 1 is honoured: the second request comes at least 1 s after the first
gap=$(awk '$3=="/retry-after"{t[n++]=$1} END{printf "%.3f", t[1]-t[0]}' "$TMP/main.log")
assert_eq "$(python3 -c "print(1.0 <= $gap < 1.5)")" "True" "Retry-After honoured (gap $gap s)"
# 429 backoff: 1 s, 2 s, 4 s between attempts
# (never early; a loaded machine may add a little on top).
gaps=$(awk '$3=="/429"{t[n++]=$1} END{for(i=1;i<n;i++) printf "%.3f ", t[i]-t[i-1]}' "$TMP/main.log")
backoff_ok=$(python3 -c '
import sys
g = [float(x) for x in sys.argv[1].split()]
print(len(g) == 3 and all(w <= x < w * 1.25 for x, w in zip(g, (1, 2, 4))))' "$gaps")
assert_eq "$backoff_ok" "True" "exponential backoff without Retry-After (gaps $gaps)"
assert_eq "$(python3 -c "print($elapsed < 15)")" "True" "transfers run concurrently ($elapsed s)"

# ---- politeness: --rate 4 spaces the requests to one host by 250 ms (within 10 %)
start_server rate
B2=http://127.0.0.1:$PORT
urls=()
for i in $(seq 1 12); do urls+=("$B2/page/$i"); done
run_in "$TMP/work" audit --rate 4 -q "${urls[@]}"
assert_status 0 "polite audit of compliant pages"
assert_eq "$(grep -c 'GET /page/' "$TMP/rate.log")" "12" "every page requested once"
verdict=$(request_gaps "$TMP/rate.log" 0.25)
assert_contains "$verdict" "ok " "per-host rate 4/s within 10 % ($verdict)"

# ---- Crawl-delay: 0.5 s between requests even with the rate limit off
start_server delay --crawl-delay 0.5
B3=http://127.0.0.1:$PORT
urls=()
for i in $(seq 1 8); do urls+=("$B3/page/$i"); done
run_in "$TMP/work" audit --rate 0 -q "${urls[@]}"
assert_status 0 "crawl-delayed audit"
verdict=$(request_gaps "$TMP/delay.log" 0.5)
assert_contains "$verdict" "ok " "Crawl-delay 0.5 s within 10 % ($verdict)"

# ---- shards split the URLs: every page in exactly one shard
urls=()
for i in $(seq 1 20); do urls+=("$B/page/$i"); done
all=""
for k in 1 2 3; do
  run_in "$TMP/work" audit --rate 0 -q --shard "$k/3" -f json -o "$TMP/s$k.json" "${urls[@]}"
  all="$all $(json_get "$TMP/s$k.json" '" ".join(p["path"] for p in r["pages"])')"
done
assert_eq "$(echo $all | tr ' ' '\n' | sort | uniq | wc -l)" "20" "shards cover every URL"
assert_eq "$(echo $all | tr ' ' '\n' | wc -l)" "20" "no URL in two shards"
JOB_COMPLETION_INDEX=0 PROVCHECK_SHARD_TOTAL=3 run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/k1.json" "${urls[@]}"
assert_eq "$(json_get "$TMP/k1.json" '" ".join(p["path"] for p in r["pages"])')" \
  "$(json_get "$TMP/s1.json" '" ".join(p["path"] for p in r["pages"])')" "JOB_COMPLETION_INDEX=0 is shard 1/3"

echo "test_audit_server: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
