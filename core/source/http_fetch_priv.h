/* http_fetch_priv.h: the fetcher's insides, shared by the per-host queue
 * (http_fetch.c: politeness, robots.txt, the run loop), the transfers
 * (http_transfer.c: one request, its answer, redirects) and what both stand on
 * (http_host.c: clock, URLs, hosts). Not for outside source/. */
#ifndef PROVCHECK_HTTP_FETCH_PRIV_H
#define PROVCHECK_HTTP_FETCH_PRIV_H
#include <pthread.h>
#include <curl/curl.h>
#include "buf.h"
#include "http_fetch.h"
#include "robots.h"

#define ROBOTS_MAX_BYTES (512u * 1024)
#define ROBOTS_MAX_REDIRECTS 5   /* RFC 9309 2.3.1.2: at least five */
/* How much of a refused answer is searched for the words of a challenge page. */
#define CHALLENGE_SCAN_BYTES (64u * 1024)

enum robots_state { ROBOTS_NONE, ROBOTS_FETCHING, ROBOTS_DONE };

typedef struct host {
    char *origin;               /* scheme://host:port */
    enum robots_state robots_state;
    robots *rules;
    char *robots_note;          /* why everything is disallowed, or NULL */
    double next_slot;           /* monotonic time the next request may start */
    unsigned scan_mark;         /* run loop: found blocked in this pass */
    int trusted;
    struct host *next;
} host;

typedef enum { JOB_PAGE, JOB_ROBOTS } job_kind;

typedef struct job {
    job_kind kind;
    char *url;                  /* as queued */
    char *cur;                  /* the current hop */
    char **chain; int hops;     /* URLs visited before cur, for loop detection */
    int retries, attempts;
    double not_before;
    double started;             /* monotonic time of the last attempt */
    char *etag, *last_modified; /* conditional request */
    int any_type;
    void *user;
    host *host;                 /* cur's host */
    host *owner;                /* robots.txt requests: the host it is for */
    buf body;
    int too_big;
    CURL *easy;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
    struct job *next;
} job;

struct http_fetcher {
    http_settings s;
    char *user_agent, *cookies, *ca_file;
    char **headers; size_t header_count;
    CURLM *multi;
    host *hosts; size_t host_count;
    pthread_mutex_t lock;       /* hosts' next_slot, shared with http_fetch_check */
    job *pending, *pending_tail;
    job *robots_hops;           /* robots.txt redirects waiting for their next hop */
    size_t pending_count, active, done;
    unsigned scan;
};

typedef struct answer {
    http_outcome outcome;
    long status;
    char message[512];
    char *content_type, *etag, *last_modified;
} answer;

/* http_host.c */
int http_is_url(const char *url);
void http_sleep(double s);
void http_job_free(job *j);
double http_now(void);
double http_host_interval(const http_fetcher *f, const host *h);
host *http_host_for(http_fetcher *f, const char *url);

/* http_transfer.c */
int http_is_redirect(long status);
double http_retry_after(CURL *e);
int http_is_html_type(const char *ct);
int http_job_start(http_fetcher *f, job *j);
void http_job_stop(http_fetcher *f, job *j);
int http_is_bot_challenge(CURL *e, long status, const buf *body);
void http_fail_with(answer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void http_deliver(http_fetcher *f, job *j, answer *a, http_done_fn done, void *ctx);
int http_job_redirect(http_fetcher *f, job *j, const char *target, int limit, answer *a);
char *http_dup_header(CURL *e, const char *name);
char *http_redirect_target(CURL *e);

#endif
