/* audit_drift.c: live pages against the pages committed at a revision (see
 * audit_drift.h). Blobs are read on the main thread after the check, through one
 * repository handle: libgit2 objects are not shared across threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "audit_drift.h"
#include "err.h"
#include "page.h"

#define SNIPPET_MAX 160

typedef struct drift_map {
    char *url_prefix, *path_prefix;
} drift_map;

struct audit_drift {
    git_repository *repo;
    git_tree *tree;
    char *rev;
    char commit[41];
    drift_map *maps;
    size_t map_count;
};

static int git_fail(const char *what)
{
    const git_error *e = git_error_last();
    return err_set("%s: %s", what, e && e->message ? e->message : "unknown error");
}

void audit_drift_close(audit_drift *d)
{
    if (!d)
        return;
    git_tree_free(d->tree);
    git_repository_free(d->repo);
    for (size_t i = 0; i < d->map_count; i++) {
        free(d->maps[i].url_prefix);
        free(d->maps[i].path_prefix);
    }
    free(d->maps);
    free(d->rev);
    free(d);
    git_libgit2_shutdown();
}

int audit_drift_open(audit_drift **out, const char *rev, char **maps, size_t map_count)
{
    *out = NULL;
    git_libgit2_init();
    audit_drift *d = calloc(1, sizeof *d);
    if (!d) {
        git_libgit2_shutdown();
        return err_set("out of memory");
    }
    int rc = -1;
    git_object *obj = NULL;
    git_commit *commit = NULL;
    d->rev = strdup(rev);
    d->maps = calloc(map_count ? map_count : 1, sizeof *d->maps);
    if (!d->rev || !d->maps) {
        err_set("out of memory");
        goto done;
    }
    for (size_t i = 0; i < map_count; i++) {
        const char *eq = strchr(maps[i], '=');
        if (!eq || eq == maps[i]) {
            err_set("--map %s: expected URL_PREFIX=PATH_PREFIX", maps[i]);
            goto done;
        }
        const char *path = eq + 1;
        while (*path == '/')
            path++;
        d->maps[i].url_prefix = strndup(maps[i], (size_t)(eq - maps[i]));
        d->maps[i].path_prefix = strdup(path);
        d->map_count = i + 1;
        if (!d->maps[i].url_prefix || !d->maps[i].path_prefix) {
            err_set("out of memory");
            goto done;
        }
    }
    if (git_repository_open_ext(&d->repo, ".", 0, NULL) < 0) {
        err_set("--against-rev: not a git repository (or any parent up to the root)");
        goto done;
    }
    if (git_revparse_single(&obj, d->repo, rev) < 0) {
        git_fail(rev);
        err_set("--against-rev %s: the revision does not resolve", rev);
        goto done;
    }
    if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
        err_set("--against-rev %s: not a commit", rev);
        goto done;
    }
    git_oid_tostr(d->commit, sizeof d->commit, git_commit_id(commit));
    if (git_commit_tree(&d->tree, commit) < 0) {
        git_fail(rev);
        goto done;
    }
    rc = 0;
done:
    git_commit_free(commit);
    git_object_free(obj);
    if (rc < 0)
        audit_drift_close(d);
    else
        *out = d;
    return rc;
}

/* The repository path of a URL under the longest matching prefix, or NULL. */
static char *mapped_path(const audit_drift *d, const char *url)
{
    const drift_map *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < d->map_count; i++) {
        size_t n = strlen(d->maps[i].url_prefix);
        if (n >= best_len && strncmp(url, d->maps[i].url_prefix, n) == 0) {
            best = &d->maps[i];
            best_len = n;
        }
    }
    if (!best)
        return NULL;
    const char *rest = url + best_len;
    size_t rest_len = strcspn(rest, "?#");
    const char *pp = best->path_prefix;
    size_t pl = strlen(pp);
    int need_slash = pl && pp[pl - 1] != '/' && rest_len && rest[0] != '/';
    int folder = rest_len == 0 ? (pl == 0 || pp[pl - 1] == '/') : rest[rest_len - 1] == '/';
    size_t n = pl + rest_len + sizeof "/index.html" + 1;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s%s%.*s%s", pp, need_slash ? "/" : "", (int)rest_len, rest,
             folder ? "index.html" : "");
    /* Tree paths have no leading or doubled slashes. */
    char *w = path;
    for (const char *r = path; *r; r++)
        if (!(*r == '/' && (w == path || w[-1] == '/')))
            *w++ = *r;
    *w = '\0';
    return path;
}

/* The committed bytes at `path`, or NULL (not in the tree, not a blob). */
static char *committed_bytes(const audit_drift *d, const char *path, size_t *len_out)
{
    git_tree_entry *entry = NULL;
    git_blob *blob = NULL;
    char *bytes = NULL;
    if (git_tree_entry_bypath(&entry, d->tree, path) < 0 ||
        git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
        git_blob_lookup(&blob, d->repo, git_tree_entry_id(entry)) < 0)
        goto done;
    size_t len = (size_t)git_blob_rawsize(blob);
    bytes = malloc(len + 1);
    if (bytes) {
        memcpy(bytes, git_blob_rawcontent(blob), len);
        bytes[len] = '\0';
        *len_out = len;
    }
done:
    git_blob_free(blob);
    git_tree_entry_free(entry);
    return bytes;
}

/* Normalized visible text of some bytes (taken), malloc'd; NULL when unparseable. */
static char *visible_text(const char *path, char *bytes, size_t len, size_t *len_out)
{
    page_identity id = {.path = path, .site_path = path};
    page *p = page_new(&id, bytes, len);
    if (!p)
        return NULL;
    char *out = NULL;
    page_set_needs(p, PAGE_NEED_TEXT);   /* the text only: no tree needed */
    if (page_parse(p) == 0) {
        size_t n = 0;
        const char *t = page_text(p, &n);
        if (t && (out = malloc(n + 1))) {
            memcpy(out, t, n);
            out[n] = '\0';
            *len_out = n;
        }
    }
    page_free(p);
    return out;
}

/* Sentence i of a text: [start, end) up to and including ". ", "! ", "? ". */
static size_t sentence_end(const char *t, size_t len, size_t start)
{
    for (size_t i = start; i < len; i++)
        if ((t[i] == '.' || t[i] == '!' || t[i] == '?') && (i + 1 == len || t[i + 1] == ' '))
            return i + 1;
    return len;
}

static int contains(const char *hay, size_t hay_len, const char *needle, size_t n)
{
    if (n == 0)
        return 1;
    for (size_t i = 0; i + n <= hay_len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

/* The first sentence of `a` that `b` does not contain: [*s, *e). 1 found, 0 none. */
static int first_missing(const char *a, size_t alen, const char *b, size_t blen, size_t *s,
                         size_t *e)
{
    for (size_t start = 0; start < alen;) {
        while (start < alen && a[start] == ' ')
            start++;
        size_t end = sentence_end(a, alen, start);
        if (end > start && !contains(b, blen, a + start, end - start)) {
            *s = start;
            *e = end;
            return 1;
        }
        start = end;
    }
    return 0;
}

/* Whether one of `needles` is in the committed text but in no place of the live one. */
static int lost(const char *ct, size_t ct_len, const char *lt, size_t lt_len,
                const char *const *needles, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(needles[i]);
        if (contains(ct, ct_len, needles[i], n) && !contains(lt, lt_len, needles[i], n))
            return 1;
    }
    return 0;
}

/* What the live page lost that matters to compliance, as a message prefix. */
static const char *what_was_lost(const char *ct, size_t ct_len, const char *lt, size_t lt_len)
{
    static const char *const disclaimers[] = {"external sources", "third-party", "third party",
                                              "not under our control", "does not necessarily",
                                              "not responsible for the content"};
    static const char *const labels[] = {"source:", "source :", "fuente:", "sources:"};
    int disclaimer = lost(ct, ct_len, lt, lt_len, disclaimers,
                          sizeof disclaimers / sizeof disclaimers[0]);
    int label = lost(ct, ct_len, lt, lt_len, labels, sizeof labels / sizeof labels[0]);
    if (disclaimer && label)
        return "the disclaimer and the source label are missing live but present in git: ";
    if (disclaimer)
        return "the disclaimer is missing live but present in git: ";
    if (label)
        return "the source label is missing live but present in git: ";
    return "";
}

static int add_finding(report *r, const http_page *p, severity sev, const char *message)
{
    finding f;
    memset(&f, 0, sizeof f);
    f.rule = (char *)RULE_DRIFT;
    f.message = (char *)message;
    f.path = p->path;
    f.url = p->url;
    f.sev = sev;
    size_t first = r->findings.count;
    if (finding_list_add(&r->findings, &f) < 0)
        return -1;
    finding_fingerprint_page(r->findings.items + first, r->findings.count - first);
    return 0;
}

/* Compare one live page with its committed twin. 0, or -1 when out of memory. */
static int compare_page(audit_drift *d, const http_page_store *store, const http_page *p,
                        const char *path, report *r)
{
    char msg[1024];
    size_t clen = 0;
    char *committed = committed_bytes(d, path, &clen);
    if (!committed) {
        snprintf(msg, sizeof msg, "live page has no committed twin: %s is not in %s", path,
                 d->rev);
        return add_finding(r, p, SEV_WARNING, msg);
    }
    char *live = NULL;
    if (http_page_store_read(store, p, &live) < 0) {
        free(committed);
        return 0;   /* the check reported the page already */
    }
    size_t ct_len = 0, lt_len = 0;
    char *ct = visible_text(path, committed, clen, &ct_len);
    char *lt = visible_text(p->path, live, p->len, &lt_len);
    int rc = 0;
    if (!ct || !lt || (ct_len == lt_len && memcmp(ct, lt, ct_len) == 0))
        goto done;
    size_t s = 0, e = 0;
    if (first_missing(ct, ct_len, lt, lt_len, &s, &e)) {
        size_t n = e - s > SNIPPET_MAX ? SNIPPET_MAX : e - s;
        snprintf(msg, sizeof msg, "live text differs from %s:%s: %snot live: \"%.*s%s\"",
                 d->rev, path, what_was_lost(ct, ct_len, lt, lt_len), (int)n, ct + s,
                 e - s > SNIPPET_MAX ? "..." : "");
    } else if (first_missing(lt, lt_len, ct, ct_len, &s, &e)) {
        size_t n = e - s > SNIPPET_MAX ? SNIPPET_MAX : e - s;
        snprintf(msg, sizeof msg, "live text differs from %s:%s: live only: \"%.*s%s\"",
                 d->rev, path, (int)n, lt + s, e - s > SNIPPET_MAX ? "..." : "");
    } else {
        snprintf(msg, sizeof msg, "live text differs from %s:%s (same sentences, another "
                 "order or spacing)", d->rev, path);
    }
    rc = add_finding(r, p, SEV_WARNING, msg);
done:
    free(ct);
    free(lt);
    return rc;
}

int audit_drift_run(audit_drift *d, const http_page_store *store, report *r,
                    size_t *unmapped_out)
{
    *unmapped_out = 0;
    for (size_t i = 0; i < store->count; i++) {
        const http_page *p = &store->items[i];
        if (p->kind != HTTP_PAGE_BODY)
            continue;
        char *path = mapped_path(d, p->url);
        if (!path) {
            (*unmapped_out)++;
            if (add_finding(r, p, SEV_INFO,
                            "not compared with the revision: the URL is under no --map prefix") < 0)
                return -1;
            continue;
        }
        int rc = compare_page(d, store, p, path, r);
        free(path);
        if (rc < 0)
            return -1;
    }
    finding_list_sort(&r->findings);
    report_recount(r);
    return 0;
}
