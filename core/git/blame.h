/* blame.h: for each finding at a commit, the commit that introduced it: the
 * oldest commit of the unbroken run, along the page's first-parent history, in
 * which the finding is present (`provcheck blame`; usable without a command line). */
#ifndef PROVCHECK_BLAME_H
#define PROVCHECK_BLAME_H
#include <stddef.h>
#include <git2.h>
#include "finding.h"
#include "src_git.h"
#include "version_check.h"

/* Where one finding came from. */
typedef struct blame_origin {
    git_commit *introduced;   /* owned; NULL when the finding was not found at `from` */
    int truncated;            /* history stopped (shallow clone, missing parent) while
                                 the finding was still present: it may be older */
} blame_origin;

/* Blame `findings` (as checked at s->commit, each page's findings adjacent, as in a
 * sorted report) along the first-parent history of s->commit in s->repo, one walk
 * per page. `origins` is a calloc'd array of findings->count entries;
 * blame_origins_free frees their commits and the array. Renames are not followed.
 * 0, or -1 with err_set. */
int blame_findings(version_checker *vc, const git_target_state *s,
                   const finding_list *findings, blame_origin *origins);
void blame_origins_free(blame_origin *origins, size_t count);

#endif
