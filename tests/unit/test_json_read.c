/* test_json_read.c: the strict JSON reader: values, escapes, errors with their
 * position, the depth limit, and a big document read in linear time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "json_read.h"

static cfgval *ok(const char *text)
{
    cfgval *v = NULL;
    char *err = NULL;
    int rc = json_read(text, strlen(text), &v, &err);
    if (rc != 0)
        fprintf(stderr, "unexpected error: %s\n", err);
    assert_int_equal(rc, 0);
    assert_null(err);
    assert_non_null(v);
    return v;
}

static void expect_error(const char *text, size_t len, const char *fragment)
{
    cfgval *v = (cfgval *)1;
    char *err = NULL;
    assert_int_equal(json_read(text, len, &v, &err), -1);
    assert_null(v);
    assert_non_null(err);
    if (!strstr(err, fragment))
        fprintf(stderr, "message: %s\n", err);
    assert_non_null(strstr(err, fragment));
    free(err);
}

static void test_values(void **state)
{
    (void)state;
    cfgval *v = ok(" {\"a\": [1, -2.5e3, true, false, null, \"s\"], \"b\": {}, \"c\": []} ");
    assert_int_equal(v->kind, CV_MAP);
    assert_int_equal(v->count, 3);
    const cfgval *a = cfgval_get(v, "a");
    assert_int_equal(a->kind, CV_LIST);
    assert_int_equal(a->count, 6);
    assert_true(a->items[0]->kind == CV_NUM && a->items[0]->n == 1.0);
    assert_true(a->items[1]->n == -2500.0);
    assert_true(a->items[2]->kind == CV_BOOL && a->items[2]->b == 1);
    assert_true(a->items[3]->kind == CV_BOOL && a->items[3]->b == 0);
    assert_int_equal(a->items[4]->kind, CV_NIL);
    assert_string_equal(a->items[5]->s, "s");
    assert_int_equal(cfgval_get(v, "b")->kind, CV_MAP);
    assert_int_equal(cfgval_get(v, "c")->count, 0);
    cfgval_free(v);

    v = ok("42");
    assert_true(v->kind == CV_NUM && v->n == 42.0);
    cfgval_free(v);
    v = ok("{\"k\": 1, \"k\": 2}");   /* a repeated key keeps the last value */
    assert_int_equal(v->count, 1);
    assert_true(cfgval_get(v, "k")->n == 2.0);
    cfgval_free(v);
}

static void test_string_escapes(void **state)
{
    (void)state;
    cfgval *v = ok("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u65E5 \\ud83d\\ude00 caf\xC3\xA9\"");
    assert_string_equal(v->s, "q\" b\\ s/ \b\f\n\r\t \xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 caf\xC3\xA9");
    cfgval_free(v);
    v = ok("\"a\\u0000b\"");   /* NUL inside a string keeps its length */
    assert_int_equal(v->slen, 3);
    assert_memory_equal(v->s, "a\0b", 3);
    cfgval_free(v);
    v = ok("\"\\ud800x\"");      /* a lone surrogate becomes U+FFFD */
    assert_string_equal(v->s, "\xEF\xBF\xBDx");
    cfgval_free(v);
    /* what follows a run of plain bytes (read eight at a time) at every offset:
       an escape, a quote, UTF-8, a control character, an invalid byte */
    for (size_t k = 0; k < 20; k++) {
        char doc[64], want[64];
        memset(doc, 'a', sizeof doc);
        doc[0] = '"';
        memcpy(doc + 1 + k, "\\n\xC3\xA9z\"", 7);
        doc[1 + k + 7] = '\0';
        memset(want, 'a', k);
        memcpy(want + k, "\n\xC3\xA9z", 5);
        v = ok(doc);
        assert_int_equal(v->slen, k + 4);
        assert_memory_equal(v->s, want, k + 4);
        cfgval_free(v);
        doc[1 + k] = '\x01';
        expect_error(doc, strlen(doc), "control character");
        doc[1 + k] = '\xFF';
        expect_error(doc, strlen(doc), "invalid UTF-8");
    }
}

static void test_errors_name_the_place(void **state)
{
    (void)state;
    expect_error("", 0, "unexpected end");
    expect_error("{\"a\":1,}", 8, "line 1, column 8: expected a string key");
    expect_error("{\n  \"a\": tru\n}", 13, "line 2, column 8: invalid literal");
    expect_error("[1 2]", 5, "expected ',' or ']'");
    expect_error("\"abc", 4, "unterminated string");
    expect_error("\"a\x01\"", 4, "control character");
    expect_error("\"\xFF\"", 3, "invalid UTF-8");
    expect_error("01", 2, "unexpected data");
    expect_error("1.", 2, "invalid number");
    expect_error("-", 1, "invalid number");
    expect_error("[1] x", 5, "unexpected data after the JSON value");
    expect_error("'a'", 3, "unexpected character");
    expect_error("\"\\x\"", 4, "bad escape");
    expect_error("\"\\u12\"", 6, "\\u escape");
    expect_error("NaN", 3, "unexpected character");
}

static void test_depth_is_limited(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *deep = malloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = '\0';
    expect_error(deep, depth * 2, "nesting too deep");
    /* at the limit it parses */
    size_t ok_depth = JSON_READ_MAX_DEPTH;
    memset(deep, '[', ok_depth);
    memset(deep + ok_depth, ']', ok_depth);
    deep[ok_depth * 2] = '\0';
    cfgval *v = ok(deep);
    cfgval_free(v);
    free(deep);
}

static void test_big_document_is_fast(void **state)
{
    (void)state;
    /* 200,000 findings-like objects, about 16 MB */
    size_t n = 200000, cap = n * 90 + 32, len = 0;
    char *doc = malloc(cap);
    len += (size_t)sprintf(doc + len, "{\"findings\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(doc + len, "%s{\"rule\":\"privacy-link\",\"line\":%zu,"
                               "\"path\":\"news/p%zu.html\"}", i ? "," : "", i, i);
    len += (size_t)sprintf(doc + len, "]}");
    clock_t t0 = clock();
    cfgval *v = NULL;
    char *err = NULL;
    assert_int_equal(json_read(doc, len, &v, &err), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    const cfgval *f = cfgval_get(v, "findings");
    assert_int_equal(f->count, n);
    assert_true(cfgval_get(f->items[n - 1], "line")->n == (double)(n - 1));
    assert_true(secs < 5.0);   /* quadratic growth would take minutes */
    cfgval_free(v);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_errors_name_the_place),
        cmocka_unit_test(test_depth_is_limited),
        cmocka_unit_test(test_big_document_is_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
