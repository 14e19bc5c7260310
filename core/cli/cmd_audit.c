/* cmd_audit.c: `provcheck audit`: the command line of the audit library
 * (audit/audit.h): options into audit_options, the config, the library call, then
 * the report in the chosen format and the exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "audit.h"
#include "audit_config.h"
#include "cli.h"
#include "cli_util.h"
#include "cli_color.h"
#include "cli_runinfo.h"
#include "suggest.h"
#include "err.h"

#define MIN_RATE 0.001   /* requests per second: one every 1,000 s */

static const char audit_usage[] =
    "usage: provcheck audit [options] [URL...]\n"
    "\n"
    "Check a live site over HTTP(S): the URLs given, the pages sitemaps list, and\n"
    "with --crawl the same-origin pages they link to. Polite by default: robots.txt\n"
    "is honoured and each host gets at most --rate requests per second.\n"
    "\n"
    "options:\n"
    "      --sitemap URL       fetch the pages a sitemap lists (urlset or sitemap\n"
    "                          index, gzip allowed); repeatable\n"
    "      --crawl             also follow same-origin links, breadth first\n"
    "      --max-pages N       stop after N pages (default 10000)\n"
    "      --timeout SECONDS   per request, connect included (default 30)\n"
    "      --rate R            requests per second per host (default 2; 0 = unlimited;\n"
    "                          at least 0.001 otherwise)\n"
    "      --concurrency N     transfers at once (default 8)\n"
    "      --user-agent UA     default provcheck/" PROVCHECK_VERSION " (config: audit.user_agent)\n"
    "      --header 'K: V'     send this request header (repeatable; never logged)\n"
    "      --db FILE           remember this audit in an SQLite database; unchanged\n"
    "                          pages (ETag, Last-Modified) reuse their last result\n"
    "      --compare           with --db: new, fixed and still-open findings against\n"
    "                          the previous audit of the site\n"
    "      --against-rev REV   report drift between live pages and REV's pages...\n"
    "      --map URL_PREFIX=PATH_PREFIX  ...mapping URLs to paths (repeatable)\n"
    "      --shard K/N         audit only shard K of N, split by URL (default:\n"
    "                          JOB_COMPLETION_INDEX + PROVCHECK_SHARD_TOTAL, or\n"
    "                          CI_NODE_INDEX/CI_NODE_TOTAL)\n"
    "  -c, --config FILE       config file (default: ./provcheck.lua, ...)\n"
    "  -f, --format FMT        text (default), json, sarif, junit, github, codequality\n"
    "  -o, --output FILE       write the report to FILE atomically\n"
    "      --fail-on LEVEL     error (default), warning, never\n"
    "  -j, --jobs N            checking threads (default: number of CPUs)\n"
    "      --max-warnings N    also exit 1 when more than N warnings are found\n"
    "      --baseline FILE     findings in this JSON report are suppressed\n"
    "      --now TIME          the clock rules read (page:now()): ISO 8601\n"
    "                          (2026-08-02T00:00:00Z) or @SECONDS; default: the\n"
    "                          run's start; wins over the config's `now`\n"
    "      --color WHEN        auto (default), always, never; NO_COLOR and\n"
    "                          FORCE_COLOR are read in auto mode\n"
    "  -q, --quiet             text: show errors only; no progress or notes on stderr\n"
    "  -v, --verbose           config, patterns, rules and timing on stderr\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 clean, 1 findings at or above --fail-on (a page that could not be\n"
    "fetched, or a sitemap entry that names no page, is a fetch-error), 2 usage or\n"
    "setup error, or no page found at all\n";

typedef struct audit_args {
    audit_options o;              /* what the audit library reads */
    const char *config, *format, *output;
    int fail_on_never;
    severity fail_on;
    int color;
    long max_warnings;            /* -1 = no limit */
    const char *baseline;
} audit_args;

static void audit_args_free(audit_args *a)
{
    free(a->o.urls);
    free(a->o.sitemaps);
    free(a->o.headers);
    free(a->o.maps);
}

static int parse_number(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return -1;
    char *end = NULL;
    double v = strtod(s, &end);
    if (*end || v != v || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_shard(const char *s, int *k, int *n)
{
    char *end = NULL;
    long kk = strtol(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    const char *rest = end + 1;
    long nn = strtol(rest, &end, 10);
    if (end == rest || *end || nn < 1 || nn > 100000 || kk < 1 || kk > nn)
        return -1;
    *k = (int)kk;
    *n = (int)nn;
    return 0;
}

/* Kubernetes indexed Jobs give JOB_COMPLETION_INDEX (0-based); the total comes
   from PROVCHECK_SHARD_TOTAL. CI systems give CI_NODE_INDEX/CI_NODE_TOTAL (1-based). */
static int shard_from_env(audit_args *a)
{
    const char *idx = getenv("JOB_COMPLETION_INDEX"), *total = getenv("PROVCHECK_SHARD_TOTAL");
    int base = 0;
    if (!(idx && total)) {
        idx = getenv("CI_NODE_INDEX");
        total = getenv("CI_NODE_TOTAL");
        base = 1;
    }
    if (!idx || !total || !*idx || !*total)
        return 0;
    char spec[64];
    long k = strtol(idx, NULL, 10) + (base ? 0 : 1);
    snprintf(spec, sizeof spec, "%ld/%s", k, total);
    if (parse_shard(spec, &a->o.shard_k, &a->o.shard_n) < 0)
        return cli_usage_error("audit", "shard index %s and total %s do not make a shard "
                               "K/N with 1 <= K <= N", idx, total);
    return 0;
}

/* The audit option closest to a mistyped one, or NULL. */
static const char *audit_option_guess(const char *typed)
{
    static const char *const known[] = {
        "--sitemap", "--crawl", "--max-pages", "--timeout", "--rate", "--concurrency",
        "--user-agent", "--header", "--db", "--compare", "--against-rev", "--map", "--shard",
        "--config", "--format", "--output", "--fail-on", "--max-warnings", "--baseline",
        "--color", "--now", "--jobs", "--quiet", "--verbose", "--help", NULL};
    char name[65];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
    suggestion s;
    suggestion_init(&s, name);
    for (size_t i = 0; known[i]; i++)
        suggestion_offer(&s, known[i]);
    return suggestion_best(&s);
}

/* 0, 1 when --help was printed, -1 on a usage error (printed). */
static int audit_args_parse(audit_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->o.max_pages = 10000;
    a->o.timeout = 30;
    a->o.rate = 2;
    a->o.concurrency = 8;
    a->format = "text";
    a->fail_on = SEV_ERROR;
    a->max_warnings = -1;
    int shard_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL, *missing = NULL;
        double num = 0;
        /* True when the option matched with a value; a match without one sets
           `missing` and falls to the usage error below. */
#define VALUE_OPT(S, L) (cli_option_value(argc, argv, &i, S, L, &v) && \
                         (v ? 1 : (missing = L, 0)))
        if (strcmp(arg, "--") == 0) {   /* the rest are URLs, whatever they look like */
            while (++i < argc)
                if (audit_list_push(&a->o.urls, &a->o.url_count, argv[i]) < 0)
                    return cli_usage_error("audit", "out of memory");
            break;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(audit_usage, stdout);
            return 1;
        } else if (strcmp(arg, "--crawl") == 0) {
            a->o.crawl = 1;
        } else if (strcmp(arg, "--compare") == 0) {
            a->o.compare = 1;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->o.quiet = 1;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            a->o.verbose = 1;
        } else if (VALUE_OPT("--max-warnings", "--max-warnings")) {
            check_args ca;
            if (check_args_max_warnings(&ca, "audit", v) < 0)
                return -1;
            a->max_warnings = ca.max_warnings;
        } else if (VALUE_OPT("--baseline", "--baseline")) {
            a->baseline = v;
        } else if (VALUE_OPT("--now", "--now")) {
            if (cli_now_option("audit", v) < 0)
                return -1;
        } else if (VALUE_OPT("--color", "--color")) {
            if (color_mode_parse(v, &a->color) < 0)
                return cli_usage_error("audit", "--color takes auto, always or never, not '%s'",
                                       v);
        } else if (VALUE_OPT("--sitemap", "--sitemap")) {
            if (audit_list_push(&a->o.sitemaps, &a->o.sitemap_count, (char *)v) < 0)
                return cli_usage_error("audit", "out of memory");
        } else if (VALUE_OPT("--header", "--header")) {
            if (!strchr(v, ':'))
                return cli_usage_error("audit", "--header takes 'Name: value'");
            if (audit_list_push(&a->o.headers, &a->o.header_count, (char *)v) < 0)
                return cli_usage_error("audit", "out of memory");
        } else if (VALUE_OPT("--map", "--map")) {
            if (!strchr(v, '='))
                return cli_usage_error("audit", "--map takes URL_PREFIX=PATH_PREFIX, not '%s'", v);
            if (audit_list_push(&a->o.maps, &a->o.map_count, (char *)v) < 0)
                return cli_usage_error("audit", "out of memory");
        } else if (VALUE_OPT("--max-pages", "--max-pages")) {
            if (parse_number(v, 1, 1e9, &num) < 0)
                return cli_usage_error("audit", "--max-pages takes a positive number, not '%s'", v);
            a->o.max_pages = (long)num;
        } else if (VALUE_OPT("--timeout", "--timeout")) {
            if (parse_number(v, 0.001, 86400, &num) < 0)
                return cli_usage_error("audit", "--timeout takes seconds (> 0), not '%s'", v);
            a->o.timeout = num;
        } else if (VALUE_OPT("--rate", "--rate")) {
            /* Below the floor a run would wait for days between two requests. */
            if (parse_number(v, 0, 1e6, &num) < 0 || (num > 0 && num < MIN_RATE))
                return cli_usage_error("audit", "--rate takes requests per second, 0 "
                                       "(unlimited) or %g to 1000000, not '%s'", MIN_RATE, v);
            a->o.rate = num;
        } else if (VALUE_OPT("--concurrency", "--concurrency")) {
            if (parse_number(v, 1, 1024, &num) < 0)
                return cli_usage_error("audit", "--concurrency takes 1..1024, not '%s'", v);
            a->o.concurrency = (int)num;
        } else if (VALUE_OPT("-j", "--jobs")) {
            if (parse_number(v, 1, 1024, &num) < 0)
                return cli_usage_error("audit", "--jobs takes 1..1024, not '%s'", v);
            a->o.jobs = (int)num;
        } else if (VALUE_OPT("--shard", "--shard")) {
            if (parse_shard(v, &a->o.shard_k, &a->o.shard_n) < 0)
                return cli_usage_error("audit", "--shard takes K/N with 1 <= K <= N, not '%s'", v);
            shard_given = 1;
        } else if (VALUE_OPT("--fail-on", "--fail-on")) {
            if (strcmp(v, "never") == 0)
                a->fail_on_never = 1;
            else if ((strcmp(v, "error") && strcmp(v, "warning")) ||
                     severity_parse(v, &a->fail_on) < 0)
                return cli_usage_error("audit", "--fail-on takes error, warning or never");
        } else if (VALUE_OPT("--db", "--db")) {
            a->o.db = v;
        } else if (VALUE_OPT("--against-rev", "--against-rev")) {
            a->o.against_rev = v;
        } else if (VALUE_OPT("--user-agent", "--user-agent")) {
            if (strpbrk(v, "\r\n"))
                return cli_usage_error("audit", "--user-agent must be one line (no CR or LF)");
            a->o.user_agent = v;
        } else if (VALUE_OPT("-c", "--config")) {
            a->config = v;
        } else if (VALUE_OPT("-f", "--format")) {
            a->format = v;
        } else if (VALUE_OPT("-o", "--output")) {
            a->output = v;
        } else if (missing) {
            return cli_usage_error("audit", "%s needs a value", missing);
        } else if (arg[0] == '-' && arg[1]) {
            const char *guess = audit_option_guess(arg);
            if (guess)
                return cli_usage_error("audit", "unknown option %s (did you mean '%s'?)", arg,
                                       guess);
            return cli_usage_error("audit", "unknown option %s", arg);
        } else if (audit_list_push(&a->o.urls, &a->o.url_count, (char *)arg) < 0) {
            return cli_usage_error("audit", "out of memory");
        }
#undef VALUE_OPT
    }
    if (!a->o.url_count && !a->o.sitemap_count)
        return cli_usage_error("audit", "give at least one URL or --sitemap URL");
    if (a->o.compare && !a->o.db)
        return cli_usage_error("audit", "--compare needs --db FILE");
    if (a->o.against_rev && !a->o.map_count)
        return cli_usage_error("audit", "--against-rev needs at least one --map URL_PREFIX=PATH_PREFIX");
    if (a->o.map_count && !a->o.against_rev)
        return cli_usage_error("audit", "--map needs --against-rev REV");
    if (!report_writer_for(a->format))
        return cli_usage_error("audit", "unknown format '%s' (text, json, sarif, junit, github, "
                               "codequality)", a->format);
    if (!shard_given && shard_from_env(a) < 0)
        return -1;
    return 0;
}

static int exit_code(const report *r, const audit_args *a)
{
    check_args ca;
    memset(&ca, 0, sizeof ca);
    ca.fail_on = a->fail_on;
    ca.fail_on_never = a->fail_on_never;
    ca.max_warnings = a->max_warnings;
    return check_exit_code(r, &ca);
}


static void print_run_info(void *ctx, const config *cfg, const ruleset *rs)
{
    (void)ctx;
    run_info_print("audit", cfg, NULL, rs);
}

int cmd_audit(int argc, char **argv)
{
    audit_args a;
    int parsed = audit_args_parse(&a, argc, argv);
    if (parsed != 0) {
        audit_args_free(&a);
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;
    }
    int rc = EXIT_SETUP;
    config *cfg = NULL;
    audit_result res;
    memset(&res, 0, sizeof res);
    buf out = BUF_INIT;
    if (a.o.verbose)
        a.o.before_check = print_run_info;

    err_clear();
    if (config_find_load(&cfg, a.config) < 0 || audit_site(&res, &a.o, cfg) < 0)
        goto cleanup;
    if (a.baseline && baseline_apply(&res.report, a.baseline, a.o.verbose) < 0)
        goto cleanup;
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.color = color_wanted(a.color, a.output);
    ro.quiet = a.o.quiet;
    ro.shard_index = a.o.shard_k;
    ro.shard_count = a.o.shard_n;
    ro.fail_on = a.fail_on;
    if (report_writer_for(a.format)(&res.report, &ro, &out) < 0) {
        err_set("cannot format the report as %s", a.format);
        goto cleanup;
    }
    if (a.o.compare && audit_compare_write(&out, a.format, res.previous, &res.compare) < 0)
        goto cleanup;
    if (write_file_atomic(a.output, out.data ? out.data : "", out.len) < 0)
        goto cleanup;
    rc = exit_code(&res.report, &a);
cleanup:
    buf_free(&out);
    audit_result_free(&res);
    config_free(cfg);
    audit_args_free(&a);
    return rc;
}
