/* test_glob.c: the include/exclude/override globs, and config_path_included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"

static void test_star_stays_in_segment(void **state)
{
    (void)state;
    assert_true(glob_match("*.html", "index.html"));
    assert_false(glob_match("*.html", "news/a.html"));
    assert_true(glob_match("news/*.html", "news/a.html"));
    assert_false(glob_match("news/*.html", "news/2022/a.html"));
    assert_true(glob_match("news/*", "news/a.html"));
    assert_true(glob_match("a*b*c", "aXXbYYc"));
    assert_false(glob_match("a*b*c", "aXXbYY"));
    assert_true(glob_match("*", "x"));
    assert_false(glob_match("*", "x/y"));
}

static void test_double_star_crosses_segments(void **state)
{
    (void)state;
    assert_true(glob_match("**/*.html", "a.html"));          /* zero segments */
    assert_true(glob_match("**/*.html", "news/a.html"));
    assert_true(glob_match("**/*.html", "news/2022/01/a.html"));
    assert_false(glob_match("**/*.html", "news/a.htm"));
    assert_true(glob_match("drafts/**", "drafts/x.html"));
    assert_true(glob_match("drafts/**", "drafts/a/b/c.html"));
    assert_false(glob_match("drafts/**", "news/drafts/x.html"));
    assert_true(glob_match("**/drafts/**", "news/drafts/x.html"));
    assert_true(glob_match("a/**/b.html", "a/b.html"));
    assert_true(glob_match("a/**/b.html", "a/x/y/b.html"));
    assert_false(glob_match("a/**/b.html", "ab.html"));
    assert_true(glob_match("**", "anything/at/all"));
}

static void test_question_and_classes(void **state)
{
    (void)state;
    assert_true(glob_match("page?.html", "page1.html"));
    assert_false(glob_match("page?.html", "page12.html"));
    assert_false(glob_match("a?b", "a/b"));
    assert_true(glob_match("page[0-9].html", "page7.html"));
    assert_false(glob_match("page[0-9].html", "pagex.html"));
    assert_true(glob_match("page[!0-9].html", "pagex.html"));
    assert_false(glob_match("page[^0-9].html", "page3.html"));
    assert_true(glob_match("[ab]c", "bc"));
    assert_true(glob_match("x[.html", "x[.html"));       /* unclosed: literal */
    assert_true(glob_match("privacy.html", "privacy.html"));
    assert_false(glob_match("privacy.html", "about/privacy.html"));
}

static void test_path_included(void **state)
{
    (void)state;
    config *c = config_default();
    assert_non_null(c);
    assert_true(config_path_included(c, "index.html"));
    assert_true(config_path_included(c, "news/a.htm"));
    assert_false(config_path_included(c, "assets/site.css"));
    const char *text = "return { exclude = { 'drafts/**', 'provcheck/**' } }";
    config *d = NULL;
    assert_int_equal(config_load(&d, "t.lua", ".", text, strlen(text)), 0);
    assert_true(config_path_included(d, "news/a.html"));
    assert_false(config_path_included(d, "drafts/a.html"));
    assert_false(config_path_included(d, "provcheck/rules/x/pass/a.html"));
    config_free(c);
    config_free(d);
}

/* Which folders that cannot be walked still deserve a page-error: those where a
   page in scope could lie. */
static void test_folder_in_scope(void **state)
{
    (void)state;
    config *c = config_default();
    assert_non_null(c);
    assert_true(config_folder_in_scope(c, "ext"));
    assert_true(config_folder_in_scope(c, "a/b/c"));
    const char *text = "return { include = { '*.html', 'news/*/*.html' }, "
                       "exclude = { 'news/old/**', 'drafts/**' } }";
    config *d = NULL;
    assert_int_equal(config_load(&d, "t.lua", ".", text, strlen(text)), 0);
    assert_false(config_folder_in_scope(d, "ext"));          /* *.html: top level only */
    assert_true(config_folder_in_scope(d, "news"));
    assert_true(config_folder_in_scope(d, "news/2022"));
    assert_false(config_folder_in_scope(d, "news/2022/01"));  /* too deep for news/x/ */
    assert_false(config_folder_in_scope(d, "news/old"));      /* excluded as a whole */
    assert_false(config_folder_in_scope(d, "drafts"));
    config_free(c);
    config_free(d);
    const char *deep = "return { exclude = { 'a/**' } }";
    assert_int_equal(config_load(&d, "t.lua", ".", deep, strlen(deep)), 0);
    assert_false(config_folder_in_scope(d, "a/b"));          /* below an excluded folder */
    assert_true(config_folder_in_scope(d, "ab"));
    config_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_star_stays_in_segment),
        cmocka_unit_test(test_double_star_crosses_segments),
        cmocka_unit_test(test_question_and_classes),
        cmocka_unit_test(test_path_included),
        cmocka_unit_test(test_folder_in_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
