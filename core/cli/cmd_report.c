/* cmd_report.c: `provcheck report --db FILE [-o report.html]`: the audit history
 * of one site as a self-contained HTML page (report_html.h). Reads the database
 * only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit_db.h"
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "report_html.h"

static const char report_usage[] =
    "usage: provcheck report --db FILE [-o report.html] [--site ORIGIN]\n"
    "\n"
    "Write the audits remembered in an audit database (provcheck audit --db) as one\n"
    "self-contained HTML file: compliance over time as a chart, what changed since\n"
    "the audit before the latest (new, fixed, still open), the latest audit's\n"
    "findings by rule and by page with links to the pages, and every audit.\n"
    "\n"
    "options:\n"
    "      --db FILE           the audit database (required)\n"
    "  -o, --output FILE       write the HTML there atomically (default: stdout)\n"
    "      --site ORIGIN       the site, e.g. https://example.org:443 (default: the\n"
    "                          site of the latest audit)\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 written, 2 usage or setup error\n";

int cmd_report(int argc, char **argv)
{
    const char *db_path = NULL, *output = NULL, *site = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(report_usage, stdout);
            return EXIT_CLEAN;
        } else if (cli_option_value(argc, argv, &i, "--db", "--db", &v)) {
            db_path = v;
        } else if (cli_option_value(argc, argv, &i, "-o", "--output", &v)) {
            output = v;
        } else if (cli_option_value(argc, argv, &i, "--site", "--site", &v)) {
            site = v;
        } else {
            cli_usage_error("report", "unknown argument %s", argv[i]);
            return EXIT_SETUP;
        }
        if (!v) {
            cli_usage_error("report", "%s needs a value", argv[i]);
            return EXIT_SETUP;
        }
    }
    if (!db_path) {
        cli_usage_error("report", "--db FILE is required");
        return EXIT_SETUP;
    }
    int rc = EXIT_SETUP;
    audit_db *db = NULL;
    audit_row *rows = NULL;
    size_t count = 0;
    finding_list current = {0};
    audit_compare cmp;
    memset(&cmp, 0, sizeof cmp);
    long long prev = 0;
    buf out = BUF_INIT;
    if (audit_db_open(&db, db_path, 1) < 0 || audit_db_list(db, site, &rows, &count) < 0)
        goto cleanup;
    if (site && !count) {
        err_set("%s: no audit of %s", db_path, site);
        goto cleanup;
    }
    if (count && audit_db_findings(db, rows[count - 1].id, &current) < 0)
        goto cleanup;
    finding_list_sort(&current);
    const audit_row *last = count ? &rows[count - 1] : NULL;
    if (last && (audit_db_previous(db, last->site, last->shard, last->id, &prev) < 0 ||
                 (prev && audit_db_compare(db, prev, last->id, &cmp) < 0)))
        goto cleanup;
    if (report_html_write(&out, rows, count, &current, prev, &cmp) < 0) {
        err_set("out of memory writing the report");
        goto cleanup;
    }
    if (write_file_atomic(output, out.data ? out.data : "", out.len) < 0)
        goto cleanup;
    rc = EXIT_CLEAN;
cleanup:
    buf_free(&out);
    audit_compare_free(&cmp);
    finding_list_free(&current);
    audit_rows_free(rows, count);
    audit_db_close(db);
    return rc;
}
