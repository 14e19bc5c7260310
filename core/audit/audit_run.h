/* audit_run.h: the state of one audit while it fetches (private to core/audit/):
 * audit_run.c drives it, audit_fetch.c fills it from the fetcher's callbacks. */
#ifndef PROVCHECK_AUDIT_RUN_H
#define PROVCHECK_AUDIT_RUN_H
#include <pthread.h>
#include <stddef.h>
#include "audit.h"
#include "audit_db.h"
#include "crawl.h"
#include "http_fetch.h"
#include "sitemap_queue.h"
#include "src_http.h"

#define MAX_SITEMAPS 1000
#define SITEMAP_MAX_ENTRIES 50000
#define SITEMAP_MAX_BYTES (64u * 1024 * 1024)

typedef struct audit_run {
    const audit_options *args;
    const config *cfg;
    const ruleset *rs;
    char reuse_key[65];      /* ruleset_reuse_key: the digest, and the clock if read */
    http_fetcher *fetcher;
    audit_db *db;
    http_page_store store;
    url_set seen;            /* page URLs queued */
    url_set origins;         /* seed origins: crawling stays inside them */
    url_set targets_yes, targets_no;   /* link targets asked about before reusing a result */
    size_t queued;           /* page URLs queued, for --max-pages */
    size_t skipped, disallowed_links, sitemaps;
    size_t out_of_scope;     /* URLs the include/exclude globs left out */
    size_t extensionless_out;   /* of those (and crawled links), "/x" with no extension */
    int extensionless_warned;
    size_t listed;           /* page entries of the sitemaps */
    size_t elsewhere;        /* pages of other shards: an empty shard is no setup error */
    sitemap_queue sitemap_urls;   /* each sitemap fetched once; cycles told apart */
    size_t sitemap_repeats;       /* index entries naming a sitemap already queued */
    int sitemaps_capped;          /* MAX_SITEMAPS reached: the rest were not read */
    finding_list sitemap_findings;   /* on this shard's sitemaps: not pages of the store,
                                        added to the report after the check */
    char **seeds; char **seed_lastmods; size_t seed_count, seed_cap;
    int config_globs;        /* include/exclude set by the config: apply to URL paths */
    int streaming;           /* the store is reserved: fetch and check overlap */
    pthread_t fetch_thread;
    int fetch_started, fetch_rc;
    char fetch_error[512];
    int failed;              /* out of memory or a spill failure in a callback */
    char failure[512];
    double started_at;
    /* validators to store, parallel to store pages by URL */
    audit_page_info *info; size_t info_count, info_cap;
} audit_run;

typedef struct page_job {
    int crawled;             /* found by --crawl (robots refusals are not errors) */
    long long cache_audit;   /* the audit whose result a 304 reuses */
    char *lastmod;
    char *links;             /* --crawl: the links that audit recorded, followed on a 304 */
    char *targets;           /* the link targets that audit's result depends on */
} page_job;


/* audit_fetch.c */
double audit_now(void);
void audit_note(const audit_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int audit_in_shard(const audit_options *a, const char *url);
void audit_warn_extensionless(audit_run *run);
int audit_in_scope(audit_run *run, const char *url);
int audit_config_sets_globs(const config *cfg);
int audit_add_seed(audit_run *run, const char *url, const char *lastmod);
audit_page_info *audit_info_add(audit_run *run);
int audit_queue_sitemap(audit_run *run, const char *url, const char *norm, size_t parent);
void audit_sitemap_done(void *ctx, const http_result *r, void *user);
void audit_progress(void *ctx, size_t done, size_t queued);
int audit_queue_page(audit_run *run, const char *url, const char *lastmod, int crawled);
void audit_page_done(void *ctx, const http_result *r, void *user);

#endif
