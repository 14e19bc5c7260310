/* http_transfer.c: one transfer of the fetcher (http_fetch.c queues and paces
 * them): the request (user agent, trusted headers and cookies,
 * conditional headers), reading the answer (type, bot challenge, Retry-After),
 * redirects hop by hop, and the single blocking checks of http_fetch_check. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "buf.h"
#include "err.h"
#include "http_fetch_priv.h"

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

int http_job_start(http_fetcher *f, job *j)
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
    j->started = http_now();
    if (curl_multi_add_handle(f->multi, j->easy) != CURLM_OK)
        return -1;
    f->active++;
    return 0;
}

void http_job_stop(http_fetcher *f, job *j)
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

char *http_dup_header(CURL *e, const char *name)
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
int http_is_bot_challenge(CURL *e, long status, const buf *body)
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
double http_retry_after(CURL *e)
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

int http_is_html_type(const char *ct)
{
    if (!ct)
        return 1;   /* no Content-Type: let the parser decide */
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "text/html", 9) == 0 ||
           strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

void http_deliver(http_fetcher *f, job *j, answer *a, http_done_fn done, void *ctx)
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
    http_job_free(j);
}

void http_fail_with(answer *a, const char *fmt, ...)
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
    if (!target || !http_is_url(target)) {
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
int http_job_redirect(http_fetcher *f, job *j, const char *target, int limit, answer *a)
{
    if (hop_advance(&j->chain, &j->hops, &j->cur, target, limit, a->status, a->message,
                    sizeof a->message) < 0) {
        a->outcome = HTTP_FAILED;
        return -1;
    }
    pthread_mutex_lock(&f->lock);
    host *h = http_host_for(f, j->cur);
    pthread_mutex_unlock(&f->lock);
    if (!h) {
        http_fail_with(a, "redirect to an invalid URL");
        return -1;
    }
    j->host = h;
    j->retries = 0;
    return 0;
}

/* The Location of a 3xx answer, resolved by curl, copied (or NULL). */
char *http_redirect_target(CURL *e)
{
    char *target = NULL;
    curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &target);
    return target ? strdup(target) : NULL;
}

int http_is_redirect(long status)
{
    return status >= 300 && status < 400 && status != 304;
}

/* A robots.txt answer: the rules of the host it was asked for (j->owner), or the
   next hop of its redirects. RFC 9309 asks for at least five hops; they are
   followed here like a page's, so config headers and cookies reach only trusted
   origins. */
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
    host *h = http_host_for(f, url);
    double wait = 0;
    int trusted = 0;
    if (h) {
        double now = http_now();
        double start = h->next_slot > now ? h->next_slot : now;
        h->next_slot = start + http_host_interval(f, h);
        wait = start - now;
        trusted = h->trusted;
    }
    pthread_mutex_unlock(&f->lock);
    if (!h) {
        snprintf(why, why_size, "not an http(s) URL");
        return -1;
    }
    http_sleep(wait);
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
    } else if (http_is_redirect(status)) {
        *target_out = http_redirect_target(e);
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
        if (!http_is_redirect(status)) {
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
