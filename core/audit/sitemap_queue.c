/* sitemap_queue.c: sitemaps fetched once each, cycles told apart (sitemap_queue.h). */
#include <stdlib.h>
#include <string.h>
#include "sitemap_queue.h"

long sitemap_queue_add(sitemap_queue *q, const char *url, size_t parent)
{
    if (url_set_has(&q->seen, url))
        return 0;
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        char **urls = realloc(q->urls, cap * sizeof *urls);
        if (urls)
            q->urls = urls;
        size_t *parents = urls ? realloc(q->parents, cap * sizeof *parents) : NULL;
        if (!parents)
            return -1;
        q->parents = parents;
        q->cap = cap;
    }
    char *copy = strdup(url);
    if (!copy || url_set_add(&q->seen, url) < 0) {
        free(copy);
        return -1;
    }
    q->urls[q->count] = copy;
    q->parents[q->count] = parent;
    return (long)++q->count;
}

int sitemap_queue_classify(const sitemap_queue *q, size_t id, const char *final_url,
                           const char *url)
{
    if (final_url && strcmp(final_url, url) == 0)
        return SITEMAP_CYCLE;
    if (!url_set_has(&q->seen, url))
        return SITEMAP_NEW;
    /* The chain of first listings is a tree walk to a given sitemap: at most
       `count` steps, and repeats are rare in a sound sitemap. */
    for (size_t k = id; k >= 1 && k <= q->count; k = q->parents[k - 1])
        if (strcmp(q->urls[k - 1], url) == 0)
            return SITEMAP_CYCLE;
    return SITEMAP_REPEAT;
}

void sitemap_queue_free(sitemap_queue *q)
{
    url_set_free(&q->seen);
    for (size_t i = 0; i < q->count; i++)
        free(q->urls[i]);
    free(q->urls);
    free(q->parents);
    memset(q, 0, sizeof *q);
}
