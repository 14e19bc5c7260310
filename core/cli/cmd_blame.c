/* cmd_blame.c: `provcheck blame [options] PATH...`: for each finding at the target
 * revision, the commit that introduced it (CONTRACT.md).
 *
 * Along the page's first-parent history, the page is checked at every commit
 * (newest first) with the target's ruleset, links resolving against that
 * commit's tree, until each finding has been seen missing once: the finding was
 * introduced by the oldest commit of the unbroken run that reaches the target.
 * A commit whose blob and link answers equal the newer commit's reuses its result,
 * and every version goes through the result cache, so long histories stay cheap.
 * Where history stops early (a shallow clone), the oldest available commit is
 * reported with "history_truncated": true. Renames are not followed. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "json_write.h"
#include "result_cache.h"
#include "src_git.h"
#include "text_escape.h"

/* ---- checking one version ---- */

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

/* ---- blame ---- */

static const char blame_usage[] =
    "usage: provcheck blame [options] PATH...\n"
    "\n"
    "Check the pages at --rev (default HEAD) and tell, for each finding, the commit\n"
    "that introduced it: the oldest commit along the page's first-parent history\n"
    "from which the finding has been present without a break.\n"
    "\n"
    "options:\n"
    "      --rev REV           the revision to blame (default HEAD)\n"
    "  -c, --config FILE       config file (default: provcheck.lua from that revision)\n"
    "  -f, --format FMT        text (default) or json\n"
    "  -o, --output FILE       write the result to FILE instead of stdout\n"
    "      --rule ID           blame only this rule's findings (repeatable)\n"
    "      --now TIME          the clock rules read (page:now()): ISO 8601\n"
    "                          (2026-08-02T00:00:00Z) or @SECONDS; default: the\n"
    "                          run's start; wins over the config's `now`\n"
    "      --no-cache          ignore and do not write the result cache\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 when it ran, 2 on a usage or setup error\n";

typedef struct blame_entry {
    char fingerprint[33];
    git_commit *introduced;   /* owned */
    int open;                 /* still present in every version seen so far */
    int truncated;            /* history stopped while it was still open */
} blame_entry;

static int has_fingerprint(const finding_list *l, const char *fp)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].fingerprint, fp) == 0)
            return 1;
    return 0;
}

/* Walk the page's history and fill each entry's introducing commit. */
static int blame_page(version_checker *vc, git_target_state *s, const char *path,
                      blame_entry *entries, size_t count)
{
    git_commit *c = NULL;
    if (git_commit_dup(&c, s->commit) < 0)
        return err_set("out of memory");
    size_t open = count;
    int rc = -1;
    size_t window = 16, until_prefetch = 0;
    while (c && open) {
        if (until_prefetch == 0) {
            /* growing windows: a finding that broke recently costs little */
            version_checker_prefetch(vc, c, path, window);
            until_prefetch = window;
            if (window < 256)
                window *= 2;
        }
        until_prefetch--;
        git_tree *tree = NULL;
        git_oid blob;
        if (git_commit_tree(&tree, c) < 0) {
            err_set("cannot read a tree: %s", git_error_last()->message);
            goto cleanup;
        }
        int present = git_tree_blob_at(tree, path, &blob);
        git_tree_free(tree);
        finding_list found = {0};
        if (present && version_checker_run(vc, c, path, &blob, &found) < 0) {
            finding_list_free(&found);
            goto cleanup;
        }
        for (size_t i = 0; i < count; i++) {
            if (!entries[i].open)
                continue;
            if (present && has_fingerprint(&found, entries[i].fingerprint)) {
                git_commit_free(entries[i].introduced);
                git_commit_dup(&entries[i].introduced, c);
            } else {
                entries[i].open = 0;
                open--;
            }
        }
        finding_list_free(&found);
        if (!open)
            break;
        git_commit *parent = NULL;
        int prc = git_first_parent(s->repo, c, &parent);
        git_commit_free(c);
        c = parent;
        if (prc < 0)
            for (size_t i = 0; i < count; i++)
                if (entries[i].open)
                    entries[i].truncated = 1;
    }
    rc = 0;
cleanup:
    git_commit_free(c);
    return rc;
}

static int introduced_json(buf *b, const git_commit *c, int truncated)
{
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, sizeof hex, git_commit_id(c));
    const git_signature *a = git_commit_author(c);
    git_format_time(when, sizeof when, a->when.time);
    buf who = BUF_INIT;
    buf_printf(&who, "%s <%s>", a->name ? a->name : "", a->email ? a->email : "");
    buf_puts(b, "\"introduced\":{\"commit\":");
    json_write_string(b, hex);
    buf_puts(b, ",\"author\":");
    json_write_string(b, who.data ? who.data : "");
    buf_puts(b, ",\"time\":");
    json_write_string(b, when);
    buf_puts(b, ",\"summary\":");
    const char *summary = git_commit_summary((git_commit *)c);
    json_write_string(b, summary ? summary : "");
    if (truncated)
        buf_puts(b, ",\"history_truncated\":true");
    int rc = buf_putc(b, '}');
    buf_free(&who);
    return rc;
}

static void text_finding(buf *b, const finding *f, const git_commit *c, int truncated)
{
    buf_put_visible(b, f->path);
    buf_putc(b, ':');
    if (f->line) {
        buf_printf(b, "%d:", f->line);
        if (f->column)
            buf_printf(b, "%d:", f->column);
    }
    buf_printf(b, " %s: ", severity_name(f->sev));
    buf_put_visible(b, f->message);
    buf_printf(b, " [%s]%s\n", f->rule, f->suppression != SUPP_NONE ? " (suppressed)" : "");
    if (!c)
        return;
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, 8, git_commit_id(c));
    const git_signature *a = git_commit_author(c);
    git_format_time(when, sizeof when, a->when.time);
    when[10] = '\0';
    const char *summary = git_commit_summary((git_commit *)c);
    buf_printf(b, "  introduced in %s by ", hex);
    buf_put_visible(b, a->name);
    buf_puts(b, " <");
    buf_put_visible(b, a->email);
    buf_printf(b, "> on %s: ", when);
    buf_put_visible(b, summary);
    buf_putc(b, '\n');
    if (truncated)
        buf_printf(b, "  (history stops at %s: a shallow clone or a missing parent; the "
                      "finding may be older)\n", hex);
}

int cmd_blame(int argc, char **argv)
{
    check_args a;
    int parsed = check_args_parse(&a, argc, argv, blame_usage);
    if (parsed != 0)
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;
    int json = strcmp(a.format, "json") == 0;
    if (!a.path_count || a.staged || a.changed_since || a.record ||
        (!json && strcmp(a.format, "text") != 0)) {
        cli_usage_error("blame", "%s", !a.path_count ? "at least one PATH is needed"
                                       : (!json && strcmp(a.format, "text") != 0)
                                           ? "blame prints text or json"
                                           : "--staged, --changed-since and --record do "
                                             "not apply to blame");
        check_args_free(&a);
        return EXIT_SETUP;
    }
    if (!a.rev)
        a.rev = "HEAD";
    git_libgit2_init();
    int rc = EXIT_SETUP;
    check_target t;
    memset(&t, 0, sizeof t);
    report r;
    memset(&r, 0, sizeof r);
    ruleset *rs = NULL;
    version_checker *vc = NULL;
    blame_entry *entries = NULL;
    buf out = BUF_INIT;

    if (check_pipeline(&r, &rs, &t, &a) < 0)
        goto cleanup;
    git_target_state *s = t.state;
    vc = version_checker_new(s, rs);
    if (vc)
        vc->jobs = a.jobs;
    entries = calloc(r.findings.count ? r.findings.count : 1, sizeof *entries);
    if (!vc || !entries) {
        if (!entries)
            err_set("out of memory");
        goto cleanup;
    }
    /* One history walk per page, for all of its findings at once. */
    for (size_t i = 0; i < r.findings.count;) {
        size_t j = i;
        while (j < r.findings.count && strcmp(r.findings.items[j].path,
                                              r.findings.items[i].path) == 0) {
            memcpy(entries[j].fingerprint, r.findings.items[j].fingerprint, 33);
            entries[j].open = 1;
            j++;
        }
        if (blame_page(vc, s, r.findings.items[i].path, entries + i, j - i) < 0)
            goto cleanup;
        i = j;
    }
    for (size_t i = 0; i < r.findings.count; i++) {
        finding *f = &r.findings.items[i];
        if (json && entries[i].introduced) {
            buf extra = BUF_INIT;
            if (introduced_json(&extra, entries[i].introduced, entries[i].truncated) < 0) {
                buf_free(&extra);
                err_set("out of memory");
                goto cleanup;
            }
            free(f->extra_json);
            f->extra_json = buf_detach(&extra, NULL);
        } else if (!json) {
            text_finding(&out, f, entries[i].introduced, entries[i].truncated);
        }
    }
    if (json) {
        report_options ro = {0};
        if (report_write_json(&r, &ro, &out) < 0) {
            err_set("out of memory");
            goto cleanup;
        }
    } else {
        buf_printf(&out, "%zu finding%s on %zu page%s at %s\n", r.findings.count,
                   r.findings.count == 1 ? "" : "s", r.page_count,
                   r.page_count == 1 ? "" : "s", a.rev);
    }
    if (write_file_atomic(a.output, out.data ? out.data : "", out.len) < 0)
        goto cleanup;
    rc = EXIT_CLEAN;
cleanup:
    for (size_t i = 0; entries && i < r.findings.count; i++)
        git_commit_free(entries[i].introduced);
    free(entries);
    buf_free(&out);
    version_checker_free(vc);
    report_free(&r);
    ruleset_free(rs);
    check_target_close(&t);
    check_args_free(&a);
    git_libgit2_shutdown();
    return rc;
}
