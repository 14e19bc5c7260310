/* test_path_escape.c: file names as report paths (path_escape.h) and report paths
 * as the text report shows them (report_put_display_path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "path_escape.h"
#include "report.h"

static void expect_escape(const char *raw, const char *want)
{
    char *got = path_escape(raw);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(path_needs_escape(raw), strcmp(raw, want) != 0);
    free(got);
}

static void test_escape(void **state)
{
    (void)state;
    expect_escape("news/a.html", "news/a.html");
    expect_escape("news/caf\xc3\xa9.html", "news/caf\xc3\xa9.html");   /* valid UTF-8 */
    expect_escape("caf\xe9.html", "caf%E9.html");                      /* Latin-1 */
    expect_escape("caf\xe8.html", "caf%E8.html");
    expect_escape("100%.html", "100%25.html");
    expect_escape("caf%E9.html", "caf%25E9.html");   /* never the same as caf\xe9 */
    expect_escape("\xc0\xaf.html", "%C0%AF.html");   /* overlong: invalid */
    expect_escape("\xed\xa0\x80", "%ED%A0%80");      /* a UTF-16 surrogate */
}

static void expect_display(const char *base, const char *cwd, const char *path,
                           const char *want)
{
    report_options o = {0};
    o.path_base = base;
    o.cwd = cwd;
    buf b = BUF_INIT;
    assert_int_equal(report_put_display_path(&b, &o, path), 0);
    assert_int_equal(buf_putc(&b, '\0'), 0);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void test_display(void **state)
{
    (void)state;
    expect_display("/r", "/r", "public/a.html", "public/a.html");
    expect_display("/r", "/r/public", "public/news/a.html", "news/a.html");
    expect_display("/r", "/r/public/news", "public/news/a.html", "a.html");
    expect_display("/r", "/r/tools", "public/a.html", "../public/a.html");
    expect_display("/r", "/r/publicity", "public/a.html", "../public/a.html");
    expect_display("/w/r", "/w", "public/a.html", "r/public/a.html");
    expect_display("/w/r", "/x", "public/a.html", "/w/r/public/a.html");
    expect_display("/", "/tmp", "srv/a.html", "../srv/a.html");
    expect_display("/r", "/r", "100%25.html", "100%.html");
    /* without a base (merged reports, audits) paths are shown as they are */
    buf b = BUF_INIT;
    assert_int_equal(report_put_display_path(&b, NULL, "news/a.html"), 0);
    assert_int_equal(buf_putc(&b, '\0'), 0);
    assert_string_equal(b.data, "news/a.html");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
