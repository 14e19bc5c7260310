#!/usr/bin/env bash
# The CI integrations in plugins/, checked as far as they can be here: the GitHub
# Action and the GitLab template parse as YAML, use only options provcheck has, and
# their scripts run locally against the example site (GitLab: every parallel shard
# with CI_NODE_INDEX/CI_NODE_TOTAL, then the merge job; GitHub: the run step on a
# push and on a pull request).
. "$(dirname "$0")/lib.sh"

ACTION=$PROVCHECK_SRC/plugins/github-action/action.yml
GITLAB=$PROVCHECK_SRC/plugins/gitlab/provcheck.gitlab-ci.yml
XSD=$PROVCHECK_SRC/tests/fixtures/junit.xsd
for f in "$ACTION" "$GITLAB" "$PROVCHECK_SRC/plugins/github-action/README.md" \
         "$PROVCHECK_SRC/plugins/gitlab/README.md" "$PROVCHECK_SRC/plugins/jenkins/README.md" \
         "$PROVCHECK_SRC/docs/ci.md"; do
  assert_file_exists "$f" "integration file"
done

# yq EXPR FILE: evaluate a Python expression over the parsed YAML document `d`.
yq() {
  python3 - "$1" "$2" <<'PY'
import json, sys
import yaml
d = yaml.safe_load(open(sys.argv[2]))
v = eval(sys.argv[1], {"d": d})
print(v if isinstance(v, str) else json.dumps(v))
PY
}

if python3 -c 'import yaml' 2>/dev/null; then
  for f in "$ACTION" "$GITLAB"; do
    if python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f" 2>"$TMP/yaml.err"; then pass
    else fail "$f does not parse as YAML: $(cat "$TMP/yaml.err")"; fi
  done
  assert_eq "$(yq 'd["runs"]["using"]' "$ACTION")" "composite" "a composite action"
  assert_eq "$(yq 'sorted(k for k in ("version", "path", "config", "args") if k in d["inputs"])' "$ACTION")" \
    '["args", "config", "path", "version"]' "the action's inputs"
  assert_contains "$(yq '[s.get("uses", "") for s in d["runs"]["steps"]]' "$ACTION")" "github/codeql-action/upload-sarif" "SARIF upload step"
  assert_eq "$(yq 'type(d["provcheck"]["parallel"]).__name__' "$GITLAB")" "int" "GitLab job runs parallel shards"
  assert_eq "$(yq 'd["provcheck-merge"]["artifacts"]["reports"]["junit"]' "$GITLAB")" "provcheck-junit.xml" "merge job publishes JUnit"
else
  # no PyYAML: at least no tabs, and the top-level keys are there
  for f in "$ACTION" "$GITLAB"; do
    if grep -q $'\t' "$f"; then fail "$f has tabs"; else pass; fi
  done
  assert_contains "$(cat "$ACTION")" "using: composite" "composite action"
  assert_contains "$(cat "$GITLAB")" "parallel:" "parallel shards"
fi

# Every option that a provcheck command line in the integrations uses is in the
# command's --help.
run check --help
check_help=$OUT
run merge --help
merge_help=$OUT
grep -h -o 'provcheck \(check\|merge\)[^#|]*' "$ACTION" "$GITLAB" "$PROVCHECK_SRC/plugins/jenkins/README.md" \
    "$PROVCHECK_SRC/docs/ci.md" | sort -u >"$TMP/cmdlines"
checked=0
while IFS= read -r line; do
  case "$line" in provcheck\ merge*) help=$merge_help ;; *) help=$check_help ;; esac
  for opt in $(printf '%s\n' "$line" | grep -o -- '\(^\| \)--\?[a-z][a-z-]*' | tr -d ' '); do
    checked=$((checked + 1))
    case "$help" in
      *"$opt "*|*"$opt,"*|*"$opt="*) pass ;;
      *) fail "'$opt' in '$line' is not an option of provcheck (see --help)" ;;
    esac
  done
done <"$TMP/cmdlines"
if [ "$checked" -gt 10 ]; then pass; else fail "only $checked options found in the integrations"; fi

# --- the GitLab template, run locally ---------------------------------------------
# Each script line runs as GitLab runs it: bash, stopping at the first failing line.
gitlab_var() {
  python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["variables"][sys.argv[2]])' "$GITLAB" "$1"
}
BIN=$TMP/bin
mkdir -p "$BIN"
ln -s "$PROVCHECK" "$BIN/provcheck"
SITE=$TMP/site
cp -r "$PROVCHECK_SRC/examples/site" "$SITE"
N=$(yq 'd["provcheck"]["parallel"]' "$GITLAB")
gitlab_script "$GITLAB" provcheck >"$TMP/shard.sh"
gitlab_script "$GITLAB" provcheck-merge >"$TMP/merge.sh"
run_in "$SITE" check -f json -o "$TMP/unsharded.json"
unsharded_status=$STATUS
worst=0
for k in $(seq 1 "$N"); do
  (cd "$SITE" && PATH="$BIN:$PATH" CI_NODE_INDEX=$k CI_NODE_TOTAL=$N \
     PROVCHECK_CONFIG=$(gitlab_var PROVCHECK_CONFIG) PROVCHECK_ARGS=$(gitlab_var PROVCHECK_ARGS) \
     PROVCHECK_FAIL_ON=$(gitlab_var PROVCHECK_FAIL_ON) bash "$TMP/shard.sh") >"$TMP/shard.log" 2>&1
  st=$?
  if [ "$st" -le 1 ]; then pass; else fail "GitLab shard $k/$N exited $st: $(head -c 800 "$TMP/shard.log")"; fi
  [ "$st" -gt "$worst" ] && worst=$st
  assert_file_exists "$SITE/provcheck-shard-$k.json" "shard $k writes its report"
done
assert_eq "$worst" "$unsharded_status" "the shard jobs fail exactly when the unsharded check does"
(cd "$SITE" && PATH="$BIN:$PATH" PROVCHECK_FAIL_ON=$(gitlab_var PROVCHECK_FAIL_ON) \
   bash "$TMP/merge.sh") >"$TMP/merge.log" 2>&1
st=$?
assert_eq "$st" "$unsharded_status" "the GitLab merge job fails exactly when the unsharded check does"
if cmp -s "$SITE/provcheck.json" "$TMP/unsharded.json"; then pass; else fail "GitLab merged report differs from the unsharded one"; fi
if xmllint --noout --schema "$XSD" "$SITE/provcheck-junit.xml" 2>/dev/null; then pass; else fail "GitLab JUnit artifact is not valid"; fi
assert_eq "$(xmllint --xpath 'count(//testcase)' "$SITE/provcheck-junit.xml")" "$(json 'len(d["pages"])' "$TMP/unsharded.json")" "one test case per page"

# --- the GitHub Action's run step, locally ------------------------------------------
# The step's script with the action's inputs at their defaults.
action_run_script "$ACTION" >"$TMP/action-run.sh"
G=$TMP/gh
cp -r "$PROVCHECK_SRC/examples/site" "$G"
rm -f "$G"/provcheck-shard-* 2>/dev/null
git -C "$G" init -q && git -C "$G" add -A &&
  git -C "$G" -c user.name=T -c user.email=t@example.com commit -qm base
base=$(git -C "$G" rev-parse HEAD)
# push: the whole site
(cd "$G" && PATH="$BIN:$PATH" GITHUB_OUTPUT=$TMP/gh-out PROVCHECK_CONFIG= PROVCHECK_ARGS= \
   PROVCHECK_FAIL_ON=error BASE_SHA= bash -e "$TMP/action-run.sh") >"$TMP/gh.log" 2>&1
st=$?
if [ "$st" -eq 0 ]; then pass; else fail "action run step (push) exited $st: $(head -c 800 "$TMP/gh.log")"; fi
assert_contains "$(cat "$TMP/gh-out")" "sarif=./provcheck.sarif" "the step outputs the SARIF path"
assert_contains "$(cat "$TMP/gh.log")" "provcheck: " "the annotation step prints its summary"
# pull request: only the changed page
page=$(cd "$G" && git ls-files '*.html' | grep -v '^drafts/\|^provcheck/' | head -n 1)
printf '<p>edited</p>\n' >>"$G/$page"
git -C "$G" -c user.name=T -c user.email=t@example.com commit -qam edit
rm -f "$TMP/gh-out"
(cd "$G" && PATH="$BIN:$PATH" GITHUB_OUTPUT=$TMP/gh-out PROVCHECK_CONFIG= PROVCHECK_ARGS= \
   PROVCHECK_FAIL_ON=never BASE_SHA=$base bash -e "$TMP/action-run.sh") >"$TMP/gh.log" 2>&1
st=$?
if [ "$st" -eq 0 ]; then pass; else fail "action run step (pull request) exited $st: $(head -c 800 "$TMP/gh.log")"; fi
paths=$(json 'sorted(set(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in d["runs"][0]["results"]))' "$G/provcheck.sarif")
case "$paths" in
  '[]'|"[\"$page\"]") pass ;;
  *) fail "pull request run reports pages other than the changed $page: $paths" ;;
esac

finish
