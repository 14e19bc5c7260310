/* page_suppress.c: inline suppressions, <!-- provcheck-disable RULE[, RULE...]
 * -- reason -->, read from the page's comments once. */
#include <stdlib.h>
#include <string.h>
#include "page_priv.h"

#define DIRECTIVE "provcheck-disable"

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void free_one(page_suppression *s)
{
    for (size_t i = 0; i < s->rule_count; i++)
        free(s->rules[i]);
    free(s->rules);
    free((char *)s->reason);
}

static int push_rule(page_suppression *s, const char *from, size_t len)
{
    char **r = realloc(s->rules, (s->rule_count + 1) * sizeof *r);
    if (!r)
        return -1;
    s->rules = r;
    r[s->rule_count] = strndup(from, len);
    if (!r[s->rule_count])
        return -1;
    s->rule_count++;
    return 0;
}

/* Parse one comment body; 1 when it is a suppression, 0 when not, -1 on OOM. */
static int parse_directive(const char *c, page_suppression *out)
{
    memset(out, 0, sizeof *out);
    while (is_ws((unsigned char)*c))
        c++;
    size_t dl = strlen(DIRECTIVE);
    if (strncmp(c, DIRECTIVE, dl) != 0 || !(is_ws((unsigned char)c[dl]) || c[dl] == '\0'))
        return 0;
    c += dl;
    const char *reason = strstr(c, "--");
    const char *end = reason ? reason : c + strlen(c);
    while (c < end) {
        while (c < end && (is_ws((unsigned char)*c) || *c == ','))
            c++;
        const char *start = c;
        while (c < end && !is_ws((unsigned char)*c) && *c != ',')
            c++;
        if (c > start && push_rule(out, start, (size_t)(c - start)) < 0) {
            free_one(out);
            return -1;
        }
    }
    if (reason) {
        reason += 2;
        while (is_ws((unsigned char)*reason))
            reason++;
        size_t rl = strlen(reason);
        while (rl > 0 && is_ws((unsigned char)reason[rl - 1]))
            rl--;
        if (rl > 0 && !(out->reason = strndup(reason, rl))) {
            free_one(out);
            return -1;
        }
    }
    return 1;
}

/* libxml2 records the line where a comment ended; we want where it began. */
static int comment_line(const char *content, long l)
{
    if (l <= 0 || l >= 65535)
        return 0;
    for (const char *q = content; q && (q = strchr(q, '\n')); q++)
        l--;
    return l < 1 ? 1 : (int)l;
}

/* Whether a directive comment "<!-- provcheck-disable" starts at q. */
static int directive_at(const char *q, const char *end)
{
    size_t dl = strlen(DIRECTIVE);
    if (end - q < 4 || memcmp(q, "<!--", 4) != 0)
        return 0;
    const char *d = q + 4;
    while (d < end && is_ws((unsigned char)*d))
        d++;
    return (size_t)(end - d) >= dl && memcmp(d, DIRECTIVE, dl) == 0;
}

/* Columns of the suppressions on one line (1-based), `group` listing them in
 * document order: the k-th directive comment of the line is the k-th of them.
 * One pass over the line, so many comments on one line stay linear. */
static void columns_on_line(page *p, const size_t *group, size_t n, int line)
{
    /* p->bytes is UTF-8 here: page_parse.c converted it */
    if ((size_t)line > p->line_count)
        return;
    const char *s = p->bytes + p->line_starts[line - 1];
    const char *eol = (size_t)line < p->line_count ? p->bytes + p->line_starts[line] - 1
                                                   : p->bytes + p->len;
    const char *end = p->bytes + p->len;
    int col = 1;
    size_t k = 0;
    for (const char *q = s; k < n && q + 4 <= eol; q++) {
        if (directive_at(q, end))
            p->supps[group[k++]].column = col;
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    }
}

typedef struct {
    int line;
    size_t index;   /* in p->supps, i.e. document order */
} line_entry;

static int by_line_then_order(const void *a, const void *b)
{
    const line_entry *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Give every suppression the column of its "<!--": the suppressions of a line,
 * in document order, are that line's directive comments in source order. */
static void fill_columns(page *p)
{
    size_t n = 0;
    line_entry *e = malloc((p->supp_count ? p->supp_count : 1) * sizeof *e);
    size_t *group = malloc((p->supp_count ? p->supp_count : 1) * sizeof *group);
    if (!e || !group || build_line_starts(p) < 0)
        goto done;   /* out of memory: columns stay unknown (0) */
    for (size_t i = 0; i < p->supp_count; i++)
        if (p->supps[i].line > 0)
            e[n++] = (line_entry){p->supps[i].line, i};
    qsort(e, n, sizeof *e, by_line_then_order);
    for (size_t g = 0; g < n;) {
        size_t h = g;
        while (h < n && e[h].line == e[g].line) {
            group[h - g] = e[h].index;
            h++;
        }
        columns_on_line(p, group, h - g, e[g].line);
        g = h;
    }
done:
    free(e);
    free(group);
}

static int add_comment(page *p, size_t *cap, const char *content, long line)
{
    page_suppression s;
    int rc = parse_directive(content, &s);
    if (rc <= 0)
        return rc;
    if (p->supp_count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        page_suppression *n = realloc(p->supps, ncap * sizeof *n);
        if (!n) {
            free_one(&s);
            return -1;
        }
        p->supps = n;
        *cap = ncap;
    }
    s.line = comment_line(content, line);
    p->supps[p->supp_count++] = s;
    return 0;
}

const page_suppression *page_suppressions(page *p, size_t *count_out)
{
    if (!p->supp_done) {
        p->supp_done = 1;
        size_t cap = 0;
        /* a page read from parser events kept its comments, in document order */
        for (size_t i = 0; p->streamed && i < p->stream_comment_count; i++)
            if (add_comment(p, &cap, p->stream_comments[i].text,
                            p->stream_comments[i].line) < 0)
                break;
        xmlDocPtr doc = p->streamed ? NULL : page_doc(p);
        /* every comment, including those before <html>, in document order */
        xmlNodePtr n = doc ? doc->children : NULL;
        while (n) {
            if (n->type == XML_COMMENT_NODE && n->content &&
                add_comment(p, &cap, (const char *)n->content, xmlGetLineNo(n)) < 0)
                break;
            if (n->type == XML_ELEMENT_NODE && n->children) {
                n = n->children;
                continue;
            }
            while (n && !n->next)
                n = n->parent;
            if (n && n->type != XML_DOCUMENT_NODE && n->type != XML_HTML_DOCUMENT_NODE)
                n = n->next;
            else
                n = NULL;
        }
        if (p->supp_count)   /* most pages have none: no line table for them */
            fill_columns(p);
    }
    *count_out = p->supp_count;
    return p->supps;
}

void page_suppress_free(page *p)
{
    for (size_t i = 0; i < p->supp_count; i++)
        free_one(&p->supps[i]);
    free(p->supps);
}
