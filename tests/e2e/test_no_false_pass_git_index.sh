#!/usr/bin/env bash
# No false pass (issue 9, point 1): git commit -a, git commit PATH, --only PATH and
# --include PATH run the pre-commit hook with a temporary index named by
# GIT_INDEX_FILE. The hook must check that index, not .git/index: each of those
# commits of a broken page is refused, through `provcheck install-hook` and through
# the real pre-commit framework, and the fixed page commits.
. "$(dirname "$0")/lib.sh"

git_identity
precommit_env

BAD='<article><p>No attribution, no disclaimer.</p><a href="/privacy.html">Privacy</a></article>'
PAGE=public/news/a.html

# new_site DIR: a repository with a config (site in public/) and a compliant site,
# committed.
new_site() {
  mkdir -p "$1"
  git -C "$1" init -q -b main
  printf 'return { site_root = "public" }\n' >"$1/provcheck.lua"
  good_page "$1/public/privacy.html" "Privacy"
  good_page "$1/$PAGE" "A"
  good_page "$1/public/news/b.html" "B"
  git -C "$1" add -A
  git -C "$1" commit -q --no-verify -m "compliant site"
}

# try_commit DIR DESCRIPTION GIT-COMMIT-ARGS...: break the page in the work tree
# (never staged by hand), commit with those arguments, expect a refusal and HEAD
# unchanged; then restore the work tree and the index.
try_commit() {
  local dir=$1 what=$2
  shift 2
  local head
  head=$(git -C "$dir" rev-parse HEAD)
  page_with "$dir/$PAGE" "$BAD"
  (cd "$dir" && git commit -q "$@") >"$TMP/.out" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=""
  if [ "$STATUS" -ne 0 ]; then pass; else fail "$what: the broken page was committed"; fi
  assert_eq "$(git -C "$dir" rev-parse HEAD)" "$head" "$what: HEAD did not move"
  assert_contains "$OUT" "news/a.html" "$what: the hook names the page"
  git -C "$dir" reset -q --hard
}

# every_form DIR LABEL: the four commit forms that use a temporary index.
every_form() {
  try_commit "$1" "$2: git commit -a" -a -m "break a (-a)"
  try_commit "$1" "$2: git commit PATH" -m "break a (PATH)" -- "$PAGE"
  try_commit "$1" "$2: git commit --only PATH" --only -m "break a (--only)" -- "$PAGE"
  try_commit "$1" "$2: git commit --include PATH" --include -m "break a (--include)" -- "$PAGE"
  # the fixed page commits, with -a
  good_page "$1/$PAGE" "A fixed"
  (cd "$1" && git commit -q -a -m "fix a") >"$TMP/.out" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  assert_status 0 "$2: a compliant git commit -a goes through"
  assert_contains "$(git -C "$1" show HEAD:$PAGE)" "A fixed" "$2: the fix was committed"
}

# --- provcheck install-hook -----------------------------------------------------
I=$TMP/install-hook
new_site "$I"
run_in "$I" install-hook
assert_status 0 "install-hook"
every_form "$I" "install-hook"

# --- install-hook from a linked worktree: git runs the main repository's hooks ------
W=$TMP/wt-main
new_site "$W"
git -C "$W" worktree add -q "$TMP/wt-linked" 2>/dev/null
run_in "$TMP/wt-linked" install-hook
assert_status 0 "install-hook in a linked worktree"
assert_file_exists "$W/.git/hooks/pre-commit" "the hook went where git looks for it"
every_form "$TMP/wt-linked" "install-hook (linked worktree)"

# --- the pre-commit framework with the shipped hook --------------------------------
hooks_repo

F=$TMP/framework
new_site "$F"
cat >"$F/.pre-commit-config.yaml" <<YAML
repos:
  - repo: file://$HOOKS
    rev: $HOOKS_REV
    hooks:
      - id: provcheck
YAML
git -C "$F" add .pre-commit-config.yaml && git -C "$F" commit -q --no-verify -m "pre-commit config"
(cd "$F" && pre-commit install) >/dev/null 2>&1
assert_file_exists "$F/.git/hooks/pre-commit" "pre-commit install wrote the hook"
every_form "$F" "pre-commit framework"

# --- the pre-commit framework with a local hook checking the index ------------------
L=$TMP/local-hook
new_site "$L"
cat >"$L/.pre-commit-config.yaml" <<'YAML'
repos:
  - repo: local
    hooks:
      - id: provcheck
        name: provcheck
        entry: provcheck check --staged --changed-since HEAD
        language: system
        pass_filenames: false
        files: (\.html?|\.lua)$
YAML
git -C "$L" add .pre-commit-config.yaml && git -C "$L" commit -q --no-verify -m "pre-commit config"
(cd "$L" && pre-commit install) >/dev/null 2>&1
every_form "$L" "pre-commit local --staged hook"

# --- GIT_INDEX_FILE by hand: relative names start at the work tree root, as in git --
page_with "$I/$PAGE" "$BAD"
(cd "$I" && GIT_INDEX_FILE=.git/other-index git read-tree HEAD &&
  GIT_INDEX_FILE=.git/other-index git add "$PAGE")
(cd "$I/public" && GIT_INDEX_FILE=.git/other-index timeout 60 "$PROVCHECK" check --staged -f json) >"$TMP/.out" 2>"$TMP/.err"
STATUS=$?
OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
assert_status 1 "--staged from a subfolder reads the relative GIT_INDEX_FILE"
assert_eq "$(json 'sorted(set(f["path"] for f in d["findings"]))')" '["public/news/a.html"]' \
  "the broken page staged only in that index is found"
run_in "$I/public" check --staged
assert_status 0 "without GIT_INDEX_FILE, .git/index (the page is not staged there)"
(cd "$I" && GIT_INDEX_FILE=$I/.git/other-index timeout 60 "$PROVCHECK" check --changed-since HEAD -f json) >"$TMP/.out" 2>"$TMP/.err"
STATUS=$?
OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
assert_status 1 "files mode --changed-since with an absolute GIT_INDEX_FILE"
git -C "$I" checkout -q -- "$PAGE"
# an index that cannot be read is a setup error, never an empty pass; --rev
# does not read the index at all
printf 'not an index' >"$TMP/bad-index"
(cd "$I" && GIT_INDEX_FILE=$TMP/bad-index timeout 60 "$PROVCHECK" check --staged) >"$TMP/.out" 2>"$TMP/.err"
STATUS=$?
OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
assert_status 2 "--staged with an unreadable GIT_INDEX_FILE"
assert_contains "$ERR" "GIT_INDEX_FILE" "the message names the variable"
(cd "$I" && GIT_INDEX_FILE=$TMP/bad-index timeout 60 "$PROVCHECK" check --rev HEAD) >"$TMP/.out" 2>"$TMP/.err"
STATUS=$?
assert_status 0 "--rev ignores GIT_INDEX_FILE"

finish
