/* page_stream.c: the page views from libxml2's SAX events, without a document.
 *
 * When no rule reads the tree, building and freeing a DOM is most of a page's cost.
 * Here the same parser (same options, guards and encoding) runs with handlers that
 * keep only an element stack and build, as the events come, what page_text.c,
 * page_links.c and page_suppress.c would compute from the tree: the visible text
 * with its runs, each link's href, text and visibility, the anchor element and
 * the suppression comments. Everything mirrors the DOM walk exactly: the tests
 * compare whole reports of both paths byte for byte.
 *
 * What a node would be, the stack says: libxml2's tree builder (SAX2) appends
 * characters to the last child while it is text, and records a node's line when
 * it creates it, so a "text node" here is the characters between two other events
 * under one parent, with the line of its first chunk. Links and the anchor get
 * stand-in element nodes (line, and in psvi how many start tags of the same name
 * came before on that line) for report{node = link.node}.
 *
 * Pages this path does not reproduce exactly go to the DOM instead: line numbers
 * past libxml2's 16-bit range (the tree then reports them in its own way), NUL
 * characters in text (the tree's strings end there), and elements outside the
 * root. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "normalize.h"
#include "page_guard.h"
#include "page_priv.h"
#include "word_scan.h"

#define BIG_LINE 65534


/* A text being collected: the page's visible text, or one link's text. */
typedef struct collector {
    char *out;
    size_t len, cap;
    int pending_space;
    int failed;
} collector;

typedef struct open_link {
    size_t depth;        /* stack index of the <a> */
    size_t link;         /* index in p->links */
    collector text;
} open_link;

typedef struct frame {
    const xmlChar *name;
    int line;
    int is_inline;
    int last_elem_line;  /* line of the last element child; 0 = none yet */
    int last_is_text;    /* the last child is a text (characters coalesce into it) */
    size_t hidden_all;   /* elements hiding themselves, root to here */
} frame;

typedef struct stream {
    page_guard guard;    /* first: ctxt->_private points at both */
    page *p;
    frame *stack;
    size_t depth, stack_cap;
    int root_seen, root_closed;
    int fallback, failed;

    collector text;      /* the page's visible text */
    size_t run_cap;
    size_t texts_len, texts_cap;
    int text_visible;    /* the current text node counts for the page text */
    int text_has_run;
    size_t text_start;   /* its content in p->stream_texts */
    int text_rec_line, text_floor_line;

    open_link *links;
    size_t link_open, link_open_cap, link_cap;

    size_t comment_cap;

    int hid_open;        /* a hidden part is being collected (page_hidden_part) */
    size_t hid_depth;    /* stack index of its element */
    const char *hid_why;
    collector hid_text;
    size_t hidden_cap;

    int count_line;      /* start tags of a, article, body, link seen on this line */
    size_t count_a, count_article, count_body, count_link;
    int anchor_is_article;
} stream;

int page_stream_off(void)
{
    const char *v = getenv("PROVCHECK_PAGE_PATH");
    return v && strcmp(v, "dom") == 0;
}

static stream *stream_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void give_up(stream *st, xmlParserCtxtPtr ctxt)
{
    st->fallback = 1;
    xmlStopParser(ctxt);
}

static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    char *n = realloc(*buf, c);
    if (!n)
        return -1;
    *buf = n;
    *cap = c;
    return 0;
}

/* White space as page_text.c collapses it, as a table: collect() looks up every
   text byte. */
static const unsigned char space_byte[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

/* Record where the current text node's first visible character lands in the
   page text (its lines are filled in by on_characters). */
static int start_run(stream *st, size_t text_off)
{
    page *p = st->p;
    st->text_has_run = 1;
    if (p->run_count == st->run_cap) {
        size_t cap = st->run_cap ? st->run_cap * 2 : 64;
        text_run *r = realloc(p->runs, cap * sizeof *r);
        if (!r)
            return -1;
        p->runs = r;
        st->run_cap = cap;
    }
    p->runs[p->run_count++] = (text_run){text_off, NULL, 0, 0, 0};
    return 0;
}

/* Append a chunk of a text node, collapsing white space as page_text.c does.
   One byte at a time with a table: the words are short, so a loop that finds
   word ends and copies them costs more than it saves. */
static void collect(collector *c, const xmlChar *s, size_t n, stream *st, int runs)
{
    if (c->failed || reserve(&c->out, &c->cap, c->len + n + 2) < 0) {
        c->failed = 1;
        return;
    }
    char *out = c->out;
    size_t len = c->len;
    int pending = c->pending_space;
    int want_run = runs && !st->text_has_run;
    for (size_t i = 0; i < n; i++) {
        /* eight bytes at once while they hold no white space but single spaces
           between words, which stay as they are */
        while (!want_run && i + 8 <= n) {
            uint64_t w = word_load(s + i);
            if (word_has_below(w, 0x20))   /* white space other than ' ', or control */
                break;
            uint64_t spaces = word_equal_mask(w, ' ');
            if ((spaces & (spaces << 8)) || ((spaces & 0x80) && (pending || len == 0)))
                break;
            if (pending) {
                if (len > 0)
                    out[len++] = ' ';
                pending = 0;
            }
            memcpy(out + len, &w, 8);
            int trailing = (spaces >> 63) != 0;   /* it waits: the next byte may extend it */
            len += trailing ? 7 : 8;
            pending = trailing;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char ch = s[i];
        if (space_byte[ch]) {
            pending = 1;
            continue;
        }
        if (pending) {
            if (len > 0)
                out[len++] = ' ';
            pending = 0;
        }
        if (want_run) {
            want_run = 0;
            if (start_run(st, len) < 0) {
                c->len = len;
                c->failed = 1;
                return;
            }
        }
        out[len++] = (char)ch;
    }
    c->len = len;
    c->pending_space = pending;
}

/* Whether text (or an element start) at the current depth is inside link l's
   subtree without a hidden element between. */
static int link_sees(const stream *st, const open_link *l)
{
    return st->stack[st->depth - 1].hidden_all == st->stack[l->depth].hidden_all;
}

/* Whether the open hidden part sees the current depth: inside its element with
   nothing hidden between (what page_collect_text collects from that element). */
static int hid_sees(const stream *st)
{
    return st->stack[st->depth - 1].hidden_all == st->stack[st->hid_depth].hidden_all;
}

/* Keep a hidden part (taking `text`, which may be NULL for an empty one). */
static int add_hidden_part(stream *st, const char *why, char *text, size_t len)
{
    page *p = st->p;
    if (p->stream_hidden_count == st->hidden_cap) {
        size_t cap = st->hidden_cap ? st->hidden_cap * 2 : 8;
        page_hidden_part *h = realloc(p->stream_hidden, cap * sizeof *h);
        if (!h) {
            free(text);
            return -1;
        }
        p->stream_hidden = h;
        st->hidden_cap = cap;
    }
    p->stream_hidden[p->stream_hidden_count++] = (page_hidden_part){why, text, len};
    return 0;
}

static void close_hidden(stream *st)
{
    st->hid_open = 0;
    if (st->hid_text.failed) {
        free(st->hid_text.out);
        st->failed = 1;
        return;
    }
    if (st->hid_text.out)
        st->hid_text.out[st->hid_text.len] = '\0';
    if (add_hidden_part(st, st->hid_why, st->hid_text.out, st->hid_text.len) < 0)
        st->failed = 1;
}

/* Whether the page text sees the current depth: nothing hidden below the root
   (the root element itself is not judged, as in page_collect_text). */
static int page_sees(const stream *st)
{
    return st->stack[st->depth - 1].hidden_all == st->stack[0].hidden_all;
}

static xmlNodePtr stand_in(stream *st, const char *name, int line, size_t k)
{
    page *p = st->p;
    xmlNodePtr *nodes = realloc(p->stream_nodes, (p->stream_node_count + 1) * sizeof *nodes);
    if (!nodes)
        return NULL;
    p->stream_nodes = nodes;
    xmlNodePtr n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->type = XML_ELEMENT_NODE;
    n->name = (const xmlChar *)name;   /* static: never freed through libxml2 */
    n->line = (unsigned short)line;
    n->psvi = (void *)(uintptr_t)k;
    nodes[p->stream_node_count++] = n;
    return n;
}

static int open_link_new(stream *st, const char *href, int line, size_t k)
{
    page *p = st->p;
    if (p->link_count == st->link_cap) {
        size_t cap = st->link_cap ? st->link_cap * 2 : 16;
        page_link *l = realloc(p->links, cap * sizeof *l);
        if (!l)
            return -1;
        p->links = l;
        st->link_cap = cap;
    }
    if (st->link_open == st->link_open_cap) {
        size_t cap = st->link_open_cap ? st->link_open_cap * 2 : 4;
        open_link *o = realloc(st->links, cap * sizeof *o);
        if (!o)
            return -1;
        st->links = o;
        st->link_open_cap = cap;
    }
    xmlNodePtr node = stand_in(st, "a", line, k);
    char *h = strdup(href);
    if (!node || !h) {
        free(h);
        return -1;
    }
    /* visible: nothing from the root down to the <a> itself hides it */
    int visible = st->stack[st->depth - 1].hidden_all == 0;
    p->links[p->link_count] = (page_link){h, NULL, node, visible};
    st->links[st->link_open++] = (open_link){st->depth - 1, p->link_count, {0}};
    p->link_count++;
    return 0;
}

static void close_link(stream *st)
{
    open_link *l = &st->links[--st->link_open];
    page *p = st->p;
    char *norm = NULL;
    if (!l->text.failed)
        norm = text_normalize(l->text.out ? l->text.out : "", l->text.len, NULL, NULL);
    free(l->text.out);
    if (!norm) {
        st->failed = 1;
        norm = strdup("");
    }
    p->links[l->link].text = norm;
}

/* A start tag of a, article or body: how many of the same name came before it on
   its line (page_tag_column finds its column from that). */
static size_t count_on_line(stream *st, int line, size_t *counter)
{
    if (line != st->count_line) {
        st->count_line = line;
        st->count_a = st->count_article = st->count_body = st->count_link = 0;
    }
    return (*counter)++;
}

/* Skip a script or style body without libxml2 reading it character by character
   (a quarter of the parse on pages with big scripts): nobody reads it on this path.
   Called from the start tag's event, when the parser stands on the tag's '>'.
   libxml2 (in recovery) ends the body at the first "</" followed by the element's
   name in any case; the skip lands the parser on the last byte of the body, made
   the '>' it expects, with the line count the bytes skipped would have given. The
   body is left to libxml2 (no skip) unless all of it is in the parser's buffer,
   holds no character libxml2 would complain about, and does not start with "</"
   (libxml2 then reads an end tag first). An ld+json script's body is kept (`keep`):
   it is skipped only when it holds no '\r' (which libxml2 would hand over as
   '\n'), and handed to page_head_cdata as libxml2 would have. 0, or -1 when out
   of memory. */
static int skip_raw_body(xmlParserCtxtPtr ctxt, page *p, const char *name, int keep)
{
    xmlParserInputPtr in = ctxt->input;
    const char *cur = (const char *)in->cur, *end = (const char *)in->end;
    /* the buffer must be libxml2's own copy: the page's bytes stay as they are */
    if (!in->cur || !in->end || cur >= end || *cur != '>' ||
        (cur >= p->bytes && cur < p->bytes + p->len))
        return 0;
    const char *body = cur + 1;
    if (end - body >= 2 && body[0] == '<' && body[1] == '/')
        return 0;
    size_t nlen = strlen(name);
    const char *close = NULL;
    for (const char *q = body; q < end;) {
        /* from one '<' to the next: scripts are long, and most of them is code */
        const char *lt = memchr(q, '<', (size_t)(end - q));
        const char *stop = lt ? lt : end;
        /* a kept body (ld+json) is read as the tree reads it, without carriage
           returns to translate */
        if (page_first_bad_char(q, stop) || (keep && memchr(q, '\r', (size_t)(stop - q))))
            return 0;
        if (!lt)
            break;
        if ((size_t)(end - lt) >= 2 + nlen && lt[1] == '/' &&
            strncasecmp(lt + 2, name, nlen) == 0) {
            close = lt;
            break;
        }
        q = lt + 1;
    }
    if (!close || close - body < 1)
        return 0;
    if (keep && page_head_cdata(p, p->jsonld_open_depth + 1, (const xmlChar *)body,
                                (int)(close - body)) < 0)
        return -1;
    int lines = 0;
    const char *last_nl = NULL;
    for (const char *q = cur; (q = memchr(q, '\n', (size_t)(close - q))) != NULL; q++) {
        lines++;
        last_nl = q;
    }
    xmlChar *gt = (xmlChar *)(uintptr_t)(close - 1);
    *gt = '>';
    in->cur = gt;
    in->line += lines;
    if (last_nl)
        in->col = (int)(close - 1 - last_nl);
    return 0;
}

/* The head views' part of a start tag (page_head.c), at the element's future
   stack index st->depth; a <link rel> keeps its line and k for its stand-in. */
static int head_start(stream *st, const xmlChar *name, const xmlChar **atts, int line,
                      int *is_jsonld)
{
    page *p = st->p;
    if (page_head_start(p, name, atts, st->depth, is_jsonld) < 0)
        return -1;
    if (!page_name_is(name, "link"))
        return 0;
    /* every <link> counts for the column, with rel or not */
    size_t k = count_on_line(st, line, &st->count_link);
    if (!page_head_is_link(name, atts))
        return 0;
    return page_head_link(p, atts, line, k);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    xmlParserCtxtPtr ctxt = ctx;
    stream *st = stream_of(ctx);
    if (st->fallback || st->failed)
        return;
    int line = ctxt->input->line;
    /* a prefixed name ("di:b"): the tree builder splits it, which this path does
       not mirror (found by fuzz_page) */
    if (line >= BIG_LINE || (st->depth == 0 && st->root_seen) ||
        (name && strchr((const char *)name, ':'))) {
        give_up(st, ctxt);
        return;
    }
    if (st->depth == st->stack_cap) {
        size_t cap = st->stack_cap ? st->stack_cap * 2 : 64;
        frame *f = realloc(st->stack, cap * sizeof *f);
        if (!f) {
            st->failed = 1;
            return;
        }
        st->stack = f;
        st->stack_cap = cap;
    }
    int hides = page_sax_hidden(name, atts);
    int is_inline = page_is_inline(name);
    size_t hidden_below = st->depth ? st->stack[st->depth - 1].hidden_all : 0;
    if (st->depth) {
        frame *parent = &st->stack[st->depth - 1];
        parent->last_elem_line = line;
        parent->last_is_text = 0;
        /* a block boundary for each text that sees the parent, when this element
           is not hidden (page_collect_text descends into it) */
        if (!is_inline && !hides) {
            if (page_sees(st))
                st->text.pending_space = 1;
            for (size_t i = 0; i < st->link_open; i++)
                if (link_sees(st, &st->links[i]))
                    st->links[i].text.pending_space = 1;
            if (st->hid_open && hid_sees(st))
                st->hid_text.pending_space = 1;
        }
    }
    st->root_seen = 1;
    int is_jsonld = 0;
    if (st->p->head_wanted && head_start(st, name, atts, line, &is_jsonld) < 0) {
        st->failed = 1;
        return;
    }
    st->stack[st->depth++] = (frame){name, line, is_inline, 0, 0, hidden_below + (hides != 0)};
    /* an outermost hidden element: page:hidden_text() searches its text */
    if (hides && hidden_below == 0 && !st->hid_open) {
        const char *why = page_sax_hidden_why(name, atts);
        if (why) {
            st->hid_open = 1;
            st->hid_depth = st->depth - 1;
            st->hid_why = why;
            st->hid_text = (collector){0};
        }
    }

    const char *n = (const char *)name;
    if (page_name_is(name, "a")) {
        size_t k = count_on_line(st, line, &st->count_a);
        const char *href = page_att(atts, "href");
        if (href && open_link_new(st, href, line, k) < 0)
            st->failed = 1;
    } else if (page_name_is(name, "article")) {
        size_t k = count_on_line(st, line, &st->count_article);
        if (!st->anchor_is_article) {
            st->anchor_is_article = 1;
            st->p->stream_anchor = stand_in(st, "article", line, k);
            if (!st->p->stream_anchor)
                st->failed = 1;
        }
    } else if (page_name_is(name, "script") || page_name_is(name, "style")) {
        if (skip_raw_body(ctxt, st->p, n, is_jsonld) < 0)
            st->failed = 1;
    } else if (page_name_is(name, "body")) {
        size_t k = count_on_line(st, line, &st->count_body);
        if (!st->p->stream_anchor) {
            st->p->stream_anchor = stand_in(st, "body", line, k);
            if (!st->p->stream_anchor)
                st->failed = 1;
        }
    }
}

static void on_end(void *ctx, const xmlChar *name)
{
    stream *st = stream_of(ctx);
    (void)name;
    if (st->fallback || st->failed || st->depth == 0)
        return;
    frame *f = &st->stack[st->depth - 1];
    while (st->link_open && st->links[st->link_open - 1].depth == st->depth - 1)
        close_link(st);
    if (st->hid_open && st->hid_depth == st->depth - 1)
        close_hidden(st);
    if (page_head_end(st->p, st->depth - 1) < 0)
        st->failed = 1;
    st->depth--;
    if (st->depth == 0)
        return;
    st->stack[st->depth - 1].last_is_text = 0;
    /* leaving an element closes its block, hidden or not, for the texts that see
       its parent */
    if (!f->is_inline) {
        if (page_sees(st))
            st->text.pending_space = 1;
        for (size_t i = 0; i < st->link_open; i++)
            if (link_sees(st, &st->links[i]))
                st->links[i].text.pending_space = 1;
        if (st->hid_open && hid_sees(st))
            st->hid_text.pending_space = 1;
    }
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr ctxt = ctx;
    stream *st = stream_of(ctx);
    if (st->fallback || st->failed || st->depth == 0 || len <= 0)
        return;   /* outside the root the tree builder drops text too */
    if (memchr(ch, '\0', (size_t)len) || ctxt->input->line >= BIG_LINE) {
        give_up(st, ctxt);
        return;
    }
    frame *f = &st->stack[st->depth - 1];
    page *p = st->p;
    if (!f->last_is_text) {
        /* a new text node: the line libxml2 would record on it, and the element
           before it (else its parent) as the floor of its first line */
        f->last_is_text = 1;
        st->text_visible = page_sees(st);
        st->text_has_run = 0;
        if (st->text_visible) {
            if (reserve(&p->stream_texts, &st->texts_cap, st->texts_len + 1) < 0) {
                st->failed = 1;
                return;
            }
            p->stream_texts[st->texts_len++] = '\0';   /* ends the previous text */
        }
        /* where this text begins and its lines, for the run made below */
        st->text_rec_line = ctxt->input->line;
        st->text_floor_line = f->last_elem_line > 1 ? f->last_elem_line : f->line;
        st->text_start = st->texts_len;
    }
    if (st->text_visible) {
        if (reserve(&p->stream_texts, &st->texts_cap, st->texts_len + (size_t)len + 1) < 0) {
            st->failed = 1;
            return;
        }
        size_t runs_before = p->run_count;
        collect(&st->text, ch, (size_t)len, st, 1);
        if (p->run_count > runs_before) {
            text_run *r = &p->runs[p->run_count - 1];
            r->content_off = st->text_start;
            r->rec_line = st->text_rec_line;
            r->floor_line = st->text_floor_line;
        }
        memcpy(p->stream_texts + st->texts_len, ch, (size_t)len);
        st->texts_len += (size_t)len;
        p->stream_texts[st->texts_len] = '\0';
        if (st->text.failed)
            st->failed = 1;
    }
    for (size_t i = 0; i < st->link_open; i++)
        if (link_sees(st, &st->links[i])) {
            collect(&st->links[i].text, ch, (size_t)len, st, 0);
            if (st->links[i].text.failed)
                st->failed = 1;
        }
    if (st->hid_open && hid_sees(st))
        collect(&st->hid_text, ch, (size_t)len, st, 0);
}

/* Script and style bodies: only an ld+json script's is read (page_head.c). */
static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    stream *st = stream_of(ctx);
    if (st->depth)
        st->stack[st->depth - 1].last_is_text = 0;
    if (!st->fallback && !st->failed && page_head_cdata(st->p, st->depth, ch, len) < 0)
        st->failed = 1;
}

static void on_comment(void *ctx, const xmlChar *value)
{
    xmlParserCtxtPtr ctxt = ctx;
    stream *st = stream_of(ctx);
    if (st->fallback || st->failed)
        return;
    if (ctxt->input->line >= BIG_LINE) {
        give_up(st, ctxt);
        return;
    }
    if (st->depth)
        st->stack[st->depth - 1].last_is_text = 0;
    /* kept for page_suppressions, which reads them as it reads a tree's comments */
    page *p = st->p;
    if (!value)
        return;
    if (p->stream_comment_count == st->comment_cap) {
        size_t cap = st->comment_cap ? st->comment_cap * 2 : 8;
        page_comment *c = realloc(p->stream_comments, cap * sizeof *c);
        if (!c) {
            st->failed = 1;
            return;
        }
        p->stream_comments = c;
        st->comment_cap = cap;
    }
    char *text = strdup((const char *)value);
    if (!text) {
        st->failed = 1;
        return;
    }
    p->stream_comments[p->stream_comment_count++] = (page_comment){text, ctxt->input->line};
    /* page:hidden_text() searches the comments outside hidden elements (and those
       after the root, not those before it: the tree's search starts at the root) */
    if (st->depth ? st->stack[st->depth - 1].hidden_all == 0 : st->root_seen) {
        char *copy = strdup(text);
        if (!copy || add_hidden_part(st, "an HTML comment", copy, strlen(copy)) < 0)
            st->failed = 1;
    }
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    stream *st = stream_of(ctx);
    (void)target;
    (void)data;
    if (st->depth)
        st->stack[st->depth - 1].last_is_text = 0;
}

/* The text buffers grow by doubling: on a large page give back what the text
   did not use (small ones keep the sizes the allocator reuses page to page). */
static void trim_to_fit(char **buf, size_t used)
{
    if (!*buf || used < ((size_t)1 << 20))
        return;
    char *fit = realloc(*buf, used);
    if (fit)
        *buf = fit;
}

/* Drop whatever the events built (a fallback to the DOM, or a failure). */
static void drop_views(page *p)
{
    free(p->raw);
    free(p->runs);
    free(p->norm);
    norm_map_free(&p->norm_map);
    p->raw = p->norm = NULL;
    p->runs = NULL;
    p->run_count = p->raw_len = p->norm_len = 0;
    for (size_t i = 0; i < p->link_count; i++) {
        free((char *)p->links[i].text);
        free((char *)p->links[i].href);
    }
    free(p->links);
    p->links = NULL;
    p->link_count = 0;
    page_stream_free(p);
    p->text_done = p->links_done = 0;
    p->streamed = 0;
}

int page_stream_parse(page *p)
{
    htmlParserCtxtPtr ctxt = page_parser_new(p);
    if (!ctxt) {
        snprintf(p->error, sizeof p->error, "out of memory");
        return -1;
    }
    stream *st = calloc(1, sizeof *st);
    if (!st) {
        htmlFreeParserCtxt(ctxt);
        snprintf(p->error, sizeof p->error, "out of memory");
        return -1;
    }
    st->p = p;
    p->streamed = 1;   /* the links own their hrefs from here on */
    xmlSAXHandlerPtr sax = ctxt->sax;
    sax->startDocument = NULL;
    sax->endDocument = NULL;
    sax->internalSubset = NULL;
    sax->externalSubset = NULL;
    sax->reference = NULL;
    sax->startElement = on_start;
    sax->endElement = on_end;
    sax->characters = on_characters;
    sax->cdataBlock = on_cdata;
    sax->comment = on_comment;
    sax->processingInstruction = on_pi;
    page_guard_install(&st->guard, ctxt, &p->limits);   /* sets ctxt->_private */
    htmlParseDocument(ctxt);
    int conv_failed = page_conv_failed(ctxt);
    if (ctxt->myDoc)   /* nothing should have made one; never leak it */
        xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    htmlFreeParserCtxt(ctxt);
    int rc = 0;
    if (st->guard.stopped) {
        p->error_line = st->guard.line;
        snprintf(p->error, sizeof p->error, "%s", st->guard.why);
        rc = -1;
    } else if (st->fallback) {
        rc = PAGE_STREAM_FALLBACK;
    } else if (st->failed || st->text.failed) {
        snprintf(p->error, sizeof p->error, "out of memory");
        rc = -1;
    } else if (!st->root_seen || conv_failed) {
        snprintf(p->error, sizeof p->error, "%s",
                 conv_failed ? page_conv_message(p) : "page has no HTML content");
        rc = -1;
    }
    /* links still open at the end (a stop) get their text so far */
    while (st->link_open)
        close_link(st);
    if (st->hid_open)
        close_hidden(st);
    /* a script still open at a stop keeps its text so far, as in the tree */
    if (rc == 0 && p->jsonld_open && page_head_end(p, p->jsonld_open_depth) < 0) {
        snprintf(p->error, sizeof p->error, "out of memory");
        rc = -1;
    }
    if (rc == 0 && st->failed) {
        snprintf(p->error, sizeof p->error, "out of memory");
        rc = -1;
    }
    if (rc == 0) {
        p->raw = st->text.out ? st->text.out : strdup("");
        st->text.out = NULL;
        if (p->raw) {
            p->raw[st->text.len] = '\0';
            p->raw_len = st->text.len;
            trim_to_fit(&p->raw, p->raw_len + 1);
            trim_to_fit(&p->stream_texts, st->texts_len + 1);
            page_normalize_text(p);
        }
        p->text_done = 1;
        p->links_done = 1;
    } else {
        drop_views(p);
    }
    free(st->text.out);
    free(st->links);
    free(st->stack);
    free(st);
    return rc;
}

void page_stream_free(page *p)
{
    page_head_free(p);
    free(p->stream_texts);
    p->stream_texts = NULL;
    for (size_t i = 0; i < p->stream_node_count; i++)
        free(p->stream_nodes[i]);
    free(p->stream_nodes);
    p->stream_nodes = NULL;
    p->stream_node_count = 0;
    p->stream_anchor = NULL;
    for (size_t i = 0; i < p->stream_comment_count; i++)
        free(p->stream_comments[i].text);
    free(p->stream_comments);
    p->stream_comments = NULL;
    p->stream_comment_count = 0;
    for (size_t i = 0; i < p->stream_hidden_count; i++)
        free(p->stream_hidden[i].text);
    free(p->stream_hidden);
    p->stream_hidden = NULL;
    p->stream_hidden_count = 0;
}
