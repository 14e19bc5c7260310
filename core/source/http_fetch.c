/* http_fetch.c: the polite fetcher of http_fetch.h: hosts and their pace, the
 * queue, robots.txt before a host's first page, retries and the run loop. One
 * transfer (request, answer, redirects) is http_transfer.c's. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "buf.h"
#include "err.h"
#include "http_fetch_priv.h"
#include "robots.h"

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

void http_fetcher_free(http_fetcher *f)
{
    if (!f)
        return;
    for (job *j = f->pending, *next; j; j = next) {
        next = j->next;
        http_job_free(j);
    }
    for (job *j = f->robots_hops, *next; j; j = next) {
        next = j->next;
        http_job_free(j);
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
    j->host = http_host_for(f, url);
    pthread_mutex_unlock(&f->lock);
    buf_init(&j->body, kind == JOB_ROBOTS ? ROBOTS_MAX_BYTES : f->s.max_bytes);
    if (!j->url || !j->cur || !j->host) {
        http_job_free(j);
        return NULL;
    }
    return j;
}

int http_fetcher_add(http_fetcher *f, const http_request *rq)
{
    if (!rq->url || !http_is_url(rq->url))
        return err_set("%s: not an http(s) URL", rq->url ? rq->url : "(null)");
    job *j = job_new(f, JOB_PAGE, rq->url);
    if (!j)
        return err_set("%s: not a valid URL", rq->url);
    j->any_type = rq->any_type;
    j->user = rq->user;
    j->etag = rq->etag ? strdup(rq->etag) : NULL;
    j->last_modified = rq->last_modified ? strdup(rq->last_modified) : NULL;
    if ((rq->etag && !j->etag) || (rq->last_modified && !j->last_modified)) {
        http_job_free(j);
        return err_set("out of memory");
    }
    pending_push(f, j, 0);
    return 0;
}

static void robots_done(http_fetcher *f, job *j, CURLcode code)
{
    host *h = j->owner;
    long status = 0;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    robots *rules = NULL;
    char note[600] = "";
    if (code == CURLE_OK && http_is_redirect(status)) {
        answer a;
        memset(&a, 0, sizeof a);
        a.status = status;
        char *target = http_redirect_target(j->easy);
        http_job_stop(f, j);
        int next = http_job_redirect(f, j, target, ROBOTS_MAX_REDIRECTS, &a);
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
    double slot = j->started + http_host_interval(f, h);
    if (slot > h->next_slot)
        h->next_slot = slot;
    pthread_mutex_unlock(&f->lock);
    if (j->easy)
        http_job_stop(f, j);
    http_job_free(j);
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
            j->host->next_slot = now + http_host_interval(f, j->host);
        pthread_mutex_unlock(&f->lock);
        if (slot > now) {
            if (slot < *wake)
                *wake = slot;
            link = &j->next;
            continue;
        }
        *link = j->next;
        j->next = NULL;
        if (http_job_start(f, j) < 0) {
            http_job_free(j);
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
            http_fail_with(&a, "timed out after %g s", f->s.timeout);
        else if (j->too_big || code == CURLE_FILESIZE_EXCEEDED)
            http_fail_with(&a, "response larger than the size cap (%zu bytes)", f->s.max_bytes);
        else
            http_fail_with(&a, "%s%s%s", curl_easy_strerror(code), j->errbuf[0] ? ": " : "",
                      j->errbuf);
        a.status = 0;
        http_job_stop(f, j);
        http_deliver(f, j, &a, done, ctx);
        return;
    }
    long st = a.status;
    if (http_is_redirect(st)) {
        char *target = http_redirect_target(j->easy);
        http_job_stop(f, j);
        if (http_job_redirect(f, j, target, f->s.max_redirects, &a) == 0)
            pending_push(f, j, 1);
        else
            http_deliver(f, j, &a, done, ctx);
        free(target);
        return;
    }
    if (http_is_bot_challenge(j->easy, st, &j->body)) {
        snprintf(a.message, sizeof a.message, "blocked by bot protection (HTTP %ld)", st);
        a.outcome = HTTP_BLOCKED;
        http_job_stop(f, j);
        http_deliver(f, j, &a, done, ctx);
        return;
    }
    if (st == 429 || st == 503) {
        double wait = http_retry_after(j->easy);
        http_job_stop(f, j);
        if (j->retries >= f->s.max_retries) {
            http_fail_with(&a, "HTTP %ld after %d retries", st, j->retries);
        } else if (wait > f->s.max_retry_after) {
            http_fail_with(&a, "HTTP %ld (Retry-After %.0f s is longer than %.0f s)", st, wait,
                      f->s.max_retry_after);
        } else {
            if (wait < 0)
                wait = f->s.backoff * pow(2, j->retries);
            j->retries++;
            j->not_before = http_now() + wait;
            pending_push(f, j, 1);
            return;
        }
        http_deliver(f, j, &a, done, ctx);
        return;
    }
    a.content_type = http_dup_header(j->easy, "content-type");
    a.etag = http_dup_header(j->easy, "etag");
    a.last_modified = http_dup_header(j->easy, "last-modified");
    if (st == 304) {
        a.outcome = HTTP_NOT_MODIFIED;
    } else if (st >= 200 && st < 300) {
        if (j->any_type || http_is_html_type(a.content_type)) {
            a.outcome = HTTP_OK;
        } else {
            a.outcome = HTTP_NOT_HTML;
            snprintf(a.message, sizeof a.message, "not HTML (Content-Type: %.200s): skipped",
                     a.content_type);
        }
    } else {
        http_fail_with(&a, "HTTP %ld", st);
    }
    http_job_stop(f, j);
    http_deliver(f, j, &a, done, ctx);
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
    if (http_job_start(f, j) < 0) {
        http_job_free(j);
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
    double now = http_now(), wake = now + 1.0;
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
            h->next_slot = now + http_host_interval(f, h);
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
                http_deliver(f, j, &a, done, ctx);
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
        h->next_slot = now + http_host_interval(f, h);
        pthread_mutex_unlock(&f->lock);
        if (http_job_start(f, j) < 0) {
            answer a;
            memset(&a, 0, sizeof a);
            http_fail_with(&a, "cannot start the transfer");
            if (j->easy) {
                curl_easy_cleanup(j->easy);
                j->easy = NULL;
            }
            http_deliver(f, j, &a, done, ctx);
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
        if (!failed && start_robots_hops(f, http_now(), &wake) < 0)
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
        double now = http_now();
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

