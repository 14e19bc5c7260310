#!/usr/bin/env bash
# The other commands of the CLI: --help/--version, rules, explain, init,
# test-rules, and usage errors.
. "$(dirname "$0")/lib.sh"

# --- global -------------------------------------------------------------------------
run --version
assert_status 0 "--version"
assert_eq "$OUT" "provcheck 0.1.0" "--version prints the version"
run --help
assert_status 0 "--help"
for c in check rules explain init test-rules; do
  assert_contains "$OUT" "$c" "--help lists $c"
done
run
assert_status 2 "no command"
run frobnicate
assert_status 2 "unknown command"
assert_contains "$ERR" "frobnicate" "unknown command named"
run --frobnicate
assert_status 2 "unknown global option"
for c in check rules explain init test-rules; do
  run "$c" --help
  assert_status 0 "$c --help"
  assert_contains "$OUT" "usage: provcheck $c" "$c --help shows its usage"
done

# --- rules ----------------------------------------------------------------------------
EMPTY=$TMP/empty
mkdir -p "$EMPTY"
run_in "$EMPTY" rules
assert_status 0 "rules"
for r in source-attribution privacy-link third-party-disclaimer page-error rule-error unused-suppression; do
  assert_contains "$OUT" "$r" "rules lists $r"
done
run_in "$EMPTY" rules --format json
assert_status 0 "rules --format json"
assert_eq "$(json '[r["severity"] for r in d["rules"] if r["id"] == "privacy-link"]')" '["error"]' "json: default severity"
assert_eq "$(json 'all(r["summary"] for r in d["rules"])')" true "json: every rule has a summary"
run_in "$EMPTY" rules --format yaml
assert_status 2 "rules: unknown format"
run_in "$EMPTY" rules --bogus
assert_status 2 "rules: unknown option"
# the config's rule_paths are listed too
mkdir -p "$TMP/withrules/checks"
cat >"$TMP/withrules/checks/house-style.lua" <<'LUA'
return { id = "house-style", summary = "House style", severity = "info",
         options = { max = { type = "integer", default = 3, doc = "at most this many" } },
         docs = "Checks the house style.\nSecond line of docs.",
         check = function(page, opts, report) end }
LUA
echo 'return { rule_paths = { "checks" } }' >"$TMP/withrules/provcheck.lua"
run_in "$TMP/withrules" rules
assert_contains "$OUT" "house-style" "rules lists a rule_paths rule"
run rules -c "$TMP/withrules/provcheck.lua" --format=json
assert_eq "$(json '[r["severity"] for r in d["rules"] if r["id"] == "house-style"]')" '["info"]' "rules -c FILE"

# --- explain --------------------------------------------------------------------------
run_in "$EMPTY" explain source-attribution
assert_status 0 "explain"
assert_contains "$OUT" "source-attribution" "explain names the rule"
assert_contains "$OUT" "labels" "explain lists the options"
assert_contains "$OUT" "string[]" "explain shows option types"
assert_contains "$OUT" "Source" "explain shows option defaults"
run_in "$EMPTY" explain privacy-lnk
assert_status 2 "explain an unknown rule"
assert_contains "$ERR" "privacy-link" "close matches suggested"
run_in "$EMPTY" explain original-link
assert_status 2 "a pack's rule is PACK/RULE"
assert_contains "$ERR" "unknown rule 'original-link' (did you mean 'syndication/original-link'? the rules of a plugin pack are addressed as PACK/RULE)" "explain suggests the namespaced id"
run_in "$EMPTY" explain syndication/original-link
assert_status 0 "explain a rule of a shipped pack the config does not enable"
assert_contains "$OUT" "plugin pack 'syndication'" "names the pack it comes with"
assert_contains "$OUT" 'plugins = { "syndication" }' "says how to enable it"
assert_contains "$OUT" "domains (string[], default {})" "and explains it"
run_in "$EMPTY" explain
assert_status 2 "explain without a rule"
run_in "$EMPTY" explain page-error
assert_status 0 "explain a core finding"
run_in "$TMP/withrules" explain house-style
assert_contains "$OUT" "Second line of docs." "explain shows docs"
assert_contains "$OUT" "max (integer, default 3)" "explain shows an integer default"

# --- init -------------------------------------------------------------------------------
INIT=$TMP/init
mkdir -p "$INIT"
good_page "$INIT/a.html"
good_page "$INIT/privacy.html" "Privacy"
run_in "$INIT" init
assert_status 0 "init"
assert_file_exists "$INIT/provcheck.lua" "init writes provcheck.lua"
for k in site_root include exclude rules overrides rule_paths plugins max_page_bytes limits audit; do
  assert_contains "$(cat "$INIT/provcheck.lua")" "$k" "starter config shows $k"
done
run_in "$INIT" check
assert_status 0 "the starter config loads and the good page passes"
echo "-- mine" >>"$INIT/provcheck.lua"
run_in "$INIT" init
assert_status 2 "init refuses to overwrite"
assert_contains "$(tail -n 1 "$INIT/provcheck.lua")" "-- mine" "existing config untouched"
run_in "$INIT" init extra
assert_status 2 "init takes no arguments"

# --- test-rules -------------------------------------------------------------------------
R=$TMP/myrules
mkdir -p "$R/has-h1/pass" "$R/has-h1/fail"
cat >"$R/has-h1.lua" <<'LUA'
return {
  id = "has-h1", summary = "A page has a headline", severity = "error", options = {},
  docs = "Every page has an <h1>.",
  check = function(page, opts, report)
    if #page:select("h1") == 0 then report{ message = "no headline" } end
  end,
}
LUA
page_with "$R/has-h1/pass/headline.html" '<h1>Lavrov warns</h1>'
page_with "$R/has-h1/fail/no-headline.html" '<p>Lavrov warns</p>'
run test-rules "$R"
assert_status 0 "good fixtures pass"
assert_contains "$OUT" "ok   $R/has-h1/pass/headline.html" "one line per fixture (pass)"
assert_contains "$OUT" "ok   $R/has-h1/fail/no-headline.html" "one line per fixture (fail)"
assert_contains "$OUT" "2 fixtures, 0 failed" "summary"
# a bad fixture in each folder
page_with "$R/has-h1/pass/oops.html" '<p>no headline here</p>'
page_with "$R/has-h1/fail/oops.html" '<h1>a headline</h1>'
run test-rules "$R"
assert_status 1 "bad fixtures fail"
assert_contains "$OUT" "FAIL $R/has-h1/pass/oops.html" "pass fixture with a finding"
assert_contains "$OUT" "no headline" "the unexpected finding is shown"
assert_contains "$OUT" "FAIL $R/has-h1/fail/oops.html" "fail fixture without a finding"
assert_contains "$OUT" "4 fixtures, 2 failed" "summary counts failures"
# a rule that throws fails its fixtures
rm "$R/has-h1/pass/oops.html" "$R/has-h1/fail/oops.html"
mkdir -p "$R/throws/fail"
cat >"$R/throws.lua" <<'LUA'
return { id = "throws", summary = "throws", severity = "error", options = {}, docs = "x",
         check = function(page, opts, report) error("kaboom") end }
LUA
page_with "$R/throws/fail/any.html" '<p>x</p>'
run test-rules "$R"
assert_status 1 "rule-error fails a fixture"
assert_contains "$OUT" "rule-error" "rule-error shown"
rm -r "$R/throws" "$R/throws.lua"
# setup errors
run test-rules "$TMP/no-such-dir"
assert_status 2 "missing rules folder"
run test-rules "$EMPTY"
assert_status 2 "folder without rules"
printf 'return { id = "broken", check = 42 }\n' >"$R/broken.lua"
run test-rules "$R"
assert_status 2 "a rule that does not load"
rm "$R/broken.lua"
# without DIR: the config's rule_paths
mkdir -p "$TMP/proj"
cp -r "$R" "$TMP/proj/rules-here"
echo 'return { rule_paths = { "rules-here" } }' >"$TMP/proj/provcheck.lua"
run_in "$TMP/proj" test-rules
assert_status 0 "test-rules without DIR uses rule_paths"
assert_contains "$OUT" "has-h1" "rule_paths fixtures ran"
# the built-in rules folder itself
if [ -d "$PROVCHECK_SRC/rules" ]; then
  run test-rules "$PROVCHECK_SRC/rules"
  assert_status 0 "built-in rule fixtures"
fi

finish
