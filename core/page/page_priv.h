/* page_priv.h: the page struct, shared by the page_*.c files only.
 * Everything outside the page module goes through page.h. */
#ifndef PROVCHECK_PAGE_PRIV_H
#define PROVCHECK_PAGE_PRIV_H
#include <stdint.h>
#include "page.h"

/* The libxml2 HTML parser options of every page parse (bench/parse_floor.c uses
 * them too, so the benchmark floor is the same parse). XML_PARSE_BIG_LINES keeps
 * text node line numbers past 65535. */
#define PAGE_PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | \
                            HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
                            HTML_PARSE_COMPACT | XML_PARSE_HUGE | \
                            XML_PARSE_BIG_LINES)

/* A piece of visible text: raw text from raw_off on came from `node`. */
typedef struct text_run {
    size_t raw_off;
    xmlNodePtr node;
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

    int text_done;            /* raw and normalized text built (or failed) */
    char *raw;
    size_t raw_len;
    text_run *runs;
    size_t run_count;
    char *norm;
    size_t norm_len;
    uint32_t *norm_map;       /* norm byte -> raw offset */

    node_text *node_texts;    /* capacity is a power of two */
    size_t node_text_count, node_text_cap;

    int links_done;
    page_link *links;
    size_t link_count;

    int jsonld_done;
    cfgval *jsonld;

    int supp_done;
    page_suppression *supps;
    size_t supp_count;

    size_t *line_starts;      /* byte offset of each source line, for columns */
    size_t line_count;
    int tags_line;            /* the line `tags` indexes (0: none) */
    line_tag *tags;
    size_t tag_count, tag_cap;
};

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

/* ASCII case-insensitive equality of a libxml2 name and a C string. */
int page_name_is(const xmlChar *name, const char *s);

#endif
