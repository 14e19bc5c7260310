/* audit_run.c: one audit from options to report. Order of work: the config's
 * `audit` table and the rules (setup errors come before any request), sitemaps,
 * page fetches (crawling from them when asked; audit_fetch.c), the check on -j
 * workers over the spilled bodies, drift, the database, the baseline. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "audit_config.h"
#include "audit_drift.h"
#include "audit_run.h"
#include "check.h"
#include "err.h"
#include "progress.h"
#include "run_record.h"
#include "sitemap_loc.h"
#include "url_map.h"

static void iso_time(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int fill_settings(http_settings *s, const audit_options *a, const audit_config *ac,
                         const config *cfg, char ***headers_out)
{
    http_settings_default(s);
    s->user_agent = a->user_agent ? a->user_agent
                  : ac->user_agent ? ac->user_agent : s->user_agent;
    s->timeout = a->timeout;
    s->rate = a->rate;
    s->concurrency = a->concurrency;
    if (cfg && cfg->max_page_bytes)
        s->max_bytes = cfg->max_page_bytes;
    s->cookies = ac->cookies;
    s->ca_file = ac->ca_file;
    size_t n = ac->header_count + a->header_count;
    char **h = calloc(n ? n : 1, sizeof *h);
    if (!h)
        return err_set("out of memory");
    for (size_t i = 0; i < ac->header_count; i++)
        h[i] = ac->headers[i];
    for (size_t i = 0; i < a->header_count; i++) {
        if (!header_safe(a->headers[i])) {
            free(h);
            return err_set("--header: a header must be one line");
        }
        h[ac->header_count + i] = a->headers[i];
    }
    s->headers = h;
    s->header_count = n;
    *headers_out = h;
    return 0;
}

/* `rules = { drift = SEVERITY }`: 1 and the severity when the config sets one. */
static int drift_setting(const config *c, severity *sev)
{
    int set = 0;
    for (size_t i = 0; i < c->rule_count; i++)
        if (strcmp(c->rules[i].id, RULE_DRIFT) == 0 && c->rules[i].has_severity) {
            *sev = c->rules[i].sev;
            set = 1;
        }
    return set;
}

/* The config's severity for drift replaces the warning/info the comparison chose. */
static void apply_drift_setting(report *r, const config *c)
{
    severity sev;
    if (!drift_setting(c, &sev))
        return;
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].rule, RULE_DRIFT) == 0)
            r->findings.items[i].sev = sev;
    for (size_t i = 0; i < r->rule_count; i++)
        if (strcmp(r->rules[i].id, RULE_DRIFT) == 0)
            r->rules[i].sev = sev;
}

static int add_drift_rule(report *r)
{
    for (size_t i = 0; i < r->rule_count; i++)
        if (strcmp(r->rules[i].id, RULE_DRIFT) == 0)
            return 0;
    int any = 0;
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].rule, RULE_DRIFT) == 0)
            any = 1;
    if (!any)
        return 0;
    report_rule *rules = realloc(r->rules, (r->rule_count + 1) * sizeof *rules);
    if (!rules)
        return -1;
    r->rules = rules;
    size_t at = 0;
    while (at < r->rule_count && strcmp(r->rules[at].id, RULE_DRIFT) < 0)
        at++;
    memmove(&r->rules[at + 1], &r->rules[at], (r->rule_count - at) * sizeof *rules);
    report_rule *rr = &r->rules[at];
    memset(rr, 0, sizeof *rr);
    rr->id = strdup(RULE_DRIFT);
    rr->summary = strdup("The live page differs from the page committed at the revision");
    rr->sev = SEV_WARNING;
    r->rule_count++;
    return rr->id && rr->summary ? 0 : -1;
}

static void glob_list(buf *b, const char *what, char **globs, size_t n)
{
    buf_printf(b, "; %s", what);
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s\"%s\"", i ? ", " : " ", globs[i]);
    if (!n)
        buf_puts(b, " (none)");
}

/* An audit that found no page at all is a setup error, never a clean pass: say what
   it was given and what the globs left out. Returns -1 with err_set. */
static int no_page_error(const audit_run *run)
{
    const audit_options *a = run->args;
    buf b = BUF_INIT;
    buf_puts(&b, "no page to audit:");
    for (size_t i = 0; i < a->url_count; i++)
        buf_printf(&b, "%s %s", i ? "," : " URL", a->urls[i]);
    for (size_t i = 0; i < a->sitemap_count; i++)
        buf_printf(&b, "%s %s", i ? "," : a->url_count ? "; sitemap" : " sitemap",
                   a->sitemaps[i]);
    if (a->sitemap_count)
        buf_printf(&b, " (%zu usable page entries)", run->listed);
    if (run->config_globs) {
        glob_list(&b, "include", run->cfg->include, run->cfg->include_count);
        glob_list(&b, "exclude", run->cfg->exclude, run->cfg->exclude_count);
        buf_printf(&b, " from %s (%zu URLs left out)", run->cfg->path, run->out_of_scope);
    }
    if (run->skipped)
        buf_printf(&b, "; %zu answers were not HTML", run->skipped);
    int rc = err_set("%s", b.data ? b.data : "no page to audit");
    buf_free(&b);
    return rc;
}

/* Targets asked about before reusing results are not asked again by the rules. */
static int share_target_answers(const audit_run *run, source *src)
{
    const url_set *sets[] = {&run->targets_no, &run->targets_yes};
    for (int yes = 0; yes < 2; yes++)
        for (size_t i = 0; i < sets[yes]->cap; i++)
            if (sets[yes]->slots[i] && src_http_target_known(src, sets[yes]->slots[i], yes) < 0)
                return -1;
    return 0;
}

static void run_free(audit_run *run)
{
    http_page_store_free(&run->store);
    url_set_free(&run->seen);
    url_set_free(&run->origins);
    url_set_free(&run->targets_yes);
    url_set_free(&run->targets_no);
    sitemap_queue_free(&run->sitemap_urls);
    finding_list_free(&run->sitemap_findings);
    for (size_t i = 0; i < run->seed_count; i++) {
        free(run->seeds[i]);
        free(run->seed_lastmods[i]);
    }
    free(run->seeds);
    free(run->seed_lastmods);
    free(run->info);
}

/* Trust and remember the origin of a seed (config headers and cookies go there;
   crawling stays inside the seeds' origins). */
static int add_origin(audit_run *run, const char *url)
{
    char *origin = http_origin(url);
    if (!origin)
        return err_set("%s: not an http(s) URL", url);
    int rc = url_set_add(&run->origins, origin) < 0 ? err_set("out of memory")
             : http_fetcher_trust(run->fetcher, url);
    free(origin);
    return rc;
}

/* The page fetch, on this thread or on its own. 0, or -1 with err_set. */
static int fetch_pages(audit_run *run)
{
    int show = progress_wanted(run->args->quiet);
    if (http_fetcher_run(run->fetcher, audit_page_done, show ? audit_progress : NULL, run) < 0)
        return -1;
    if (run->failed)
        return err_set("%s", run->failure);
    if (run->disallowed_links)
        audit_note(run, "%zu linked pages disallowed by robots.txt were not crawled",
             run->disallowed_links);
    if (run->skipped)
        audit_note(run, "%zu responses were not HTML and were skipped", run->skipped);
    audit_warn_extensionless(run);   /* crawled links too */
    return 0;
}

static void *fetch_main(void *arg)
{
    audit_run *run = arg;
    run->fetch_rc = fetch_pages(run);
    if (run->fetch_rc < 0)
        snprintf(run->fetch_error, sizeof run->fetch_error, "%s", err_last());
    /* Whatever happened, no worker may wait for a page forever. */
    http_page_store_abandon(&run->store, "not fetched: the audit stopped fetching");
    return NULL;
}

static int fetch_start(audit_run *run)
{
    if (pthread_create(&run->fetch_thread, NULL, fetch_main, run) != 0)
        return err_set("cannot start the fetch thread");
    run->fetch_started = 1;
    return 0;
}

/* Wait for the fetch thread. 0, or -1 with its error. */
static int fetch_join(audit_run *run)
{
    if (!run->fetch_started)
        return 0;
    pthread_join(run->fetch_thread, NULL);
    run->fetch_started = 0;
    return run->fetch_rc < 0 ? err_set("%s", run->fetch_error) : 0;
}

typedef struct url_order {
    char *url, *lastmod, *path;
} url_order;

static int by_report_path(const void *a, const void *b)
{
    const url_order *x = a, *y = b;
    int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
    return c ? c : strcmp(x->url, y->url);
}

/* The order src_http lists pages in (path, then URL). */
static void sort_by_report_path(char **urls, char **lastmods, size_t n)
{
    url_order *o = calloc(n ? n : 1, sizeof *o);
    if (!o)
        return;   /* any order works; this one only helps the overlap */
    for (size_t i = 0; i < n; i++) {
        char *site_path = NULL;
        o[i].url = urls[i];
        o[i].lastmod = lastmods[i];
        if (http_url_paths(urls[i], NULL, &o[i].path, &site_path) < 0)
            o[i].path = NULL;
        free(site_path);
    }
    qsort(o, n, sizeof *o, by_report_path);
    for (size_t i = 0; i < n; i++) {
        urls[i] = o[i].url;
        lastmods[i] = o[i].lastmod;
        free(o[i].path);
    }
    free(o);
}

static int fetch_everything(audit_run *run)
{
    const audit_options *a = run->args;
    run->started_at = audit_now();
    for (size_t i = 0; i < a->sitemap_count; i++) {
        if (add_origin(run, a->sitemaps[i]) < 0)
            return -1;
        char *norm = url_normalize(NULL, a->sitemaps[i]);
        int rc = norm ? audit_queue_sitemap(run, a->sitemaps[i], norm, 0)
                      : err_set("%s: not an http(s) URL", a->sitemaps[i]);
        free(norm);
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < a->url_count; i++) {
        if (add_origin(run, a->urls[i]) < 0)
            return -1;
        if (audit_add_seed(run, a->urls[i], NULL) < 0)
            return err_set("out of memory");
    }
    if (a->sitemap_count &&
        http_fetcher_run(run->fetcher, audit_sitemap_done, NULL, run) < 0)
        return -1;
    if (run->failed)
        return err_set("%s", run->failure);
    if (run->sitemap_repeats)
        audit_note(run, "sitemap index entries naming a sitemap listed before: %zu (each sitemap "
             "was read once)", run->sitemap_repeats);
    if (run->sitemaps_capped)
        audit_note(run, "sitemap indexes list more than %d sitemaps: the rest were not read",
             MAX_SITEMAPS);
    size_t out_of_scope = 0;
    char **chosen = calloc(run->seed_count ? run->seed_count : 1, sizeof *chosen);
    char **lastmods = calloc(run->seed_count ? run->seed_count : 1, sizeof *lastmods);
    size_t n = 0;
    if (!chosen || !lastmods) {
        free(chosen);
        free(lastmods);
        return err_set("out of memory");
    }
    for (size_t i = 0; i < run->seed_count && n < (size_t)a->max_pages; i++) {
        const char *url = run->seeds[i];
        if (!audit_in_scope(run, url)) {
            out_of_scope++;
            continue;
        }
        /* Crawling needs every page's links; the shard filter then applies to what
           is kept. Without it, a shard fetches its own pages only. */
        if (!a->crawl && !audit_in_shard(a, url)) {
            run->elsewhere++;
            continue;
        }
        lastmods[n] = run->seed_lastmods[i];
        chosen[n++] = run->seeds[i];
    }
    if (out_of_scope)
        audit_note(run, "%zu URLs outside the config's include/exclude globs were not fetched",
             out_of_scope);
    audit_warn_extensionless(run);
    run->out_of_scope = out_of_scope;
    int rc = 0;
    if (!a->crawl) {
        /* Known up front: fetch in the order the workers will ask for the pages. */
        sort_by_report_path(chosen, lastmods, n);
        if (http_page_store_reserve(&run->store, chosen, n) < 0)
            rc = -1;
        run->streaming = rc == 0;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (audit_queue_page(run, chosen[i], lastmods[i], 0) < 0)
            rc = -1;
    free(chosen);
    free(lastmods);
    if (rc < 0)
        return -1;
    if (run->streaming)
        return fetch_start(run);
    return fetch_pages(run);
}

static int collect_info(audit_run *run)
{
    for (size_t i = 0; i < run->store.count; i++) {
        const http_page *p = &run->store.items[i];
        if (p->kind == HTTP_PAGE_SKIPPED || p->kind == HTTP_PAGE_PENDING)
            continue;
        audit_page_info *pi = audit_info_add(run);
        if (!pi)
            return err_set("out of memory");
        pi->url = p->url;
        pi->status = p->status;
        pi->lastmod = p->lastmod;
        /* Only a page checked now (or reused) may be reused next time. */
        if (p->kind != HTTP_PAGE_FAILED) {
            pi->etag = p->etag;
            pi->last_modified = p->last_modified;
            pi->links = p->links;
            /* Checked now: no target asked about is "" (known), not unknown. */
            pi->targets = p->targets_lost ? NULL : p->targets ? p->targets : "";
        }
    }
    return 0;
}

/* Non-HTML answers were listed (the list was made before they answered) and
   checked as nothing: they are not pages of the report. */
static int drop_skipped(report *r, const http_page_store *store)
{
    url_set skipped = {0};
    for (size_t i = 0; i < store->count; i++)
        if (store->items[i].kind == HTTP_PAGE_SKIPPED &&
            url_set_add(&skipped, store->items[i].url) < 0) {
            url_set_free(&skipped);
            return -1;
        }
    if (!skipped.count)
        return 0;
    size_t kept = 0;
    for (size_t i = 0; i < r->page_count; i++) {
        page_result *pr = &r->pages[i];
        if (pr->url && url_set_has(&skipped, pr->url)) {
            if (!r->page_pool) {   /* else the pool holds them */
                free(pr->path);
                free(pr->url);
                free(pr->blob);
            }
            continue;
        }
        r->pages[kept++] = *pr;
    }
    r->page_count = kept;
    url_set_free(&skipped);
    report_recount(r);
    return 0;
}


int audit_site(audit_result *out, const audit_options *o, const config *cfg)
{
    int rc = -1;
    ruleset *rs = NULL;
    vfs fs;
    int fs_open = 0;
    audit_config ac;
    memset(&ac, 0, sizeof ac);
    char **headers = NULL;
    audit_run run;
    memset(&run, 0, sizeof run);
    http_page_store_init(&run.store);
    source *src = NULL;
    memset(out, 0, sizeof *out);
    report *r = &out->report;
    audit_drift *drift = NULL;
    char started[32];
    iso_time(started, sizeof started);
    int curl_ready = 0;

    if (audit_config_read(&ac, cfg) < 0)
        goto cleanup;
    if (vfs_fs_open(&fs, cfg->dir ? cfg->dir : ".") < 0)
        goto cleanup;
    fs_open = 1;
    if (ruleset_load(&rs, cfg, &fs) < 0)
        goto cleanup;
    severity drift_sev = SEV_WARNING;
    if (o->against_rev && drift_setting(cfg, &drift_sev) && drift_sev == SEV_OFF)
        fprintf(stderr, "provcheck audit: --against-rev ignored: the config turns drift off\n");
    else if (o->against_rev &&
             audit_drift_open(&drift, o->against_rev, o->maps, o->map_count) < 0)
        goto cleanup;
    if (o->db && audit_db_open(&run.db, o->db, 0) < 0)
        goto cleanup;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set("cannot initialise libcurl");
        goto cleanup;
    }
    curl_ready = 1;
    http_settings hs;
    if (fill_settings(&hs, o, &ac, cfg, &headers) < 0)
        goto cleanup;
    run.args = o;
    run.cfg = cfg;
    run.rs = rs;
    ruleset_reuse_key(rs, run.reuse_key);
    run.config_globs = audit_config_sets_globs(cfg);
    if (!(run.fetcher = http_fetcher_new(&hs)))
        goto cleanup;
    for (size_t i = 0; i < o->url_count; i++) {
        char *origin = http_origin(o->urls[i]);
        free(origin);
        if (!origin) {
            err_set("%s: not an http(s) URL", o->urls[i]);
            goto cleanup;
        }
    }
    if (fetch_everything(&run) < 0)
        goto cleanup;

    char *site = http_origin(o->url_count ? o->urls[0] : o->sitemaps[0]);
    int opened = src_http_open(&src, &run.store, run.fetcher, site ? site : "", hs.max_bytes);
    if (opened < 0 || share_target_answers(&run, src) < 0) {
        free(site);
        goto cleanup;
    }
    check_options co;
    memset(&co, 0, sizeof co);
    co.jobs = o->jobs;
    co.cached = src_http_cached;
    co.cache_ctx = src;
    if (o->before_check)
        o->before_check(o->before_check_ctx, cfg, rs);
    int checked = check_run(r, src, rs, &co);
    if (fetch_join(&run) < 0 || checked < 0 ||
        report_record_run(r, rs, cfg, o->shard_k, o->shard_n, NULL) < 0) {
        free(site);
        goto cleanup;
    }
    if (drop_skipped(r, &run.store) < 0 ||
        sitemap_findings_report(r, &run.sitemap_findings) < 0) {
        free(site);
        err_set("out of memory");
        goto cleanup;
    }
    if (!r->page_count && !run.elsewhere) {
        free(site);
        no_page_error(&run);
        goto cleanup;
    }
    size_t unmapped = 0;
    if (drift) {
        if (audit_drift_run(drift, &run.store, r, &unmapped) < 0 || add_drift_rule(r) < 0) {
            free(site);
            err_set("out of memory comparing with %s", o->against_rev);
            goto cleanup;
        }
        apply_drift_setting(r, cfg);
        report_recount(r);   /* a severity the config chose changes the counts */
        if (unmapped)
            audit_note(&run, "%zu pages are under no --map prefix (listed as drift info findings)",
                 unmapped);
    }
    long long id = 0;
    if (run.db) {
        if (collect_info(&run) < 0) {
            free(site);
            goto cleanup;
        }
        char shard[32];
        snprintf(shard, sizeof shard, "%d/%d", o->shard_k, o->shard_n);
        audit_meta meta = {.site = site ? site : "", .started = started,
                           .ruleset = run.reuse_key, .shard = o->shard_n > 1 ? shard : NULL};
        if (audit_db_store(run.db, &meta, r, run.info, run.info_count, &id) < 0 ||
            (o->compare && audit_db_previous(run.db, meta.site, meta.shard, id, &out->previous) < 0) ||
            (o->compare && audit_db_compare(run.db, out->previous, id, &out->compare) < 0)) {
            free(site);
            goto cleanup;
        }
    }
    free(site);
    rc = 0;
cleanup:
    fetch_join(&run);   /* before anything the fetch thread uses is freed */
    if (src)
        src->free(src);
    http_fetcher_free(run.fetcher);
    audit_db_close(run.db);
    run_free(&run);
    audit_drift_close(drift);
    free(headers);
    audit_config_free(&ac);
    ruleset_free(rs);
    if (fs_open)
        vfs_fs_close(&fs);
    if (curl_ready)
        curl_global_cleanup();
    return rc;
}

void audit_result_free(audit_result *r)
{
    audit_compare_free(&r->compare);
    report_free(&r->report);
}
