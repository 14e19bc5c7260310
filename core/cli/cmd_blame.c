/* cmd_blame.c: `provcheck blame [options] PATH...`: for each finding at the target
 * revision, the commit that introduced it (CONTRACT.md). The walk is the blame
 * library's (git/blame.c); this front parses the options and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blame.h"
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "json_write.h"
#include "text_escape.h"

static const char blame_usage[] =
    "usage: provcheck blame [options] PATH...\n"
    "\n"
    "Check the pages at --rev (default HEAD) and tell, for each finding, the commit\n"
    "that introduced it: the oldest commit along the page's first-parent history\n"
    "from which the finding has been present without a break.\n"
    "\n"
    "options:\n"
    "      --rev REV           the revision to blame (default HEAD)\n"
    "  -c, --config FILE       config file (default: provcheck.lua from that revision)\n"
    "  -f, --format FMT        text (default) or json\n"
    "  -o, --output FILE       write the result to FILE instead of stdout\n"
    "      --rule ID           blame only this rule's findings (repeatable)\n"
    "      --now TIME          the clock rules read (page:now()): ISO 8601\n"
    "                          (2026-08-02T00:00:00Z) or @SECONDS; default: the\n"
    "                          run's start; wins over the config's `now`\n"
    "      --no-cache          ignore and do not write the result cache\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 when it ran, 2 on a usage or setup error\n";

static int introduced_json(buf *b, const git_commit *c, int truncated)
{
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, sizeof hex, git_commit_id(c));
    const git_signature *a = git_commit_author(c);
    git_format_time(when, sizeof when, a->when.time);
    buf who = BUF_INIT;
    buf_printf(&who, "%s <%s>", a->name ? a->name : "", a->email ? a->email : "");
    buf_puts(b, "\"introduced\":{\"commit\":");
    json_write_string(b, hex);
    buf_puts(b, ",\"author\":");
    json_write_string(b, who.data ? who.data : "");
    buf_puts(b, ",\"time\":");
    json_write_string(b, when);
    buf_puts(b, ",\"summary\":");
    const char *summary = git_commit_summary((git_commit *)c);
    json_write_string(b, summary ? summary : "");
    if (truncated)
        buf_puts(b, ",\"history_truncated\":true");
    int rc = buf_putc(b, '}');
    buf_free(&who);
    return rc;
}

static void text_finding(buf *b, const finding *f, const git_commit *c, int truncated)
{
    buf_put_visible(b, f->path);
    buf_putc(b, ':');
    if (f->line) {
        buf_printf(b, "%d:", f->line);
        if (f->column)
            buf_printf(b, "%d:", f->column);
    }
    buf_printf(b, " %s: ", severity_name(f->sev));
    buf_put_visible(b, f->message);
    buf_printf(b, " [%s]%s\n", f->rule, f->suppression != SUPP_NONE ? " (suppressed)" : "");
    if (!c)
        return;
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, 8, git_commit_id(c));
    const git_signature *a = git_commit_author(c);
    git_format_time(when, sizeof when, a->when.time);
    when[10] = '\0';
    const char *summary = git_commit_summary((git_commit *)c);
    buf_printf(b, "  introduced in %s by ", hex);
    buf_put_visible(b, a->name);
    buf_puts(b, " <");
    buf_put_visible(b, a->email);
    buf_printf(b, "> on %s: ", when);
    buf_put_visible(b, summary);
    buf_putc(b, '\n');
    if (truncated)
        buf_printf(b, "  (history stops at %s: a shallow clone or a missing parent; the "
                      "finding may be older)\n", hex);
}

int cmd_blame(int argc, char **argv)
{
    check_args a;
    int parsed = check_args_parse(&a, argc, argv, blame_usage);
    if (parsed != 0)
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;
    int json = strcmp(a.format, "json") == 0;
    if (!a.path_count || a.staged || a.changed_since || a.record ||
        (!json && strcmp(a.format, "text") != 0)) {
        cli_usage_error("blame", "%s", !a.path_count ? "at least one PATH is needed"
                                       : (!json && strcmp(a.format, "text") != 0)
                                           ? "blame prints text or json"
                                           : "--staged, --changed-since and --record do "
                                             "not apply to blame");
        check_args_free(&a);
        return EXIT_SETUP;
    }
    if (!a.rev)
        a.rev = "HEAD";
    git_libgit2_init();
    int rc = EXIT_SETUP;
    check_target t;
    memset(&t, 0, sizeof t);
    report r;
    memset(&r, 0, sizeof r);
    ruleset *rs = NULL;
    version_checker *vc = NULL;
    blame_origin *entries = NULL;
    buf out = BUF_INIT;

    if (check_pipeline(&r, &rs, &t, &a) < 0)
        goto cleanup;
    git_target_state *s = t.state;
    vc = version_checker_new(s, rs);
    if (vc)
        version_checker_set_jobs(vc, a.jobs);
    entries = calloc(r.findings.count ? r.findings.count : 1, sizeof *entries);
    if (!vc || !entries) {
        if (!entries)
            err_set("out of memory");
        goto cleanup;
    }
    if (blame_findings(vc, s, &r.findings, entries) < 0)
        goto cleanup;
    for (size_t i = 0; i < r.findings.count; i++) {
        finding *f = &r.findings.items[i];
        if (json && entries[i].introduced) {
            buf extra = BUF_INIT;
            if (introduced_json(&extra, entries[i].introduced, entries[i].truncated) < 0) {
                buf_free(&extra);
                err_set("out of memory");
                goto cleanup;
            }
            free(f->extra_json);
            f->extra_json = buf_detach(&extra, NULL);
        } else if (!json) {
            text_finding(&out, f, entries[i].introduced, entries[i].truncated);
        }
    }
    if (json) {
        report_options ro = {0};
        if (report_write_json(&r, &ro, &out) < 0) {
            err_set("out of memory");
            goto cleanup;
        }
    } else {
        buf_printf(&out, "%zu finding%s on %zu page%s at %s\n", r.findings.count,
                   r.findings.count == 1 ? "" : "s", r.page_count,
                   r.page_count == 1 ? "" : "s", a.rev);
    }
    if (write_file_atomic(a.output, out.data ? out.data : "", out.len) < 0)
        goto cleanup;
    rc = EXIT_CLEAN;
cleanup:
    blame_origins_free(entries, r.findings.count);
    buf_free(&out);
    version_checker_free(vc);
    report_free(&r);
    ruleset_free(rs);
    check_target_close(&t);
    check_args_free(&a);
    git_libgit2_shutdown();
    return rc;
}
