#!/usr/bin/env bash
# The git benchmark: the same N generated pages (bench/gen_pages.py, 40-60 KB each)
# committed in a repository, checked in files mode, with --rev (cold: empty cache,
# and --no-cache), warm (an unchanged tree, all cache hits), as the pre-commit hook
# does with 5 staged pages (`check --staged --changed-since HEAD`, and through the
# pre-commit framework when installed), and blame of one page with 500 revisions.
# Writes bench/results-git.md.
#
# usage: bench/git_bench.sh [N] (default 20000)   PROVCHECK=path/to/provcheck
set -eu
N=${1:-20000}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
PROVCHECK=${PROVCHECK:-$SRC/build/provcheck}
JOBS=${JOBS:-2}
RESULTS=${RESULTS:-$HERE/results-git.md}
W=$(mktemp -d "${TMPDIR:-/tmp}/provcheck-gitbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
export HOME=$W GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# timed LABEL CMD...: run in the repository, print and keep the wall time in ms
timed() {
  local label=$1 start end
  shift
  start=$(now_ms)
  (cd "$W/repo" && "$@") >/dev/null 2>"$W/err" || [ $? -eq 1 ]
  end=$(now_ms)
  LAST=$((end - start))
  printf '%-44s %8d ms\n' "$label" "$LAST" >&2
}
median3() {  # median3 LABEL CMD...: the median of three runs into LAST
  local a b c
  timed "$@"; a=$LAST
  timed "$@"; b=$LAST
  timed "$@"; c=$LAST
  LAST=$(printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p)
}

echo "generating $N pages..." >&2
mkdir -p "$W/repo"
python3 "$HERE/gen_pages.py" "$N" "$W/repo" >/dev/null
git -C "$W/repo" init -q -b main
git -C "$W/repo" config gc.auto 0   # no background gc while we measure
git -C "$W/repo" add -A
git -C "$W/repo" commit -qm "$N pages"
git -C "$W/repo" gc -q   # a packed repository, as a clone has
SIZE=$(du -sm "$W/repo/news" | cut -f1)

median3 "files mode -j$JOBS" "$PROVCHECK" check -j"$JOBS" -f json -o /dev/null --no-cache
FILES=$LAST
median3 "--rev HEAD --no-cache -j$JOBS" "$PROVCHECK" check --rev HEAD -j"$JOBS" -f json -o /dev/null --no-cache
REV_NOCACHE=$LAST
rm -rf "$W/repo/.git/provcheck"
timed "--rev HEAD cold (empty cache, filling it)" "$PROVCHECK" check --rev HEAD -j"$JOBS" -f json -o /dev/null
REV_COLD=$LAST
median3 "--rev HEAD warm (unchanged tree)" "$PROVCHECK" check --rev HEAD -j"$JOBS" -f json -o /dev/null
REV_WARM=$LAST
CACHE_MB=$(du -sm "$W/repo/.git/provcheck" | cut -f1)

# pre-commit: 5 pages edited and staged
for f in $(cd "$W/repo" && git ls-files 'news/*.html' | head -5); do
  sed -i 's|</article>|<p>An edit.</p></article>|' "$W/repo/$f"
  git -C "$W/repo" add "$f"
done
median3 "check --staged --changed-since HEAD (5 pages)" "$PROVCHECK" check --staged --changed-since HEAD -j"$JOBS"
HOOK=$LAST
median3 "same, --no-cache" "$PROVCHECK" check --staged --changed-since HEAD -j"$JOBS" --no-cache
HOOK_NOCACHE=$LAST
FRAMEWORK=n/a
if command -v pre-commit >/dev/null; then
  mkdir -p "$W/hooks" "$W/bin"
  ln -sf "$PROVCHECK" "$W/bin/provcheck"
  cp "$SRC/.pre-commit-hooks.yaml" "$W/hooks/"
  git -C "$W/hooks" init -q -b main && git -C "$W/hooks" add -A && git -C "$W/hooks" commit -qm hooks
  printf 'repos:\n  - repo: file://%s\n    rev: %s\n    hooks:\n      - id: provcheck\n' \
    "$W/hooks" "$(git -C "$W/hooks" rev-parse HEAD)" >"$W/repo/.pre-commit-config.yaml"
  export PRE_COMMIT_HOME=$W/pre-commit-cache
  (cd "$W/repo" && PATH=$W/bin:$PATH pre-commit run >/dev/null 2>&1) || true   # installs the hook env
  median3 "pre-commit run (framework, 5 staged pages)" env PATH="$W/bin:$PATH" pre-commit run
  FRAMEWORK=$LAST
fi

# blame: one page with 500 revisions, the finding present in all of them
mkdir -p "$W/long"
git -C "$W/long" init -q -b main
git -C "$W/long" config gc.auto 0
python3 "$HERE/gen_pages.py" 1 "$W/one" >/dev/null
PAGE=$(cd "$W/one" && find news -name '*.html' | head -1)
python3 - "$W/long" "$W/one/$PAGE" <<'EOF'
import subprocess, sys
repo, page_file = sys.argv[1], sys.argv[2]
base = open(page_file, 'rb').read()
# no source line in any revision: the finding is as old as the page (worst case)
base = base.replace(b'Source:', b'From:')
out = []
for i in range(1, 501):
    page = base.replace(b'</article>', b'<p>Revision %d.</p></article>' % i)
    msg = b'revision %d\n' % i
    out += [b'commit refs/heads/main\n',
            b'author B <b@example.com> %d +0000\n' % (1700000000 + i),
            b'committer B <b@example.com> %d +0000\n' % (1700000000 + i),
            b'data %d\n%s' % (len(msg), msg),
            b'M 100644 inline page.html\ndata %d\n%s' % (len(page), page)]
subprocess.run(['git', '-C', repo, 'fast-import', '--quiet'], input=b''.join(out), check=True)
EOF
git -C "$W/long" checkout -q main
start=$(now_ms); (cd "$W/long" && "$PROVCHECK" blame -f json page.html >/dev/null); end=$(now_ms)
BLAME_COLD=$((end - start))
printf '%-44s %8d ms\n' "blame, 500 revisions, cold" "$BLAME_COLD" >&2
start=$(now_ms); (cd "$W/long" && "$PROVCHECK" blame -f json page.html >/dev/null); end=$(now_ms)
BLAME_WARM=$((end - start))
printf '%-44s %8d ms\n' "blame, 500 revisions, warm" "$BLAME_WARM" >&2

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b if b else 0))" "$1" "$2"; }
cat >"$RESULTS" <<EOF
# provcheck git benchmark

\`bench/git_bench.sh $N\` on $(nproc) CPUs, -j$JOBS, $(date -u +%Y-%m-%d). Pages from
\`bench/gen_pages.py\` (40-60 KB each, $SIZE MB in all), committed in one commit and
packed (\`git gc\`). Wall times; median of 3 runs except the cold run, which fills
the cache once.

| run | wall ms | pages/s |
| --- | ---: | ---: |
| files mode (\`check\`) | $FILES | $(( N * 1000 / (FILES > 0 ? FILES : 1) )) |
| \`check --rev HEAD --no-cache\` | $REV_NOCACHE | $(( N * 1000 / (REV_NOCACHE > 0 ? REV_NOCACHE : 1) )) |
| \`check --rev HEAD\`, cold (empty cache, filling it) | $REV_COLD | $(( N * 1000 / (REV_COLD > 0 ? REV_COLD : 1) )) |
| \`check --rev HEAD\`, warm (unchanged tree) | $REV_WARM | $(( N * 1000 / (REV_WARM > 0 ? REV_WARM : 1) )) |
| \`check --staged --changed-since HEAD\`, 5 staged pages | $HOOK | |
| same with \`--no-cache\` | $HOOK_NOCACHE | |
| \`pre-commit run\` (the framework, same 5 pages) | $FRAMEWORK | |
| \`blame\` of one page with 500 revisions, cold | $BLAME_COLD | |
| \`blame\` of one page with 500 revisions, warm | $BLAME_WARM | |

| target | measured | met |
| --- | --- | --- |
| \`--rev\` cold throughput >= 90 % of files mode | $(ratio "$FILES" "$REV_COLD") (no cache: $(ratio "$FILES" "$REV_NOCACHE")) | $([ $((REV_COLD * 90)) -le $((FILES * 100)) ] && echo yes || echo no) |
| warm re-check >= 10x faster than cold | $(ratio "$REV_COLD" "$REV_WARM")x | $([ $((REV_WARM * 10)) -le "$REV_COLD" ] && echo yes || echo no) |
| pre-commit, 5 staged pages in $N, < 100 ms | $HOOK ms | $([ "$HOOK" -lt 100 ] && echo yes || echo no) |
| blame of 500 revisions < 1 s cold | $BLAME_COLD ms | $([ "$BLAME_COLD" -lt 1000 ] && echo yes || echo no) |

Cache size after the cold run: $CACHE_MB MB (\`.git/provcheck/cache.sqlite\`).
The pre-commit framework's own start-up (Python) is in its row, not in provcheck's.
EOF
echo "wrote $RESULTS" >&2
