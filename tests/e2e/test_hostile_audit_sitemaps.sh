#!/usr/bin/env bash
# test_hostile_audit_sitemaps.sh: every sitemap is fetched once per audit. A
# sitemap index that lists itself, or two that list each other, is a fetch-error
# finding on the index that closes the cycle (its pages are still audited); an
# index listing one sitemap twice is only a note. Requests are counted from the
# tests' own server's log (tests/servers/test_server.py, 127.0.0.1).
. "$(dirname "$0")/lib.sh"

test_server_start main --log "$TMP/main.log"
B=http://127.0.0.1:$PORT
mkdir -p "$TMP/work"
echo 'return {}' >"$TMP/work/provcheck.lua"

# count PATH: requests for PATH since the log was last emptied
count() {
  awk -v p="$1" '$2 == "GET" && $3 == p' "$TMP/main.log" | wc -l | tr -d ' '
}
message_of() {
  json '"|".join(f["message"] for f in d["findings"] if f["path"] == "'"$1"'")'
}
pages() {
  json '" ".join(sorted(p["path"] for p in d["pages"]))'
}

# ---- an index that lists itself (and the pages' sitemap)
: >"$TMP/main.log"
run_in "$TMP/work" audit --rate 0 -f json --sitemap "$B/sitemap-self.xml" \
  --sitemap "$B/sitemap-self.xml"
assert_eq "$(count /sitemap-self.xml)" "1" "a self-listing index is fetched once (given twice too)"
assert_eq "$(count /sitemap-pages.xml)" "1" "the sitemap it lists is fetched once"
assert_eq "$(count /page/1)" "1" "its pages are fetched once"
assert_status 1 "the cycle is a finding"
assert_contains "$(message_of /sitemap-self.xml)" "sitemap: the index lists itself (a cycle)" \
  "the self-listing index is reported"
assert_contains "$(pages)" "/page/1 /page/2" "the pages of the sitemap are still audited"

# ---- two indexes listing each other: A -> B -> A
: >"$TMP/main.log"
run_in "$TMP/work" audit --rate 0 -f json --sitemap "$B/sitemap-a.xml"
assert_eq "$(count /sitemap-a.xml)" "1" "cycle A -> B -> A: A fetched once"
assert_eq "$(count /sitemap-b.xml)" "1" "cycle A -> B -> A: B fetched once"
assert_eq "$(count /sitemap-pages.xml)" "1" "cycle A -> B -> A: the pages' sitemap fetched once"
assert_status 1 "the cycle is a finding"
assert_contains "$(message_of /sitemap-b.xml)" \
  "sitemap: the index lists $B/sitemap-a.xml, an index that led to it (a cycle)" \
  "the index closing the cycle is reported"
assert_eq "$(message_of /sitemap-a.xml)" "" "the first index is not blamed"
assert_contains "$(pages)" "/page/1 /page/2" "the pages are still audited"

# ---- a sitemap listed twice is not a cycle: fetched once, a note
: >"$TMP/main.log"
run_in "$TMP/work" audit --rate 0 -f json --sitemap "$B/sitemap-dup.xml"
assert_eq "$(count /sitemap-pages.xml)" "1" "a sitemap listed twice is fetched once"
assert_status 0 "a repeat is no finding"
assert_contains "$ERR" "sitemap index entries naming a sitemap listed before: 1" "a repeat is noted"
assert_eq "$(pages)" "/page/1 /page/2" "the pages are audited"

finish
