#!/usr/bin/env bash
# audit_bench.sh: `provcheck audit` of N pages served by a private nginx on
# 127.0.0.1 (bench/gen_pages.py pages, 40-60 KB each, gzip on), rate limit off,
# -j2: pages per second and peak RSS, for 500 and 2,000 pages (RSS must stay flat
# in pages: bodies are spilled to a temporary file, not kept in memory).
#
# usage: bench/audit_bench.sh [PROVCHECK] [RESULTS.md]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PROVCHECK=${1:-$SRC/build/provcheck}
RESULTS=${2:-$SRC/bench/results-audit.md}
. "$SRC/tests/servers/nginx.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/provcheck-audit-bench.XXXXXX")
trap 'nginx_stop; rm -rf "$WORK"' EXIT

python3 "$SRC/bench/gen_pages.py" 2000 "$WORK/site" >/dev/null
nginx_start "$WORK/site" "$WORK/nginx" 'location = /privacy.html { return 200 "privacy"; }'
BASE=http://127.0.0.1:$NGINX_PORT

# sitemap_N.xml: the first N pages (sorted paths)
(cd "$WORK/site" && find news -name '*.html' | sort) >"$WORK/pages.txt"
make_sitemap() {
  local n=$1
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    head -n "$n" "$WORK/pages.txt" | sed "s|.*|<url><loc>$BASE/&</loc></url>|"
    echo '</urlset>'
  } >"$WORK/site/sitemap_$n.xml"
}
make_sitemap 500
make_sitemap 2000

nginx_cpu() {   # user+sys clock ticks of nginx's worker
  local w
  w=$(pgrep -P "$(cat "$WORK/nginx/nginx.pid")" | head -1)
  awk '{print $14 + $15}' "/proc/$w/stat"
}

measure() {   # measure N: prints "pages wall pages/s rss_kb findings cpu_s nginx_cpu_s"
  local n=$1 ng0 ng1
  ng0=$(nginx_cpu)
  /usr/bin/time -v -o "$WORK/time_$n.txt" "$PROVCHECK" audit -c "$WORK/site/provcheck.lua" \
    --rate 0 -j2 -q -f json -o "$WORK/report_$n.json" --sitemap "$BASE/sitemap_$n.xml" || true
  ng1=$(nginx_cpu)
  local wall rss pages findings cpu
  cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{print u+s}' "$WORK/time_$n.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{split($2,a,":"); if (length(a)==3) print a[1]*3600+a[2]*60+a[3]; else print a[1]*60+a[2]}' "$WORK/time_$n.txt")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/time_$n.txt")
  pages=$(python3 -c "import json; print(json.load(open('$WORK/report_$n.json'))['summary']['pages'])")
  findings=$(python3 -c "import json; print(json.load(open('$WORK/report_$n.json'))['summary']['findings'])")
  echo "$pages $wall $(python3 -c "print(round($pages / $wall))") $rss $findings $cpu $(python3 -c "print(round(($ng1 - $ng0) / $(getconf CLK_TCK), 2))")"
}

# The baseline, timed in the same run: curl fetching the same 2,000 pages with the
# same concurrency and compression and discarding them. provcheck's speed is
# quoted as a ratio to it, since this shared machine drifts between runs.
curl_floor() {   # prints "wall_s cpu_s"
  local cfg=$WORK/curl.cfg
  head -n 2000 "$WORK/pages.txt" | sed "s|.*|url = \"$BASE/&\"\noutput = /dev/null|" >"$cfg"
  /usr/bin/time -f "%e %U %S" -o "$WORK/curl_time.txt" \
    curl -s --parallel --parallel-max 8 --compressed -K "$cfg"
  awk '{print $1, $2 + $3}' "$WORK/curl_time.txt"
}

measure 500 >/dev/null   # warm the page cache and nginx
floor=$(curl_floor)
r500=$(measure 500)
r2000=$(measure 2000)
floor_again=$(curl_floor)   # before and after: the better of the two
floor_wall=$(python3 -c "print(min(${floor% *}, ${floor_again% *}))")
fetch_errors=$(python3 -c "import json; print(sum(1 for f in json.load(open('$WORK/report_2000.json'))['findings'] if f['rule']=='fetch-error'))")
bytes=$(du -sb "$WORK/site/news" | cut -f1)

{
  echo "# provcheck audit benchmark"
  echo
  echo "\`bench/audit_bench.sh\` on $(date -u +%Y-%m-%d), $(nproc) CPUs ($(uname -m)), nginx $(nginx -v 2>&1 | sed 's|.*/||') on 127.0.0.1"
  echo "with gzip, pages from \`bench/gen_pages.py\` ($((bytes / 2000 / 1024)) KB on average), \`--rate 0 -j2\`,"
  echo "concurrency 8, robots.txt honoured (404 here), privacy targets checked over HTTP."
  echo
  echo "| pages | wall (s) | pages/s | peak RSS (KB) | findings | provcheck CPU (s) | nginx CPU (s) | pages/s if the 2 CPUs were ours |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for r in "$r500" "$r2000"; do
    set -- $r
    echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $(python3 -c "print(round($1 / (($6 + $7) / 2)))") |"
  done
  echo
  set -- $r2000
  echo "Baseline in the same run: \`curl --parallel --parallel-max 8 --compressed\` fetching the"
  echo "same 2,000 pages to /dev/null took $floor_wall s ($(python3 -c "print(round(2000 / $floor_wall))") pages/s; runs: ${floor% *} s"
  echo "and ${floor_again% *} s). provcheck's audit of them, fetching, parsing and checking, runs at"
  echo "$(python3 -c "print(round($floor_wall / $2, 2))")x the speed of fetching alone."
  echo
  echo "Load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared;"
  echo "the last column divides by the CPU time provcheck and nginx used, spread on 2 CPUs)."
  echo
  echo "fetch-error findings in the 2,000-page run: $fetch_errors."
  echo "Target: at least 500 pages/s; peak RSS flat in pages (bodies are spilled to an"
  echo "unlinked temporary file and read back by the workers)."
} >"$RESULTS"
cat "$RESULTS"
