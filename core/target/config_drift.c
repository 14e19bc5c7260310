/* config_drift.c: config and rule files a checked revision changes (config_drift.h). */
#include <stdlib.h>
#include <string.h>
#include "config_drift.h"
#include "err.h"
#include "rules.h"

typedef struct probe {
    char *path;
    int is_folder;
} probe;

typedef struct recorder {
    const vfs *inner;
    probe *items;
    size_t count, cap;
    int failed;          /* out of memory while recording */
} recorder;

static void record(recorder *r, const char *path, int is_folder)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->items[i].is_folder == is_folder && strcmp(r->items[i].path, path) == 0)
            return;
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        probe *items = realloc(r->items, cap * sizeof *items);
        if (!items) {
            r->failed = 1;
            return;
        }
        r->items = items;
        r->cap = cap;
    }
    char *copy = strdup(path ? path : "");
    if (!copy) {
        r->failed = 1;
        return;
    }
    r->items[r->count].path = copy;
    r->items[r->count].is_folder = is_folder;
    r->count++;
}

static int recording_read(void *ctx, const char *path, char **out, size_t *len_out)
{
    recorder *r = ctx;
    record(r, path, 0);
    return r->inner->read(r->inner->ctx, path, out, len_out);
}

static int recording_list(void *ctx, const char *dir, char ***names_out, size_t *count_out)
{
    recorder *r = ctx;
    record(r, dir, 1);
    return r->inner->list(r->inner->ctx, dir, names_out, count_out);
}

void drift_files_free(drift_files *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->items[i]);
    free(d->items);
    memset(d, 0, sizeof *d);
}

static int drift_add(drift_files *d, const char *prefix, const char *path)
{
    char *full = NULL;
    if (prefix && *prefix && strcmp(prefix, ".") != 0)
        full = fs_path_join(prefix, path);
    else
        full = strdup(path);
    if (!full)
        return -1;
    size_t at = 0;
    while (at < d->count && strcmp(d->items[at], full) < 0)
        at++;
    if (at < d->count && strcmp(d->items[at], full) == 0) {
        free(full);
        return 0;
    }
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        char **items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            free(full);
            return -1;
        }
        d->items = items;
        d->cap = cap;
    }
    memmove(d->items + at + 1, d->items + at, (d->count - at) * sizeof *d->items);
    d->items[at] = full;
    d->count++;
    return 0;
}

int config_drift_file(const vfs *trusted, const vfs *checked, const char *path,
                      const char *shown, drift_files *out)
{
    char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    int ha = trusted->read(trusted->ctx, path, &a, &al) == 0;
    int hb = checked->read(checked->ctx, path, &b, &bl) == 0;
    err_clear();   /* absent is an answer here, not an error */
    int same = ha == hb && (!ha || (al == bl && memcmp(a, b, al) == 0));
    free(a);
    free(b);
    return same ? 0 : drift_add(out, NULL, shown);
}

/* The names a folder lists in one vfs and not in the other, as folder/name. */
static int folder_drift(const vfs *trusted, const vfs *checked, const char *dir,
                        const char *prefix, drift_files *out)
{
    char **an = NULL, **bn = NULL;
    size_t ac = 0, bc = 0;
    if (trusted->list(trusted->ctx, dir, &an, &ac) < 0)
        ac = 0;
    if (checked->list(checked->ctx, dir, &bn, &bc) < 0)
        bc = 0;
    err_clear();
    int rc = 0;
    size_t i = 0, j = 0;
    /* both lists are sorted */
    while (rc == 0 && (i < ac || j < bc)) {
        int c = i == ac ? 1 : j == bc ? -1 : strcmp(an[i], bn[j]);
        const char *name = c < 0 ? an[i] : bn[j];
        if (c != 0) {
            char *p = fs_path_join(dir, name);
            rc = p ? drift_add(out, prefix, p) : -1;
            free(p);
        }
        if (c <= 0)
            i++;
        if (c >= 0)
            j++;
    }
    vfs_free_names(an, ac);
    vfs_free_names(bn, bc);
    return rc;
}

int config_drift_rules(const config *cfg, const vfs *loaded_from, const vfs *trusted,
                       const vfs *checked, const char *prefix, drift_files *out)
{
    recorder r = {.inner = loaded_from};
    vfs rec = {.ctx = &r, .read = recording_read, .list = recording_list,
               .root_label = loaded_from->root_label};
    ruleset *rs = NULL;
    int rc = ruleset_load(&rs, cfg, &rec);
    ruleset_free(rs);
    if (rc == 0 && r.failed)
        rc = err_set("out of memory");
    for (size_t i = 0; rc == 0 && i < r.count; i++) {
        const probe *p = &r.items[i];
        if (p->is_folder) {
            rc = folder_drift(trusted, checked, p->path, prefix, out);
        } else {
            char *shown = prefix && *prefix && strcmp(prefix, ".") != 0
                              ? fs_path_join(prefix, p->path) : strdup(p->path);
            rc = shown ? config_drift_file(trusted, checked, p->path, shown, out) : -1;
            free(shown);
        }
        if (rc < 0 && !err_last()[0])
            err_set("out of memory");
    }
    for (size_t i = 0; i < r.count; i++)
        free(r.items[i].path);
    free(r.items);
    return rc;
}
