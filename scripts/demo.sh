#!/usr/bin/env bash
# demo.sh: build provcheck and check the bundled example site, a small news
# aggregator where a few pages break the rules on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh build
mkdir -p build
echo "demo: building provcheck in build/ (log: build/demo-build.log)"
if ! { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVCHECK_TESTS=OFF &&
       cmake --build build -j"$(nproc)" --target provcheck; } >build/demo-build.log 2>&1; then
  cat build/demo-build.log >&2
  echo "demo: the build failed (log above)" >&2
  exit 2
fi

echo "\$ build/provcheck check -c examples/site/provcheck.lua"
set +e
build/provcheck check -c examples/site/provcheck.lua
status=$?
set -e
echo
case $status in
  0) echo "demo: exit status 0: no findings (unexpected for the example site)";;
  1) echo "demo: exit status 1 means findings were reported: the example site breaks the" \
          "rules on purpose (see examples/site/provcheck.lua and README.md). The demo worked.";;
  *) echo "demo: exit status $status: provcheck could not run (usage or setup error)" >&2
     exit "$status";;
esac
echo "demo: try also: build/provcheck check -c examples/site/provcheck.lua -f json"
echo "demo:           build/provcheck explain source-attribution"
exit 0
