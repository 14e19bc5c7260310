/* audit_fetch.c: what the audit fetches, as the answers come back: the sitemaps
 * (their page entries become seeds, nested indexes are queued once) and the pages
 * (recorded in the store for the check, their links followed with --crawl, a 304
 * reusing the previous audit's result). Runs on the fetcher's callbacks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "audit_run.h"
#include "crawl.h"
#include "err.h"
#include "progress.h"
#include "sha256.h"
#include "sitemap.h"
#include "sitemap_loc.h"
#include "url_map.h"

double audit_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void audit_note(const audit_run *run, const char *fmt, ...)
{
    if (run->args->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("provcheck audit: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void run_fail(audit_run *run, const char *why)
{
    if (!run->failed)
        snprintf(run->failure, sizeof run->failure, "%s", why && *why ? why : "out of memory");
    run->failed = 1;
}

/* The same split as check's --shard, over the URL. */
int audit_in_shard(const audit_options *a, const char *url)
{
    if (a->shard_n <= 1)
        return 1;
    unsigned char digest[32];
    sha256(url, strlen(url), digest);
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = (h << 8) | digest[i];
    return (int)(h % (uint64_t)a->shard_n) == a->shard_k - 1;
}

/* Not a note: pages silently missing from an audit are how a wrong pass happens. */
void audit_warn_extensionless(audit_run *run)
{
    if (!run->extensionless_out || run->extensionless_warned)
        return;
    run->extensionless_warned = 1;
    fprintf(stderr, "provcheck audit: warning: %zu URLs without an extension (such as "
            "/privacy) are outside the include globs of %s and were not audited; set "
            "clean_urls = true (or url_map) so that /privacy is matched as privacy.html\n",
            run->extensionless_out, run->cfg && run->cfg->path ? run->cfg->path : "the config");
}

/* Include/exclude globs apply to URL paths where the config sets them, after the
   config's file <-> URL mapping (url_map.h): with clean_urls, "/privacy" is
   privacy.html and "**" "/" "*.html" takes it in. */
int audit_in_scope(audit_run *run, const char *url)
{
    if (!run->config_globs)
        return 1;
    char *path = NULL, *site_path = NULL;
    if (http_url_paths(url, NULL, &path, &site_path) < 0)
        return 0;
    char *file = url_map_file_for(run->cfg, path);
    int yes = file && config_path_included(run->cfg, file);
    if (!yes && file && url_path_extensionless(file))
        run->extensionless_out++;
    free(file);
    free(path);
    free(site_path);
    return yes;
}

int audit_config_sets_globs(const config *cfg)
{
    if (!cfg || !cfg->path)
        return 0;
    if (cfg->exclude_count)
        return 1;
    static const char *defaults[] = {"**/*.html", "**/*.htm"};
    if (cfg->include_count != 2)
        return 1;
    for (size_t i = 0; i < 2; i++)
        if (strcmp(cfg->include[i], defaults[i]) != 0)
            return 1;
    return 0;
}

int audit_add_seed(audit_run *run, const char *url, const char *lastmod)
{
    char *norm = url_normalize(NULL, url);
    if (!norm)
        return 0;   /* not http(s): sitemaps may list anything */
    int added = url_set_add(&run->seen, norm);
    if (added <= 0) {
        free(norm);
        return added;
    }
    if (run->seed_count == run->seed_cap) {
        size_t cap = run->seed_cap ? run->seed_cap * 2 : 256;
        char **s = realloc(run->seeds, cap * sizeof *s);
        char **l = s ? realloc(run->seed_lastmods, cap * sizeof *l) : NULL;
        if (s)
            run->seeds = s;
        if (!s || !l) {
            free(norm);
            return -1;
        }
        run->seed_lastmods = l;
        run->seed_cap = cap;
    }
    run->seed_lastmods[run->seed_count] = lastmod ? strdup(lastmod) : NULL;
    run->seeds[run->seed_count++] = norm;
    return 1;
}

audit_page_info *audit_info_add(audit_run *run)
{
    if (run->info_count == run->info_cap) {
        size_t cap = run->info_cap ? run->info_cap * 2 : 256;
        audit_page_info *grown = realloc(run->info, cap * sizeof *grown);
        if (!grown)
            return NULL;
        run->info = grown;
        run->info_cap = cap;
    }
    audit_page_info *pi = &run->info[run->info_count++];
    memset(pi, 0, sizeof *pi);
    return pi;
}

/* ---- sitemaps ---- */

/* Keep the findings on sitemap `id` (failure, cycle, unusable entries: all of them
   at once, so they are one report entry). They stay out of the page store, where
   a page of the same URL lives. Like a URL, a sitemap is reported by the one
   shard its normalized URL falls in, the same shard as a page of that URL. */
static void record_sitemap_findings(audit_run *run, size_t id, finding_list *found)
{
    const char *url = id >= 1 && id <= run->sitemap_urls.count
                      ? run->sitemap_urls.urls[id - 1] : NULL;
    if (found->count && url && !audit_in_shard(run->args, url)) {
        run->elsewhere++;
    } else if (found->count) {
        char *path = NULL, *site_path = NULL;
        if (!url || http_url_paths(url, NULL, &path, &site_path) < 0 ||
            sitemap_loc_place(found, path, url) < 0 ||
            finding_list_splice(&run->sitemap_findings, found) < 0)
            run_fail(run, err_last());
        free(path);
        free(site_path);
    }
    finding_list_free(found);
}

/* A sitemap that cannot be used at all: one finding saying why. */
static void sitemap_failed(audit_run *run, size_t id, const char *why)
{
    char msg[600];
    snprintf(msg, sizeof msg, "sitemap: %s", why);
    finding_list found = {0};
    if (sitemap_finding_add(&found, msg) < 0)
        run_fail(run, NULL);
    record_sitemap_findings(run, id, &found);
}

/* Queue a sitemap not queued yet (`norm`: its normalized URL; `parent`: the id of
   the index listing it, 0 when given). 0, or -1 with err_set. */
int audit_queue_sitemap(audit_run *run, const char *url, const char *norm, size_t parent)
{
    long id = sitemap_queue_add(&run->sitemap_urls, norm, parent);
    if (id <= 0)
        return id < 0 ? err_set("out of memory") : 0;
    http_request rq = {.url = url, .any_type = 1, .user = (void *)(uintptr_t)id};
    run->sitemaps++;
    return http_fetcher_add(run->fetcher, &rq);
}

void audit_sitemap_done(void *ctx, const http_result *r, void *user)
{
    audit_run *run = ctx;
    size_t id = (size_t)(uintptr_t)user;
    if (r->outcome != HTTP_OK) {
        sitemap_failed(run, id, r->message ? r->message : "not fetched");
        return;
    }
    sitemap sm;
    char *why = NULL;
    if (sitemap_parse(&sm, r->body, r->len, SITEMAP_MAX_ENTRIES, SITEMAP_MAX_BYTES, &why) < 0) {
        sitemap_failed(run, id, why ? why : "cannot be read");
        free(why);
        return;
    }
    finding_list bad = {0};
    char *final_norm = sm.is_index ? url_normalize(NULL, r->final_url) : NULL;
    char *cycle_to = NULL;   /* the first entry that closes a cycle */
    for (size_t i = 0; i < sm.count; i++) {
        const sitemap_entry *e = &sm.entries[i];
        int unusable = sitemap_loc_check(e->loc, &bad);
        if (unusable < 0)
            run_fail(run, NULL);
        if (unusable)
            continue;
        if (sm.is_index) {
            char *norm = url_normalize(r->final_url, e->loc);
            if (!norm)
                continue;
            int seen = sitemap_queue_classify(&run->sitemap_urls, id, final_norm, norm);
            if (seen == SITEMAP_CYCLE) {
                if (!cycle_to && !(cycle_to = strdup(norm)))
                    run_fail(run, NULL);
            } else if (seen == SITEMAP_REPEAT) {
                run->sitemap_repeats++;
            } else if (run->sitemaps >= MAX_SITEMAPS) {
                run->sitemaps_capped = 1;
            } else if (audit_queue_sitemap(run, norm, norm, id) < 0) {
                run_fail(run, err_last());
            }
            free(norm);
        } else {
            run->listed++;
            if (audit_add_seed(run, e->loc, e->lastmod) < 0)
                run_fail(run, NULL);
        }
    }
    if (cycle_to) {
        /* A finding on the index, like any sitemap that cannot be used as it is:
           its pages are still audited, each sitemap read once. */
        char *asked = url_normalize(NULL, r->url);
        int self = strcmp(cycle_to, final_norm ? final_norm : "") == 0 ||
                   strcmp(cycle_to, asked ? asked : "") == 0;
        free(asked);
        char msg[600];
        if (self)
            snprintf(msg, sizeof msg, "sitemap: the index lists itself (a cycle): not "
                     "fetched again");
        else
            snprintf(msg, sizeof msg, "sitemap: the index lists %.400s, an index that led "
                     "to it (a cycle): not fetched again", cycle_to);
        if (sitemap_finding_add(&bad, msg) < 0)
            run_fail(run, NULL);
    }
    free(cycle_to);
    free(final_norm);
    sitemap_free(&sm);
    record_sitemap_findings(run, id, &bad);
}

/* ---- pages ---- */

void audit_progress(void *ctx, size_t done, size_t queued)
{
    audit_run *run = ctx;
    progress_draw("provcheck audit: fetched", done, queued, audit_now() - run->started_at);
}

/* Whether `url` answers 2xx now; each URL asked once per audit. -1 out of memory. */
static int target_answer(audit_run *run, const char *url)
{
    if (url_set_has(&run->targets_yes, url))
        return 1;
    if (url_set_has(&run->targets_no, url))
        return 0;
    int yes = http_fetch_check(run->fetcher, url, NULL);
    return url_set_add(yes ? &run->targets_yes : &run->targets_no, url) < 0 ? -1 : yes;
}

/* Whether every link target in `targets` ("1 URL" / "0 URL" a line) answers as
   it did; 0 when they are unknown (NULL). */
static int targets_unchanged(audit_run *run, const char *targets)
{
    if (!targets)
        return 0;
    for (const char *line = targets; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len < 3 || line[1] != ' ')
            return 0;
        char *url = strndup(line + 2, len - 2);
        int now = url ? target_answer(run, url) : -1;
        free(url);
        if (now < 0 || now != (line[0] == '1'))
            return 0;
        line += len + (end != NULL);
    }
    return 1;
}

int audit_queue_page(audit_run *run, const char *url, const char *lastmod, int crawled)
{
    page_job *pj = calloc(1, sizeof *pj);
    if (!pj)
        return -1;
    pj->crawled = crawled;
    pj->lastmod = lastmod ? strdup(lastmod) : NULL;
    http_request rq = {.url = url, .user = pj};
    char *etag = NULL, *lm = NULL;
    int rc = 0;
    if (run->db && !run->args->against_rev) {
        long long id = 0;
        rc = audit_db_cache_get(run->db, url, run->reuse_key, &etag, &lm, &id);
        if (rc > 0)
            rc = audit_db_page_memory(run->db, id, url, &pj->links, &pj->targets);
        /* Ask "unchanged?" only when the old result still holds for an unchanged
           page: a crawl needs its links on record, and every link target its
           rules asked about must answer as it did. Else download it again. */
        if (rc > 0 && ((run->args->crawl && !pj->links) || !targets_unchanged(run, pj->targets)))
            rc = 0;
        if (rc > 0) {
            rq.etag = etag;
            rq.last_modified = lm;
            pj->cache_audit = id;
        }
    }
    if (rc >= 0)
        rc = http_fetcher_add(run->fetcher, &rq);
    free(etag);
    free(lm);
    if (rc < 0) {
        free(pj->lastmod);
        free(pj->links);
        free(pj->targets);
        free(pj);
        return -1;
    }
    run->queued++;
    return 0;
}

static void follow_links(audit_run *run, char **links, size_t count)
{
    for (size_t i = 0; i < count && run->queued < (size_t)run->args->max_pages; i++) {
        char *origin = http_origin(links[i]);
        int inside = origin && url_set_has(&run->origins, origin);
        free(origin);
        if (!inside || !audit_in_scope(run, links[i]))
            continue;
        int added = url_set_add(&run->seen, links[i]);
        if (added < 0 || (added == 1 && audit_queue_page(run, links[i], NULL, 1) < 0))
            run_fail(run, err_last());
    }
}

/* Queue the links of a fetched page; returns them one a line for the database
   (malloc'd; NULL when out of memory, then the run has failed). */
static char *crawl_from(audit_run *run, const http_result *r)
{
    char **links = NULL;
    size_t count = 0;
    if (crawl_links(r->final_url, r->body, r->len, &links, &count) < 0) {
        run_fail(run, NULL);
        return NULL;
    }
    follow_links(run, links, count);
    buf joined = BUF_INIT;
    for (size_t i = 0; i < count; i++)
        buf_printf(&joined, "%s%s", i ? "\n" : "", links[i]);
    crawl_links_free(links, count);
    char *out = buf_detach(&joined, NULL);
    if (!out)
        run_fail(run, NULL);
    return out;
}

/* Queue the links an earlier audit recorded for a page that answered 304. */
static void crawl_recorded(audit_run *run, const char *recorded)
{
    char *copy = strdup(recorded ? recorded : "");
    size_t count = 0, cap = 1;
    for (const char *c = recorded ? recorded : ""; *c; c++)
        cap += *c == '\n';
    char **links = copy ? calloc(cap, sizeof *links) : NULL;
    if (!links) {
        free(copy);
        run_fail(run, NULL);
        return;
    }
    for (char *line = copy, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        links[count++] = line;
    }
    follow_links(run, links, count);
    free(links);
    free(copy);
}

/* Record one page's outcome: a new entry, or the reserved one when streaming. */
static http_page *record(audit_run *run, const http_result *r, http_page_kind kind,
                         const char *message)
{
    http_page *p = run->streaming
        ? http_page_store_fill(&run->store, r->url, r->final_url, kind, r->status, message,
                               r->body, r->len)
        : http_page_store_add(&run->store, r->url, r->final_url, kind, r->status, message,
                              r->body, r->len);
    if (!p)
        run_fail(run, err_last());
    return p;
}

void audit_page_done(void *ctx, const http_result *r, void *user)
{
    audit_run *run = ctx;
    page_job *pj = user;
    /* Without --crawl only this shard's pages are asked for; with it every page is
       fetched for its links, the URLs and sitemap entries given included, and
       kept by the shard its URL falls in only (shard reports never overlap). */
    int keep = audit_in_shard(run->args, r->url);
    if (!keep && r->outcome != HTTP_NOT_HTML)
        run->elsewhere++;
    http_page *p = NULL;
    char *links = NULL;
    switch (r->outcome) {
    case HTTP_OK:
        if (run->args->crawl)
            links = crawl_from(run, r);
        if (keep)
            p = record(run, r, HTTP_PAGE_BODY, NULL);
        break;
    case HTTP_NOT_MODIFIED:
        /* Unchanged, so its links are those on record: the crawl goes on. */
        if (run->args->crawl) {
            crawl_recorded(run, pj->links);
            links = pj->links;
            pj->links = NULL;
        }
        if (!keep)
            break;
        p = record(run, r, HTTP_PAGE_REUSED, NULL);
        if (p) {
            p->targets = pj->targets;   /* what the reused result still depends on */
            pj->targets = NULL;
        }
        if (p && (!run->db ||
                  audit_db_findings_for_url(run->db, pj->cache_audit, r->url, &p->reused) < 0))
            run_fail(run, err_last());
        break;
    case HTTP_NOT_HTML:
        run->skipped++;
        audit_note(run, "%s: %s", r->url, r->message);
        if (run->streaming)
            p = record(run, r, HTTP_PAGE_SKIPPED, r->message);
        break;
    case HTTP_DISALLOWED:
        /* A page asked for by name or by a sitemap must be accounted for; a link
           found while crawling is simply not followed. */
        if (pj->crawled)
            run->disallowed_links++;
        else if (keep)
            p = record(run, r, HTTP_PAGE_FAILED, r->message);
        break;
    case HTTP_FAILED:
    case HTTP_BLOCKED:
        if (keep)
            p = record(run, r, HTTP_PAGE_FAILED, r->message);
        break;
    }
    if (p) {
        p->lastmod = pj->lastmod;
        pj->lastmod = NULL;
        p->links = links;
        links = NULL;
        if (r->outcome == HTTP_OK || r->outcome == HTTP_NOT_MODIFIED) {
            p->etag = r->etag ? strdup(r->etag) : NULL;
            p->last_modified = r->last_modified ? strdup(r->last_modified) : NULL;
        }
        if (run->streaming)
            http_page_store_ready(&run->store, p);
    }
    free(links);
    free(pj->lastmod);
    free(pj->links);
    free(pj->targets);
    free(pj);
}

