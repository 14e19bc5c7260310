/* blame.c: along the page's first-parent history, the page is checked at every
 * commit (newest first) with the target's ruleset, links resolving against that
 * commit's tree, until each finding has been seen missing once: the finding was
 * introduced by the oldest commit of the unbroken run that reaches the target.
 * version_check.c makes the long histories cheap (reuse, cache, prefetch). Where
 * history stops early (a shallow clone), the oldest available commit is reported
 * as truncated. */
#include <stdlib.h>
#include <string.h>
#include "blame.h"
#include "err.h"
#include "target.h"

static int has_fingerprint(const finding_list *l, const char *fp)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].fingerprint, fp) == 0)
            return 1;
    return 0;
}

/* Walk the page's history and fill each of its findings' introducing commit;
   open[i] says finding i is still present in every version seen so far. */
static int blame_page(version_checker *vc, const git_target_state *s, const char *path,
                      const finding *findings, blame_origin *origins, char *open,
                      size_t count)
{
    git_commit *c = NULL;
    if (git_commit_dup(&c, s->commit) < 0)
        return err_set("out of memory");
    size_t still_open = count;
    int rc = -1;
    size_t window = 16, until_prefetch = 0;
    while (c && still_open) {
        if (until_prefetch == 0) {
            /* growing windows: a finding that broke recently costs little */
            version_checker_prefetch(vc, c, path, window);
            until_prefetch = window;
            if (window < 256)
                window *= 2;
        }
        until_prefetch--;
        git_tree *tree = NULL;
        git_oid blob;
        if (git_commit_tree(&tree, c) < 0) {
            err_set("cannot read a tree: %s", git_error_last()->message);
            goto cleanup;
        }
        int present = git_tree_blob_at(tree, path, &blob);
        git_tree_free(tree);
        finding_list found = {0};
        if (present && version_checker_run(vc, c, path, &blob, &found) < 0) {
            finding_list_free(&found);
            goto cleanup;
        }
        for (size_t i = 0; i < count; i++) {
            if (!open[i])
                continue;
            if (present && has_fingerprint(&found, findings[i].fingerprint)) {
                git_commit_free(origins[i].introduced);
                git_commit_dup(&origins[i].introduced, c);
            } else {
                open[i] = 0;
                still_open--;
            }
        }
        finding_list_free(&found);
        if (!still_open)
            break;
        git_commit *parent = NULL;
        int prc = git_first_parent(s->repo, c, &parent);
        git_commit_free(c);
        c = parent;
        if (prc < 0)
            for (size_t i = 0; i < count; i++)
                if (open[i])
                    origins[i].truncated = 1;
    }
    rc = 0;
cleanup:
    git_commit_free(c);
    return rc;
}

int blame_findings(version_checker *vc, const git_target_state *s,
                   const finding_list *findings, blame_origin *origins)
{
    char *open = malloc(findings->count ? findings->count : 1);
    if (!open)
        return err_set("out of memory");
    memset(open, 1, findings->count);
    int rc = 0;
    /* One history walk per page, for all of its findings at once. */
    for (size_t i = 0; i < findings->count && rc == 0;) {
        size_t j = i;
        while (j < findings->count &&
               strcmp(findings->items[j].path, findings->items[i].path) == 0)
            j++;
        rc = blame_page(vc, s, findings->items[i].path, findings->items + i, origins + i,
                        open + i, j - i);
        i = j;
    }
    free(open);
    return rc;
}

void blame_origins_free(blame_origin *origins, size_t count)
{
    for (size_t i = 0; origins && i < count; i++)
        git_commit_free(origins[i].introduced);
    free(origins);
}
