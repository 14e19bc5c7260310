/* test_page_guard.c: the per-page structure limits (attributes per element, depth)
 * seen through page_parse, with the markup that must and must not count. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "page.h"

/* A page of `before` + n attributes, each " a<i>" + `value` + `after`, parsed with at most `max` attributes per element; returns page_parse's
   result and the error line in *line. */
static int parse_with_attrs(const char *before, const char *value, int n,
                            const char *after, long max, int *line)
{
    size_t cap = strlen(before) + strlen(after) + (size_t)n * (strlen(value) + 16) + 16;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t len = (size_t)snprintf(s, cap, "%s", before);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, " a%d%s", i, value);
    len += (size_t)snprintf(s + len, cap - len, "%s", after);
    page_identity id = {"g.html", "g.html", NULL, NULL, NULL};
    page *p = page_new(&id, s, len);
    assert_non_null(p);
    page_set_limits(p, &(page_limits){max, PAGE_DEFAULT_MAX_DEPTH, 0});
    int rc = page_parse(p);
    *line = page_error_line(p);
    if (rc < 0)
        assert_non_null(strstr(page_error(p), "limits.attributes"));
    page_free(p);
    return rc;
}

static void test_attributes_counted(void **state)
{
    (void)state;
    int line;
    assert_int_equal(parse_with_attrs("<p>x</p>\n\n<p ", "", 10, ">y</p>", 10, &line), 0);
    assert_int_equal(parse_with_attrs("<p>x</p>\n\n<p ", "", 11, ">y</p>", 10, &line), -1);
    assert_int_equal(line, 3);
    /* values quoted, bare, empty; '>' inside a quoted value */
    assert_int_equal(parse_with_attrs("<p ", "='>'", 11, ">y</p>", 10, &line), -1);
    assert_int_equal(parse_with_attrs("<p ", "=v", 11, ">y</p>", 10, &line), -1);
    assert_int_equal(parse_with_attrs("<p ", "=\"\"", 11, ">y</p>", 10, &line), -1);
    /* a start tag after an end tag, a bogus comment or a processing instruction
       that libxml2 might read on from */
    assert_int_equal(parse_with_attrs("</x <p ", "", 11, ">y</p>", 10, &line), -1);
    assert_int_equal(parse_with_attrs("<!x <p ", "", 11, ">y</p>", 10, &line), -1);
    /* a comment cut short by a character XML does not allow */
    assert_int_equal(parse_with_attrs("<!-- \x01 <p ", "", 11, ">y</p> -->", 10, &line),
                     -1);
}

static void test_not_attributes(void **state)
{
    (void)state;
    int line;
    /* in a comment, in script or style content, in a quoted value */
    assert_int_equal(parse_with_attrs("<!-- <p ", "", 50, "> --><p>y</p>", 10, &line), 0);
    assert_int_equal(parse_with_attrs("<script>s='<p ", "", 50, ">'</script><p>y</p>", 10,
                                      &line), 0);
    assert_int_equal(parse_with_attrs("<STYLE>/* <p ", "", 50, "> */</style><p>y</p>", 10,
                                      &line), 0);
    assert_int_equal(parse_with_attrs("<p title=\"", "", 50, "\">y</p>", 10, &line), 0);
    /* no limit */
    assert_int_equal(parse_with_attrs("<p ", "", 50, ">y</p>", 0, &line), 0);
}

static int parse_nested(int depth, long max)
{
    size_t cap = (size_t)depth * 11 + 32, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (int i = 0; i < depth; i++)
        len += (size_t)snprintf(s + len, cap - len, "<div>");
    len += (size_t)snprintf(s + len, cap - len, "x");
    for (int i = 0; i < depth; i++)
        len += (size_t)snprintf(s + len, cap - len, "</div>");
    page_identity id = {"d.html", "d.html", NULL, NULL, NULL};
    page *p = page_new(&id, s, len);
    assert_non_null(p);
    if (max)
        page_set_limits(p, &(page_limits){PAGE_DEFAULT_MAX_ATTRIBUTES, max, 0});
    int rc = page_parse(p);
    if (rc < 0) {
        assert_non_null(strstr(page_error(p), "limits.depth"));
        assert_null(page_doc(p));
    }
    page_free(p);
    return rc;
}

static void test_depth(void **state)
{
    (void)state;
    /* html and body are two levels: 510 divs fit the default of 512, 511 do not */
    assert_int_equal(parse_nested(510, 0), 0);
    assert_int_equal(parse_nested(511, 0), -1);
    assert_int_equal(parse_nested(30, 20), -1);
    assert_int_equal(parse_nested(2000, 3000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attributes_counted),
        cmocka_unit_test(test_not_attributes),
        cmocka_unit_test(test_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
