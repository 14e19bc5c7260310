#!/usr/bin/env bash
# setup.sh: install the Debian packages provcheck needs to build, test and
# benchmark. Idempotent: asks dpkg which are missing and installs only those;
# silent when everything is present.
set -euo pipefail

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
  libcmocka-dev
  git
  valgrind
  python3
  time            # /usr/bin/time -v for bench/run.sh (peak RSS)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
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
