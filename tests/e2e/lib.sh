# lib.sh: shared helpers for the end-to-end tests. Source it from a test script:
#   . "$(dirname "$0")/lib.sh"
# PROVCHECK (the binary) and PROVCHECK_SRC (the source tree) come from ctest; run
# by hand they default to build/provcheck and this checkout.
set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROVCHECK_SRC=${PROVCHECK_SRC:-$(cd "$E2E_DIR/../.." && pwd)}
PROVCHECK=${PROVCHECK:-$PROVCHECK_SRC/build/provcheck}
export NO_COLOR=1   # tests that want colour unset it

TMP=$(mktemp -d "${TMPDIR:-/tmp}/provcheck-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

FAILS=0
CHECKS=0
OUT=""       # stdout of the last run
ERR=""       # stderr of the last run
STATUS=0     # exit status of the last run

# A sanitizer report fails the test whatever the exit status was.
check_sanitizers() {
  case "$ERR" in
    *"ERROR: AddressSanitizer"*|*"ERROR: LeakSanitizer"*|*"runtime error:"*)
      fail "sanitizer report from: provcheck $*" ;;
  esac
}

# run ARGS...: run provcheck, keeping stdout, stderr and the exit status.
run() {
  timeout 120 "$PROVCHECK" "$@" >"$TMP/.out" 2>"$TMP/.err"
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
  check_sanitizers "$@"
}

# run_in DIR ARGS...: run provcheck with DIR as the current folder.
run_in() {
  local dir=$1
  shift
  (cd "$dir" && timeout 120 "$PROVCHECK" "$@") >"$TMP/.out" 2>"$TMP/.err"
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
  check_sanitizers "$@"
}

fail() {
  FAILS=$((FAILS + 1))
  echo "FAIL: $*" >&2
  echo "  exit status: $STATUS" >&2
  echo "  stdout: $(printf '%s' "$OUT" | head -c 1500)" >&2
  echo "  stderr: $(printf '%s' "$ERR" | head -c 1500)" >&2
}

pass() {
  CHECKS=$((CHECKS + 1))
}

# assert_status N DESCRIPTION
assert_status() {
  if [ "$STATUS" -eq "$1" ]; then pass; else fail "$2: expected exit $1"; fi
}

# assert_contains HAYSTACK NEEDLE DESCRIPTION
assert_contains() {
  case "$1" in
    *"$2"*) pass ;;
    *) fail "$3: expected to find '$2'" ;;
  esac
}

assert_not_contains() {
  case "$1" in
    *"$2"*) fail "$3: did not expect '$2'" ;;
    *) pass ;;
  esac
}

# assert_eq ACTUAL EXPECTED DESCRIPTION
assert_eq() {
  if [ "$1" = "$2" ]; then pass; else fail "$3: expected '$2', got '$1'"; fi
}

assert_file_exists() {
  if [ -e "$1" ]; then pass; else fail "$2: $1 does not exist"; fi
}

assert_no_file() {
  if [ ! -e "$1" ]; then pass; else fail "$2: $1 exists"; fi
}

# json EXPR [FILE]: evaluate a Python expression over the JSON document `d` (read
# from FILE, else from the last run's stdout) and print the result; lists and dicts
# as compact JSON, strings bare.
json() {
  local expr=$1 file=${2:-$TMP/.out}
  python3 -c '
import json, sys
d = json.load(open(sys.argv[2]))
v = eval(sys.argv[1], {"d": d, "json": json})
if isinstance(v, (dict, list)) or v is None or isinstance(v, bool):
    print(json.dumps(v, sort_keys=True, separators=(",", ":")))
else:
    print(v)
' "$expr" "$file"
}

# page DIR/REL CONTENT...: write a page, creating folders.
write_file() {
  mkdir -p "$(dirname "$1")"
  printf '%s\n' "$2" >"$1"
}

# A page that passes the three core rules with their defaults.
GOOD_BODY='<p>Source: cnnespanol</p>
<footer><p>&copy; Communities 2019 - <a href="/privacy.html">Privacy</a></p>
<p>The information on this site is from external sources that are not under our control.</p></footer>'

# good_page FILE [TITLE]
good_page() {
  write_file "$1" "<!DOCTYPE html>
<html><head><meta charset=\"utf-8\"><title>${2:-News}</title></head>
<body>
<article>
<h1>${2:-News}</h1>
<p>Russian Foreign Minister Sergei Lavrov said Wednesday that Moscow expects answers.</p>
$GOOD_BODY
</article>
</body></html>"
}

# page_with FILE BODY: a page whose body is BODY.
page_with() {
  write_file "$1" "<!DOCTYPE html>
<html><head><meta charset=\"utf-8\"><title>Page</title></head>
<body>
$2
</body></html>"
}

# git_identity: a private HOME and a fixed author, so the git tests never read
# the machine's git configuration and build the same commits everywhere.
git_identity() {
  export HOME=$TMP GIT_CONFIG_NOSYSTEM=1
  export GIT_AUTHOR_NAME="Ann Author" GIT_AUTHOR_EMAIL=ann@example.com
  export GIT_COMMITTER_NAME="Ann Author" GIT_COMMITTER_EMAIL=ann@example.com
}

# precommit_env: the real pre-commit framework with a private cache, and this
# provcheck on the PATH (language: system hooks find the binary there).
precommit_env() {
  if ! command -v pre-commit >/dev/null; then
    echo "pre-commit is not installed (scripts/setup.sh installs it)" >&2
    exit 1
  fi
  export PRE_COMMIT_HOME=$TMP/pre-commit-cache
  mkdir -p "$TMP/bin"
  ln -sf "$PROVCHECK" "$TMP/bin/provcheck"
  export PATH=$TMP/bin:$PATH
}

# hooks_repo [HOOKS_FILE]: commit this checkout's .pre-commit-hooks.yaml (or
# HOOKS_FILE) into a repository of its own, as pre-commit wants; sets HOOKS (its
# folder, use file://$HOOKS) and HOOKS_REV.
hooks_repo() {
  HOOKS=$TMP/hooks-repo
  mkdir -p "$HOOKS"
  git -C "$HOOKS" init -q -b main
  cp "${1:-$PROVCHECK_SRC/.pre-commit-hooks.yaml}" "$HOOKS/.pre-commit-hooks.yaml"
  git -C "$HOOKS" add -A && git -C "$HOOKS" commit -qm hooks
  HOOKS_REV=$(git -C "$HOOKS" rev-parse HEAD)
}

# gitlab_script FILE JOB: a GitLab job's script lines as GitLab runs them (one
# bash session, stopping at the first failing line).
gitlab_script() {
  python3 - "$1" "$2" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
print("set -e")
for line in d[sys.argv[2]]["script"]:
    print(line)
PY
}

# action_run_script FILE [with-env]: the GitHub Action's `check` step script, with
# the action's inputs at their defaults. With `with-env`, the step's env values
# that come from inputs are exported first (at their defaults; a variable already
# set in the environment wins, as a `with:` input would).
action_run_script() {
  python3 - "$1" "${2:-}" <<'PY'
import re, shlex, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
defaults = {k: v.get("default", "") for k, v in d["inputs"].items()}
step = next(s for s in d["runs"]["steps"] if s.get("id") == "check")
expr = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")
if sys.argv[2] == "with-env":
    for k, v in step.get("env", {}).items():
        if expr.fullmatch(str(v)):
            print('export %s="${%s-%s}"' % (k, k, expr.sub(lambda m: defaults[m.group(1)], str(v))))
print(expr.sub(lambda m: defaults[m.group(1)], step["run"]))
PY
}

# require_nginx: the live-audit tests need nginx (scripts/setup.sh installs it).
require_nginx() {
  if ! command -v nginx >/dev/null 2>&1; then
    echo "nginx is not installed: run scripts/setup.sh (it installs nginx-light)" >&2
    exit 1
  fi
}

# test_server_start NAME [ARGS...]: start the tests' own HTTP server
# (tests/servers/test_server.py, 127.0.0.1, a free port) with ARGS; sets PORT.
# Its stderr is $TMP/NAME.err; it is stopped when the test exits.
TEST_SERVER_PIDS=()
test_server_start() {
  local name=$1
  shift
  python3 "$PROVCHECK_SRC/tests/servers/test_server.py" "$@" \
    >"$TMP/$name.port" 2>"$TMP/$name.err" &
  TEST_SERVER_PIDS+=($!)
  trap test_servers_stop EXIT
  local i
  for i in $(seq 1 100); do
    PORT=$(head -1 "$TMP/$name.port" 2>/dev/null)
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  echo "test server did not start: $(cat "$TMP/$name.err")" >&2
  exit 1
}

test_servers_stop() {
  local pid
  for pid in "${TEST_SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$TMP"
}

# run_hidden DIR BIN ARGS...: run an installed provcheck BIN in DIR with the source
# tree and the build folder hidden behind empty file systems (a private mount
# namespace, root only), so it cannot read anything from them. Where that is not
# possible (not root) BIN merely runs; HIDDEN says which (1 hidden, 0 not).
HIDDEN=0
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then HIDDEN=1; fi
run_hidden() {
  local dir=$1 bin=$2 build=${PROVCHECK_BUILD:-$PROVCHECK_SRC/build}
  shift 2
  if [ "$HIDDEN" = 1 ]; then
    (cd "$dir" && timeout 120 unshare -m bash -c '
      mount -t tmpfs none "$1" && { [ ! -d "$2" ] || mount -t tmpfs none "$2"; } &&
      [ ! -e "$1/CMakeLists.txt" ] && [ ! -e "$2/CMakeCache.txt" ] || exit 99
      shift 2; exec "$@"' hide "$PROVCHECK_SRC" "$build" "$bin" "$@")
  else
    (cd "$dir" && timeout 120 "$bin" "$@")
  fi >"$TMP/.out" 2>"$TMP/.err"
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
  if [ "$STATUS" = 99 ]; then fail "could not hide the source and build trees"; fi
}

# finish: print a summary and exit non-zero when any assertion failed.
finish() {
  if [ "$FAILS" -gt 0 ]; then
    echo "$(basename "$0"): $FAILS failed, $CHECKS passed" >&2
    exit 1
  fi
  echo "$(basename "$0"): all $CHECKS checks passed"
  exit 0
}

if [ ! -x "$PROVCHECK" ]; then
  echo "provcheck binary not found at $PROVCHECK (build first, or set PROVCHECK)" >&2
  exit 1
fi

# start_test_server NAME [ARGS...]: test_server_start, logging requests to
# $TMP/NAME.log.
start_test_server() {
  local name=$1
  shift
  test_server_start "$name" --log "$TMP/$name.log" "$@"
}
