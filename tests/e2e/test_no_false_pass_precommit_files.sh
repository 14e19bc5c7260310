#!/usr/bin/env bash
# No false pass (issue 9, point 2): the shipped pre-commit hook checks the file
# names the pre-commit framework hands over. `pre-commit run --all-files` checks
# the whole site (as pre-commit.ci and CI jobs run it) and `--files X` checks X;
# names outside the site root or the config's include are ignored, and a run with
# only such names passes. Driven through the real framework.
. "$(dirname "$0")/lib.sh"

git_identity
precommit_env
# PRECOMMIT_HOOKS_FILE: another hooks file (to watch this test fail on an old one)
hooks_repo "${PRECOMMIT_HOOKS_FILE:-}"

BAD='<article><p>No attribution, no disclaimer.</p><a href="/privacy.html">Privacy</a></article>'

# precommit DIR ARGS...: `pre-commit run ARGS` in DIR.
precommit() {
  local dir=$1
  shift
  (cd "$dir" && timeout 120 pre-commit run "$@") >"$TMP/.out" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=""
}

# new_repo DIR CONFIG_FOLDER HOOK_ARGS: a repository whose config lives in
# CONFIG_FOLDER ("." = the root) with site_root "public" and drafts excluded, a
# compliant site, files outside the site, and the shipped hook.
new_repo() {
  local dir=$1 cf=$2 args=$3
  mkdir -p "$dir/$cf"
  git -C "$dir" init -q -b main
  printf 'return { site_root = "public", exclude = { "drafts/**" } }\n' >"$dir/$cf/provcheck.lua"
  SITE=$dir/$cf/public
  good_page "$SITE/privacy.html" "Privacy"
  good_page "$SITE/news/a.html" "A"
  good_page "$SITE/news/b.html" "B"
  page_with "$SITE/drafts/wip.html" "$BAD"            # excluded by the config
  page_with "$dir/docs/notes.html" "$BAD"             # outside the site root
  printf '# site\n' >"$dir/README.md"
  cat >"$dir/.pre-commit-config.yaml" <<YAML
repos:
  - repo: file://$HOOKS
    rev: $HOOKS_REV
    hooks:
      - id: provcheck
$args
YAML
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "compliant site"
  (cd "$dir" && pre-commit install) >/dev/null 2>&1
}

# scenario DIR SITE_PREFIX LABEL: the same checks for a config at the root and one in
# a subfolder (SITE_PREFIX = the site root's path in the repository).
scenario() {
  local dir=$1 sp=$2 label=$3
  precommit "$dir" --all-files
  assert_status 0 "$label: --all-files on a clean site"
  assert_contains "$OUT" "Passed" "$label: the hook ran and passed"

  # a broken page that is already committed (the hook was skipped)
  page_with "$dir/$sp/news/b.html" "$BAD"
  git -C "$dir" commit -q -a --no-verify -m "break b"
  precommit "$dir" --all-files
  assert_status 1 "$label: --all-files finds the committed broken page"
  assert_contains "$OUT" "news/b.html" "$label: --all-files names it"
  assert_contains "$OUT" "source-attribution" "$label: with its rule"
  assert_not_contains "$OUT" "wip.html" "$label: excluded pages are not checked"
  assert_not_contains "$OUT" "notes.html" "$label: pages outside the site root are not checked"

  precommit "$dir" --files "$sp/news/b.html"
  assert_status 1 "$label: --files with the broken page"
  assert_contains "$OUT" "news/b.html" "$label: --files names it"
  precommit "$dir" --files "$sp/news/a.html" "$sp/privacy.html"
  assert_status 0 "$label: --files with compliant pages only"
  precommit "$dir" --files README.md docs/notes.html "$sp/drafts/wip.html" .pre-commit-config.yaml
  assert_status 0 "$label: --files with only out-of-scope names passes"
  assert_not_contains "$OUT" "Failed" "$label: no failure for out-of-scope names"
  precommit "$dir" --files README.md "$sp/news/b.html"
  assert_status 1 "$label: out-of-scope names next to a broken page"

  # a commit of an unrelated file does not run into the old broken page, but one
  # touching the page does
  printf 'more\n' >>"$dir/README.md"
  git -C "$dir" add README.md
  (cd "$dir" && git commit -q -m "readme") >"$TMP/.out" 2>&1
  STATUS=$?
  assert_status 0 "$label: a commit of an out-of-scope file goes through"
  printf '<!-- touched -->\n' >>"$dir/$sp/news/b.html"
  git -C "$dir" add "$sp/news/b.html"
  (cd "$dir" && git commit -q -m "touch b") >"$TMP/.out" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  assert_status 1 "$label: a commit of the broken page is refused"

  good_page "$dir/$sp/news/b.html" "B fixed"
  git -C "$dir" add "$sp/news/b.html"
  (cd "$dir" && git commit -q -m "fix b") >"$TMP/.out" 2>&1
  STATUS=$?
  assert_status 0 "$label: the fixed page commits"
  precommit "$dir" --all-files
  assert_status 0 "$label: --all-files passes again"
}

R=$TMP/root-config
new_repo "$R" . ""
scenario "$R" public "config at the root"

S=$TMP/sub-config
new_repo "$S" site "        args: [--config, site/provcheck.lua]"
scenario "$S" site/public "config in a subfolder"

# --- the option itself --------------------------------------------------------------
run_in "$R" check --only-in-scope README.md docs/notes.html public/drafts/wip.html -f json
assert_status 0 "--only-in-scope with out-of-scope names only"
assert_eq "$(json 'd["summary"]["pages"]')" 0 "no page checked"
page_with "$R/public/news/a.html" "$BAD"
run_in "$R" check --only-in-scope README.md public/news/a.html -f json
assert_status 1 "--only-in-scope checks the names in scope"
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["public/news/a.html"]' "only the named page (repository-relative)"
run_in "$R" check docs/notes.html
assert_status 2 "without --only-in-scope a named file outside the site root is still an error"
assert_contains "$ERR" "not inside the site root" "and says so"
run_in "$R" check --only-in-scope --staged public/news/a.html
assert_status 2 "--only-in-scope is for files mode"

finish
