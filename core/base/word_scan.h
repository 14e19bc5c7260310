/* word_scan.h: eight bytes at a time ("SWAR"), for the loops that pass over every
 * byte of a page: most of a page is plain text that needs no work, and testing it
 * a word at a time costs a fraction of a byte loop. */
#ifndef PROVCHECK_WORD_SCAN_H
#define PROVCHECK_WORD_SCAN_H

#include <stdint.h>
#include <string.h>

#define WORD_ONES 0x0101010101010101ULL
#define WORD_HIGH 0x8080808080808080ULL

static inline uint64_t word_load(const void *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

/* Whether a byte of w is below n (n at most 0x80). Exact as a yes or no, not as
   a mask: a borrow can mark a byte above a true one. */
static inline int word_has_below(uint64_t w, unsigned n)
{
    return ((w - WORD_ONES * n) & ~w & WORD_HIGH) != 0;
}

/* The bytes of w equal to c, as a mask of their high bits (exact per byte). */
static inline uint64_t word_equal_mask(uint64_t w, unsigned char c)
{
    uint64_t t = w ^ (WORD_ONES * c);
    return ~(((t & ~WORD_HIGH) + ~WORD_HIGH) | t) & WORD_HIGH;
}

#endif
