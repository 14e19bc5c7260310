/* http_host.c: what the fetcher's queue and its transfers both stand on: the
 * monotonic clock, the URL helpers (origin, path and query), the per-host record
 * (robots state, pace, trust) found or made for a URL, the interval between two
 * requests to one host, and freeing a finished job. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "err.h"
#include "http_fetch_priv.h"

/* ---- URLs ---- */

int http_is_url(const char *url)
{
    return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

char *http_origin(const char *url)
{
    if (!url || !http_is_url(url))
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

double http_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void http_sleep(double s)
{
    if (s <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The host record of a URL's origin, created on first use; caller holds the lock
   or is the only thread. NULL when the URL has no origin or memory ran out. */
host *http_host_for(http_fetcher *f, const char *url)
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

double http_host_interval(const http_fetcher *f, const host *h)
{
    double gap = f->s.rate > 0 ? 1.0 / f->s.rate : 0;
    double delay = robots_crawl_delay(h->rules);
    return delay > gap ? delay : gap;
}

int http_fetcher_trust(http_fetcher *f, const char *url)
{
    pthread_mutex_lock(&f->lock);
    host *h = http_host_for(f, url);
    if (h)
        h->trusted = 1;
    pthread_mutex_unlock(&f->lock);
    return h ? 0 : err_set("%s: not an http(s) URL", url);
}

void http_job_free(job *j)
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
