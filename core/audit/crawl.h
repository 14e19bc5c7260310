/* crawl.h: URL normalization, a URL set, and the links of a fetched page, for
 * --crawl (same-origin, breadth first: the BFS queue is the fetcher's FIFO). */
#ifndef PROVCHECK_CRAWL_H
#define PROVCHECK_CRAWL_H
#include <stddef.h>

/* `href` resolved against `base` (NULL: href must be absolute), fragment dropped,
 * scheme and host lowercased, default port dropped. malloc'd, or NULL when it is
 * not an http(s) URL. */
char *url_normalize(const char *base, const char *href);
/* 1 when href (after leading white space) is empty or fragment-only: a reference
 * to the document it appears in. */
int href_is_same_document(const char *href);

/* A set of strings (URLs), for dedup. */
typedef struct url_set {
    char **slots;
    size_t cap, count;
} url_set;
/* 1 added (a copy), 0 already there, -1 out of memory. */
int url_set_add(url_set *s, const char *url);
int url_set_has(const url_set *s, const char *url);
void url_set_free(url_set *s);

/* The normalized targets of <a href> and <area href> in `html` (relative to
 * `page_url`, or to its <base href>) that share `page_url`'s origin, in document
 * order, without duplicates. 0 (out may be empty), -1 out of memory. */
int crawl_links(const char *page_url, const char *html, size_t len, char ***out,
                size_t *count_out);
void crawl_links_free(char **links, size_t count);

#endif
