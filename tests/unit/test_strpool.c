/* test_strpool.c: the string pool keeps every string whole and in place while it
 * grows past its blocks, and the finding list's shared ids are left to their owner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "finding.h"
#include "strpool.h"

#define COUNT 20000

static void test_strings_stay_put(void **state)
{
    (void)state;
    strpool *pool = strpool_new();
    assert_non_null(pool);
    static char *kept[COUNT];
    char want[64];
    for (int i = 0; i < COUNT; i++) {
        snprintf(want, sizeof want, "news/2024/page-%05d.html", i);
        kept[i] = strpool_dup(pool, want);
        assert_non_null(kept[i]);
    }
    /* one larger than a block's quarter, between small ones */
    size_t big_len = 40000;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    memset(big, 'x', big_len);
    big[big_len] = '\0';
    char *big_copy = strpool_dup(pool, big);
    char *after = strpool_dup(pool, "after");
    assert_string_equal(big_copy, big);
    assert_string_equal(after, "after");
    assert_null(strpool_dup(pool, NULL));
    assert_string_equal(strpool_dup(pool, ""), "");
    for (int i = 0; i < COUNT; i++) {   /* nothing moved or was overwritten */
        snprintf(want, sizeof want, "news/2024/page-%05d.html", i);
        assert_string_equal(kept[i], want);
    }
    free(big);
    strpool_free(pool);
    strpool_free(NULL);
}

static void test_shared_ids_left_to_owner(void **state)
{
    (void)state;
    char path[] = "a.html", blob[] = "0123456789012345678901234567890123456789";
    finding_list l = {0};
    finding f = {0};
    f.rule = (char *)"r";
    f.message = (char *)"m";
    f.path = path;
    f.blob = blob;
    assert_int_equal(finding_list_add(&l, &f), 0);
    /* the copy owns its strings: free them, point at the owner's, as check.c does */
    free(l.items[0].path);
    free(l.items[0].blob);
    l.items[0].path = path;
    l.items[0].blob = blob;
    l.items[0].shares_ids = 1;
    finding_list copy = {0};
    assert_int_equal(finding_list_add(&copy, &l.items[0]), 0);
    assert_int_equal(copy.items[0].shares_ids, 0);   /* a copy owns its copies */
    assert_ptr_not_equal(copy.items[0].path, path);
    finding_list_free(&copy);
    finding_list_free(&l);   /* must not free path or blob: they are not malloc'd */
    assert_string_equal(path, "a.html");
}

/* A finding whose rule and message live in a pool (check.c) frees neither; its
   copy owns copies, readable after the pool is gone. */
static void test_pooled_text_left_to_pool(void **state)
{
    (void)state;
    strpool *pool = strpool_new_blocks(1 << 20);
    assert_non_null(pool);
    finding_list l = {0};
    finding f = {0};
    f.rule = strpool_dup(pool, "privacy-link");
    f.message = strpool_dup(pool, "no link to the privacy policy");
    f.pooled_text = 1;
    assert_int_equal(finding_list_take(&l, &f), 0);
    finding_list copy = {0};
    assert_int_equal(finding_list_add(&copy, &l.items[0]), 0);
    assert_int_equal(copy.items[0].pooled_text, 0);
    assert_ptr_not_equal(copy.items[0].message, l.items[0].message);
    finding_list_free(&l);   /* must not free the pool's strings */
    strpool_free(pool);
    assert_string_equal(copy.items[0].rule, "privacy-link");
    assert_string_equal(copy.items[0].message, "no link to the privacy policy");
    finding_list_free(&copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_stay_put),
        cmocka_unit_test(test_shared_ids_left_to_owner),
        cmocka_unit_test(test_pooled_text_left_to_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
