/* path_escape.c: report paths from file names (see path_escape.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_write.h"
#include "path_escape.h"

/* Bytes at s that pass through unchanged: a valid UTF-8 sequence, or 0. */
static size_t plain_run(const unsigned char *s, size_t len)
{
    if (s[0] == '%')
        return 0;
    return s[0] < 0x80 ? 1 : utf8_valid_seq(s, len);
}

int path_needs_escape(const char *raw)
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t len = strlen(raw);
    for (size_t i = 0; i < len;) {
        size_t n = plain_run(s + i, len - i);
        if (!n)
            return 1;
        i += n;
    }
    return 0;
}

char *path_escape(const char *raw)
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t len = strlen(raw);
    char *out = malloc(len * 3 + 1);   /* every byte escaped at worst */
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = plain_run(s + i, len - i);
        if (n) {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
            continue;
        }
        snprintf(out + o, 4, "%%%02X", s[i]);
        o += 3;
        i++;
    }
    out[o] = '\0';
    return out;
}
