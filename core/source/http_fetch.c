/* http_fetch.c: the polite fetcher of http_fetch.h. */
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>
#include "buf.h"
#include "err.h"
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

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s)
{
    if (s <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

void http_settings_default(http_settings *s)
{
    memset(s, 0, sizeof *s);
    s->user_agent = "provcheck/" PROVCHECK_VERSION;
    s->timeout = 30;
    s->rate = 2;
    s->concurrency = 8;
    s->max_bytes = 16u * 1024 * 1024;
    s->max_redirects = 10;
    s->max_retries = 3;
    s->backoff = 1;
    s->max_retry_after = 120;
    s->robots = 1;
}

/* ---- URLs ---- */

static int is_http_url(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

char *http_origin(const char *url)
{
    if (!url || !is_http_url(url))
        return NULL;
    CURLU *u = curl_url();
    char *scheme = NULL, *hostname = NULL, *port = NULL, *out = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto done;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &hostname, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
        goto done;
    size_t n = strlen(scheme) + strlen(hostname) + strlen(port) + 5;
    out = malloc(n);
    if (out) {
        snprintf(out, n, "%s://%s:%s", scheme, hostname, port);
        for (char *p = out; *p && *p != ':'; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
done:
    curl_free(scheme);
    curl_free(hostname);
    curl_free(port);
    curl_url_cleanup(u);
    return out;
}

char *http_path_query(const char *url)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *out = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        goto done;
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
        query = NULL;
    size_t n = strlen(path) + (query ? strlen(query) + 1 : 0) + 2;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "");
done:
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return out;
}

/* ---- hosts ---- */

/* The host record of a URL's origin, created on first use; caller holds the lock
   or is the only thread. NULL when the URL has no origin or memory ran out. */
static host *host_for(http_fetcher *f, const char *url)
{
    char *origin = http_origin(url);
    if (!origin)
        return NULL;
    for (host *h = f->hosts; h; h = h->next) {
        if (strcmp(h->origin, origin) == 0) {
            free(origin);
            return h;
        }
    }
    host *h = calloc(1, sizeof *h);
    if (!h) {
        free(origin);
        return NULL;
    }
    h->origin = origin;
    h->robots_state = f->s.robots ? ROBOTS_NONE : ROBOTS_DONE;
    h->next = f->hosts;
    f->hosts = h;
    f->host_count++;
    return h;
}

static double host_interval(const http_fetcher *f, const host *h)
{
    double gap = f->s.rate > 0 ? 1.0 / f->s.rate : 0;
    double delay = robots_crawl_delay(h->rules);
    return delay > gap ? delay : gap;
}

int http_fetcher_trust(http_fetcher *f, const char *url)
{
    pthread_mutex_lock(&f->lock);
    host *h = host_for(f, url);
    if (h)
        h->trusted = 1;
    pthread_mutex_unlock(&f->lock);
    return h ? 0 : err_set("%s: not an http(s) URL", url);
}

/* ---- fetcher ---- */

http_fetcher *http_fetcher_new(const http_settings *s)
{
    http_fetcher *f = calloc(1, sizeof *f);
    if (!f) {
        err_set("out of memory");
        return NULL;
    }
    f->s = *s;
    if (f->s.concurrency < 1)
        f->s.concurrency = 1;
    if (f->s.max_bytes == 0)
        f->s.max_bytes = 16u * 1024 * 1024;
    pthread_mutex_init(&f->lock, NULL);
    f->user_agent = strdup(s->user_agent ? s->user_agent : "provcheck/" PROVCHECK_VERSION);
    f->cookies = s->cookies ? strdup(s->cookies) : NULL;
    f->ca_file = s->ca_file ? strdup(s->ca_file) : NULL;
    f->headers = calloc(s->header_count ? s->header_count : 1, sizeof *f->headers);
    f->multi = curl_multi_init();
    if (!f->user_agent || (s->cookies && !f->cookies) || (s->ca_file && !f->ca_file) ||
        !f->headers || !f->multi)
        goto oom;
    for (size_t i = 0; i < s->header_count; i++) {
        f->headers[i] = strdup(s->headers[i]);
        f->header_count = i + 1;
        if (!f->headers[i])
            goto oom;
    }
    f->s.user_agent = f->user_agent;
    f->s.cookies = f->cookies;
    f->s.ca_file = f->ca_file;
    f->s.headers = f->headers;
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->s.concurrency);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->s.concurrency);
    return f;
oom:
    err_set("out of memory");
    http_fetcher_free(f);
    return NULL;
}

static void job_free(job *j)
{
    if (!j)
        return;
    free(j->url);
    free(j->cur);
    for (int i = 0; i < j->hops; i++)
        free(j->chain[i]);
    free(j->chain);
    free(j->etag);
    free(j->last_modified);
    buf_free(&j->body);
    curl_slist_free_all(j->headers);
    if (j->easy)
        curl_easy_cleanup(j->easy);
    free(j);
}

void http_fetcher_free(http_fetcher *f)
{
    if (!f)
        return;
    for (job *j = f->pending, *next; j; j = next) {
        next = j->next;
        job_free(j);
    }
    for (job *j = f->robots_hops, *next; j; j = next) {
        next = j->next;
        job_free(j);
    }
    for (host *h = f->hosts, *next; h; h = next) {
        next = h->next;
        free(h->origin);
        robots_free(h->rules);
        free(h->robots_note);
        free(h);
    }
    if (f->multi)
        curl_multi_cleanup(f->multi);
    for (size_t i = 0; i < f->header_count; i++)
        free(f->headers[i]);
    free(f->headers);
    free(f->user_agent);
    free(f->ca_file);
    free(f->cookies);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

static void pending_push(http_fetcher *f, job *j, int front)
{
    j->next = NULL;
    if (front) {
        j->next = f->pending;
        f->pending = j;
        if (!f->pending_tail)
            f->pending_tail = j;
    } else {
        if (f->pending_tail)
            f->pending_tail->next = j;
        else
            f->pending = j;
        f->pending_tail = j;
    }
    f->pending_count++;
}

static job *job_new(http_fetcher *f, job_kind kind, const char *url)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = kind;
    j->url = strdup(url);
    j->cur = strdup(url);
    pthread_mutex_lock(&f->lock);
    j->host = host_for(f, url);
    pthread_mutex_unlock(&f->lock);
    buf_init(&j->body, kind == JOB_ROBOTS ? ROBOTS_MAX_BYTES : f->s.max_bytes);
    if (!j->url || !j->cur || !j->host) {
        job_free(j);
        return NULL;
    }
    return j;
}

int http_fetcher_add(http_fetcher *f, const http_request *rq)
{
    if (!rq->url || !is_http_url(rq->url))
        return err_set("%s: not an http(s) URL", rq->url ? rq->url : "(null)");
    job *j = job_new(f, JOB_PAGE, rq->url);
    if (!j)
        return err_set("%s: not a valid URL", rq->url);
    j->any_type = rq->any_type;
    j->user = rq->user;
    j->etag = rq->etag ? strdup(rq->etag) : NULL;
    j->last_modified = rq->last_modified ? strdup(rq->last_modified) : NULL;
    if ((rq->etag && !j->etag) || (rq->last_modified && !j->last_modified)) {
        job_free(j);
        return err_set("out of memory");
    }
    pending_push(f, j, 0);
    return 0;
}

/* ---- one transfer ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    job *j = userp;
    size_t n = size * nmemb;
    /* Decoded bytes are counted here, so a small compressed answer that inflates
       past the cap (a gzip bomb) stops as soon as it passes it. */
    if (buf_append(&j->body, data, n) < 0) {
        j->too_big = 1;
        return 0;
    }
    return n;
}

static struct curl_slist *request_headers(const http_fetcher *f, const job *j)
{
    struct curl_slist *list = NULL, *next;
    char line[1024];
    if (j->host->trusted) {
        for (size_t i = 0; i < f->header_count; i++) {
            if (!(next = curl_slist_append(list, f->headers[i])))
                goto oom;
            list = next;
        }
    }
    if (j->kind == JOB_PAGE && j->hops == 0) {
        if (j->etag) {
            snprintf(line, sizeof line, "If-None-Match: %s", j->etag);
            if (!(next = curl_slist_append(list, line)))
                goto oom;
            list = next;
        }
        if (j->last_modified) {
            snprintf(line, sizeof line, "If-Modified-Since: %s", j->last_modified);
            if (!(next = curl_slist_append(list, line)))
                goto oom;
            list = next;
        }
    }
    return list;
oom:
    curl_slist_free_all(list);
    return NULL;
}

static void set_common(const http_fetcher *f, CURL *e, const char *url, int trusted)
{
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");   /* every decoder curl has */
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    long ms = (long)(f->s.timeout * 1000);
    if (ms > 0) {
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
    }
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->s.max_bytes);
    if (f->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, f->ca_file);
    if (trusted && f->cookies)
        curl_easy_setopt(e, CURLOPT_COOKIE, f->cookies);
}

static int job_start(http_fetcher *f, job *j)
{
    j->easy = curl_easy_init();
    if (!j->easy)
        return -1;
    buf_reset(&j->body);
    j->too_big = 0;
    j->errbuf[0] = '\0';
    set_common(f, j->easy, j->cur, j->host->trusted);
    curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
    curl_slist_free_all(j->headers);
    j->headers = request_headers(f, j);
    if (j->headers)
        curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, j->headers);
    j->attempts++;
    j->started = now_mono();
    if (curl_multi_add_handle(f->multi, j->easy) != CURLM_OK)
        return -1;
    f->active++;
    return 0;
}

static void job_stop(http_fetcher *f, job *j)
{
    curl_multi_remove_handle(f->multi, j->easy);
    curl_easy_cleanup(j->easy);
    j->easy = NULL;
    curl_slist_free_all(j->headers);
    j->headers = NULL;
    f->active--;
}

/* A header of the last answer, or NULL. Borrowed from curl until the next call. */
static const char *answer_header(CURL *e, const char *name)
{
    struct curl_header *h = NULL;
    if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
        return NULL;
    return h->value;
}

static char *dup_header(CURL *e, const char *name)
{
    const char *v = answer_header(e, name);
    return v ? strdup(v) : NULL;
}

static int contains_nocase(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (len > CHALLENGE_SCAN_BYTES)
        len = CHALLENGE_SCAN_BYTES;
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

/* A refusal by bot protection rather than an answer about the page: a challenge
   header, a challenge or captcha page, or Cloudflare refusing outright. */
static int is_bot_challenge(CURL *e, long status, const buf *body)
{
    if (status != 403 && status != 429 && status != 503 && status != 999)
        return 0;
    if (answer_header(e, "cf-mitigated") || answer_header(e, "cf-chl-bypass"))
        return 1;
    const char *server = answer_header(e, "server");
    if (status == 403 && server && strstr(server, "cloudflare"))
        return 1;
    if (status == 999)   /* LinkedIn-style refusals carry no page worth reading */
        return 1;
    const char *data = body->data ? body->data : "";
    return contains_nocase(data, body->len, "captcha") ||
           contains_nocase(data, body->len, "challenge");
}

/* Seconds asked for by Retry-After (delta seconds or an HTTP date), or -1. */
static double retry_after(CURL *e)
{
    const char *v = answer_header(e, "retry-after");
    if (!v)
        return -1;
    char *end = NULL;
    double secs = strtod(v, &end);
    if (end != v && (*end == '\0' || *end == ' '))
        return secs < 0 ? 0 : secs;
    time_t when = curl_getdate(v, NULL);
    if (when < 0)
        return -1;
    double d = difftime(when, time(NULL));
    return d < 0 ? 0 : d;
}

static int is_html_type(const char *ct)
{
    if (!ct)
        return 1;   /* no Content-Type: let the parser decide */
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "text/html", 9) == 0 ||
           strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

typedef struct answer {
    http_outcome outcome;
    long status;
    char message[512];
    char *content_type, *etag, *last_modified;
} answer;

static void deliver(http_fetcher *f, job *j, answer *a, http_done_fn done, void *ctx)
{
    http_result r;
    memset(&r, 0, sizeof r);
    r.url = j->url;
    r.final_url = j->cur;
    r.outcome = a->outcome;
    r.status = a->status;
    r.message = a->message[0] ? a->message : NULL;
    r.content_type = a->content_type;
    r.etag = a->etag;
    r.last_modified = a->last_modified;
    r.body = a->outcome == HTTP_OK && j->body.data ? j->body.data : "";
    r.len = a->outcome == HTTP_OK ? j->body.len : 0;
    r.attempts = j->attempts;
    f->done++;
    done(ctx, &r, j->user);
    free(a->content_type);
    free(a->etag);
    free(a->last_modified);
    job_free(j);
}

static void fail_with(answer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_with(answer *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->outcome = HTTP_FAILED;
}

/* Move *cur into the chain of visited URLs and make `target` the current one.
   Shared by queued requests and blocking checks, so every kind of request
   follows redirects the same way: hop by hop, at most `limit`, loops detected.
   0, or -1 with `why` set. */
static int hop_advance(char ***chain, int *hops, char **cur, const char *target, int limit,
                       long status, char *why, size_t why_size)
{
    if (!target || !is_http_url(target)) {
        snprintf(why, why_size, "redirect (HTTP %ld) to a non-http(s) location", status);
        return -1;
    }
    int loop = strcmp(target, *cur) == 0;
    for (int i = 0; i < *hops && !loop; i++)
        loop = strcmp((*chain)[i], target) == 0;
    if (loop) {
        snprintf(why, why_size, "redirect loop (%d hops, back to %s)", *hops + 1, target);
        return -1;
    }
    if (*hops >= limit) {
        snprintf(why, why_size, "more than %d redirects", limit);
        return -1;
    }
    char **grown = realloc(*chain, (size_t)(*hops + 1) * sizeof *grown);
    char *next = strdup(target);
    if (grown)
        *chain = grown;
    if (!grown || !next) {
        free(next);
        snprintf(why, why_size, "out of memory following a redirect");
        return -1;
    }
    (*chain)[(*hops)++] = *cur;
    *cur = next;
    return 0;
}

/* Point a queued request at its next hop: `target`'s host decides the rate slot,
   robots.txt and whether config headers and cookies go with it. 0, or -1 with
   *a saying why the request ended. */
static int job_redirect(http_fetcher *f, job *j, const char *target, int limit, answer *a)
{
    if (hop_advance(&j->chain, &j->hops, &j->cur, target, limit, a->status, a->message,
                    sizeof a->message) < 0) {
        a->outcome = HTTP_FAILED;
        return -1;
    }
    pthread_mutex_lock(&f->lock);
    host *h = host_for(f, j->cur);
    pthread_mutex_unlock(&f->lock);
    if (!h) {
        fail_with(a, "redirect to an invalid URL");
        return -1;
    }
    j->host = h;
    j->retries = 0;
    return 0;
}

/* The Location of a 3xx answer, resolved by curl, copied (or NULL). */
static char *redirect_target(CURL *e)
{
    char *target = NULL;
    curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &target);
    return target ? strdup(target) : NULL;
}

static int is_redirect(long status)
{
    return status >= 300 && status < 400 && status != 304;
}

/* A robots.txt answer: the rules of the host it was asked for (j->owner), or the
   next hop of its redirects. RFC 9309 asks for at least five hops; they are
   followed here like a page's, so config headers and cookies reach only trusted
   origins. */
static void robots_done(http_fetcher *f, job *j, CURLcode code)
{
    host *h = j->owner;
    long status = 0;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    robots *rules = NULL;
    char note[600] = "";
    if (code == CURLE_OK && is_redirect(status)) {
        answer a;
        memset(&a, 0, sizeof a);
        a.status = status;
        char *target = redirect_target(j->easy);
        job_stop(f, j);
        int next = job_redirect(f, j, target, ROBOTS_MAX_REDIRECTS, &a);
        free(target);
        if (next == 0) {
            j->next = f->robots_hops;
            f->robots_hops = j;
            return;
        }
        snprintf(note, sizeof note, "robots.txt unreachable (%s)", a.message);
        rules = robots_disallow_all();
    } else if (code == CURLE_OK && status >= 200 && status < 300) {
        rules = robots_parse(j->body.data ? j->body.data : "", j->body.len, f->user_agent);
    } else if (code == CURLE_OK && status >= 400 && status < 500) {
        rules = robots_allow_all();   /* no robots.txt: everything is allowed */
    } else {
        /* RFC 9309: an unreachable robots.txt means nothing may be crawled. */
        if (code != CURLE_OK)
            snprintf(note, sizeof note, "robots.txt unreachable (%s)", curl_easy_strerror(code));
        else
            snprintf(note, sizeof note, "robots.txt unreachable (HTTP %ld)", status);
        rules = robots_disallow_all();
    }
    pthread_mutex_lock(&f->lock);
    h->rules = rules;
    if (note[0])
        h->robots_note = strdup(note);
    h->robots_state = ROBOTS_DONE;
    /* Crawl-delay counts from the robots.txt request itself. */
    double slot = j->started + host_interval(f, h);
    if (slot > h->next_slot)
        h->next_slot = slot;
    pthread_mutex_unlock(&f->lock);
    if (j->easy)
        job_stop(f, j);
    job_free(j);
}

/* Start the robots.txt redirect hops whose host's rate slot has come. Like the
   first robots.txt request they do not wait for robots.txt or a transfer slot
   (they are few); they keep the host's request spacing. -1 when one cannot start. */
static int start_robots_hops(http_fetcher *f, double now, double *wake)
{
    for (job **link = &f->robots_hops; *link;) {
        job *j = *link;
        pthread_mutex_lock(&f->lock);
        double slot = j->host->next_slot;
        if (slot <= now)
            j->host->next_slot = now + host_interval(f, j->host);
        pthread_mutex_unlock(&f->lock);
        if (slot > now) {
            if (slot < *wake)
                *wake = slot;
            link = &j->next;
            continue;
        }
        *link = j->next;
        j->next = NULL;
        if (job_start(f, j) < 0) {
            job_free(j);
            return -1;
        }
    }
    return 0;
}

static void page_done(http_fetcher *f, job *j, CURLcode code, http_done_fn done, void *ctx)
{
    answer a;
    memset(&a, 0, sizeof a);
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &a.status);
    if (code != CURLE_OK) {
        if (code == CURLE_OPERATION_TIMEDOUT)
            fail_with(&a, "timed out after %g s", f->s.timeout);
        else if (j->too_big || code == CURLE_FILESIZE_EXCEEDED)
            fail_with(&a, "response larger than the size cap (%zu bytes)", f->s.max_bytes);
        else
            fail_with(&a, "%s%s%s", curl_easy_strerror(code), j->errbuf[0] ? ": " : "",
                      j->errbuf);
        a.status = 0;
        job_stop(f, j);
        deliver(f, j, &a, done, ctx);
        return;
    }
    long st = a.status;
    if (is_redirect(st)) {
        char *target = redirect_target(j->easy);
        job_stop(f, j);
        if (job_redirect(f, j, target, f->s.max_redirects, &a) == 0)
            pending_push(f, j, 1);
        else
            deliver(f, j, &a, done, ctx);
        free(target);
        return;
    }
    if (is_bot_challenge(j->easy, st, &j->body)) {
        snprintf(a.message, sizeof a.message, "blocked by bot protection (HTTP %ld)", st);
        a.outcome = HTTP_BLOCKED;
        job_stop(f, j);
        deliver(f, j, &a, done, ctx);
        return;
    }
    if (st == 429 || st == 503) {
        double wait = retry_after(j->easy);
        job_stop(f, j);
        if (j->retries >= f->s.max_retries) {
            fail_with(&a, "HTTP %ld after %d retries", st, j->retries);
        } else if (wait > f->s.max_retry_after) {
            fail_with(&a, "HTTP %ld (Retry-After %.0f s is longer than %.0f s)", st, wait,
                      f->s.max_retry_after);
        } else {
            if (wait < 0)
                wait = f->s.backoff * pow(2, j->retries);
            j->retries++;
            j->not_before = now_mono() + wait;
            pending_push(f, j, 1);
            return;
        }
        deliver(f, j, &a, done, ctx);
        return;
    }
    a.content_type = dup_header(j->easy, "content-type");
    a.etag = dup_header(j->easy, "etag");
    a.last_modified = dup_header(j->easy, "last-modified");
    if (st == 304) {
        a.outcome = HTTP_NOT_MODIFIED;
    } else if (st >= 200 && st < 300) {
        if (j->any_type || is_html_type(a.content_type)) {
            a.outcome = HTTP_OK;
        } else {
            a.outcome = HTTP_NOT_HTML;
            snprintf(a.message, sizeof a.message, "not HTML (Content-Type: %.200s): skipped",
                     a.content_type);
        }
    } else {
        fail_with(&a, "HTTP %ld", st);
    }
    job_stop(f, j);
    deliver(f, j, &a, done, ctx);
}

static int start_robots(http_fetcher *f, host *h)
{
    size_t n = strlen(h->origin) + sizeof "/robots.txt";
    char *url = malloc(n);
    if (!url)
        return -1;
    snprintf(url, n, "%s/robots.txt", h->origin);
    job *j = job_new(f, JOB_ROBOTS, url);
    free(url);
    if (!j)
        return -1;
    j->owner = h;
    h->robots_state = ROBOTS_FETCHING;
    if (job_start(f, j) < 0) {
        job_free(j);
        return -1;
    }
    return 0;
}

static void unlink_job(http_fetcher *f, job **link, job *prev)
{
    job *j = *link;
    *link = j->next;
    if (f->pending_tail == j)
        f->pending_tail = prev;
    f->pending_count--;
    j->next = NULL;
}

/* Start what may start now. Returns the monotonic time something else may start
   (now + 1 s at most). */
static double start_ready(http_fetcher *f, http_done_fn done, void *ctx, int *failed)
{
    double now = now_mono(), wake = now + 1.0;
    size_t blocked_hosts = 0;
    f->scan++;
    job *prev = NULL;
    for (job **link = &f->pending; *link && f->active < (size_t)f->s.concurrency;) {
        job *j = *link;
        host *h = j->host;
        if (h->scan_mark == f->scan) {          /* this host is waiting: skip fast */
            prev = j;
            link = &j->next;
            continue;
        }
        int ready = 0;
        pthread_mutex_lock(&f->lock);
        enum robots_state rs = h->robots_state;
        double slot = h->next_slot;
        pthread_mutex_unlock(&f->lock);
        if (rs == ROBOTS_NONE) {
            if (start_robots(f, h) < 0) {
                *failed = 1;
                return now;
            }
            pthread_mutex_lock(&f->lock);
            h->next_slot = now + host_interval(f, h);
            pthread_mutex_unlock(&f->lock);
            slot = h->next_slot;
            rs = ROBOTS_FETCHING;
        }
        if (rs == ROBOTS_DONE && j->kind == JOB_PAGE) {
            char *pq = http_path_query(j->cur);
            int allowed = robots_allowed(h->rules, pq ? pq : "/");
            free(pq);
            if (!allowed) {
                unlink_job(f, link, prev);
                answer a;
                memset(&a, 0, sizeof a);
                a.outcome = HTTP_DISALLOWED;
                snprintf(a.message, sizeof a.message, "not fetched: %s%s",
                         h->robots_note ? h->robots_note : "disallowed by robots.txt for ",
                         h->robots_note ? "" : f->user_agent);
                deliver(f, j, &a, done, ctx);
                continue;
            }
            if (j->not_before > now) {
                if (j->not_before < wake)
                    wake = j->not_before;
            } else if (slot > now) {
                if (slot < wake)
                    wake = slot;
            } else {
                ready = 1;
            }
        }
        if (!ready) {
            /* A host is blocked as a whole only by its slot or robots.txt; a job
               waiting out its own Retry-After blocks nobody else. */
            if (rs != ROBOTS_DONE || slot > now) {
                h->scan_mark = f->scan;
                if (++blocked_hosts == f->host_count)
                    break;
            }
            prev = j;
            link = &j->next;
            continue;
        }
        unlink_job(f, link, prev);
        pthread_mutex_lock(&f->lock);
        h->next_slot = now + host_interval(f, h);
        pthread_mutex_unlock(&f->lock);
        if (job_start(f, j) < 0) {
            answer a;
            memset(&a, 0, sizeof a);
            fail_with(&a, "cannot start the transfer");
            if (j->easy) {
                curl_easy_cleanup(j->easy);
                j->easy = NULL;
            }
            deliver(f, j, &a, done, ctx);
        }
    }
    return wake;
}

int http_fetcher_run(http_fetcher *f, http_done_fn done, http_progress_fn progress,
                     void *ctx)
{
    double last_progress = 0;
    int failed = 0;
    while (f->pending || f->active || f->robots_hops) {
        double wake = start_ready(f, done, ctx, &failed);
        if (!failed && start_robots_hops(f, now_mono(), &wake) < 0)
            failed = 1;
        if (failed)
            return err_set("cannot start a transfer (out of memory)");
        int running = 0;
        if (curl_multi_perform(f->multi, &running) != CURLM_OK)
            return err_set("HTTP transfers failed");
        int finished = 0, left = 0;
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(f->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            job *j = NULL;
            CURLcode code = msg->data.result;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            finished = 1;
            if (j->kind == JOB_ROBOTS)
                robots_done(f, j, code);
            else
                page_done(f, j, code, done, ctx);
        }
        double now = now_mono();
        if (progress && now - last_progress >= 0.2) {
            progress(ctx, f->done, f->pending_count + f->active);
            last_progress = now;
        }
        if (finished)
            continue;
        double until = wake - now;
        int ms = until <= 0 ? 0 : (int)ceil(until * 1000);
        if (ms > 1000)
            ms = 1000;
        if (ms > 0 || f->active)
            curl_multi_poll(f->multi, NULL, 0, ms, NULL);
    }
    if (progress)
        progress(ctx, f->done, 0);
    return 0;
}

/* ---- single blocking checks ---- */

static size_t first_byte_only(char *data, size_t size, size_t nmemb, void *userp)
{
    (void)data;
    (void)userp;
    (void)size;
    (void)nmemb;
    return 0;   /* the status is known by now; the body is not wanted */
}

/* One request of a check, rate limited with the run's hosts: its status, and the
   Location of a redirect in *target_out (malloc'd) when there is one. Config
   headers and cookies go with it only to a trusted origin. -1 with `why` set
   when there is no answer. */
static int check_hop(http_fetcher *f, const char *url, long *status_out, char **target_out,
                     char *why, size_t why_size)
{
    *target_out = NULL;
    pthread_mutex_lock(&f->lock);
    host *h = host_for(f, url);
    double wait = 0;
    int trusted = 0;
    if (h) {
        double now = now_mono();
        double start = h->next_slot > now ? h->next_slot : now;
        h->next_slot = start + host_interval(f, h);
        wait = start - now;
        trusted = h->trusted;
    }
    pthread_mutex_unlock(&f->lock);
    if (!h) {
        snprintf(why, why_size, "not an http(s) URL");
        return -1;
    }
    sleep_seconds(wait);
    CURL *e = curl_easy_init();
    if (!e) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    set_common(f, e, url, trusted);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, first_byte_only);
    struct curl_slist *headers = NULL;
    if (trusted) {
        for (size_t i = 0; i < f->header_count; i++) {
            struct curl_slist *next = curl_slist_append(headers, f->headers[i]);
            if (next)
                headers = next;
        }
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    }
    CURLcode code = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    int rc = 0;
    if (code != CURLE_OK && code != CURLE_WRITE_ERROR) {
        snprintf(why, why_size, "%s", curl_easy_strerror(code));
        rc = -1;
    } else if (is_redirect(status)) {
        *target_out = redirect_target(e);
    }
    *status_out = status;
    curl_slist_free_all(headers);
    curl_easy_cleanup(e);
    return rc;
}

int http_fetch_check(http_fetcher *f, const char *url, char **why_out)
{
    char why[512] = "";
    int ok = 0, hops = 0;
    char **chain = NULL;
    char *cur = strdup(url);
    if (!cur)
        snprintf(why, sizeof why, "out of memory");
    while (cur) {
        long status = 0;
        char *target = NULL;
        if (check_hop(f, cur, &status, &target, why, sizeof why) < 0)
            break;
        if (status >= 200 && status < 300) {
            ok = 1;
            break;
        }
        if (!is_redirect(status)) {
            snprintf(why, sizeof why, "HTTP %ld", status);
            break;
        }
        int next = hop_advance(&chain, &hops, &cur, target, f->s.max_redirects, status, why,
                               sizeof why);
        free(target);
        if (next < 0)
            break;
    }
    for (int i = 0; i < hops; i++)
        free(chain[i]);
    free(chain);
    free(cur);
    if (why_out)
        *why_out = ok ? NULL : strdup(why);
    return ok;
}
