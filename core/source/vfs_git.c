/* vfs_git.c: a read-only vfs over a folder of a commit's tree or of the index, so
 * the config's rule_paths and plugins come from the same revision as the pages. */
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "src_git.h"

#define VFS_GIT_MAX_FILE (16u << 20)

typedef struct vfs_git {
    git_repository *repo;
    git_tree *tree;       /* tree mode */
    git_index *index;     /* index mode */
    char *dir;
    char *label;
} vfs_git;

static const char *git_message(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

/* The repository path of `path` inside the vfs folder; NULL when it climbs out. */
static char *full_path(const vfs_git *v, const char *path)
{
    char *joined = git_path_join(v->dir, path ? path : "");
    if (!joined)
        return NULL;
    char *norm = git_path_normalize(joined);
    free(joined);
    return norm;
}

static int read_blob(const vfs_git *v, const git_oid *id, const char *shown, char **out,
                     size_t *len_out)
{
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, v->repo, id) < 0)
        return err_set("%s%s: %s", v->label, shown, git_message());
    git_object_size_t size = git_blob_rawsize(blob);
    if (size > VFS_GIT_MAX_FILE) {
        git_blob_free(blob);
        return err_set("%s%s: file too large", v->label, shown);
    }
    char *bytes = malloc((size_t)size + 1);
    if (!bytes) {
        git_blob_free(blob);
        return err_set("out of memory");
    }
    memcpy(bytes, git_blob_rawcontent(blob), (size_t)size);
    bytes[size] = '\0';
    git_blob_free(blob);
    *out = bytes;
    *len_out = (size_t)size;
    return 0;
}

static int vfs_git_read(void *ctx, const char *path, char **out, size_t *len_out)
{
    vfs_git *v = ctx;
    *out = NULL;
    *len_out = 0;
    char *full = full_path(v, path);
    if (!full || !*full) {
        free(full);
        return err_set("%s%s: not a file in the repository", v->label, path);
    }
    int rc = -1;
    if (v->tree) {
        git_tree_entry *e = NULL;
        if (git_tree_entry_bypath(&e, v->tree, full) < 0) {
            err_set("%s%s: no such file", v->label, full);
        } else if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
            err_set("%s%s: not a file", v->label, full);
        } else {
            rc = read_blob(v, git_tree_entry_id(e), full, out, len_out);
        }
        git_tree_entry_free(e);
    } else {
        const git_index_entry *e = git_index_get_bypath(v->index, full, 0);
        if (!e)
            err_set("%s%s: no such file", v->label, full);
        else
            rc = read_blob(v, &e->id, full, out, len_out);
    }
    free(full);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int names_add(char ***names, size_t *count, size_t *cap, const char *name, size_t len)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **grown = realloc(*names, ncap * sizeof *grown);
        if (!grown)
            return -1;
        *names = grown;
        *cap = ncap;
    }
    char *copy = strndup(name, len);
    if (!copy)
        return -1;
    (*names)[(*count)++] = copy;
    return 0;
}

static int list_tree(vfs_git *v, const char *full, char ***names, size_t *count,
                     size_t *cap)
{
    git_tree *sub = NULL;
    if (*full) {
        git_tree_entry *e = NULL;
        if (git_tree_entry_bypath(&e, v->tree, full) < 0 ||
            git_tree_entry_type(e) != GIT_OBJECT_TREE) {
            git_tree_entry_free(e);
            return err_set("%s%s: no such folder", v->label, full);
        }
        int rc = git_tree_lookup(&sub, v->repo, git_tree_entry_id(e));
        git_tree_entry_free(e);
        if (rc < 0)
            return err_set("%s%s: %s", v->label, full, git_message());
    }
    const git_tree *t = sub ? sub : v->tree;
    size_t n = git_tree_entrycount(t);
    for (size_t i = 0; i < n; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(t, i);
        git_filemode_t mode = git_tree_entry_filemode(e);
        if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
            continue;
        const char *name = git_tree_entry_name(e);
        if (names_add(names, count, cap, name, strlen(name)) < 0) {
            git_tree_free(sub);
            return err_set("out of memory");
        }
    }
    git_tree_free(sub);
    return 0;
}

static int list_index(vfs_git *v, const char *full, char ***names, size_t *count,
                      size_t *cap)
{
    size_t fl = strlen(full);
    int folder_seen = fl == 0;
    size_t n = git_index_entrycount(v->index);
    for (size_t i = 0; i < n; i++) {
        const git_index_entry *e = git_index_get_byindex(v->index, i);
        if (!e || GIT_INDEX_ENTRY_STAGE(e) != 0)
            continue;
        const char *p = e->path;
        if (fl) {
            if (strncmp(p, full, fl) != 0 || p[fl] != '/')
                continue;
            p += fl + 1;
        }
        folder_seen = 1;
        if (strchr(p, '/') ||
            (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE))
            continue;
        if (names_add(names, count, cap, p, strlen(p)) < 0)
            return err_set("out of memory");
    }
    if (!folder_seen)
        return err_set("%s%s: no such folder", v->label, full);
    return 0;
}

static int vfs_git_list(void *ctx, const char *dir, char ***names_out, size_t *count_out)
{
    vfs_git *v = ctx;
    *names_out = NULL;
    *count_out = 0;
    char *full = full_path(v, dir);
    if (!full)
        return err_set("%s%s: outside the repository", v->label, dir);
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = v->tree ? list_tree(v, full, &names, &count, &cap)
                     : list_index(v, full, &names, &count, &cap);
    free(full);
    if (rc < 0) {
        vfs_free_names(names, count);
        return -1;
    }
    if (count)
        qsort(names, count, sizeof *names, name_cmp);
    *names_out = names;
    *count_out = count;
    return 0;
}

static int open_common(vfs *out, git_repository *repo, git_tree *tree, git_index *index,
                       const char *dir, const char *label)
{
    memset(out, 0, sizeof *out);
    vfs_git *v = calloc(1, sizeof *v);
    if (!v)
        return err_set("out of memory");
    v->repo = repo;
    v->tree = tree;
    v->index = index;
    v->dir = strdup(dir ? dir : "");
    v->label = strdup(label ? label : "");
    if (!v->dir || !v->label) {
        free(v->dir);
        free(v->label);
        free(v);
        return err_set("out of memory");
    }
    out->ctx = v;
    out->read = vfs_git_read;
    out->list = vfs_git_list;
    out->root_label = v->label;
    return 0;
}

int vfs_git_open_tree(vfs *out, git_repository *repo, git_tree *root_tree,
                      const char *dir, const char *label)
{
    return open_common(out, repo, root_tree, NULL, dir, label);
}

int vfs_git_open_index(vfs *out, git_repository *repo, git_index *index,
                       const char *dir, const char *label)
{
    return open_common(out, repo, NULL, index, dir, label);
}

void vfs_git_close(vfs *v)
{
    if (!v || !v->ctx)
        return;
    vfs_git *g = v->ctx;
    free(g->dir);
    free(g->label);
    free(g);
    memset(v, 0, sizeof *v);
}
