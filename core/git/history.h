/* history.h: a page's compliance at every commit that touched it, along the
 * first-parent history from a commit, newest first (`provcheck history`; usable
 * without a command line). */
#ifndef PROVCHECK_HISTORY_H
#define PROVCHECK_HISTORY_H
#include <git2.h>
#include "finding.h"
#include "src_git.h"
#include "version_check.h"

/* Called once per commit that touched the page (added, changed or deleted it),
 * newest first, with the page's findings there (empty when deleted). Return 0 to
 * go on, -1 (with err_set) to stop the walk with an error. */
typedef int (*history_visit)(void *ctx, git_commit *c, const finding_list *found,
                             int deleted);

/* Where the walk ended early: a shallow clone's boundary or a missing parent. */
typedef struct history_end {
    int truncated;
    char stops_at[GIT_OID_HEXSZ + 1];   /* the oldest commit reached, when truncated */
} history_end;

/* Walk the first-parent history of `from` in repo for repository path `path`,
 * checking each touching version with vc. 0, or -1 with err_set. */
int history_walk(version_checker *vc, git_repository *repo, git_commit *from,
                 const char *path, history_visit visit, void *ctx, history_end *end);

#endif
