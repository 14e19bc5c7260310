/* version_check.h: checking one version of a page as of a commit, with the
 * target's ruleset (one engine, the target's result cache). Blame and history
 * (blame.h, history.h) walk a page's history with it. */
#ifndef PROVCHECK_VERSION_CHECK_H
#define PROVCHECK_VERSION_CHECK_H
#include <stddef.h>
#include <git2.h>
#include "finding.h"
#include "rules.h"
#include "src_git.h"

typedef struct version_checker version_checker;
/* Checks versions of pages with the target's ruleset (one engine, the target's
 * result cache). s and rs are borrowed. NULL with err_set. */
version_checker *version_checker_new(git_target_state *s, const ruleset *rs);
/* How many threads prefetch uses (-j); 0 or less = one per CPU, at most 16. */
void version_checker_set_jobs(version_checker *vc, int jobs);
/* The findings of the blob at `path` as of commit c (links resolve against c's
 * tree). Reuses the previous answer while the blob and the answers to its link
 * questions are the same. 0, or -1 when out of memory. */
int version_checker_run(version_checker *vc, git_commit *c, const char *path,
                        const git_oid *blob, finding_list *out);
void version_checker_free(version_checker *vc);
/* Check up to `window` distinct versions of `path` along the first-parent history
 * from `from` on all CPUs, into the result cache (nothing without a cache), so that
 * the version_checker_run calls that follow find them there. */
void version_checker_prefetch(version_checker *vc, git_commit *from, const char *path,
                              size_t window);

#endif
