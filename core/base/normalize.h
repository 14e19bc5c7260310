/* normalize.h: the contract's text normalization, with a map back to the input.
 * NFKC with full case folding (utf8proc), every white space run (NBSP included) as
 * one space, leading/trailing space dropped, typographic quotes as ' or ", dashes as
 * '-'. Invalid UTF-8 bytes become U+FFFD. ASCII takes a fast path. */
#ifndef PROVCHECK_NORMALIZE_H
#define PROVCHECK_NORMALIZE_H
#include <stddef.h>
#include <stdint.h>

/* Returns a malloc'd NUL-terminated string (NULL only when out of memory). When
 * map_out is not NULL it receives a malloc'd array of (*len_out + 1) input byte
 * offsets: map[i] is where output byte i came from; map[len] = len of input. */
char *text_normalize(const char *s, size_t len, size_t *len_out, uint32_t **map_out);

#endif
