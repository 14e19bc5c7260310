/* sitemap_queue.h: which sitemaps an audit has asked for, and through which index.
 *
 * Every sitemap URL (normalized) is fetched once per audit, however many indexes
 * list it. An index that lists itself, or an index that led to it (A -> B -> A),
 * is a cycle: told apart from a plain repeat (two indexes listing one sitemap) by
 * walking the chain of indexes that first listed each sitemap. */
#ifndef PROVCHECK_SITEMAP_QUEUE_H
#define PROVCHECK_SITEMAP_QUEUE_H
#include <stddef.h>
#include "crawl.h"

typedef struct sitemap_queue {
    url_set seen;                 /* every sitemap URL queued */
    char **urls; size_t *parents; /* by id - 1: the URL, and the id that listed it (0: given) */
    size_t count, cap;
} sitemap_queue;

typedef enum { SITEMAP_NEW, SITEMAP_REPEAT, SITEMAP_CYCLE } sitemap_seen;

/* What `url` is to the sitemap `id` listing it (whose answer came from `final_url`
 * after redirects, or NULL): NEW, a REPEAT of one already queued, or a CYCLE back
 * to `id` itself or to an index that led to it. Both URLs normalized. */
int sitemap_queue_classify(const sitemap_queue *q, size_t id, const char *final_url,
                           const char *url);
/* Remember `url` (normalized), listed by `parent` (0: given by the user). Its id
 * (>= 1), 0 when it was queued already, -1 when out of memory. */
long sitemap_queue_add(sitemap_queue *q, const char *url, size_t parent);
void sitemap_queue_free(sitemap_queue *q);

#endif
