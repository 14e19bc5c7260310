#!/usr/bin/env bash
# The layering check itself fails on a lower folder reaching up: an include of a
# higher layer's header, and a file outside the layer folders.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/../../core" "$work/core"
check="$here/../layering/check_layers.py"

python3 "$check" "$work/core" >"$work/ok.txt" || fail "the tree as it is fails the check: $(cat "$work/ok.txt")"

sed -i '1i #include "cli_util.h"' "$work/core/base/buf.c"
if python3 "$check" "$work/core" >"$work/up.txt"; then
  fail "an include of cli_util.h from core/base/ passed the check"
fi
grep -q 'core/base/buf.c:1: includes cli_util.h from core/cli/, a layer above base' "$work/up.txt" ||
  fail "the message does not name the include: $(cat "$work/up.txt")"
sed -i '1d' "$work/core/base/buf.c"

touch "$work/core/stray.c"
if python3 "$check" "$work/core" >"$work/stray.txt"; then
  fail "a file outside the layer folders passed the check"
fi
grep -q 'core/stray.c: a source file outside the layer folders' "$work/stray.txt" || fail "$(cat "$work/stray.txt")"
echo "ok: layering check"
