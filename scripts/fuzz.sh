#!/usr/bin/env bash
# fuzz.sh: fuzz the parsers (HTML pages, suppression comments, JSON, robots.txt,
# sitemaps) with libFuzzer under AddressSanitizer + UndefinedBehaviorSanitizer,
# starting from the corpora in
# tests/fuzz/corpus. FUZZ_SECONDS per target (default 60). A crash leaves its input
# in build-fuzz/findings/ and fails the run; new interesting inputs stay in
# build-fuzz/corpus/ (copy the useful ones into tests/fuzz/corpus/). FUZZ_SEED
# fixes libFuzzer's seed (test.sh uses 1, so CI runs repeat); unset, it is random.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
scripts/setup.sh

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROVCHECK_FUZZ=ON -DPROVCHECK_SANITIZE=ON >/dev/null
targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
# shellcheck disable=SC2086
cmake --build build-fuzz -j"$(nproc)" --target $targets >/dev/null
mkdir -p build-fuzz/findings
for t in $targets; do
  work=build-fuzz/corpus/$t
  mkdir -p "$work"
  echo "== fuzz $t for ${seconds}s"
  # the checked-in corpus seeds it; new inputs go to the work corpus only
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build-fuzz/$t -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
      ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
      -max_len=32768 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$t-" \
      "$work" "tests/fuzz/corpus/$t" 2>build-fuzz/$t.log ||
    { tail -60 build-fuzz/$t.log >&2; echo "fuzz: $t found a crash (input in build-fuzz/findings/)" >&2; exit 1; }
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' build-fuzz/$t.log | tr '\n' ' '
  echo
done
echo "== fuzzing found nothing"
