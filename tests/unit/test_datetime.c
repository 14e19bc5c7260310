/* test_datetime.c: date.parse / date.format / date.parts underneath (datetime.h):
 * the accepted forms, time zones, leap years, impossible dates, and the Lua
 * binding as a rule sees it (sandbox `date` table). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <lua.h>
#include "datetime.h"
#include "sandbox.h"

static long long parse_ok(const char *s, dt_precision want)
{
    long long t = 0;
    dt_precision p;
    const char *msg = NULL;
    int rc = datetime_parse(s, strlen(s), &t, &p, &msg);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", s, msg);
    assert_int_equal(p, want);
    return t;
}

static const char *parse_bad(const char *s)
{
    long long t = 0;
    dt_precision p;
    const char *msg = NULL;
    if (datetime_parse(s, strlen(s), &t, &p, &msg) == 0)
        fail_msg("'%s' accepted as %lld", s, t);
    assert_non_null(msg);
    return msg;
}

static void test_forms_and_precision(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1970", DT_YEAR), 0);
    assert_int_equal(parse_ok("1970-01", DT_MONTH), 0);
    assert_int_equal(parse_ok("1970-01-02", DT_DAY), 86400);
    assert_int_equal(parse_ok("2026-08-02", DT_DAY), 1785628800LL);
    assert_int_equal(parse_ok("2026-08-02T00:00", DT_MINUTE), 1785628800LL);
    assert_int_equal(parse_ok("2026-08-02 00:00:01", DT_SECOND), 1785628801LL);
    assert_int_equal(parse_ok("2026-08-02T00:00:01.999", DT_SECOND), 1785628801LL);
    assert_int_equal(parse_ok("2026-08-02t00:00:01.5z", DT_SECOND), 1785628801LL);
    assert_int_equal(parse_ok("  \n2026-08-02T10:30Z\t ", DT_MINUTE),
                     1785628800LL + 10 * 3600 + 30 * 60);
    /* no zone: UTC */
    assert_int_equal(parse_ok("2026-08-02T10:30", DT_MINUTE),
                     parse_ok("2026-08-02T10:30Z", DT_MINUTE));
}

static void test_time_zones(void **state)
{
    (void)state;
    long long utc = parse_ok("2026-08-02T08:00:00Z", DT_SECOND);
    assert_int_equal(parse_ok("2026-08-02T10:00:00+02:00", DT_SECOND), utc);
    assert_int_equal(parse_ok("2026-08-02T10:00:00+0200", DT_SECOND), utc);
    assert_int_equal(parse_ok("2026-08-02T10:00+02", DT_MINUTE), utc);
    assert_int_equal(parse_ok("2026-08-02T02:30:00-05:30", DT_SECOND), utc);
    assert_int_equal(parse_ok("2026-08-01T20:00:00-12:00", DT_SECOND), utc);
    /* an offset carries the day over */
    assert_int_equal(parse_ok("2027-01-01T01:00+01:00", DT_MINUTE),
                     parse_ok("2027-01-01", DT_DAY));
    parse_bad("2026-08-02T10:00+24:00");
    parse_bad("2026-08-02T10:00+02:60");
    parse_bad("2026-08-02T10:00+2");
    parse_bad("2026-08-02T10:00+02:0");
    parse_bad("2026-08-02T10:00 Z");
    parse_bad("2026-08-02T10:00ZZ");
    parse_bad("2026-08-02Z");          /* a date alone has no zone */
    parse_bad("2026-08-02+02:00");
}

static void test_leap_years(void **state)
{
    (void)state;
    parse_ok("2024-02-29", DT_DAY);
    parse_ok("2000-02-29", DT_DAY);   /* divisible by 400 */
    parse_ok("1600-02-29", DT_DAY);
    assert_string_equal(parse_bad("2026-02-29"), "no such day in that month");
    parse_bad("1900-02-29");          /* divisible by 100, not 400 */
    parse_bad("2100-02-29");
    assert_int_equal(parse_ok("2024-03-01", DT_DAY) - parse_ok("2024-02-28", DT_DAY),
                     2 * 86400);
    assert_int_equal(parse_ok("2023-03-01", DT_DAY) - parse_ok("2023-02-28", DT_DAY), 86400);
}

static void test_impossible_and_malformed(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("2026-02-30"), "no such day in that month");
    parse_bad("2026-04-31");
    parse_bad("2026-13-01");
    parse_bad("2026-00-10");
    parse_bad("2026-01-00");
    assert_string_equal(parse_bad("2026-08-02T24:00:00"), "hour out of range (00..23)");
    parse_bad("2026-08-02T23:60");
    parse_bad("2026-08-02T23:59:60");  /* no leap second */
    parse_bad("0000-01-01");
    parse_bad("10000-01-01");
    parse_bad("999-01-01");
    parse_bad("26-08-02");
    parse_bad("2026-8-2");
    parse_bad("2026/08/02");
    parse_bad("2026-08-02T");
    parse_bad("2026-08-02T10");
    parse_bad("2026-08-02T10:00:");
    parse_bad("2026-08-02T10:00:00.");
    parse_bad("2026-08-02  10:00");    /* one space only */
    parse_bad("");
    parse_bad("   ");
    parse_bad("yesterday");
    parse_ok("0001-01-01", DT_DAY);
    parse_ok("9999-12-31T23:59:59Z", DT_SECOND);
}

static void test_format_and_parts(void **state)
{
    (void)state;
    char out[40];
    datetime_format(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    datetime_format(parse_ok("2026-08-02T10:00:00+02:00", DT_SECOND), out);
    assert_string_equal(out, "2026-08-02T08:00:00Z");
    datetime_format(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    datetime_format(DATETIME_MIN, out);
    assert_string_equal(out, "0001-01-01T00:00:00Z");
    datetime_format(DATETIME_MAX, out);
    assert_string_equal(out, "9999-12-31T23:59:59Z");
    dt_parts d;
    datetime_parts_of(parse_ok("2024-12-31T23:59:58Z", DT_SECOND), &d);
    assert_int_equal(d.year, 2024);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 31);
    assert_int_equal(d.hour, 23);
    assert_int_equal(d.min, 59);
    assert_int_equal(d.sec, 58);
    assert_int_equal(d.yday, 366);    /* leap year */
    assert_int_equal(d.wday, 3);      /* a Tuesday; Sunday = 1 */
    datetime_parts_of(0, &d);
    assert_int_equal(d.wday, 5);      /* Thursday */
    assert_int_equal(d.yday, 1);
    datetime_parts_of(-86400, &d);    /* 1969-12-31, a Wednesday */
    assert_int_equal(d.year, 1969);
    assert_int_equal(d.wday, 4);
    assert_int_equal(d.yday, 365);
}

static void test_time_argument(void **state)
{
    (void)state;
    long long t = 0;
    const char *msg = NULL;
    assert_int_equal(datetime_parse_arg("@1785628800", &t, &msg), 0);
    assert_int_equal(t, 1785628800LL);
    assert_int_equal(datetime_parse_arg("@-1", &t, &msg), 0);
    assert_int_equal(t, -1);
    assert_int_equal(datetime_parse_arg("2026-08-02", &t, &msg), 0);
    assert_int_equal(t, 1785628800LL);
    assert_int_equal(datetime_parse_arg("@", &t, &msg), -1);
    assert_int_equal(datetime_parse_arg("@12x", &t, &msg), -1);
    assert_int_equal(datetime_parse_arg("@99999999999999", &t, &msg), -1);
    assert_int_equal(datetime_parse_arg("2026-02-30", &t, &msg), -1);
}

/* The `date` table as a rule sees it. */
static void test_lua_binding(void **state)
{
    (void)state;
    sandbox *sb = sandbox_new(1000000, 16u << 20);
    assert_non_null(sb);
    static const char code[] =
        "local t, p = date.parse(' 2026-08-02T10:00+02:00 ')\n"
        "assert(t == 1785657600 and p == 'minute', tostring(t) .. ' ' .. tostring(p))\n"
        "assert(date.format(t) == '2026-08-02T08:00:00Z')\n"
        "local d = date.parts(t)\n"
        "assert(d.year == 2026 and d.month == 8 and d.day == 2 and d.hour == 8 and\n"
        "       d.min == 0 and d.sec == 0 and d.wday == 1 and d.yday == 214)\n"
        "local n, m = date.parse('2026-02-30')\n"
        "assert(n == nil and m == 'no such day in that month')\n"
        "n, m = date.parse(nil)\n"
        "assert(n == nil and m:find('expected a date string'))\n"
        "assert(not pcall(date.format, 1e300))\n"
        "assert(not pcall(function() date.parse = nil end))\n"
        "assert(os == nil)\n"
        "return 'ok'\n";
    char *msg = NULL;
    assert_int_equal(sandbox_load(sb, code, sizeof code - 1, "=test", &msg), 0);
    sandbox_run_begin(sb);
    if (sandbox_pcall(sb, 0, 1, &msg) != 0)
        fail_msg("%s", msg);
    assert_string_equal(lua_tostring(sandbox_state(sb), -1), "ok");
    lua_pop(sandbox_state(sb), 1);
    free(msg);
    sandbox_free(sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms_and_precision),
        cmocka_unit_test(test_time_zones),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_impossible_and_malformed),
        cmocka_unit_test(test_format_and_parts),
        cmocka_unit_test(test_time_argument),
        cmocka_unit_test(test_lua_binding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
