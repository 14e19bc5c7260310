#!/usr/bin/env bash
# packs.sh: what turning every shipped rule pack on costs, as pages per CPU-second
# of `check -j1` with all packs against none on the same generated pages, measured
# in one run. Writes bench/results-packs.md (bench/README.md explains it).
#   - PACKS_PAGES generated pages (default 2000, bench/gen_pages.py), two copies:
#     one with the example config, one with `plugins = { every pack }` added.
#   - PACKS_PAIRS pairs (default 10): a run without packs, then one with them,
#     each under GNU time. The machine is shared and its speed drifts within
#     seconds, so the ratio is given two ways: best run over best run, and the
#     median of the ratios of back-to-back pairs (which share the drift).
#   - BENCH_PROFILE=1: callgrind over PROFILE_PAGES pages (default 200) of each
#     copy: instructions per page, which load does not move.
# The budget (issue 14): all packs on keeps at least 0.75 of -j1 pages per CPU-s.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PACKS_PAGES:-2000}
PAIRS=${PACKS_PAIRS:-10}
BUILD=${BENCH_BUILD:-build}
PROFILE_PAGES=${PROFILE_PAGES:-200}
RESULTS=${RESULTS:-bench/results-packs.md}

if [ ! -x "$BUILD/provcheck" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target provcheck >/dev/null
fi
PROVCHECK=$(cd "$BUILD" && pwd)/provcheck
PACKS=$(for m in plugins/*/plugin.lua; do [ -e "$m" ] && basename "$(dirname "$m")"; done | sort | tr '\n' ' ')

W=$(mktemp -d "${TMPDIR:-/tmp}/provcheck-packs.XXXXXX")
trap 'rm -rf "$W"' EXIT
OUT=$W/results.md
: >"$OUT"
say() { echo "$*" | tee -a "$OUT"; }

# site N DIR: N generated pages in DIR/none and DIR/packs (the same pages)
site() {
  python3 bench/gen_pages.py "$1" "$2/none" >/dev/null
  cp -r "$2/none" "$2/packs"
  python3 bench/with_packs.py "$2/packs/provcheck.lua" $PACKS
}

# run DIR: one check under GNU time; appends "user+sys" to $W/cpu-<name of DIR>
run() {
  local status=0
  (cd "$1" && /usr/bin/time -f '%U %S' -o "$W/tv" "$PROVCHECK" check -j1 --no-cache . \
     -f json -o "$W/$(basename "$1").json") >/dev/null 2>"$W/err" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "packs: check in $1 failed with status $status" >&2
    cat "$W/err" >&2
    exit 1
  fi
  tail -1 "$W/tv" | awk '{print $1 + $2}' >>"$W/cpu-$(basename "$1")"
}

site "$PAGES" "$W/site"
COUNT=$(cd "$W/site/none" && find . -name '*.html' | wc -l)
for _ in $(seq 1 "$PAIRS"); do
  run "$W/site/none"
  run "$W/site/packs"
done

say "# Every rule pack on against none"
say ""
say "$(date -u +%Y-%m-%d), $(nproc) CPUs, \`check -j1 --no-cache -f json\`, $COUNT pages (\`gen_pages.py $PAGES\`)."
say "Packs: ${PACKS% }."
say ""
python3 - "$W" "$COUNT" <<'PY' | tee -a "$OUT"
import json, statistics, sys
w, pages = sys.argv[1], int(sys.argv[2])
none = [max(float(x), 0.01) for x in open(f"{w}/cpu-none")]   # GNU time's resolution
packs = [max(float(x), 0.01) for x in open(f"{w}/cpu-packs")]
pairs = [a / b for a, b in zip(none, packs)]
found = {s: len(json.load(open(f"{w}/{s}.json"))["findings"]) for s in ("none", "packs")}
print("| run | best CPU s | median CPU s | pages per CPU-s (best) | findings |")
print("| --- | ---: | ---: | ---: | ---: |")
for name, v in (("no packs", none), ("every pack", packs)):
    key = "none" if name == "no packs" else "packs"
    print(f"| {name} | {min(v):.2f} | {statistics.median(v):.2f} | {pages / min(v):.0f} | {found[key]} |")
print()
print(f"- pages per CPU-s, every pack / none: best over best **{min(none) / min(packs):.2f}**, "
      f"median of {len(pairs)} back-to-back pairs **{statistics.median(pairs):.2f}** "
      f"(pairs: {' '.join(f'{r:.2f}' for r in pairs)}); budget >= 0.75")
PY

if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  site "$PROFILE_PAGES" "$W/prof"
  for s in none packs; do
    (cd "$W/prof/$s" && valgrind --tool=callgrind --callgrind-out-file="$W/$s.cg" \
       "$PROVCHECK" check -j1 --no-cache . -f json -o "$W/prof-$s.json" >/dev/null 2>&1 || [ $? -eq 1 ])
  done
  N=$(cd "$W/prof/none" && find . -name '*.html' | wc -l)
  python3 - "$W" "$N" <<'PY' | tee -a "$OUT"
import re, subprocess, sys
w, pages = sys.argv[1], int(sys.argv[2])
def total(f):
    out = subprocess.run(["callgrind_annotate", f], capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if "PROGRAM TOTALS" in l)
    return int(re.match(r"\s*([\d,]+)", line).group(1).replace(",", ""))
a, b = total(f"{w}/none.cg"), total(f"{w}/packs.cg")
print(f"- callgrind, {pages} pages, start-up included: none {a / pages / 1e6:.2f} M instructions a page, "
      f"every pack {b / pages / 1e6:.2f}; none / packs **{a / b:.2f}** "
      "(valgrind hides the CPU's SHA extensions: the fingerprints count at the portable rounds' cost)")
PY
fi

cp "$OUT" "$RESULTS"
echo "packs: wrote $RESULTS"
