/* files_target.c: files mode. With the config loaded (config_find.h), works out
 * the site root (docs/config.md) and opens the file-system source over it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <git2.h>
#include "config_find.h"
#include "err.h"
#include "paths.h"
#include "src_fs.h"
#include "target.h"
#include "target_modes.h"

/* The site root (docs/config.md): the config's site_root (relative to the
   config's folder), else the config's folder, else the one PATH when it is a
   folder, else the current directory. */
static char *site_root_for(const config *cfg, const target_request *a)
{
    if (cfg->path) {
        if (cfg->site_root)
            return path_join(cfg->dir, cfg->site_root);
        return strdup(cfg->dir ? cfg->dir : ".");
    }
    if (a->path_count == 1 && path_is_folder(a->paths[0]))
        return strdup(a->paths[0]);
    return strdup(".");
}

/* Whether PATH names the site root itself, so the whole site is checked. */
static int same_folder(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISDIR(sa.st_mode) &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Whether `path` (absolute) or a folder above it holds a ".git" entry: without
   one, no repository can be found from it, and starting libgit2 (which reads the
   system's TLS certificates, some 15 ms) is not needed to learn that. */
static int git_entry_above(const char *path)
{
    size_t n = strlen(path);
    char *probe = malloc(n + sizeof "/.git");
    if (!probe)
        return 1;   /* unsure: let libgit2 look */
    memcpy(probe, path, n + 1);
    int found = 0;
    for (;;) {
        size_t len = strlen(probe);
        int root = len == 1 && probe[0] == '/';
        memcpy(probe + (root ? 0 : len), "/.git", sizeof "/.git");
        struct stat st;
        if (lstat(probe, &st) == 0) {
            found = 1;
            break;
        }
        probe[len] = '\0';
        char *slash = strrchr(probe, '/');
        if (root || !slash)
            break;
        slash[slash == probe ? 1 : 0] = '\0';
    }
    free(probe);
    return found;
}

char *git_work_tree_of(const char *path)
{
    if (path[0] == '/' && !git_entry_above(path))
        return NULL;
    git_libgit2_init();
    git_repository *repo = NULL;
    char *out = NULL;
    if (git_repository_open_ext(&repo, path, 0, NULL) == 0 && git_repository_workdir(repo))
        out = realpath(git_repository_workdir(repo), NULL);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return out;
}

/* Inside a git work tree, report paths are relative to its root (as in the git
   modes), so a page has one path and fingerprint in every mode; outside one, to
   the site root. */
static int set_report_base(source *src, const char *root)
{
    char *root_real = realpath(root, NULL);
    if (!root_real)
        return err_set("site root %s: %s", root, strerror(errno));
    char *work_tree = git_work_tree_of(root_real);
    const char *prefix = "";
    if (work_tree) {
        size_t n = strlen(work_tree);
        if (n == 1)
            prefix = root_real + 1;   /* a work tree at "/" */
        else if (strncmp(root_real, work_tree, n) == 0 && root_real[n] == '/')
            prefix = root_real + n + 1;
        else if (strcmp(root_real, work_tree) != 0) {
            free(work_tree);      /* the root is not inside it (a link in between) */
            work_tree = NULL;
        }
    }
    int rc = src_fs_set_report_base(src, prefix, work_tree ? work_tree : root_real);
    free(work_tree);
    free(root_real);
    return rc;
}

/* A source that lists no page: every PATH a hook handed over lies outside the site. */
static int list_nothing(source *s, page_ref_list *out)
{
    (void)s;
    (void)out;
    return 0;
}

int files_target_open(check_target *t, const target_request *a)
{
    memset(t, 0, sizeof *t);
    if (config_find_load(&t->cfg, a->config_path) < 0)
        return -1;
    return files_target_open_source(t, a);
}

int files_target_open_source(check_target *t, const target_request *a)
{
    char *root = NULL;
    char **hook_paths = NULL;
    int rc = -1;

    root = site_root_for(t->cfg, a);
    if (!root) {
        err_set("out of memory");
        goto cleanup;
    }
    if (!path_is_folder(root)) {
        err_set("site root %s: %s", root, path_exists(root) ? "not a folder"
                                                              : strerror(ENOENT));
        goto cleanup;
    }
    char **paths = a->paths;
    size_t path_count = a->path_count;
    if (a->only_in_scope && path_count &&
        hook_paths_inside_root(root, a->paths, a->path_count, &hook_paths, &path_count) < 0)
        goto cleanup;
    int none_in_site = hook_paths && path_count == 0;
    if (hook_paths)
        paths = hook_paths;
    if (path_count == 1 && same_folder(paths[0], root))
        path_count = 0;
    if (src_fs_open(&t->src, root, path_count ? paths : NULL, path_count, t->cfg) < 0 ||
        set_report_base(t->src, root) < 0)
        goto cleanup;
    if (none_in_site)
        t->src->list = list_nothing;
    if (!t->fs_close) {
        if (vfs_fs_open(&t->fs, t->cfg->dir ? t->cfg->dir : ".") < 0)
            goto cleanup;
        t->fs_close = vfs_fs_close;
    }
    rc = 0;
cleanup:
    free(root);
    free(hook_paths);
    return rc;
}
