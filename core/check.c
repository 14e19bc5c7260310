/* check.c: one check run (check.h): list the pages, keep one shard, check them on
 * a pool of workers, assemble the sorted report.
 *
 * Workers share nothing but the read-only ruleset, the page list and one atomic
 * counter handing out page indexes; each owns an engine and a source reader, and
 * writes the findings of page i into slot i. The report is assembled from the
 * slots in page order and then sorted, so it is the same for any number of jobs.
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
#include <libxml/parser.h>
#include "check.h"
#include "err.h"
#include "sha256.h"

typedef struct run {
    source *src;
    const ruleset *rs;
    const check_options *opt;
    page_ref_list *refs;
    finding_list *slots;      /* one per page, written only by the worker that took it */
    atomic_size_t next;       /* the next page index to hand out */
    atomic_int failed;        /* a worker could not start or ran out of memory */
} run;

typedef struct worker {
    run *run;
    pthread_t thread;
    int started;
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
        free(r->path);
        free(r->site_path);
        free(r->url);
        free(r->error);
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
    f.blob = ref->blob[0] ? (char *)ref->blob : NULL;
    f.sev = SEV_ERROR;
    /* finding_list_add copies every string, so borrowing them here is fine. */
    if (finding_list_add(out, &f) < 0)
        return -1;
    finding_fingerprint_page(out->items, out->count);
    return 0;
}

/* Check page i into its slot. 0, or -1 when out of memory. */
static int check_one(run *rn, engine *eng, source_reader *reader, size_t i)
{
    source *src = rn->src;
    const page_ref *ref = &rn->refs->items[i];
    finding_list *slot = &rn->slots[i];
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
        .blob = ref->blob[0] ? ref->blob : NULL,
        .commit = src->commit[0] ? src->commit : NULL,
    };
    page *p = page_new(&id, bytes, len);   /* owns bytes now, even on failure */
    if (!p)
        return -1;
    page_set_resolver(p, src->target_exists, reader);
    int rc = engine_check_page(eng, p, slot);
    page_free(p);   /* the document and views go before the next page is read */
    if (rc < 0)
        return -1;
    if (slot->cap > slot->count) {
        /* Only findings outlive the page: keep their array no larger than needed. */
        finding *tight = slot->count ? realloc(slot->items, slot->count * sizeof *tight)
                                     : NULL;
        if (!slot->count) {
            free(slot->items);
            slot->items = NULL;
            slot->cap = 0;
        } else if (tight) {
            slot->items = tight;
            slot->cap = slot->count;
        }
    }
    if (opt && opt->store)
        opt->store(opt->cache_ctx, ref, slot);
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
    while (!atomic_load_explicit(&rn->failed, memory_order_relaxed)) {
        size_t i = atomic_fetch_add_explicit(&rn->next, 1, memory_order_relaxed);
        if (i >= rn->refs->count)
            break;
        if (check_one(rn, eng, reader, i) < 0) {
            snprintf(w->error, sizeof w->error, "out of memory while checking %s",
                     rn->refs->items[i].path);
            atomic_store(&rn->failed, 1);
        }
    }
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

static int page_result_cmp(const void *a, const void *b)
{
    return strcmp(((const page_result *)a)->path, ((const page_result *)b)->path);
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

static int assemble(report *out, run *rn)
{
    source *src = rn->src;
    page_ref_list *refs = rn->refs;
    out->kind = strdup(src->kind ? src->kind : "files");
    out->root = strdup(src->root ? src->root : "");
    out->rev = dup_or_null(src->rev);
    out->commit = src->commit[0] ? strdup(src->commit) : NULL;
    if (!out->kind || !out->root || (src->rev && !out->rev) || (src->commit[0] && !out->commit))
        return -1;
    out->pages = calloc(refs->count ? refs->count : 1, sizeof *out->pages);
    if (!out->pages)
        return -1;
    for (size_t i = 0; i < refs->count; i++) {
        page_result *pr = &out->pages[i];
        out->page_count = i + 1;
        pr->path = strdup(refs->items[i].path);
        pr->url = dup_or_null(refs->items[i].url);
        pr->blob = refs->items[i].blob[0] ? strdup(refs->items[i].blob) : NULL;
        if (!pr->path)
            return -1;
    }
    qsort(out->pages, out->page_count, sizeof *out->pages, page_result_cmp);
    size_t total = 0;
    for (size_t i = 0; i < refs->count; i++)
        total += rn->slots[i].count;
    out->findings.items = calloc(total ? total : 1, sizeof *out->findings.items);
    if (!out->findings.items)
        return -1;
    out->findings.cap = total ? total : 1;
    for (size_t i = 0; i < refs->count; i++)
        if (finding_list_splice(&out->findings, &rn->slots[i]) < 0)
            return -1;
    finding_list_sort(&out->findings);
    if (assemble_rules(out, rn->rs) < 0)
        return -1;
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
    if (src->list(src, &refs) < 0) {
        page_ref_list_free(&refs);
        return -1;
    }
    if (shard_n > 1)
        keep_shard(&refs, shard_k, shard_n);

    run rn = {.src = src, .rs = rs, .opt = opt, .refs = &refs};
    atomic_init(&rn.next, 0);
    atomic_init(&rn.failed, 0);
    rn.slots = calloc(refs.count ? refs.count : 1, sizeof *rn.slots);
    int jobs = opt && opt->jobs > 0 ? opt->jobs : default_jobs();
    if ((size_t)jobs > refs.count)
        jobs = refs.count ? (int)refs.count : 1;
    worker *workers = calloc((size_t)jobs, sizeof *workers);
    int rc = -1;
    if (!rn.slots || !workers) {
        err_set("out of memory");
        goto cleanup;
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
    if (assemble(out, &rn) < 0) {
        err_set("out of memory assembling the report");
        report_free(out);
        goto cleanup;
    }
    rc = 0;
cleanup:
    for (size_t i = 0; rn.slots && i < refs.count; i++)
        finding_list_free(&rn.slots[i]);
    free(rn.slots);
    free(workers);
    page_ref_list_free(&refs);
    return rc;
}
