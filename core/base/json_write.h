/* json_write.h: JSON string literals, shared by every JSON, SARIF and JUnit-ish
 * writer. Escapes '"', '\\' and control characters (as \u00XX), keeps valid UTF-8
 * as it is, and replaces each byte of an invalid UTF-8 sequence with U+FFFD, so the
 * output is always valid JSON in valid UTF-8. */
#ifndef PROVCHECK_JSON_WRITE_H
#define PROVCHECK_JSON_WRITE_H
#include <stddef.h>
#include "buf.h"

/* Append s (len bytes) quoted. 0, or -1 when the buffer refused to grow. */
int json_write_string_len(buf *b, const char *s, size_t len);
/* Append a NUL-terminated string quoted; NULL gives `null`. */
int json_write_string(buf *b, const char *s);
/* Append the escaped bytes without the surrounding quotes. */
int json_write_escaped(buf *b, const char *s, size_t len);
/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 when invalid. */
size_t utf8_valid_seq(const unsigned char *s, size_t len);

#endif
