/* json_write.c: JSON string escaping (see json_write.h). */
#include <stdio.h>
#include <string.h>
#include "json_write.h"

size_t utf8_valid_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned long cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid. */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int json_write_escaped(buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;   /* start of the pending run of bytes copied as they are */
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        size_t n = c < 0x80 ? 0 : utf8_valid_seq(p + i, len - i);
        if (n) {
            i += n;
            continue;
        }
        if (buf_append(b, p + run, i - run) < 0)
            return -1;
        int rc;
        if (c == '"')
            rc = buf_puts(b, "\\\"");
        else if (c == '\\')
            rc = buf_puts(b, "\\\\");
        else if (c < 0x20)
            rc = buf_printf(b, "\\u%04x", c);
        else
            rc = buf_puts(b, "\xEF\xBF\xBD");
        if (rc < 0)
            return -1;
        i++;
        run = i;
    }
    return buf_append(b, p + run, i - run);
}

int json_write_string_len(buf *b, const char *s, size_t len)
{
    if (buf_putc(b, '"') < 0 || json_write_escaped(b, s, len) < 0)
        return -1;
    return buf_putc(b, '"');
}

int json_write_string(buf *b, const char *s)
{
    if (!s)
        return buf_puts(b, "null");
    return json_write_string_len(b, s, strlen(s));
}
