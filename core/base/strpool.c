/* strpool.c: the string pool of strpool.h: a chain of blocks, each filled from the
 * front; a string larger than a quarter block gets a block of its own. */
#include <stdlib.h>
#include <string.h>
#include "strpool.h"

/* under glibc's smallest mmap threshold: blocks come from the heap */
#define BLOCK_BYTES ((size_t)64 * 1024 - 64)

typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block;

struct strpool {
    block *head;         /* the block being filled */
    size_t block_bytes;  /* a new block's capacity */
};

strpool *strpool_new_blocks(size_t block_bytes)
{
    strpool *pool = calloc(1, sizeof(strpool));
    if (pool)
        pool->block_bytes = block_bytes < 4096 ? 4096 : block_bytes;
    return pool;
}

strpool *strpool_new(void)
{
    return strpool_new_blocks(BLOCK_BYTES);
}

static block *block_new(size_t cap, block *next)
{
    block *b = malloc(sizeof *b + cap);
    if (!b)
        return NULL;
    b->next = next;
    b->used = 0;
    b->cap = cap;
    return b;
}

char *strpool_dup(strpool *pool, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    block *b = pool->head;
    if (n > pool->block_bytes / 4) {
        /* its own block, behind the one being filled so that one stays in use */
        block *own = block_new(n, b ? b->next : NULL);
        if (!own)
            return NULL;
        if (b)
            b->next = own;
        else
            pool->head = own;
        b = own;
    } else if (!b || b->cap - b->used < n) {
        block *fresh = block_new(pool->block_bytes, b);
        if (!fresh)
            return NULL;
        pool->head = b = fresh;
    }
    char *out = b->data + b->used;
    memcpy(out, s, n);
    b->used += n;
    return out;
}

void strpool_free(strpool *pool)
{
    if (!pool)
        return;
    for (block *b = pool->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(pool);
}
