#!/usr/bin/env bash
# Hostile rules: a rule pack that tries every escape at once (state kept between
# pages in globals and upvalues, another rule's helper module and the string
# library changed through pairs and rawset, a message handler and a __close that
# loop, a backtracking pattern, 25 MB kept per page, a 1 MB message and thousands
# of findings) cannot change another rule's result, crash, hang or grow memory,
# and the report is the same bytes for -j1 and -j2. A hostile provcheck.lua and a
# rule whose table has a throwing __index are setup errors naming the file.
. "$(dirname "$0")/lib.sh"
git_identity

S=$TMP/site
good_page "$S/privacy.html" "Privacy"
for i in $(seq 1 20); do
  if [ $((i % 2)) -eq 0 ]; then
    good_page "$S/news/p$i.html" "P$i"
  else   # no disclaimer: third-party-disclaimer must report these, whatever the pack does
    page_with "$S/news/p$i.html" "<article><p>Source: cnnespanol</p><p>Page $i</p>
<a href=\"/privacy.html\">Privacy</a></article>"
  fi
done

H=$S/hostile
write_file "$H/counter.lua" 'local seen = 0
return { id = "counter", summary = "keeps state between pages", severity = "info",
  check = function(page, opts, report)
    seen = seen + 1
    pages = (pages or 0) + 1
    report{ message = "upvalue " .. seen .. " global " .. pages }
  end }'
# a shipped helper module is kept across pages only for shipped rules: a site
# rule gets a new one on every page, so what it leaves in one cannot carry over
write_file "$H/libstate.lua" 'local d = require("lib.disclaimer")
return { id = "libstate", summary = "keeps state in a shipped module", severity = "info",
  check = function(page, opts, report)
    d.visits = (d.visits or 0) + 1
    report{ message = "module visits " .. d.visits }
  end }'
# page:jsonld() is one list per page shared by the rules: read-only, so a rule
# cannot change what the next one reads
write_file "$H/jsonwriter.lua" 'return { id = "jsonwriter", summary = "writes into the JSON-LD list",
  severity = "info", needs = { "jsonld" },
  check = function(page, opts, report)
    local list = page:jsonld()
    local wrote = pcall(function() list[1] = { ["@type"] = "NewsArticle" } end)
    report{ message = "wrote " .. tostring(wrote) .. ", blocks " .. #page:jsonld() }
  end }'
write_file "$H/meddler.lua" 'local _, M = pairs(require("lib.disclaimer"))
return { id = "meddler", summary = "switches another rule off", severity = "info",
  check = function(page, opts, report)
    pcall(function() M.require_sentence = function() end end)
    require("lib.disclaimer").require_sentence = function() end
    local _, S = pairs(string)
    pcall(function() S.lower = function() return "" end end)
    pcall(rawset, string, "find", function() return 1, 1 end)
    pcall(function() getmetatable("").__index.find = function() return 1, 1 end end)
  end }'
write_file "$H/handler.lua" 'return { id = "handler", summary = "loops in a message handler", severity = "warning",
  check = function(page, opts, report)
    xpcall(function() while true do end end, function() while true do end end)
  end }'
write_file "$H/closer.lua" 'return { id = "closer", summary = "loops in __close", severity = "warning",
  check = function(page, opts, report)
    local x <close> = setmetatable({}, { __close = function() while true do end end })
    pcall(function() while true do end end)
  end }'
write_file "$H/pattern.lua" 'return { id = "pattern", summary = "backtracks in C", severity = "warning",
  check = function(page, opts, report)
    return ("a"):rep(2e4):find(("a-"):rep(12) .. "b")
  end }'
write_file "$H/hog.lua" 'local kept = {}
return { id = "hog", summary = "keeps 25 MB per page", severity = "info",
  check = function(page, opts, report)
    hoard = hoard or {}
    hoard[#hoard + 1] = string.rep(page.path, 25 * 1024 * 1024 // #page.path)
    kept[#kept + 1] = hoard[#hoard]
  end }'
write_file "$H/flood.lua" 'return { id = "flood", summary = "floods the report", severity = "warning",
  check = function(page, opts, report)
    report{ message = "a" .. string.rep("\u{e9}", 1024 * 1024) }
    for i = 1, 5000 do report{ message = "finding " .. i } end
  end }'
write_file "$S/provcheck.lua" 'return { rule_paths = { "hostile" },
  limits = { instructions = 2000000, memory = 64 * 1024 * 1024 } }'
write_file "$S/plain.lua" 'return { }'
git -C "$S" init -q && git -C "$S" add -A && git -C "$S" commit -qm init

# --- what the core rules say without the pack --------------------------------
run_in "$S" check -c plain.lua -f json -j1 --no-cache
assert_status 1 "without the pack"
cp "$TMP/.out" "$TMP/plain.json"
core_findings() {
  json '[[f["path"], f["rule"], f["message"], f["line"]] for f in d["findings"]
         if f["rule"] in ("source-attribution", "privacy-link", "third-party-disclaimer")]' "$1"
}
core_plain=$(core_findings "$TMP/plain.json")
assert_contains "$core_plain" "third-party-disclaimer" "the plain run reports missing disclaimers"

# --- with the pack: -j1, -j2, -j2 again ----------------------------------------
for run in 1:1 2:2 3:2; do   # run number : -j
  n=${run%%:*} j=${run#*:}
  python3 - "$TMP/rss.$n" <<PY >"$TMP/hostile.$n" 2>"$TMP/err.$n"
import os, resource, subprocess, sys
# a sanitizer build keeps freed memory in quarantine: not what is measured here
env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1")
rc = subprocess.run(["timeout", "300", "$PROVCHECK", "check", "-f", "json", "-j", "$j", "--no-cache"],
                    cwd="$S", env=env).returncode
open(sys.argv[1], "w").write("%d %d" % (rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
  read -r st rss <"$TMP/rss.$n"
  STATUS=$st OUT=$(head -c 2000 "$TMP/hostile.$n") ERR=$(cat "$TMP/err.$n")
  assert_status 1 "-j$j with the hostile pack finishes with findings"
  # 20 pages x 25 MB would be 500 MB if what a rule keeps survived its page
  if [ "${rss:-0}" -lt 300000 ]; then pass; else fail "-j$j peak RSS ${rss} KB: memory piles up"; fi
done
# differing_findings A B: the findings one report has and the other has not
cat >"$TMP/differ.py" <<'PY2'
import json, sys
try:
    a, b = (json.load(open(f))["findings"] for f in sys.argv[1:3])
except Exception as e:
    print("not JSON: %s" % e)
    sys.exit(0)
ka = {json.dumps(f, sort_keys=True) for f in a}
kb = {json.dumps(f, sort_keys=True) for f in b}
for k in sorted(ka ^ kb)[:6]:
    print(("only in first: " if k in ka else "only in second: ") + k[:300])
if not ka ^ kb:
    print("same findings, other bytes: " + open(sys.argv[1]).read()[:300])
PY2
differing_findings() {
  python3 "$TMP/differ.py" "$1" "$2"
}
if cmp -s "$TMP/hostile.1" "$TMP/hostile.2"; then pass; else
  fail "-j1 and -j2 reports differ: $(differing_findings "$TMP/hostile.1" "$TMP/hostile.2")"
fi
if cmp -s "$TMP/hostile.2" "$TMP/hostile.3"; then pass; else
  fail "two -j2 reports differ: $(differing_findings "$TMP/hostile.2" "$TMP/hostile.3")"
fi

H1=$TMP/hostile.1
assert_eq "$(core_findings "$H1")" "$core_plain" "the core rules' findings are unchanged by the pack"
assert_eq "$(json 'sorted(set(f["message"] for f in d["findings"] if f["rule"] == "counter"))' "$H1")" \
  '["upvalue 1 global 1"]' "no state survives a page"
assert_eq "$(json 'sum(1 for f in d["findings"] if f["rule"] == "counter")' "$H1")" 21 "counter ran on every page"
assert_eq "$(json 'sorted(set(f["message"] for f in d["findings"] if f["rule"] == "libstate"))' "$H1")" \
  '["module visits 1"]' "a site rule's helper module is new on every page"
assert_eq "$(json 'sorted(set(f["message"] for f in d["findings"] if f["rule"] == "jsonwriter"))' "$H1")" \
  '["wrote false, blocks 0"]' "page:jsonld() is read-only"
for r in handler closer pattern; do
  assert_eq "$(json "sum(1 for f in d['findings'] if f['rule'] == 'rule-error' and
    f['message'].startswith('rule $r failed on this page: instruction limit exceeded (limits.instructions = 2000000)'))" "$H1")" \
    21 "$r is stopped by its budget on every page"
done
assert_eq "$(json 'sum(1 for f in d["findings"] if f["rule"] == "rule-error")' "$H1")" 63 \
  "no other rule-error (meddler, hog and flood run clean)"
assert_eq "$(json 'sum(1 for f in d["findings"] if f["rule"] == "flood" and f["path"] == "news/p1.html")' "$H1")" \
  101 "findings capped at 100 per rule per page, plus one summary"
assert_eq "$(json '[f["message"] for f in d["findings"] if f["rule"] == "flood" and "more findings" in f["message"]][0]' "$H1")" \
  "rule flood reported 4901 more findings on this page; only the first 100 are kept" "the summary says how many were dropped"
assert_eq "$(json 'max(len(f["message"].encode()) for f in d["findings"]) <= 4096' "$H1")" true "messages capped at 4 KiB"
assert_eq "$(json 'sum(1 for f in d["findings"] if f["rule"] == "flood" and f["message"].endswith("\u00e9\u2026"))' "$H1")" \
  21 "a cut message ends with an ellipsis"
assert_eq "$(json 'sum(1 for f in d["findings"] if f["rule"] == "meddler")' "$H1")" 0 "meddler reports nothing"

# --- a wall-clock deadline backs the instruction count ------------------------
T=$TMP/slow
page_with "$T/a.html" "<article><p>Source: reuters</p></article>"
write_file "$T/rules/spin.lua" 'return { id = "spin", summary = "spins", check = function()
  while true do end end }'
write_file "$T/provcheck.lua" 'return { rule_paths = { "rules" }, limits = { instructions = 1e15, time_ms = 300 } }'
run_in "$T" check -f json --no-cache
assert_status 1 "a rule over its time limit"
assert_eq "$(json '[f["message"] for f in d["findings"] if f["rule"] == "rule-error"]')" \
  '["rule spin failed on this page: time limit exceeded (limits.time_ms = 300)"]' "the time limit is named"
assert_eq "$(json 'sum(1 for f in d["findings"] if f["rule"] == "source-attribution")')" 0 "the other rules still ran"
assert_contains "$(json '[f["rule"] for f in d["findings"]]')" "privacy-link" "privacy-link still reports"

# --- hostile provcheck.lua: a setup error naming the file, in every mode -------
C=$TMP/cfg
good_page "$C/index.html"
write_file "$C/provcheck.lua" 'xpcall(function() while true do end end, function() while true do end end)
return {}'
git -C "$C" init -q && git -C "$C" add -A && git -C "$C" commit -qm init
run_in "$C" check
assert_status 2 "a config whose message handler loops"
assert_contains "$ERR" "provcheck.lua: instruction limit exceeded" "the config error names the file"
run_in "$C" check --rev HEAD
assert_status 2 "the same config read from a revision"
assert_contains "$ERR" "provcheck.lua: instruction limit exceeded" "--rev names the file"

# --- a rule whose table throws from __index: exit 2, no abort ------------------
M=$TMP/meta
good_page "$M/index.html"
write_file "$M/rules/meta.lua" 'return setmetatable({}, { __index = function() error("boom") end })'
write_file "$M/provcheck.lua" 'return { rule_paths = { "rules" } }'
run_in "$M" rules
assert_status 2 "rules with a rule whose __index throws"
assert_contains "$ERR" "rules/meta.lua" "the message names the rule file"
run_in "$M" check
assert_status 2 "check with a rule whose __index throws"
write_file "$M/rules/meta.lua" 'return setmetatable({}, { __index = function() while true do end end })'
run_in "$M" check
assert_status 2 "a rule whose __index loops"

finish
