#!/usr/bin/env bash
# setup.sh [build|test]: install the Debian packages provcheck needs.
#   build  the compiler and the six libraries: all that building and running
#          provcheck takes (what scripts/demo.sh asks for)
#   test   build, plus every tool the test suite, fuzzing and the benchmark
#          drive (the default: what scripts/test.sh asks for)
# Idempotent: asks dpkg which are missing and installs only those; silent when
# everything is present.
set -euo pipefail

what=${1:-test}
case $what in
  build|test) ;;
  *) echo "usage: scripts/setup.sh [build|test]" >&2; exit 2;;
esac

# One package per line; add what a new part of provcheck needs here.
PACKAGES=(
  build-essential
  cmake
  pkg-config
  libxml2-dev
  liblua5.4-dev
  libgit2-dev
  libcurl4-openssl-dev
  libsqlite3-dev
  libutf8proc-dev
)
TEST_PACKAGES=(
  libcmocka-dev
  git
  valgrind
  python3
  time            # /usr/bin/time -v for bench/run.sh (peak RSS)
  sqlite3         # inspecting cache and audit databases in tests
  libxml2-utils   # xmllint: JUnit output checked against its schema
  pre-commit      # the hook tested end to end with the real framework
  nginx-light     # the live-audit tests serve a site from a private nginx
  openssl         # ... over HTTPS, with a certificate authority made by the test
  chromium        # the HTML report is rendered headless in a test
  nodejs          # Microsoft's SARIF validator (npm package) checks the tests' SARIF
  clang           # scripts/fuzz.sh: libFuzzer over the parsers
  libclang-rt-14-dev
  scdoc           # the man pages (docs/man/*.scd), checked against --help
  man-db          # man -w / man -l in the man page and package tests
  zsh             # the zsh and fish completions are exercised for real
  fish
  debhelper       # the Debian package is built, linted and installed in a test
  lintian
)

# The SARIF validator, pinned in tests/tools/package-lock.json.
install_test_tools() {
  local here
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [ ! -x "$here/tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
    echo "setup: installing the SARIF validator (npm ci in tests/tools)" >&2
    (cd "$here/tests/tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

if [ "$what" = test ]; then
  PACKAGES+=("${TEST_PACKAGES[@]}")
  # Debian's nodejs needs the separate npm package; NodeSource's nodejs bundles npm.
  command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  [ "$what" = build ] || install_test_tools
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup: missing packages (${missing[*]}) and not root; install them or run as root" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "$what" = build ] || install_test_tools
