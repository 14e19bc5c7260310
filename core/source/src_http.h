/* src_http.h: the audit source: pages fetched over HTTP, behind source.h.
 *
 * The audit fetches (http_fetch.h) and hands every answer to an http_page_store:
 * bodies are spilled to one unlinked temporary file and read back by the workers
 * with pread, so memory stays flat in the number of pages. When the URLs are known
 * before fetching (no --crawl), the store is reserved with them and the fetch runs
 * on its own thread while the workers check: a worker asking for a page not yet
 * fetched waits for it (http_page_store_wait). The
 * source lists the store's pages; a page that could not be fetched, or whose 304
 * reuses its last result, is answered by src_http_cached (hook it into
 * check_options.cached): a fetch-error finding, or the stored findings.
 *
 * Identity: path = the URL's path (plus "?query"), url = the URL as requested,
 * site_path = the final URL's path without the leading '/' ("index.html" for a
 * path ending in '/'), so config globs and relative links work on URL paths.
 * target_exists fetches origin + "/" + site_path (2xx after redirects), each
 * distinct URL once per audit, from any worker, and notes the URL and its answer
 * in the page's `targets`: a result reused after a 304 is valid only while they
 * answer the same. */
#ifndef PROVCHECK_SRC_HTTP_H
#define PROVCHECK_SRC_HTTP_H
#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
#include "finding.h"
#include "http_fetch.h"
#include "source.h"

typedef enum {
    HTTP_PAGE_BODY, HTTP_PAGE_REUSED, HTTP_PAGE_FAILED,
    HTTP_PAGE_SKIPPED,    /* not HTML: checked as nothing, then dropped from the report */
    HTTP_PAGE_PENDING     /* reserved, not fetched yet */
} http_page_kind;

typedef struct http_page {
    char *url, *final_url, *path, *site_path;
    http_page_kind kind;
    long status;
    char *message;              /* HTTP_PAGE_FAILED: why */
    off_t offset; size_t len;   /* HTTP_PAGE_BODY: where the body is spilled */
    finding_list reused;        /* HTTP_PAGE_REUSED */
    char *lastmod, *etag, *last_modified;
    char *links;                /* --crawl: its same-origin links, one a line (audit db) */
    char *targets;              /* link targets its rules asked about, "1 URL" (2xx) or
                                   "0 URL" a line; NULL: none (audit db) */
    int targets_lost;           /* out of memory recording them: never reuse this result */
    int ready;                  /* every field above is final (lock held to read it) */
} http_page;

typedef struct http_page_store {
    http_page *items;
    size_t count, cap;
    int fd;                     /* the spill file (unlinked), -1 before the first body */
    off_t end;
    pthread_mutex_t lock;       /* ready flags and the spill end, while streaming */
    pthread_cond_t changed;
    const http_page **by_url;   /* reserved entries sorted by URL */
    size_t by_url_count;
} http_page_store;

void http_page_store_init(http_page_store *s);
/* Reserve PENDING entries for these URLs (after any entries added so far); no
 * entry may be added afterwards, so entries never move while workers read them.
 * 0, or -1 with err_set. */
int http_page_store_reserve(http_page_store *s, char **urls, size_t count);
/* Fill the reserved entry of `url` (like _add); the caller then sets lastmod/etag
 * and calls http_page_store_ready. NULL with err_set (unknown URL, spill error). */
http_page *http_page_store_fill(http_page_store *s, const char *url, const char *final_url,
                                http_page_kind kind, long status, const char *message,
                                const char *body, size_t len);
void http_page_store_ready(http_page_store *s, http_page *p);
/* Wait until `p` is ready. */
void http_page_store_wait(http_page_store *s, const http_page *p);
/* Mark every entry still pending as failed with `why` (the fetch stopped). */
void http_page_store_abandon(http_page_store *s, const char *why);
/* Add a ready page (copies every string). With a body, it is appended to the
 * spill file. Returns the new page, or NULL with err_set. Not after _reserve. */
http_page *http_page_store_add(http_page_store *s, const char *url, const char *final_url,
                               http_page_kind kind, long status, const char *message,
                               const char *body, size_t len);
/* Read a spilled body back (malloc'd, NUL-terminated). 0, or -1 with err_set. */
int http_page_store_read(const http_page_store *s, const http_page *p, char **out);
void http_page_store_free(http_page_store *s);

/* The path and site path of a URL, as described above (malloc'd). 0 or -1. */
int http_url_paths(const char *url, const char *final_url, char **path_out,
                   char **site_path_out);

/* The source over a store (borrowed; it must outlive the source). `f` answers
 * target_exists (borrowed). `root` is the report's target.root. The store may
 * still be filling (after _reserve): reads wait for their page. */
int src_http_open(source **out, http_page_store *store, http_fetcher *f,
                  const char *root, size_t max_bytes);
/* Answer target_exists for `url` without a request: the audit asked already
 * (before the workers start). 0, or -1 with err_set. */
int src_http_target_known(source *src, const char *url, int yes);
/* check_options.cached for this source (ctx = the source). */
int src_http_cached(void *ctx, const page_ref *ref, finding_list *out);

#endif
