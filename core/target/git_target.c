/* git_target.c: the git modes of check (cli.h): --rev REV (a commit's tree),
 * --staged (the index) and --changed-since BASE (in every mode, the work tree
 * included). Config, rule_paths and plugins come from the same tree or index
 * unless --config names a file; the result cache hooks are set here. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <git2/sys/repository.h>
#include "cli.h"
#include "cli_util.h"
#include "config_drift.h"
#include "err.h"
#include "result_cache.h"
#include "src_git.h"

#define CONFIG_NAME "provcheck.lua"

static const char *git_message(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

/* ---- paths ---- */

/* The lexical absolute form of path (relative to the current folder), without a
   leading '/' and with "." and ".." applied. */
static char *absolute_normalized(const char *path)
{
    char *joined = NULL;
    if (path[0] == '/') {
        joined = strdup(path);
    } else {
        char *cwd = getcwd(NULL, 0);
        joined = cwd ? git_path_join(cwd, path) : NULL;
        free(cwd);
    }
    if (!joined)
        return NULL;
    char *norm = git_path_normalize(joined);
    free(joined);
    return norm;
}

char *git_target_repo_path(git_repository *repo, const char *path)
{
    const char *workdir = git_repository_workdir(repo);
    if (!workdir) {
        /* A bare repository has no work tree: PATHs name repository paths. */
        char *norm = git_path_normalize(path);
        if (!norm)
            err_set("%s: outside the repository", path);
        return norm;
    }
    char *real_wd = realpath(workdir, NULL);
    char *wd = real_wd ? git_path_normalize(real_wd) : NULL;
    char *abs = absolute_normalized(path);
    char *out = NULL;
    if (!wd || !abs) {
        err_set("out of memory");
    } else {
        size_t n = strlen(wd);
        if (n == 0)
            out = strdup(abs);
        else if (strncmp(abs, wd, n) == 0 && abs[n] == '\0')
            out = strdup("");
        else if (strncmp(abs, wd, n) == 0 && abs[n] == '/')
            out = strdup(abs + n + 1);
        else
            err_set("%s: outside the git work tree %s", path, workdir);
    }
    free(real_wd);
    free(wd);
    free(abs);
    return out;
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, (size_t)(slash - path)) : strdup("");
}

/* The path from the current folder (inside the work tree) to the repository
   folder `folder`: "../.." style, so report roots look as in plain files mode. */
static char *path_from_cwd(git_repository *repo, const char *folder)
{
    char *cwd_prefix = git_target_repo_path(repo, ".");
    if (!cwd_prefix)
        return NULL;
    buf b = BUF_INIT;
    for (const char *p = cwd_prefix; *p; p++)
        if (p == cwd_prefix || p[-1] == '/')
            buf_puts(&b, b.len ? "/.." : "..");
    if (*folder)
        buf_printf(&b, "%s%s", b.len ? "/" : "", folder);
    free(cwd_prefix);
    if (!b.len)
        buf_puts(&b, ".");
    char *out = buf_detach(&b, NULL);
    if (!out)
        err_set("out of memory");
    return out;
}

/* ---- state ---- */

static void state_close(void *p)
{
    git_target_state *s = p;
    if (!s)
        return;
    result_cache_close(s->cache);
    git_tree_free(s->config_tree);
    git_commit_free(s->config_commit);
    git_index_free(s->index);
    git_tree_free(s->tree);
    git_commit_free(s->commit);
    git_repository_free(s->repo);
    free(s->site_prefix);
    free(s->rev);
    free(s);
    git_libgit2_shutdown();
}

/* git commit -a, git commit PATH, --only and --include run the pre-commit hook
   with a temporary index named by GIT_INDEX_FILE: that index is what is being
   committed, so it is the one to read. A relative name is taken from the work tree
   root, as git does (it moves there before reading the variable, and runs hooks
   from there). A missing file is an empty index, as for git. */
static int use_index_from_env(git_repository *repo)
{
    const char *name = getenv("GIT_INDEX_FILE");
    if (!name || !*name)
        return 0;
    const char *wd = git_repository_workdir(repo);
    char *path = name[0] == '/' || !wd ? strdup(name) : git_path_join(wd, name);
    git_index *index = NULL;
    int rc = 0;
    if (!path)
        rc = err_set("out of memory");
    else if (git_index_open(&index, path) < 0 || git_repository_set_index(repo, index) < 0)
        rc = err_set("GIT_INDEX_FILE=%s: cannot read the index: %s", name, git_message());
    git_index_free(index);   /* the repository holds its own reference */
    free(path);
    return rc;
}

static int open_repository(git_target_state *s)
{
    if (git_repository_open_ext(&s->repo, ".", 0, NULL) < 0) {
        char *cwd = getcwd(NULL, 0);
        err_set("not a git repository (or any parent folder): %s", cwd ? cwd : ".");
        free(cwd);
        return -1;
    }
    return 0;
}

static int resolve_commit(git_repository *repo, const char *rev, git_commit **out)
{
    git_object *obj = NULL;
    *out = NULL;
    if (git_revparse_single(&obj, repo, rev) < 0)
        return err_set("revision %s does not resolve: %s", rev, git_message());
    int rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return err_set("revision %s is not a commit: %s", rev, git_message());
    return 0;
}

/* ---- config ---- */

/* Where a git mode reads its config and rules: a commit's tree (the checked one, or
   the trusted --config-from revision) or the index. */
typedef struct config_source {
    git_tree *tree;
    git_index *index;
    const char *rev;       /* for labels, git's way: REV:path, or :path (the index) */
} config_source;

static config_source config_source_of(const git_target_state *s, const check_args *a)
{
    config_source cs = {s->tree, s->index, s->rev};
    if (s->config_tree) {
        cs.tree = s->config_tree;
        cs.index = NULL;
        cs.rev = a->config_from;
    }
    return cs;
}

static int open_source_vfs(vfs *out, git_repository *repo, const config_source *cs,
                           const char *dir, const char *label)
{
    return cs->tree ? vfs_git_open_tree(out, repo, cs->tree, dir, label)
                    : vfs_git_open_index(out, repo, cs->index, dir, label);
}

/* Read a file of the tree or index at the repository path `path`. 1 found, 0 not
   there, -1 error. */
static int read_repo_file(git_repository *repo, const config_source *cs, const char *path,
                          char **text, size_t *len)
{
    vfs root;
    if (open_source_vfs(&root, repo, cs, "", "") < 0)
        return -1;
    int found = 0;
    if (cs->tree) {
        git_tree_entry *e = NULL;
        found = git_tree_entry_bypath(&e, cs->tree, path) == 0 &&
                git_tree_entry_type(e) == GIT_OBJECT_BLOB;
        git_tree_entry_free(e);
    } else {
        found = git_index_get_bypath(cs->index, path, 0) != NULL;
    }
    if (found && root.read(root.ctx, path, text, len) < 0)
        found = -1;
    vfs_git_close(&root);
    return found;
}

/* The repository paths where a git mode looks for its config, in order: with
   --config-from and --config, the one file named; else provcheck.lua in the folder
   run from, then at the repository root. */
static int config_candidates(git_target_state *s, const check_args *a, char *out[2])
{
    out[0] = out[1] = NULL;
    if (a->config_path) {
        out[0] = git_target_repo_path(s->repo, a->config_path);
        return out[0] ? 0 : -1;
    }
    char *cwd_prefix = git_target_repo_path(s->repo, ".");
    if (!cwd_prefix) {
        err_clear();
        cwd_prefix = strdup("");
        if (!cwd_prefix)
            return err_set("out of memory");
    }
    out[0] = git_path_join(cwd_prefix, CONFIG_NAME);
    out[1] = strdup(CONFIG_NAME);
    free(cwd_prefix);
    if (!out[0] || !out[1]) {
        free(out[0]);
        free(out[1]);
        out[0] = out[1] = NULL;
        return err_set("out of memory");
    }
    return 0;
}

/* The config of a git mode and the folder (repository path) rule_paths and
   site_root are relative to; *folder is NULL for a --config outside the
   repository. `in_work_tree`: the pages come from the file system (--config-from
   in files mode), so the config's folder is named as a path from here. */
static int load_config(check_target *t, git_target_state *s, const check_args *a,
                       int in_work_tree, char **folder)
{
    *folder = NULL;
    if (a->config_path && !s->config_tree) {
        if (cli_config_load(&t->cfg, a->config_path) < 0)
            return -1;
        if (vfs_fs_open(&t->fs, t->cfg->dir ? t->cfg->dir : ".") < 0)
            return -1;
        t->fs_close = vfs_fs_close;
        if (git_repository_workdir(s->repo)) {
            *folder = git_target_repo_path(s->repo, t->cfg->dir ? t->cfg->dir : ".");
            err_clear();   /* outside the work tree is allowed */
        }
        return 0;
    }
    config_source cs = config_source_of(s, a);
    char *candidates[2];
    if (config_candidates(s, a, candidates) < 0)
        return -1;
    int rc = -1;
    char *text = NULL, *label = NULL, *dir = NULL, *load_dir = NULL;
    size_t len = 0;
    const char *chosen = NULL;
    for (int i = 0; i < 2 && candidates[i] && !chosen; i++) {
        int found = read_repo_file(s->repo, &cs, candidates[i], &text, &len);
        if (found < 0)
            goto cleanup;
        if (found)
            chosen = candidates[i];
    }
    if (!chosen && a->config_path) {
        err_set("%s: not in %s (--config-from reads the config from there)",
                a->config_path, a->config_from);
        goto cleanup;
    }
    if (chosen) {
        dir = folder_of(chosen);
        size_t n = strlen(chosen) + (cs.rev ? strlen(cs.rev) : 0) + 2;
        label = malloc(n);
        if (!dir || !label) {
            err_set("out of memory");
            goto cleanup;
        }
        /* git's own spelling of a file in a revision (REV:path) or the index (:path) */
        snprintf(label, n, "%s:%s", cs.rev ? cs.rev : "", chosen);
        load_dir = in_work_tree ? path_from_cwd(s->repo, dir) : strdup(*dir ? dir : ".");
        if (!load_dir) {
            if (!in_work_tree)
                err_set("out of memory");
            goto cleanup;
        }
        if (config_load(&t->cfg, label, load_dir, text, len) < 0)
            goto cleanup;
    } else {
        dir = strdup("");
        t->cfg = config_default();
        if (!dir || !t->cfg) {
            err_set("out of memory");
            goto cleanup;
        }
    }
    if (open_source_vfs(&t->fs, s->repo, &cs, dir, label ? label : "") < 0)
        goto cleanup;
    t->fs_close = vfs_git_close;
    *folder = dir;
    dir = NULL;
    rc = 0;
cleanup:
    free(candidates[0]);
    free(candidates[1]);
    free(text);
    free(label);
    free(dir);
    free(load_dir);
    return rc;
}

/* The site root inside the repository (CONTRACT.md): site_root relative to the
   config's folder (or to the repository root for a config from outside), else
   the config's folder, else the repository root. */
static char *site_prefix_for(git_repository *repo, const config *cfg, const char *folder)
{
    const char *base = folder ? folder : "";
    if (!cfg->site_root)
        return strdup(base);
    if (cfg->site_root[0] == '/')
        return git_target_repo_path(repo, cfg->site_root);
    char *joined = git_path_join(base, cfg->site_root);
    char *norm = joined ? git_path_normalize(joined) : NULL;
    if (joined && !norm)
        err_set("site_root %s leaves the repository", cfg->site_root);
    else if (!joined)
        err_set("out of memory");
    free(joined);
    return norm;
}

/* ---- --changed-since ---- */

typedef struct path_list {
    char **items;
    size_t count, cap;
} path_list;

static void path_list_free(path_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int path_list_add(path_list *l, const char *p)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    if (!(l->items[l->count] = strdup(p)))
        return -1;
    l->count++;
    return 0;
}

/* Repository paths of the pages added, modified or renamed between BASE and the
   target (a tree, the index, or the work tree when both are NULL). */
static int changed_paths(git_repository *repo, const char *base_rev, git_tree *tree,
                         git_index *index, const char *site_prefix, path_list *out)
{
    git_commit *base = NULL;
    git_tree *base_tree = NULL;
    git_diff *diff = NULL;
    int rc = -1;
    /* Before the first commit, HEAD names nothing yet: everything is a change (a
       pre-commit hook running --changed-since HEAD in a new repository). */
    int unborn = strcmp(base_rev, "HEAD") == 0 && git_repository_head_unborn(repo) == 1;
    if (!unborn && resolve_commit(repo, base_rev, &base) < 0)
        return -1;
    if (base && git_commit_tree(&base_tree, base) < 0) {
        err_set("%s: cannot read its tree: %s", base_rev, git_message());
        goto cleanup;
    }
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    char *spec = (char *)site_prefix;
    if (site_prefix && *site_prefix) {
        opts.pathspec.strings = &spec;
        opts.pathspec.count = 1;
    }
    int drc;
    if (tree) {
        drc = git_diff_tree_to_tree(&diff, repo, base_tree, tree, &opts);
    } else if (index) {
        drc = git_diff_tree_to_index(&diff, repo, base_tree, index, &opts);
    } else {
        /* Files mode checks ignored and untracked files too (built sites). */
        opts.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
                      GIT_DIFF_INCLUDE_IGNORED | GIT_DIFF_RECURSE_IGNORED_DIRS;
        drc = git_diff_tree_to_workdir_with_index(&diff, repo, base_tree, &opts);
    }
    if (drc < 0) {
        err_set("--changed-since %s: %s", base_rev, git_message());
        goto cleanup;
    }
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    if (git_diff_find_similar(diff, &find) < 0) {
        err_set("--changed-since %s: %s", base_rev, git_message());
        goto cleanup;
    }
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        switch (d->status) {
        case GIT_DELTA_ADDED: case GIT_DELTA_MODIFIED: case GIT_DELTA_RENAMED:
        case GIT_DELTA_COPIED: case GIT_DELTA_TYPECHANGE: case GIT_DELTA_UNTRACKED:
        case GIT_DELTA_IGNORED:
            if (path_list_add(out, d->new_file.path) < 0) {
                err_set("out of memory");
                goto cleanup;
            }
            break;
        default:
            break;
        }
    }
    rc = 0;
cleanup:
    git_diff_free(diff);
    git_tree_free(base_tree);
    git_commit_free(base);
    return rc;
}

/* Files mode narrowed to the pages changed since BASE: the files source with its
   list filtered; everything else goes straight through. */
typedef struct filtered_source {
    source base;
    source *inner;
    char **keep;   /* site paths, sorted */
    size_t keep_count;
} filtered_source;

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int filtered_list(source *s, page_ref_list *out)
{
    filtered_source *f = (filtered_source *)s;
    page_ref_list all = {0};
    if (f->inner->list(f->inner, &all) < 0) {
        page_ref_list_free(&all);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < all.count && rc == 0; i++) {
        page_ref *r = &all.items[i];
        const char *key = r->site_path;
        if (!f->keep_count ||
            !bsearch(&key, f->keep, f->keep_count, sizeof *f->keep, str_cmp))
            continue;
        if (page_ref_list_add(out, r->path, r->site_path, r->url, r->blob,
                              r->size, r->error) < 0)
            rc = err_set("out of memory");
    }
    page_ref_list_free(&all);
    return rc;
}

static source_reader *filtered_reader_open(source *s)
{
    filtered_source *f = (filtered_source *)s;
    return f->inner->reader_open(f->inner);
}

static void filtered_free(source *s)
{
    filtered_source *f = (filtered_source *)s;
    if (!f)
        return;
    f->inner->free(f->inner);
    for (size_t i = 0; i < f->keep_count; i++)
        free(f->keep[i]);
    free(f->keep);
    free(f);
}

/* Narrow the files-mode source to the pages changed since BASE. */
static int filter_changed_files(check_target *t, git_repository *repo, const char *base)
{
    path_list changed = {0};
    char *prefix = git_target_repo_path(repo, t->src->root);
    int rc = -1;
    if (!prefix || changed_paths(repo, base, NULL, NULL, prefix, &changed) < 0)
        goto cleanup;
    filtered_source *f = calloc(1, sizeof *f);
    if (!f) {
        err_set("out of memory");
        goto cleanup;
    }
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < changed.count; i++) {
        char *p = changed.items[i];
        if (pl) {
            if (strncmp(p, prefix, pl) != 0 || p[pl] != '/') {
                free(p);
                continue;
            }
            memmove(p, p + pl + 1, strlen(p + pl + 1) + 1);
        }
        changed.items[f->keep_count++] = p;
    }
    f->keep = changed.items;
    changed.items = NULL;
    changed.count = 0;
    if (f->keep_count > 1)   /* nothing changed: keep is NULL, which qsort may not get */
        qsort(f->keep, f->keep_count, sizeof *f->keep, str_cmp);
    f->inner = t->src;
    f->base = *t->src;
    f->base.list = filtered_list;
    f->base.reader_open = filtered_reader_open;
    f->base.free = filtered_free;
    t->src = &f->base;
    rc = 0;
cleanup:
    path_list_free(&changed);
    free(prefix);
    return rc;
}

static git_target_state *state_new(check_target *t)
{
    git_libgit2_init();
    git_target_state *s = calloc(1, sizeof *s);
    if (!s) {
        git_libgit2_shutdown();
        err_set("out of memory");
        return NULL;
    }
    t->state = s;
    t->state_close = state_close;
    return s;
}

/* The trusted revision of --config-from. */
static int open_config_from(git_target_state *s, const char *rev)
{
    if (resolve_commit(s->repo, rev, &s->config_commit) < 0)
        return -1;
    if (git_commit_tree(&s->config_tree, s->config_commit) < 0)
        return err_set("%s: cannot read its tree: %s", rev, git_message());
    return 0;
}

static int config_drift(check_target *t, git_target_state *s, const check_args *a,
                        const char *folder, const char *workdir);

/* Files mode with --changed-since or --config-from: pages from the work tree. */
static int workdir_open(check_target *t, const check_args *a)
{
    git_target_state *s = NULL;
    char *folder = NULL;
    int rc = -1;
    if (a->config_from) {
        memset(t, 0, sizeof *t);
        if (!(s = state_new(t)))
            goto cleanup;
    } else {
        if (files_target_open(t, a) < 0)
            return -1;
        if (!(s = state_new(t)))
            goto cleanup;
    }
    if (git_repository_open_ext(&s->repo, ".", 0, NULL) < 0) {
        err_set("%s needs a git repository: %s",
                a->config_from ? "--config-from" : "--changed-since", git_message());
        goto cleanup;
    }
    /* --changed-since compares the work tree through the index */
    if (a->changed_since && use_index_from_env(s->repo) < 0)
        goto cleanup;
    const char *workdir = git_repository_workdir(s->repo);
    if (!workdir) {
        err_set("%s without --rev needs a work tree: the repository is bare",
                a->config_from ? "--config-from" : "--changed-since");
        goto cleanup;
    }
    if (a->config_from) {
        if (open_config_from(s, a->config_from) < 0 ||
            load_config(t, s, a, 1, &folder) < 0 ||
            files_target_open_source(t, a) < 0)
            goto cleanup;
    } else if (t->cfg->path) {
        folder = git_target_repo_path(s->repo, t->cfg->dir ? t->cfg->dir : ".");
        err_clear();   /* a config outside the work tree: nothing to compare */
    } else {
        folder = strdup("");
        if (!folder) {
            err_set("out of memory");
            goto cleanup;
        }
    }
    if (a->changed_since && filter_changed_files(t, s->repo, a->changed_since) < 0)
        goto cleanup;
    if (config_drift(t, s, a, folder, workdir) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    free(folder);
    if (rc < 0)
        check_target_close(t);
    return rc;
}

/* ---- what the checked target changes in config and rules ---- */

/* The revision the config and rules are compared with: the trusted one, else the
   base of --changed-since, else HEAD for the index and the work tree. NULL: none
   (--rev alone, or a --config FILE that the target does not hold). */
static const char *drift_base(const git_target_state *s, const check_args *a,
                              const char *folder)
{
    if (a->config_from)
        return a->config_from;
    if (a->config_path && !folder)
        return NULL;
    if (a->changed_since)
        return a->changed_since;
    if (!s->tree && git_repository_head_unborn(s->repo) != 1)
        return "HEAD";
    return NULL;
}

/* A vfs over `dir` of what is checked: the tree (--rev), the index (--staged) or
   the work tree. */
static int open_checked_vfs(vfs *out, git_target_state *s, const char *dir,
                            const char *workdir)
{
    if (s->tree)
        return vfs_git_open_tree(out, s->repo, s->tree, dir, "");
    if (s->index)
        return vfs_git_open_index(out, s->repo, s->index, dir, "");
    char *full = git_path_join(workdir, dir);
    int rc = full ? vfs_fs_open(out, full) : err_set("out of memory");
    free(full);
    return rc;
}

static void close_vfs(vfs *v, int is_fs)
{
    if (is_fs)
        vfs_fs_close(v);
    else
        vfs_git_close(v);
}

static int config_drift(check_target *t, git_target_state *s, const check_args *a,
                        const char *folder, const char *workdir)
{
    const char *base = drift_base(s, a, folder);
    if (!base || !folder)
        return 0;
    git_commit *base_commit = NULL;
    git_tree *base_tree = NULL;
    drift_files d = {0};
    vfs checked = {0}, base_vfs = {0}, checked_root = {0}, base_root = {0};
    int have_checked = 0, have_base = 0, have_roots = 0;
    int checked_fs = !s->tree && !s->index;
    char *candidates[2] = {NULL, NULL};
    int rc = -1;
    if (s->config_tree) {
        base_tree = s->config_tree;
    } else {
        if (resolve_commit(s->repo, base, &base_commit) < 0)
            goto cleanup;
        if (git_commit_tree(&base_tree, base_commit) < 0) {
            err_set("%s: cannot read its tree: %s", base, git_message());
            goto cleanup;
        }
    }
    /* the rules, from the folder of the config that was loaded */
    if (open_checked_vfs(&checked, s, folder, workdir) < 0)
        goto cleanup;
    have_checked = 1;
    if (vfs_git_open_tree(&base_vfs, s->repo, base_tree, folder, "") < 0)
        goto cleanup;
    have_base = 1;
    if (config_drift_rules(t->cfg, &t->fs, &base_vfs, &checked, folder, &d) < 0)
        goto cleanup;
    /* the config itself, wherever a config would be looked for */
    if (open_checked_vfs(&checked_root, s, "", workdir) < 0)
        goto cleanup;
    if (vfs_git_open_tree(&base_root, s->repo, base_tree, "", "") < 0) {
        close_vfs(&checked_root, checked_fs);
        goto cleanup;
    }
    have_roots = 1;
    if (a->config_path && !s->config_tree) {
        char *p = git_path_join(folder, strrchr(a->config_path, '/')
                                            ? strrchr(a->config_path, '/') + 1
                                            : a->config_path);
        candidates[0] = p ? git_path_normalize(p) : NULL;
        free(p);
        if (!candidates[0]) {
            err_set("out of memory");
            goto cleanup;
        }
    } else if (config_candidates(s, a, candidates) < 0) {
        goto cleanup;
    }
    for (int i = 0; i < 2 && candidates[i]; i++)
        if (config_drift_file(&base_root, &checked_root, candidates[i], candidates[i], &d) < 0) {
            err_set("out of memory");
            goto cleanup;
        }
    t->config_base = strdup(base);
    if (!t->config_base) {
        err_set("out of memory");
        goto cleanup;
    }
    t->config_changed = d.items;
    t->config_changed_count = d.count;
    memset(&d, 0, sizeof d);
    rc = 0;
cleanup:
    free(candidates[0]);
    free(candidates[1]);
    if (have_roots) {
        close_vfs(&checked_root, checked_fs);
        vfs_git_close(&base_root);
    }
    if (have_base)
        vfs_git_close(&base_vfs);
    if (have_checked)
        close_vfs(&checked, checked_fs);
    drift_files_free(&d);
    if (base_tree != s->config_tree)
        git_tree_free(base_tree);
    git_commit_free(base_commit);
    return rc;
}

/* ---- cache hooks ---- */

static int exists_in_source(void *ctx, const char *site_path)
{
    return src_git_exists(ctx, site_path);
}

static int cache_lookup(void *ctx, const page_ref *ref, finding_list *out)
{
    git_target_state *s = ctx;
    return result_cache_get(s->cache, ref->blob, ref->path, ref->site_path,
                            s->src->commit, exists_in_source, s->src, out, NULL);
}

static void cache_store(void *ctx, const page_ref *ref, const finding_list *found)
{
    git_target_state *s = ctx;
    const dep_log *deps = src_git_current_deps(ref->path);
    if (deps)   /* without the record of what it asked, a result cannot be trusted */
        result_cache_put(s->cache, ref->blob, ref->path, ref->site_path, found->items,
                         found->count, deps);
}

/* The key of everything a result depends on besides the page and its links. */
static int open_cache(check_target *t, git_target_state *s, const check_args *a)
{
    ruleset *rs = NULL;
    if (ruleset_load(&rs, t->cfg, &t->fs) < 0)
        return -1;   /* a config that does not load is a setup error anyway */
    char material[300], key[65];
    /* a set clock is part of the key; results that read the start time are never
       stored (engine_page_reusable) */
    snprintf(material, sizeof material, "%s;%lld;%zu;%zu;%ld;%ld;%ld;%ld;now:%lld", rs->digest,
             t->cfg->max_instructions, t->cfg->max_memory, t->cfg->max_page_bytes,
             t->cfg->max_time_ms, t->cfg->max_attributes, t->cfg->max_depth,
             t->cfg->parse_seconds,
             t->cfg->now_origin != CONFIG_NOW_START ? t->cfg->now : -1LL);
    ruleset_free(rs);
    result_cache_run_key(key, material, a->rules, a->rule_count);
    s->cache = result_cache_open(git_repository_path(s->repo), key);
    if (s->cache) {
        t->opts.cached = cache_lookup;
        t->opts.store = cache_store;
        t->opts.cache_ctx = s;
    }
    return 0;
}

/* ---- open ---- */

int git_target_open(check_target *t, const check_args *a)
{
    memset(t, 0, sizeof *t);
    if (a->rev && a->staged)
        return err_set("--rev and --staged cannot be combined");
    if (!a->rev && !a->staged)
        return workdir_open(t, a);

    git_target_state *s = state_new(t);
    if (!s)
        return -1;
    /* Blobs are addressed by their ids already; re-hashing every page on read
       (SHA-1 with collision detection) costs more than parsing some of them. */
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    char *folder = NULL, *root = NULL, commit_hex[GIT_OID_HEXSZ + 1] = "";
    path_list paths = {0}, changed = {0};
    int rc = -1;

    if (open_repository(s) < 0)
        goto cleanup;
    if (a->rev) {
        s->rev = strdup(a->rev);
        if (!s->rev) {
            err_set("out of memory");
            goto cleanup;
        }
        if (resolve_commit(s->repo, a->rev, &s->commit) < 0)
            goto cleanup;
        if (git_commit_tree(&s->tree, s->commit) < 0) {
            err_set("%s: cannot read its tree: %s", a->rev, git_message());
            goto cleanup;
        }
        git_oid_tostr(commit_hex, sizeof commit_hex, git_commit_id(s->commit));
    } else {
        if (git_repository_is_bare(s->repo)) {
            err_set("--staged needs a work tree and an index: %s is a bare repository",
                    git_repository_path(s->repo));
            goto cleanup;
        }
        if (use_index_from_env(s->repo) < 0)
            goto cleanup;
        if (git_repository_index(&s->index, s->repo) < 0) {
            err_set("cannot read the index: %s", git_message());
            goto cleanup;
        }
    }
    if (a->config_from && open_config_from(s, a->config_from) < 0)
        goto cleanup;
    if (load_config(t, s, a, 0, &folder) < 0)
        goto cleanup;
    s->site_prefix = site_prefix_for(s->repo, t->cfg, folder);
    if (!s->site_prefix)
        goto cleanup;
    for (size_t i = 0; i < a->path_count; i++) {
        char *p = git_target_repo_path(s->repo, a->paths[i]);
        if (!p)
            goto cleanup;
        int added = path_list_add(&paths, p);
        free(p);
        if (added < 0) {
            err_set("out of memory");
            goto cleanup;
        }
    }
    if (a->changed_since &&
        changed_paths(s->repo, a->changed_since, s->tree, s->index, s->site_prefix,
                      &changed) < 0)
        goto cleanup;
    root = strdup(*s->site_prefix ? s->site_prefix : ".");
    if (!root) {
        err_set("out of memory");
        goto cleanup;
    }
    src_git_options o = {
        .gitdir = git_repository_path(s->repo),
        .site_prefix = s->site_prefix,
        .cfg = t->cfg,
        .paths = paths.items, .path_count = paths.count,
        .has_only = a->changed_since != NULL,
        .only = changed.items, .only_count = changed.count,
        .kind = a->rev ? "rev" : "staged",
        .root = root,
        .rev = a->rev,
        .commit = a->rev ? commit_hex : NULL,
    };
    if ((s->tree ? src_git_open_tree(&t->src, s->tree, &o)
                 : src_git_open_index(&t->src, s->index, &o)) < 0)
        goto cleanup;
    s->src = t->src;
    if (config_drift(t, s, a, folder, NULL) < 0)
        goto cleanup;
    if (!a->no_cache && open_cache(t, s, a) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    free(folder);
    free(root);
    path_list_free(&paths);
    path_list_free(&changed);
    if (rc < 0)
        check_target_close(t);
    return rc;
}
