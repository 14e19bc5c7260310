#!/usr/bin/env bash
# test_no_false_pass_merge_shards.sh (issue 9, point 6): a sharded run cannot pass
# with a shard missing. Real shard reports from `check --shard` and `audit --shard`:
# one shard alone, a shard given twice, shards of another split, another config,
# another baseline, a whole report mixed with shards, and overlapping pages all exit
# 2 naming the problem and write no output; the complete set still merges byte for
# byte into the unsharded report, and `--partial` converts one shard honestly.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
good_page "$S/privacy.html" "Privacy"
for d in news sport; do
  for i in 1 2 3; do good_page "$S/$d/ok$i.html" "$d $i"; done
  page_with "$S/$d/bare.html" "<article><p>Nothing.</p></article>"
done
write_file "$S/provcheck.lua" 'return { rules = { ["privacy-link"] = "error" } }'

run_in "$S" check -f json -o "$TMP/full.json"
assert_status 1 "the whole site has errors"
assert_eq "$(json 'd["run"]["shard"]' "$TMP/full.json")" "null" "an unsharded report records shard null"
hash=$(json 'd["run"]["config_hash"]' "$TMP/full.json")
case "$hash" in
  [0-9a-f]*) assert_eq "${#hash}" "64" "the report records a SHA-256 config hash" ;;
  *) fail "no config hash in the report: $hash" ;;
esac

for k in 1 2 3; do
  run_in "$S" check --shard "$k/3" -f json -o "$TMP/s$k.json"
  assert_eq "$(json 'd["run"]["shard"]' "$TMP/s$k.json")" "$k/3" "shard $k records K/N"
  assert_eq "$(json 'd["run"]["config_hash"]' "$TMP/s$k.json")" "$hash" "shard $k records the same config hash"
done
# the bare pages must be in a shard that is left out below, so leaving it out hides errors
bad_shard=$(for k in 1 2 3; do [ "$(json 'd["summary"]["errors"]' "$TMP/s$k.json")" -gt 0 ] && echo "$k"; done | head -1)
clean_shard=$(for k in 1 2 3; do [ "$(json 'd["summary"]["errors"]' "$TMP/s$k.json")" -eq 0 ] && echo "$k"; done | head -1)
[ -n "$bad_shard" ] && pass || fail "no shard holds the errors"

# merge_refused DESCRIPTION EXPECTED_MESSAGE FILES...: exit 2, the message, no output
merge_refused() {
  local what=$1 msg=$2
  shift 2
  rm -f "$TMP/out.json"
  run merge -o "$TMP/out.json" "$@"
  assert_status 2 "merge refuses: $what"
  assert_contains "$ERR" "$msg" "the message names the problem: $what"
  assert_no_file "$TMP/out.json" "no output file: $what"
}

# the complete set: the unsharded report, byte for byte, and it gates
run merge -o "$TMP/merged.json" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json"
assert_status 1 "the complete set gates like the unsharded run"
if cmp -s "$TMP/full.json" "$TMP/merged.json"; then pass; else fail "merged != unsharded: $(diff "$TMP/full.json" "$TMP/merged.json" | head)"; fi
# one whole report still converts (docs/ci.md, plugins/jenkins)
run merge -f text "$TMP/full.json"
assert_status 1 "one unsharded report converts and gates"

# a shard alone: the pages of the others are not there, whatever it holds
if [ -n "$clean_shard" ]; then
  merge_refused "a clean shard alone" "missing" "$TMP/s$clean_shard.json"
fi
merge_refused "shard 1 alone" "2 of 3 shards are missing" "$TMP/s1.json"
assert_contains "$ERR" "2/3, 3/3" "the missing shards are named"
merge_refused "two of three shards" "1 of 3 shards is missing (3/3)" "$TMP/s1.json" "$TMP/s2.json"
# a shard given twice, or the same shard from two runs
merge_refused "s1 s1" "is given twice" "$TMP/s1.json" "$TMP/s1.json"
cp "$TMP/s1.json" "$TMP/s1-copy.json"
merge_refused "s1 and a copy of it, with the others" "both hold shard 1/3" \
  "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/s1-copy.json"
# shards of another split overlap
run_in "$S" check --shard 1/2 -f json -o "$TMP/h1.json"
run_in "$S" check --shard 2/2 -f json -o "$TMP/h2.json"
merge_refused "shards of 3 and of 2" "shards of different splits overlap" \
  "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/h1.json"
run merge -o "$TMP/halves.json" "$TMP/h1.json" "$TMP/h2.json"
if cmp -s "$TMP/full.json" "$TMP/halves.json"; then pass; else fail "the 2-way split does not merge to the unsharded report"; fi
# a whole report with shards, or two whole reports
merge_refused "a whole report and a shard" "whole (unsharded) report" "$TMP/full.json" "$TMP/s1.json"
merge_refused "a shard and a whole report" "whole (unsharded) report" "$TMP/s1.json" "$TMP/full.json"
cp "$TMP/full.json" "$TMP/full-copy.json"
merge_refused "two whole reports" "both whole (unsharded) reports" "$TMP/full.json" "$TMP/full-copy.json"

# another config: shard 3 ran with the privacy rule turned off
write_file "$S/weak.lua" 'return { rules = { ["privacy-link"] = "off" } }'
run_in "$S" check -c weak.lua --shard 3/3 -f json -o "$TMP/s3-weak.json"
merge_refused "a shard that ran another config" "ran another config" \
  "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3-weak.json"
assert_contains "$ERR" "s3-weak.json" "the report that does not fit is named"
# another rule selection (--rule), another include, another baseline
run_in "$S" check --rule privacy-link --shard 3/3 -f json -o "$TMP/s3-rule.json"
merge_refused "a shard run with --rule" "ran another config" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3-rule.json"
write_file "$S/narrow.lua" 'return { include = { "news/**" }, rules = { ["privacy-link"] = "error" } }'
run_in "$S" check -c narrow.lua --shard 3/3 -f json -o "$TMP/s3-narrow.json"
merge_refused "a shard with other include globs" "ran another config" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3-narrow.json"
run_in "$S" baseline -o "$TMP/base.json"
run_in "$S" check --baseline "$TMP/base.json" --shard 3/3 -f json -o "$TMP/s3-base.json"
merge_refused "a shard with a baseline" "ran another config" "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3-base.json"

# reports edited to lie: the shard label changed to fill the gap, pages overlap
python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
d = json.load(open(t + "/s1.json"))
d["run"]["shard"] = "2/3"; json.dump(d, open(t + "/s1-as-2.json", "w"))
d = json.load(open(t + "/full.json"))
d["run"]["shard"] = "3/3"; json.dump(d, open(t + "/full-as-3.json", "w"))
d = json.load(open(t + "/s1.json"))
del d["run"]; json.dump(d, open(t + "/s1-norun.json", "w"))
d = json.load(open(t + "/s1.json"))
d["run"]["config_hash"] = None; json.dump(d, open(t + "/s1-nohash.json", "w"))
d = json.load(open(t + "/s1.json"))
d["run"]["shard"] = "0/3"; json.dump(d, open(t + "/s1-zero.json", "w"))
for k in (1, 2, 3):
    d = json.load(open(t + "/s%d.json" % k))
    for f in d["findings"]:
        f["suppressed"] = True
    json.dump(d, open(t + "/s%d-hushed.json" % k, "w"))
PY
merge_refused "a page in two reports" "is in two of the reports" "$TMP/s1.json" "$TMP/s2.json" "$TMP/full-as-3.json"
merge_refused "a report without run" "no \"run\"" "$TMP/s1-norun.json" "$TMP/s2.json" "$TMP/s3.json"
merge_refused "a report without config hash" "config_hash" "$TMP/s1-nohash.json" "$TMP/s2.json" "$TMP/s3.json"
merge_refused "shard 0/3" "is not K/N" "$TMP/s1-zero.json" "$TMP/s2.json" "$TMP/s3.json"
merge_refused "findings marked suppressed without a kind" "is invalid" \
  "$TMP/s1-hushed.json" "$TMP/s2-hushed.json" "$TMP/s3-hushed.json"

# --partial converts a part and says which: it cannot pass for the whole run later
run merge --partial --fail-on never -o "$TMP/part.json" "$TMP/s1.json" "$TMP/s3.json"
assert_status 0 "--partial converts a part"
assert_eq "$(json 'd["run"]["shard"]' "$TMP/part.json")" "1,3/3" "a partial merge records the shards it holds"
merge_refused "a partial merge alone" "1 of 3 shards is missing (2/3)" "$TMP/part.json"
run merge -o "$TMP/from-part.json" "$TMP/part.json" "$TMP/s2.json"
if cmp -s "$TMP/full.json" "$TMP/from-part.json"; then pass; else fail "a partial merge plus the missing shard is not the whole report"; fi
merge_refused "a partial merge plus a shard it holds" "both hold shard 1/3" "$TMP/part.json" "$TMP/s1.json" "$TMP/s2.json"
run merge --partial -f text --fail-on never "$TMP/s$bad_shard.json"
assert_status 0 "--partial converts one shard (the GitLab per-shard log)"

# ---- audit shards (the tests' own HTTP server on 127.0.0.1)
start_test_server srv
B=http://127.0.0.1:$PORT
urls=("$B/bare")
for i in $(seq 1 8); do urls+=("$B/page/$i"); done
mkdir -p "$TMP/work"
run_in "$TMP/work" audit --rate 0 -q -f json -o "$TMP/a-full.json" "${urls[@]}"
assert_status 1 "the audit finds the bare page"
for k in 1 2 3; do
  run_in "$TMP/work" audit --rate 0 -q --shard "$k/3" -f json -o "$TMP/a$k.json" "${urls[@]}"
  assert_eq "$(json 'd["run"]["shard"]' "$TMP/a$k.json")" "$k/3" "audit shard $k records K/N"
done
run merge -o "$TMP/a-merged.json" "$TMP/a1.json" "$TMP/a2.json" "$TMP/a3.json"
assert_status 1 "the merged audit gates"
if cmp -s "$TMP/a-full.json" "$TMP/a-merged.json"; then pass; else fail "merged audit != unsharded audit: $(diff "$TMP/a-full.json" "$TMP/a-merged.json" | head)"; fi
merge_refused "an audit shard alone" "2 of 3 shards are missing" "$TMP/a1.json"
merge_refused "an audit shard twice" "is given twice" "$TMP/a1.json" "$TMP/a1.json" "$TMP/a2.json" "$TMP/a3.json"
write_file "$TMP/work2/provcheck.lua" 'return { rules = { ["third-party-disclaimer"] = "off" } }'
run_in "$TMP/work2" audit --rate 0 -q --shard 3/3 -f json -o "$TMP/a3-weak.json" "${urls[@]}"
merge_refused "an audit shard with another config" "ran another config" "$TMP/a1.json" "$TMP/a2.json" "$TMP/a3-weak.json"
merge_refused "check and audit shards" "does not fit" "$TMP/s1.json" "$TMP/a2.json" "$TMP/a3.json"

finish
