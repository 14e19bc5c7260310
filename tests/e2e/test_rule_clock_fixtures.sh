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

# --- fixtures with now, options and expected messages (test-rules) ---
F=$TMP/authoring/rules
mkdir -p "$F/no-future-date/pass" "$F/no-future-date/fail"
cp "$S/rules/no-future-date.lua" "$F/"
# written for "publication date not in the future": the fixture pins the clock
cat >"$F/no-future-date/fixture.lua" <<'LUA'
return { now = "2026-08-02T00:00:00Z" }
LUA
write_file "$F/no-future-date/pass/published.html" '<html><body><article>
<time datetime="2026-08-01T23:00:00Z">1 August</time></article></body></html>'
write_file "$F/no-future-date/fail/future.html" '<!-- provcheck-fixture { message = "published 2026-08-02T08:00:00Z, after the run'"'"'s clock 2026-08-02T00:00:00Z" } -->
<html><body><article>
<time datetime="2026-08-02T10:00+02:00">2 August</time></article></body></html>'
write_file "$F/no-future-date/fail/graced.html" '<!-- provcheck-fixture {
  options = { grace_days = 1 },
  message = { "published 2026-08-05", "fix the datetime" },
} -->
<html><body><article><time datetime="2026-08-05">5 August</time></article></body></html>'
write_file "$F/no-future-date/pass/grace.html" '<!-- provcheck-fixture { options = { grace_days = 30 } } -->
<html><body><article><time datetime="2026-08-20">20 August</time></article></body></html>'
write_file "$F/no-future-date/pass/later-clock.html" '<!-- provcheck-fixture { now = "2027-01-01" } -->
<html><body><article><time datetime="2026-12-31T23:59:59Z">31 December</time></article></body></html>'

run test-rules "$F"
assert_status 0 "every fixture holds with the fixture's clock and options"
assert_contains "$OUT" "ok   $F/no-future-date/fail/future.html (now=2026-08-02T00:00:00Z)" "the fixture.lua clock is shown"
assert_contains "$OUT" "ok   $F/no-future-date/fail/graced.html (now=2026-08-02T00:00:00Z, options: grace_days=1)" "a page's options are shown"
assert_contains "$OUT" "ok   $F/no-future-date/pass/grace.html (now=2026-08-02T00:00:00Z, options: grace_days=30)" "pass fixture with options"
assert_contains "$OUT" "ok   $F/no-future-date/pass/later-clock.html (now=2027-01-01T00:00:00Z)" "a page's now wins over fixture.lua's"
assert_contains "$OUT" "5 fixtures, 0 failed" "summary"

# the date after the clock: the same pass fixture now fails
cat >"$F/no-future-date/fixture.lua" <<'LUA'
return { now = "2026-08-01T00:00:00Z" }
LUA
run test-rules "$F"
assert_status 1 "a publication date after the fixture's clock fails the pass fixture"
assert_contains "$OUT" "FAIL $F/no-future-date/pass/published.html (now=2026-08-01T00:00:00Z)" "names the fixture and its clock"
assert_contains "$OUT" "published 2026-08-01T23:00:00Z, after the run's clock 2026-08-01T00:00:00Z" "lists the finding"
assert_contains "$OUT" "FAIL $F/no-future-date/fail/future.html (now=2026-08-01T00:00:00Z): expected a message of no-future-date containing 'published 2026-08-02T08:00:00Z, after the run's clock 2026-08-02T00:00:00Z'; its messages:" "the expected message part is missing"
assert_contains "$OUT" "line 3: error: published 2026-08-02T08:00:00Z, after the run's clock 2026-08-01T00:00:00Z: fix the datetime [no-future-date]" "the messages found are printed"
# without any clock in the fixtures the run's clock (--now) decides
rm "$F/no-future-date/fixture.lua" "$F/no-future-date/pass/grace.html" "$F/no-future-date/fail/graced.html"
write_file "$F/no-future-date/fail/future.html" '<!-- provcheck-fixture { message = "after the run" } -->
<html><body><article>
<time datetime="2026-08-02T10:00+02:00">2 August</time></article></body></html>'
run test-rules --now 2026-08-03 "$F"
assert_status 1 "--now after the date: the fail fixture has no finding"
assert_contains "$OUT" "FAIL $F/no-future-date/fail/future.html: expected a finding of no-future-date, got none" "the fail fixture fails"
run test-rules --now 2026-08-02T07:00:00Z "$F"
assert_status 0 "--now before it: all hold"

# -c: the config's options are the fixtures' defaults; the fixture's win
cat >"$TMP/authoring/provcheck.lua" <<'LUA'
return { rule_paths = { "rules" }, rules = { ["no-future-date"] = { grace_days = 400 } } }
LUA
run test-rules --now 2026-08-02T07:00:00Z -c "$TMP/authoring/provcheck.lua" "$F"
assert_status 1 "config grace_days=400 hides the future date"
assert_contains "$OUT" "FAIL $F/no-future-date/fail/future.html (options: grace_days=400)" "the config's options are shown"
write_file "$F/no-future-date/fail/future.html" '<!-- provcheck-fixture { options = { grace_days = 0 }, message = "after the run" } -->
<html><body><article>
<time datetime="2026-08-02T10:00+02:00">2 August</time></article></body></html>'
run test-rules --now 2026-08-02T07:00:00Z -c "$TMP/authoring/provcheck.lua" "$F"
assert_status 0 "the fixture's own option wins over the config's"
assert_contains "$OUT" "ok   $F/no-future-date/fail/future.html (options: grace_days=0)" "and is shown"

# setup errors: exit 2 naming file and line
write_file "$F/no-future-date/fail/future.html" '
<!-- provcheck-fixture { options = { grace_dayz = 1 } } -->
<html><body><article><time datetime="2026-08-02">x</time></article></body></html>'
run test-rules "$F"
assert_status 2 "an unknown option"
assert_contains "$ERR" "$F/no-future-date/fail/future.html:2: options: rule 'no-future-date' has no option 'grace_dayz'" "names file, line and option"
write_file "$F/no-future-date/fail/future.html" '<!-- provcheck-fixture { options = { grace_days = "one" } } -->
<html><body><article><time datetime="2026-08-02">x</time></article></body></html>'
run test-rules "$F"
assert_status 2 "an option of the wrong type"
assert_contains "$ERR" "future.html:1: options: option 'grace_days' of rule 'no-future-date' must be a" "names the type"
write_file "$F/no-future-date/pass/published.html" '<!-- provcheck-fixture { message = "x" } -->
<html><body></body></html>'
run test-rules "$F"
assert_status 2 "message on a pass fixture"
assert_contains "$ERR" "$F/no-future-date/pass/published.html:1: message is for fail/ fixtures" "says why"
write_file "$F/no-future-date/pass/published.html" '<!-- provcheck-fixture { now = "2026-02-30" } -->
<html><body></body></html>'
run test-rules "$F"
assert_status 2 "a bad fixture now"
assert_contains "$ERR" "published.html:1: now: '2026-02-30' is not a time: no such day in that month" "names file and line"
write_file "$F/no-future-date/pass/published.html" '<!-- provcheck-fixture { opts = { } } -->
<html><body></body></html>'
run test-rules "$F"
assert_status 2 "an unknown key"
assert_contains "$ERR" "published.html:1: unknown key 'opts' (expected options, now, message)" "names the key"
write_file "$F/no-future-date/pass/published.html" '<!-- provcheck-fixture { options = { -->
<html><body></body></html>'
run test-rules "$F"
assert_status 2 "a syntax error in the comment"
assert_contains "$ERR" "published.html:1:" "names file and line"
printf 'return {\n  now = "2026-08-02",\n  message = "x",\n}\n' >"$F/no-future-date/fixture.lua"
write_file "$F/no-future-date/pass/published.html" '<html><body></body></html>'
run test-rules "$F"
assert_status 2 "message in fixture.lua"
assert_contains "$ERR" "$F/no-future-date/fixture.lua:3: unknown key 'message' (expected options, now)" "fixture.lua names its line"

echo "test_rule_clock_fixtures: $CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
