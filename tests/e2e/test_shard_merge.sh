#!/usr/bin/env bash
# Shards and merge: --shard K/N partitions the pages deterministically by path;
# CI_NODE_INDEX/CI_NODE_TOTAL pick the shard when no flag is given; `merge` of all
# shards' JSON reports is the unsharded JSON report byte for byte (and the other
# formats follow); reports of different targets do not merge (exit 2).
. "$(dirname "$0")/lib.sh"

S=$TMP/site
good_page "$S/privacy.html" "Privacy"
for d in news sport culture; do
  for i in 1 2 3 4; do good_page "$S/$d/ok$i.html" "$d $i"; done
  page_with "$S/$d/nolink.html" "<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
  page_with "$S/$d/bare.html" "<article><p>Nothing.</p></article>"
  page_with "$S/$d/excused.html" "<!-- provcheck-disable privacy-link -- later -->
<article><p>Source: reuters</p>
<p>The information on this site is from external sources that are not under our control.</p></article>"
done

run_in "$S" check -f json -o "$TMP/full.json"
assert_status 1 "the full run has findings"
total=$(json 'len(d["pages"])' "$TMP/full.json")
assert_eq "$total" "22" "the full run sees every page"

N=3
shards=()
for k in $(seq 1 $N); do
  run_in "$S" check --shard "$k/$N" -f json -o "$TMP/shard-$k.json"
  if [ "$STATUS" -le 1 ]; then pass; else fail "shard $k/$N did not run"; fi
  shards+=("$TMP/shard-$k.json")
done

# the shards partition the pages: every page in exactly one shard
all=$(for f in "${shards[@]}"; do json '"\n".join(p["path"] for p in d["pages"])' "$f"; done | grep -v '^$' | sort)
assert_eq "$(printf '%s\n' "$all" | wc -l)" "$total" "shards hold every page once"
assert_eq "$(printf '%s\n' "$all" | sort -u | wc -l)" "$total" "no page is in two shards"
assert_eq "$all" "$(json '"\n".join(p["path"] for p in d["pages"])' "$TMP/full.json" | sort)" "the shards' pages are the full run's"
nonempty=0
for f in "${shards[@]}"; do [ "$(json 'len(d["pages"])' "$f")" -gt 0 ] && nonempty=$((nonempty + 1)); done
assert_eq "$nonempty" "$N" "22 pages spread over every shard"

# deterministic: the same shard twice gives the same bytes
run_in "$S" check --shard 2/$N -f json -o "$TMP/shard-2-again.json"
if cmp -s "$TMP/shard-2.json" "$TMP/shard-2-again.json"; then pass; else fail "shard 2 differs between runs"; fi

# merge == unsharded, byte for byte
run merge -o "$TMP/merged.json" "${shards[@]}"
assert_status 1 "merge gates like check: the merged report has errors"
if cmp -s "$TMP/full.json" "$TMP/merged.json"; then pass; else fail "merged JSON differs from the unsharded report: $(diff "$TMP/full.json" "$TMP/merged.json" | head -20)"; fi
# in any order, and to stdout
run merge "$TMP/shard-3.json" "$TMP/shard-1.json" "$TMP/shard-2.json"
assert_eq "$OUT" "$(cat "$TMP/full.json")" "merge does not depend on the order of its inputs"
# the other formats follow
for fmt in text junit github; do
  run_in "$S" check -f "$fmt" -o "$TMP/full.$fmt"
  run merge -f "$fmt" -o "$TMP/merged.$fmt" "${shards[@]}"
  if cmp -s "$TMP/full.$fmt" "$TMP/merged.$fmt"; then pass; else fail "merge -f $fmt differs from check -f $fmt: $(diff "$TMP/full.$fmt" "$TMP/merged.$fmt" | head -10)"; fi
done
# the gate options of check: --fail-on never passes, --max-warnings counts warnings
run merge --fail-on never -o "$TMP/never.json" "${shards[@]}"
assert_status 0 "merge --fail-on never"
if cmp -s "$TMP/full.json" "$TMP/never.json"; then pass; else fail "--fail-on changed the merged report"; fi
# a site whose one finding is a warning (an unused suppression)
W=$TMP/warn-site
good_page "$W/a.html"
good_page "$W/privacy.html" Privacy
sed -i 's|<article>|<article><!-- provcheck-disable privacy-link -->|' "$W/a.html"
run check --fail-on never -f json -o "$TMP/warn.json" "$W"
assert_eq "$(json 'd["summary"]["warnings"]' "$TMP/warn.json")" "1" "the warning site has one warning"
run merge "$TMP/warn.json"
assert_status 0 "merge: a warning does not fail under --fail-on error"
run merge --max-warnings 0 "$TMP/warn.json"
assert_status 1 "merge --max-warnings 0 with one warning"
run merge --max-warnings 1 "$TMP/warn.json"
assert_status 0 "merge --max-warnings 1 with one warning"
run merge --fail-on warning "$TMP/warn.json"
assert_status 1 "merge --fail-on warning"
run merge --fail-on sometimes "${shards[@]}"
assert_status 2 "merge --fail-on with a bad level"
assert_contains "$ERR" "--fail-on takes error, warning or never" "bad level named"
# a shard given twice is refused (test_no_false_pass_merge_shards.sh has the rest)
run merge "${shards[@]}" "$TMP/shard-1.json"
assert_status 2 "a repeated shard is refused"

# GitLab's parallel: CI_NODE_INDEX (1-based) / CI_NODE_TOTAL
for k in $(seq 1 $N); do
  (cd "$S" && CI_NODE_INDEX=$k CI_NODE_TOTAL=$N "$PROVCHECK" check -f json -o "$TMP/node-$k.json") 2>/dev/null
  if cmp -s "$TMP/node-$k.json" "$TMP/shard-$k.json"; then pass; else fail "CI_NODE_INDEX=$k is not --shard $k/$N"; fi
done
(cd "$S" && CI_NODE_INDEX=1 CI_NODE_TOTAL=$N "$PROVCHECK" check --shard 2/$N -f json -o "$TMP/flag-wins.json") 2>/dev/null
if cmp -s "$TMP/flag-wins.json" "$TMP/shard-2.json"; then pass; else fail "--shard should win over CI_NODE_INDEX"; fi

# incompatible reports do not merge: another root, another commit, another tool
# version (files-mode roots are as given, often ".", so the test edits them)
python3 - "$TMP/shard-1.json" "$TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for name, edit in (("other-root", ("target", "root", "/elsewhere")),
                   ("other-commit", ("target", "commit", "0" * 40)),
                   ("other-tool", ("tool", "version", "9.9.9"))):
    e = json.loads(json.dumps(d))
    e[edit[0]][edit[1]] = edit[2]
    json.dump(e, open(sys.argv[2] + "/" + name + ".json", "w"))
PY
for other in other-root other-commit other-tool; do
  run merge -o "$TMP/bad-merge.json" "$TMP/shard-2.json" "$TMP/$other.json"
  assert_status 2 "merge refuses $other"
  assert_contains "$ERR" "$other.json" "the message names the report that does not fit ($other)"
  assert_no_file "$TMP/bad-merge.json" "no output on a merge error ($other)"
done
python3 - "$TMP/shard-1.json" "$TMP/v2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["version"] = 2
json.dump(d, open(sys.argv[2], "w"))
PY
run merge "$TMP/shard-2.json" "$TMP/v2.json"
assert_status 2 "another report format version"
assert_contains "$ERR" "version" "the message says why"
printf 'not json' >"$TMP/junk.json"
run merge "$TMP/junk.json"
assert_status 2 "not JSON"
run merge "$TMP/nope.json"
assert_status 2 "missing file"
assert_contains "$ERR" "nope.json" "missing file is named"
run merge
assert_status 2 "no files"
run merge -f xml "$TMP/shard-1.json"
assert_status 2 "unknown format"
run merge --help
assert_status 0 "merge --help"

finish
