/* cmd_audit.c: `provcheck audit`: fetch a live site politely (http_fetch.h), check
 * its pages with the same rules and page model as `check` (src_http.h), and
 * optionally remember the audit (audit_db.h), compare it with the previous one,
 * and compare the live pages with a git revision (audit_drift.h).
 *
 * Order of work: options and config (setup errors exit 2 before any request),
 * sitemaps, page fetches (crawling from them when asked), the check on -j workers
 * over the spilled bodies, drift, the database, the report. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "audit_db.h"
#include "audit_drift.h"
#include "cli.h"
#include "cli_util.h"
#include "cli_color.h"
#include "cli_runinfo.h"
#include "suggest.h"
#include "progress.h"
#include "crawl.h"
#include "err.h"
#include "http_fetch.h"
#include "json_write.h"
#include "sha256.h"
#include "sitemap.h"
#include "sitemap_loc.h"
#include "sitemap_queue.h"
#include "src_http.h"
#include "text_escape.h"
#include "url_map.h"

#define MAX_SITEMAPS 1000
#define SITEMAP_MAX_ENTRIES 50000
#define SITEMAP_MAX_BYTES (64u * 1024 * 1024)
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
    char **urls; size_t url_count;
    char **sitemaps; size_t sitemap_count;
    char **headers; size_t header_count;
    char **maps; size_t map_count;
    int crawl, compare, quiet, jobs, concurrency;
    long max_pages;
    double timeout, rate;
    const char *db, *against_rev, *config, *format, *output, *user_agent;
    int fail_on_never;
    severity fail_on;
    int shard_k, shard_n;
    int verbose, color;
    long max_warnings;            /* -1 = no limit */
    const char *baseline;
} audit_args;

static void audit_args_free(audit_args *a)
{
    free(a->urls);
    free(a->sitemaps);
    free(a->headers);
    free(a->maps);
}

static int push_arg(char ***list, size_t *count, char *value)
{
    char **grown = realloc(*list, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    grown[(*count)++] = value;
    *list = grown;
    return 0;
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
    if (parse_shard(spec, &a->shard_k, &a->shard_n) < 0)
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
    a->max_pages = 10000;
    a->timeout = 30;
    a->rate = 2;
    a->concurrency = 8;
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
                if (push_arg(&a->urls, &a->url_count, argv[i]) < 0)
                    return cli_usage_error("audit", "out of memory");
            break;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(audit_usage, stdout);
            return 1;
        } else if (strcmp(arg, "--crawl") == 0) {
            a->crawl = 1;
        } else if (strcmp(arg, "--compare") == 0) {
            a->compare = 1;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            a->verbose = 1;
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
            if (push_arg(&a->sitemaps, &a->sitemap_count, (char *)v) < 0)
                return cli_usage_error("audit", "out of memory");
        } else if (VALUE_OPT("--header", "--header")) {
            if (!strchr(v, ':'))
                return cli_usage_error("audit", "--header takes 'Name: value'");
            if (push_arg(&a->headers, &a->header_count, (char *)v) < 0)
                return cli_usage_error("audit", "out of memory");
        } else if (VALUE_OPT("--map", "--map")) {
            if (!strchr(v, '='))
                return cli_usage_error("audit", "--map takes URL_PREFIX=PATH_PREFIX, not '%s'", v);
            if (push_arg(&a->maps, &a->map_count, (char *)v) < 0)
                return cli_usage_error("audit", "out of memory");
        } else if (VALUE_OPT("--max-pages", "--max-pages")) {
            if (parse_number(v, 1, 1e9, &num) < 0)
                return cli_usage_error("audit", "--max-pages takes a positive number, not '%s'", v);
            a->max_pages = (long)num;
        } else if (VALUE_OPT("--timeout", "--timeout")) {
            if (parse_number(v, 0.001, 86400, &num) < 0)
                return cli_usage_error("audit", "--timeout takes seconds (> 0), not '%s'", v);
            a->timeout = num;
        } else if (VALUE_OPT("--rate", "--rate")) {
            /* Below the floor a run would wait for days between two requests. */
            if (parse_number(v, 0, 1e6, &num) < 0 || (num > 0 && num < MIN_RATE))
                return cli_usage_error("audit", "--rate takes requests per second, 0 "
                                       "(unlimited) or %g to 1000000, not '%s'", MIN_RATE, v);
            a->rate = num;
        } else if (VALUE_OPT("--concurrency", "--concurrency")) {
            if (parse_number(v, 1, 1024, &num) < 0)
                return cli_usage_error("audit", "--concurrency takes 1..1024, not '%s'", v);
            a->concurrency = (int)num;
        } else if (VALUE_OPT("-j", "--jobs")) {
            if (parse_number(v, 1, 1024, &num) < 0)
                return cli_usage_error("audit", "--jobs takes 1..1024, not '%s'", v);
            a->jobs = (int)num;
        } else if (VALUE_OPT("--shard", "--shard")) {
            if (parse_shard(v, &a->shard_k, &a->shard_n) < 0)
                return cli_usage_error("audit", "--shard takes K/N with 1 <= K <= N, not '%s'", v);
            shard_given = 1;
        } else if (VALUE_OPT("--fail-on", "--fail-on")) {
            if (strcmp(v, "never") == 0)
                a->fail_on_never = 1;
            else if ((strcmp(v, "error") && strcmp(v, "warning")) ||
                     severity_parse(v, &a->fail_on) < 0)
                return cli_usage_error("audit", "--fail-on takes error, warning or never");
        } else if (VALUE_OPT("--db", "--db")) {
            a->db = v;
        } else if (VALUE_OPT("--against-rev", "--against-rev")) {
            a->against_rev = v;
        } else if (VALUE_OPT("--user-agent", "--user-agent")) {
            if (strpbrk(v, "\r\n"))
                return cli_usage_error("audit", "--user-agent must be one line (no CR or LF)");
            a->user_agent = v;
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
        } else if (push_arg(&a->urls, &a->url_count, (char *)arg) < 0) {
            return cli_usage_error("audit", "out of memory");
        }
#undef VALUE_OPT
    }
    if (!a->url_count && !a->sitemap_count)
        return cli_usage_error("audit", "give at least one URL or --sitemap URL");
    if (a->compare && !a->db)
        return cli_usage_error("audit", "--compare needs --db FILE");
    if (a->against_rev && !a->map_count)
        return cli_usage_error("audit", "--against-rev needs at least one --map URL_PREFIX=PATH_PREFIX");
    if (a->map_count && !a->against_rev)
        return cli_usage_error("audit", "--map needs --against-rev REV");
    if (!report_writer_for(a->format))
        return cli_usage_error("audit", "unknown format '%s' (text, json, sarif, junit, github, "
                               "codequality)", a->format);
    if (!shard_given && shard_from_env(a) < 0)
        return -1;
    return 0;
}

/* ---- the `audit` table of the config ---- */

typedef struct audit_config {
    char *user_agent;
    char **headers; size_t header_count;
    char *cookies;
    char *ca_file;        /* resolved against the config's folder */
} audit_config;

static void audit_config_free(audit_config *c)
{
    free(c->user_agent);
    for (size_t i = 0; i < c->header_count; i++)
        free(c->headers[i]);
    free(c->headers);
    free(c->cookies);
    free(c->ca_file);
    memset(c, 0, sizeof *c);
}

static int add_header(audit_config *c, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    if (!line)
        return err_set("out of memory");
    snprintf(line, n, "%s: %s", name, value);
    if (push_arg(&c->headers, &c->header_count, line) < 0) {
        free(line);
        return err_set("out of memory");
    }
    return 0;
}

/* Header names and values must not smuggle a second header or request line. */
static int header_safe(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            return 0;
    return 1;
}

/* Values are never quoted in messages: they may be credentials. */
static int audit_config_read(audit_config *out, const config *cfg)
{
    memset(out, 0, sizeof *out);
    const cfgval *a = cfg ? cfg->audit : NULL;
    const char *file = cfg && cfg->path ? cfg->path : "provcheck.lua";
    if (!a)
        return 0;
    if (a->kind != CV_MAP && !(a->kind == CV_LIST && a->count == 0))
        return err_set("%s: audit: expected a table", file);
    for (size_t i = 0; a->kind == CV_MAP && i < a->count; i++) {
        const char *key = a->keys[i];
        const cfgval *v = a->items[i];
        if (strcmp(key, "user_agent") == 0) {
            if (v->kind != CV_STR || !v->slen || !header_safe(v->s))
                return err_set("%s: audit.user_agent: expected a non-empty string", file);
            if (!(out->user_agent = strdup(v->s)))
                return err_set("out of memory");
        } else if (strcmp(key, "headers") == 0) {
            if (v->kind == CV_MAP) {
                for (size_t j = 0; j < v->count; j++) {
                    if (v->items[j]->kind != CV_STR || !header_safe(v->items[j]->s) ||
                        !header_safe(v->keys[j]) || strchr(v->keys[j], ':'))
                        return err_set("%s: audit.headers[\"%s\"]: expected a string value",
                                       file, v->keys[j]);
                    if (add_header(out, v->keys[j], v->items[j]->s) < 0)
                        return -1;
                }
            } else if (v->kind != CV_LIST || v->count != 0) {
                return err_set("%s: audit.headers: expected a table of name = value", file);
            }
        } else if (strcmp(key, "cookies") == 0) {
            buf b = BUF_INIT;
            if (v->kind == CV_STR && header_safe(v->s)) {
                buf_puts(&b, v->s);
            } else if (v->kind == CV_MAP) {
                for (size_t j = 0; j < v->count; j++) {
                    if (v->items[j]->kind != CV_STR || !header_safe(v->items[j]->s) ||
                        strpbrk(v->keys[j], "=;\r\n")) {
                        buf_free(&b);
                        return err_set("%s: audit.cookies[\"%s\"]: expected a string value",
                                       file, v->keys[j]);
                    }
                    buf_printf(&b, "%s%s=%s", j ? "; " : "", v->keys[j], v->items[j]->s);
                }
            } else {
                buf_free(&b);
                return err_set("%s: audit.cookies: expected a string or a table of name = value",
                               file);
            }
            out->cookies = buf_detach(&b, NULL);
            if (!out->cookies)
                return err_set("out of memory");
        } else if (strcmp(key, "ca_file") == 0) {
            if (v->kind != CV_STR || !v->slen)
                return err_set("%s: audit.ca_file: expected the path of a PEM file", file);
            out->ca_file = v->s[0] == '/' ? strdup(v->s) : fs_path_join(cfg->dir, v->s);
            if (!out->ca_file)
                return err_set("out of memory");
            if (access(out->ca_file, R_OK) != 0)
                return err_set("%s: audit.ca_file: cannot read %s: %s", file, out->ca_file,
                               strerror(errno));
        } else {
            return err_set("%s: audit.%s: unknown key (known: user_agent, headers, cookies, "
                           "ca_file)", file, key);
        }
    }
    return 0;
}

/* ---- the run ---- */

typedef struct audit_run {
    const audit_args *args;
    const config *cfg;
    const ruleset *rs;
    char reuse_key[65];      /* ruleset_reuse_key: the digest, and the clock if read */
    http_fetcher *fetcher;
    audit_db *db;
    http_page_store store;
    url_set seen;            /* page URLs queued */
    url_set origins;         /* seed origins: crawling stays inside them */
    url_set targets_yes, targets_no;   /* link targets asked about before reusing a result */
    size_t queued;           /* page URLs queued, for --max-pages */
    size_t skipped, disallowed_links, sitemaps;
    size_t out_of_scope;     /* URLs the include/exclude globs left out */
    size_t extensionless_out;   /* of those (and crawled links), "/x" with no extension */
    int extensionless_warned;
    size_t listed;           /* page entries of the sitemaps */
    size_t elsewhere;        /* pages of other shards: an empty shard is no setup error */
    sitemap_queue sitemap_urls;   /* each sitemap fetched once; cycles told apart */
    size_t sitemap_repeats;       /* index entries naming a sitemap already queued */
    int sitemaps_capped;          /* MAX_SITEMAPS reached: the rest were not read */
    finding_list sitemap_findings;   /* on this shard's sitemaps: not pages of the store,
                                        added to the report after the check */
    char **seeds; char **seed_lastmods; size_t seed_count, seed_cap;
    int config_globs;        /* include/exclude set by the config: apply to URL paths */
    int streaming;           /* the store is reserved: fetch and check overlap */
    pthread_t fetch_thread;
    int fetch_started, fetch_rc;
    char fetch_error[512];
    int failed;              /* out of memory or a spill failure in a callback */
    char failure[512];
    double started_at;
    /* validators to store, parallel to store pages by URL */
    audit_page_info *info; size_t info_count, info_cap;
} audit_run;

typedef struct page_job {
    int crawled;             /* found by --crawl (robots refusals are not errors) */
    long long cache_audit;   /* the audit whose result a 304 reuses */
    char *lastmod;
    char *links;             /* --crawl: the links that audit recorded, followed on a 304 */
    char *targets;           /* the link targets that audit's result depends on */
} page_job;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void note(const audit_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const audit_run *run, const char *fmt, ...)
{
    if (run->args->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("provcheck audit: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void run_fail(audit_run *run, const char *why)
{
    if (!run->failed)
        snprintf(run->failure, sizeof run->failure, "%s", why && *why ? why : "out of memory");
    run->failed = 1;
}

/* The same split as check's --shard, over the URL. */
static int in_shard(const audit_args *a, const char *url)
{
    if (a->shard_n <= 1)
        return 1;
    unsigned char digest[32];
    sha256(url, strlen(url), digest);
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = (h << 8) | digest[i];
    return (int)(h % (uint64_t)a->shard_n) == a->shard_k - 1;
}

/* Not a note: pages silently missing from an audit are how a wrong pass happens. */
static void warn_extensionless(audit_run *run)
{
    if (!run->extensionless_out || run->extensionless_warned)
        return;
    run->extensionless_warned = 1;
    fprintf(stderr, "provcheck audit: warning: %zu URLs without an extension (such as "
            "/privacy) are outside the include globs of %s and were not audited; set "
            "clean_urls = true (or url_map) so that /privacy is matched as privacy.html\n",
            run->extensionless_out, run->cfg && run->cfg->path ? run->cfg->path : "the config");
}

/* Include/exclude globs apply to URL paths where the config sets them, after the
   config's file <-> URL mapping (url_map.h): with clean_urls, "/privacy" is
   privacy.html and "**" "/" "*.html" takes it in. */
static int in_scope(audit_run *run, const char *url)
{
    if (!run->config_globs)
        return 1;
    char *path = NULL, *site_path = NULL;
    if (http_url_paths(url, NULL, &path, &site_path) < 0)
        return 0;
    char *file = url_map_file_for(run->cfg, path);
    int yes = file && config_path_included(run->cfg, file);
    if (!yes && file && url_path_extensionless(file))
        run->extensionless_out++;
    free(file);
    free(path);
    free(site_path);
    return yes;
}

static int config_sets_globs(const config *cfg)
{
    if (!cfg || !cfg->path)
        return 0;
    if (cfg->exclude_count)
        return 1;
    static const char *defaults[] = {"**/*.html", "**/*.htm"};
    if (cfg->include_count != 2)
        return 1;
    for (size_t i = 0; i < 2; i++)
        if (strcmp(cfg->include[i], defaults[i]) != 0)
            return 1;
    return 0;
}

static int add_seed(audit_run *run, const char *url, const char *lastmod)
{
    char *norm = url_normalize(NULL, url);
    if (!norm)
        return 0;   /* not http(s): sitemaps may list anything */
    int added = url_set_add(&run->seen, norm);
    if (added <= 0) {
        free(norm);
        return added;
    }
    if (run->seed_count == run->seed_cap) {
        size_t cap = run->seed_cap ? run->seed_cap * 2 : 256;
        char **s = realloc(run->seeds, cap * sizeof *s);
        char **l = s ? realloc(run->seed_lastmods, cap * sizeof *l) : NULL;
        if (s)
            run->seeds = s;
        if (!s || !l) {
            free(norm);
            return -1;
        }
        run->seed_lastmods = l;
        run->seed_cap = cap;
    }
    run->seed_lastmods[run->seed_count] = lastmod ? strdup(lastmod) : NULL;
    run->seeds[run->seed_count++] = norm;
    return 1;
}

static audit_page_info *info_add(audit_run *run)
{
    if (run->info_count == run->info_cap) {
        size_t cap = run->info_cap ? run->info_cap * 2 : 256;
        audit_page_info *grown = realloc(run->info, cap * sizeof *grown);
        if (!grown)
            return NULL;
        run->info = grown;
        run->info_cap = cap;
    }
    audit_page_info *pi = &run->info[run->info_count++];
    memset(pi, 0, sizeof *pi);
    return pi;
}

/* ---- sitemaps ---- */

/* Keep the findings on sitemap `id` (failure, cycle, unusable entries: all of them
   at once, so they are one report entry). They stay out of the page store, where
   a page of the same URL lives. Like a URL, a sitemap is reported by the one
   shard its normalized URL falls in, the same shard as a page of that URL. */
static void record_sitemap_findings(audit_run *run, size_t id, finding_list *found)
{
    const char *url = id >= 1 && id <= run->sitemap_urls.count
                      ? run->sitemap_urls.urls[id - 1] : NULL;
    if (found->count && url && !in_shard(run->args, url)) {
        run->elsewhere++;
    } else if (found->count) {
        char *path = NULL, *site_path = NULL;
        if (!url || http_url_paths(url, NULL, &path, &site_path) < 0 ||
            sitemap_loc_place(found, path, url) < 0 ||
            finding_list_splice(&run->sitemap_findings, found) < 0)
            run_fail(run, err_last());
        free(path);
        free(site_path);
    }
    finding_list_free(found);
}

/* A sitemap that cannot be used at all: one finding saying why. */
static void sitemap_failed(audit_run *run, size_t id, const char *why)
{
    char msg[600];
    snprintf(msg, sizeof msg, "sitemap: %s", why);
    finding_list found = {0};
    if (sitemap_finding_add(&found, msg) < 0)
        run_fail(run, NULL);
    record_sitemap_findings(run, id, &found);
}

/* Queue a sitemap not queued yet (`norm`: its normalized URL; `parent`: the id of
   the index listing it, 0 when given). 0, or -1 with err_set. */
static int queue_sitemap(audit_run *run, const char *url, const char *norm, size_t parent)
{
    long id = sitemap_queue_add(&run->sitemap_urls, norm, parent);
    if (id <= 0)
        return id < 0 ? err_set("out of memory") : 0;
    http_request rq = {.url = url, .any_type = 1, .user = (void *)(uintptr_t)id};
    run->sitemaps++;
    return http_fetcher_add(run->fetcher, &rq);
}

static void sitemap_done(void *ctx, const http_result *r, void *user)
{
    audit_run *run = ctx;
    size_t id = (size_t)(uintptr_t)user;
    if (r->outcome != HTTP_OK) {
        sitemap_failed(run, id, r->message ? r->message : "not fetched");
        return;
    }
    sitemap sm;
    char *why = NULL;
    if (sitemap_parse(&sm, r->body, r->len, SITEMAP_MAX_ENTRIES, SITEMAP_MAX_BYTES, &why) < 0) {
        sitemap_failed(run, id, why ? why : "cannot be read");
        free(why);
        return;
    }
    finding_list bad = {0};
    char *final_norm = sm.is_index ? url_normalize(NULL, r->final_url) : NULL;
    char *cycle_to = NULL;   /* the first entry that closes a cycle */
    for (size_t i = 0; i < sm.count; i++) {
        const sitemap_entry *e = &sm.entries[i];
        int unusable = sitemap_loc_check(e->loc, &bad);
        if (unusable < 0)
            run_fail(run, NULL);
        if (unusable)
            continue;
        if (sm.is_index) {
            char *norm = url_normalize(r->final_url, e->loc);
            if (!norm)
                continue;
            int seen = sitemap_queue_classify(&run->sitemap_urls, id, final_norm, norm);
            if (seen == SITEMAP_CYCLE) {
                if (!cycle_to && !(cycle_to = strdup(norm)))
                    run_fail(run, NULL);
            } else if (seen == SITEMAP_REPEAT) {
                run->sitemap_repeats++;
            } else if (run->sitemaps >= MAX_SITEMAPS) {
                run->sitemaps_capped = 1;
            } else if (queue_sitemap(run, norm, norm, id) < 0) {
                run_fail(run, err_last());
            }
            free(norm);
        } else {
            run->listed++;
            if (add_seed(run, e->loc, e->lastmod) < 0)
                run_fail(run, NULL);
        }
    }
    if (cycle_to) {
        /* A finding on the index, like any sitemap that cannot be used as it is:
           its pages are still audited, each sitemap read once. */
        char *asked = url_normalize(NULL, r->url);
        int self = strcmp(cycle_to, final_norm ? final_norm : "") == 0 ||
                   strcmp(cycle_to, asked ? asked : "") == 0;
        free(asked);
        char msg[600];
        if (self)
            snprintf(msg, sizeof msg, "sitemap: the index lists itself (a cycle): not "
                     "fetched again");
        else
            snprintf(msg, sizeof msg, "sitemap: the index lists %.400s, an index that led "
                     "to it (a cycle): not fetched again", cycle_to);
        if (sitemap_finding_add(&bad, msg) < 0)
            run_fail(run, NULL);
    }
    free(cycle_to);
    free(final_norm);
    sitemap_free(&sm);
    record_sitemap_findings(run, id, &bad);
}

/* ---- pages ---- */

static void progress(void *ctx, size_t done, size_t queued)
{
    audit_run *run = ctx;
    progress_draw("provcheck audit: fetched", done, queued, now_mono() - run->started_at);
}

/* Whether `url` answers 2xx now; each URL asked once per audit. -1 out of memory. */
static int target_answer(audit_run *run, const char *url)
{
    if (url_set_has(&run->targets_yes, url))
        return 1;
    if (url_set_has(&run->targets_no, url))
        return 0;
    int yes = http_fetch_check(run->fetcher, url, NULL);
    return url_set_add(yes ? &run->targets_yes : &run->targets_no, url) < 0 ? -1 : yes;
}

/* Whether every link target in `targets` ("1 URL" / "0 URL" a line) answers as
   it did; 0 when they are unknown (NULL). */
static int targets_unchanged(audit_run *run, const char *targets)
{
    if (!targets)
        return 0;
    for (const char *line = targets; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len < 3 || line[1] != ' ')
            return 0;
        char *url = strndup(line + 2, len - 2);
        int now = url ? target_answer(run, url) : -1;
        free(url);
        if (now < 0 || now != (line[0] == '1'))
            return 0;
        line += len + (end != NULL);
    }
    return 1;
}

static int queue_page(audit_run *run, const char *url, const char *lastmod, int crawled)
{
    page_job *pj = calloc(1, sizeof *pj);
    if (!pj)
        return -1;
    pj->crawled = crawled;
    pj->lastmod = lastmod ? strdup(lastmod) : NULL;
    http_request rq = {.url = url, .user = pj};
    char *etag = NULL, *lm = NULL;
    int rc = 0;
    if (run->db && !run->args->against_rev) {
        long long id = 0;
        rc = audit_db_cache_get(run->db, url, run->reuse_key, &etag, &lm, &id);
        if (rc > 0)
            rc = audit_db_page_memory(run->db, id, url, &pj->links, &pj->targets);
        /* Ask "unchanged?" only when the old result still holds for an unchanged
           page: a crawl needs its links on record, and every link target its
           rules asked about must answer as it did. Else download it again. */
        if (rc > 0 && ((run->args->crawl && !pj->links) || !targets_unchanged(run, pj->targets)))
            rc = 0;
        if (rc > 0) {
            rq.etag = etag;
            rq.last_modified = lm;
            pj->cache_audit = id;
        }
    }
    if (rc >= 0)
        rc = http_fetcher_add(run->fetcher, &rq);
    free(etag);
    free(lm);
    if (rc < 0) {
        free(pj->lastmod);
        free(pj->links);
        free(pj->targets);
        free(pj);
        return -1;
    }
    run->queued++;
    return 0;
}

static void follow_links(audit_run *run, char **links, size_t count)
{
    for (size_t i = 0; i < count && run->queued < (size_t)run->args->max_pages; i++) {
        char *origin = http_origin(links[i]);
        int inside = origin && url_set_has(&run->origins, origin);
        free(origin);
        if (!inside || !in_scope(run, links[i]))
            continue;
        int added = url_set_add(&run->seen, links[i]);
        if (added < 0 || (added == 1 && queue_page(run, links[i], NULL, 1) < 0))
            run_fail(run, err_last());
    }
}

/* Queue the links of a fetched page; returns them one a line for the database
   (malloc'd; NULL when out of memory, then the run has failed). */
static char *crawl_from(audit_run *run, const http_result *r)
{
    char **links = NULL;
    size_t count = 0;
    if (crawl_links(r->final_url, r->body, r->len, &links, &count) < 0) {
        run_fail(run, NULL);
        return NULL;
    }
    follow_links(run, links, count);
    buf joined = BUF_INIT;
    for (size_t i = 0; i < count; i++)
        buf_printf(&joined, "%s%s", i ? "\n" : "", links[i]);
    crawl_links_free(links, count);
    char *out = buf_detach(&joined, NULL);
    if (!out)
        run_fail(run, NULL);
    return out;
}

/* Queue the links an earlier audit recorded for a page that answered 304. */
static void crawl_recorded(audit_run *run, const char *recorded)
{
    char *copy = strdup(recorded ? recorded : "");
    size_t count = 0, cap = 1;
    for (const char *c = recorded ? recorded : ""; *c; c++)
        cap += *c == '\n';
    char **links = copy ? calloc(cap, sizeof *links) : NULL;
    if (!links) {
        free(copy);
        run_fail(run, NULL);
        return;
    }
    for (char *line = copy, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        links[count++] = line;
    }
    follow_links(run, links, count);
    free(links);
    free(copy);
}

/* Record one page's outcome: a new entry, or the reserved one when streaming. */
static http_page *record(audit_run *run, const http_result *r, http_page_kind kind,
                         const char *message)
{
    http_page *p = run->streaming
        ? http_page_store_fill(&run->store, r->url, r->final_url, kind, r->status, message,
                               r->body, r->len)
        : http_page_store_add(&run->store, r->url, r->final_url, kind, r->status, message,
                              r->body, r->len);
    if (!p)
        run_fail(run, err_last());
    return p;
}

static void page_done(void *ctx, const http_result *r, void *user)
{
    audit_run *run = ctx;
    page_job *pj = user;
    /* Without --crawl only this shard's pages are asked for; with it every page is
       fetched for its links, the URLs and sitemap entries given included, and
       kept by the shard its URL falls in only (shard reports never overlap). */
    int keep = in_shard(run->args, r->url);
    if (!keep && r->outcome != HTTP_NOT_HTML)
        run->elsewhere++;
    http_page *p = NULL;
    char *links = NULL;
    switch (r->outcome) {
    case HTTP_OK:
        if (run->args->crawl)
            links = crawl_from(run, r);
        if (keep)
            p = record(run, r, HTTP_PAGE_BODY, NULL);
        break;
    case HTTP_NOT_MODIFIED:
        /* Unchanged, so its links are those on record: the crawl goes on. */
        if (run->args->crawl) {
            crawl_recorded(run, pj->links);
            links = pj->links;
            pj->links = NULL;
        }
        if (!keep)
            break;
        p = record(run, r, HTTP_PAGE_REUSED, NULL);
        if (p) {
            p->targets = pj->targets;   /* what the reused result still depends on */
            pj->targets = NULL;
        }
        if (p && (!run->db ||
                  audit_db_findings_for_url(run->db, pj->cache_audit, r->url, &p->reused) < 0))
            run_fail(run, err_last());
        break;
    case HTTP_NOT_HTML:
        run->skipped++;
        note(run, "%s: %s", r->url, r->message);
        if (run->streaming)
            p = record(run, r, HTTP_PAGE_SKIPPED, r->message);
        break;
    case HTTP_DISALLOWED:
        /* A page asked for by name or by a sitemap must be accounted for; a link
           found while crawling is simply not followed. */
        if (pj->crawled)
            run->disallowed_links++;
        else if (keep)
            p = record(run, r, HTTP_PAGE_FAILED, r->message);
        break;
    case HTTP_FAILED:
    case HTTP_BLOCKED:
        if (keep)
            p = record(run, r, HTTP_PAGE_FAILED, r->message);
        break;
    }
    if (p) {
        p->lastmod = pj->lastmod;
        pj->lastmod = NULL;
        p->links = links;
        links = NULL;
        if (r->outcome == HTTP_OK || r->outcome == HTTP_NOT_MODIFIED) {
            p->etag = r->etag ? strdup(r->etag) : NULL;
            p->last_modified = r->last_modified ? strdup(r->last_modified) : NULL;
        }
        if (run->streaming)
            http_page_store_ready(&run->store, p);
    }
    free(links);
    free(pj->lastmod);
    free(pj->links);
    free(pj->targets);
    free(pj);
}

/* ---- output ---- */

static void finding_json(buf *b, const finding *f)
{
    buf_puts(b, "{ \"rule\": ");
    json_write_string(b, f->rule);
    buf_printf(b, ", \"severity\": \"%s\", \"message\": ", severity_name(f->sev));
    json_write_string(b, f->message);
    buf_puts(b, ", \"path\": ");
    json_write_string(b, f->path);
    buf_puts(b, ", \"url\": ");
    json_write_string(b, f->url);
    buf_puts(b, ", \"fingerprint\": ");
    json_write_string(b, f->fingerprint);
    buf_puts(b, " }");
}

static void compare_json(buf *b, long long prev, const audit_compare *c)
{
    const finding_list *lists[] = {&c->added, &c->fixed, &c->still_open};
    const char *names[] = {"new", "fixed", "open"};
    if (prev)
        buf_printf(b, "\"compare\": { \"previous_audit\": %lld", prev);
    else
        buf_puts(b, "\"compare\": { \"previous_audit\": null");
    for (int l = 0; l < 3; l++) {
        buf_printf(b, ",\n    \"%s\": [", names[l]);
        for (size_t i = 0; i < lists[l]->count; i++) {
            buf_puts(b, i ? ",\n      " : "\n      ");
            finding_json(b, &lists[l]->items[i]);
        }
        buf_puts(b, lists[l]->count ? "\n    ]" : "]");
    }
    buf_puts(b, " }");
}

static void compare_text(buf *b, long long prev, const audit_compare *c)
{
    if (!prev) {
        buf_puts(b, "\ncompare: no previous audit of this site: every finding is new\n");
    } else {
        buf_printf(b, "\ncompare with audit #%lld: %zu new, %zu fixed, %zu still open\n", prev,
                   c->added.count, c->fixed.count, c->still_open.count);
    }
    const finding_list *lists[] = {&c->added, &c->fixed, &c->still_open};
    const char *names[] = {"new", "fixed", "open"};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < lists[l]->count; i++) {
            const finding *f = &lists[l]->items[i];
            buf_printf(b, "  %-5s ", names[l]);
            buf_put_visible(b, f->url ? f->url : f->path);
            buf_printf(b, "  %s  ", f->rule);
            buf_put_visible(b, f->message);
            buf_putc(b, '\n');
        }
}

/* Append the comparison to the formatted report: as a member of the JSON object,
   after the text report, or on stderr for the other formats. */
static int add_compare(buf *out, const char *format, long long prev, const audit_compare *c)
{
    buf extra = BUF_INIT;
    int rc = 0;
    if (strcmp(format, "json") == 0) {
        while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
            out->len--;
        if (!out->len || out->data[out->len - 1] != '}')
            return err_set("cannot add the comparison to the JSON report");
        out->len--;
        out->data[out->len] = '\0';
        buf_puts(&extra, ",\n  ");
        compare_json(&extra, prev, c);
        buf_puts(&extra, "\n}\n");
        rc = buf_append(out, extra.data, extra.len);
    } else if (strcmp(format, "text") == 0) {
        compare_text(&extra, prev, c);
        rc = buf_append(out, extra.data, extra.len);
    } else {
        compare_text(&extra, prev, c);
        fputs(extra.data ? extra.data : "", stderr);
    }
    buf_free(&extra);
    return rc < 0 ? err_set("out of memory") : 0;
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

static void iso_time(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int fill_settings(http_settings *s, const audit_args *a, const audit_config *ac,
                         const config *cfg, char ***headers_out)
{
    http_settings_default(s);
    s->user_agent = a->user_agent ? a->user_agent
                  : ac->user_agent ? ac->user_agent : s->user_agent;
    s->timeout = a->timeout;
    s->rate = a->rate;
    s->concurrency = a->concurrency;
    if (cfg && cfg->max_page_bytes)
        s->max_bytes = cfg->max_page_bytes;
    s->cookies = ac->cookies;
    s->ca_file = ac->ca_file;
    size_t n = ac->header_count + a->header_count;
    char **h = calloc(n ? n : 1, sizeof *h);
    if (!h)
        return err_set("out of memory");
    for (size_t i = 0; i < ac->header_count; i++)
        h[i] = ac->headers[i];
    for (size_t i = 0; i < a->header_count; i++) {
        if (!header_safe(a->headers[i])) {
            free(h);
            return err_set("--header: a header must be one line");
        }
        h[ac->header_count + i] = a->headers[i];
    }
    s->headers = h;
    s->header_count = n;
    *headers_out = h;
    return 0;
}

/* `rules = { drift = SEVERITY }`: 1 and the severity when the config sets one. */
static int drift_setting(const config *c, severity *sev)
{
    int set = 0;
    for (size_t i = 0; i < c->rule_count; i++)
        if (strcmp(c->rules[i].id, RULE_DRIFT) == 0 && c->rules[i].has_severity) {
            *sev = c->rules[i].sev;
            set = 1;
        }
    return set;
}

/* The config's severity for drift replaces the warning/info the comparison chose. */
static void apply_drift_setting(report *r, const config *c)
{
    severity sev;
    if (!drift_setting(c, &sev))
        return;
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].rule, RULE_DRIFT) == 0)
            r->findings.items[i].sev = sev;
    for (size_t i = 0; i < r->rule_count; i++)
        if (strcmp(r->rules[i].id, RULE_DRIFT) == 0)
            r->rules[i].sev = sev;
}

static int add_drift_rule(report *r)
{
    for (size_t i = 0; i < r->rule_count; i++)
        if (strcmp(r->rules[i].id, RULE_DRIFT) == 0)
            return 0;
    int any = 0;
    for (size_t i = 0; i < r->findings.count; i++)
        if (strcmp(r->findings.items[i].rule, RULE_DRIFT) == 0)
            any = 1;
    if (!any)
        return 0;
    report_rule *rules = realloc(r->rules, (r->rule_count + 1) * sizeof *rules);
    if (!rules)
        return -1;
    r->rules = rules;
    size_t at = 0;
    while (at < r->rule_count && strcmp(r->rules[at].id, RULE_DRIFT) < 0)
        at++;
    memmove(&r->rules[at + 1], &r->rules[at], (r->rule_count - at) * sizeof *rules);
    report_rule *rr = &r->rules[at];
    memset(rr, 0, sizeof *rr);
    rr->id = strdup(RULE_DRIFT);
    rr->summary = strdup("The live page differs from the page committed at the revision");
    rr->sev = SEV_WARNING;
    r->rule_count++;
    return rr->id && rr->summary ? 0 : -1;
}

static void glob_list(buf *b, const char *what, char **globs, size_t n)
{
    buf_printf(b, "; %s", what);
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s\"%s\"", i ? ", " : " ", globs[i]);
    if (!n)
        buf_puts(b, " (none)");
}

/* An audit that found no page at all is a setup error, never a clean pass: say what
   it was given and what the globs left out. Returns -1 with err_set. */
static int no_page_error(const audit_run *run)
{
    const audit_args *a = run->args;
    buf b = BUF_INIT;
    buf_puts(&b, "no page to audit:");
    for (size_t i = 0; i < a->url_count; i++)
        buf_printf(&b, "%s %s", i ? "," : " URL", a->urls[i]);
    for (size_t i = 0; i < a->sitemap_count; i++)
        buf_printf(&b, "%s %s", i ? "," : a->url_count ? "; sitemap" : " sitemap",
                   a->sitemaps[i]);
    if (a->sitemap_count)
        buf_printf(&b, " (%zu usable page entries)", run->listed);
    if (run->config_globs) {
        glob_list(&b, "include", run->cfg->include, run->cfg->include_count);
        glob_list(&b, "exclude", run->cfg->exclude, run->cfg->exclude_count);
        buf_printf(&b, " from %s (%zu URLs left out)", run->cfg->path, run->out_of_scope);
    }
    if (run->skipped)
        buf_printf(&b, "; %zu answers were not HTML", run->skipped);
    int rc = err_set("%s", b.data ? b.data : "no page to audit");
    buf_free(&b);
    return rc;
}

/* Targets asked about before reusing results are not asked again by the rules. */
static int share_target_answers(const audit_run *run, source *src)
{
    const url_set *sets[] = {&run->targets_no, &run->targets_yes};
    for (int yes = 0; yes < 2; yes++)
        for (size_t i = 0; i < sets[yes]->cap; i++)
            if (sets[yes]->slots[i] && src_http_target_known(src, sets[yes]->slots[i], yes) < 0)
                return -1;
    return 0;
}

static void run_free(audit_run *run)
{
    http_page_store_free(&run->store);
    url_set_free(&run->seen);
    url_set_free(&run->origins);
    url_set_free(&run->targets_yes);
    url_set_free(&run->targets_no);
    sitemap_queue_free(&run->sitemap_urls);
    finding_list_free(&run->sitemap_findings);
    for (size_t i = 0; i < run->seed_count; i++) {
        free(run->seeds[i]);
        free(run->seed_lastmods[i]);
    }
    free(run->seeds);
    free(run->seed_lastmods);
    free(run->info);
}

/* Trust and remember the origin of a seed (config headers and cookies go there;
   crawling stays inside the seeds' origins). */
static int add_origin(audit_run *run, const char *url)
{
    char *origin = http_origin(url);
    if (!origin)
        return err_set("%s: not an http(s) URL", url);
    int rc = url_set_add(&run->origins, origin) < 0 ? err_set("out of memory")
             : http_fetcher_trust(run->fetcher, url);
    free(origin);
    return rc;
}

/* The page fetch, on this thread or on its own. 0, or -1 with err_set. */
static int fetch_pages(audit_run *run)
{
    int show = progress_wanted(run->args->quiet);
    if (http_fetcher_run(run->fetcher, page_done, show ? progress : NULL, run) < 0)
        return -1;
    if (run->failed)
        return err_set("%s", run->failure);
    if (run->disallowed_links)
        note(run, "%zu linked pages disallowed by robots.txt were not crawled",
             run->disallowed_links);
    if (run->skipped)
        note(run, "%zu responses were not HTML and were skipped", run->skipped);
    warn_extensionless(run);   /* crawled links too */
    return 0;
}

static void *fetch_main(void *arg)
{
    audit_run *run = arg;
    run->fetch_rc = fetch_pages(run);
    if (run->fetch_rc < 0)
        snprintf(run->fetch_error, sizeof run->fetch_error, "%s", err_last());
    /* Whatever happened, no worker may wait for a page forever. */
    http_page_store_abandon(&run->store, "not fetched: the audit stopped fetching");
    return NULL;
}

static int fetch_start(audit_run *run)
{
    if (pthread_create(&run->fetch_thread, NULL, fetch_main, run) != 0)
        return err_set("cannot start the fetch thread");
    run->fetch_started = 1;
    return 0;
}

/* Wait for the fetch thread. 0, or -1 with its error. */
static int fetch_join(audit_run *run)
{
    if (!run->fetch_started)
        return 0;
    pthread_join(run->fetch_thread, NULL);
    run->fetch_started = 0;
    return run->fetch_rc < 0 ? err_set("%s", run->fetch_error) : 0;
}

typedef struct url_order {
    char *url, *lastmod, *path;
} url_order;

static int by_report_path(const void *a, const void *b)
{
    const url_order *x = a, *y = b;
    int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
    return c ? c : strcmp(x->url, y->url);
}

/* The order src_http lists pages in (path, then URL). */
static void sort_by_report_path(char **urls, char **lastmods, size_t n)
{
    url_order *o = calloc(n ? n : 1, sizeof *o);
    if (!o)
        return;   /* any order works; this one only helps the overlap */
    for (size_t i = 0; i < n; i++) {
        char *site_path = NULL;
        o[i].url = urls[i];
        o[i].lastmod = lastmods[i];
        if (http_url_paths(urls[i], NULL, &o[i].path, &site_path) < 0)
            o[i].path = NULL;
        free(site_path);
    }
    qsort(o, n, sizeof *o, by_report_path);
    for (size_t i = 0; i < n; i++) {
        urls[i] = o[i].url;
        lastmods[i] = o[i].lastmod;
        free(o[i].path);
    }
    free(o);
}

static int fetch_everything(audit_run *run)
{
    const audit_args *a = run->args;
    run->started_at = now_mono();
    for (size_t i = 0; i < a->sitemap_count; i++) {
        if (add_origin(run, a->sitemaps[i]) < 0)
            return -1;
        char *norm = url_normalize(NULL, a->sitemaps[i]);
        int rc = norm ? queue_sitemap(run, a->sitemaps[i], norm, 0)
                      : err_set("%s: not an http(s) URL", a->sitemaps[i]);
        free(norm);
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < a->url_count; i++) {
        if (add_origin(run, a->urls[i]) < 0)
            return -1;
        if (add_seed(run, a->urls[i], NULL) < 0)
            return err_set("out of memory");
    }
    if (a->sitemap_count &&
        http_fetcher_run(run->fetcher, sitemap_done, NULL, run) < 0)
        return -1;
    if (run->failed)
        return err_set("%s", run->failure);
    if (run->sitemap_repeats)
        note(run, "sitemap index entries naming a sitemap listed before: %zu (each sitemap "
             "was read once)", run->sitemap_repeats);
    if (run->sitemaps_capped)
        note(run, "sitemap indexes list more than %d sitemaps: the rest were not read",
             MAX_SITEMAPS);
    size_t out_of_scope = 0;
    char **chosen = calloc(run->seed_count ? run->seed_count : 1, sizeof *chosen);
    char **lastmods = calloc(run->seed_count ? run->seed_count : 1, sizeof *lastmods);
    size_t n = 0;
    if (!chosen || !lastmods) {
        free(chosen);
        free(lastmods);
        return err_set("out of memory");
    }
    for (size_t i = 0; i < run->seed_count && n < (size_t)a->max_pages; i++) {
        const char *url = run->seeds[i];
        if (!in_scope(run, url)) {
            out_of_scope++;
            continue;
        }
        /* Crawling needs every page's links; the shard filter then applies to what
           is kept. Without it, a shard fetches its own pages only. */
        if (!a->crawl && !in_shard(a, url)) {
            run->elsewhere++;
            continue;
        }
        lastmods[n] = run->seed_lastmods[i];
        chosen[n++] = run->seeds[i];
    }
    if (out_of_scope)
        note(run, "%zu URLs outside the config's include/exclude globs were not fetched",
             out_of_scope);
    warn_extensionless(run);
    run->out_of_scope = out_of_scope;
    int rc = 0;
    if (!a->crawl) {
        /* Known up front: fetch in the order the workers will ask for the pages. */
        sort_by_report_path(chosen, lastmods, n);
        if (http_page_store_reserve(&run->store, chosen, n) < 0)
            rc = -1;
        run->streaming = rc == 0;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (queue_page(run, chosen[i], lastmods[i], 0) < 0)
            rc = -1;
    free(chosen);
    free(lastmods);
    if (rc < 0)
        return -1;
    if (run->streaming)
        return fetch_start(run);
    return fetch_pages(run);
}

static int collect_info(audit_run *run)
{
    for (size_t i = 0; i < run->store.count; i++) {
        const http_page *p = &run->store.items[i];
        if (p->kind == HTTP_PAGE_SKIPPED || p->kind == HTTP_PAGE_PENDING)
            continue;
        audit_page_info *pi = info_add(run);
        if (!pi)
            return err_set("out of memory");
        pi->url = p->url;
        pi->status = p->status;
        pi->lastmod = p->lastmod;
        /* Only a page checked now (or reused) may be reused next time. */
        if (p->kind != HTTP_PAGE_FAILED) {
            pi->etag = p->etag;
            pi->last_modified = p->last_modified;
            pi->links = p->links;
            /* Checked now: no target asked about is "" (known), not unknown. */
            pi->targets = p->targets_lost ? NULL : p->targets ? p->targets : "";
        }
    }
    return 0;
}

/* Non-HTML answers were listed (the list was made before they answered) and
   checked as nothing: they are not pages of the report. */
static int drop_skipped(report *r, const http_page_store *store)
{
    url_set skipped = {0};
    for (size_t i = 0; i < store->count; i++)
        if (store->items[i].kind == HTTP_PAGE_SKIPPED &&
            url_set_add(&skipped, store->items[i].url) < 0) {
            url_set_free(&skipped);
            return -1;
        }
    if (!skipped.count)
        return 0;
    size_t kept = 0;
    for (size_t i = 0; i < r->page_count; i++) {
        page_result *pr = &r->pages[i];
        if (pr->url && url_set_has(&skipped, pr->url)) {
            free(pr->path);
            free(pr->url);
            free(pr->blob);
            continue;
        }
        r->pages[kept++] = *pr;
    }
    r->page_count = kept;
    url_set_free(&skipped);
    report_recount(r);
    return 0;
}

static int write_output(const audit_args *a, const char *data, size_t len)
{
    return write_file_atomic(a->output, data, len);
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
    ruleset *rs = NULL;
    vfs fs;
    int fs_open = 0;
    audit_config ac;
    memset(&ac, 0, sizeof ac);
    char **headers = NULL;
    audit_run run;
    memset(&run, 0, sizeof run);
    http_page_store_init(&run.store);
    source *src = NULL;
    report r;
    memset(&r, 0, sizeof r);
    buf out = BUF_INIT;
    audit_drift *drift = NULL;
    audit_compare cmp;
    memset(&cmp, 0, sizeof cmp);
    char started[32];
    iso_time(started, sizeof started);
    int curl_ready = 0;

    err_clear();
    if (cli_config_load(&cfg, a.config) < 0 || audit_config_read(&ac, cfg) < 0)
        goto cleanup;
    if (vfs_fs_open(&fs, cfg->dir ? cfg->dir : ".") < 0)
        goto cleanup;
    fs_open = 1;
    if (ruleset_load(&rs, cfg, &fs) < 0)
        goto cleanup;
    severity drift_sev = SEV_WARNING;
    if (a.against_rev && drift_setting(cfg, &drift_sev) && drift_sev == SEV_OFF)
        fprintf(stderr, "provcheck audit: --against-rev ignored: the config turns drift off\n");
    else if (a.against_rev &&
             audit_drift_open(&drift, a.against_rev, a.maps, a.map_count) < 0)
        goto cleanup;
    if (a.db && audit_db_open(&run.db, a.db, 0) < 0)
        goto cleanup;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        err_set("cannot initialise libcurl");
        goto cleanup;
    }
    curl_ready = 1;
    http_settings hs;
    if (fill_settings(&hs, &a, &ac, cfg, &headers) < 0)
        goto cleanup;
    run.args = &a;
    run.cfg = cfg;
    run.rs = rs;
    ruleset_reuse_key(rs, run.reuse_key);
    run.config_globs = config_sets_globs(cfg);
    if (!(run.fetcher = http_fetcher_new(&hs)))
        goto cleanup;
    for (size_t i = 0; i < a.url_count; i++) {
        char *o = http_origin(a.urls[i]);
        free(o);
        if (!o) {
            err_set("%s: not an http(s) URL", a.urls[i]);
            goto cleanup;
        }
    }
    if (fetch_everything(&run) < 0)
        goto cleanup;

    char *site = http_origin(a.url_count ? a.urls[0] : a.sitemaps[0]);
    int opened = src_http_open(&src, &run.store, run.fetcher, site ? site : "", hs.max_bytes);
    if (opened < 0 || share_target_answers(&run, src) < 0) {
        free(site);
        goto cleanup;
    }
    check_options co;
    memset(&co, 0, sizeof co);
    co.jobs = a.jobs;
    co.cached = src_http_cached;
    co.cache_ctx = src;
    if (a.verbose)
        run_info_print("audit", cfg, NULL, rs);
    int checked = check_run(&r, src, rs, &co);
    if (fetch_join(&run) < 0 || checked < 0 ||
        report_record_run(&r, rs, cfg, a.shard_k, a.shard_n, NULL) < 0) {
        free(site);
        goto cleanup;
    }
    if (drop_skipped(&r, &run.store) < 0 ||
        sitemap_findings_report(&r, &run.sitemap_findings) < 0) {
        free(site);
        err_set("out of memory");
        goto cleanup;
    }
    if (!r.page_count && !run.elsewhere) {
        free(site);
        no_page_error(&run);
        goto cleanup;
    }
    size_t unmapped = 0;
    if (drift) {
        if (audit_drift_run(drift, &run.store, &r, &unmapped) < 0 || add_drift_rule(&r) < 0) {
            free(site);
            err_set("out of memory comparing with %s", a.against_rev);
            goto cleanup;
        }
        apply_drift_setting(&r, cfg);
        report_recount(&r);   /* a severity the config chose changes the counts */
        if (unmapped)
            note(&run, "%zu pages are under no --map prefix (listed as drift info findings)",
                 unmapped);
    }
    long long id = 0, prev = 0;
    if (run.db) {
        if (collect_info(&run) < 0) {
            free(site);
            goto cleanup;
        }
        char shard[32];
        snprintf(shard, sizeof shard, "%d/%d", a.shard_k, a.shard_n);
        audit_meta meta = {.site = site ? site : "", .started = started,
                           .ruleset = run.reuse_key, .shard = a.shard_n > 1 ? shard : NULL};
        if (audit_db_store(run.db, &meta, &r, run.info, run.info_count, &id) < 0 ||
            (a.compare && audit_db_previous(run.db, meta.site, meta.shard, id, &prev) < 0) ||
            (a.compare && audit_db_compare(run.db, prev, id, &cmp) < 0)) {
            free(site);
            goto cleanup;
        }
    }
    free(site);
    if (a.baseline && baseline_apply(&r, a.baseline, a.verbose) < 0)
        goto cleanup;
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.color = color_wanted(a.color, a.output);
    ro.quiet = a.quiet;
    ro.shard_index = a.shard_k;
    ro.shard_count = a.shard_n;
    ro.fail_on = a.fail_on;
    if (report_writer_for(a.format)(&r, &ro, &out) < 0) {
        err_set("cannot format the report as %s", a.format);
        goto cleanup;
    }
    if (a.compare && add_compare(&out, a.format, prev, &cmp) < 0)
        goto cleanup;
    if (write_output(&a, out.data ? out.data : "", out.len) < 0)
        goto cleanup;
    rc = exit_code(&r, &a);
cleanup:
    fetch_join(&run);   /* before anything the fetch thread uses is freed */
    audit_compare_free(&cmp);
    buf_free(&out);
    report_free(&r);
    if (src)
        src->free(src);
    http_fetcher_free(run.fetcher);
    audit_db_close(run.db);
    run_free(&run);
    audit_drift_close(drift);
    free(headers);
    audit_config_free(&ac);
    ruleset_free(rs);
    if (fs_open)
        vfs_fs_close(&fs);
    config_free(cfg);
    if (curl_ready)
        curl_global_cleanup();
    audit_args_free(&a);
    return rc;
}
