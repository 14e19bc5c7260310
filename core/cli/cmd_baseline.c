/* cmd_baseline.c: `provcheck baseline [check options]`: run a check and write every
 * current finding as a JSON report, to be passed to `check --baseline FILE` later
 * (existing findings are accepted, new ones fail). Findings suppressed inline are
 * left out: their comment already accepts them, and if it is removed they should
 * fail again. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "err.h"

static const char baseline_usage[] =
    "usage: provcheck baseline [check options] [PATH...]\n"
    "\n"
    "Run a check and write its findings as a JSON report (stdout, or -o FILE), for\n"
    "`provcheck check --baseline FILE`: findings it holds are reported as suppressed\n"
    "and do not fail the run; new findings do. Fingerprints do not depend on line\n"
    "numbers, so findings that move within their page stay accepted.\n"
    "\n"
    "  provcheck baseline > .provcheck-baseline.json\n"
    "  provcheck check --baseline .provcheck-baseline.json\n"
    "\n"
    "Takes the options of `provcheck check` (see `provcheck check --help`); the format\n"
    "is always json. Findings suppressed by an inline provcheck-disable comment are\n"
    "not included; with --baseline OLD, OLD's findings that still occur are kept.\n"
    "\n"
    "exit status: 0 written, 2 usage or setup error (no file is written then)\n";

/* The baseline holds what fails today; inline-suppressed findings are dropped and
   the ones an older baseline accepted become plain findings again. */
static void keep_baselinable(report *r)
{
    finding_list *fl = &r->findings;
    size_t kept = 0;
    for (size_t i = 0; i < fl->count; i++) {
        finding *f = &fl->items[i];
        if (f->suppression == SUPP_INLINE) {
            finding_free(f);
            continue;
        }
        f->suppression = SUPP_NONE;
        if (kept != i)
            fl->items[kept] = *f;
        kept++;
    }
    fl->count = kept;
    report_recount(r);
}

int cmd_baseline(int argc, char **argv)
{
    check_args a;
    int parsed = check_args_parse(&a, argc, argv, baseline_usage);
    if (parsed != 0)
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;

    int rc = EXIT_SETUP;
    check_target t;
    memset(&t, 0, sizeof t);
    report r;
    memset(&r, 0, sizeof r);
    buf bytes = BUF_INIT;

    if (strcmp(a.format, "json") != 0 && strcmp(a.format, "text") != 0) {
        /* "text" is only the parser's default: a baseline is always JSON. */
        fprintf(stderr, "provcheck baseline: a baseline is a JSON report; -f %s is not "
                "possible\n", a.format);
        goto cleanup;
    }
    if (check_pipeline(&r, NULL, &t, &a) < 0)
        goto cleanup;
    keep_baselinable(&r);
    report_options ro;
    memset(&ro, 0, sizeof ro);
    if (report_write_json(&r, &ro, &bytes) < 0) {
        err_set("cannot format the baseline (out of memory)");
        goto cleanup;
    }
    if (write_file_atomic(a.output, bytes.data ? bytes.data : "", bytes.len) < 0)
        goto cleanup;
    if (!a.quiet)
        fprintf(stderr, "provcheck baseline: %zu findings on %zu pages written to %s\n",
                r.findings.count, r.page_count, a.output ? a.output : "stdout");
    rc = EXIT_CLEAN;
cleanup:
    buf_free(&bytes);
    report_free(&r);
    check_target_close(&t);
    check_args_free(&a);
    return rc;
}
