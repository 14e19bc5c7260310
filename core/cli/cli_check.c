/* cli_check.c: `provcheck check` and the pipeline every check-like command shares:
 * target -> ruleset -> check_run -> baseline -> report -> exit code. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "cli_color.h"
#include "cli_runinfo.h"
#include "progress.h"
#include "err.h"

static const char check_usage[] =
    "usage: provcheck check [options] [PATH...]\n"
    "\n"
    "Check pages: files (the default), a git revision (--rev) or the index (--staged).\n"
    "Without PATH the whole site root is checked.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE       config file (default: ./provcheck.lua, else at the git\n"
    "                          work tree root, else the built-in defaults)\n"
    "  -f, --format FMT        text (default), json, sarif, junit, github, codequality\n"
    "  -o, --output FILE       write the report to FILE atomically instead of stdout\n"
    "      --fail-on LEVEL     error (default), warning, never\n"
    "      --max-warnings N    also exit 1 when more than N warnings are found\n"
    "  -j, --jobs N            worker threads (default: number of CPUs)\n"
    "      --rule ID           run only this rule (repeatable)\n"
    "      --now TIME          the clock rules read (page:now()): ISO 8601\n"
    "                          (2026-08-02T00:00:00Z) or @SECONDS; default: the\n"
    "                          run's start; wins over the config's `now`\n"
    "      --baseline FILE     findings in this JSON report are suppressed\n"
    "                          (default: the config's baseline key)\n"
    "      --rev REV           check the pages as committed at REV\n"
    "      --staged            check the content staged in the index\n"
    "      --changed-since BASE  only pages changed between BASE and the target\n"
    "      --config-from REV   read the config and rule scripts from revision REV (a\n"
    "                          trusted one, e.g. the base branch) whatever is checked;\n"
    "                          with -c, the config at that path in REV\n"
    "      --only-in-scope     PATHs are file names from a hook (pre-commit): names\n"
    "                          outside the site root or the config's include are\n"
    "                          ignored; none left checks nothing and passes\n"
    "      --record            with --rev: store the JSON report as a git note\n"
    "      --shard K/N         check only shard K of N (default: CI_NODE_INDEX/\n"
    "                          CI_NODE_TOTAL when set)\n"
    "      --no-cache          ignore and do not write the result cache\n"
    "      --print-config [PATH]  print the effective config for the page PATH (a\n"
    "                          file or a URL path), overrides applied, as Lua (-f\n"
    "                          json: JSON), then exit 0\n"
    "      --automation-id ID  sarif: the run's category (default provcheck/KIND/,\n"
    "                          plus shard-K-of-N/ in a shard)\n"
    "      --report-hint TEXT  github: where the summary says the full report is\n"
    "      --color WHEN        auto (default), always, never; NO_COLOR and\n"
    "                          FORCE_COLOR are read in auto mode\n"
    "  -q, --quiet             text: show errors only; no progress on stderr\n"
    "  -v, --verbose           config, site root, patterns, rules and timing\n"
    "                          on stderr\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 clean, 1 findings at or above --fail-on (or too many warnings),\n"
    "2 usage or setup error (no report file is written then)\n";

void check_target_close(check_target *t)
{
    if (!t)
        return;
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

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The config's `baseline = "FILE"`, read where the config came from (its folder,
   or the same tree or index in git modes); --baseline on the command line wins. */
static int apply_config_baseline(report *out, check_target *t, const check_args *a)
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
    int rc = baseline_apply_text(out, label ? label : name, text, len, a->verbose);
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
static int refuse_empty_run(const report *out, const check_target *t, const check_args *a)
{
    if (out->page_count || a->staged || a->changed_since || a->shard_count > 1 ||
        a->no_pages_ok || a->only_in_scope)
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

static void meter_update(void *ctx, size_t done, size_t remaining)
{
    progress_update(ctx, done, remaining);
}

int check_pipeline(report *out, ruleset **rs_out, check_target *t, const check_args *a)
{
    memset(out, 0, sizeof *out);
    if (rs_out)
        *rs_out = NULL;
    ruleset *rs = NULL;
    int rc = -1;
    double started = seconds_now();

    int git_mode = a->rev || a->staged || a->changed_since || a->config_from;
    if ((git_mode ? git_target_open(t, a) : files_target_open(t, a)) < 0)
        goto cleanup;
    if (ruleset_load(&rs, t->cfg, &t->fs) < 0)
        goto cleanup;
    if (a->rule_count && ruleset_only(rs, a->rules, a->rule_count) < 0)
        goto cleanup;

    if (a->verbose)
        run_info_print(a->command ? a->command : "check", t->cfg, t->src ? t->src->root : NULL,
                       rs);
    check_options opts = t->opts;
    opts.jobs = a->jobs;
    opts.shard_index = a->shard_index;
    opts.shard_count = a->shard_count;
    if (a->no_cache) {
        opts.cached = NULL;
        opts.store = NULL;
    }
    progress_meter meter;
    int show_progress = progress_wanted(a->quiet);
    if (show_progress) {
        progress_init(&meter, "provcheck: checked");
        opts.progress = meter_update;
        opts.progress_ctx = &meter;
    }
    int checked = check_run(out, t->src, rs, &opts);
    if (show_progress) {
        progress_finish(&meter, out->page_count);
        progress_destroy(&meter);
    }
    if (checked < 0)
        goto cleanup;
    if (refuse_empty_run(out, t, a) < 0)
        goto cleanup;
    if (report_set_config_drift(out, a->config_from, t->config_base,
                                (const char *const *)t->config_changed,
                                t->config_changed_count) < 0)
        goto cleanup;
    if (a->baseline ? baseline_apply(out, a->baseline, a->verbose) < 0
                    : t->cfg->baseline && apply_config_baseline(out, t, a) < 0)
        goto cleanup;
    if (report_record_run(out, rs, t->cfg, a->shard_index, a->shard_count, a->baseline) < 0)
        goto cleanup;
    if (a->verbose)
        fprintf(stderr, "provcheck: %zu pages checked in %.3f s\n", out->page_count,
                seconds_now() - started);
    rc = 0;
cleanup:
    if (rc < 0) {
        report_free(out);
        memset(out, 0, sizeof *out);
        ruleset_free(rs);
        rs = NULL;
        /* the ruleset borrows the target's config, so it goes first */
        check_target_close(t);
    }
    if (rs_out)
        *rs_out = rs;
    else
        ruleset_free(rs);
    return rc;
}

int check_exit_code(const report *r, const check_args *a)
{
    size_t warnings = 0;
    int failing = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (f->suppression != SUPP_NONE)
            continue;
        if (f->sev == SEV_WARNING)
            warnings++;
        if (!a->fail_on_never && f->sev != SEV_OFF && f->sev >= a->fail_on)
            failing = 1;
    }
    if (a->max_warnings >= 0 && warnings > (size_t)a->max_warnings) {
        /* say why, or a run with no error fails with nothing to explain it */
        fprintf(stderr, "provcheck: too many warnings (%zu). Maximum allowed is %ld.\n",
                warnings, a->max_warnings);
        failing = 1;
    }
    return failing ? EXIT_FINDINGS : EXIT_CLEAN;
}

int cmd_check(int argc, char **argv)
{
    check_args a;
    int parsed = check_args_parse(&a, argc, argv, check_usage);
    if (parsed != 0)
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;

    int rc = EXIT_SETUP;
    check_target t;
    memset(&t, 0, sizeof t);
    report r;
    memset(&r, 0, sizeof r);
    ruleset *rs = NULL;
    char *git_base = NULL, *cwd = NULL;

    if (a.print_config) {
        rc = check_print_config(&t, &a) < 0 ? EXIT_SETUP : EXIT_CLEAN;
        goto cleanup;
    }
    report_writer write = report_writer_for(a.format);
    if (check_pipeline(&r, &rs, &t, &a) < 0)
        goto cleanup;
    report_options ro = {0};
    /* git modes: paths are relative to the work tree around the current folder */
    if (!t.src->base_dir && (a.rev || a.staged))
        git_base = git_work_tree_of(".");
    ro.path_base = t.src->base_dir ? t.src->base_dir : git_base;
    ro.cwd = cwd = realpath(".", NULL);
    ro.color = color_wanted(a.color, a.output);
    ro.quiet = a.quiet;
    ro.report_hint = a.report_hint;
    ro.automation_id = a.automation_id;
    ro.shard_index = a.shard_index;
    ro.shard_count = a.shard_count;
    ro.fail_on = a.fail_on;
    /* the note goes first: a failure is a setup error, and those leave no report */
    if (a.record && git_target_record(&t, &r) < 0)
        goto cleanup;
    /* streamed: a 100,000-page report is never held whole in memory */
    if (report_emit(&r, write, &ro, a.output) < 0)
        goto cleanup;
    rc = check_exit_code(&r, &a);
cleanup:
    free(git_base);
    free(cwd);
    report_free(&r);
    ruleset_free(rs);
    check_target_close(&t);
    check_args_free(&a);
    return rc;
}
