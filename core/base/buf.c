/* buf.c: the growable byte buffer of buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"

void buf_init(buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->sink = NULL;
    b->sink_ctx = NULL;
    b->spilled = 0;
}

/* Make room for `extra` more bytes plus the terminating NUL. */
static int buf_reserve(buf *b, size_t extra)
{
    if (extra > (size_t)-1 - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (b->max && b->len + extra > b->max)
        return -1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > (size_t)-1 / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *grown = realloc(b->data, cap);
    if (!grown)
        return -1;
    b->data = grown;
    b->cap = cap;
    return 0;
}

int buf_append(buf *b, const void *data, size_t len)
{
    if (buf_reserve(b, len) < 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_putc(buf *b, int c)
{
    char ch = (char)c;
    return buf_append(b, &ch, 1);
}

int buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *buf_detach(buf *b, size_t *len_out)
{
    char *data = b->data;
    size_t len = b->len;
    if (!data) {
        data = calloc(1, 1);
        len = 0;
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    if (len_out)
        *len_out = data ? len : 0;
    return data;
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int buf_drain(buf *b)
{
    if (!b->sink || b->len == 0)
        return 0;
    if (b->sink(b->sink_ctx, b->data, b->len) < 0)
        return -1;
    b->spilled += b->len;
    buf_reset(b);
    return 0;
}

int buf_spill(buf *b)
{
    return b->sink && b->len >= BUF_SPILL_BYTES ? buf_drain(b) : 0;
}

size_t buf_mark(const buf *b)
{
    return b->spilled + b->len;
}

void buf_rewind(buf *b, size_t mark)
{
    if (mark < b->spilled || mark - b->spilled > b->len)
        return;
    b->len = mark - b->spilled;
    if (b->data)
        b->data[b->len] = '\0';
}

void buf_free(buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
