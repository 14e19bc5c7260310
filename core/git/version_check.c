/* version_check.c: checking one version of a page as of a commit (used by blame
 * and history): the target's ruleset on the blob, links resolving against that
 * commit's tree. A version whose blob and link answers equal the previous one
 * reuses its result, every version goes through the result cache, and a window of
 * older versions can be checked ahead on all CPUs (prefetch). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "err.h"
#include "target.h"
#include "result_cache.h"
#include "version_check.h"


struct version_checker {
    git_target_state *s;
    const ruleset *rs;
    engine *eng;
    size_t max_bytes;
    /* the previous answer, reused while blob and link answers hold */
    char last_path[4096];
    git_oid last_blob;
    int have_last;
    finding_list last;
    dep_log last_deps;
    /* prefetch workers: an engine and a repository handle each, made on first use */
    int jobs;
    engine **engines;
    git_repository **repos;
};

typedef struct tree_resolver {
    git_tree *tree;
    const char *prefix;
    dep_log *deps;
} tree_resolver;

static int resolver_exists(void *ctx, const char *site_path)
{
    tree_resolver *tr = ctx;
    int exists = git_tree_site_exists(tr->tree, tr->prefix, site_path);
    dep_log_add(tr->deps, site_path ? site_path : "", exists);
    return exists;
}

static int tree_exists(void *ctx, const char *site_path)
{
    tree_resolver *tr = ctx;
    return git_tree_site_exists(tr->tree, tr->prefix, site_path);
}

version_checker *version_checker_new(git_target_state *s, const ruleset *rs)
{
    version_checker *vc = calloc(1, sizeof *vc);
    if (!vc) {
        err_set("out of memory");
        return NULL;
    }
    vc->s = s;
    vc->rs = rs;
    vc->eng = engine_new(rs);
    if (!vc->eng) {
        free(vc);
        return NULL;
    }
    vc->max_bytes = s->src && s->src->max_bytes ? s->src->max_bytes : 16u << 20;
    return vc;
}

void version_checker_set_jobs(version_checker *vc, int jobs)
{
    vc->jobs = jobs;
}

void version_checker_free(version_checker *vc)
{
    if (!vc)
        return;
    engine_free(vc->eng);
    for (int i = 0; vc->engines && i < vc->jobs; i++) {
        engine_free(vc->engines[i]);
        git_repository_free(vc->repos[i]);
    }
    free(vc->engines);
    free(vc->repos);
    finding_list_free(&vc->last);
    dep_log_free(&vc->last_deps);
    free(vc);
}

static const char *site_path_of(const git_target_state *s, const char *path)
{
    size_t n = strlen(s->site_prefix);
    if (n && strncmp(path, s->site_prefix, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static int copy_findings(finding_list *dst, const finding_list *src, const char *commit)
{
    for (size_t i = 0; i < src->count; i++) {
        finding f = src->items[i];
        f.commit = (char *)commit;
        if (finding_list_add(dst, &f) < 0)
            return -1;
    }
    return 0;
}

static int deps_hold_in(const dep_log *deps, git_tree *tree, const char *prefix)
{
    for (size_t i = 0; i < deps->count; i++)
        if (git_tree_site_exists(tree, prefix, deps->items[i].site_path) !=
            deps->items[i].exists)
            return 0;
    return 1;
}

static int add_page_error(finding_list *out, const char *path, const char *commit,
                          const char *blob, const char *message)
{
    finding f = {0};
    f.rule = (char *)RULE_PAGE_ERROR;
    f.message = (char *)message;
    f.path = (char *)path;
    f.commit = (char *)commit;
    f.blob = (char *)blob;
    f.sev = SEV_ERROR;
    if (finding_list_add(out, &f) < 0)
        return -1;
    finding_fingerprint_page(out->items + out->count - 1, 1);
    return 0;
}

/* Check the blob with the engine; the link questions land in deps. */
static int check_with_engine(version_checker *vc, git_repository *repo, engine *eng,
                             git_tree *tree, const char *path, const char *site_path,
                             const char *commit, const char *blob_hex, const git_oid *blob,
                             finding_list *out, dep_log *deps)
{
    git_odb *odb = NULL;
    size_t size = 0;
    git_object_t type;
    if (git_repository_odb(&odb, repo) < 0 ||
        git_odb_read_header(&size, &type, odb, blob) < 0) {
        git_odb_free(odb);
        return add_page_error(out, path, commit, blob_hex, "cannot read the page");
    }
    git_odb_free(odb);
    if (size > vc->max_bytes) {
        char msg[120];
        snprintf(msg, sizeof msg, "page is over the limit of %zu bytes (max_page_bytes)",
                 vc->max_bytes);
        return add_page_error(out, path, commit, blob_hex, msg);
    }
    git_blob *b = NULL;
    if (git_blob_lookup(&b, repo, blob) < 0)
        return add_page_error(out, path, commit, blob_hex, "cannot read the page");
    size_t len = (size_t)git_blob_rawsize(b);
    char *bytes = malloc(len + 1);
    if (!bytes) {
        git_blob_free(b);
        return -1;
    }
    memcpy(bytes, git_blob_rawcontent(b), len);
    bytes[len] = '\0';
    git_blob_free(b);
    page_identity id = {.path = path, .site_path = site_path, .blob = blob_hex,
                        .commit = commit};
    page *p = page_new(&id, bytes, len);
    if (!p)
        return -1;
    tree_resolver tr = {tree, vc->s->site_prefix, deps};
    page_set_resolver(p, resolver_exists, &tr);
    int rc = engine_check_page(eng, p, out);
    page_free(p);
    return rc;
}

int version_checker_run(version_checker *vc, git_commit *c, const char *path,
                        const git_oid *blob, finding_list *out)
{
    git_tree *tree = NULL;
    if (git_commit_tree(&tree, c) < 0)
        return err_set("cannot read a tree: %s", git_error_last()->message);
    char commit[GIT_OID_HEXSZ + 1], blob_hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(commit, sizeof commit, git_commit_id(c));
    git_oid_tostr(blob_hex, sizeof blob_hex, blob);
    const char *site_path = site_path_of(vc->s, path);
    int rc = -1;

    if (vc->have_last && strcmp(vc->last_path, path) == 0 &&
        git_oid_equal(&vc->last_blob, blob) &&
        deps_hold_in(&vc->last_deps, tree, vc->s->site_prefix)) {
        rc = copy_findings(out, &vc->last, commit);
        goto cleanup;
    }
    vc->have_last = 0;
    finding_list_free(&vc->last);
    dep_log_reset(&vc->last_deps);
    tree_resolver tr = {tree, vc->s->site_prefix, &vc->last_deps};
    if (!result_cache_get(vc->s->cache, blob_hex, path, site_path, commit, tree_exists, &tr,
                          &vc->last, &vc->last_deps)) {
        finding_list_free(&vc->last);
        dep_log_reset(&vc->last_deps);
        if (check_with_engine(vc, vc->s->repo, vc->eng, tree, path, site_path, commit,
                              blob_hex, blob, &vc->last, &vc->last_deps) < 0)
            goto cleanup;
        result_cache_put(vc->s->cache, blob_hex, path, site_path, vc->last.items,
                         vc->last.count, &vc->last_deps);
    }
    snprintf(vc->last_path, sizeof vc->last_path, "%s", path);
    git_oid_cpy(&vc->last_blob, blob);
    vc->have_last = strlen(path) < sizeof vc->last_path;
    rc = copy_findings(out, &vc->last, commit);
cleanup:
    git_tree_free(tree);
    return rc;
}

/* ---- parallel prefetch ----
 *
 * Older versions are checked on a few threads ahead of the walk and their results
 * go to the result cache, so the walk itself (one thread, in order) mostly reads
 * cached results. Each thread has its own engine and repository handle. */

typedef struct prefetch_item {
    git_oid commit, blob;
} prefetch_item;

typedef struct prefetch_run {
    version_checker *vc;
    const char *path;
    const prefetch_item *items;
    size_t count;
    atomic_size_t next;
} prefetch_run;

typedef struct prefetch_worker {
    prefetch_run *run;
    int slot;
    pthread_t thread;
    int started;
} prefetch_worker;

static void prefetch_one(version_checker *vc, int slot, const char *path,
                         const prefetch_item *it)
{
    git_repository *repo = vc->repos[slot];
    git_commit *c = NULL;
    git_tree *tree = NULL;
    if (git_commit_lookup(&c, repo, &it->commit) < 0 || git_commit_tree(&tree, c) < 0) {
        git_commit_free(c);
        return;
    }
    char commit[GIT_OID_HEXSZ + 1], blob_hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(commit, sizeof commit, &it->commit);
    git_oid_tostr(blob_hex, sizeof blob_hex, &it->blob);
    const char *site_path = site_path_of(vc->s, path);
    finding_list found = {0};
    dep_log deps = {0};
    tree_resolver tr = {tree, vc->s->site_prefix, &deps};
    if (!result_cache_get(vc->s->cache, blob_hex, path, site_path, commit, tree_exists, &tr,
                          &found, NULL)) {
        finding_list_free(&found);
        if (check_with_engine(vc, repo, vc->engines[slot], tree, path, site_path, commit,
                              blob_hex, &it->blob, &found, &deps) == 0)
            result_cache_put(vc->s->cache, blob_hex, path, site_path, found.items,
                             found.count, &deps);
    }
    finding_list_free(&found);
    dep_log_free(&deps);
    git_tree_free(tree);
    git_commit_free(c);
}

static void *prefetch_main(void *arg)
{
    prefetch_worker *w = arg;
    prefetch_run *run = w->run;
    for (;;) {
        size_t i = atomic_fetch_add(&run->next, 1);
        if (i >= run->count)
            break;
        prefetch_one(run->vc, w->slot, run->path, &run->items[i]);
    }
    return NULL;
}

static int prefetch_start(version_checker *vc)
{
    if (vc->engines)
        return 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int jobs = vc->jobs > 0 ? vc->jobs : (cpus > 0 ? (int)(cpus > 16 ? 16 : cpus) : 1);
    vc->engines = calloc((size_t)jobs, sizeof *vc->engines);
    vc->repos = calloc((size_t)jobs, sizeof *vc->repos);
    if (!vc->engines || !vc->repos)
        return -1;
    vc->jobs = jobs;
    for (int i = 0; i < jobs; i++) {
        vc->engines[i] = engine_new(vc->rs);
        if (!vc->engines[i] ||
            git_repository_open(&vc->repos[i], git_repository_path(vc->s->repo)) < 0)
            return -1;
    }
    return 0;
}

/* Check these versions of `path` on all workers, into the cache. Best effort:
   without a cache, or when workers cannot start, the walk checks them itself. */
static void prefetch(version_checker *vc, const char *path, const prefetch_item *items,
                     size_t count)
{
    if (!vc->s->cache || count < 2 || prefetch_start(vc) < 0)
        return;
    prefetch_run run = {vc, path, items, count, 0};
    atomic_init(&run.next, 0);
    prefetch_worker workers[16];
    int n = vc->jobs < 16 ? vc->jobs : 16;
    for (int i = 0; i < n; i++) {
        workers[i].run = &run;
        workers[i].slot = i;
        workers[i].started = i > 0 && pthread_create(&workers[i].thread, NULL,
                                                     prefetch_main, &workers[i]) == 0;
    }
    prefetch_main(&workers[0]);
    for (int i = 1; i < n; i++)
        if (workers[i].started)
            pthread_join(workers[i].thread, NULL);
    result_cache_flush(vc->s->cache);
}

/* The next window of the page's first-parent history from c: the commits where its
   blob changed (each distinct blob once), for prefetch. */
static size_t window_versions(git_repository *repo, git_commit *from, const char *path,
                              prefetch_item *items, size_t max, size_t walk_limit)
{
    git_commit *c = NULL;
    if (git_commit_dup(&c, from) < 0)
        return 0;
    size_t n = 0;
    for (size_t steps = 0; c && steps < walk_limit && n < max; steps++) {
        git_tree *tree = NULL;
        git_oid blob;
        int present = git_commit_tree(&tree, c) == 0 && git_tree_blob_at(tree, path, &blob);
        git_tree_free(tree);
        if (!present)
            break;
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = git_oid_equal(&items[k].blob, &blob);
        if (!seen) {
            git_oid_cpy(&items[n].commit, git_commit_id(c));
            git_oid_cpy(&items[n].blob, &blob);
            n++;
        }
        git_commit *parent = NULL;
        if (git_first_parent(repo, c, &parent) <= 0)
            parent = NULL;
        git_commit_free(c);
        c = parent;
    }
    git_commit_free(c);
    return n;
}

void version_checker_prefetch(version_checker *vc, git_commit *from, const char *path,
                              size_t window)
{
    if (!vc->s->cache || window < 2)
        return;
    prefetch_item *items = calloc(window, sizeof *items);
    if (!items)
        return;
    size_t n = window_versions(vc->s->repo, from, path, items, window, window * 4);
    prefetch(vc, path, items, n);
    free(items);
}
