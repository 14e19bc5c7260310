#!/usr/bin/env bash
# Determinism: every format is byte-for-byte the same for -j1, -j2, -j4 and repeated
# runs, in files mode and for a git revision; and with every shipped pack on.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
good_page "$S/privacy.html" "Privacy"
for i in $(seq 1 30); do
  case $((i % 4)) in
    0) good_page "$S/d$((i % 5))/p$i.html" "P$i" ;;
    1) page_with "$S/d$((i % 5))/p$i.html" "<article><p>Nothing $i.</p></article>" ;;
    2) page_with "$S/d$((i % 5))/p$i.html" "<!-- provcheck-disable privacy-link -- later -->
<article><p>Source: reuters</p><p>Page $i</p></article>" ;;
    3) page_with "$S/d$((i % 5))/p$i.html" "<article><p>Source: unknown-$i</p><p>x</p></article>" ;;
  esac
done
printf 'return { rules = { ["source-attribution"] = { severity = "warning", sources = { "reuters" } } } }\n' >"$S/provcheck.lua"
git -C "$S" init -q && git -C "$S" add -A &&
  git -C "$S" -c user.name=T -c user.email=t@example.com commit -qm init

# same_bytes DESCRIPTION ARGS...: every -j and a repeated run print the same bytes.
same_bytes() {
  local what=$1
  shift
  local ref=""
  for j in 1 2 4 4; do
    (cd "$S" && "$PROVCHECK" "$@" -j "$j" --no-cache) >"$TMP/out.$j" 2>/dev/null
    local st=$?
    if [ "$st" -gt 1 ]; then
      fail "$what: exit $st with -j $j"
      return
    fi
    if [ -z "$ref" ]; then
      ref=$TMP/out.$j
      cp "$ref" "$TMP/ref"
      ref=$TMP/ref
    elif ! cmp -s "$ref" "$TMP/out.$j"; then
      fail "$what: -j $j differs: $(diff "$ref" "$TMP/out.$j" | head -10)"
      return
    fi
  done
  if [ -s "$ref" ]; then pass; else fail "$what: empty output"; fi
}

for fmt in text json sarif junit github; do
  same_bytes "files mode, $fmt" check -f "$fmt"
  same_bytes "--rev HEAD, $fmt" check --rev HEAD -f "$fmt"
done
same_bytes "baseline" baseline
same_bytes "shard 2/3" check --shard 2/3 -f json

# Every shipped pack on its example pages: a shipped rule keeps its helper
# modules from page to page (they keep no state), so which worker saw which page
# first must not show in the report.
for cfg in "$PROVCHECK_SRC"/examples/packs/*.lua; do
  ref=""
  for j in 1 2 4; do
    (cd "$PROVCHECK_SRC" && "$PROVCHECK" check -c "$cfg" -f json -j "$j" --no-cache) \
      >"$TMP/pack.$j" 2>/dev/null
    if [ -z "$ref" ]; then
      ref=$TMP/pack.1
    elif ! cmp -s "$ref" "$TMP/pack.$j"; then
      fail "$(basename "$cfg"): -j $j differs: $(diff "$ref" "$TMP/pack.$j" | head -6)"
      continue 2
    fi
  done
  if grep -q '"rule": "' "$ref"; then pass; else fail "$(basename "$cfg"): no findings"; fi
done

finish
