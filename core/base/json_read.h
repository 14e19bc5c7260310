/* json_read.h: a strict JSON (RFC 8259) reader into cfgval trees.
 *
 * Used for JSON-LD blocks, baselines and merged reports, so it is linear in the
 * input and bounded: nesting deeper than JSON_READ_MAX_DEPTH is an error, not a
 * stack overflow. Objects become CV_MAP (a repeated key keeps its last value in
 * small objects; objects of 64 keys or more keep every entry and cfgval_get finds
 * the first), arrays CV_LIST, numbers CV_NUM (double), null CV_NIL. */
#ifndef PROVCHECK_JSON_READ_H
#define PROVCHECK_JSON_READ_H
#include <stddef.h>
#include "cfgval.h"

#define JSON_READ_MAX_DEPTH 256

/* Parse `len` bytes of `text` (one JSON value, white space around it allowed).
 * 0 and *out (caller frees with cfgval_free), or -1 and, when err_out is not NULL,
 * a malloc'd message "line L, column C: what" in *err_out (caller frees). */
int json_read(const char *text, size_t len, cfgval **out, char **err_out);

#endif
