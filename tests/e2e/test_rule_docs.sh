#!/usr/bin/env bash
# Rule documentation resolves: every id `provcheck rules` lists (built-in, the
# packs, the core's own: page-error ... drift) has docs/rules/<id>.md;
# every SARIF helpUri points at a page that exists (or at the rule's own `url`);
# explain names the same page; drift is a rule the config can set; the docs name
# no file the repository lacks; one project URL.
. "$(dirname "$0")/lib.sh"

SITE=$TMP/site
mkdir -p "$SITE"
printf 'return { plugins = { "syndication", "privacy-regional", "news-metadata", "ai-transparency", "licensing" } }\n' >"$SITE/provcheck.lua"
good_page "$SITE/index.html"

run_in "$SITE" rules -f json
assert_status 0 "rules lists"
printf '%s' "$OUT" >"$TMP/rules.json"
ids=$(json '" ".join(r["id"] for r in d["rules"])' "$TMP/rules.json")
for id in privacy-link syndication/original-link page-error rule-error fetch-error unused-suppression drift; do
  assert_contains " $ids " " $id " "provcheck rules lists $id"
done
for id in $ids; do
  page=${id##*/}   # a pack's rule PACK/RULE is documented in docs/rules/RULE.md
  assert_file_exists "$PROVCHECK_SRC/docs/rules/$page.md" "the documentation page of $id"
  head -n 1 "$PROVCHECK_SRC/docs/rules/$page.md" >"$TMP/h1" 2>/dev/null
  assert_eq "$(cat "$TMP/h1")" "# $id" "docs/rules/$page.md is about $id"
  run_in "$SITE" explain "$id"
  assert_status 0 "explain $id"
  assert_contains "$OUT" "documentation: https://github.com/provcheck/provcheck/blob/main/docs/rules/$page.md" \
    "explain $id names its page"
done

# SARIF: every helpUri of the project's docs names a page of the repository.
BASE=https://github.com/provcheck/provcheck/blob/main/
printf '<p>broken <!-- provcheck-disable privacy-link -- test --></p>\n' >"$SITE/bad.html"
run_in "$SITE" check -f sarif -o "$TMP/r.sarif"
uris=$(json '" ".join(r["helpUri"] for r in d["runs"][0]["tool"]["driver"]["rules"])' "$TMP/r.sarif")
n=0
for uri in $uris; do
  n=$((n + 1))
  case "$uri" in
    "$BASE"*) assert_file_exists "$PROVCHECK_SRC/${uri#"$BASE"}" "helpUri target $uri" ;;
    *) fail "helpUri outside the project docs: $uri" ;;
  esac
done
if [ "$n" -ge 6 ]; then pass; else fail "only $n SARIF rule descriptors"; fi
assert_eq "$(json 'd["runs"][0]["tool"]["driver"]["informationUri"]' "$TMP/r.sarif")" \
  "https://github.com/provcheck/provcheck" "the tool's URI is the project URL"

# A rule may declare its own url: explain and SARIF use it.
mkdir -p "$SITE/myrules"
cat >"$SITE/myrules/own-docs.lua" <<'LUA'
return {
  id = "own-docs", summary = "Always reports", severity = "warning",
  url = "https://rules.example/own-docs.html",
  check = function(page, opts, report) report{ message = "found" } end,
}
LUA
printf 'return { plugins = { "syndication" }, rule_paths = { "myrules" } }\n' >"$SITE/provcheck.lua"
run_in "$SITE" explain own-docs
assert_contains "$OUT" "documentation: https://rules.example/own-docs.html" "explain shows a rule's own url"
run_in "$SITE" check -f sarif -o "$TMP/own.sarif"
assert_eq "$(json '[r["helpUri"] for r in d["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "own-docs"][0]' "$TMP/own.sarif")" \
  "https://rules.example/own-docs.html" "SARIF helpUri is the rule's own url"
sed -i 's|url = "https://rules.example/own-docs.html"|url = "javascript:alert(1)"|' "$SITE/myrules/own-docs.lua"
run_in "$SITE" rules
assert_status 2 "a url that is not http(s) is a setup error"
assert_contains "$ERR" "url must be an http:// or https:// URL" "and says so"
rm -r "$SITE/myrules"

# drift is a rule: its severity can be set, overrides cannot select it.
printf 'return { rules = { drift = "off" } }\n' >"$SITE/provcheck.lua"
run_in "$SITE" rules
assert_status 0 "rules = { drift = \"off\" } is accepted"
printf 'return { rules = { drift = { severity = "error", x = 1 } } }\n' >"$SITE/provcheck.lua"
run_in "$SITE" rules
assert_status 2 "drift takes a severity only"
printf 'return { overrides = { { files = { "a/**" }, rules = { drift = "off" } } } }\n' >"$SITE/provcheck.lua"
run_in "$SITE" rules
assert_status 2 "drift in an override is a setup error"
assert_contains "$ERR" "top-level rules only" "and says where it goes"

# The docs name no file that is not in the repository, and one project URL.
for f in "$PROVCHECK_SRC"/docs/*.md "$PROVCHECK_SRC"/docs/rules/*.md "$PROVCHECK_SRC/README.md" \
         "$PROVCHECK_SRC"/plugins/*/README.md; do
  if grep -n -i 'contract' "$f" >"$TMP/c" 2>/dev/null; then
    fail "$f cites a contract that is not in the repository: $(head -n 2 "$TMP/c")"
  else pass; fi
done
urls=$(grep -rhoE 'https?://[a-z.]+/provcheck(/provcheck)?' "$PROVCHECK_SRC/docs" "$PROVCHECK_SRC/README.md" \
         "$PROVCHECK_SRC/core" "$PROVCHECK_SRC/plugins" "$PROVCHECK_SRC/templates" \
         "$PROVCHECK_SRC/debian/control" "$PROVCHECK_SRC/CMakeLists.txt" 2>/dev/null |
       grep -v '^https://api.github.com/' | sed 's|^https://raw.githubusercontent.com/|https://github.com/|' | sort -u)
assert_eq "$urls" "https://github.com/provcheck/provcheck" "one project URL everywhere"

finish
