/* sitemap.h: sitemaps (sitemaps.org): a urlset lists pages, a sitemap index lists
 * more sitemaps. Gzipped sitemaps (magic bytes 1f 8b) are inflated with a cap.
 *
 * Parsed with libxml2's streaming reader, network access off, no DTD loading and
 * no entity substitution (XXE safe); the input is bounded by the caller's fetch cap
 * and the inflated size by `max_bytes`. */
#ifndef PROVCHECK_SITEMAP_H
#define PROVCHECK_SITEMAP_H
#include <stddef.h>

typedef struct sitemap_entry {
    char *loc;        /* as written, white space trimmed; "" when empty or missing
                         (the audit reports it, so it is kept) */
    char *lastmod;    /* or NULL */
} sitemap_entry;

typedef struct sitemap {
    int is_index;     /* 1: entries are sitemaps; 0: entries are pages */
    sitemap_entry *entries;
    size_t count, cap;
} sitemap;

/* Parse one sitemap (plain or gzipped) of at most `max_entries` entries (more are
 * ignored) and `max_bytes` of XML after inflating. 0, or -1 with *err_out set to a
 * malloc'd message (not XML, not a sitemap, over the cap). */
int sitemap_parse(sitemap *out, const char *data, size_t len, size_t max_entries,
                  size_t max_bytes, char **err_out);
void sitemap_free(sitemap *s);

#endif
