/* src_http.c: the audit source over fetched pages (see src_http.h). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include "url.h"
#include "err.h"
#include "src_http.h"

/* ---- the page store ---- */

void http_page_store_init(http_page_store *s)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
}

static int spill_open(http_page_store *s)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/provcheck-audit-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return err_set("cannot create a temporary file in %s: %s",
                       dir && *dir ? dir : "/tmp", strerror(errno));
    /* Unlinked at once: the bodies vanish with the process, however it ends. */
    unlink(path);
    s->fd = fd;
    return 0;
}

/* Append a body; *at gets its offset. One writer (the fetch thread) at a time. */
static int spill_write(http_page_store *s, const char *body, size_t len, off_t *at)
{
    if (s->fd < 0 && spill_open(s) < 0)
        return -1;
    *at = s->end;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(s->fd, body + done, len - done, *at + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return err_set("cannot write fetched pages to a temporary file: %s",
                           n < 0 ? strerror(errno) : "disk full");
        done += (size_t)n;
    }
    s->end += (off_t)len;
    return 0;
}

int http_url_paths(const char *url, const char *final_url, char **path_out,
                   char **site_path_out)
{
    *path_out = *site_path_out = NULL;
    CURLU *u = curl_url(), *f = curl_url();
    char *path = NULL, *query = NULL, *fpath = NULL;
    int rc = -1;
    if (!u || !f || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_set(f, CURLUPART_URL, final_url ? final_url : url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
        curl_url_get(f, CURLUPART_PATH, &fpath, CURLU_URLDECODE) != CURLUE_OK) {
        err_set("%s: not a valid URL", url);
        goto done;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
        query = NULL;
    size_t n = strlen(path) + (query ? strlen(query) : 0) + 3;
    char *p = malloc(n);
    const char *fp = fpath;
    while (*fp == '/')
        fp++;
    size_t fl = strlen(fp);
    int folder = fl == 0 || fp[fl - 1] == '/';
    char *sp = malloc(fl + sizeof "index.html");
    if (!p || !sp) {
        free(p);
        free(sp);
        err_set("out of memory");
        goto done;
    }
    snprintf(p, n, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "");
    snprintf(sp, fl + sizeof "index.html", "%s%s", fp, folder ? "index.html" : "");
    *path_out = p;
    *site_path_out = sp;
    rc = 0;
done:
    curl_free(path);
    curl_free(query);
    curl_free(fpath);
    curl_url_cleanup(u);
    curl_url_cleanup(f);
    return rc;
}

/* Set a page's outcome (and spill its body). 0, or -1 with err_set. */
static int page_set(http_page_store *s, http_page *p, const char *final_url,
                    http_page_kind kind, long status, const char *message, const char *body,
                    size_t len)
{
    p->kind = kind;
    p->status = status;
    if (final_url && strcmp(final_url, p->final_url) != 0) {
        char *path = NULL, *site_path = NULL, *fu = strdup(final_url);
        if (!fu || http_url_paths(p->url, fu, &path, &site_path) < 0) {
            free(fu);
            return err_last()[0] ? -1 : err_set("out of memory");
        }
        free(path);   /* the report path stays the requested URL's */
        free(p->final_url);
        free(p->site_path);
        p->final_url = fu;
        p->site_path = site_path;
    }
    if (message && !(p->message = strdup(message)))
        return err_set("out of memory");
    if (kind == HTTP_PAGE_BODY) {
        if (spill_write(s, body, len, &p->offset) < 0)
            return -1;
        p->len = len;
    }
    return 0;
}

static int page_init(http_page *p, const char *url)
{
    memset(p, 0, sizeof *p);
    p->kind = HTTP_PAGE_PENDING;
    p->url = strdup(url);
    p->final_url = strdup(url);
    if (!p->url || !p->final_url || http_url_paths(url, url, &p->path, &p->site_path) < 0) {
        free(p->url);
        free(p->final_url);
        memset(p, 0, sizeof *p);
        return err_last()[0] ? -1 : err_set("out of memory");
    }
    return 0;
}

static void page_clear(http_page *p)
{
    free(p->url);
    free(p->final_url);
    free(p->path);
    free(p->site_path);
    free(p->message);
    free(p->lastmod);
    free(p->etag);
    free(p->last_modified);
    free(p->links);
    free(p->targets);
    finding_list_free(&p->reused);
    memset(p, 0, sizeof *p);
}

http_page *http_page_store_add(http_page_store *s, const char *url, const char *final_url,
                               http_page_kind kind, long status, const char *message,
                               const char *body, size_t len)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        http_page *items = realloc(s->items, cap * sizeof *items);
        if (!items) {
            err_set("out of memory");
            return NULL;
        }
        s->items = items;
        s->cap = cap;
    }
    http_page *p = &s->items[s->count];
    if (page_init(p, url) < 0)
        return NULL;
    if (page_set(s, p, final_url, kind, status, message, body, len) < 0) {
        page_clear(p);
        return NULL;
    }
    p->ready = 1;
    s->count++;
    return p;
}

static int page_url_cmp(const void *a, const void *b)
{
    return strcmp((*(const http_page *const *)a)->url, (*(const http_page *const *)b)->url);
}

int http_page_store_reserve(http_page_store *s, char **urls, size_t count)
{
    size_t need = s->count + count;
    if (need > s->cap) {
        http_page *items = realloc(s->items, (need ? need : 1) * sizeof *items);
        if (!items)
            return err_set("out of memory");
        s->items = items;
        s->cap = need;
    }
    for (size_t i = 0; i < count; i++) {
        if (page_init(&s->items[s->count], urls[i]) < 0)
            return -1;
        s->count++;
    }
    free((void *)s->by_url);
    s->by_url = calloc(s->count ? s->count : 1, sizeof *s->by_url);
    if (!s->by_url)
        return err_set("out of memory");
    for (size_t i = 0; i < s->count; i++)
        s->by_url[i] = &s->items[i];
    s->by_url_count = s->count;
    qsort((void *)s->by_url, s->count, sizeof *s->by_url, page_url_cmp);
    /* The items never move from here on: no more _add. */
    s->cap = s->count;
    return 0;
}

static http_page *find_reserved(const http_page_store *s, const char *url)
{
    size_t lo = 0, hi = s->by_url_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->by_url[mid]->url, url);
        if (c == 0)
            return (http_page *)s->by_url[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

http_page *http_page_store_fill(http_page_store *s, const char *url, const char *final_url,
                                http_page_kind kind, long status, const char *message,
                                const char *body, size_t len)
{
    http_page *p = find_reserved(s, url);
    if (!p || p->kind != HTTP_PAGE_PENDING) {
        err_set("%s: answered twice or never asked for", url);
        return NULL;
    }
    /* Workers read only ready pages, so filling needs no lock. */
    if (page_set(s, p, final_url, kind, status, message, body, len) < 0)
        return NULL;
    return p;
}

void http_page_store_ready(http_page_store *s, http_page *p)
{
    pthread_mutex_lock(&s->lock);
    p->ready = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

void http_page_store_wait(http_page_store *s, const http_page *p)
{
    pthread_mutex_lock(&s->lock);
    while (!p->ready)
        pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

void http_page_store_abandon(http_page_store *s, const char *why)
{
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->count; i++) {
        http_page *p = &s->items[i];
        if (p->ready)
            continue;
        if (p->kind == HTTP_PAGE_PENDING) {
            p->kind = HTTP_PAGE_FAILED;
            free(p->message);
            p->message = strdup(why);
        }
        p->ready = 1;
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

int http_page_store_read(const http_page_store *s, const http_page *p, char **out)
{
    *out = NULL;
    char *bytes = malloc(p->len + 1);
    if (!bytes)
        return err_set("out of memory");
    size_t done = 0;
    while (done < p->len) {
        ssize_t n = pread(s->fd, bytes + done, p->len - done, p->offset + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(bytes);
            return err_set("cannot read a fetched page back: %s",
                           n < 0 ? strerror(errno) : "short read");
        }
        done += (size_t)n;
    }
    bytes[p->len] = '\0';
    *out = bytes;
    return 0;
}

void http_page_store_free(http_page_store *s)
{
    for (size_t i = 0; i < s->count; i++)
        page_clear(&s->items[i]);
    free(s->items);
    free((void *)s->by_url);
    if (s->fd >= 0)
        close(s->fd);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
    http_page_store_init(s);
}

/* ---- link targets: each URL fetched once per audit, shared by all workers ---- */

enum { TARGET_PENDING, TARGET_YES, TARGET_NO };

typedef struct target {
    char *url;
    int state;
} target;

typedef struct target_cache {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    target *slots;
    size_t cap, count;
} target_cache;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static target *target_slot(target *slots, size_t cap, const char *url)
{
    size_t i = (size_t)hash_str(url) & (cap - 1);
    while (slots[i].url && strcmp(slots[i].url, url) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* The entry for url, created PENDING when new (*created = 1). Lock held. */
static target *target_get(target_cache *c, const char *url, int *created)
{
    *created = 0;
    if ((c->count + 1) * 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        target *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i].url)
                *target_slot(slots, cap, c->slots[i].url) = c->slots[i];
        free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    target *t = target_slot(c->slots, c->cap, url);
    if (!t->url) {
        if (!(t->url = strdup(url)))
            return NULL;
        t->state = TARGET_PENDING;
        c->count++;
        *created = 1;
    }
    return t;
}

/* ---- the source ---- */

typedef struct http_src {
    source base;
    http_page_store *store;
    http_fetcher *fetcher;
    const http_page **order;   /* the pages sorted by URL, for lookups */
    target_cache targets;
} http_src;

struct source_reader {
    http_src *src;
    char *origin;              /* the origin of the page read last */
    http_page *page;           /* the page read last: only this worker writes its targets */
};

static const http_page *page_by_url(const http_src *s, const char *url)
{
    if (!url)
        return NULL;
    size_t lo = 0, hi = s->store->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const http_page *p = s->order[mid];
        int c = strcmp(p->url, url);
        if (c == 0)
            return p;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int by_url(const void *a, const void *b)
{
    return strcmp((*(const http_page *const *)a)->url, (*(const http_page *const *)b)->url);
}

static int by_path(const void *a, const void *b)
{
    const page_ref *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : strcmp(x->url, y->url);
}

static int http_list(source *base, page_ref_list *out)
{
    http_src *s = (http_src *)base;
    for (size_t i = 0; i < s->store->count; i++) {
        const http_page *p = &s->store->items[i];
        if (page_ref_list_add(out, p->path, p->site_path, p->url, NULL, p->len, NULL) < 0)
            return err_set("out of memory");
    }
    if (out->count)   /* items is NULL when the audit found nothing */
        qsort(out->items, out->count, sizeof *out->items, by_path);
    return 0;
}

static source_reader *http_reader_open(source *base)
{
    source_reader *r = calloc(1, sizeof *r);
    if (r)
        r->src = (http_src *)base;
    return r;
}

static int http_read(source_reader *r, const page_ref *ref, char **bytes_out,
                     size_t *len_out, char **err_out)
{
    *bytes_out = NULL;
    *len_out = 0;
    *err_out = NULL;
    const http_page *p = page_by_url(r->src, ref->url);
    if (p)
        http_page_store_wait(r->src->store, p);
    if (!p || p->kind != HTTP_PAGE_BODY) {
        *err_out = strdup("the page was not fetched");
        return -1;
    }
    if (http_page_store_read(r->src->store, p, bytes_out) < 0) {
        *err_out = strdup(err_last());
        return -1;
    }
    *len_out = p->len;
    /* Link checks of this page (next, on this worker) resolve against its origin. */
    free(r->origin);
    r->origin = http_origin(p->final_url);
    r->page = (http_page *)p;
    return 0;
}

static int check_target(http_src *s, const char *url)
{
    target_cache *c = &s->targets;
    pthread_mutex_lock(&c->lock);
    int created = 0;
    target *t = target_get(c, url, &created);
    if (!t) {
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    if (!created) {
        /* Another worker is fetching it: wait for its answer (slots may move). */
        for (;;) {
            t = target_get(c, url, &created);
            if (!t || t->state != TARGET_PENDING)
                break;
            pthread_cond_wait(&c->changed, &c->lock);
        }
        int yes = t && t->state == TARGET_YES;
        pthread_mutex_unlock(&c->lock);
        return yes;
    }
    pthread_mutex_unlock(&c->lock);
    /* A page of this audit answered 2xx already: no second request. */
    const http_page *known = page_by_url(s, url);
    if (known)
        http_page_store_wait(s->store, known);
    int yes = known && (known->kind == HTTP_PAGE_BODY || known->kind == HTTP_PAGE_REUSED) ? 1
              : http_fetch_check(s->fetcher, url, NULL);
    pthread_mutex_lock(&c->lock);
    t = target_get(c, url, &created);
    if (t)
        t->state = yes ? TARGET_YES : TARGET_NO;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
    return yes;
}

/* Remember what the page's result depends on, once per URL. */
static void note_target(http_page *p, const char *url, int yes)
{
    if (!p || p->targets_lost)
        return;
    size_t have = p->targets ? strlen(p->targets) : 0, n = strlen(url);
    for (const char *line = p->targets; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len == n + 2 && memcmp(line + 2, url, n) == 0)
            return;
        line += len + (end != NULL);
    }
    char *grown = realloc(p->targets, have + n + 4);
    if (!grown) {
        free(p->targets);
        p->targets = NULL;
        p->targets_lost = 1;
        return;
    }
    snprintf(grown + have, n + 4, "%s%d %s", have ? "\n" : "", yes ? 1 : 0, url);
    p->targets = grown;
}

static int http_target_exists(void *reader, const char *site_path)
{
    source_reader *r = reader;
    if (!r || !r->origin || !r->src->fetcher)
        return 0;
    const char *p = site_path ? site_path : "";
    while (*p == '/')
        p++;
    /* site_path is decoded ("a b.html"): encode it back as a URL path. */
    size_t n = strlen(p) + 2;
    char *path = malloc(n), *built = NULL;
    CURLU *u = curl_url();
    if (path && u) {
        snprintf(path, n, "/%s", p);
        if (curl_url_set(u, CURLUPART_URL, r->origin, 0) != CURLUE_OK ||
            curl_url_set(u, CURLUPART_PATH, path, CURLU_URLENCODE) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_URL, &built, 0) != CURLUE_OK)
            built = NULL;
    }
    free(path);
    curl_url_cleanup(u);
    /* The same spelling as the store's page URLs (default port dropped), so one
       target is one cache entry and one request. */
    char *norm = built ? url_normalize(NULL, built) : NULL;
    curl_free(built);
    if (!norm)
        return 0;
    int yes = check_target(r->src, norm);
    note_target(r->page, norm, yes);
    free(norm);
    return yes;
}

static void http_reader_close(source_reader *r)
{
    if (!r)
        return;
    free(r->origin);
    free(r);
}

static void http_free(source *base)
{
    http_src *s = (http_src *)base;
    if (!s)
        return;
    for (size_t i = 0; i < s->targets.cap; i++)
        free(s->targets.slots[i].url);
    free(s->targets.slots);
    pthread_mutex_destroy(&s->targets.lock);
    pthread_cond_destroy(&s->targets.changed);
    free((void *)s->order);
    free(s->base.root);
    free(s);
}

int src_http_open(source **out, http_page_store *store, http_fetcher *f,
                  const char *root, size_t max_bytes)
{
    *out = NULL;
    http_src *s = calloc(1, sizeof *s);
    if (!s)
        return err_set("out of memory");
    pthread_mutex_init(&s->targets.lock, NULL);
    pthread_cond_init(&s->targets.changed, NULL);
    s->store = store;
    s->fetcher = f;
    s->base.list = http_list;
    s->base.reader_open = http_reader_open;
    s->base.read = http_read;
    s->base.target_exists = http_target_exists;
    s->base.reader_close = http_reader_close;
    s->base.free = http_free;
    s->base.max_bytes = max_bytes;
    s->base.kind = "audit";
    s->base.root = strdup(root ? root : "");
    s->order = calloc(store->count ? store->count : 1, sizeof *s->order);
    if (!s->base.root || !s->order) {
        http_free(&s->base);
        return err_set("out of memory");
    }
    for (size_t i = 0; i < store->count; i++)
        s->order[i] = &store->items[i];
    qsort(s->order, store->count, sizeof *s->order, by_url);
    *out = &s->base;
    return 0;
}

int src_http_target_known(source *src, const char *url, int yes)
{
    target_cache *c = &((http_src *)src)->targets;
    pthread_mutex_lock(&c->lock);
    int created = 0;
    target *t = target_get(c, url, &created);
    if (t)
        t->state = yes ? TARGET_YES : TARGET_NO;
    pthread_mutex_unlock(&c->lock);
    return t ? 0 : err_set("out of memory");
}

int src_http_cached(void *ctx, const page_ref *ref, finding_list *out)
{
    http_src *s = ctx;
    const http_page *p = page_by_url(s, ref->url);
    if (!p)
        return 0;
    http_page_store_wait(s->store, p);
    if (p->kind == HTTP_PAGE_BODY)
        return 0;
    if (p->kind == HTTP_PAGE_SKIPPED)
        return 1;   /* not HTML: nothing to check; the audit drops it from the report */
    if (p->kind == HTTP_PAGE_REUSED) {
        for (size_t i = 0; i < p->reused.count; i++)
            if (finding_list_add(out, &p->reused.items[i]) < 0)
                return 0;
        return 1;
    }
    finding f;
    memset(&f, 0, sizeof f);
    f.rule = (char *)RULE_FETCH_ERROR;
    f.message = p->message ? p->message : (char *)"the page could not be fetched";
    f.path = ref->path;
    f.url = ref->url;
    f.sev = SEV_ERROR;
    size_t first = out->count;
    if (finding_list_add(out, &f) < 0)   /* copies the borrowed strings */
        return 0;
    finding_fingerprint_page(out->items + first, out->count - first);
    return 1;
}
