/* page_priv.h: the page struct, shared by the page_*.c files only.
 * Everything outside the page module goes through page.h. */
#ifndef PROVCHECK_PAGE_PRIV_H
#define PROVCHECK_PAGE_PRIV_H
#include <stdint.h>
#include "page.h"
#include "normalize.h"

struct buf;

/* The libxml2 HTML parser options of every page parse (bench/parse_floor.c uses
 * them too, so the benchmark floor is the same parse). XML_PARSE_BIG_LINES keeps
 * text node line numbers past 65535. */
#define PAGE_PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
                            HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
                            HTML_PARSE_COMPACT | XML_PARSE_HUGE | \
                            XML_PARSE_BIG_LINES)

/* A comment the event path saw: its text and the line libxml2 was on at its end. */
typedef struct page_comment {
    char *text;
    long line;
} page_comment;

/* A part of a streamed page that readers do not see, for page:hidden_text()
 * without a tree (page_hidden.c): an outermost hidden element (not <head>, a
 * script or a style) with its text as the page text would read it shown, or a
 * comment with its text. */
typedef struct page_hidden_part {
    const char *why;          /* what hides it (a static string) */
    char *text;
    size_t len;
} page_hidden_part;

/* A piece of visible text: raw text from raw_off on came from `node` (DOM path), or
 * from the text at p->stream_texts + content_off, which libxml2 would have put in a
 * text node recorded on rec_line after an element on floor_line (event path). */
typedef struct text_run {
    size_t raw_off;
    xmlNodePtr node;
    size_t content_off;
    int rec_line, floor_line;
} text_run;

/* A "<name" in the source (page_lines.c); 12 bytes, as a line may hold millions. */
typedef struct line_tag {
    uint32_t off;             /* of the name's first byte in the page's bytes */
    uint32_t len;
    uint32_t col;             /* 1-based, in characters */
} line_tag;

/* Per-node cached text, kept in a small open-addressing table keyed by pointer. */
typedef struct node_text {
    xmlNodePtr node;
    char *text;
    size_t len;
} node_text;

struct page {
    char *path, *site_path, *url, *blob, *commit;
    char *bytes;
    size_t len;
    page_target_exists_fn resolver;
    void *resolver_ctx;

    page_limits limits;
    int parsed, parse_rc;
    char error[200];
    int error_line;           /* where the error is, 0 = unknown (line 1) */
    char charset[64];
    xmlDocPtr doc;
    char conv_msg[120];

    unsigned needs;           /* the rules' needs (page_set_needs); 0 = not said */
    int stream_wanted;        /* no rule needs the tree: try the event path */
    int streamed;             /* the views came from parser events (page_stream.c) */
    int lazy_dom_tried;       /* a streamed page built its tree on demand */
    char *stream_texts;       /* the visible text nodes' texts, NUL after each */
    xmlNodePtr *stream_nodes; /* stand-ins for the <a>s and the anchor (no DOM) */
    size_t stream_node_count;
    xmlNodePtr stream_anchor;
    struct page_comment *stream_comments;   /* every comment, in document order */
    size_t stream_comment_count;
    page_hidden_part *stream_hidden;        /* in document order */
    size_t stream_hidden_count;

    int text_done;            /* raw and normalized text built (or failed) */
    char *raw;
    size_t raw_len;
    text_run *runs;
    size_t run_count;
    char *norm;
    size_t norm_len;
    norm_map norm_map;        /* norm byte -> raw offset (page_normalize_text) */

    node_text *node_texts;    /* capacity is a power of two */
    size_t node_text_count, node_text_cap;

    int links_done;
    page_link *links;
    size_t link_count;

    int jsonld_done;
    cfgval *jsonld;

    /* The head views (page_head.c): on the event path gathered while parsing when
       head_wanted (head_streamed then), else read from the tree. The event path
       keeps every string it gathers in head_strings, NUL after each, and offsets
       to them (PAGE_HEAD_NONE: absent). */
    int head_wanted;
    int head_streamed;
    struct buf *head_strings;
    struct page_meta_tag *metas;       /* event path: every <meta>, in order */
    size_t meta_count, meta_cap;
    size_t *jsonld_bodies;             /* event path: each ld+json script's text */
    size_t jsonld_body_count, jsonld_body_cap;
    int jsonld_open;                   /* an ld+json script is being read */
    size_t jsonld_open_depth;          /* its stack index */
    size_t jsonld_open_off;            /* its text in head_strings */
    struct page_head_link *head_links; /* event path: every <link rel> */
    size_t head_link_count, head_link_cap;
    size_t lang_off;
    int lang_done;
    const char *lang;
    int link_elements_done;
    page_link_element *link_elements;
    size_t link_element_count, link_element_cap;
    xmlNodePtr *head_nodes;            /* event path: stand-ins made for <link>s */
    size_t head_node_count;


    int supp_done;
    page_suppression *supps;
    size_t supp_count;

    struct page_find_entry *finds;     /* searches of the text (page_find.c) */
    size_t find_count;

    size_t *line_starts;      /* byte offset of each source line, for columns */
    size_t line_count;
    int tags_line;            /* the line `tags` indexes (0: none) */
    line_tag *tags;
    size_t tag_count, tag_cap;
};

/* The event path (page_stream.c): fills the text, links, anchor and suppression
 * views from one SAX parse of p->bytes (UTF-8). 0, -1 with p->error set (the same
 * page-errors as the DOM path), or PAGE_STREAM_FALLBACK when the page is one the
 * event path does not reproduce exactly (then nothing is kept: parse the DOM). */
#define PAGE_STREAM_FALLBACK 1
int page_stream_parse(page *p);
void page_stream_free(page *p);
/* PROVCHECK_PAGE_PATH=dom: the event path is off (tests compare both paths). */
int page_stream_off(void);
/* With PROVCHECK_PAGE_PATH set (dom or stream), one line on stderr per page saying
 * which path read it ("page-path: stream news/a.html"): what the tests count. */
void page_path_trace(const page *p, const char *path);
/* A <meta> and a <link rel> as the event path saw them: each attribute's value
   in p->head_strings (PAGE_HEAD_NONE when absent); where the <link> starts. */
#define PAGE_HEAD_NONE ((size_t)-1)
typedef struct page_meta_tag {
    size_t name, property, content;
} page_meta_tag;
struct page_head_link {
    size_t rel, href;
    int line;
    size_t k;             /* <link> start tags before it on its line */
};
/* A gathered string, NULL for PAGE_HEAD_NONE. */
const char *page_head_string(const page *p, size_t off);

/* The event path's side of the head views (page_head.c), called from its handlers
   when p->head_wanted. page_head_start: an element started at stack index `depth`
   (`link_node`: its stand-in when it is a <link>, made by the caller); returns 1
   when it is an ld+json script, whose body must then reach page_head_cdata.
   page_head_end: the element at `depth` ended. 0, or -1 when out of memory. */
int page_head_start(page *p, const xmlChar *name, const xmlChar **atts, size_t depth,
                    int *is_jsonld);
int page_head_link(page *p, const xmlChar **atts, int line, size_t k);
int page_head_cdata(page *p, size_t depth, const xmlChar *ch, int len);
int page_head_end(page *p, size_t depth);
/* Whether the element about to start is a <link rel>. */
int page_head_is_link(const xmlChar *name, const xmlChar **atts);
/* The event path's <link rel>s as page_link_elements gives them. 0 or -1. */
int page_head_link_elements(page *p);
void page_head_free(page *p);
/* Whether a script's type attribute says application/ld+json (any case, leading
   white space and parameters allowed). */
int page_jsonld_type(const char *type);


/* A stand-in node of the event path (no document behind it). */
static inline int page_stream_node(const page *p, xmlNodePtr node)
{
    return p->streamed && node->doc == NULL && node->type == XML_ELEMENT_NODE;
}

/* A parser over p->bytes with the options of every page parse, errors quiet. */
#include <libxml/HTMLparser.h>
htmlParserCtxtPtr page_parser_new(page *p);
int page_conv_failed(xmlParserCtxtPtr ctxt);
const char *page_conv_message(page *p);

/* The column (1-based, 0 unknown) of the (k+1)-th start tag `name` on `line`. */
int page_tag_column(page *p, int line, const char *name, size_t k);
/* A text run's first line (page_text.c). */
int page_run_start_line(const page *p, const text_run *run);
/* Whether the element or attribute name is `lower` (lowercase ASCII), ignoring
   ASCII case; NULL is no name. The event handlers ask it of every start tag: the
   first letter rejects most names without a call. */
static inline int page_name_is(const xmlChar *name, const char *lower)
{
    if (!name || (name[0] | 0x20) != (unsigned char)lower[0])
        return 0;
    for (size_t i = 1;; i++) {
        unsigned char a = name[i];
        if (a >= 'A' && a <= 'Z')
            a += 'a' - 'A';
        if (a != (unsigned char)lower[i])
            return 0;
        if (!a)
            return 1;
    }
}

/* The value of attribute `name` of a start tag: "" for a bare attribute, NULL
   when absent (as page_links.c's attr_borrow reads the tree). */
static inline const char *page_att(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (page_name_is(atts[i], name))
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* p->norm, p->norm_len and p->norm_map from p->raw. The map comes with the text:
   a segment per white space run collapsed or character changed in length costs
   far less than normalizing again for the first finding placed with `at`. */
static inline void page_normalize_text(page *p)
{
    p->norm = text_normalize(p->raw, p->raw_len, &p->norm_len, &p->norm_map);
    if (!p->norm)
        norm_map_free(&p->norm_map);
}


/* Element kinds for visible text (page_hide.c): whether an element does not break
 * text into blocks; whether its name alone hides it (head, script...); whether an
 * inline style hides it; whether an attribute value is "true" (aria-hidden). */
int page_is_inline(const xmlChar *name);
int page_name_hides(const char *name);
int page_style_hides(const char *style);
int page_attr_true(const xmlChar *v);
/* Whether an element with this name and attributes (SAX form, name/value pairs,
 * NULL-terminated) hides itself; same answer as page_element_hidden. */
int page_sax_hidden(const xmlChar *name, const xmlChar **atts);
/* What hides an element page_sax_hidden() hides, as page:hidden_text() says it,
 * or NULL for the parts of a page that never show (head, script, style). */
const char *page_sax_hidden_why(const xmlChar *name, const xmlChar **atts);
/* Why an element that hides itself is hidden ("<template>", "the hidden
   attribute", "display:none"...), from its name, whether it has the hidden
   attribute and its style attribute (NULL when absent); NULL for the parts of a
   page that never show (head, script, style). page:hidden_text() reports it. */
const char *page_hide_reason(const char *name, int has_hidden, const char *style);

/* The first place of `nd` in `hay` (p's normalized text) at or after `from`, or
   -1, from the page's record of the needle's places (page_find.c). */
long page_find_cached(page *p, const char *hay, size_t hlen, const char *nd, size_t nlen,
                      size_t from);
void page_find_free(page *p);

/* Views free their own state (page.c calls these from page_free). */
void page_text_free_views(page *p);
void page_links_free(page *p);
void page_suppress_free(page *p);
void page_lines_free(page *p);

/* Whether an element hides itself and its subtree from readers (page_text.c). */
int page_element_hidden(xmlNodePtr el);
/* Visible text of a subtree, white space collapsed, malloc'd; runs optional. */
char *page_collect_text(xmlNodePtr root, size_t *len_out, text_run **runs_out,
                        size_t *run_count_out);

/* Byte offset of each source line in p->line_starts (page_lines.c), built once.
 * 0, or -1 when out of memory. */
int build_line_starts(page *p);
/* The column of the (k+1)-th start tag "<name" (any case, then white space, '>' or
 * '/') on `line`, 0 when there is none (page_lines.c). */
int page_line_tag_column(page *p, int line, const char *name, size_t k);


#endif
