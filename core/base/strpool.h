/* strpool.h: strings that live and die together, packed into large blocks rather
 * than one allocation each (a 30-byte string from strdup costs 48 bytes, a 41-byte
 * one 64). For the run-long lists of a large site: thousands of page paths. */
#ifndef PROVCHECK_STRPOOL_H
#define PROVCHECK_STRPOOL_H
#include <stddef.h>

typedef struct strpool strpool;

/* An empty pool, or NULL when out of memory. */
strpool *strpool_new(void);
/* The same with blocks of block_bytes (at least 4 KiB). Blocks of a MiB and more
 * get mappings of their own from malloc (main.c), away from the heap's small
 * allocations. */
strpool *strpool_new_blocks(size_t block_bytes);
/* A NUL-terminated copy of s in the pool, valid until strpool_free. NULL when out
   of memory (s NULL gives NULL too). */
char *strpool_dup(strpool *pool, const char *s);
void strpool_free(strpool *pool);

#endif
