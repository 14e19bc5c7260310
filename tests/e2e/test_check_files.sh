#!/usr/bin/env bash
# provcheck check in files mode, end to end: exit codes, the JSON report, output
# files, options, page errors, config handling, custom rules and plugins.
. "$(dirname "$0")/lib.sh"

# A fresh site: two good pages, one without a privacy link, a privacy page.
new_site() {
  local s=$TMP/$1
  rm -rf "$s"
  mkdir -p "$s"
  good_page "$s/news/a.html" "A"
  good_page "$s/news/b.html" "B"
  page_with "$s/news/c.html" '<article><h1>C</h1><p>Source: cnnespanol</p>
<p>The information on this site is from external sources that are not under our control.</p></article>'
  good_page "$s/privacy.html" "Privacy"
  echo "$s"
}

# --- exit codes -------------------------------------------------------------
S=$(new_site clean)
rm "$S/news/c.html"
run_in "$S" check
assert_status 0 "clean site"
assert_contains "$OUT$ERR" "3 pages" "summary line counts pages"

S=$(new_site dirty)
run_in "$S" check
assert_status 1 "a page without privacy link"
assert_contains "$OUT" "news/c.html" "text report names the page"
assert_contains "$OUT" "privacy-link" "text report names the rule"

run_in "$S" check --no-such-option
assert_status 2 "unknown option"
assert_contains "$ERR" "--no-such-option" "unknown option is named"
run_in "$S" check --format xml
assert_status 2 "unknown format"
assert_contains "$ERR" "xml" "unknown format is named"
run_in "$S" check --fail-on sometimes
assert_status 2 "bad --fail-on"
run_in "$S" check --max-warnings -1
assert_status 2 "negative --max-warnings"
run_in "$S" check -j 0
assert_status 2 "-j 0"
run_in "$S" check --shard 3/2
assert_status 2 "--shard K > N"
run_in "$S" check --shard 0/2
assert_status 2 "--shard K = 0"
run_in "$S" check --record
assert_status 2 "--record without --rev"
assert_contains "$ERR" "--rev" "--record explains it needs --rev"
run_in "$S" check --format
assert_status 2 "option without its value"
run_in "$S" check --rule no-such-rule
assert_status 2 "unknown --rule id"
assert_contains "$ERR" "no-such-rule" "unknown rule id is named"
run_in "$S" check --help
assert_status 0 "check --help"
assert_contains "$OUT" "--fail-on" "help lists options"

# --- the JSON report ----------------------------------------------------------
run_in "$S" check -f json
assert_status 1 "json run"
cp "$TMP/.out" "$TMP/dirty.json"
assert_eq "$(json 'd["version"]')" 1 "version"
assert_eq "$(json 'd["tool"]')" '{"name":"provcheck","version":"0.1.0"}' "tool"
assert_eq "$(json 'd["target"]["kind"]')" files "target.kind"
assert_eq "$(json 'd["target"]["rev"]')" null "target.rev"
assert_eq "$(json 'd["target"]["commit"]')" null "target.commit"
assert_eq "$(json 'list(d.keys())')" '["version","tool","target","run","summary","pages","findings"]' "key order (run is additive)"
assert_eq "$(json 'd["summary"]["pages"]')" 4 "summary.pages"
assert_eq "$(json 'd["summary"]["findings"]')" 1 "summary.findings"
assert_eq "$(json 'd["summary"]["errors"]')" 1 "summary.errors"
assert_eq "$(json 'd["summary"]["warnings"]')" 0 "summary.warnings"
assert_eq "$(json 'd["summary"]["suppressed"]')" 0 "summary.suppressed"
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/a.html","news/b.html","news/c.html","privacy.html"]' "pages sorted by path"
assert_eq "$(json '[p["findings"] for p in d["pages"]]')" '[0,0,1,0]' "pages[].findings"
assert_eq "$(json '[p["url"] for p in d["pages"]] + [p["blob"] for p in d["pages"]]')" '[null,null,null,null,null,null,null,null]' "no url/blob in files mode"
assert_eq "$(json 'd["findings"][0]["rule"]')" privacy-link "finding rule"
assert_eq "$(json 'd["findings"][0]["path"]')" news/c.html "finding path"
assert_eq "$(json 'd["findings"][0]["severity"]')" error "finding severity"
assert_eq "$(json 'd["findings"][0]["line"]')" 4 "absent link points at <article>"
assert_eq "$(json 'd["findings"][0]["suppressed"]')" false "not suppressed"
assert_eq "$(json 'd["findings"][0]["suppression"]')" null "suppression null"
assert_eq "$(json 'len(d["findings"][0]["fingerprint"]) > 0')" true "fingerprint present"
assert_eq "$(json 'list(d["findings"][0].keys())[:12]')" '["rule","severity","message","path","url","line","column","commit","blob","fingerprint","suppressed","suppression"]' "finding key order"

# Fingerprints do not move when lines are inserted above the finding.
fp1=$(json 'd["findings"][0]["fingerprint"]')
sed -i 's|<body>|<body>\n<p>inserted</p>\n<p>lines</p>|' "$S/news/c.html"
run_in "$S" check -f json
assert_eq "$(json 'd["findings"][0]["line"]')" 6 "finding moved down two lines"
assert_eq "$(json 'd["findings"][0]["fingerprint"]')" "$fp1" "fingerprint stable under a line shift"

# Findings sorted by path, then line; several findings on several pages.
S=$(new_site sorted)
page_with "$S/news/0-empty-article.html" '<article><p>Nothing here.</p></article>'
page_with "$S/news/d.html" '<article><p>Source: cnnespanol</p></article>'
run_in "$S" check -f json
assert_eq "$(json '[(f["path"], f["line"] or 0, f["column"] or 0, f["rule"]) for f in d["findings"]] == sorted([(f["path"], f["line"] or 0, f["column"] or 0, f["rule"]) for f in d["findings"]])')" true "findings sorted"
assert_eq "$(json 'sorted(set(f["rule"] for f in d["findings"] if f["path"] == "news/0-empty-article.html"))')" '["privacy-link","source-attribution","third-party-disclaimer"]' "all three core rules fire"

# -j1 and -j2 print the same bytes (text and JSON).
(cd "$S" && "$PROVCHECK" check -f json -j1 >"$TMP/j1.json"; "$PROVCHECK" check -f json -j2 >"$TMP/j2.json"; "$PROVCHECK" check -j1 >"$TMP/j1.txt"; "$PROVCHECK" check -j2 >"$TMP/j2.txt")
if cmp -s "$TMP/j1.json" "$TMP/j2.json" && cmp -s "$TMP/j1.txt" "$TMP/j2.txt"; then pass; else fail "-j1 and -j2 differ"; fi
# and twice the same run
(cd "$S" && "$PROVCHECK" check -f json -j2 >"$TMP/j2b.json")
if cmp -s "$TMP/j2.json" "$TMP/j2b.json"; then pass; else fail "two -j2 runs differ"; fi
# --jobs=2 and -j2 spellings
(cd "$S" && "$PROVCHECK" check --jobs=2 --format=json >"$TMP/j2c.json")
if cmp -s "$TMP/j2.json" "$TMP/j2c.json"; then pass; else fail "--opt=value spelling"; fi

# --- output files ---------------------------------------------------------------
S=$(new_site output)
run_in "$S" check -f json -o "$TMP/report.json"
assert_status 1 "-o run keeps the exit code"
assert_eq "$OUT" "" "-o writes nothing to stdout"
assert_eq "$(json 'd["summary"]["findings"]' "$TMP/report.json")" 1 "-o file holds the report"
ls "$TMP" | grep -v '^report.json$' | grep -q 'report.json.' && fail "temp file left behind" || pass
# setup error: no file created, an existing one untouched
run_in "$S" check -f json -o "$TMP/never.json" --rule no-such-rule
assert_status 2 "setup error with -o"
assert_no_file "$TMP/never.json" "no report file on a setup error"
echo "previous contents" >"$TMP/keep.json"
run_in "$S" check -f json -o "$TMP/keep.json" -c "$TMP/missing-config.lua"
assert_status 2 "missing config"
assert_eq "$(cat "$TMP/keep.json")" "previous contents" "existing report left as it was"
# a device is written into, never replaced by a renamed temp file
# -o onto a FIFO (or /dev/stdout, /dev/null) writes into it, never renames over it.
# A FIFO here rather than /dev/null: a regression must not break the machine.
mkfifo "$TMP/pipe"
cat "$TMP/pipe" >"$TMP/from-pipe.json" &
reader=$!
run_in "$S" check -f json -o "$TMP/pipe"
wait "$reader"
assert_status 1 "-o FIFO"
if [ -p "$TMP/pipe" ]; then pass; else fail "the FIFO was replaced by a file"; fi
assert_eq "$(json 'd["summary"]["pages"]' "$TMP/from-pipe.json")" "$(json 'd["summary"]["pages"]' "$TMP/report.json")" \
  "the whole report went through the FIFO"
# -o - is stdout
run_in "$S" check -f json -o -
assert_eq "$(json 'd["version"]')" 1 "-o - writes to stdout"

# --- fail-on, max-warnings, rule --------------------------------------------------
S=$(new_site levels)
cat >"$S/provcheck.lua" <<'LUA'
return { rules = { ["privacy-link"] = "warning" } }
LUA
run_in "$S" check
assert_status 0 "only a warning: exit 0"
assert_contains "$OUT" "warning" "warning printed"
run_in "$S" check --fail-on warning
assert_status 1 "--fail-on warning"
run_in "$S" check --fail-on=never
assert_status 0 "--fail-on never"
run_in "$S" check --max-warnings 0
assert_status 1 "--max-warnings 0 with one warning"
run_in "$S" check --max-warnings 1
assert_status 0 "--max-warnings 1 with one warning"
run_in "$S" check --fail-on never --max-warnings 0
assert_status 1 "--max-warnings applies whatever --fail-on"
run_in "$S" check --quiet
assert_not_contains "$OUT" "news/c.html" "--quiet hides warnings"

S=$(new_site onlyrule)
page_with "$S/news/d.html" '<article><p>no source, no footer</p></article>'
run_in "$S" check -f json --rule source-attribution
assert_eq "$(json 'sorted(set(f["rule"] for f in d["findings"]))')" '["source-attribution"]' "--rule runs only that rule"
run_in "$S" check -f json --rule source-attribution --rule privacy-link
assert_eq "$(json 'sorted(set(f["rule"] for f in d["findings"]))')" '["privacy-link","source-attribution"]' "--rule repeatable"
cat >"$S/provcheck.lua" <<'LUA'
return { rules = { ["source-attribution"] = "off" } }
LUA
run_in "$S" check -f json
assert_eq "$(json '"source-attribution" in [f["rule"] for f in d["findings"]]')" false "rule off in config"
run_in "$S" check -f json --rule source-attribution
assert_eq "$(json 'sorted(set((f["rule"], f["severity"]) for f in d["findings"]))')" '[["source-attribution","error"]]' "--rule runs an off rule at its default severity"

# --- shards ----------------------------------------------------------------------
S=$(new_site shards)
for i in 1 2 3 4 5 6 7 8; do good_page "$S/more/p$i.html"; done
run_in "$S" check -f json
all=$(json 'sorted(p["path"] for p in d["pages"])')
run_in "$S" check -f json --shard 1/3; s1=$(json '[p["path"] for p in d["pages"]]')
run_in "$S" check -f json --shard 2/3; s2=$(json '[p["path"] for p in d["pages"]]')
run_in "$S" check -f json --shard 3/3; s3=$(json '[p["path"] for p in d["pages"]]')
union=$(python3 -c 'import json,sys; print(json.dumps(sorted(sum((json.loads(a) for a in sys.argv[1:]), [])), separators=(",", ":")))' "$s1" "$s2" "$s3")
assert_eq "$union" "$all" "shards 1..3 of 3 cover every page exactly once"
(cd "$S" && CI_NODE_INDEX=2 CI_NODE_TOTAL=3 "$PROVCHECK" check -f json >"$TMP/env.json")
assert_eq "$(json '[p["path"] for p in d["pages"]]' "$TMP/env.json")" "$s2" "CI_NODE_INDEX/CI_NODE_TOTAL pick the shard"
(cd "$S" && CI_NODE_INDEX=5 CI_NODE_TOTAL=3 "$PROVCHECK" check >/dev/null 2>&1); STATUS=$?
assert_status 2 "bad CI_NODE_INDEX"

# --- colour ---------------------------------------------------------------------
S=$(new_site colour)
if command -v script >/dev/null 2>&1; then
  (cd "$S" && env -u NO_COLOR script -qec "$PROVCHECK check" /dev/null >"$TMP/tty.txt" 2>&1)
  if grep -q $'\033\[' "$TMP/tty.txt"; then pass; else fail "colour on a terminal"; fi
  (cd "$S" && NO_COLOR=1 script -qec "$PROVCHECK check" /dev/null >"$TMP/tty2.txt" 2>&1)
  if grep -q $'\033\[' "$TMP/tty2.txt"; then fail "NO_COLOR still coloured"; else pass; fi
fi
(cd "$S" && env -u NO_COLOR "$PROVCHECK" check >"$TMP/pipe.txt" 2>&1)
if grep -q $'\033\[' "$TMP/pipe.txt"; then fail "colour into a pipe"; else pass; fi

# --- page errors ------------------------------------------------------------------
S=$(new_site pageerr)
: >"$S/news/empty.html"
head -c 3000 /dev/urandom >"$S/news/binary.html"
printf '\0\0\0' >>"$S/news/binary.html"
mkdir -p "$TMP/outside"
good_page "$TMP/outside/secret.html"
ln -s "$TMP/outside/secret.html" "$S/news/link-out.html"
ln -s ../news/a.html "$S/news/link-in.html"
cat >"$S/provcheck.lua" <<'LUA'
return { max_page_bytes = 20000 }
LUA
python3 -c 'import sys; open(sys.argv[1], "w").write("<html><body><p>" + "x" * 30000 + "</p></body></html>")' "$S/news/huge.html"
run_in "$S" check -f json
assert_status 1 "page errors fail the run"
for p in news/empty.html news/binary.html news/huge.html news/link-out.html; do
  assert_eq "$(json "[f['rule'] for f in d['findings'] if f['path'] == '$p']")" '["page-error"]' "page-error for $p"
  assert_eq "$(json "'$p' in [p['path'] for p in d['pages']]")" true "$p listed in pages"
done
assert_eq "$(json "[f['rule'] for f in d['findings'] if f['path'] == 'news/link-in.html']")" '[]' "a symlink inside the root is checked"
assert_eq "$(json 'd["summary"]["pages"]')" 9 "every page accounted for"

# --- config -----------------------------------------------------------------------
S=$(new_site config)
printf 'return {\n  rules = {\n    ["privacy-link"] = "warning",\n  }\n  oops\n}\n' >"$S/provcheck.lua"
run_in "$S" check -f json -o "$TMP/cfg.json"
assert_status 2 "config syntax error"
assert_contains "$ERR" "provcheck.lua:" "message names the file"
assert_contains "$ERR" ":5" "message names the line"
assert_no_file "$TMP/cfg.json" "no report on a config error"
printf 'return {\n  rules = {},\n}\nerror("boom")\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "config runtime error"
printf 'return { rules = { ["no-such-rule"] = "error" } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "unknown rule id in config"
assert_contains "$ERR" "no-such-rule" "unknown rule id named"
printf 'return { rules = { ["privacy-link"] = { colour = "red" } } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "unknown rule option in config"
assert_contains "$ERR" "colour" "unknown option named"
printf 'return { rules = { ["privacy-link"] = { patterns = 3 } } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "option of the wrong type"
printf 'return { colour = "red" }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "unknown config key"
printf 'return { rules = { ["privacy-link"] = "loud" } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "unknown severity"
printf 'local t = {}\nwhile true do t[#t+1] = 1 end\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "config that never ends is stopped"
printf 'return { site_root = io.open("/etc/passwd") }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "config sandbox has no io"

# -c FILE from elsewhere: site root is the config's folder
S=$(new_site cflag)
printf 'return { rules = { ["privacy-link"] = "off" } }\n' >"$S/provcheck.lua"
run check -c "$S/provcheck.lua" -f json
assert_status 0 "-c from another folder"
assert_eq "$(json 'd["summary"]["pages"]')" 4 "site root = the config's folder"
# config discovery at the git work tree root, from a subfolder
if command -v git >/dev/null; then
  git -C "$S" init -q
  run_in "$S/news" check -f json
  assert_status 0 "config found at the work tree root"
fi
# no config: the one PATH that is a folder is the site root
S=$(new_site pathroot)
run_in "$TMP" check -f json pathroot
assert_eq "$(json '[p["path"] for p in d["pages"]][0]')" news/a.html "PATH folder is the site root"
run_in "$TMP" check -f json pathroot/news/c.html
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["pathroot/news/c.html"]' "a single file, relative to the cwd"

# site_root, include and exclude
S=$(new_site globs)
mkdir -p "$S/public"
mv "$S/news" "$S/privacy.html" "$S/public/"
good_page "$S/public/drafts/x.html"
page_with "$S/public/drafts/broken.html" '<p>broken</p>'
good_page "$S/public/page.htm"
good_page "$S/public/feed.xml"
cat >"$S/provcheck.lua" <<'LUA'
return { site_root = "public", exclude = { "drafts/**", "news/c.html" } }
LUA
run_in "$S" check -f json
assert_status 0 "exclude removes the broken pages"
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["news/a.html","news/b.html","page.htm","privacy.html"]' "site_root + include + exclude"
cat >"$S/provcheck.lua" <<'LUA'
return { site_root = "public", include = { "drafts/*.html" } }
LUA
run_in "$S" check -f json
assert_eq "$(json '[p["path"] for p in d["pages"]]')" '["drafts/broken.html","drafts/x.html"]' "include narrows the pages"

# overrides: later entries win, key by key
S=$(new_site overrides)
page_with "$S/about/index.html" '<article><h1>About</h1><a href="/privacy.html">Privacy</a>
<p>The information on this site is from external sources that are not under our control.</p></article>'
cat >"$S/provcheck.lua" <<'LUA'
return {
  rules = { ["source-attribution"] = { severity = "error", sources = { "reuters" } } },
  overrides = {
    { files = { "about/**" }, rules = { ["source-attribution"] = "off" } },
    { files = { "news/**" }, rules = { ["source-attribution"] = { sources = { "cnnespanol" } } } },
    { files = { "news/b.html" }, rules = { ["source-attribution"] = "warning" } },
    { files = { "news/c.html" }, rules = { ["privacy-link"] = "off" } },
  },
}
LUA
good_page "$S/elsewhere.html"
run_in "$S" check -f json
assert_eq "$(json '[f["path"] for f in d["findings"] if f["rule"] == "source-attribution" and f["severity"] == "error"]')" '["elsewhere.html","privacy.html"]' "sources=reuters outside news/"
assert_eq "$(json '[f["path"] for f in d["findings"] if f["path"].startswith("about/")]')" '[]' "override turns a rule off"
assert_eq "$(json '[f for f in d["findings"] if f["path"] == "news/c.html"]')" '[]' "override turns privacy-link off"
assert_contains "$(json '[f["message"] for f in d["findings"] if f["path"] == "privacy.html"]')" "cnnespanol" "message names the unknown source"

# inline suppression and unused-suppression
S=$(new_site suppress)
page_with "$S/news/c.html" '<!-- provcheck-disable privacy-link -- footer comes from the CDN -->
<article><p>Source: cnnespanol</p>
<p>The information on this site is from external sources that are not under our control.</p></article>'
page_with "$S/news/d.html" "<!-- provcheck-disable source-attribution -->
<article>$GOOD_BODY</article>"
run_in "$S" check -f json
assert_status 0 "suppressed finding does not fail"
assert_eq "$(json '[(f["rule"], f["suppressed"], f["suppression"]) for f in d["findings"] if f["path"] == "news/c.html"]')" '[["privacy-link",true,"inline"]]' "suppressed, not dropped"
assert_eq "$(json 'd["summary"]["suppressed"]')" 1 "summary.suppressed"
assert_eq "$(json '[f["rule"] for f in d["findings"] if f["path"] == "news/d.html"]')" '["unused-suppression"]' "unused suppression reported"
assert_eq "$(json '[f["severity"] for f in d["findings"] if f["path"] == "news/d.html"]')" '["warning"]' "unused-suppression is a warning"

# --- custom rules and plugins ---------------------------------------------------------
S=$(new_site custom)
mkdir -p "$S/checks"
cat >"$S/checks/no-lorem.lua" <<'LUA'
return {
  id = "no-lorem",
  summary = "No placeholder text",
  severity = "warning",
  options = { words = { type = "string[]", default = { "lorem ipsum" }, doc = "placeholder phrases" } },
  docs = "Placeholder text left in a published page.",
  check = function(page, opts, report)
    for _, w in ipairs(opts.words) do
      if page:text():find(w, 1, true) then
        report{ message = "placeholder text: " .. w }
      end
    end
  end,
}
LUA
page_with "$S/news/lorem.html" "<article><p>Lorem ipsum dolor sit amet.</p>$GOOD_BODY</article>"
cat >"$S/provcheck.lua" <<'LUA'
return { rule_paths = { "checks" }, exclude = { "news/c.html" } }
LUA
run_in "$S" check -f json
assert_status 0 "custom rule warning does not fail"
assert_eq "$(json '[(f["rule"], f["path"], f["severity"]) for f in d["findings"]]')" '[["no-lorem","news/lorem.html","warning"]]' "rule_paths rule runs"
run_in "$S" explain no-lorem
assert_contains "$OUT" "placeholder phrases" "explain shows a custom rule's option"
cat >"$S/provcheck.lua" <<'LUA'
return { rule_paths = { "checks" }, rules = { ["no-lorem"] = { words = { "dolor sit" }, severity = "error" } } }
LUA
run_in "$S" check -f json --rule no-lorem
assert_status 1 "custom rule at error"
assert_contains "$(json '[f["message"] for f in d["findings"]]')" "dolor sit" "custom rule gets its options"

# a rule that throws becomes a rule-error, the other rules still run
cat >"$S/checks/boom.lua" <<'LUA'
return { id = "boom", summary = "always throws", severity = "warning", options = {},
         docs = "test", check = function(page, opts, report) error("kaboom") end }
LUA
printf 'return { rule_paths = { "checks" } }\n' >"$S/provcheck.lua"
run_in "$S" check -f json
assert_status 1 "rule-error fails the run"
assert_eq "$(json 'sorted(set(f["rule"] for f in d["findings"] if f["path"] == "news/c.html"))')" '["privacy-link","rule-error"]' "rule-error and the other rules"

# a plugin pack next to the config
S=$(new_site plugin)
mkdir -p "$S/plugins/newsroom/rules"
cat >"$S/plugins/newsroom/plugin.lua" <<'LUA'
return { name = "newsroom", version = "1.0.0", description = "newsroom checks",
         rules = { "needs-h1" } }
LUA
cat >"$S/plugins/newsroom/rules/needs-h1.lua" <<'LUA'
return {
  id = "needs-h1", summary = "Every article has a headline", severity = "error", options = {},
  docs = "An <h1> in each page.",
  check = function(page, opts, report)
    if #page:select("h1") == 0 then report{ message = "no <h1> headline" } end
  end,
}
LUA
page_with "$S/news/noh1.html" "<article>$GOOD_BODY</article>"
cat >"$S/provcheck.lua" <<'LUA'
return { plugins = { "newsroom" }, exclude = { "news/c.html", "plugins/**" } }
LUA
run_in "$S" check -f json
assert_status 1 "plugin rule finds the page"
assert_eq "$(json '[(f["rule"], f["path"]) for f in d["findings"]]')" '[["newsroom/needs-h1","news/noh1.html"]]' "plugin pack rule runs"
# the syndication pack shipped in plugins/: found without a local copy, options checked
S=$(new_site shipped-plugin)
page_with "$S/news/canon.html" "<article><h1>A</h1>$GOOD_BODY</article>"
sed -i 's|<title>Page</title>|<title>Page</title><link rel="canonical" href="https://cnnespanol.cnn.com/2022/01/26/a/">|' "$S/news/canon.html"
page_with "$S/news/elsewhere.html" "<article><h1>B</h1>$GOOD_BODY<a href=\"https://www.reuters.com/world/b\">Reuters</a></article>"
page_with "$S/news/none.html" "<article><h1>C</h1>$GOOD_BODY</article>"
cat >"$S/provcheck.lua" <<'LUA'
return {
  plugins = { "syndication" },
  rules = { ["syndication/original-link"] = { severity = "error", domains = { "cnn.com" } },
            ["syndication/links-disclaimer"] = "off", ["syndication/translation-notice"] = "off" },
  exclude = { "news/a.html", "news/b.html", "news/c.html", "privacy.html" },
}
LUA
run_in "$S" check -f json
assert_status 1 "the shipped pack's rule fails two pages"
assert_eq "$(json '[(f["rule"], f["path"], f["severity"]) for f in d["findings"]]')" \
  '[["syndication/original-link","news/elsewhere.html","error"],["syndication/original-link","news/none.html","error"]]' \
  "syndication/original-link: a canonical to a subdomain of cnn.com counts, a link to another outlet does not"
assert_contains "$(json '[f["message"] for f in d["findings"]][0]')" "on cnn.com" "the message names the domains"
printf 'return { plugins = { "syndication" }, rules = { ["syndication/original-link"] = { domains = "cnn.com" } } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "a pack rule's option of the wrong type"
assert_contains "$ERR" "domains" "the message names the option"
run test-rules "$PROVCHECK_SRC/plugins/syndication/rules"
assert_status 0 "the shipped pack's fixtures hold"

printf 'return { plugins = { "no-such-pack" } }\n' >"$S/provcheck.lua"
run_in "$S" check
assert_status 2 "unknown plugin"

finish
