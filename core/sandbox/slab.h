/* slab.h: small blocks for a Lua state, kept apart from the process heap.
 *
 * A rule run allocates and frees tens of thousands of small objects (strings,
 * tables, closures) per page. Through malloc they cost more than the rules' own
 * work and scatter small holes between the parser's buffers. Lua's allocator is
 * told the old size on every free and resize, so blocks need no header: each
 * size class is a free list carved from large chunks, and nothing is given back
 * before slab_release. */
#ifndef PROVCHECK_SLAB_H
#define PROVCHECK_SLAB_H
#include <stddef.h>

#define SLAB_MAX 1024                       /* larger blocks go to malloc */
#define SLAB_GRAIN 16                       /* class sizes step; also alignment */
#define SLAB_CLASSES (SLAB_MAX / SLAB_GRAIN)

typedef struct slab {
    void *free_list[SLAB_CLASSES];
    char *next, *end;                       /* the current chunk's unused part */
    void *chunks;                           /* every chunk, linked through its start */
} slab;

/* A block of at least size bytes (1 <= size <= SLAB_MAX), 16-byte aligned; NULL
 * when out of memory. */
void *slab_alloc(slab *s, size_t size);
/* Give back a block that slab_alloc returned for the same size class. */
void slab_free(slab *s, void *p, size_t size);
/* Whether two sizes (both <= SLAB_MAX) share a class: a resize between them can
 * keep the block. */
int slab_same_class(size_t a, size_t b);
/* Free every chunk; the slab is empty and usable again. */
void slab_release(slab *s);

#endif
