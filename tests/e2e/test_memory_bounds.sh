#!/usr/bin/env bash
# Peak memory, measured by the kernel (GNU time's maximum resident set size),
# stays bounded where it used to grow with the input:
# - `check --rev` over a packed repository: libgit2 mapped the pack file in 1 GiB
#   windows and every page read kept its part resident, so peak RSS grew with
#   the pack (228 MiB on a 20,000-page revision). The same pages checked from a
#   revision must cost no more than a few MiB above files mode.
# - one large page: the map from normalized text back to raw text (four bytes per
#   text byte) was built for every page, in a buffer rounded up to a power of two;
#   on the streaming path libxml2 also decoded its copy of the input again.
# Memory is not load-sensitive, unlike time: these are real bounds, not timings.
. "$(dirname "$0")/lib.sh"

git_identity
if ! [ -x /usr/bin/time ]; then
  echo "GNU time (/usr/bin/time) is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi

# peak_kb DIR ARGS...: run provcheck in DIR; its peak RSS in KiB into RSS_KB.
peak_kb() {
  local dir=$1
  shift
  (cd "$dir" && timeout 300 /usr/bin/time -f %M -o "$TMP/.rss" "$PROVCHECK" "$@") \
    >"$TMP/.out" 2>"$TMP/.err"
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
  check_sanitizers "$@"
  RSS_KB=$(tail -1 "$TMP/.rss")
}

# --- --rev: a 48 MiB pack of pages that do not compress ---------------------
R=$TMP/repo
mkdir -p "$R"
python3 - "$R" <<'PY'
import base64, os, random, sys
root = sys.argv[1]
rng = random.Random(13)
for i in range(64):
    # 1 MiB of base64 words: zlib keeps about three quarters of it
    words = base64.b64encode(rng.randbytes(3 << 18)).decode()
    body = " ".join(words[k:k + 60] for k in range(0, len(words), 60))
    os.makedirs(f"{root}/news", exist_ok=True)
    with open(f"{root}/news/p{i:02d}.html", "w") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>P</title></head>'
                f'<body><article><p>Source: reuters</p><p>{body}</p></article></body></html>\n')
PY
git -C "$R" init -q -b main
git -C "$R" config gc.auto 0
git -C "$R" add -A
git -C "$R" commit -qm "64 pages"
git -C "$R" gc -q   # one pack, as a clone has
PACK_KB=$(du -k "$R"/.git/objects/pack/*.pack | cut -f1)
[ "$PACK_KB" -gt 40000 ] && pass || fail "the pack is $PACK_KB KiB: too small to show anything"

peak_kb "$R" check --no-cache -j1 -f json -o "$TMP/files.json"
FILES_KB=$RSS_KB
assert_status 1 "files mode: the pages have findings"
peak_kb "$R" check --rev HEAD --no-cache -j1 -f json -o "$TMP/rev.json"
REV_KB=$RSS_KB
assert_status 1 "--rev HEAD: the pages have findings"
assert_eq "$(json 'd["summary"]["pages"]' "$TMP/rev.json")" 64 "--rev checked every page"
assert_eq "$(json '[(f["path"], f["rule"], f["line"], f["column"], f["message"]) for f in d["findings"]]' "$TMP/rev.json")" \
  "$(json '[(f["path"], f["rule"], f["line"], f["column"], f["message"]) for f in d["findings"]]' "$TMP/files.json")" \
  "--rev finds what files mode finds"
# at most 8 MiB of the pack is mapped at once; 16 MiB leaves room for the git
# objects and the page list, and is a third of the pack
if [ "$REV_KB" -le $((FILES_KB + 16384)) ]; then pass; else
  fail "--rev peaked at $REV_KB KiB, files mode at $FILES_KB KiB (pack $PACK_KB KiB)"
fi
# two workers hold two pages, two allocator arenas and two readers' windows in
# use: against files mode -j2, with half the pack as the bound
peak_kb "$R" check --no-cache -j2 -f json -o "$TMP/files2.json"
FILES2_KB=$RSS_KB
peak_kb "$R" check --rev HEAD --no-cache -j2 -f json -o "$TMP/rev2.json"
REV2_KB=$RSS_KB
if [ "$REV2_KB" -le $((FILES2_KB + 24576)) ]; then pass; else
  fail "--rev -j2 peaked at $REV2_KB KiB, files mode -j2 at $FILES2_KB KiB (pack $PACK_KB KiB)"
fi

# --- --rev: what each page adds ----------------------------------------------
# A run keeps per page its path and blob id (the tree's list, the page list, the
# report) and its findings. Small pages with three findings each: about 1,560
# bytes a page while each string was its own allocation and every finding copied
# its page's path, blob id and commit; about 1,020 since findings share the
# report's strings and the lists sit in string pools. The bound is between the
# two, over 4,000 pages (noise is a few hundred KiB).
if ldd "$PROVCHECK" 2>/dev/null | grep -q libasan; then
  echo "sanitizer build: the per-page growth is not measured" >&2
else
  for n in 1000 5000; do
    S=$TMP/scale-$n
    mkdir -p "$S/news"
    cat >"$S/provcheck.lua" <<'LUA'
return {
  rules = {
    ["source-attribution"] = { sources = { "reuters" } },
    ["third-party-disclaimer"] = { text = "Content from external sources." },
  },
}
LUA
    python3 - "$n" "$S" <<'PY'
import sys
n, root = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    with open(f"{root}/news/page-{i:05d}.html", "w") as f:
        f.write(f"<!DOCTYPE html><html><head><title>Page {i}</title></head><body>"
                f"<article><h1>Page {i}</h1><p>Text of page {i}.</p></article></body></html>\n")
PY
    git -C "$S" init -q -b main
    git -C "$S" config gc.auto 0
    git -C "$S" add -A
    git -C "$S" commit -qm "$n pages"
    git -C "$S" gc -q
    peak_kb "$S" check --rev HEAD --no-cache -j1 -f json -o "$TMP/scale-$n.json"
    assert_status 1 "--rev over $n small pages has findings"
    eval "SCALE_KB_$n=$RSS_KB"
  done
  assert_eq "$(json 'd["summary"]["pages"]' "$TMP/scale-5000.json")" 5000 "--rev checked every page"
  assert_eq "$(json 'd["summary"]["findings"] >= 5000' "$TMP/scale-5000.json")" true \
    "every small page has findings"
  PER_PAGE=$(( (SCALE_KB_5000 - SCALE_KB_1000) * 1024 / 4000 ))
  if [ "$PER_PAGE" -le 1250 ]; then pass; else
    fail "--rev: each page added $PER_PAGE bytes of peak RSS ($SCALE_KB_1000 KiB at 1,000 pages, $SCALE_KB_5000 KiB at 5,000), over 1250"
  fi
fi

# --- one 5 MB page ------------------------------------------------------------
# A sanitizer build has its own allocator overheads: the bound is for real builds.
if ldd "$PROVCHECK" 2>/dev/null | grep -q libasan; then
  echo "sanitizer build: the large-page bound is not measured" >&2
else
  python3 "$PROVCHECK_SRC/bench/gen_big_page.py" "$TMP/big" --findings 10
  page_with "$TMP/small/a.html" '<article><p>Source: reuters</p></article>'
  cp "$TMP/big/provcheck.lua" "$TMP/small/"
  peak_kb "$TMP/small" check --no-cache -f json -o "$TMP/small.json"
  SMALL_KB=$RSS_KB
  PAGE_KB=$(( $(wc -c <"$TMP/big/big.html") / 1024 ))
  # Each page path on its own (PROVCHECK_PAGE_PATH is the test switch; the core
  # rules need no tree, so this page streams by default).
  # The tree path: the page, its DOM, its raw and normalized text and Lua's copy
  # of it: about 6x (the map made it 10x).
  # The streaming path: the page, its raw text, the texts its runs point into
  # and the normalized text: measured 4.1x. It was 8.8x while libxml2 converted
  # its copy of the input again (a UTF-8 decoder over UTF-8 bytes, into a buffer
  # twice their size) and the norm->raw map was built for every streamed page,
  # 5.1x while source-attribution took the whole text into Lua and large buffers
  # grew on the heap (each doubling left a hole); 5x fails any of them back.
  for path_bound in dom:8 stream:5; do
    path=${path_bound%%:*} bound=${path_bound##*:}
    PROVCHECK_PAGE_PATH=$path peak_kb "$TMP/big" check --no-cache -f json -o "$TMP/big-$path.json"
    BIG_KB=$RSS_KB
    assert_status 1 "the large page has its findings ($path path)"
    assert_eq "$(json '[f["rule"] for f in d["findings"]][:2]' "$TMP/big-$path.json")" \
      '["privacy-link","privacy-link"]' "the large page was checked ($path path)"
    if [ $((BIG_KB - SMALL_KB)) -le $((PAGE_KB * bound)) ]; then pass; else
      fail "$path path: a $PAGE_KB KiB page took $((BIG_KB - SMALL_KB)) KiB above a small one ($SMALL_KB KiB), over ${bound}x"
    fi
  done
  cmp -s "$TMP/big-dom.json" "$TMP/big-stream.json" && pass ||
    fail "the large page's report differs between the page paths"
fi

finish
