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

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void meter_update(void *ctx, size_t done, size_t remaining)
{
    progress_update(ctx, done, remaining);
}

static void meter_done(void *ctx, size_t pages)
{
    progress_finish(ctx, pages);
}

int check_pipeline(report *out, ruleset **rs_out, check_target *t, const check_args *a)
{
    memset(out, 0, sizeof *out);
    if (rs_out)
        *rs_out = NULL;
    int rc = -1;
    double started = seconds_now();

    target_request req;
    check_args_target_request(a, &req);
    if (target_open(t, &req) < 0)
        goto cleanup;
    if (a->verbose)
        run_info_print(a->command ? a->command : "check", t->cfg, t->src ? t->src->root : NULL,
                       t->rules);
    target_check_options o = {
        .jobs = a->jobs,
        .shard_index = a->shard_index,
        .shard_count = a->shard_count,
        .baseline = a->baseline,
        .verbose = a->verbose,
        .no_pages_ok = a->no_pages_ok,
    };
    progress_meter meter;
    int show_progress = progress_wanted(a->quiet);
    if (show_progress) {
        progress_init(&meter, "provcheck: checked");
        o.progress = meter_update;
        o.progress_done = meter_done;
        o.progress_ctx = &meter;
    }
    int checked = target_check(out, t, &req, &o);
    if (show_progress)
        progress_destroy(&meter);
    if (checked < 0)
        goto cleanup;
    if (a->verbose)
        fprintf(stderr, "provcheck: %zu pages checked in %.3f s\n", out->page_count,
                seconds_now() - started);
    rc = 0;
cleanup:
    if (rc < 0) {
        /* target_check left no report */
        check_target_close(t);
    } else if (rs_out) {
        /* the caller takes the rule set (and frees it before closing the target) */
        *rs_out = t->rules;
        t->rules = NULL;
    }
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
