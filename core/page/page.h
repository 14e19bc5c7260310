/* page.h: the page model. Bytes in, a libxml2 document out, and lazy views on it.
 *
 * Free of Lua: the bindings (lua_page.c, lua_node.c) know the page only through this
 * header. Every view is computed on first use and cached in the page, so all rules on
 * a page share one parse, one visible-text extraction and one normalization.
 *
 * Ownership: a page owns its bytes, document and views; everything a getter returns
 * is borrowed from the page and lives until page_free. A page is used by one thread
 * at a time.
 *
 * Offsets: "text offsets" are byte offsets into page_text() (normalized, 0-based);
 * "raw offsets" are byte offsets into page_raw_text(). */
#ifndef PROVCHECK_PAGE_H
#define PROVCHECK_PAGE_H
#include <stddef.h>
#include <libxml/tree.h>
#include "cfgval.h"

typedef struct page page;

/* Answers whether a link target exists where the page was found (files, a git tree,
 * or HTTP in audits). `site_path` is the resolved path relative to the site root,
 * '/'-separated, without a leading '/', query or fragment; a folder means its
 * index.html (the resolver handles that). Returns 1 exists, 0 missing. */
typedef int (*page_target_exists_fn)(void *ctx, const char *site_path);

typedef struct page_identity {
    const char *path;     /* report path, '/'-separated */
    const char *site_path;/* path relative to the site root (for resolving hrefs) */
    const char *url;      /* NULL outside audits */
    const char *blob;     /* 40 hex or NULL */
    const char *commit;   /* 40 hex or NULL */
} page_identity;

/* A new page over `bytes` (taken: freed with the page, even on failure). Copies the
 * identity strings. NULL only when out of memory. Nothing is parsed yet. */
page *page_new(const page_identity *id, char *bytes, size_t len);
void page_free(page *p);

const char *page_path(const page *p);
const char *page_site_path(const page *p);
const char *page_url(const page *p);
const char *page_blob(const page *p);
const char *page_commit(const page *p);
void page_set_resolver(page *p, page_target_exists_fn fn, void *ctx);

/* Bounds of one page's parse. A page over one of them is not checked: page_error()
 * names the limit (by its config key, limits.attributes etc.). 0 = no limit. */
typedef struct page_limits {
    long max_attributes;   /* attributes of one element */
    long max_depth;        /* elements nested in each other */
    long parse_seconds;    /* wall-clock time of the parse */
} page_limits;
#define PAGE_DEFAULT_MAX_ATTRIBUTES 1000
#define PAGE_DEFAULT_MAX_DEPTH 512
#define PAGE_DEFAULT_PARSE_SECONDS 10
/* Set before the parse; a new page has the defaults above. */
void page_set_limits(page *p, const page_limits *limits);

/* What a rule reads of a page (its `needs`). Every view but the tree can be built
 * from parser events alone; PAGE_NEED_TREE (select, xpath, nodes) needs the DOM.
 * PAGE_NEED_TREE_ON_DEMAND allows what PAGE_NEED_TREE allows but keeps the page on
 * the event path: the tree is built (a second parse) when a rule first reads it. */
enum {
    PAGE_NEED_TEXT = 1,      /* page:text, raw_text, find, contains, hidden_text */
    PAGE_NEED_LINKS = 2,     /* page:links */
    PAGE_NEED_META = 4,      /* page:meta */
    PAGE_NEED_JSONLD = 8,    /* page:jsonld */
    PAGE_NEED_TREE = 16,     /* page:select, page:xpath, node fields and methods */
    PAGE_NEED_HEAD = 32,     /* page:lang, page:link_elements */
    PAGE_NEED_ALL = 63,
    PAGE_NEED_TREE_ON_DEMAND = 64
};
/* The bit of a `needs` value ("text", "links", "meta", "jsonld", "tree", "head",
 * "tree-on-demand"), 0 when unknown; and the value of one bit. */
unsigned page_need_parse(const char *name);
const char *page_need_name(unsigned bit);

/* Parse from parser events, without a document (page_stream.c), when `needs` (the
 * union of the rules that will run) has no PAGE_NEED_TREE; otherwise the DOM. Set
 * before page_parse. Both paths give the same views, lines and columns; a page the
 * event path does not handle identically is parsed into a DOM instead. The
 * environment variable PROVCHECK_PAGE_PATH=dom forces the DOM (for tests). */
void page_set_needs(page *p, unsigned needs);
/* 1 when the page was checked from parser events (no DOM), for tests. */
int page_streamed(const page *p);

/* Parse (once; later calls return the first result). 0, or -1 when the page cannot
 * be checked (empty, binary, undecodable): page_error() then says why, in words fit
 * for a `page-error` finding. */
int page_parse(page *p);
const char *page_error(const page *p);
int page_error_line(const page *p);        /* 1-based; 0 = the page as a whole */
const char *page_charset(const page *p);   /* the encoding used, e.g. "UTF-8" */
xmlDocPtr page_doc(page *p);               /* NULL when parsing failed */

/* Visible text as CONTRACT.md defines it, block boundaries and <br> as one space,
 * white space runs collapsed to one space, not case folded. */
const char *page_raw_text(page *p, size_t *len_out);
/* The normalized visible text (NFKC, full case fold, white space, quotes, dashes). */
const char *page_text(page *p, size_t *len_out);

/* Where a byte of the normalized text came from: the text node (or NULL), and its
 * 1-based line and column in the source (column 0 = unknown). 0, or -1 when the
 * offset is out of range. */
int page_text_locate(page *p, size_t text_offset, xmlNodePtr *node_out,
                     int *line_out, int *column_out);

/* Find `needle` (normalized first, here) in the normalized text from `from`.
 * Returns the text offset, or -1 when absent. Bounded, linear work. */
long page_text_find(page *p, const char *needle, size_t needle_len, size_t from);
/* The same for a needle normalized already (by text_normalize). */
long page_text_find_normalized(page *p, const char *needle, size_t needle_len, size_t from);
/* Whether `text` (normalized here) is in the page but hidden from readers: what
 * hides it ("display:none", "visibility:hidden", "the hidden attribute",
 * "aria-hidden=\"true\"", "an HTML comment", "<template>", "<noscript>"), or NULL.
 * <head>, scripts and styles do not count (page_hidden.c). */
const char *page_hidden_reason(page *p, const char *text, size_t len);

/* Whether a node is visible (not in head/script/style/template/comment, no hidden,
 * aria-hidden="true", display:none or visibility:hidden on it or an ancestor). */
int page_node_visible(page *p, xmlNodePtr node);
/* The node's visible text, like page_raw_text but for a subtree. Borrowed: cached
 * per node in the page. */
const char *page_node_text(page *p, xmlNodePtr node, size_t *len_out);
int page_node_line(page *p, xmlNodePtr node);     /* 1-based, 0 unknown */
int page_node_column(page *p, xmlNodePtr node);   /* 1-based, 0 unknown */
/* Where findings about absent things point: <article>, else <body>, else NULL
 * (line 1). */
xmlNodePtr page_anchor(page *p);

typedef struct page_link {
    const char *href;       /* attribute value, as written (entities decoded) */
    const char *text;       /* read it through page_link_text: made on first use */
    xmlNodePtr node;
    int visible;
} page_link;
/* Every <a href> in document order; valid until page_free. */
const page_link *page_links(page *p, size_t *count_out);
/* The normalized visible text of link i ("" when out of memory), kept once made:
 * most links are never asked for theirs. */
const char *page_link_text(page *p, size_t i);

/* Which links a rule wants, decided in C so the rest never become Lua values. */
typedef struct page_link_filter {
    int visible;                        /* -1 any, 0 hidden only, 1 visible only */
    const char *const *href_contains;   /* lowercase; ASCII case-insensitive match */
    size_t href_count;
    const char *const *text_contains;   /* normalized (text_normalize) */
    size_t text_count;
} page_link_filter;
/* Whether link i passes f: the visibility, then (when any needle is given) its href
 * contains one of href_contains or its text one of text_contains. */
int page_link_matches(page *p, size_t i, const page_link_filter *f);

/* Content of the first <meta name=NAME> or <meta property=NAME> (case-insensitive
 * name), or NULL. */
const char *page_meta(page *p, const char *name);

/* The lang attribute of the root <html> element as written (entities decoded), or
 * NULL when it has none. */
const char *page_lang(page *p);

/* A <link> element that has a rel attribute. */
typedef struct page_link_element {
    const char *rel;        /* as written (entities decoded) */
    const char *href;       /* NULL when absent */
    xmlNodePtr node;
} page_link_element;
/* Every <link rel> of the page (head or body), in document order; valid until
 * page_free. */
const page_link_element *page_link_elements(page *p, size_t *count_out);

/* The parsed <script type="application/ld+json"> blocks as a CV_LIST (one item per
 * block that parsed; blocks that do not parse are skipped). Never NULL after a
 * successful parse. */
const cfgval *page_jsonld(page *p);

/* CSS subset: type, *, .class, #id, [attr], [attr=v], [attr*=v], [attr^=v],
 * [attr$=v], descendant and child combinators, comma lists. Matches in document
 * order, without duplicates. 0, or -1 with a message in *err_out (caller frees) for
 * a selector that does not parse. *out is malloc'd (caller frees the array). */
int page_select(page *p, const char *css, xmlNodePtr **out, size_t *count_out,
                char **err_out);
/* XPath 1.0 over the document, node-set results only, same contract as page_select. */
int page_xpath(page *p, const char *expr, xmlNodePtr **out, size_t *count_out,
               char **err_out);

/* Inline suppressions: <!-- provcheck-disable RULE[, RULE...] -- reason -->. */
typedef struct page_suppression {
    char **rules; size_t rule_count;
    const char *reason;   /* NULL when none */
    int line, column;
} page_suppression;
const page_suppression *page_suppressions(page *p, size_t *count_out);

/* Resolve an href against the page for existence checks. Returns 1 exists,
 * 0 missing, -1 not checkable here (absolute http(s) URL, mailto:, empty, "#",
 * javascript:). Uses the resolver set with page_set_resolver; without one, -1. */
int page_link_target_exists(page *p, const char *href);

#endif
