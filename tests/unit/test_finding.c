/* test_finding.c: finding lists, fingerprints and the report order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "finding.h"
#include "sha256.h"

static void add(finding_list *l, const char *rule, const char *path, const char *msg,
                int line, int col)
{
    finding f = {0};
    f.rule = (char *)rule;
    f.path = (char *)path;
    f.message = (char *)msg;
    f.line = line;
    f.column = col;
    f.sev = SEV_ERROR;
    assert_int_equal(finding_list_add(l, &f), 0);
}

static const finding *find_at(const finding_list *l, int line)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].line == line)
            return &l->items[i];
    return NULL;
}

static void test_fingerprint_definition(void **state)
{
    (void)state;
    finding_list l = {0};
    add(&l, "privacy-link", "a.html", "no privacy link", 3, 1);
    finding_fingerprint_page(l.items, l.count);
    /* rule \0 path \0 message \0 occurrence, first 16 bytes in hex */
    const char in[] = "privacy-link\0a.html\0no privacy link\0" "0";
    unsigned char d[32];
    char hex[33];
    sha256(in, sizeof in - 1, d);
    sha256_hex(d, 16, hex);
    assert_string_equal(l.items[0].fingerprint, hex);
    assert_int_equal(strlen(l.items[0].fingerprint), 32);
    finding_list_free(&l);
}

static void test_fingerprint_survives_line_shift(void **state)
{
    (void)state;
    finding_list a = {0}, b = {0};
    add(&a, "r", "p.html", "twin", 10, 1);
    add(&a, "r", "p.html", "twin", 20, 1);
    add(&a, "s", "p.html", "other", 15, 2);
    /* Same page with 5 lines inserted above, findings reported in another order. */
    add(&b, "s", "p.html", "other", 20, 2);
    add(&b, "r", "p.html", "twin", 25, 1);
    add(&b, "r", "p.html", "twin", 15, 1);
    finding_fingerprint_page(a.items, a.count);
    finding_fingerprint_page(b.items, b.count);
    assert_string_equal(find_at(&a, 10)->fingerprint, find_at(&b, 15)->fingerprint);
    assert_string_equal(find_at(&a, 20)->fingerprint, find_at(&b, 25)->fingerprint);
    assert_string_equal(find_at(&a, 15)->fingerprint, find_at(&b, 20)->fingerprint);
    /* Twins differ by their occurrence index. */
    assert_string_not_equal(find_at(&a, 10)->fingerprint, find_at(&a, 20)->fingerprint);
    finding_list_free(&a);
    finding_list_free(&b);
}

static void test_fingerprint_depends_on_content(void **state)
{
    (void)state;
    finding_list l = {0};
    add(&l, "r", "p.html", "m1", 1, 1);
    add(&l, "r", "q.html", "m1", 1, 1);
    add(&l, "t", "p.html", "m1", 1, 1);
    add(&l, "r", "p.html", "m2", 1, 1);
    for (size_t i = 0; i < l.count; i++)
        finding_fingerprint_page(&l.items[i], 1);
    for (size_t i = 0; i < l.count; i++)
        for (size_t j = i + 1; j < l.count; j++)
            assert_string_not_equal(l.items[i].fingerprint, l.items[j].fingerprint);
    finding_list_free(&l);
}

static void test_sort_order(void **state)
{
    (void)state;
    finding_list l = {0};
    add(&l, "b-rule", "b.html", "x", 5, 2);
    add(&l, "a-rule", "b.html", "x", 5, 2);
    add(&l, "z-rule", "b.html", "x", 0, 0);   /* null line first */
    add(&l, "a-rule", "b.html", "x", 5, 1);
    add(&l, "a-rule", "a.html", "x", 99, 9);
    add(&l, "a-rule", "B.html", "x", 1, 1);   /* bytewise: 'B' < 'a' */
    add(&l, "a-rule", "b.html", "x", 5, 0);   /* null column before column 1 */
    finding_list_sort(&l);
    const char *want[][2] = {{"B.html", "a-rule"}, {"a.html", "a-rule"}, {"b.html", "z-rule"},
                             {"b.html", "a-rule"}, {"b.html", "a-rule"}, {"b.html", "a-rule"},
                             {"b.html", "b-rule"}};
    int cols[] = {1, 9, 0, 0, 1, 2, 2};
    for (size_t i = 0; i < l.count; i++) {
        assert_string_equal(l.items[i].path, want[i][0]);
        assert_string_equal(l.items[i].rule, want[i][1]);
        assert_int_equal(l.items[i].column, cols[i]);
    }
    finding_list_free(&l);
}

static void test_take_splice_severity(void **state)
{
    (void)state;
    finding_list a = {0}, b = {0};
    finding f = {0};
    f.rule = strdup("r");
    f.path = strdup("p");
    f.message = strdup("m");
    assert_int_equal(finding_list_take(&a, &f), 0);
    assert_null(f.rule);
    add(&b, "r2", "p", "m", 1, 1);
    add(&b, "r3", "p", "m", 1, 1);
    assert_int_equal(finding_list_splice(&a, &b), 0);
    assert_int_equal(a.count, 3);
    assert_int_equal(b.count, 0);
    assert_string_equal(a.items[2].rule, "r3");
    finding_list_free(&a);
    finding_list_free(&b);
    severity s;
    assert_int_equal(severity_parse("warning", &s), 0);
    assert_int_equal(s, SEV_WARNING);
    assert_int_equal(severity_parse("fatal", &s), -1);
    assert_string_equal(severity_name(SEV_ERROR), "error");
    assert_string_equal(severity_name(SEV_OFF), "off");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint_definition),
        cmocka_unit_test(test_fingerprint_survives_line_shift),
        cmocka_unit_test(test_fingerprint_depends_on_content),
        cmocka_unit_test(test_sort_order),
        cmocka_unit_test(test_take_splice_severity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
