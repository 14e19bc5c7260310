/* src_git.h: pages from git: the tree of a commit or the index, read through
 * libgit2's object database (never a checkout, never a `git` process), plus the
 * pieces the git commands share: a vfs over a tree or the index, link-target
 * existence in a tree, and the per-page dependency log the result cache keys on.
 *
 * Paths: a page's report path is relative to the repository root; its site path
 * is relative to the site root, which is `site_prefix` inside the repository
 * ("" = the repository root). */
#ifndef PROVCHECK_SRC_GIT_H
#define PROVCHECK_SRC_GIT_H
#include <stddef.h>
#include <git2.h>
#include "config.h"
#include "finding.h"
#include "source.h"

#define SRC_GIT_MSG_SYMLINK "symbolic link in tree: skipped"
#define SRC_GIT_MSG_SUBMODULE "submodule: skipped"
#define SRC_GIT_MSG_UNMERGED "unmerged (conflicted) in the index: skipped"

typedef struct src_git_options {
    const char *gitdir;            /* git_repository_path(): each reader opens its own */
    const char *site_prefix;       /* "" = repository root; no trailing '/' */
    const config *cfg;             /* borrowed; include/exclude, max_page_bytes */
    char **paths; size_t path_count;   /* repo-relative PATHs (files or folders);
                                          none = the whole site */
    int has_only;                  /* only the pages named in `only` (changed pages) */
    char **only; size_t only_count;    /* repo-relative */
    const char *kind;              /* "rev" | "staged" */
    const char *root;              /* target.root */
    const char *rev;               /* as given, or NULL */
    const char *commit;            /* 40 hex, or NULL (staged) */
} src_git_options;

/* A source over the tree of a commit (`root_tree`, the repository's root tree) or
 * over the index (stage 0 entries). Everything needed is copied at open: the tree
 * or index may be freed afterwards. 0, or -1 with err_set (the site root is not a
 * folder there, a PATH names nothing there). */
int src_git_open_tree(source **out, git_tree *root_tree, const src_git_options *o);
int src_git_open_index(source **out, git_index *index, const src_git_options *o);

/* Whether a link target exists in the source's tree or index: a regular blob at
 * site_path, or a folder holding index.html. Thread-safe; records nothing. */
int src_git_exists(source *s, const char *site_path);

/* One question a page asked about a link target, and the answer it got. */
typedef struct src_git_dep {
    char *site_path;
    int exists;
} src_git_dep;

typedef struct dep_log {
    src_git_dep *items;
    size_t count, cap;
} dep_log;

int dep_log_add(dep_log *log, const char *site_path, int exists);
void dep_log_reset(dep_log *log);
void dep_log_free(dep_log *log);

/* The questions the page read last on this thread asked (through the source's
 * target_exists), or NULL when the last page read on this thread was not `path`.
 * Borrowed until the next page is read on this thread. */
const dep_log *src_git_current_deps(const char *path);

/* Link-target existence in a commit's tree (single thread): site_path relative to
 * the site root `site_prefix`. Same answer as src_git_exists over that tree. */
int git_tree_site_exists(git_tree *root_tree, const char *site_prefix,
                         const char *site_path);

/* A vfs over the folder `dir` ("" = root) of a tree or of the index (stage 0).
 * repo, root_tree and index are borrowed and must outlive the vfs. */
int vfs_git_open_tree(vfs *out, git_repository *repo, git_tree *root_tree,
                      const char *dir, const char *label);
int vfs_git_open_index(vfs *out, git_repository *repo, git_index *index,
                       const char *dir, const char *label);
void vfs_git_close(vfs *v);

/* Normalize a '/'-separated relative path: "." and empty segments dropped, ".."
 * applied. NULL when it climbs above its start or memory ran out. "" = the start. */
char *git_path_normalize(const char *path);
/* "a" + "b" -> "a/b"; "" + "b" -> "b". malloc'd. */
char *git_path_join(const char *dir, const char *name);

/* An open git target's state and rule set (target.h, rules.h), for the
   version checker below. */
typedef struct git_target_state git_target_state;
typedef struct ruleset ruleset;

/* ---- helpers for blame, history and log (src_git.c) ---- */

/* "2024-05-01T12:00:00Z" (UTC) into out (at least 21 bytes). */
void git_format_time(char *out, size_t size, git_time_t t);
/* The first parent of c: 1 with *out set, 0 at a root commit, -1 when history
 * stops there (a shallow clone's boundary or a missing parent object). */
int git_first_parent(git_repository *repo, git_commit *c, git_commit **out);
/* The id of the blob at repository path `path` in tree, or 0 when there is none
 * (absent, a folder, a link or a submodule count as none). 1 found. */
int git_tree_blob_at(git_tree *tree, const char *path, git_oid *out);


#endif
