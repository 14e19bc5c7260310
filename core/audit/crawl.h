/* crawl.h: the links of a fetched page, for --crawl (same-origin, breadth first:
 * the BFS queue is the fetcher's FIFO). The URL helpers are url.h. */
#ifndef PROVCHECK_CRAWL_H
#define PROVCHECK_CRAWL_H
#include <stddef.h>
#include "url.h"

/* The normalized targets of <a href> and <area href> in `html` (relative to
 * `page_url`, or to its <base href>) that share `page_url`'s origin, in document
 * order, without duplicates. 0 (out may be empty), -1 out of memory. */
int crawl_links(const char *page_url, const char *html, size_t len, char ***out,
                size_t *count_out);
void crawl_links_free(char **links, size_t count);

#endif
