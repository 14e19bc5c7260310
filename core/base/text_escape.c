/* text_escape.c: make control characters visible (text_escape.h). A raw ESC in a
 * finding would let a page rewrite the reader's terminal (colours, titles, OSC 8
 * links, clearing lines), a CR or LF forge report lines, and a bidirectional
 * override reorder what is shown. */
#include <stdio.h>
#include "text_escape.h"

/* Length of the UTF-8 sequence at s and its code point, 0 when not valid. */
static size_t utf8_char(const unsigned char *s, unsigned long *cp)
{
    size_t n;
    unsigned long c;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        c = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        c = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)   /* also stops at the terminating NUL */
            return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if ((n == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
        (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
        return 0;
    *cp = c;
    return n;
}

static int is_hidden_format(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0x9F) ||          /* C1 controls (CSI, OSC...) */
           (cp >= 0x202A && cp <= 0x202E) ||      /* bidirectional embeddings */
           (cp >= 0x2066 && cp <= 0x2069);        /* bidirectional isolates */
}

int buf_put_visible(buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    int rc = 0;
    while (*p && rc == 0) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p < 0x7F)
            p++;
        if (p > run)
            rc |= buf_append(out, run, (size_t)(p - run));
        if (!*p)
            break;
        unsigned long cp = 0;
        size_t n = *p >= 0x80 ? utf8_char(p, &cp) : 0;
        if (n && !is_hidden_format(cp)) {
            rc |= buf_append(out, p, n);
            p += n;
        } else if (n) {
            rc |= buf_printf(out, "\\u%04lx", cp);
            p += n;
        } else {
            rc |= buf_printf(out, "\\x%02x", *p);
            p++;
        }
    }
    return rc < 0 ? -1 : 0;
}
