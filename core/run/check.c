/* check.c: one check run (check.h): list the pages, keep one shard, check them on
 * a pool of workers, assemble the sorted report.
 *
 * Workers share nothing but the read-only ruleset, the page list and one atomic
 * counter handing out page indexes; each owns an engine, a source reader and its
 * own list of findings. Which worker checked which page does not matter: the
 * merged findings are sorted by a total order (finding_compare: path, position,
 * rule, message, then the fingerprint, which numbers a page's look-alike
 * findings), so the report is the same bytes for any number of jobs. One list
 * per worker rather than one per page keeps memory flat in the number of pages.
 *
 * Shards: page P belongs to shard K of N when the first 8 bytes of SHA-256(P's
 * report path), read big-endian, modulo N equal K-1. That depends on nothing but
 * the path, so every page lands in exactly one shard on every machine. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <libxml/parser.h>
#include "url_map.h"
#include "check.h"
#include "datetime.h"
#include "err.h"
#include "sha256.h"

/* What a worker needs of a page besides its page_result. Most pages need
 * nothing more (files mode, no page-error), and then there is no array at all:
 * a page costs one record and one path string while the run lasts. */
typedef struct page_extra {
    char *site_path;          /* NULL: the same as the report path */
    char *error;              /* the source's page-error message, or NULL */
} page_extra;

typedef struct run {
    source *src;
    const ruleset *rs;
    const check_options *opt;
    const page_result *pages; /* the report's pages, sorted by path */
    page_extra *extra;        /* parallel to pages, or NULL when every page needs none */
    size_t count;
    atomic_size_t next;       /* the next page index to hand out */
    atomic_int failed;        /* a worker could not start or ran out of memory */
    atomic_size_t done;       /* pages finished, for the progress hook */
    atomic_int clock_read;    /* a rule called page:now(): the report records the clock */
    const char *commit;       /* the report's commit, or NULL */
    int pooled;               /* the pages' strings are in the report's page_pool */
} run;

typedef struct worker {
    run *run;
    pthread_t thread;
    int started;
    finding_list found;       /* every finding of the pages this worker checked */
    strpool *text_pool;       /* their rules and messages (the report's) */
    char error[256];          /* err_last() is per thread: a failing worker copies it */
} worker;

static int shard_of(const char *path, int count)
{
    unsigned char digest[32];
    sha256(path, strlen(path), digest);
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = (h << 8) | digest[i];
    return (int)(h % (uint64_t)count);
}

/* Keep only the pages of shard K (1-based) of N, in order. */
static void keep_shard(page_ref_list *refs, int k, int n)
{
    size_t kept = 0;
    for (size_t i = 0; i < refs->count; i++) {
        page_ref *r = &refs->items[i];
        if (shard_of(r->path, n) == k - 1) {
            refs->items[kept++] = *r;
            continue;
        }
        page_ref_clear(r);
    }
    refs->count = kept;
}

static int add_page_error(finding_list *out, const source *src, const page_ref *ref,
                          const char *message)
{
    finding f = {0};
    f.rule = (char *)RULE_PAGE_ERROR;
    f.message = (char *)(message ? message : "the page cannot be checked");
    f.path = ref->path;
    f.url = ref->url;
    f.commit = src->commit[0] ? (char *)src->commit : NULL;
    f.blob = ref->blob;
    f.sev = SEV_ERROR;
    /* finding_list_add copies every string, so borrowing them here is fine. */
    if (finding_list_add(out, &f) < 0)
        return -1;
    finding_fingerprint_page(out->items, out->count);
    return 0;
}

/* Check page i into `slot` (empty on entry). 0, or -1 when out of memory. */
/* A link written as a URL ("/news/x") names the file the config's url_map or
   clean_urls maps it to (news/x.html): files mode resolves it the same way. */
typedef struct mapped_resolver {
    int (*exists)(void *reader, const char *site_path);
    void *reader;
    const config *cfg;
} mapped_resolver;

static int mapped_target_exists(void *ctx, const char *site_path)
{
    mapped_resolver *mr = ctx;
    if (mr->exists(mr->reader, site_path))
        return 1;
    size_t n = strlen(site_path);
    char *url_path = malloc(n + 2);
    if (!url_path)
        return 0;
    snprintf(url_path, n + 2, "/%s", site_path);
    char *file = url_map_file_for(mr->cfg, url_path);
    int yes = file && strcmp(file, site_path) != 0 && mr->exists(mr->reader, file);
    free(file);
    free(url_path);
    return yes;
}

static int check_one(run *rn, engine *eng, source_reader *reader, size_t i,
                     finding_list *slot)
{
    source *src = rn->src;
    const page_result *pr = &rn->pages[i];
    static const page_extra none = {NULL, NULL};
    const page_extra *ex = rn->extra ? &rn->extra[i] : &none;
    page_ref this_ref = {
        .path = pr->path,
        .site_path = ex->site_path ? ex->site_path : pr->path,
        .url = pr->url,
        .error = ex->error,
        .blob = pr->blob,   /* borrowed, like the rest: this_ref is never cleared */
    };
    const page_ref *ref = &this_ref;
    const check_options *opt = rn->opt;
    if (ref->error)
        return add_page_error(slot, src, ref, ref->error);
    if (opt && opt->cached && opt->cached(opt->cache_ctx, ref, slot) == 1)
        return 0;
    char *bytes = NULL, *err = NULL;
    size_t len = 0;
    if (src->read(reader, ref, &bytes, &len, &err) < 0) {
        int rc = add_page_error(slot, src, ref, err);
        free(err);
        free(bytes);
        return rc;
    }
    free(err);
    page_identity id = {
        .path = ref->path,
        .site_path = ref->site_path,
        .url = ref->url,
        .blob = ref->blob,
        .commit = src->commit[0] ? src->commit : NULL,
    };
    page *p = page_new(&id, bytes, len);   /* owns bytes now, even on failure */
    if (!p)
        return -1;
    const config *cfg = rn->rs ? rn->rs->cfg : NULL;
    mapped_resolver mr = {src->target_exists, reader, cfg};
    if (!ref->url && cfg && (cfg->clean_urls || cfg->url_map_count))
        page_set_resolver(p, mapped_target_exists, &mr);
    else
        page_set_resolver(p, src->target_exists, reader);
    int rc = engine_check_page(eng, p, slot);
    page_free(p);   /* the document and views go before the next page is read */
    if (rc < 0)
        return -1;
    if (engine_page_read_clock(eng))
        atomic_store_explicit(&rn->clock_read, 1, memory_order_relaxed);
    if (opt && opt->store && engine_page_reusable(eng))
        opt->store(opt->cache_ctx, ref, slot);
    return 0;
}

/* The report's string for a finding's copy of an id, or NULL when the copy is
   not the same (then the finding keeps its own). */
static int same_id(const char *own, const char *report_s)
{
    return !own || (report_s && strcmp(own, report_s) == 0);
}

/* Point a page's findings at the report's path, blob and commit instead of a copy
 * in each: on a large site the kept findings were a third of what grew with the
 * page count. Audit pages are left alone (an audit drops pages from its report). */
static void share_ids(finding_list *page_found, const page_result *pr, const char *commit)
{
    if (pr->url)
        return;
    for (size_t i = 0; i < page_found->count; i++) {
        finding *f = &page_found->items[i];
        if (f->shares_ids || !same_id(f->path, pr->path) || !same_id(f->blob, pr->blob) ||
            !same_id(f->commit, commit))
            continue;
        if (f->path) {
            free(f->path);
            f->path = pr->path;
        }
        if (f->blob) {
            free(f->blob);
            f->blob = pr->blob;
        }
        if (f->commit) {
            free(f->commit);
            f->commit = (char *)commit;
        }
        f->shares_ids = 1;
    }
}

/* A MiB: its own mapping (main.c sets the threshold), pages touched as filled */
#define TEXT_POOL_BLOCK ((size_t)1 << 20)

/* Copy the page's findings' rule and message into the worker's pool, freeing
 * their own allocations now, while the page's are freed too: a finding that could
 * not be copied (out of memory) keeps its own. */
static void pool_texts(finding_list *page_found, strpool *pool)
{
    for (size_t i = 0; pool && i < page_found->count; i++) {
        finding *f = &page_found->items[i];
        if (f->pooled_text || !f->rule || !f->message)
            continue;
        char *rule = strpool_dup(pool, f->rule);
        char *message = rule ? strpool_dup(pool, f->message) : NULL;
        if (!message)
            continue;   /* what was copied stays in the pool, unused */
        free(f->rule);
        free(f->message);
        f->rule = rule;
        f->message = message;
        f->pooled_text = 1;
    }
}

/* Move the page's findings to the worker's list; the page list keeps its array for
 * the next page. */
static int keep_findings(finding_list *dst, finding_list *page_found)
{
    if (!page_found->count)
        return 0;
    if (dst->cap - dst->count < page_found->count) {
        size_t cap = dst->cap ? dst->cap : 64;
        while (cap - dst->count < page_found->count)
            cap *= 2;
        finding *items = realloc(dst->items, cap * sizeof *items);
        if (!items)
            return -1;
        dst->items = items;
        dst->cap = cap;
    }
    memcpy(dst->items + dst->count, page_found->items,
           page_found->count * sizeof *page_found->items);
    dst->count += page_found->count;
    page_found->count = 0;
    return 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    run *rn = w->run;
    engine *eng = engine_new(rn->rs);
    source_reader *reader = eng ? rn->src->reader_open(rn->src) : NULL;
    if (!eng || !reader) {
        snprintf(w->error, sizeof w->error, "%s",
                 eng ? "out of memory opening a page reader" : err_last());
        if (!w->error[0])
            snprintf(w->error, sizeof w->error, "cannot start a rule engine");
        atomic_store(&rn->failed, 1);
        engine_free(eng);
        return NULL;
    }
    finding_list page_found = {0};
    while (!atomic_load_explicit(&rn->failed, memory_order_relaxed)) {
        size_t i = atomic_fetch_add_explicit(&rn->next, 1, memory_order_relaxed);
        if (i >= rn->count)
            break;
        int checked = check_one(rn, eng, reader, i, &page_found);
        if (checked == 0) {
            share_ids(&page_found, &rn->pages[i], rn->commit);
            pool_texts(&page_found, w->text_pool);
        }
        if (checked < 0 || keep_findings(&w->found, &page_found) < 0) {
            snprintf(w->error, sizeof w->error, "out of memory while checking %s",
                     rn->pages[i].path);
            atomic_store(&rn->failed, 1);
        }
        size_t done = atomic_fetch_add_explicit(&rn->done, 1, memory_order_relaxed) + 1;
        if (rn->opt && rn->opt->progress)
            rn->opt->progress(rn->opt->progress_ctx, done, rn->count - done);
    }
    finding_list_free(&page_found);
    rn->src->reader_close(reader);
    engine_free(eng);
    return NULL;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n > 1024 ? 1024 : n) : 1;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int report_rule_cmp(const void *a, const void *b)
{
    return strcmp(((const report_rule *)a)->id, ((const report_rule *)b)->id);
}

static int rules_have(const report *r, size_t count, const char *id)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(r->rules[i].id, id) == 0)
            return 1;
    return 0;
}

/* rules[]: every rule that ran, plus the core's pseudo rules that reported. */
static int assemble_rules(report *out, const ruleset *rs)
{
    static const struct { const char *id, *summary; } core_rules[] = {
        {RULE_PAGE_ERROR, "The page could not be read or parsed"},
        {RULE_RULE_ERROR, "A rule failed or ran out of its limits on the page"},
        {RULE_FETCH_ERROR, "The page could not be fetched"},
        {RULE_UNUSED_SUPPRESSION, "An inline suppression that suppressed nothing"},
    };
    size_t ncore = sizeof core_rules / sizeof core_rules[0];
    size_t cap = (rs ? rs->count : 0) + ncore;
    out->rules = calloc(cap ? cap : 1, sizeof *out->rules);
    if (!out->rules)
        return -1;
    size_t n = 0;
    for (size_t i = 0; rs && i < rs->count; i++) {
        if (rs->base_sev[i] == SEV_OFF)
            continue;
        report_rule *rr = &out->rules[n++];
        rr->id = strdup(rs->rules[i].id);
        rr->summary = dup_or_null(rs->rules[i].summary);
        rr->docs = dup_or_null(rs->rules[i].docs);
        rr->url = dup_or_null(rs->rules[i].url);
        rr->sev = rs->base_sev[i];
        out->rule_count = n;
        if (!rr->id)
            return -1;
    }
    for (size_t c = 0; c < ncore; c++) {
        if (rules_have(out, n, core_rules[c].id))
            continue;
        severity sev = SEV_OFF;
        for (size_t i = 0; i < out->findings.count; i++) {
            const finding *f = &out->findings.items[i];
            if (f->rule && strcmp(f->rule, core_rules[c].id) == 0 && f->sev > sev)
                sev = f->sev;
        }
        if (sev == SEV_OFF)
            continue;
        report_rule *rr = &out->rules[n++];
        rr->id = strdup(core_rules[c].id);
        rr->summary = strdup(core_rules[c].summary);
        rr->sev = sev;
        out->rule_count = n;
        if (!rr->id || !rr->summary)
            return -1;
    }
    qsort(out->rules, n, sizeof *out->rules, report_rule_cmp);
    return 0;
}

static int page_ref_path_cmp(const void *a, const void *b)
{
    return strcmp(((const page_ref *)a)->path, ((const page_ref *)b)->path);
}

/* Turn the page list into the report's pages plus the workers' extras, moving the
 * strings; the list is left empty. 0 or -1 (out of memory). */
static int compact_pages(report *out, run *rn, page_ref_list *refs)
{
    size_t n = refs->count;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs->items[i - 1].path, refs->items[i].path) > 0) {
            qsort(refs->items, n, sizeof *refs->items, page_ref_path_cmp);
            break;
        }
    }
    int need_extras = 0;
    for (size_t i = 0; i < n && !need_extras; i++)
        need_extras = refs->items[i].site_path != refs->items[i].path || refs->items[i].error;
    out->pages = calloc(n ? n : 1, sizeof *out->pages);
    rn->extra = need_extras ? calloc(n, sizeof *rn->extra) : NULL;
    if (!out->pages || (need_extras && !rn->extra))
        return -1;
    out->page_pool = refs->pool;   /* the strings moved below live there, if set */
    refs->pool = NULL;
    rn->pooled = out->page_pool != NULL;
    for (size_t i = 0; i < n; i++) {
        page_ref *ref = &refs->items[i];
        page_result *pr = &out->pages[i];
        pr->blob = ref->blob;
        pr->path = ref->path;
        pr->url = ref->url;
        if (rn->extra) {
            rn->extra[i].site_path = ref->site_path == ref->path ? NULL : ref->site_path;
            rn->extra[i].error = ref->error;
        }
        memset(ref, 0, sizeof *ref);   /* owned by the report and extras now */
        out->page_count = i + 1;
        rn->count = i + 1;
    }
    page_ref_list_free(refs);
    rn->pages = out->pages;
    rn->count = n;
    return 0;
}

static void free_extras(page_extra *extra, size_t count, int pooled)
{
    for (size_t i = 0; extra && !pooled && i < count; i++) {
        free(extra[i].site_path);
        free(extra[i].error);
    }
    free(extra);
}

static int assemble(report *out, run *rn, worker *workers, int jobs)
{
    source *src = rn->src;
    out->kind = strdup(src->kind ? src->kind : "files");
    out->root = strdup(src->root ? src->root : "");
    out->rev = dup_or_null(src->rev);
    if (!out->kind || !out->root || (src->rev && !out->rev))
        return -1;
    /* The page texts are gone; only findings remain. */
    free_extras(rn->extra, rn->count, rn->pooled);
    rn->extra = NULL;
    for (int j = 0; j < jobs; j++)
        if (finding_list_splice(&out->findings, &workers[j].found) < 0)
            return -1;
    finding_list_sort(&out->findings);
    if (assemble_rules(out, rn->rs) < 0)
        return -1;
    /* The clock decides findings only where a rule read it, or where the user set it:
       then it is recorded so the run can be reproduced with --now. Otherwise the
       report stays the same bytes from one run to the next. */
    const config *cfg = rn->rs ? rn->rs->cfg : NULL;
    if (cfg && (cfg->now_origin != CONFIG_NOW_START || atomic_load(&rn->clock_read))) {
        char when[40];
        datetime_format(cfg->now, when);
        if (!(out->now = strdup(when)))
            return -1;
    }
    report_recount(out);
    return 0;
}

int check_run(report *out, source *src, const ruleset *rs, const check_options *opt)
{
    memset(out, 0, sizeof *out);
    int shard_k = opt ? opt->shard_index : 0, shard_n = opt ? opt->shard_count : 0;
    if (shard_n && (shard_k < 1 || shard_k > shard_n))
        return err_set("--shard %d/%d: K must be between 1 and N", shard_k, shard_n);
    page_ref_list refs = {0};
    /* One pool for the page list's strings, kept by the report. Not for an audit
       (it drops pages from its report) nor a shard (most of the list is dropped). */
    if (shard_n <= 1 && !(src->kind && strcmp(src->kind, "audit") == 0) &&
        !(refs.pool = strpool_new())) {
        return err_set("out of memory");
    }
    if (src->list(src, &refs) < 0) {
        page_ref_list_free(&refs);
        return -1;
    }
    if (shard_n > 1)
        keep_shard(&refs, shard_k, shard_n);

    run rn = {.src = src, .rs = rs, .opt = opt};
    atomic_init(&rn.next, 0);
    atomic_init(&rn.failed, 0);
    atomic_init(&rn.done, 0);
    atomic_init(&rn.clock_read, 0);
    worker *workers = NULL;
    int jobs = 0, rc = -1;
    /* set before the pages are checked: their findings share it */
    out->commit = src->commit[0] ? strdup(src->commit) : NULL;
    rn.commit = out->commit;
    if (compact_pages(out, &rn, &refs) < 0 || (src->commit[0] && !out->commit)) {
        err_set("out of memory");
        goto cleanup;
    }
    jobs = opt && opt->jobs > 0 ? opt->jobs : default_jobs();
    if ((size_t)jobs > rn.count)
        jobs = rn.count ? (int)rn.count : 1;
    workers = calloc((size_t)jobs, sizeof *workers);
    out->text_pools = calloc((size_t)jobs, sizeof *out->text_pools);
    if (!workers || !out->text_pools) {
        err_set("out of memory");
        goto cleanup;
    }
    /* the report owns the pools from the start: on any failure report_free frees
       them, and the workers' findings free nothing in them */
    for (int j = 0; j < jobs; j++) {
        if (!(out->text_pools[j] = strpool_new_blocks(TEXT_POOL_BLOCK))) {
            err_set("out of memory");
            goto cleanup;
        }
        out->text_pool_count = (size_t)j + 1;
        workers[j].text_pool = out->text_pools[j];
    }
    /* libxml2 sets up its globals once, before any thread parses. */
    xmlInitParser();
    for (int j = 0; j < jobs; j++)
        workers[j].run = &rn;
    /* The calling thread is worker 0; the others get threads of their own. */
    for (int j = 1; j < jobs; j++)
        workers[j].started = pthread_create(&workers[j].thread, NULL, worker_main,
                                            &workers[j]) == 0;
    worker_main(&workers[0]);
    for (int j = 1; j < jobs; j++)
        if (workers[j].started)
            pthread_join(workers[j].thread, NULL);
    if (atomic_load(&rn.failed)) {
        for (int j = 0; j < jobs; j++) {
            if (workers[j].error[0]) {
                err_set("%s", workers[j].error);
                break;
            }
        }
        goto cleanup;
    }
    if (assemble(out, &rn, workers, jobs) < 0) {
        err_set("out of memory assembling the report");
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc < 0)
        report_free(out);
    free_extras(rn.extra, rn.count, rn.pooled);
    for (int j = 0; workers && j < jobs; j++)
        finding_list_free(&workers[j].found);
    free(workers);
    page_ref_list_free(&refs);
#ifdef __GLIBC__
    /* The page list, worker lists and parse leftovers are freed now; hand the pages back
       before the report is rendered, so peak memory stays flat in the page count. */
    malloc_trim(0);
#endif
    return rc;
}
