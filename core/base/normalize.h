/* normalize.h: the contract's text normalization, with a map back to the input.
 * NFKC with full case folding (utf8proc), every white space run (NBSP included) as
 * one space, leading/trailing space dropped, typographic quotes as ' or ", dashes as
 * '-'. Invalid UTF-8 bytes become U+FFFD. ASCII takes a fast path. */
#ifndef PROVCHECK_NORMALIZE_H
#define PROVCHECK_NORMALIZE_H
#include <stddef.h>
#include <stdint.h>

/* Where each output byte came from, kept compactly: a stretch where output and
 * input advance byte for byte is one segment, so mostly-ASCII text needs a
 * segment per collapsed white space run, not four bytes per byte. */
typedef struct {
    uint32_t out, in;   /* output byte `out` came from input byte `in`; the
                           segment's later output bytes from the bytes after it */
} norm_segment;

typedef struct {
    norm_segment *seg;  /* ascending by `out` */
    size_t count, cap;
} norm_map;

/* Returns a malloc'd NUL-terminated string (NULL only when out of memory). When
 * map_out is not NULL it is filled (and must be norm_map_free'd, also after a
 * NULL return). */
char *text_normalize(const char *s, size_t len, size_t *len_out, norm_map *map_out);

/* The input offset output byte k came from; for k = the output's length, the
 * input's length. Every byte of a cluster's output maps to the cluster's start. */
size_t norm_map_source(const norm_map *m, size_t k);
void norm_map_free(norm_map *m);

#endif
