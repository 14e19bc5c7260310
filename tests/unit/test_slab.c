/* test_slab.c: the Lua states' small-block allocator: blocks never overlap, are
 * aligned, are reused by size class, and survive their neighbours' churn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "slab.h"

#define BLOCKS 20000

typedef struct {
    unsigned char *p;
    size_t size;
    unsigned char fill;
} block;

static void check_fill(const block *b)
{
    for (size_t k = 0; k < b->size; k++)
        if (b->p[k] != b->fill)
            fail_msg("block of %zu bytes changed at byte %zu", b->size, k);
}

/* Many blocks of every size, half of them freed and allocated again at random:
   each keeps the bytes written into it, so no two ever shared memory. */
static void test_blocks_stay_apart(void **state)
{
    (void)state;
    slab s = {0};
    block *b = calloc(BLOCKS, sizeof *b);
    assert_non_null(b);
    srand(7);
    for (size_t round = 0; round < 4; round++) {
        for (size_t i = 0; i < BLOCKS; i++) {
            if (b[i].p && rand() % 2) {
                check_fill(&b[i]);
                slab_free(&s, b[i].p, b[i].size);
                b[i].p = NULL;
            }
            if (!b[i].p) {
                b[i].size = 1 + (size_t)rand() % SLAB_MAX;
                b[i].fill = (unsigned char)(i * 31 + round);
                b[i].p = slab_alloc(&s, b[i].size);
                assert_non_null(b[i].p);
                assert_int_equal((uintptr_t)b[i].p % SLAB_GRAIN, 0);
                memset(b[i].p, b[i].fill, b[i].size);
            }
        }
    }
    for (size_t i = 0; i < BLOCKS; i++)
        check_fill(&b[i]);
    slab_release(&s);
    assert_null(s.chunks);
    free(b);
}

/* A freed block is the next one handed out in its class, not in another. */
static void test_reuse_by_class(void **state)
{
    (void)state;
    slab s = {0};
    void *a = slab_alloc(&s, 24);
    void *b = slab_alloc(&s, 100);
    assert_ptr_not_equal(a, b);
    slab_free(&s, a, 24);
    assert_ptr_not_equal(slab_alloc(&s, 100), a);   /* another class */
    assert_ptr_equal(slab_alloc(&s, 17), a);        /* 17..32 share a class */
    assert_true(slab_same_class(17, 32));
    assert_false(slab_same_class(16, 17));
    assert_true(slab_same_class(1, 16));
    slab_release(&s);
    /* usable again after a release */
    void *c = slab_alloc(&s, SLAB_MAX);
    assert_non_null(c);
    memset(c, 1, SLAB_MAX);
    slab_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_stay_apart),
        cmocka_unit_test(test_reuse_by_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
