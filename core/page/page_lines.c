/* page_lines.c: the page source as lines and start tags, below the views that
 * point into it (page_text.c, page_suppress.c, page_links.c).
 *
 * A finding's column is where its element's start tag is on its line. Searching
 * the line once per finding made findings on a minified page (one line of
 * megabytes) quadratic; instead the start tags of a line are indexed once, sorted
 * by name, each with its column, and a finding looks its tag up. The index kept is
 * the last line's: findings come in document order, or at least line by line. It
 * takes 12 bytes per '<' of that line, freed with the page. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "page_priv.h"

int build_line_starts(page *p)
{
    if (p->line_starts)
        return 0;
    size_t count = 1;
    for (const char *q = p->bytes; (q = memchr(q, '\n', (size_t)(p->bytes + p->len - q))); q++)
        count++;
    p->line_starts = malloc(count * sizeof *p->line_starts);
    if (!p->line_starts)
        return -1;
    size_t i = 0;
    p->line_starts[i++] = 0;
    const char *end = p->bytes + p->len;
    for (const char *q = p->bytes; (q = memchr(q, '\n', (size_t)(end - q))); q++)
        p->line_starts[i++] = (size_t)(q - p->bytes) + 1;
    p->line_count = count;
    return 0;
}

/* The bytes that end a tag name in the source (page_text.c's white space, '>', '/'). */
static int ends_name(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '>' ||
           c == '/';
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Tag names compared without ASCII case, then by length. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        int d = ascii_lower((unsigned char)a[i]) - ascii_lower((unsigned char)b[i]);
        if (d)
            return d;
    }
    return alen < blen ? -1 : alen > blen;
}

/* The bytes tag_order compares in (qsort has no context argument; pages are
   checked on several threads at once). */
static _Thread_local const char *sorting_bytes;

static int tag_order(const void *x, const void *y)
{
    const line_tag *a = x, *b = y;
    int d = name_cmp(sorting_bytes + a->off, a->len, sorting_bytes + b->off, b->len);
    if (d)
        return d;
    return a->off < b->off ? -1 : a->off > b->off;
}

/* Index every "<name" of `line`: its column in characters (UTF-8 lead bytes) and
   its name, sorted by name then position. 0, or -1 when out of memory. */
static int index_line(page *p, int line)
{
    if (p->tags_line == line)
        return 0;
    if (p->len >= UINT32_MAX)
        return -1;   /* far past any page size limit: columns unknown */
    p->tags_line = 0;
    p->tag_count = 0;
    size_t start = p->line_starts[line - 1];
    size_t end = (size_t)line < p->line_count ? p->line_starts[line] : p->len;
    size_t cap = p->tag_cap;
    uint32_t col = 1;
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)p->bytes[i];
        if (c == '<') {
            /* a name runs to its terminator, which a newline is: never past the line */
            size_t j = i + 1;
            while (j < p->len && !ends_name(p->bytes[j]))
                j++;
            if (j > i + 1) {
                if (p->tag_count == cap) {
                    cap = cap ? cap * 2 : 64;
                    line_tag *t = realloc(p->tags, cap * sizeof *t);
                    if (!t)
                        return -1;
                    p->tags = t;
                    p->tag_cap = cap;
                }
                p->tags[p->tag_count++] = (line_tag){(uint32_t)(i + 1), (uint32_t)(j - i - 1), col};
            }
        }
        if ((c & 0xC0) != 0x80)
            col++;
    }
    sorting_bytes = p->bytes;
    if (p->tag_count)   /* a line without tags: p->tags may still be NULL */
        qsort(p->tags, p->tag_count, sizeof *p->tags, tag_order);
    p->tags_line = line;
    return 0;
}

int page_line_tag_column(page *p, int line, const char *name, size_t k)
{
    if (build_line_starts(p) < 0 || line < 1 || (size_t)line > p->line_count ||
        index_line(p, line) < 0)
        return 0;
    size_t nlen = strlen(name);
    size_t lo = 0, hi = p->tag_count;   /* the first tag not below name */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (name_cmp(p->bytes + p->tags[mid].off, p->tags[mid].len, name, nlen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (k >= p->tag_count - lo)
        return 0;
    const line_tag *t = &p->tags[lo + k];
    return name_cmp(p->bytes + t->off, t->len, name, nlen) == 0 && t->col <= INT_MAX ?
               (int)t->col : 0;
}

void page_lines_free(page *p)
{
    free(p->line_starts);
    free(p->tags);
}
