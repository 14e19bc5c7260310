/* buf.h: a growable byte buffer with a ceiling set when it is created.
 * Every buffer that grows from outside input gets a ceiling (page bytes, HTTP
 * bodies, decompressed sizes), so hostile input cannot exhaust memory. */
#ifndef PROVCHECK_BUF_H
#define PROVCHECK_BUF_H
#include <stddef.h>
#include <stdarg.h>

/* Where a streaming buffer's bytes go (see buf_spill): 0, or -1 with err_set. */
typedef int (*buf_sink_fn)(void *ctx, const char *data, size_t len);

typedef struct buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max;   /* 0 = no ceiling */
    buf_sink_fn sink;   /* NULL: the bytes stay here */
    void *sink_ctx;
    size_t spilled;     /* bytes handed to the sink so far */
} buf;

#define BUF_INIT {NULL, 0, 0, 0, NULL, NULL, 0}

void buf_init(buf *b, size_t max);
/* All appenders return 0, or -1 when the ceiling would be passed or memory ran out
 * (the buffer keeps what it had). */
int buf_append(buf *b, const void *data, size_t len);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, int c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the bytes to the caller (free() them); the buffer is empty afterwards.
 * Never returns NULL unless out of memory: an empty buffer gives "". */
char *buf_detach(buf *b, size_t *len_out);
void buf_reset(buf *b);
/* Writers call this between records: with a sink and at least BUF_SPILL_BYTES
 * held, the bytes go to the sink and the buffer starts over, so a report of any
 * size is written with a bounded buffer. Without a sink it does nothing. 0 or -1. */
#define BUF_SPILL_BYTES ((size_t)64 * 1024)
int buf_spill(buf *b);
/* Everything held goes to the sink (no-op without one). 0 or -1. */
int buf_drain(buf *b);
/* A position in everything written so far (sink included), and a way back to it
 * for writers that must not leave half a record: bytes still held are dropped;
 * what already went to a sink is the sink owner's to drop (the rewind then does
 * nothing). */
size_t buf_mark(const buf *b);
void buf_rewind(buf *b, size_t mark);
void buf_free(buf *b);

#endif
