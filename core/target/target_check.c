/* target_check.c: target_check (target.h): an open target through check_run to a
 * sorted report with its gates applied: a run that found no page is refused, the
 * config drift is recorded, the baseline applied, and the run recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "err.h"
#include "run_record.h"
#include "target.h"

/* The config's `baseline = "FILE"`, read where the config came from (its folder,
   or the same tree or index in git modes); --baseline on the command line wins. */
static int apply_config_baseline(report *out, check_target *t, int verbose)
{
    const char *name = t->cfg->baseline;
    char *text = NULL;
    size_t len = 0;
    if (!name[0] || !t->fs.read || t->fs.read(t->fs.ctx, name, &text, &len) < 0) {
        char *why = strdup(name[0] ? err_last() : "empty file name");
        err_set("%s: baseline = \"%s\": cannot read the baseline: %s",
                t->cfg->path ? t->cfg->path : "config", name, why ? why : "");
        free(why);
        return -1;
    }
    char *label = t->cfg->dir ? fs_path_join(t->cfg->dir, name) : NULL;
    int rc = baseline_apply_text(out, label ? label : name, text, len, verbose);
    free(label);
    free(text);
    return rc;
}

static size_t appended_list(char *dst, size_t cap, char **items, size_t count)
{
    size_t at = strlen(dst);
    for (size_t i = 0; i < count && at < cap; i++)
        at += (size_t)snprintf(dst + at, cap - at, "%s\"%s\"", i ? ", " : "", items[i]);
    return at;
}

/* A check that found no page at all checked nothing: that is a setup mistake (a
   wrong site_root, include or PATH), never a pass. Only where the user asked for
   the whole site or named PATHs: with --staged or --changed-since an empty list
   means nothing relevant changed, and a shard may be empty on a small site. */
static int refuse_empty_run(const report *out, const check_target *t,
                            const target_request *a, const target_check_options *o)
{
    if (out->page_count || a->staged || a->changed_since || o->shard_count > 1 ||
        o->no_pages_ok || a->only_in_scope)
        return 0;
    char includes[600] = "", excludes[600] = "";
    appended_list(includes, sizeof includes, t->cfg->include, t->cfg->include_count);
    appended_list(excludes, sizeof excludes, t->cfg->exclude, t->cfg->exclude_count);
    return err_set("no page to check: nothing under %s%s%s matches include { %s }%s%s%s "
                   "(check site_root, include and the PATHs given)",
                   t->src->root && t->src->root[0] ? t->src->root : ".",
                   a->rev ? " at " : "", a->rev ? a->rev : "", includes,
                   t->cfg->exclude_count ? " outside exclude { " : "", excludes,
                   t->cfg->exclude_count ? " }" : "");
}

int target_check(report *out, check_target *t, const target_request *req,
                 const target_check_options *o)
{
    memset(out, 0, sizeof *out);
    check_options opts = t->opts;
    opts.jobs = o->jobs;
    opts.shard_index = o->shard_index;
    opts.shard_count = o->shard_count;
    if (req->no_cache) {
        opts.cached = NULL;
        opts.store = NULL;
    }
    opts.progress = o->progress;
    opts.progress_ctx = o->progress_ctx;
    int checked = check_run(out, t->src, t->rules, &opts);
    if (o->progress_done)
        o->progress_done(o->progress_ctx, out->page_count);
    if (checked < 0 || refuse_empty_run(out, t, req, o) < 0 ||
        report_set_config_drift(out, req->config_from, t->config_base,
                                (const char *const *)t->config_changed,
                                t->config_changed_count) < 0 ||
        (o->baseline ? baseline_apply(out, o->baseline, o->verbose) < 0
                     : t->cfg->baseline && apply_config_baseline(out, t, o->verbose) < 0) ||
        report_record_run(out, t->rules, t->cfg, o->shard_index, o->shard_count,
                          o->baseline) < 0) {
        report_free(out);
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}
