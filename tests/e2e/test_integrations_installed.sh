#!/usr/bin/env bash
# The CI integrations install a released provcheck and run it: the GitHub Action
# (version latest via the API, download checked against SHA256SUMS, cache, install,
# check), the GitLab template (install job once, its tree handed to every shard
# and the merge job, Code Quality report) and its CI/CD component, and the
# scheduled audit (GitHub workflow with the history kept between runs and the
# HTML report; the systemd unit and the cron line). A release is made here the
# way scripts/release.sh makes its tarball (an installed tree as
# provcheck-VERSION-linux-ARCH/, SHA256SUMS) and served on 127.0.0.1 with a stub
# of the GitHub API; every step's script is taken from the YAML and run with the
# system PATH only, so the provcheck that runs is the one the step installed.
. "$(dirname "$0")/lib.sh"

BUILD=${PROVCHECK_BUILD:-$PROVCHECK_SRC/build}
ACTION=$PROVCHECK_SRC/plugins/github-action/action.yml
GITLAB=$PROVCHECK_SRC/plugins/gitlab/provcheck.gitlab-ci.yml
COMPONENT=$PROVCHECK_SRC/templates/provcheck.yml
WORKFLOW=$PROVCHECK_SRC/plugins/schedule/github-audit.yml
CLEANPATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin
python3 -c 'import yaml' || { echo "PyYAML is needed (python3-yaml)" >&2; exit 1; }

# --- a release on 127.0.0.1 ----------------------------------------------------------
VERSION=$(sed -n 's/^project(provcheck VERSION \([^ )]*\).*/\1/p' "$PROVCHECK_SRC/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)
TREE=provcheck-$VERSION-linux-$ARCH
cmake --install "$BUILD" --prefix "$TMP/stage/$TREE" >/dev/null || { echo "cmake --install failed" >&2; exit 1; }
REL=$TMP/releases
mkdir -p "$REL/download/v$VERSION" "$REL/api/releases"
tar -C "$TMP/stage" -czf "$REL/download/v$VERSION/$TREE.tar.gz" "$TREE"
(cd "$REL/download/v$VERSION" && sha256sum "$TREE.tar.gz" >SHA256SUMS)
# as the API answers: pretty-printed, other fields around tag_name
printf '{\n  "url": "x",\n  "tag_name": "v%s",\n  "name": "provcheck %s"\n}\n' "$VERSION" "$VERSION" \
  >"$REL/api/releases/latest"
python3 -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()' "$REL" >"$TMP/rel.port" 2>"$TMP/rel.log" &
REL_PID=$!
trap 'kill $REL_PID 2>/dev/null; wait $REL_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do RPORT=$(head -n 1 "$TMP/rel.port" 2>/dev/null); [ -n "$RPORT" ] && break; sleep 0.1; done
[ -n "$RPORT" ] || { echo "release server did not start" >&2; exit 1; }
RELEASES=http://127.0.0.1:$RPORT
API=http://127.0.0.1:$RPORT/api
requests() { grep -c "\"GET $1" "$TMP/rel.log"; }

# step_script FILE STEP_EXPR VALUES_JSON [OVERRIDES_JSON]: the step's env (GitHub
# expressions replaced by VALUES, unknown ones are an error) and run script, as bash.
step_script() {
  python3 - "$@" <<'PY'
import json, re, shlex, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
step = eval(sys.argv[2], {"d": d})
values = json.loads(sys.argv[3])
over = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
def sub(text):
    def one(m):
        key = m.group(1).strip()
        if key not in values:
            sys.exit(f"no value for ${{{{ {key} }}}}")
        return str(values[key])
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))
print("set -e")
for k, v in (step.get("env") or {}).items():
    print(f"export {k}={shlex.quote(sub(over.get(k, v)))}")
print(sub(step["run"]))
PY
}
# outputs FILE: GITHUB_OUTPUT lines as JSON {"steps.ID.outputs.K": V} for step ID ($2)
outputs() {
  python3 -c '
import json, sys
out = {}
for line in open(sys.argv[1]):
    k, _, v = line.rstrip("\n").partition("=")
    if k: out[f"steps.{sys.argv[2]}.outputs.{k}"] = v
print(json.dumps(out))' "$1" "$2"
}
merge_json() { python3 -c 'import json, sys; a = {}; [a.update(json.loads(x)) for x in sys.argv[1:]]; print(json.dumps(a))' "$@"; }
action_step() { printf 'next(s for s in d["runs"]["steps"] if s.get("id") == "%s")' "$1"; }

# --- GitHub Action ---------------------------------------------------------------------
GH=$TMP/gh
mkdir -p "$GH/runner"
cp -r "$PROVCHECK_SRC/examples/site" "$GH/ws"
git -C "$GH/ws" init -q && git -C "$GH/ws" add -A &&
  git -C "$GH/ws" -c user.name=T -c user.email=t@example.com commit -qm base
assert_eq "$(python3 -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))["inputs"]["version"]["default"])' "$ACTION")" \
  "latest" "the action installs the newest release by default"
uses=$(python3 -c 'import yaml,sys; print([s.get("uses","") for s in yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]])' "$ACTION")
assert_contains "$uses" "actions/cache@" "the action caches the release"
key=$(python3 -c 'import yaml,sys; print(next(s for s in yaml.safe_load(open(sys.argv[1]))["runs"]["steps"] if s.get("id")=="cache")["with"]["key"])' "$ACTION")
assert_contains "$key" "steps.version.outputs.version" "the cache is keyed on the version"

V=$(python3 -c '
import json, sys
print(json.dumps({"inputs.version": "latest", "inputs.package": "tarball",
  "inputs.releases-url": sys.argv[1], "inputs.api-url": sys.argv[2], "github.token": "",
  "inputs.path": ".", "inputs.config": "", "inputs.args": "", "inputs.fail-on": "error",
  "inputs.category": "", "inputs.config-from-base": "true",
  "github.event.pull_request.base.sha": ""}))' "$RELEASES" "$API")
ghrun() {   # STEP VALUES: run an action step in the workspace; outputs in $GH/out.STEP
  step_script "$ACTION" "$(action_step "$1")" "$2" >"$GH/$1.sh" || { fail "step $1: $(cat "$GH/$1.sh")"; return 1; }
  : >"$GH/out.$1"
  (cd "$GH/ws" && env -i HOME="$HOME" PATH="$(cat "$GH/path" 2>/dev/null | tr '\n' ':')$CLEANPATH" \
     RUNNER_TEMP="$GH/runner" GITHUB_OUTPUT="$GH/out.$1" GITHUB_PATH="$GH/path" bash "$GH/$1.sh") >"$GH/$1.log" 2>&1
}
ghrun version "$V"
assert_eq "$?" "0" "action: the version step runs ($(head -c 400 "$GH/version.log"))"
assert_contains "$(cat "$GH/out.version")" "version=$VERSION" "latest resolves to the newest release through the API"
assert_eq "$(requests /api/releases/latest)" "1" "the API was asked once"
V=$(merge_json "$V" "$(outputs "$GH/out.version" version)")
ghrun download "$V"
assert_eq "$?" "0" "action: the download step runs ($(head -c 400 "$GH/download.log"))"
assert_file_exists "$GH/runner/provcheck-release-$VERSION/$TREE.tar.gz" "the tarball is in the cached folder"
ghrun install "$V"
assert_eq "$?" "0" "action: the install step runs ($(head -c 400 "$GH/install.log"))"
assert_contains "$(cat "$GH/install.log")" "provcheck $VERSION" "the installed provcheck runs"
assert_eq "$(cat "$GH/path")" "$GH/runner/provcheck/bin" "and is put on PATH for the next steps"
ghrun check "$V"
assert_eq "$?" "0" "action: the check step runs with the installed provcheck ($(head -c 400 "$GH/check.log"))"
(cd "$GH/ws" && "$TMP/stage/$TREE/bin/provcheck" check >/dev/null 2>&1)
direct=$?
assert_contains "$(cat "$GH/out.check")" "exit-code=$direct" "the step's exit code is provcheck's"
assert_eq "$(json 'd["runs"][0]["tool"]["driver"]["version"]' "$GH/ws/provcheck.sarif")" "$VERSION" "the SARIF comes from the release"
# A cache hit installs without a download; a tampered cache entry is refused.
before=$(requests "/download/")
rm -rf "$GH/runner/provcheck" "$GH/path"
ghrun install "$V"
assert_eq "$?" "0" "a cache hit installs"
assert_eq "$(requests "/download/")" "$before" "a cache hit downloads nothing"
printf 'x' >>"$GH/runner/provcheck-release-$VERSION/$TREE.tar.gz"
rm -rf "$GH/path"
ghrun install "$V"
if [ "$?" -ne 0 ]; then pass; else fail "a tampered cached tarball was installed"; fi
# A download that does not match SHA256SUMS fails the step.
cp "$REL/download/v$VERSION/SHA256SUMS" "$TMP/sums.good"
# change the first digit of every sum, whatever it was (0 -> 1, anything else -> 0)
sed -i 's/^0/X/; s/^[1-9a-f]/0/; s/^X/1/' "$REL/download/v$VERSION/SHA256SUMS"
cmp -s "$TMP/sums.good" "$REL/download/v$VERSION/SHA256SUMS" && fail "the tampered SHA256SUMS is unchanged"
rm -rf "$GH/runner/provcheck-release-$VERSION"
ghrun download "$V"
if [ "$?" -ne 0 ]; then pass; else fail "a download with a wrong checksum passed"; fi
cp "$TMP/sums.good" "$REL/download/v$VERSION/SHA256SUMS"
# An explicit version is used as given (v prefix allowed), without the API.
api_before=$(requests /api/releases/latest)
ghrun version "$(merge_json "$V" "{\"inputs.version\": \"v$VERSION\"}")"
assert_contains "$(cat "$GH/out.version")" "version=$VERSION" "version v$VERSION"
assert_eq "$(requests /api/releases/latest)" "$api_before" "an explicit version does not ask the API"

# --- GitLab template and component ---------------------------------------------------
# job_script FILE JOB: before_script and script of the job (with extends), as bash
job_script() {
  python3 - "$1" "$2" <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
d = docs[-1]
job = d[sys.argv[2]]
merged = {}
chain = [job]
while "extends" in chain[-1]:
    chain.append(d[chain[-1]["extends"]])
for j in reversed(chain):
    merged.update(j)
print("set -eo pipefail")
for line in merged.get("before_script", []) + merged["script"]:
    print(line)
PY
}
gl_var() { python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["variables"][sys.argv[2]])' "$GITLAB" "$1"; }
GL=$TMP/gl
mkdir -p "$GL/tmp"
cp -r "$PROVCHECK_SRC/examples/site" "$GL/project"
glrun() {   # JOB [VAR=VALUE...]: run a job of the template in the project folder
  local job=$1; shift
  job_script "$GITLAB" "$job" >"$GL/$job.sh"
  (cd "$GL/project" && env -i HOME="$HOME" PATH="$CLEANPATH" TMPDIR="$GL/tmp" CI_PROJECT_DIR="$GL/project" \
     PROVCHECK_CONFIG="$(gl_var PROVCHECK_CONFIG)" PROVCHECK_ARGS="$(gl_var PROVCHECK_ARGS)" \
     PROVCHECK_FAIL_ON="$(gl_var PROVCHECK_FAIL_ON)" PROVCHECK_VERSION="$(gl_var PROVCHECK_VERSION)" \
     PROVCHECK_RUNTIME_PACKAGES="$(gl_var PROVCHECK_RUNTIME_PACKAGES)" \
     PROVCHECK_RELEASES_URL="$RELEASES" PROVCHECK_API_URL="$API" "$@" bash "$GL/$job.sh") >"$GL/$job.log" 2>&1
}
assert_eq "$(gl_var PROVCHECK_VERSION)" "latest" "GitLab installs the newest release by default"
glrun provcheck-install
assert_eq "$?" "0" "GitLab install job ($(tail -c 600 "$GL/provcheck-install.log"))"
assert_file_exists "$GL/project/.provcheck-dist/bin/provcheck" "the install job leaves the tree for its artifact"
assert_eq "$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["provcheck-install"]["artifacts"]["paths"])' "$GITLAB")" \
  "['.provcheck-dist/']" "and hands it on as an artifact"
mv "$GL/project/.provcheck-dist" "$GL/artifact"
(cd "$GL/project" && "$GL/artifact/bin/provcheck" check -f json -o "$GL/unsharded.json" >/dev/null 2>&1)
unsharded=$?
N=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["provcheck"]["parallel"])' "$GITLAB")
worst=0
for k in $(seq 1 "$N"); do
  cp -a "$GL/artifact" "$GL/project/.provcheck-dist"   # each job gets the artifact
  glrun provcheck CI_NODE_INDEX="$k" CI_NODE_TOTAL="$N"
  st=$?
  if [ "$st" -le 1 ]; then pass; else fail "GitLab shard $k/$N exited $st: $(tail -c 600 "$GL/provcheck.log")"; fi
  [ "$st" -gt "$worst" ] && worst=$st
  assert_contains "$(cat "$GL/provcheck.log")" "provcheck $VERSION" "shard $k runs the installed provcheck"
  assert_no_file "$GL/project/.provcheck-dist" "shard $k moved the artifact out of the checked tree"
done
assert_eq "$worst" "$unsharded" "the shards fail exactly when the unsharded check does"
cp -a "$GL/artifact" "$GL/project/.provcheck-dist"
glrun provcheck-merge
assert_eq "$?" "$unsharded" "the merge job fails exactly when the unsharded check does"
if cmp -s "$GL/project/provcheck.json" "$GL/unsharded.json"; then pass; else fail "GitLab merged report differs from the unsharded one"; fi
assert_eq "$(json 'type(d).__name__' "$GL/project/gl-code-quality-report.json")" "list" "the Code Quality report is an array"
assert_eq "$(json 'len(d)' "$GL/project/gl-code-quality-report.json")" \
  "$(json 'len([f for f in d["findings"] if not f["suppressed"]])' "$GL/unsharded.json")" "one issue per unsuppressed finding"
assert_eq "$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["provcheck-merge"]["artifacts"]["reports"]["codequality"])' "$GITLAB")" \
  "gl-code-quality-report.json" "the merge job publishes it as the codequality report"
# The component: the catalog layout, spec: inputs, and the template's very scripts.
python3 - "$COMPONENT" "$GITLAB" >"$TMP/component" 2>&1 <<'PY'
import sys, yaml
spec, jobs = list(yaml.safe_load_all(open(sys.argv[1])))
tmpl = yaml.safe_load(open(sys.argv[2]))
problems = []
inputs = spec["spec"]["inputs"]
for name in ("config", "args", "fail-on", "version", "shards"):
    if name not in inputs:
        problems.append(f"no input {name}")
for name, job in tmpl.items():
    if name == "variables":
        for var in job:
            if var not in jobs["variables"]:
                problems.append(f"variable {var} missing")
        continue
    for key in ("before_script", "script", "needs", "artifacts"):
        if job.get(key) != jobs[name].get(key):
            problems.append(f"{name}.{key} differs")
if "$[[ inputs.shards ]]" != str(jobs["provcheck"]["parallel"]):
    problems.append("parallel is not the shards input")
used = open(sys.argv[1]).read()
for name in inputs:
    if f"$[[ inputs.{name} ]]" not in used:
        problems.append(f"input {name} is not used")
print("\n".join(problems) or "ok")
PY
assert_eq "$(cat "$TMP/component")" "ok" "templates/provcheck.yml is the template as a component"
# YAML loaders keep the last of two equal keys: a second top-level block would
# silently replace the one the inputs set
assert_eq "$(grep -c '^variables:' "$COMPONENT")" "1" "the component has one variables block"

# --- scheduled audit: GitHub workflow, systemd unit, cron line -------------------------
test_server_start site
SITEMAP=http://127.0.0.1:$PORT/sitemap-pages.xml
wf_step() { printf 'next(s for s in d["jobs"]["audit"]["steps"] if s.get("name") == "%s")' "$1"; }
W=$TMP/wf
mkdir -p "$W/runner" "$W/ws"
: >"$W/path"
WV='{"vars.PROVCHECK_VERSION || '"'"'latest'"'"'": "latest", "github.token": "", "vars.SITEMAP_URL": "'"$SITEMAP"'"}'
WO='{"PROVCHECK_PACKAGE": "tarball", "PROVCHECK_RELEASES_URL": "'"$RELEASES"'", "PROVCHECK_API_URL": "'"$API"'"}'
wfrun() {   # STEP NAME
  step_script "$WORKFLOW" "$(wf_step "$1")" "$WV" "$WO" >"$W/step.sh" || { fail "workflow step $1: $(cat "$W/step.sh")"; return 1; }
  : >"$W/out"
  (cd "$W/ws" && env -i HOME="$HOME" PATH="$(tr '\n' ':' <"$W/path")$CLEANPATH" RUNNER_TEMP="$W/runner" \
     GITHUB_OUTPUT="$W/out" GITHUB_PATH="$W/path" bash "$W/step.sh") >"$W/step.log" 2>&1
}
assert_not_contains "$(cat "$WORKFLOW")" "cmake" "the scheduled audit builds nothing"
wfrun "Install provcheck"
assert_eq "$?" "0" "workflow: install step ($(tail -c 400 "$W/step.log"))"
assert_eq "$(cat "$W/path")" "$W/runner/provcheck/bin" "workflow: the release is on PATH"
python3 - "$WORKFLOW" >"$TMP/wfcache" <<'PY'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["audit"]["steps"]
restore = [s for s in steps if s.get("uses", "").startswith("actions/cache/restore@")]
save = [s for s in steps if s.get("uses", "").startswith("actions/cache/save@")]
audit = next(s for s in steps if s.get("name") == "Audit the live site")
up = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
ok = (restore and save and restore[0]["with"]["path"] == save[0]["with"]["path"] == "audits.db"
      and restore[0]["with"].get("restore-keys") and save[0].get("if") == "always()"
      and "--db audits.db" in audit["run"] and "--compare" in audit["run"]
      and up and "report.html" in up[0]["with"]["path"] and up[0].get("if") == "always()")
print("ok" if ok else "no")
PY
assert_eq "$(cat "$TMP/wfcache")" "ok" "workflow: audits.db restored (restore-keys) and saved, report.html uploaded"
for run_no in 1 2; do
  wfrun "Audit the live site"
  assert_eq "$?" "0" "workflow: audit run $run_no ($(tail -c 400 "$W/step.log"))"
  assert_contains "$(cat "$W/out")" "exit-code=0" "workflow: audit run $run_no is clean"
  wfrun "HTML report"
  assert_eq "$?" "0" "workflow: HTML report $run_no ($(tail -c 400 "$W/step.log"))"
  assert_file_exists "$W/ws/report.html" "workflow: report.html"
done
assert_eq "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from audits").fetchone()[0])' "$W/ws/audits.db" 2>&1)" \
  "2" "workflow: the history holds both runs (the database was kept)"

INST=$TMP/stage/$TREE
S=$TMP/state
mkdir -p "$S"
printf 'return { }\n' >"$S/provcheck.lua"
UNIT=$PROVCHECK_SRC/plugins/schedule/provcheck-audit.service
CRON=$PROVCHECK_SRC/plugins/schedule/provcheck-audit.cron
for f in "$UNIT" "$CRON"; do
  if grep -E '^(ExecStart|ExecStartPost|[0-9*])' "$f" | grep -E '(^|[ =;&])provcheck (audit|report)' >/dev/null; then
    fail "$(basename "$f") runs a provcheck found on PATH, not /usr/bin/provcheck"
  else pass; fi
done
# The unit's commands with its Environment= values pointed here.
grep -E '^ExecStart(Post)?=' "$UNIT" | sed 's/^ExecStart\(Post\)\?=//' |
  sed "s|/usr/bin/provcheck|$INST/bin/provcheck|g; s|\${CONFIG}|$S/provcheck.lua|g; s|\${SITEMAP}|$SITEMAP|g; s|\${STATE}|$S|g" >"$TMP/unit.sh"
assert_eq "$(grep -c "$INST/bin/provcheck" "$TMP/unit.sh")" "2" "the unit runs /usr/bin/provcheck twice"
(cd "$S" && env -i HOME="$HOME" PATH="$CLEANPATH" bash -e "$TMP/unit.sh") >"$TMP/unit.log" 2>&1
assert_eq "$?" "0" "systemd unit commands run ($(tail -c 400 "$TMP/unit.log"))"
assert_file_exists "$S/report.html" "the unit writes report.html"
assert_file_exists "$S/latest.json" "the unit writes latest.json"
# The cron line's command (after the five time fields and the user).
grep -v '^#' "$CRON" | awk 'NF { $1=$2=$3=$4=$5=$6=""; print }' |
  sed "s|/usr/bin/provcheck|$INST/bin/provcheck|g; s|/var/lib/provcheck|$S|g; s|/etc/provcheck/provcheck.lua|$S/provcheck.lua|g; s|https://www.example.org/sitemap.xml|$SITEMAP|g" >"$TMP/cron.sh"
rm -f "$S/report.html"
(env -i HOME="$HOME" PATH="$CLEANPATH" bash "$TMP/cron.sh") >"$TMP/cron.log" 2>&1
assert_eq "$?" "0" "the cron command runs ($(tail -c 400 "$TMP/cron.log"))"
assert_file_exists "$S/report.html" "cron writes report.html"
assert_eq "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from audits").fetchone()[0])' "$S/audits.db" 2>&1)" \
  "2" "unit and cron share the history"

kill "$REL_PID" 2>/dev/null
finish
