#!/usr/bin/env bash
# Rules of a plugin pack are addressed as PACK/RULE everywhere: two packs next to
# the config (plugins/NAME/, as check finds them) each with a rule named `byline`
# no longer collide; config keys, overrides, --rule, suppression comments, every
# report format, explain, rules and fingerprints use PACK/RULE; a bare pack-rule id
# is a setup error suggesting the full one; rule_paths rules keep bare ids; and
# test-rules on a pack's rules folder reports PACK/RULE.
. "$(dirname "$0")/lib.sh"

S=$TMP/site
make_pack() {   # make_pack NAME MESSAGE
  mkdir -p "$S/plugins/$1/rules/byline/fail" "$S/plugins/$1/rules/byline/pass"
  printf 'return { name = "%s", version = "1.0.0", description = "test pack %s" }\n' "$1" "$1" \
    >"$S/plugins/$1/plugin.lua"
  cat >"$S/plugins/$1/rules/byline.lua" <<LUA
return {
  id = "byline", summary = "$1 wants a byline", severity = "warning",
  options = { label = { type = "string", default = "By", doc = "the byline label" } },
  check = function(page, opts, report)
    if not page:raw_text():find(opts.label .. " ", 1, true) then
      report{ message = "$2: no '" .. opts.label .. " NAME' byline" }
    end
  end,
}
LUA
  write_file "$S/plugins/$1/rules/byline/fail/none.html" '<!-- provcheck-fixture { message = "'"$2"'" } -->
<html><body><article><p>No byline.</p></article></body></html>'
  write_file "$S/plugins/$1/rules/byline/pass/by.html" '<html><body><article><p>By Ann</p></article></body></html>'
}
make_pack alpha "alpha says"
make_pack beta "beta says"
mkdir -p "$S/myrules"
cat >"$S/myrules/byline.lua" <<'LUA'
return { id = "byline", summary = "local byline", severity = "info",
  check = function(page, opts, report) report{ message = "local rule ran" } end }
LUA
write_file "$S/site/a.html" "<html><head><title>A</title></head><body><article><h1>A</h1>$GOOD_BODY</article></body></html>"
write_file "$S/site/b.html" "<html><head><title>B</title></head><body><article><h1>B</h1>$GOOD_BODY
<!-- provcheck-disable alpha/byline -- reviewed --></article></body></html>"
cat >"$S/provcheck.lua" <<'LUA'
return { site_root = "site", plugins = { "alpha", "beta" }, rule_paths = { "myrules" },
  rules = { ["beta/byline"] = { severity = "error", label = "Written by" } },
  overrides = { { files = { "b.html" }, rules = { ["beta/byline"] = "off" } } } }
LUA

# --- two packs with a rule of the same bare name, and a rule_paths rule of it ---
run_in "$S" check -f json
assert_status 1 "beta/byline is an error on a.html"
assert_eq "$(json '[(f["rule"], f["path"], f["severity"], f["suppressed"]) for f in d["findings"] if "byline" in f["rule"]]')" \
  '[["alpha/byline","a.html","warning",false],["beta/byline","a.html","error",false],["byline","a.html","info",false],["alpha/byline","b.html","warning",true],["byline","b.html","info",false]]' \
  "both packs' rules ran under PACK/RULE, the config key and override applied, the suppression named alpha/byline, the rule_paths rule kept its bare id"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["rule"] == "beta/byline"][0]')" "beta says: no 'Written by NAME' byline" "beta's option came from its namespaced key"
fa=$(json '[f["fingerprint"] for f in d["findings"] if f["rule"] == "alpha/byline"][0]')
fb=$(json '[f["fingerprint"] for f in d["findings"] if f["rule"] == "beta/byline"][0]')
if [ "$fa" != "$fb" ]; then pass; else fail "two packs' findings share a fingerprint"; fi
run_in "$S" check
assert_contains "$OUT" "[alpha/byline]" "the text report names the pack"
run_in "$S" check -f sarif
assert_contains "$OUT" '"ruleId": "beta/byline"' "SARIF names the pack"
run_in "$S" check -f junit
assert_contains "$OUT" "beta/byline" "junit names the pack"
run_in "$S" check -f github
assert_contains "$OUT" "beta/byline" "github names the pack"

# --- --rule, explain, rules ---
run_in "$S" check -f json --rule alpha/byline
assert_eq "$(json 'sorted({f["rule"] for f in d["findings"]})')" '["alpha/byline"]' "--rule PACK/RULE runs only that rule"
run_in "$S" check --rule byline -f json
assert_eq "$(json 'sorted({f["rule"] for f in d["findings"]})')" '["byline"]' "--rule with the bare id is the rule_paths rule"
run_in "$S" explain beta/byline
assert_status 0 "explain PACK/RULE"
assert_contains "$OUT" "beta/byline: beta wants a byline" "explain shows the namespaced id"
run_in "$S" rules
assert_contains "$OUT" "alpha/byline" "rules lists alpha/byline"
assert_contains "$OUT" "beta/byline" "rules lists beta/byline"

# --- the bare pack-rule id is a setup error with a suggestion ---
sed -i 's/\["beta\/byline"\] = { severity/["nosuch"] = { severity/' "$S/provcheck.lua"
mkdir -p "$S/p2/plugins/beta" && cp -r "$S/plugins/beta" "$S/p2/plugins/"
mkdir -p "$S/p2/site" && cp "$S/site/a.html" "$S/p2/site/"
printf 'return { site_root = "site", plugins = { "beta" },\n  rules = { ["byline"] = "error" } }\n' >"$S/p2/provcheck.lua"
run_in "$S/p2" check
assert_status 2 "a bare pack-rule id in the config"
assert_contains "$ERR" "unknown rule 'byline' (did you mean 'beta/byline'? the rules of a plugin pack are addressed as PACK/RULE)" "suggests PACK/RULE"
assert_contains "$ERR" "provcheck.lua" "names the config"
printf 'return { site_root = "site", plugins = { "beta" } }\n' >"$S/p2/provcheck.lua"
run_in "$S/p2" check --rule byline
assert_status 2 "a bare pack-rule id in --rule"
assert_contains "$ERR" "did you mean 'beta/byline'?" "suggests PACK/RULE"

# --- test-rules on a pack's rules folder reports PACK/RULE ---
run test-rules "$S/plugins/alpha/rules"
assert_status 0 "the pack's fixtures hold (the message part is alpha's)"
assert_contains "$OUT" "ok   $S/plugins/alpha/rules/byline/fail/none.html" "fixture line"
write_file "$S/plugins/alpha/rules/byline/pass/by.html" '<html><body><article><p>Nobody</p></article></body></html>'
run test-rules "$S/plugins/alpha/rules"
assert_status 1 "a pass fixture with a finding"
assert_contains "$OUT" "no 'By NAME' byline [alpha/byline]" "the finding is reported as PACK/RULE"

echo "test_pack_namespaces: $CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
