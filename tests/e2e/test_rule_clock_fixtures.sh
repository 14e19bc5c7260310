#!/usr/bin/env bash
# The clock rules read (page:now(), --now, config `now`) and the `date` helpers, as a
# rule author uses them: a "publication date not in the future" rule in the site's
# own rule folder. The clock is one value per run, recorded in the JSON report, part
# of the result-cache key and of the run hash merge compares; a bad TIME exits 2
# naming the option or the config file and line. Then fixtures with options, now
# and expected messages (test-rules).
. "$(dirname "$0")/lib.sh"

git_identity

S=$TMP/site
mkdir -p "$S/rules"
cat >"$S/rules/no-future-date.lua" <<'LUA'
return {
  id = "no-future-date",
  summary = "The publication date is not in the future",
  severity = "error",
  options = { grace_days = { type = "integer", default = 0, doc = "days of slack" } },
  check = function(page, opts, report)
    for _, n in ipairs(page:select("time[datetime]")) do
      local t, why = date.parse(n:attr("datetime"))
      if not t then
        report{ message = "unreadable <time datetime>: " .. why, node = n }
      elseif t > page:now() + opts.grace_days * 86400 then
        report{ message = "published " .. date.format(t) .. ", after the run's clock "
                .. date.format(page:now()) .. ": fix the datetime", node = n }
      end
    end
  end,
}
LUA
cat >"$S/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" },
  rules = { ["source-attribution"] = "off", ["privacy-link"] = "off",
            ["third-party-disclaimer"] = "off" } }
LUA
write_file "$S/news/a.html" '<html><body><article><h1>A</h1>
<time datetime="2026-08-02T10:00+02:00">2 August 2026</time></article></body></html>'
write_file "$S/news/b.html" '<html><body><article><h1>B</h1>
<time datetime="2020-01-01">1 January 2020</time></article></body></html>'

# --- --now on check changes the finding ---
run_in "$S" check --now 2026-08-01T00:00:00Z .
assert_status 1 "a date after --now is a finding"
assert_contains "$OUT" "news/a.html:2:1: error: published 2026-08-02T08:00:00Z, after the run's clock 2026-08-01T00:00:00Z: fix the datetime [no-future-date]" "the message names both times (zone applied)"
assert_not_contains "$OUT" "news/b.html" "an old date is fine"
run_in "$S" check --now 2026-08-02T08:00:00Z .
assert_status 0 "the same second is not the future"
run_in "$S" check --now @1785657599 -f json .
assert_status 1 "@SECONDS one second before"
assert_eq "$(json 'd["run"]["now"]')" "2026-08-02T07:59:59Z" "the JSON run record holds the clock used"
assert_eq "$(json '[f["rule"] for f in d["findings"]]')" '["no-future-date"]' "one finding"
run_in "$S" check -f json .
assert_status 0 "without --now the clock is today, after August 2026"
assert_contains "$(json 'd["run"]["now"]')" "T" "a rule read the clock: the start time is recorded"

# --- config now, and --now wins ---
cat >"$S/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" }, now = "2026-07-01",
  rules = { ["source-attribution"] = "off", ["privacy-link"] = "off",
            ["third-party-disclaimer"] = "off" } }
LUA
run_in "$S" check .
assert_status 1 "config now = 2026-07-01 puts August in the future"
assert_contains "$OUT" "after the run's clock 2026-07-01T00:00:00Z" "config now is the clock"
run_in "$S" check --now 2027-01-01 .
assert_status 0 "--now wins over the config's now"

# --- bad TIME: exit 2 naming the option, or file and line ---
run_in "$S" check --now 2026-02-30 .
assert_status 2 "an impossible --now date"
assert_contains "$ERR" "--now takes an ISO 8601 time (2026-08-02T00:00:00Z) or @SECONDS, not '2026-02-30': no such day in that month" "names --now and says why"
run_in "$S" check --now tomorrow .
assert_status 2 "a word is no time"
run_in "$S" check --now @12x .
assert_status 2 "@ needs an integer"
run test-rules --now 2026-13-01 "$S/rules"
assert_status 2 "test-rules checks --now too"
assert_contains "$ERR" "month out of range" "the reason"
cat >"$S/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" },
  now = "2026-08-02T25:00",
  rules = { ["source-attribution"] = "off" } }
LUA
run_in "$S" check .
assert_status 2 "a bad config now"
assert_contains "$ERR" "provcheck.lua:2: now: '2026-08-02T25:00' is not a time: hour out of range (00..23)" "names file, line and reason"
assert_no_file "$S/report.json" "nothing written"

# --- the git result cache keys on a set clock ---
cat >"$S/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" },
  rules = { ["source-attribution"] = "off", ["privacy-link"] = "off",
            ["third-party-disclaimer"] = "off" } }
LUA
git -C "$S" init -q -b main && git -C "$S" add -A && git -C "$S" commit -q -m site
export PROVCHECK_CACHE_STATS=1
run_in "$S" check --rev HEAD --now 2026-08-01 .
assert_status 1 "git mode, before the date"
assert_contains "$ERR" "0 hits, 2 misses, 2 stored" "results with a set clock are stored"
run_in "$S" check --rev HEAD --now 2026-08-03 .
assert_status 0 "another --now must not reuse the cached finding"
assert_contains "$ERR" "0 hits" "no hit across clocks"
run_in "$S" check --rev HEAD --now 2026-08-01 .
assert_status 1 "the first clock again: its cached result"
assert_contains "$ERR" "2 hits" "a hit for the same clock"
run_in "$S" check --rev HEAD .
assert_status 0 "start-time clock"
assert_contains "$ERR" "0 stored" "results that read the start time are never stored (a later run has another clock)"
unset PROVCHECK_CACHE_STATS

# --- merge refuses shards that ran with different clocks ---
run_in "$S" check --shard 1/2 --now 2026-08-01 -f json -o "$TMP/s1.json" .
run_in "$S" check --shard 2/2 --now 2026-08-03 -f json -o "$TMP/s2.json" .
run merge -f json "$TMP/s1.json" "$TMP/s2.json"
assert_status 2 "shards with different --now do not merge"
assert_contains "$ERR" "ran another config" "merge says why"
run_in "$S" check --shard 2/2 --now 2026-08-01 -f json -o "$TMP/s2.json" .
run merge -f json "$TMP/s1.json" "$TMP/s2.json"
assert_status 1 "shards with one --now merge (and keep the finding)"
assert_eq "$(json 'd["run"]["now"]')" "2026-08-01T00:00:00Z" "the merged report keeps the clock"

# --- a run whose rules never read the clock records none (same bytes every run) ---
run_in "$S" check -f json --rule source-attribution .
assert_eq "$(json '"now" in d["run"]')" "false" "no clock read, none recorded"

echo "test_rule_clock_fixtures: $CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
