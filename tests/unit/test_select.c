/* test_select.c: the CSS subset (each form, combinators, lists, errors) and XPath. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "page.h"

static const char *html =
    "<html><body>\n"
    "<nav id=\"top\" class=\"menu main\"><a href=\"/\">Home</a>"
    "<a href=\"/privacy.html\" data-x=\"\">Privacy</a></nav>\n"
    "<article class=\"story\"><h1 id=\"t\">Title</h1>\n"
    "<p class=\"lead\">Lead <a href=\"https://ex.com/a.pdf\">pdf</a></p>\n"
    "<div><p>Inner <span><a href=\"mailto:x@y\">mail</a></span></p></div>\n"
    "</article>\n"
    "<footer><p class=\"Lead\">foot</p></footer></body></html>\n";

static int setup(void **state)
{
    page_identity id = {"s.html", "s.html", NULL, NULL, NULL};
    page *p = page_new(&id, strdup(html), strlen(html));
    if (!p || page_parse(p) != 0)
        return -1;
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    page_free(*state);
    return 0;
}

/* Run a selector and describe the result as "tag:text|tag:text|". */
static char *sel(page *p, const char *css)
{
    xmlNodePtr *out;
    size_t n;
    char *err = NULL;
    if (page_select(p, css, &out, &n, &err) != 0) {
        fprintf(stderr, "unexpected error: %s\n", err);
        free(err);
        return strdup("ERROR");
    }
    char *s = calloc(1, 4096);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *t = page_node_text(p, out[i], &len);
        snprintf(s + strlen(s), 4096 - strlen(s), "%s:%s|", (const char *)out[i]->name, t);
    }
    free(out);
    return s;
}

static void expect_sel(page *p, const char *css, const char *want)
{
    char *got = sel(p, css);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "selector %s\n", css);
    assert_string_equal(got, want);
    free(got);
}

static void test_simple_forms(void **state)
{
    page *p = *state;
    expect_sel(p, "h1", "h1:Title|");
    expect_sel(p, "H1", "h1:Title|");
    expect_sel(p, "#t", "h1:Title|");
    expect_sel(p, ".lead", "p:Lead pdf|");        /* class names are case-sensitive */
    expect_sel(p, ".menu.main", "nav:HomePrivacy|");
    expect_sel(p, "nav.main#top", "nav:HomePrivacy|");
    expect_sel(p, "[data-x]", "a:Privacy|");
    expect_sel(p, "a[href='/privacy.html']", "a:Privacy|");
    expect_sel(p, "a[href=\"/\"]", "a:Home|");
    expect_sel(p, "a[href*=privacy]", "a:Privacy|");
    expect_sel(p, "a[href^=https]", "a:pdf|");
    expect_sel(p, "a[href$='.pdf']", "a:pdf|");
    expect_sel(p, "a[href^='']", "");
    expect_sel(p, "blink", "");
}

static void test_combinators_and_lists(void **state)
{
    page *p = *state;
    expect_sel(p, "article a", "a:pdf|a:mail|");
    expect_sel(p, "article > p > a", "a:pdf|");
    expect_sel(p, "article>div>p span>a", "a:mail|");
    expect_sel(p, "body > a", "");
    expect_sel(p, "nav a, footer p", "a:Home|a:Privacy|p:foot|");
}

static void test_star_and_order(void **state)
{
    page *p = *state;
    xmlNodePtr *out;
    size_t n;
    char *err;
    assert_int_equal(page_select(p, "*", &out, &n, &err), 0);
    assert_int_equal(n, 15);   /* html body nav a a article h1 p a div p span a footer p */
    free(out);
    /* document order and no duplicates, whatever the list order */
    expect_sel(p, "footer p, h1, nav a, article p", "a:Home|a:Privacy|h1:Title|p:Lead pdf|"
                                                   "p:Inner mail|p:foot|");
    expect_sel(p, "p, .lead, p.lead", "p:Lead pdf|p:Inner mail|p:foot|");
}

static void test_mixed_combinators_need_the_farther_ancestor(void **state)
{
    (void)state;
    const char *h = "<div><p id=outer><span><p id=inner><em>x</em></p></span></p></div>"
                    "<section><div><b>y</b></div></section>";
    page_identity id = {"m.html", "m.html", NULL, NULL, NULL};
    page *p = page_new(&id, strdup(h), strlen(h));
    /* the nearest p is not a child of the div, the farther one is */
    expect_sel(p, "div > p em", "em:x|");
    expect_sel(p, "div > p > em", "");
    expect_sel(p, "div > p > span > p > em", "em:x|");
    expect_sel(p, "section b, div > p span em", "em:x|b:y|");
    expect_sel(p, "section > b", "");
    expect_sel(p, "section b", "b:y|");
    page_free(p);
}

static void expect_error(page *p, const char *css, const char *fragment)
{
    xmlNodePtr *out = (xmlNodePtr *)1;
    size_t n = 99;
    char *err = NULL;
    assert_int_equal(page_select(p, css, &out, &n, &err), -1);
    assert_non_null(err);
    if (!strstr(err, fragment))
        fprintf(stderr, "message: %s\n", err);
    assert_non_null(strstr(err, fragment));
    assert_null(out);
    assert_int_equal(n, 0);
    free(err);
}

static void test_errors(void **state)
{
    page *p = *state;
    expect_error(p, "a:hover", "pseudo-classes");
    expect_error(p, "h1 + p", "sibling");
    expect_error(p, "h1 ~ p", "sibling");
    expect_error(p, "a[href", "expected");
    expect_error(p, "a[href~=x]", "unsupported attribute operator");
    expect_error(p, "a[href='x]", "unterminated");
    expect_error(p, "", "unexpected end");
    expect_error(p, "a,", "unexpected end");
    expect_error(p, "a >", "unexpected end");
    expect_error(p, "::before", "pseudo");
}

static void test_xpath(void **state)
{
    page *p = *state;
    xmlNodePtr *out;
    size_t n;
    char *err = NULL;
    assert_int_equal(page_xpath(p, "//a[contains(@href, 'privacy')]", &out, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal((const char *)out[0]->name, "a");
    free(out);
    assert_int_equal(page_xpath(p, "//article//p", &out, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(page_node_line(p, out[0]), 4);
    free(out);
    assert_int_equal(page_xpath(p, "//nosuch", &out, &n, &err), 0);
    assert_int_equal(n, 0);
    free(out);
    assert_int_equal(page_xpath(p, "count(//a)", &out, &n, &err), -1);
    assert_non_null(strstr(err, "not a node set"));
    free(err);
    assert_int_equal(page_xpath(p, "//a[", &out, &n, &err), -1);
    assert_non_null(strstr(err, "XPath"));
    free(err);
}

/* An expression whose cost explodes on a deep page stops at the operation limit
   with an error, instead of running for minutes outside the rule's budget. */
static void test_xpath_work_is_bounded(void **state)
{
    (void)state;
    enum { DEPTH = 2500 };
    size_t cap = DEPTH * 11 + 64, len = 0;
    char *deep = malloc(cap);
    assert_non_null(deep);
    for (int i = 0; i < DEPTH; i++)
        len += (size_t)snprintf(deep + len, cap - len, "<div>");
    len += (size_t)snprintf(deep + len, cap - len, "x");
    for (int i = 0; i < DEPTH; i++)
        len += (size_t)snprintf(deep + len, cap - len, "</div>");
    page_identity id = {"d.html", "d.html", NULL, NULL, NULL};
    page *p = page_new(&id, deep, len);
    assert_non_null(p);
    /* deeper than the default depth limit, which this test is not about */
    page_set_limits(p, &(page_limits){PAGE_DEFAULT_MAX_ATTRIBUTES, DEPTH + 10,
                                      PAGE_DEFAULT_PARSE_SECONDS});
    assert_int_equal(page_parse(p), 0);
    xmlNodePtr *out = NULL;
    size_t n = 0;
    char *err = NULL;
    assert_int_equal(page_xpath(p, "//*[count(//*) > 0]//*//*", &out, &n, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err, "XPath"));
    free(err);
    /* an ordinary query on the same page still works */
    assert_int_equal(page_xpath(p, "//div[not(div)]", &out, &n, &err), 0);
    assert_int_equal(n, 1);
    free(out);
    page_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_simple_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_combinators_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_star_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test(test_mixed_combinators_need_the_farther_ancestor),
        cmocka_unit_test_setup_teardown(test_xpath, setup, teardown),
        cmocka_unit_test(test_xpath_work_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
