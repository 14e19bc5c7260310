/* target.c: target_open and check_target_close (target.h): picks files mode or a
 * git mode from the request, then loads the rule set the config names (narrowed
 * to the requested rules), so a caller gets everything a check needs in one call. */
#include <stdlib.h>
#include <string.h>
#include "target.h"
#include "target_modes.h"

void check_target_close(check_target *t)
{
    if (!t)
        return;
    ruleset_free(t->rules);   /* it borrows the config, so it goes first */
    if (t->src && t->src->free)
        t->src->free(t->src);
    if (t->fs_close)
        t->fs_close(&t->fs);
    if (t->state && t->state_close)
        t->state_close(t->state);
    config_free(t->cfg);
    free(t->config_base);
    for (size_t i = 0; i < t->config_changed_count; i++)
        free(t->config_changed[i]);
    free(t->config_changed);
    memset(t, 0, sizeof *t);   /* closing twice is harmless */
}

int target_open(check_target *t, const target_request *req)
{
    memset(t, 0, sizeof *t);
    /* --changed-since and --config-from need the repository in files mode too */
    int git_mode = req->rev || req->staged || req->changed_since || req->config_from;
    if ((git_mode ? git_target_open(t, req) : files_target_open(t, req)) < 0 ||
        /* a git mode with a result cache has loaded the rules for its key already */
        (!t->rules && ruleset_load(&t->rules, t->cfg, &t->fs) < 0) ||
        (req->rule_count && ruleset_only(t->rules, req->rules, req->rule_count) < 0)) {
        check_target_close(t);
        return -1;
    }
    return 0;
}
