/* history.c: every version of a page along the first-parent history, checked with
 * the revision's ruleset (links resolving against that commit's tree) through the
 * result cache; a commit that deleted the page is visited as deleted. */
#include <string.h>
#include "err.h"
#include "target.h"
#include "history.h"

int history_walk(version_checker *vc, git_repository *repo, git_commit *from,
                 const char *path, history_visit visit, void *ctx, history_end *end)
{
    memset(end, 0, sizeof *end);
    git_commit *c = NULL;
    if (git_commit_dup(&c, from) < 0)
        return err_set("out of memory");
    int rc = -1;
    size_t walked = 0;
    while (c) {
        if (walked++ % 512 == 0)
            version_checker_prefetch(vc, c, path, 512);
        git_tree *tree = NULL;
        git_oid blob, parent_blob;
        if (git_commit_tree(&tree, c) < 0) {
            err_set("cannot read a tree: %s", git_error_last()->message);
            goto cleanup;
        }
        int present = git_tree_blob_at(tree, path, &blob);
        git_tree_free(tree);
        git_commit *parent = NULL;
        int prc = git_first_parent(repo, c, &parent);
        int parent_has = 0;
        if (prc > 0) {
            git_tree *ptree = NULL;
            if (git_commit_tree(&ptree, parent) == 0)
                parent_has = git_tree_blob_at(ptree, path, &parent_blob);
            git_tree_free(ptree);
        }
        int touched = present ? !parent_has || !git_oid_equal(&blob, &parent_blob)
                              : parent_has;
        if (touched) {
            finding_list found = {0};
            if ((present && version_checker_run(vc, c, path, &blob, &found) < 0) ||
                visit(ctx, c, &found, !present) < 0) {
                finding_list_free(&found);
                git_commit_free(parent);
                goto cleanup;
            }
            finding_list_free(&found);
        }
        if (prc < 0) {
            end->truncated = 1;
            git_oid_tostr(end->stops_at, sizeof end->stops_at, git_commit_id(c));
        }
        git_commit_free(c);
        c = parent;
    }
    rc = 0;
cleanup:
    git_commit_free(c);
    return rc;
}
