/* http_fetch.h: polite HTTP(S) fetching for audits, on libcurl's multi interface.
 *
 * One fetcher holds the per-host state of an audit: robots.txt (fetched once per
 * host, before any other request to it), the request spacing of the rate limit
 * (max(1/rate, Crawl-delay) between request starts to one host), and the settings
 * (user agent, config headers and cookies, timeouts, size cap). Requests are queued
 * with http_fetcher_add and run by http_fetcher_run, which calls back once per
 * request with its final outcome; the callback may queue more requests (crawling).
 *
 * Redirects are followed here, hop by hop (at most max_redirects, loops detected),
 * so every hop is rate limited and checked against robots.txt like any request;
 * robots.txt itself (at most 5 hops) and http_fetch_check follow theirs the same
 * way, never by libcurl, so each hop's origin decides what is sent to it.
 * 429 and 503 are retried (max_retries, honouring Retry-After, else exponential
 * backoff). Bodies are capped at max_bytes after decompression. A bot-protection
 * answer is HTTP_BLOCKED, not HTTP_FAILED. Config headers and cookies go only to
 * trusted origins (the audit's seeds: scheme, host and port), on every kind of
 * request and every hop, and are never written to any message.
 *
 * Threading: a fetcher is driven by one thread (http_fetcher_run). Only
 * http_fetch_check may be called from other threads at the same time: it shares the
 * rate limiter under a lock. */
#ifndef PROVCHECK_HTTP_FETCH_H
#define PROVCHECK_HTTP_FETCH_H
#include <stddef.h>

typedef struct http_settings {
    const char *user_agent;       /* default "provcheck/VERSION" */
    char **headers; size_t header_count;   /* "Name: value", to trusted origins */
    const char *cookies;          /* "a=1; b=2", to trusted origins, or NULL */
    double timeout;               /* seconds, connect included; default 30 */
    double rate;                  /* requests per second per host; 0 = unlimited */
    int concurrency;              /* transfers at once; default 8 */
    size_t max_bytes;             /* body cap after decoding; default 16 MiB */
    int max_redirects;            /* default 10 */
    int max_retries;              /* on 429/503; default 3 */
    double backoff;               /* first retry delay without Retry-After; default 1 s */
    double max_retry_after;       /* longer Retry-After gives up; default 120 s */
    int robots;                   /* honour robots.txt; default 1 */
    const char *ca_file;          /* PEM bundle to verify TLS with instead of the
                                     system's (an internal CA); never "no verification" */
} http_settings;

/* Fill in the defaults above. */
void http_settings_default(http_settings *s);

typedef enum {
    HTTP_OK,             /* 2xx with an accepted Content-Type: body holds it */
    HTTP_NOT_MODIFIED,   /* 304 to a conditional request */
    HTTP_FAILED,         /* network error, timeout, size cap, 4xx/5xx, loop... */
    HTTP_BLOCKED,        /* bot protection (a challenge page) */
    HTTP_NOT_HTML,       /* 2xx but not HTML (page requests only): skipped */
    HTTP_DISALLOWED      /* robots.txt disallows it: not requested */
} http_outcome;

typedef struct http_result {
    const char *url;          /* as queued */
    const char *final_url;    /* after redirects */
    http_outcome outcome;
    long status;              /* the last HTTP status; 0 when none */
    const char *message;      /* why, for every outcome but OK/NOT_MODIFIED */
    const char *content_type; /* or NULL */
    const char *etag, *last_modified;   /* validators of the answer, or NULL */
    const char *body; size_t len;       /* HTTP_OK: the decoded body */
    int attempts;             /* requests made, redirect hops and retries included */
} http_result;
/* Everything in a result is borrowed for the duration of the callback. */

typedef struct http_request {
    const char *url;
    const char *etag, *last_modified;   /* conditional request, or NULL */
    int any_type;             /* 1: accept every Content-Type (sitemaps) */
    void *user;               /* passed back */
} http_request;

typedef struct http_fetcher http_fetcher;

/* NULL with err_set (bad settings, out of memory). Copies the settings' strings.
 * curl_global_init must have run (once, on the main thread). */
http_fetcher *http_fetcher_new(const http_settings *s);
void http_fetcher_free(http_fetcher *f);

/* Send config headers and cookies to the origin (scheme://host:port) of `url`. */
int http_fetcher_trust(http_fetcher *f, const char *url);

/* Queue a request. 0, or -1 with err_set (not an http(s) URL, out of memory). */
int http_fetcher_add(http_fetcher *f, const http_request *rq);

typedef void (*http_done_fn)(void *ctx, const http_result *r, void *user);
typedef void (*http_progress_fn)(void *ctx, size_t done, size_t queued);

/* Run every queued request (and those the callback queues) to its end. `progress`
 * (may be NULL) is called about five times a second. 0, or -1 with err_set when the
 * transfer machinery itself fails. */
int http_fetcher_run(http_fetcher *f, http_done_fn done, http_progress_fn progress,
                     void *ctx);

/* Blocking: does `url` answer 2xx after redirects (at most max_redirects)? Rate
 * limited with the run's hosts; robots.txt is not consulted for single link
 * checks. 1 yes, 0 no (*why_out, when not NULL, gets a malloc'd reason). Thread
 * safe. */
int http_fetch_check(http_fetcher *f, const char *url, char **why_out);

/* The origin "scheme://host:port" of an http(s) URL (malloc'd), or NULL. */
char *http_origin(const char *url);
/* The path plus query of a URL ("/a/b?x=1"; "/" when empty), malloc'd, or NULL. */
char *http_path_query(const char *url);

#endif
