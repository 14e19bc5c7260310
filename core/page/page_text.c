/* page_text.c: visible text, its normalized form, and where text came from.
 *
 * Visible text follows CONTRACT.md: nothing inside head, script, style, template,
 * comments, or an element with `hidden`, aria-hidden="true", or an inline style
 * with display:none or visibility:hidden. <noscript> is hidden as well: readers
 * run JavaScript, so its content is what they do not see, and a disclaimer placed
 * there would be shown to nobody who matters. Every tree walk here is iterative:
 * libxml2 builds trees as deep as its own limit, and our stack must not care.
 *
 * Lines: libxml2 records on a text node the line where its first chunk (at most
 * about 1000 bytes, or up to the first character reference) ended, not where it
 * began; we subtract the newlines of that chunk and clamp to the enclosing
 * element's line. libxml2 2.9 stores lines in 16 bits: 65535 means "further
 * down". page_parse.c turns on XML_PARSE_BIG_LINES, with which text nodes keep
 * their full line and an element past that point reports the line of the text
 * right inside (or after) it, which xmlGetLineNo looks up; what remains 65535 is
 * reported unknown (0). Columns are known for elements (found in the source
 * line), not for text. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "normalize.h"
#include "page_priv.h"

#define LIBXML_LINE_CAP 65535
#define FIRST_CHUNK_BYTES 1000

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

int page_element_hidden(xmlNodePtr el)
{
    if (el->type != XML_ELEMENT_NODE)
        return el->type == XML_COMMENT_NODE;
    const char *name = (const char *)el->name;
    if (page_name_hides(name))
        return 1;
    for (xmlAttrPtr a = el->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        int first = an[0] | 0x20;
        if (first != 'h' && first != 'a' && first != 's')
            continue;   /* cheap test first: most attributes are class, id, href */
        if (strcasecmp(an, "hidden") == 0)
            return 1;
        if (strcasecmp(an, "aria-hidden") != 0 && strcasecmp(an, "style") != 0)
            continue;
        const xmlChar *v = a->children && a->children->type == XML_TEXT_NODE &&
                           !a->children->next ? a->children->content : NULL;
        xmlChar *owned = NULL;
        if (!v)
            v = owned = xmlNodeGetContent((xmlNodePtr)a);
        int hides = v && (an[0] == 'a' || an[0] == 'A' ? page_attr_true(v)
                                                       : page_style_hides((const char *)v));
        xmlFree(owned);
        if (hides)
            return 1;
    }
    return 0;
}

/* ---- collecting text ---- */

typedef struct {
    char *out;
    size_t len, cap;
    int pending_space;
    text_run *runs;
    size_t run_count, run_cap;
    int want_runs, failed;
} collector;

static int col_reserve(collector *c, size_t extra)
{
    if (c->len + extra + 1 <= c->cap)
        return 0;
    size_t cap = c->cap ? c->cap : 256;
    while (cap < c->len + extra + 1)
        cap *= 2;
    char *out = realloc(c->out, cap);
    if (!out) {
        c->failed = 1;
        return -1;
    }
    c->out = out;
    c->cap = cap;
    return 0;
}

static int node_line_raw(xmlNodePtr n)
{
    long l = xmlGetLineNo(n);
    return l > 0 && l != LIBXML_LINE_CAP && l <= INT_MAX ? (int)l : 0;
}

/* The line a text starts on, from the line libxml2 recorded and the line of the
   element before it (see the top of this file). */
static int start_line_from(const char *s, int rec, int floor)
{
    if (!rec)
        return 0;
    size_t n = strnlen(s, FIRST_CHUNK_BYTES);
    int nl = 0;
    for (const char *q = s; (q = memchr(q, '\n', (size_t)(s + n - q))) != NULL; q++)
        nl++;
    int line = rec - nl;
    if (line < floor)
        line = floor;
    return line < 1 ? 1 : line;
}

/* The line a text node starts on. */
static int text_start_line(xmlNodePtr t)
{
    int rec = node_line_raw(t);
    if (!rec)
        return 0;
    int floor = 1;
    for (xmlNodePtr prev = t->prev; prev; prev = prev->prev) {
        if (prev->type == XML_ELEMENT_NODE) {
            floor = node_line_raw(prev);
            break;
        }
    }
    if (floor <= 1 && t->parent && t->parent->type == XML_ELEMENT_NODE)
        floor = node_line_raw(t->parent);
    return start_line_from((const char *)t->content, rec, floor);
}

static const char *run_content(const page *p, const text_run *run)
{
    return run->node ? (const char *)run->node->content : p->stream_texts + run->content_off;
}

int page_run_start_line(const page *p, const text_run *run)
{
    if (run->node)
        return text_start_line(run->node);
    return start_line_from(run_content(p, run), run->rec_line, run->floor_line);
}

static int add_run(collector *c, xmlNodePtr t)
{
    if (c->run_count == c->run_cap) {
        size_t cap = c->run_cap ? c->run_cap * 2 : 64;
        text_run *r = realloc(c->runs, cap * sizeof *r);
        if (!r) {
            c->failed = 1;
            return -1;
        }
        c->runs = r;
        c->run_cap = cap;
    }
    c->runs[c->run_count++] = (text_run){c->len, t, 0, 0, 0};
    return 0;
}

static void append_text(collector *c, xmlNodePtr t)
{
    const unsigned char *s = (const unsigned char *)t->content;
    if (!s)
        return;
    size_t n = strlen((const char *)s);
    if (col_reserve(c, n + 1) < 0)
        return;
    int run_started = !c->want_runs;
    size_t i = 0;
    while (i < n) {
        if (is_space(s[i]) || s[i] == '\v') {
            c->pending_space = 1;
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && !is_space(s[i]) && s[i] != '\v')
            i++;
        if (c->pending_space && c->len > 0)
            c->out[c->len++] = ' ';
        c->pending_space = 0;
        if (!run_started) {
            run_started = 1;
            if (add_run(c, t) < 0)
                return;
        }
        memcpy(c->out + c->len, s + start, i - start);
        c->len += i - start;
    }
}

char *page_collect_text(xmlNodePtr root, size_t *len_out, text_run **runs_out,
                        size_t *run_count_out)
{
    collector c = {0};
    c.want_runs = runs_out != NULL;
    if (col_reserve(&c, 64) < 0)
        return NULL;
    xmlNodePtr n = root;
    while (n && !c.failed) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            append_text(&c, n);
        } else if (n->type == XML_ELEMENT_NODE && (n == root || !page_element_hidden(n))) {
            if (!page_is_inline(n->name))
                c.pending_space = 1;   /* <br> included: not inline */
            descend = n->children != NULL;
        } else if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
            descend = n->children != NULL;
        }
        if (descend) {
            n = n->children;
            continue;
        }
        /* leave finished elements, closing their block boundaries */
        while (n != root) {
            if (n->type == XML_ELEMENT_NODE && !page_is_inline(n->name))
                c.pending_space = 1;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (n == root && n->type == XML_ELEMENT_NODE && !page_is_inline(n->name))
                c.pending_space = 1;
        }
        if (n == root)
            break;
    }
    if (c.failed) {
        free(c.out);
        free(c.runs);
        return NULL;
    }
    c.out[c.len] = '\0';
    *len_out = c.len;
    if (runs_out) {
        *runs_out = c.runs;
        *run_count_out = c.run_count;
    }
    return c.out;
}

#define RAW_TRIM_BYTES ((size_t)1 << 20)

/* Build raw and normalized text once. An unparsable page has empty text. */
static void build_text(page *p)
{
    if (p->text_done)   /* the event path (page_stream.c) built it already */
        return;
    p->text_done = 1;
    xmlDocPtr doc = page_doc(p);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        p->raw = page_collect_text(root, &p->raw_len, &p->runs, &p->run_count);
    if (!p->raw) {
        p->raw = strdup("");
        p->raw_len = 0;
    } else if (p->raw_len >= RAW_TRIM_BYTES) {
        /* the collector grows by doubling: give back up to half on a large page
           (small ones keep the sizes the allocator reuses from page to page) */
        char *fit = realloc(p->raw, p->raw_len + 1);
        if (fit)
            p->raw = fit;
    }
    if (p->raw)
        page_normalize_text(p);
}

const char *page_raw_text(page *p, size_t *len_out)
{
    build_text(p);
    if (len_out)
        *len_out = p->raw ? p->raw_len : 0;
    return p->raw ? p->raw : "";
}

const char *page_text(page *p, size_t *len_out)
{
    build_text(p);
    if (len_out)
        *len_out = p->norm ? p->norm_len : 0;
    return p->norm ? p->norm : "";
}

/* Newlines between the start of a run's node text and raw offset `raw_off`,
 * replaying the white space collapsing of append_text. */
static int newlines_before(const page *p, const text_run *run, size_t raw_off)
{
    const unsigned char *s = (const unsigned char *)run_content(p, run);
    size_t want = raw_off - run->raw_off, got = 0;
    int nl = 0, in_space = 0, started = 0;
    for (; *s; s++) {
        if (is_space(*s) || *s == '\v') {
            if (*s == '\n')
                nl++;
            in_space = 1;
            continue;
        }
        if (started && in_space) {
            if (got == want)
                break;
            got++;
        }
        in_space = 0;
        if (got == want)
            return nl;
        started = 1;
        got++;
    }
    return nl;
}

int page_text_locate(page *p, size_t text_offset, xmlNodePtr *node_out, int *line_out,
                     int *column_out)
{
    build_text(p);
    if (node_out)
        *node_out = NULL;
    if (line_out)
        *line_out = 0;
    if (column_out)
        *column_out = 0;
    if (!p->norm || text_offset >= p->norm_len || p->run_count == 0)
        return -1;
    size_t raw = norm_map_source(&p->norm_map, text_offset);
    size_t lo = 0, hi = p->run_count;   /* last run with raw_off <= raw */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->runs[mid].raw_off <= raw)
            lo = mid;
        else
            hi = mid;
    }
    const text_run *run = &p->runs[lo];
    if (node_out)
        *node_out = run->node;
    int start = page_run_start_line(p, run);   /* computed here: rarely needed */
    if (line_out && start)
        *line_out = start + newlines_before(p, run, raw < run->raw_off ? run->raw_off : raw);
    return 0;
}

long page_text_find_normalized(page *p, const char *needle, size_t needle_len, size_t from)
{
    size_t hlen;
    const char *hay = page_text(p, &hlen);
    return page_find_cached(p, hay, hlen, needle, needle_len, from);
}

long page_text_find(page *p, const char *needle, size_t needle_len, size_t from)
{
    size_t hlen;
    const char *hay = page_text(p, &hlen);
    size_t nlen;
    char *nd = text_normalize(needle, needle_len, &nlen, NULL);
    if (!nd)
        return -1;
    long r = page_find_cached(p, hay, hlen, nd, nlen, from);
    free(nd);
    return r;
}

int page_node_visible(page *p, xmlNodePtr node)
{
    (void)p;
    for (xmlNodePtr n = node; n; n = n->parent) {
        if (n->type == XML_ELEMENT_NODE || n->type == XML_COMMENT_NODE) {
            if (page_element_hidden(n))
                return 0;
        }
    }
    return 1;
}

/* ---- per-node text cache: open addressing on the node pointer ---- */

static size_t node_hash(xmlNodePtr n, size_t cap)
{
    uintptr_t h = (uintptr_t)n;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 7) & (cap - 1);
}

static int node_cache_grow(page *p)
{
    size_t cap = p->node_text_cap ? p->node_text_cap * 2 : 64;
    node_text *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < p->node_text_cap; i++) {
        node_text *e = &p->node_texts[i];
        if (!e->node)
            continue;
        size_t h = node_hash(e->node, cap);
        while (t[h].node)
            h = (h + 1) & (cap - 1);
        t[h] = *e;
    }
    free(p->node_texts);
    p->node_texts = t;
    p->node_text_cap = cap;
    return 0;
}

/* A node's own text (see page.h): hidden descendants are skipped, but the node
 * itself is not judged, so a rule that selected a <script> can read it. */
const char *page_node_text(page *p, xmlNodePtr node, size_t *len_out)
{
    if (len_out)
        *len_out = 0;
    if (!node)
        return "";
    if (p->node_text_cap) {
        size_t h = node_hash(node, p->node_text_cap);
        while (p->node_texts[h].node) {
            if (p->node_texts[h].node == node) {
                if (len_out)
                    *len_out = p->node_texts[h].len;
                return p->node_texts[h].text;
            }
            h = (h + 1) & (p->node_text_cap - 1);
        }
    }
    if ((p->node_text_count + 1) * 2 > p->node_text_cap && node_cache_grow(p) < 0)
        return "";
    size_t len = 0;
    char *text = page_collect_text(node, &len, NULL, NULL);
    if (!text)
        return "";
    size_t h = node_hash(node, p->node_text_cap);
    while (p->node_texts[h].node)
        h = (h + 1) & (p->node_text_cap - 1);
    p->node_texts[h] = (node_text){node, text, len};
    p->node_text_count++;
    if (len_out)
        *len_out = len;
    return text;
}

/* Whether the start tag of an element called `name` (nlen bytes) begins at byte i
   of the source: "<name" followed by white space, '>' or '/'. */
static int start_tag_at(const page *p, size_t i, const char *name, size_t nlen)
{
    if (p->bytes[i] != '<' || i + 1 + nlen > p->len ||
        strncasecmp(p->bytes + i + 1, name, nlen) != 0)
        return 0;
    char after = i + 1 + nlen < p->len ? p->bytes[i + 1 + nlen] : '>';
    return is_space((unsigned char)after) || after == '>' || after == '/';
}

/* An element past line 65535: xmlGetLineNo gives the line of the text inside or
   after it, so its start tag is the nearest "<name" at or before the end of that
   line. */
static int big_element_line(page *p, xmlNodePtr node)
{
    int estimate = node_line_raw(node);
    if (!estimate || !p->bytes || build_line_starts(p) < 0 || (size_t)estimate > p->line_count)
        return estimate;
    size_t end = (size_t)estimate < p->line_count ? p->line_starts[estimate] : p->len;
    size_t nlen = strlen((const char *)node->name);
    for (size_t i = end; i-- > 0;) {
        if (!start_tag_at(p, i, (const char *)node->name, nlen))
            continue;
        /* the line holding byte i: binary search over the line starts */
        size_t lo = 0, hi = p->line_count;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (p->line_starts[mid] <= i)
                lo = mid;
            else
                hi = mid;
        }
        return (int)lo + 1;
    }
    return estimate;
}

int page_node_line(page *p, xmlNodePtr node)
{
    if (!node)
        return 0;
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
        return text_start_line(node);
    if (node->type == XML_ELEMENT_NODE && node->line == LIBXML_LINE_CAP)
        return big_element_line(p, node);
    return node_line_raw(node);
}

/* ---- element columns ---- */

/* The node before `n` in document order, or NULL. */
static xmlNodePtr doc_prev(xmlNodePtr n)
{
    if (n->prev) {
        n = n->prev;
        while (n->last && n->type == XML_ELEMENT_NODE)
            n = n->last;
        return n;
    }
    return n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
}

/* How many elements of node's name start on `line` before node, in document order
   back to the first element of an earlier line: node's start tag is the (k+1)-th
   "<name" on its line. The answer is kept in each element's _private (libxml2
   leaves that field to its user; nothing else of ours uses it on nodes), so the
   findings at many elements of one long line walk it once, not once each. */
static size_t same_line_rank(xmlNodePtr node, int line)
{
    if (node->_private)
        return (size_t)(uintptr_t)node->_private - 1;
    size_t passed = 0, base = 0;
    xmlNodePtr q;
    for (q = doc_prev(node); q; q = doc_prev(q)) {
        if (q->type != XML_ELEMENT_NODE)
            continue;
        int ql = node_line_raw(q);
        if (ql != line) {
            if (ql < line)
                break;
            continue;
        }
        if (xmlStrcasecmp(q->name, node->name) != 0)
            continue;
        if (q->_private) {   /* q's rank is known: node's is one more, plus those passed */
            base = (size_t)(uintptr_t)q->_private;
            break;
        }
        passed++;
    }
    size_t rank = passed + base;
    node->_private = (void *)(uintptr_t)(rank + 1);
    /* the same walk again, up to where the first one stopped, noting the ranks */
    size_t r = rank;
    for (xmlNodePtr s = doc_prev(node); s && s != q; s = doc_prev(s))
        if (s->type == XML_ELEMENT_NODE && node_line_raw(s) == line &&
            xmlStrcasecmp(s->name, node->name) == 0)
            s->_private = (void *)(uintptr_t)(r--);
    return rank;
}

int page_node_column(page *p, xmlNodePtr node)
{
    /* p->bytes is UTF-8 after a successful parse (page_parse.c converts) */
    if (node && page_stream_node(p, node))   /* k was counted while parsing */
        return page_tag_column(p, node->line, (const char *)node->name,
                               (size_t)(uintptr_t)node->psvi);
    if (!node || node->type != XML_ELEMENT_NODE || !p->doc)
        return 0;
    int line = page_node_line(p, node);
    if (!line || build_line_starts(p) < 0 || (size_t)line > p->line_count)
        return 0;
    return page_line_tag_column(p, line, (const char *)node->name,
                                same_line_rank(node, line));
}

int page_tag_column(page *p, int line, const char *name, size_t k)
{
    return page_line_tag_column(p, line, name, k);
}

xmlNodePtr page_anchor(page *p)
{
    if (p->streamed)
        return p->stream_anchor;
    xmlDocPtr doc = page_doc(p);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr body = NULL;
    for (xmlNodePtr n = root; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            if (page_name_is(n->name, "article"))
                return n;
            if (!body && page_name_is(n->name, "body"))
                body = n;
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    return body;
}

void page_text_free_views(page *p)
{
    free(p->raw);
    free(p->runs);
    free(p->norm);
    norm_map_free(&p->norm_map);
    for (size_t i = 0; i < p->node_text_cap; i++)
        free(p->node_texts[i].text);
    free(p->node_texts);
}
