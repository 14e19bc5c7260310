/* src_git_open.c: opening the git source over a commit's tree (walked below the
 * site root) or over the index (stage 0 entries; a conflicted path listed once as
 * unmerged). The source itself is src_git.c's. */
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "src_git_priv.h"

typedef struct walk_ctx {
    git_src *g;
    int failed;
} walk_ctx;

static int walk_cb(const char *root, const git_tree_entry *entry, void *payload)
{
    walk_ctx *w = payload;
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_TREE)
        return 0;
    const char *name = git_tree_entry_name(entry);
    size_t rl = strlen(root), nl = strlen(name);
    char *path = malloc(rl + nl + 1);   /* root is "" or ends with '/' */
    if (path) {
        memcpy(path, root, rl);
        memcpy(path + rl, name, nl + 1);
    }
    if (!path || git_src_add_item(w->g, path, git_tree_entry_id(entry), (unsigned)mode, 0) < 0) {
        free(path);
        w->failed = 1;
        return -1;
    }
    free(path);
    return 0;
}

int src_git_open_tree(source **out, git_tree *root_tree, const src_git_options *o)
{
    *out = NULL;
    git_src *g = git_src_new(o);
    if (!g)
        return err_set("out of memory");
    const char *where = o->rev ? o->rev : "the tree";
    git_tree *site = NULL;
    int rc = -1;
    if (g->prefix[0]) {
        git_tree_entry *e = NULL;
        if (git_tree_entry_bypath(&e, root_tree, g->prefix) < 0 ||
            git_tree_entry_type(e) != GIT_OBJECT_TREE) {
            git_tree_entry_free(e);
            err_set("site root %s: not a folder in %s", g->prefix, where);
            goto cleanup;
        }
        int lrc = git_tree_lookup(&site, git_tree_owner(root_tree), git_tree_entry_id(e));
        git_tree_entry_free(e);
        if (lrc < 0) {
            err_set("site root %s: cannot read the tree", g->prefix);
            goto cleanup;
        }
    }
    walk_ctx w = {g, 0};
    if (git_tree_walk(site ? site : root_tree, GIT_TREEWALK_PRE, walk_cb, &w) < 0) {
        const git_error *e = git_error_last();
        err_set("%s", w.failed ? "out of memory"
                               : e ? e->message : "cannot walk the tree");
        goto cleanup;
    }
    if (git_src_finish(g, where) < 0)
        goto cleanup;
    *out = &g->base;
    g = NULL;
    rc = 0;
cleanup:
    git_tree_free(site);
    if (g)
        git_src_free(&g->base);
    return rc;
}

int src_git_open_index(source **out, git_index *index, const src_git_options *o)
{
    *out = NULL;
    git_src *g = git_src_new(o);
    if (!g)
        return err_set("out of memory");
    size_t pn = strlen(g->prefix);
    size_t n = git_index_entrycount(index);
    const char *last_unmerged = NULL;
    for (size_t i = 0; i < n; i++) {
        const git_index_entry *e = git_index_get_byindex(index, i);
        if (!e)
            continue;
        const char *p = e->path;
        if (pn) {
            if (strncmp(p, g->prefix, pn) != 0 || p[pn] != '/')
                continue;
            p += pn + 1;
        }
        int stage = GIT_INDEX_ENTRY_STAGE(e);
        if (stage != 0) {
            /* A conflict has up to three stages of one path: list it once. */
            if (last_unmerged && strcmp(last_unmerged, e->path) == 0)
                continue;
            last_unmerged = e->path;
        }
        if (git_src_add_item(g, p, &e->id, e->mode, stage != 0) < 0) {
            git_src_free(&g->base);
            return err_set("out of memory");
        }
    }
    if (git_src_finish(g, "the index") < 0) {
        git_src_free(&g->base);
        return -1;
    }
    *out = &g->base;
    return 0;
}
