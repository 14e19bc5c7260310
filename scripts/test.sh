#!/usr/bin/env bash
# test.sh: build and run every test (unit, end-to-end, rule fixtures, fuzz
# corpus replay), then again under AddressSanitizer + UndefinedBehaviorSanitizer,
# then a short libFuzzer run over each parser (FUZZ_SECONDS each, default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh test

echo "== build (RelWithDebInfo) in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVCHECK_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== build with sanitizers in build-asan/"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVCHECK_SANITIZE=ON -DPROVCHECK_TESTS=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan &&
 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure -j"$jobs")

echo "== fuzzing the parsers (scripts/fuzz.sh)"
# a fixed seed: the same inputs each run, so a red CI run is a real finding
FUZZ_SECONDS=${FUZZ_SECONDS:-30} FUZZ_SEED=${FUZZ_SEED:-1} scripts/fuzz.sh

echo "== all tests passed"
