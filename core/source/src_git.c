/* src_git.c: the source over a commit's tree or the index (src_git.h).
 *
 * At open, the entries under the site root are copied out of the tree or index
 * (path, object id, mode), so the source holds no libgit2 object: workers each
 * open their own repository handle (libgit2 objects are not shared across
 * threads) and read blobs by id. Link targets are answered from a hash set of the
 * regular blobs' site paths, built once and read-only afterwards. */
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "path_escape.h"
#include "src_git_priv.h"

#define DEFAULT_MAX_PAGE_BYTES (16u * 1024 * 1024)

struct source_reader {
    git_src *src;
    git_repository *repo;
    git_odb *odb;
    dep_log deps;
    const char *page;       /* report path of the page read last */
};

/* The reader whose page this thread is checking: the result cache's store hook
   runs on the same thread right after the check, and asks for its deps. */
static _Thread_local source_reader *current_reader;

/* ---- hash set of paths ---- */

static uint64_t path_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int path_set_build(path_set *set, const char **paths, size_t count)
{
    /* at most three quarters full: linear probing stays short, and the slots
       are a pointer per file of the whole tree */
    size_t cap = 16;
    while (cap < count + count / 3 + 1)
        cap *= 2;
    set->slots = calloc(cap, sizeof *set->slots);
    if (!set->slots)
        return -1;
    set->cap = cap;
    for (size_t i = 0; i < count; i++) {
        size_t at = path_hash(paths[i], strlen(paths[i])) & (cap - 1);
        while (set->slots[at] && strcmp(set->slots[at], paths[i]) != 0)
            at = (at + 1) & (cap - 1);
        set->slots[at] = paths[i];
    }
    return 0;
}

static int path_set_has_len(const path_set *set, const char *s, size_t len)
{
    if (!set->cap)
        return 0;
    size_t at = path_hash(s, len) & (set->cap - 1);
    while (set->slots[at]) {
        if (strncmp(set->slots[at], s, len) == 0 && set->slots[at][len] == '\0')
            return 1;
        at = (at + 1) & (set->cap - 1);
    }
    return 0;
}

static void path_set_free(path_set *set)
{
    free(set->slots);
    set->slots = NULL;
    set->cap = 0;
}

/* ---- link-target existence, shared by the source and the tree helper ---- */

/* The trimmed site path ("/a/b/" -> "a/b"), or NULL when it climbs out. */
static char *site_target_path(const char *site_path)
{
    char *norm = git_path_normalize(site_path ? site_path : "");
    return norm;
}

static int exists_with(int (*is_file)(void *ctx, const char *path), void *ctx,
                       const char *site_path)
{
    char *p = site_target_path(site_path);
    if (!p)
        return 0;
    int found = *p && is_file(ctx, p);
    if (!found) {
        char *index = git_path_join(p, "index.html");
        found = index && is_file(ctx, index);
        free(index);
    }
    free(p);
    return found;
}

static int set_is_file(void *ctx, const char *path)
{
    const path_set *set = ctx;
    return path_set_has_len(set, path, strlen(path));
}

int src_git_exists(source *s, const char *site_path)
{
    git_src *g = (git_src *)s;
    return exists_with(set_is_file, &g->files, site_path);
}

typedef struct tree_lookup {
    git_tree *root;
    const char *prefix;
} tree_lookup;

static int tree_is_file(void *ctx, const char *path)
{
    tree_lookup *tl = ctx;
    char *full = git_path_join(tl->prefix, path);
    if (!full)
        return 0;
    git_tree_entry *e = NULL;
    int found = 0;
    if (git_tree_entry_bypath(&e, tl->root, full) == 0) {
        git_filemode_t mode = git_tree_entry_filemode(e);
        found = mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
        git_tree_entry_free(e);
    }
    free(full);
    return found;
}

int git_tree_site_exists(git_tree *root_tree, const char *site_prefix,
                         const char *site_path)
{
    tree_lookup tl = {root_tree, site_prefix ? site_prefix : ""};
    return exists_with(tree_is_file, &tl, site_path);
}

/* ---- dependency log ---- */

int dep_log_add(dep_log *log, const char *site_path, int exists)
{
    for (size_t i = 0; i < log->count; i++)
        if (strcmp(log->items[i].site_path, site_path) == 0)
            return 0;
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 8;
        src_git_dep *items = realloc(log->items, cap * sizeof *items);
        if (!items)
            return -1;
        log->items = items;
        log->cap = cap;
    }
    char *copy = strdup(site_path);
    if (!copy)
        return -1;
    log->items[log->count].site_path = copy;
    log->items[log->count].exists = exists;
    log->count++;
    return 0;
}

void dep_log_reset(dep_log *log)
{
    for (size_t i = 0; i < log->count; i++)
        free(log->items[i].site_path);
    log->count = 0;
}

void dep_log_free(dep_log *log)
{
    dep_log_reset(log);
    free(log->items);
    log->items = NULL;
    log->cap = 0;
}

const dep_log *src_git_current_deps(const char *path)
{
    source_reader *r = current_reader;
    if (!r || !r->page || !path || strcmp(r->page, path) != 0)
        return NULL;
    return &r->deps;
}

/* ---- listing ---- */

int git_src_add_item(git_src *g, const char *site_path, const git_oid *oid, unsigned mode,
                    int unmerged)
{
    if (g->count == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        tree_item *items = realloc(g->items, cap * sizeof *items);
        if (!items)
            return -1;
        g->items = items;
        g->cap = cap;
    }
    tree_item *it = &g->items[g->count];
    it->site_path = g->pool ? strpool_dup(g->pool, site_path) : NULL;
    if (!it->site_path)
        return -1;
    git_oid_cpy(&it->oid, oid);
    it->mode = (uint16_t)mode;
    it->unmerged = unmerged != 0;
    g->count++;
    return 0;
}

static int is_regular(unsigned mode)
{
    return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

static int in_scope(const git_src *g, const tree_item *it)
{
    if (it->mode == GIT_FILEMODE_COMMIT) {
        /* A submodule is a folder we do not enter: say so when pages inside it
           would have been in scope. */
        char *inside = git_path_join(it->site_path, "index.html");
        int yes = inside && config_path_included(g->cfg, inside);
        free(inside);
        return yes;
    }
    return config_path_included(g->cfg, it->site_path);
}

static int under_paths(const git_src *g, const char *repo_path)
{
    if (!g->path_count)
        return 1;
    for (size_t i = 0; i < g->path_count; i++) {
        const char *p = g->paths[i];
        size_t n = strlen(p);
        if (n == 0)
            return 1;
        if (strncmp(repo_path, p, n) == 0 && (repo_path[n] == '\0' || repo_path[n] == '/'))
            return 1;
    }
    return 0;
}

static int ref_path_cmp(const void *a, const void *b)
{
    return strcmp(((const page_ref *)a)->path, ((const page_ref *)b)->path);
}

static int git_list(source *base, page_ref_list *out)
{
    git_src *g = (git_src *)base;
    int reorder = 0;   /* escaping can move a path in the sort order */
    for (size_t i = 0; i < g->count; i++) {
        const tree_item *it = &g->items[i];
        if (!in_scope(g, it))
            continue;
        char *path = git_path_join(g->prefix, it->site_path);
        if (!path)
            return err_set("out of memory");
        if (!under_paths(g, path) ||
            (g->has_only && !path_set_has_len(&g->only, path, strlen(path)))) {
            free(path);
            continue;
        }
        /* the report path escapes non-UTF-8 bytes, as files mode does */
        if (path_needs_escape(path)) {
            char *escaped = path_escape(path);
            free(path);
            if (!(path = escaped))
                return err_set("out of memory");
            reorder = 1;
        }
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof hex, &it->oid);
        const char *error = NULL;
        if (it->unmerged)
            error = SRC_GIT_MSG_UNMERGED;
        else if (it->mode == GIT_FILEMODE_LINK)
            error = SRC_GIT_MSG_SYMLINK;
        else if (it->mode == GIT_FILEMODE_COMMIT)
            error = SRC_GIT_MSG_SUBMODULE;
        /* A submodule's id is a commit, not a blob of this repository. */
        int rc = page_ref_list_add(out, path, it->site_path, NULL,
                                   it->mode == GIT_FILEMODE_COMMIT ? NULL : hex, 0, error);
        free(path);
        if (rc < 0)
            return err_set("out of memory");
    }
    if (reorder && out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, ref_path_cmp);
    return 0;
}

/* ---- reading ---- */

static source_reader *git_reader_open(source *base)
{
    git_src *g = (git_src *)base;
    source_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->src = g;
    if (git_repository_open(&r->repo, g->gitdir) < 0 ||
        git_repository_odb(&r->odb, r->repo) < 0) {
        const git_error *e = git_error_last();
        err_set("%s: cannot open the repository: %s", g->gitdir, e ? e->message : "?");
        git_repository_free(r->repo);
        free(r);
        return NULL;
    }
    return r;
}

static void git_reader_close(source_reader *r)
{
    if (!r)
        return;
    if (current_reader == r)
        current_reader = NULL;
    dep_log_free(&r->deps);
    git_odb_free(r->odb);
    git_repository_free(r->repo);
    free(r);
}

static char *read_error(const char *detail)
{
    char msg[300];
    snprintf(msg, sizeof msg, "cannot read the page: %s", detail ? detail : "object missing");
    return strdup(msg);
}

static const char *git_message(void)
{
    const git_error *e = git_error_last();
    return e ? e->message : NULL;
}

static int git_read(source_reader *r, const page_ref *ref, char **bytes_out,
                    size_t *len_out, char **err_out)
{
    git_src *g = r->src;
    *bytes_out = NULL;
    *len_out = 0;
    *err_out = NULL;
    dep_log_reset(&r->deps);
    r->page = ref->path;
    current_reader = r;

    git_oid oid;
    if (!ref->blob || git_oid_fromstr(&oid, ref->blob) < 0) {
        *err_out = strdup("cannot read the page: no blob id");
        return -1;
    }
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, r->odb, &oid) < 0) {
        *err_out = read_error(git_message());
        return -1;
    }
    /* The size comes from the object header: an oversized blob is never inflated. */
    if (size > g->base.max_bytes) {
        char msg[120];
        snprintf(msg, sizeof msg, "page is over the limit of %zu bytes (max_page_bytes)",
                 g->base.max_bytes);
        *err_out = strdup(msg);
        return -1;
    }
    git_odb_object *obj = NULL;
    if (git_odb_read(&obj, r->odb, &oid) < 0) {
        *err_out = read_error(git_message());
        return -1;
    }
    size_t len = git_odb_object_size(obj);
    char *bytes = malloc(len + 1);
    if (!bytes) {
        git_odb_object_free(obj);
        *err_out = strdup("out of memory");
        return -1;
    }
    memcpy(bytes, git_odb_object_data(obj), len);
    bytes[len] = '\0';
    git_odb_object_free(obj);
    *bytes_out = bytes;
    *len_out = len;
    return 0;
}

static int git_target_exists(void *reader, const char *site_path)
{
    source_reader *r = reader;
    int exists = src_git_exists(&r->src->base, site_path);
    /* A failed record only costs a cache entry: store skips pages without deps. */
    if (dep_log_add(&r->deps, site_path ? site_path : "", exists) < 0)
        r->page = NULL;
    return exists;
}

void git_src_free(source *base)
{
    git_src *g = (git_src *)base;
    if (!g)
        return;
    strpool_free(g->pool);   /* the items' paths */
    free(g->items);
    path_set_free(&g->files);
    path_set_free(&g->only);
    for (size_t i = 0; i < g->path_count; i++)
        free(g->paths[i]);
    free(g->paths);
    for (size_t i = 0; i < g->only_count; i++)
        free(g->only_paths[i]);
    free(g->only_paths);
    free(g->gitdir);
    free(g->prefix);
    free(g->base.root);
    free(g->base.rev);
    free(g);
}

/* ---- open ---- */

static char **copy_strings(char **src, size_t count)
{
    char **out = calloc(count ? count : 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        out[i] = strdup(src[i]);
        if (!out[i]) {
            for (size_t j = 0; j < i; j++)
                free(out[j]);
            free(out);
            return NULL;
        }
    }
    return out;
}

git_src *git_src_new(const src_git_options *o)
{
    git_src *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->base.list = git_list;
    g->base.reader_open = git_reader_open;
    g->base.read = git_read;
    g->base.target_exists = git_target_exists;
    g->base.reader_close = git_reader_close;
    g->base.free = git_src_free;
    g->base.max_bytes = o->cfg && o->cfg->max_page_bytes ? o->cfg->max_page_bytes
                                                         : DEFAULT_MAX_PAGE_BYTES;
    g->base.kind = o->kind;
    g->base.root = strdup(o->root ? o->root : ".");
    g->base.rev = o->rev ? strdup(o->rev) : NULL;
    if (o->commit)
        snprintf(g->base.commit, sizeof g->base.commit, "%s", o->commit);
    g->cfg = o->cfg;
    g->gitdir = strdup(o->gitdir);
    g->prefix = strdup(o->site_prefix ? o->site_prefix : "");
    g->paths = copy_strings(o->paths, o->path_count);
    g->path_count = o->path_count;
    g->has_only = o->has_only;
    g->only_paths = copy_strings(o->only, o->only_count);
    g->only_count = o->only_count;
    g->pool = strpool_new();
    if (!g->pool || !g->base.root || (o->rev && !g->base.rev) || !g->gitdir || !g->prefix ||
        !g->paths || !g->only_paths) {
        git_src_free(&g->base);
        return NULL;
    }
    return g;
}

static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const tree_item *)a)->site_path, ((const tree_item *)b)->site_path);
}

/* A PATH must name a page or a folder of pages in the tree or index. */
static int check_paths_exist(const git_src *g, const char *where)
{
    for (size_t i = 0; i < g->path_count; i++) {
        const char *p = g->paths[i];
        size_t n = strlen(p), pn = strlen(g->prefix);
        if (pn && !(strncmp(p, g->prefix, pn) == 0 && (p[pn] == '\0' || p[pn] == '/')) &&
            n != 0)
            return err_set("%s: outside the site root %s", p, g->prefix);
        int found = n == 0;
        for (size_t k = 0; !found && k < g->count; k++) {
            char *full = git_path_join(g->prefix, g->items[k].site_path);
            if (!full)
                return err_set("out of memory");
            found = strncmp(full, p, n) == 0 && (full[n] == '\0' || full[n] == '/');
            free(full);
        }
        if (!found)
            return err_set("%s: no such page or folder in %s", p, where);
    }
    return 0;
}

int git_src_finish(git_src *g, const char *where)
{
    /* the list lives as long as the run: give back what doubling reserved */
    if (g->count && g->count < g->cap) {
        tree_item *fit = realloc(g->items, g->count * sizeof *fit);
        if (fit) {
            g->items = fit;
            g->cap = g->count;
        }
    }
    qsort(g->items, g->count, sizeof *g->items, item_cmp);
    const char **files = malloc((g->count ? g->count : 1) * sizeof *files);
    if (!files)
        return err_set("out of memory");
    size_t n = 0;
    for (size_t i = 0; i < g->count; i++)
        if (is_regular(g->items[i].mode) && !g->items[i].unmerged)
            files[n++] = g->items[i].site_path;
    int rc = path_set_build(&g->files, files, n);
    free(files);
    if (rc < 0)
        return err_set("out of memory");
    if (g->has_only &&
        path_set_build(&g->only, (const char **)g->only_paths, g->only_count) < 0)
        return err_set("out of memory");
    return check_paths_exist(g, where);
}
