#!/usr/bin/env bash
# No false pass (issue 9, point 3): a pull request cannot weaken its own gate.
# One pull request turns a rule off in provcheck.lua, another edits a rule script
# (and adds one). Checked with --config-from the base branch they still fail, in
# every mode; checked with their own config the report flags the change (JSON
# target.config_changed, a warning line in text and github output, kept by
# merge). The GitHub Action's and the GitLab template's scripts, run locally as CI
# runs them, use the base branch's config by default.
. "$(dirname "$0")/lib.sh"

git_identity
R=$TMP/site
mkdir -p "$R/rules"
git -C "$R" init -q -b main
cat >"$R/provcheck.lua" <<'LUA'
return {
  site_root = "public",
  rule_paths = { "rules" },
  rules = { ["source-attribution"] = "error" },
}
LUA
cat >"$R/rules/needs-h1.lua" <<'LUA'
return {
  id = "needs-h1", summary = "a page has a visible h1", severity = "error",
  check = function(page, opts, report)
    if #page:select("h1") == 0 then report{ message = "the page has no h1" } end
  end,
}
LUA
good_page "$R/public/privacy.html" "Privacy"
good_page "$R/public/news/a.html" "A"
git -C "$R" add -A && git -C "$R" commit -qm "trusted base"
BASE=$(git -C "$R" rev-parse main)

FOOTER='<footer><a href="/privacy.html">Privacy</a>
<p>The information on this site is from external sources that are not under our control.</p></footer>'
# pr-config: the source rule turned off, and a page without a source
git -C "$R" checkout -qb pr-config
sed -i 's/\["source-attribution"\] = "error"/["source-attribution"] = "off"/' "$R/provcheck.lua"
page_with "$R/public/news/no-source.html" "<article><h1>No source</h1><p>Text.</p>$FOOTER</article>"
git -C "$R" add -A && git -C "$R" commit -qm "turn the source rule off"
# pr-rule: the h1 rule made toothless, one rule script more, and a page without h1
git -C "$R" checkout -q main
git -C "$R" checkout -qb pr-rule
cat >"$R/rules/needs-h1.lua" <<'LUA'
return {
  id = "needs-h1", summary = "a page has a visible h1", severity = "error",
  check = function(page, opts, report) end,
}
LUA
cat >"$R/rules/zz-extra.lua" <<'LUA'
return { id = "zz-extra", summary = "nothing", check = function(page, opts, report) end }
LUA
page_with "$R/public/news/no-h1.html" "<article><p>Source: reuters</p>$FOOTER</article>"
git -C "$R" add -A && git -C "$R" commit -qm "relax the h1 rule"
# pr-clean: a compliant page only
git -C "$R" checkout -q main
git -C "$R" checkout -qb pr-clean
good_page "$R/public/news/c.html" "C"
git -C "$R" add -A && git -C "$R" commit -qm "a good page"
git -C "$R" checkout -q main

# pr_case BRANCH RULE PAGE CHANGED_FILES_JSON
pr_case() {
  local br=$1 rule=$2 page=$3 files=$4
  # the pull request's own config and rules: it passes, but the report says why
  run_in "$R" check --rev "$br" --changed-since main -f json
  assert_status 0 "$br: with its own config the pull request passes its gate"
  assert_eq "$(json 'd["target"]["config_changed"]')" true "$br: the report flags the config change"
  assert_eq "$(json 'd["target"]["config_changed_files"]')" "$files" "$br: and names the changed files"
  assert_eq "$(json 'd["target"]["config_from"]')" null "$br: config read from the checked revision"
  assert_eq "$(json 'd["target"]["config_base"]')" main "$br: compared with the base"
  run_in "$R" check --rev "$br" --changed-since main
  assert_contains "$OUT" "warning: the checked revision changes" "$br: text shows a warning line"
  assert_contains "$OUT" "--config-from main" "$br: the warning says how to use the trusted config"
  run_in "$R" check --rev "$br" --changed-since main -f github
  assert_contains "$OUT" "::warning title=provcheck config changed::" "$br: github shows a warning"

  # the trusted config and rules: it fails, in every mode
  run_in "$R" check --rev "$br" --changed-since main --config-from main -f json
  assert_status 1 "$br: --rev with --config-from main fails"
  assert_eq "$(json "sorted(set(f['rule'] for f in d['findings'] if f['path'].endswith('$page')))")" \
    "[\"$rule\"]" "$br: the rule the pull request weakened finds the page"
  assert_eq "$(json 'd["target"]["config_changed"]')" true "$br: the change is still flagged"
  assert_eq "$(json 'd["target"]["config_from"]')" main "$br: config_from recorded"
  run_in "$R" check --rev "$br" --config-from "$BASE"
  assert_status 1 "$br: --rev alone with --config-from a hash fails"
  assert_contains "$OUT" "were read from $BASE (--config-from)" "$br: text says where the rules came from"

  git -C "$R" checkout -q "$br"
  run_in "$R" check --config-from main
  assert_status 1 "$br: files mode with --config-from main fails"
  run_in "$R/public" check --changed-since main --config-from main -f json
  assert_status 1 "$br: files mode --changed-since from a subfolder fails"
  assert_eq "$(json 'd["target"]["config_changed_files"]')" "$files" "$br: files mode names the changes"
  git -C "$R" checkout -q --detach "$br"
  git -C "$R" reset -q --soft main          # the pull request's changes, staged
  run_in "$R" check --staged --config-from main
  assert_status 1 "$br: --staged with --config-from main fails"
  run_in "$R" check --staged -f json
  assert_eq "$(json 'd["target"]["config_base"]')" HEAD "$br: --staged compares with HEAD"
  assert_eq "$(json 'd["target"]["config_changed_files"]')" "$files" "$br: --staged names the changes"
  git -C "$R" checkout -q -f main
  git -C "$R" clean -qfd

  # shards merged: the merged report still carries the warning
  run_in "$R" check --rev "$br" --changed-since main -f json -o "$TMP/$br.json"
  run merge -f text "$TMP/$br.json"
  assert_contains "$OUT" "warning: the checked revision changes" "$br: merge keeps the warning"
}

pr_case pr-config source-attribution no-source.html '["provcheck.lua"]'
pr_case pr-rule needs-h1 no-h1.html '["rules/needs-h1.lua","rules/zz-extra.lua"]'

run_in "$R" check --rev pr-clean --changed-since main --config-from main -f json
assert_status 0 "a clean pull request passes with the base config"
assert_eq "$(json 'd["target"]["config_changed"]')" false "no config change flagged"
assert_eq "$(json 'd["target"]["config_changed_files"]')" "[]" "no file listed"
run_in "$R" check --rev pr-clean --changed-since main
assert_not_contains "$OUT" "warning:" "no warning without a change"

# usage and setup errors
run_in "$R" check --config-from nope
assert_status 2 "a --config-from that does not resolve"
assert_contains "$ERR" "nope" "names it"
run_in "$R" check --config-from main -c missing.lua
assert_status 2 "--config-from with a --config that is not in that revision"
run_in "$TMP" check --config-from main
assert_status 2 "--config-from outside a repository"

# --- the GitHub Action, its run step as a pull request runs it ----------------------
ACTION=$PROVCHECK_SRC/plugins/github-action/action.yml
action_run_script "$ACTION" with-env >"$TMP/action-run.sh"
BIN=$TMP/bin
mkdir -p "$BIN"
ln -sf "$PROVCHECK" "$BIN/provcheck"
# action_pr BRANCH [ENV...]: the step on a pull request of BRANCH into main.
action_pr() {
  local br=$1
  shift
  git -C "$R" checkout -q "$br"
  rm -f "$TMP/gh-out"
  (cd "$R" && env PATH="$BIN:$PATH" GITHUB_OUTPUT=$TMP/gh-out BASE_SHA=$BASE "$@" \
     bash -e "$TMP/action-run.sh") >"$TMP/gh.log" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/gh.log")
  ERR=""
  git -C "$R" checkout -q main
}
for br in pr-config pr-rule; do
  action_pr "$br"
  assert_status 0 "action ($br): the run step itself completes"
  assert_contains "$(cat "$TMP/gh-out")" "exit-code=1" "action ($br): by default the base config fails the pull request"
  assert_contains "$OUT" "::warning title=provcheck config changed::" "action ($br): and warns about the change"
  action_pr "$br" PROVCHECK_CONFIG_FROM_BASE=false
  assert_contains "$(cat "$TMP/gh-out")" "exit-code=0" "action ($br): config-from-base: false uses the PR's config"
  assert_contains "$OUT" "::warning title=provcheck config changed::" "action ($br): which is flagged"
done
action_pr pr-clean
assert_contains "$(cat "$TMP/gh-out")" "exit-code=0" "action: a clean pull request passes"

# --- the GitLab template, a merge request pipeline ------------------------------------
GITLAB=$PROVCHECK_SRC/plugins/gitlab/provcheck.gitlab-ci.yml
{
  python3 - "$GITLAB" <<'PY'
import shlex, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for k, v in d["variables"].items():
    print('export %s="${%s-%s}"' % (k, k, v))
PY
  gitlab_script "$GITLAB" provcheck
} >"$TMP/shard.sh"
# gitlab_mr BRANCH [ENV...]: the shard job (one shard) of a merge request into main.
gitlab_mr() {
  local br=$1
  shift
  git -C "$R" checkout -q "$br"
  (cd "$R" && env PATH="$BIN:$PATH" CI_NODE_INDEX=1 CI_NODE_TOTAL=1 \
     CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main CI_MERGE_REQUEST_DIFF_BASE_SHA=$BASE "$@" \
     bash "$TMP/shard.sh") >"$TMP/gl.log" 2>&1
  STATUS=$?
  OUT=$(cat "$TMP/gl.log")
  ERR=""
  rm -f "$R"/provcheck-shard-*.json
  git -C "$R" checkout -q main
}
for br in pr-config pr-rule; do
  gitlab_mr "$br"
  assert_status 1 "gitlab ($br): by default the target branch's config fails the MR"
  assert_contains "$OUT" "warning: the checked work tree changes" "gitlab ($br): the job log warns"
  gitlab_mr "$br" PROVCHECK_CONFIG_FROM_TARGET=false
  assert_status 0 "gitlab ($br): PROVCHECK_CONFIG_FROM_TARGET=false uses the MR's config"
done
gitlab_mr pr-clean
assert_status 0 "gitlab: a clean merge request passes"

finish
