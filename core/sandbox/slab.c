/* slab.c: size classes on free lists, carved from 64 KiB chunks (slab.h). */
#include <stdint.h>
#include <stdlib.h>
#include "slab.h"

#define CHUNK_BYTES ((size_t)64 * 1024)

/* The chunk's first SLAB_GRAIN bytes hold the link to the previous chunk, so the
   blocks after it keep their alignment. */
typedef union chunk_head {
    void *prev;
    char pad[SLAB_GRAIN];
} chunk_head;

static size_t class_of(size_t size)
{
    return (size - 1) / SLAB_GRAIN;
}

int slab_same_class(size_t a, size_t b)
{
    return class_of(a) == class_of(b);
}

static int new_chunk(slab *s)
{
    chunk_head *c = aligned_alloc(SLAB_GRAIN, CHUNK_BYTES);
    if (!c)
        return -1;
    c->prev = s->chunks;
    s->chunks = c;
    s->next = (char *)c + sizeof *c;
    s->end = (char *)c + CHUNK_BYTES;
    return 0;
}

void *slab_alloc(slab *s, size_t size)
{
    size_t k = class_of(size);
    void *p = s->free_list[k];
    if (p) {
        s->free_list[k] = *(void **)p;
        return p;
    }
    size_t bytes = (k + 1) * SLAB_GRAIN;
    if ((size_t)(s->end - s->next) < bytes && new_chunk(s) < 0)
        return NULL;   /* the old chunk's tail is left: under SLAB_MAX bytes */
    p = s->next;
    s->next += bytes;
    return p;
}

void slab_free(slab *s, void *p, size_t size)
{
    size_t k = class_of(size);
    *(void **)p = s->free_list[k];
    s->free_list[k] = p;
}

void slab_release(slab *s)
{
    void *c = s->chunks;
    while (c) {
        void *prev = ((chunk_head *)c)->prev;
        free(c);
        c = prev;
    }
    *s = (slab){0};
}
