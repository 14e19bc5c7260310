/* src_git_priv.h: the git source's insides, shared by the source itself
 * (src_git.c: listing, reading, link targets) and its openers (src_git_open.c:
 * over a commit's tree, over the index). Not for outside source/. */
#ifndef PROVCHECK_SRC_GIT_PRIV_H
#define PROVCHECK_SRC_GIT_PRIV_H
#include <stdint.h>
#include "src_git.h"

typedef struct tree_item {   /* 32 bytes: a tree may list many thousands */
    char *site_path;            /* in the source's pool */
    git_oid oid;
    uint16_t mode;              /* a git_filemode_t: all fit in 16 bits */
    unsigned char unmerged;
} tree_item;

typedef struct path_set {
    const char **slots;     /* borrowed from the items */
    size_t cap;             /* power of two */
} path_set;

typedef struct git_src {
    source base;
    char *gitdir;
    char *prefix;
    const config *cfg;
    tree_item *items; size_t count, cap;
    strpool *pool;              /* the items' paths */
    path_set files;
    char **paths; size_t path_count;
    int has_only;
    path_set only;
    char **only_paths; size_t only_count;
} git_src;

/* A source with o's settings copied and no entries yet. NULL out of memory. */
git_src *git_src_new(const src_git_options *o);
/* One entry of the tree or index (site_path relative to the site root). */
int git_src_add_item(git_src *g, const char *site_path, const git_oid *oid, unsigned mode,
                     int unmerged);
/* Sort the entries, index the regular files, check the PATHs exist in `where`.
 * 0, or -1 with err_set. */
int git_src_finish(git_src *g, const char *where);
void git_src_free(source *base);

#endif
