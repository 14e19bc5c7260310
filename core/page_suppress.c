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
static int comment_line(xmlNodePtr c)
{
    long l = xmlGetLineNo(c);
    if (l <= 0 || l >= 65535)
        return 0;
    for (const char *q = (const char *)c->content; q && (q = strchr(q, '\n')); q++)
        l--;
    return l < 1 ? 1 : (int)l;
}

/* Column of the k-th "<!--" holding the directive on `line` (1-based), 0 unknown. */
static int comment_column(const page *p, int line, int k)
{
    if (!line)   /* p->bytes is UTF-8 here: page_parse.c converted it */
        return 0;
    const char *s = p->bytes, *end = p->bytes + p->len;
    for (int l = 1; l < line && s < end; l++) {
        s = memchr(s, '\n', (size_t)(end - s));
        if (!s)
            return 0;
        s++;
    }
    const char *eol = memchr(s, '\n', (size_t)(end - s));
    if (!eol)
        eol = end;
    for (const char *q = s; q + 4 <= eol; q++) {
        if (memcmp(q, "<!--", 4) != 0)
            continue;
        const char *d = q + 4;
        while (d < end && is_ws((unsigned char)*d))
            d++;
        if ((size_t)(end - d) < strlen(DIRECTIVE) || memcmp(d, DIRECTIVE, strlen(DIRECTIVE)))
            continue;
        if (k-- > 0)
            continue;
        int col = 1;
        for (const char *c = s; c < q; c++)
            if (((unsigned char)*c & 0xC0) != 0x80)
                col++;
        return col;
    }
    return 0;
}

static int add_comment(page *p, size_t *cap, xmlNodePtr c)
{
    page_suppression s;
    int rc = parse_directive((const char *)c->content, &s);
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
    s.line = comment_line(c);
    int same_line = 0;
    for (size_t i = 0; i < p->supp_count; i++)
        same_line += p->supps[i].line == s.line;
    s.column = comment_column(p, s.line, same_line);
    p->supps[p->supp_count++] = s;
    return 0;
}

const page_suppression *page_suppressions(page *p, size_t *count_out)
{
    if (!p->supp_done) {
        p->supp_done = 1;
        xmlDocPtr doc = page_doc(p);
        size_t cap = 0;
        /* every comment, including those before <html>, in document order */
        xmlNodePtr n = doc ? doc->children : NULL;
        while (n) {
            if (n->type == XML_COMMENT_NODE && n->content && add_comment(p, &cap, n) < 0)
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
