#!/usr/bin/env bash
# Pre-commit, end to end: the real pre-commit framework (Debian package
# `pre-commit`) using this checkout's .pre-commit-hooks.yaml through a file:// clone,
# and `provcheck install-hook` for repositories without the framework. A commit
# with a non-compliant staged page is refused with the findings shown, a compliant
# one goes through, and unstaged edits never change the verdict.
. "$(dirname "$0")/lib.sh"

git_identity
precommit_env

# commit_in REPO MESSAGE: try a commit, keeping its output and status.
commit_in() {
  (cd "$1" && git commit -qm "$2") >"$TMP/.out" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/.out")
  ERR=""
}
BAD='<article><p>No attribution, no disclaimer.</p><a href="/privacy.html">Privacy</a></article>'

# --- the pre-commit framework ---------------------------------------------------
# The hooks file must be committed in a repository: a clone of it, at this checkout.
hooks_repo

R=$TMP/site
mkdir -p "$R"
git -C "$R" init -q -b main
cat >"$R/.pre-commit-config.yaml" <<EOF
repos:
  - repo: file://$HOOKS
    rev: $HOOKS_REV
    hooks:
      - id: provcheck
EOF
(cd "$R" && pre-commit install) >/dev/null 2>&1
assert_file_exists "$R/.git/hooks/pre-commit" "pre-commit install wrote the hook"

good_page "$R/privacy.html" "Privacy"
good_page "$R/news/a.html" "A"
git -C "$R" add -A
commit_in "$R" "first commit (no HEAD yet)"
assert_status 0 "a compliant first commit goes through"

page_with "$R/news/bad.html" "$BAD"
git -C "$R" add news/bad.html
commit_in "$R" "add a bad page"
assert_status 1 "a non-compliant staged page is refused"
assert_contains "$OUT" "news/bad.html" "the findings are shown"
assert_contains "$OUT" "source-attribution" "with their rules"
assert_eq "$(git -C "$R" log --oneline | wc -l | tr -d ' ')" 1 "nothing was committed"

# the staged page is bad, the work tree copy is fixed but not staged: still refused
good_page "$R/news/bad.html" "Fixed but unstaged"
commit_in "$R" "bad staged, good unstaged"
assert_status 1 "unstaged fixes do not change the verdict"
# the staged page is good, the work tree copy is broken but not staged: goes through
git -C "$R" add news/bad.html
page_with "$R/news/bad.html" "$BAD"
commit_in "$R" "good staged, bad unstaged"
assert_status 0 "unstaged breakage does not change the verdict"
assert_contains "$(git -C "$R" show HEAD:news/bad.html)" "Fixed but unstaged" "the staged content was committed"
assert_contains "$(cat "$R/news/bad.html")" "No attribution" "the unstaged edit is still in the work tree"
git -C "$R" checkout -q -- news/bad.html

# only the pages that differ from HEAD are checked: an old bad page does not block
# an unrelated commit (it was committed with --no-verify)
page_with "$R/news/legacy.html" "$BAD"
git -C "$R" add news/legacy.html
git -C "$R" commit -q --no-verify -m "legacy page"
good_page "$R/news/c.html" "C"
git -C "$R" add news/c.html
commit_in "$R" "a good page next to a legacy bad one"
assert_status 0 "only changed pages are checked"
# deleting the privacy page breaks links of unchanged pages only at their next change
git -C "$R" rm -q privacy.html
good_page "$R/news/d.html" "D"
git -C "$R" add news/d.html
commit_in "$R" "d links to a privacy page that is being deleted"
assert_status 1 "links resolve against the whole staged tree"
assert_contains "$OUT" "does not exist" "the dead link is named"
git -C "$R" reset -q --hard

# --- provcheck install-hook -------------------------------------------------------
I=$TMP/plain
mkdir -p "$I"
git -C "$I" init -q -b main
run_in "$I" install-hook
assert_status 0 "install-hook"
assert_file_exists "$I/.git/hooks/pre-commit" "the hook is installed"
assert_contains "$(cat "$I/.git/hooks/pre-commit")" "check --staged" "it runs check --staged"
run_in "$I" install-hook
assert_status 0 "re-installing over its own hook"
good_page "$I/privacy.html" "Privacy"
good_page "$I/a.html" "A"
git -C "$I" add -A
commit_in "$I" "first"
assert_status 0 "install-hook: a compliant commit goes through"
page_with "$I/b.html" "$BAD"
git -C "$I" add b.html
good_page "$I/b.html" "B unstaged fix"
commit_in "$I" "bad staged page"
assert_status 1 "install-hook: a non-compliant staged page is refused"
assert_contains "$OUT" "b.html" "install-hook: findings shown"
git -C "$I" add b.html
page_with "$I/b.html" "$BAD"
commit_in "$I" "good staged page"
assert_status 0 "install-hook: unstaged edits are ignored"

# a foreign hook is never replaced
F=$TMP/foreign
mkdir -p "$F/.git/hooks"
git -C "$F" init -q -b main
printf '#!/bin/sh\necho mine\n' >"$F/.git/hooks/pre-commit"
run_in "$F" install-hook
assert_status 2 "refuses to overwrite a foreign hook"
assert_contains "$ERR" "not written by provcheck" "and says why"
assert_eq "$(cat "$F/.git/hooks/pre-commit")" "$(printf '#!/bin/sh\necho mine')" "the foreign hook is untouched"
# core.hooksPath is respected
git -C "$F" config core.hooksPath .githooks
run_in "$F" install-hook
assert_status 0 "install-hook with core.hooksPath"
assert_file_exists "$F/.githooks/pre-commit" "the hook went to core.hooksPath"
run_in "$TMP" install-hook
assert_status 2 "install-hook outside a repository"

finish
