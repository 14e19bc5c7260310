/* cmd_merge.c: `provcheck merge [-o FILE] [-f FORMAT] FILE...`: the JSON reports of
 * sharded runs (--shard K/N) as one report (the merge is report/report_merge.c's);
 * this front parses the options, writes the report and gates on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "report_merge.h"

static const char merge_usage[] =
    "usage: provcheck merge [-o FILE] [-f FORMAT] FILE...\n"
    "\n"
    "Merge the JSON reports of sharded runs (check --shard K/N -f json) into the\n"
    "report one unsharded run would give, in any format.\n"
    "\n"
    "options:\n"
    "  -f, --format FMT   text, json (default), sarif, junit, github, codequality\n"
    "  -o, --output FILE  write the report to FILE atomically instead of stdout\n"
    "  -q, --quiet        text and github: show errors only\n"
    "  --fail-on LEVEL    error (default), warning, never: as for check\n"
    "  --max-warnings N   also exit 1 when more than N warnings are unsuppressed\n"
    "  --partial          accept a set of shards that lacks some (to convert one\n"
    "                     shard's report); the output says which shards it holds\n"
    "  -h, --help         this help\n"
    "\n"
    "The reports must be every shard of one run (each K of N exactly once), or one\n"
    "unsharded report (to convert it), from the same target (format version, kind,\n"
    "root, rev and commit), config hash and provcheck version. Exit status as for\n"
    "check: 0 no finding at or above --fail-on, 1 findings (the report is written\n"
    "either way), 2 usage error or reports that do not fit (nothing is written)\n";


typedef struct merge_args {
    const char *output, *format;
    int quiet, partial;
    check_args gate;              /* --fail-on, --max-warnings only */
    const char **files;
    size_t file_count;
} merge_args;

/* 0, 1 after --help, -1 on a usage error (printed). */
static int merge_args_parse(merge_args *m, int argc, char **argv)
{
    memset(m, 0, sizeof *m);
    m->format = "json";
    m->gate.fail_on = SEV_ERROR;
    m->gate.max_warnings = -1;
    m->files = calloc((size_t)argc + 1, sizeof *m->files);
    if (!m->files)
        return cli_usage_error("merge", "out of memory");
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *value = NULL;
        if (only_files || argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            m->files[m->file_count++] = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            only_files = 1;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(merge_usage, stdout);
            return 1;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            m->quiet = 1;
        } else if (strcmp(argv[i], "--partial") == 0) {
            m->partial = 1;
        } else if (cli_option_value(argc, argv, &i, "", "--fail-on", &value)) {
            if (!value)
                return cli_usage_error("merge", "--fail-on needs a level");
            if (check_args_fail_on(&m->gate, "merge", value) < 0)
                return -1;
        } else if (cli_option_value(argc, argv, &i, "", "--max-warnings", &value)) {
            if (!value)
                return cli_usage_error("merge", "--max-warnings needs a number");
            if (check_args_max_warnings(&m->gate, "merge", value) < 0)
                return -1;
        } else if (cli_option_value(argc, argv, &i, "-o", "--output", &value)) {
            if (!value)
                return cli_usage_error("merge", "-o needs a file");
            m->output = value;
        } else if (cli_option_value(argc, argv, &i, "-f", "--format", &value)) {
            if (!value || !report_writer_for(value))
                return cli_usage_error("merge", "unknown format '%s' (text, json, sarif, "
                                       "junit, github, codequality)", value ? value : "");
            m->format = value;
        } else {
            return cli_usage_error("merge", "unknown option '%s'", argv[i]);
        }
    }
    if (m->file_count == 0)
        return cli_usage_error("merge", "give the JSON reports to merge");
    return 0;
}


int cmd_merge(int argc, char **argv)
{
    merge_args m;
    int parsed = merge_args_parse(&m, argc, argv);
    if (parsed != 0) {
        free(m.files);
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;
    }
    int rc = EXIT_SETUP;
    report r;
    if (report_merge_files(&r, m.files, m.file_count, m.partial) < 0)
        goto cleanup;
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.quiet = m.quiet;
    ro.fail_on = m.gate.fail_on;
    if (report_emit(&r, report_writer_for(m.format), &ro, m.output) < 0)
        goto cleanup;
    rc = check_exit_code(&r, &m.gate);
cleanup:
    report_free(&r);
    free(m.files);
    return rc;
}
