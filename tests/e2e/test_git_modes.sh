#!/usr/bin/env bash
# provcheck check in git modes, end to end, on repositories built here with the git
# CLI: --rev (HEAD, HEAD~2, a tag), config and rule_paths from the tree, --staged,
# --changed-since, the JSON identity fields, symlinks, submodules and oversized
# blobs in trees, bad input (exit 2), site_root, and shallow clones.
. "$(dirname "$0")/lib.sh"

git_identity
g() { git -C "$R" "$@" >/dev/null 2>&1 || echo "git $* failed" >&2; }

R=$TMP/repo
mkdir -p "$R"
g init -b main
good_page "$R/news/a.html" "A"
good_page "$R/privacy.html" "Privacy"
g add -A
g commit -m "one good page"                       # HEAD~2: 2 pages, clean
page_with "$R/news/b.html" '<article><p>Source: reuters</p></article>'
g add -A
g commit -m "b without disclaimer or privacy link"  # HEAD~1: 3 pages, 2 errors
g tag v1
page_with "$R/news/c.html" '<article><p>nothing here</p></article>'
g add -A
g commit -m "c breaks everything"                  # HEAD: 4 pages, 5 errors

# --- --rev -------------------------------------------------------------------
run_in "$R" check --rev HEAD -f json
assert_status 1 "--rev HEAD has findings"
assert_eq "$(json 'd["summary"]["pages"]')" 4 "--rev HEAD pages"
assert_eq "$(json 'd["summary"]["errors"]')" 5 "--rev HEAD errors"
assert_eq "$(json 'd["target"]["kind"]')" rev "target.kind"
assert_eq "$(json 'd["target"]["rev"]')" HEAD "target.rev"
assert_eq "$(json 'd["target"]["commit"]')" "$(git -C "$R" rev-parse HEAD)" "target.commit"
assert_eq "$(json '[p["blob"] for p in d["pages"] if p["path"]=="news/c.html"][0]')" \
  "$(git -C "$R" rev-parse HEAD:news/c.html)" "pages[].blob is the blob id"
assert_eq "$(json 'sorted(set(f["commit"] for f in d["findings"]))')" \
  "[\"$(git -C "$R" rev-parse HEAD)\"]" "findings carry the commit"
assert_eq "$(json '[f["blob"] for f in d["findings"] if f["path"]=="news/b.html"][0]')" \
  "$(git -C "$R" rev-parse HEAD:news/b.html)" "findings carry the blob"
run_in "$R" check --rev HEAD~2 -f json
assert_status 0 "--rev HEAD~2 is clean"
assert_eq "$(json 'd["summary"]["pages"]')" 2 "--rev HEAD~2 pages"
run_in "$R" check --rev v1 -f json
assert_eq "$(json 'd["summary"]["errors"]')" 2 "--rev of a tag"
assert_eq "$(json 'd["target"]["commit"]')" "$(git -C "$R" rev-parse v1^{commit})" "tag peeled to its commit"

# the work tree is ignored: a page deleted and one added there change nothing
rm "$R/news/c.html"
good_page "$R/news/new.html" "New"
run_in "$R" check --rev HEAD -f json
assert_eq "$(json 'd["summary"]["pages"]')" 4 "--rev ignores the work tree"
git -C "$R" checkout -q -- news/c.html
rm "$R/news/new.html"

# PATH restricts the pages, relative to the current folder
run_in "$R/news" check --rev HEAD -f json c.html
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/c.html"]' "PATH relative to the cwd, report path relative to the repo"
run_in "$R" check --rev HEAD nosuch.html
assert_status 2 "a PATH that is not in the tree"

# --- bad input ---------------------------------------------------------------
run_in "$R" check --rev no-such-rev
assert_status 2 "a revision that does not resolve"
assert_contains "$ERR" "no-such-rev" "the message names the revision"
mkdir -p "$TMP/plain"
run_in "$TMP/plain" check --rev HEAD
assert_status 2 "not a repository"
assert_contains "$ERR" "not a git repository" "the message says so"
run_in "$TMP/plain" check --staged
assert_status 2 "--staged outside a repository"
git clone -q --bare "$R" "$TMP/bare.git"
run_in "$TMP/bare.git" check --staged
assert_status 2 "--staged in a bare repository"
assert_contains "$ERR" "bare" "the message says the repository is bare"
run_in "$TMP/bare.git" check --rev HEAD -f json
assert_status 1 "--rev works in a bare repository"
assert_eq "$(json 'd["summary"]["pages"]')" 4 "bare --rev pages"

# --- --staged ----------------------------------------------------------------
good_page "$R/news/c.html" "C fixed"
g add news/c.html
page_with "$R/news/c.html" '<article>unstaged breakage</article>'
page_with "$R/news/d.html" '<article>untracked</article>'
run_in "$R" check --staged -f json
assert_eq "$(json 'd["target"]["kind"]')" staged "target.kind staged"
assert_eq "$(json 'd["target"]["commit"]')" null "staged: no commit"
assert_eq "$(json '[f["path"] for f in d["findings"] if f["path"]=="news/c.html"]')" '[]' "unstaged edits are ignored"
assert_eq "$(json 'd["summary"]["pages"]')" 4 "untracked pages are not staged"
assert_eq "$(json '[p["blob"] for p in d["pages"] if p["path"]=="news/c.html"][0]')" \
  "$(git -C "$R" rev-parse :news/c.html)" "staged blob id"
assert_eq "$(json 'set(f["commit"] for f in d["findings"]) == {None}')" true "staged findings: commit null"

# --- --changed-since -----------------------------------------------------------
run_in "$R" check --staged --changed-since HEAD -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/c.html"]' "--staged --changed-since HEAD: only the staged change"
run_in "$R" check --rev HEAD --changed-since HEAD~2 -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/b.html","news/c.html"]' "--rev --changed-since"
run_in "$R" check --changed-since HEAD -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/c.html","news/d.html"]' "work tree --changed-since: modified and untracked"
run_in "$R" check --rev HEAD --changed-since nope
assert_status 2 "--changed-since with a bad base"
g checkout -- .
g reset -q
rm -f "$R/news/d.html"
git -C "$R" checkout -q -- news/c.html
# renames are changes, and links still resolve against the whole tree
g mv news/a.html news/a-renamed.html
g commit -m "rename a"
run_in "$R" check --rev HEAD --changed-since HEAD~1 -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/a-renamed.html"]' "a rename is in scope"
assert_eq "$(json 'd["summary"]["findings"]')" 0 "its privacy link resolves against the whole tree"

# --- config and rule_paths from the tree ------------------------------------------
mkdir -p "$R/provcheck/rules"
cat >"$R/provcheck/rules/needs-h1.lua" <<'EOF'
return {
  id = "needs-h1", summary = "Pages have an h1", severity = "warning",
  check = function(page, opts, report)
    if #page:select("h1") == 0 then report{ message = "no h1 heading" } end
  end,
}
EOF
cat >"$R/provcheck.lua" <<'EOF'
return {
  exclude = { "news/c.html" },
  rule_paths = { "provcheck/rules" },
}
EOF
g add -A
g commit -m "config with a custom rule"
# the work tree's config is broken and its rules are gone: --rev does not care
echo 'return {' >"$R/provcheck.lua"
rm -r "$R/provcheck"
run_in "$R" check --rev HEAD -f json
assert_status 1 "config from the tree"
assert_eq "$(json '[p["path"] for p in d["pages"] if p["path"]=="news/c.html"]')" '[]' "exclude from the committed config"
assert_eq "$(json 'len([f for f in d["findings"] if f["rule"]=="needs-h1"])')" 1 "rule from the committed rule_paths"
run_in "$R" check --rev HEAD~1 -f json
assert_eq "$(json 'len([f for f in d["findings"] if f["rule"]=="needs-h1"])')" 0 "an older revision has no such rule"
run_in "$R" check
assert_status 2 "files mode reads the broken config from the work tree"
# --config names a file: it comes from the file system
cat >"$TMP/outside.lua" <<'EOF'
return { rules = { ["privacy-link"] = "off" } }
EOF
run_in "$R" check --rev HEAD -c "$TMP/outside.lua" -f json
assert_eq "$(json 'len([f for f in d["findings"] if f["rule"]=="privacy-link"])')" 0 "--config from the file system"
assert_eq "$(json 'len([f for f in d["findings"] if f["rule"]=="needs-h1"])')" 0 "and not the tree's rule_paths"
# a broken committed config is a setup error naming the revision's file
g checkout -- .
echo 'return { nonsense = 1 }' >"$R/provcheck.lua"
g commit -am "broken config"
run_in "$R" check --rev HEAD
assert_status 2 "a broken committed config"
assert_contains "$ERR" "HEAD:provcheck.lua" "names the file in the revision"

# --- site_root in the tree ----------------------------------------------------------
S=$TMP/siteroot
mkdir -p "$S"
git -C "$S" init -q -b main
good_page "$S/public/news/a.html" "A"
good_page "$S/public/privacy.html" "Privacy"
page_with "$S/src/template.html" '<p>not a page of the site</p>'
printf 'return { site_root = "public" }\n' >"$S/provcheck.lua"
git -C "$S" add -A && git -C "$S" commit -qm site
run_in "$S" check --rev HEAD -f json
assert_status 0 "site_root: links resolve inside it"
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["public/news/a.html","public/privacy.html"]' "site_root: repo-relative paths, nothing outside"
assert_eq "$(json 'd["target"]["root"]')" public "target.root is the site root"

# --- symlinks, submodules, oversized blobs --------------------------------------------
T=$TMP/odd
mkdir -p "$T"
git -C "$T" init -q -b main
good_page "$T/privacy.html" "Privacy"
ln -s privacy.html "$T/link.html"
head -c 5000 /dev/zero | tr '\0' 'x' >"$T/big.html"
printf 'return { max_page_bytes = 2000 }\n' >"$T/provcheck.lua"
git -C "$T" add -A
git -C "$T" update-index --add --cacheinfo "160000,$(git -C "$R" rev-parse HEAD),vendor/theme"
git -C "$T" commit -qm odd
run_in "$T" check --rev HEAD -f json
assert_status 1 "page errors fail the run"
assert_eq "$(json '[f["message"] for f in d["findings"] if f["path"]=="link.html"]')" '["symbolic link in tree: skipped"]' "symlink skipped"
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"]=="vendor/theme"]')" '["page-error"]' "submodule listed"
assert_eq "$(json '[f["message"] for f in d["findings"] if f["path"]=="vendor/theme"]')" '["submodule: skipped"]' "submodule skipped"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["path"]=="big.html"]')" "over the limit" "oversized blob"
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"]=="big.html"]')" '["page-error"]' "oversized blob is a page-error"
assert_eq "$(json 'd["summary"]["pages"]')" 4 "every page found is accounted for"
run_in "$T" check --staged -f json
assert_eq "$(json '[f["message"] for f in d["findings"] if f["path"]=="link.html"]')" '["symbolic link in tree: skipped"]' "symlink skipped in the index too"

# --- shallow clones: blame and history say where history stops -----------------------
H=$TMP/hist
mkdir -p "$H"
git -C "$H" init -q -b main
good_page "$H/privacy.html" "Privacy"
for i in 1 2 3 4; do
  page_with "$H/a.html" "<article><p>version $i</p><a href=\"/privacy.html\">Privacy</a></article>"
  git -C "$H" add -A && git -C "$H" commit -qm "version $i"
done
git clone -q --depth 2 "file://$H" "$TMP/shallow"
run_in "$TMP/shallow" blame -f json a.html
assert_status 0 "blame in a shallow clone"
assert_eq "$(json '[f["introduced"].get("history_truncated") for f in d["findings"]]')" '[true,true]' "blame says history was cut"
assert_eq "$(json 'sorted(set(f["introduced"]["commit"] for f in d["findings"]))')" \
  "[\"$(git -C "$TMP/shallow" rev-parse HEAD~1)\"]" "introduced = the oldest commit available"
run_in "$TMP/shallow" blame a.html
assert_contains "$OUT" "history stops at" "blame text says where history stops"
run_in "$TMP/shallow" history -f json a.html
assert_status 0 "history in a shallow clone"
assert_eq "$(json 'd["history_truncated"]')" true "history_truncated"
assert_eq "$(json 'd["history_stops_at"]')" "$(git -C "$TMP/shallow" rev-parse HEAD~1)" "history_stops_at"
assert_eq "$(json 'len(d["entries"])')" 2 "the entries that exist"
run_in "$H" history -f json a.html
assert_eq "$(json 'len(d["entries"])')" 4 "full clone: every version"
assert_eq "$(json '"history_truncated" in d')" false "full clone: not truncated"

finish
