/* test_json_write.c: JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json_write.h"

static void expect_json(const char *in, size_t len, const char *want)
{
    buf b = BUF_INIT;
    assert_int_equal(json_write_string_len(&b, in, len), 0);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void test_plain_and_quotes(void **state)
{
    (void)state;
    expect_json("hello", 5, "\"hello\"");
    expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_json("", 0, "\"\"");
}

static void test_control_chars(void **state)
{
    (void)state;
    expect_json("a\nb\tc\x01\x1f", 7, "\"a\\u000ab\\u0009c\\u0001\\u001f\"");
    expect_json("x\0y", 3, "\"x\\u0000y\"");
}

static void test_valid_utf8_kept(void **state)
{
    (void)state;
    const char *s = "Fuente: caf\xC3\xA9 \xE2\x80\x9C\xE2\x80\x9D \xF0\x9F\x98\x80";
    buf b = BUF_INIT;
    assert_int_equal(json_write_string(&b, s), 0);
    assert_int_equal(b.len, strlen(s) + 2);
    assert_memory_equal(b.data + 1, s, strlen(s));
    buf_free(&b);
}

static void test_invalid_utf8_replaced(void **state)
{
    (void)state;
    /* lone continuation, truncated sequence, overlong '/', surrogate, > U+10FFFF */
    expect_json("a\x80z", 3, "\"a\xEF\xBF\xBDz\"");
    expect_json("\xC3", 1, "\"\xEF\xBF\xBD\"");
    expect_json("\xC0\xAF", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    expect_json("\xED\xA0\x80", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    expect_json("\xF4\x90\x80\x80", 4,
                "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    expect_json("\xE2\x82", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

static void test_null_and_ceiling(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    assert_int_equal(json_write_string(&b, NULL), 0);
    assert_string_equal(b.data, "null");
    buf_free(&b);
    buf small;
    buf_init(&small, 8);
    assert_int_equal(json_write_string(&small, "0123456789"), -1);
    assert_true(small.len <= 8);
    buf_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quotes),
        cmocka_unit_test(test_control_chars),
        cmocka_unit_test(test_valid_utf8_kept),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_null_and_ceiling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
