#!/usr/bin/env bash
# --print-config shows the config the check itself would use: the same target
# (files, --rev, --config-from) picks the same config. With --config-from the
# trusted revision's config is printed, not the work tree's weakened one, and a
# check with the same options agrees with what was printed.
. "$(dirname "$0")/lib.sh"

git_identity
R=$TMP/site
mkdir -p "$R"
git -C "$R" init -q -b main
cat >"$R/provcheck.lua" <<'LUA'
return {
  site_root = "public",
  rules = { ["source-attribution"] = "error" },
}
LUA
good_page "$R/public/privacy.html" "Privacy"
git -C "$R" add -A && git -C "$R" commit -qm "trusted base"
# the work tree turns the rule off and adds a page the rule would fail
sed -i 's/\["source-attribution"\] = "error"/["source-attribution"] = "off"/' "$R/provcheck.lua"
FOOTER='<footer><a href="/privacy.html">Privacy</a>
<p>The information on this site is from external sources that are not under our control.</p></footer>'
page_with "$R/public/no-source.html" "<article><h1>No source</h1><p>Text.</p>$FOOTER</article>"

run_in "$R" check --print-config public/no-source.html -f json
assert_status 0 "--print-config in files mode"
printf '%s' "$OUT" >"$TMP/work.json"
assert_eq "$(json 'd["config"]' "$TMP/work.json")" "provcheck.lua" "files mode: the work tree's config"
assert_eq "$(json 'd["rules"]["source-attribution"]["severity"]' "$TMP/work.json")" "off" \
  "files mode: the work tree's setting"

run_in "$R" check --config-from main --print-config public/no-source.html -f json
assert_status 0 "--print-config with --config-from"
printf '%s' "$OUT" >"$TMP/trusted.json"
assert_eq "$(json 'd["config"]' "$TMP/trusted.json")" "main:provcheck.lua" \
  "--config-from: the config printed is the trusted revision's"
assert_eq "$(json 'd["rules"]["source-attribution"]["severity"]' "$TMP/trusted.json")" "error" \
  "--config-from: the trusted setting, not the work tree's"
assert_eq "$(json 'd["page"]' "$TMP/trusted.json")" "no-source.html" "the page is the work tree's"

# and the check with the same options does what was printed
run_in "$R" check --config-from main -f json public/no-source.html
assert_status 1 "the check with --config-from fails the page"
printf '%s' "$OUT" >"$TMP/report.json"
assert_eq "$(json '[f["rule"] for f in d["findings"] if not f["suppressed"]]' "$TMP/report.json")" \
  '["source-attribution"]' "the rule printed as error is the one that fails"

run_in "$R" check --rev HEAD --print-config public/privacy.html
assert_status 0 "--print-config with --rev"
assert_contains "$OUT" "from HEAD:provcheck.lua" "--rev: the config of that revision"
assert_contains "$OUT" '["source-attribution"] = { severity = "error"' "--rev: its setting"

finish
