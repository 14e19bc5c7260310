/* cmd_merge.c: `provcheck merge [-o FILE] [-f FORMAT] FILE...`: the JSON reports of
 * sharded runs (--shard K/N) as one report. Shards partition the pages by path, so
 * the union of their pages and findings, sorted the way check sorts them, is the
 * report one unsharded run gives: byte for byte in JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "fileio.h"
#include "buf.h"
#include "json_read.h"

#define REPORT_MAX_BYTES ((size_t)1024 * 1024 * 1024)

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

static const char *str_member(const cfgval *map, const char *key)
{
    const cfgval *v = cfgval_get(map, key);
    return v && v->kind == CV_STR ? v->s : NULL;
}

static int int_member(const cfgval *map, const char *key)
{
    const cfgval *v = cfgval_get(map, key);
    return v && v->kind == CV_NUM && v->n >= 1 && v->n <= 2147483647.0 ? (int)v->n : 0;
}

static int dup_member(char **out, const cfgval *map, const char *key)
{
    const char *s = str_member(map, key);
    *out = NULL;
    if (!s)
        return 0;
    *out = strdup(s);
    return *out ? 0 : -1;
}

/* One finding of a report, as report_json.c wrote it. */
static int finding_from_json(finding *f, const cfgval *v, const char *file, size_t index)
{
    memset(f, 0, sizeof *f);
    const char *rule = v && v->kind == CV_MAP ? str_member(v, "rule") : NULL;
    const char *sev = rule ? str_member(v, "severity") : NULL;
    const char *fp = rule ? str_member(v, "fingerprint") : NULL;
    if (!rule || !sev || severity_parse(sev, &f->sev) < 0 || !fp || strlen(fp) >= sizeof f->fingerprint)
        return err_set("%s: finding %zu is not a provcheck finding (rule, severity, "
                       "fingerprint)", file, index + 1);
    strcpy(f->fingerprint, fp);
    f->line = int_member(v, "line");
    f->column = int_member(v, "column");
    const char *supp = str_member(v, "suppression");
    const cfgval *suppressed = cfgval_get(v, "suppressed");
    if (supp && strcmp(supp, "inline") == 0)
        f->suppression = SUPP_INLINE;
    else if (supp && strcmp(supp, "baseline") == 0)
        f->suppression = SUPP_BASELINE;
    else if (supp || (suppressed && suppressed->kind != CV_BOOL))
        f->suppression = (suppression_kind)-1;   /* refused below */
    /* "suppressed": true without a kind is not what provcheck writes: it would pass */
    if (suppressed && suppressed->kind == CV_BOOL && suppressed->b != (f->suppression != SUPP_NONE))
        f->suppression = (suppression_kind)-1;
    int rc = 0;
    rc |= dup_member(&f->rule, v, "rule");
    rc |= dup_member(&f->message, v, "message");
    rc |= dup_member(&f->path, v, "path");
    rc |= dup_member(&f->url, v, "url");
    rc |= dup_member(&f->commit, v, "commit");
    rc |= dup_member(&f->blob, v, "blob");
    if (f->suppression == SUPP_INLINE)
        rc |= dup_member(&f->suppress_reason, v, "reason");
    if (rc < 0) {
        finding_free(f);
        return err_set("out of memory");
    }
    /* a report is read back, not trusted: "severity": "off" would pass unseen */
    const char *bad = finding_invalid(f);
    if (bad) {
        finding_free(f);
        return err_set("%s: finding %zu is invalid: %s", file, index + 1, bad);
    }
    return 0;
}

static int page_cmp(const void *a, const void *b)
{
    const page_result *x = a, *y = b;
    return strcmp(x->path, y->path);
}

static int add_pages(report *r, const cfgval *pages, const char *file)
{
    page_result *grown = realloc(r->pages, (r->page_count + pages->count + 1) * sizeof *grown);
    if (!grown)
        return err_set("out of memory");
    r->pages = grown;
    for (size_t i = 0; i < pages->count; i++) {
        const cfgval *p = pages->items[i];
        if (!p || p->kind != CV_MAP || !str_member(p, "path"))
            return err_set("%s: page %zu has no path", file, i + 1);
        page_result *pr = &r->pages[r->page_count];
        memset(pr, 0, sizeof *pr);
        r->page_count++;   /* counted at once so report_free frees what was copied */
        if (dup_member(&pr->path, p, "path") < 0 || dup_member(&pr->url, p, "url") < 0 ||
            dup_member(&pr->blob, p, "blob") < 0)
            return err_set("out of memory");
    }
    return 0;
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Where config and rules came from, and what the target changed in them (the same
   in every shard of one run): kept so the merged report still says so. */
static int take_config_drift(report *r, const cfgval *target)
{
    const cfgval *files = cfgval_get(target, "config_changed_files");
    size_t n = files && files->kind == CV_LIST ? files->count : 0;
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (files->items[i] && files->items[i]->kind == CV_STR)
            names[kept++] = files->items[i]->s;
    int rc = report_set_config_drift(r, str_member(target, "config_from"),
                                     str_member(target, "config_base"), names, kept);
    free(names);
    return rc;
}

/* The first report fixes the target; every other one must name the same. */
static int take_target(report *r, const cfgval *target, const char *file, int first)
{
    const char *kind = str_member(target, "kind"), *root = str_member(target, "root");
    const char *rev = str_member(target, "rev"), *commit = str_member(target, "commit");
    if (!kind)
        return err_set("%s: the report has no target kind", file);
    if (first) {
        if (dup_member(&r->kind, target, "kind") < 0 || dup_member(&r->root, target, "root") < 0 ||
            dup_member(&r->rev, target, "rev") < 0 || dup_member(&r->commit, target, "commit") < 0 ||
            take_config_drift(r, target) < 0)
            return err_set("out of memory");
        return 0;
    }
    if (!same_string(kind, r->kind) || !same_string(root, r->root) ||
        !same_string(rev, r->rev) || !same_string(commit, r->commit))
        return err_set("%s does not fit the reports before it: target %s %s%s%s%s%s, expected "
                       "%s %s%s%s%s%s (merge only shards of one run)", file, kind,
                       root ? root : "", rev ? " rev " : "", rev ? rev : "",
                       commit ? " commit " : "", commit ? commit : "", r->kind,
                       r->root ? r->root : "", r->rev ? " rev " : "", r->rev ? r->rev : "",
                       r->commit ? " commit " : "", r->commit ? r->commit : "");
    return 0;
}

/* Shards of one run come from one provcheck: another version may find other things. */
static int check_tool(const cfgval *doc, const char *file, char **tool_version, int first)
{
    const cfgval *tool = cfgval_get(doc, "tool");
    const char *version = tool && tool->kind == CV_MAP ? str_member(tool, "version") : NULL;
    if (first) {
        *tool_version = version ? strdup(version) : NULL;
        return version && !*tool_version ? err_set("out of memory") : 0;
    }
    if (!same_string(version, *tool_version))
        return err_set("%s was written by provcheck %s, the reports before it by %s (merge "
                       "only shards of one run)", file, version ? version : "(unknown)",
                       *tool_version ? *tool_version : "(unknown)");
    return 0;
}

/* Which shards the reports so far hold, and the config they ran. File names are
   borrowed from argv. */
typedef struct shard_owner {
    int k;
    const char *file;
} shard_owner;

typedef struct run_set {
    char *config_hash;
    const char *hash_file;       /* the report the hash came from */
    const char *whole_file;      /* an unsharded report, or NULL */
    int count;                   /* N of the shards; 0 before the first shard */
    const char *count_file;
    shard_owner *owners; size_t owner_count;
    char *now;                   /* the earliest run.now of the shards, or NULL */
} run_set;

static void run_set_free(run_set *rs)
{
    free(rs->config_hash);
    free(rs->owners);
    free(rs->now);
}

static int is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

/* "K/N", or "K,K,.../N" from a --partial merge, into the shards it holds. */
static int add_shard_spec(run_set *rs, const char *spec, const char *file)
{
    const char *slash = strchr(spec, '/');
    char *end = NULL;
    long n = slash ? strtol(slash + 1, &end, 10) : 0;
    if (!slash || slash == spec || !end || *end || n < 1 || n > 2147483647L)
        return err_set("%s: run.shard '%s' is not K/N", file, spec);
    if (rs->whole_file)
        return err_set("%s is shard %s, but %s is a whole (unsharded) report: they overlap "
                       "(merge the shards of one run, or one whole report)", file, spec,
                       rs->whole_file);
    if (rs->count && rs->count != n)
        return err_set("%s is shard %s, %s one of %d shards: shards of different splits "
                       "overlap (merge the shards of one run)", file, spec, rs->count_file,
                       rs->count);
    rs->count = (int)n;
    rs->count_file = file;
    for (const char *p = spec; p < slash;) {
        long k = strtol(p, &end, 10);
        if (end == p || k < 1 || k > n || (*end != ',' && end != slash))
            return err_set("%s: run.shard '%s' is not K/N with 1 <= K <= N", file, spec);
        for (size_t i = 0; i < rs->owner_count; i++)
            if (rs->owners[i].k == k)
                return strcmp(rs->owners[i].file, file) == 0
                           ? err_set("%s is given twice (shard %ld/%ld): each shard must be "
                                     "merged once", file, k, n)
                           : err_set("%s and %s both hold shard %ld/%ld: each shard must be "
                                     "merged once", rs->owners[i].file, file, k, n);
        shard_owner *grown = realloc(rs->owners, (rs->owner_count + 1) * sizeof *grown);
        if (!grown)
            return err_set("out of memory");
        rs->owners = grown;
        rs->owners[rs->owner_count++] = (shard_owner){(int)k, file};
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

/* The report's "run": the same config hash as the others, and a shard that no other
   report holds (or the one whole report). */
static int take_run(run_set *rs, const cfgval *doc, const char *file)
{
    const cfgval *run = cfgval_get(doc, "run");
    const char *hash = run && run->kind == CV_MAP ? str_member(run, "config_hash") : NULL;
    if (!run || run->kind != CV_MAP)
        return err_set("%s does not say which shard and config it ran (no \"run\"): write "
                       "the reports again with this provcheck", file);
    if (!hash || !is_sha256_hex(hash))
        return err_set("%s: run.config_hash is missing or not a SHA-256", file);
    if (!rs->config_hash) {
        if (!(rs->config_hash = strdup(hash)))
            return err_set("out of memory");
        rs->hash_file = file;
    } else if (strcmp(hash, rs->config_hash) != 0) {
        return err_set("%s ran another config than %s (config_hash %.12s..., not %.12s...): "
                       "merge only shards of one run, with one config, rules and baseline",
                       file, rs->hash_file, hash, rs->config_hash);
    }
    /* A set clock is in config_hash, so shards that ran with another --now were
       refused above. Shards on the start time each took their own: the merged report
       keeps the earliest (the fixed format sorts as text). */
    const char *now = str_member(run, "now");
    if (now && (!rs->now || strcmp(now, rs->now) < 0)) {
        free(rs->now);
        if (!(rs->now = strdup(now)))
            return err_set("out of memory");
    }
    const cfgval *shard = cfgval_get(run, "shard");
    if (shard && shard->kind == CV_STR)
        return add_shard_spec(rs, shard->s, file);
    if (shard && shard->kind != CV_NIL)
        return err_set("%s: run.shard is neither \"K/N\" nor null", file);
    if (rs->whole_file)
        return strcmp(rs->whole_file, file) == 0
                   ? err_set("%s is given twice: a report must be merged once", file)
                   : err_set("%s and %s are both whole (unsharded) reports: merge the shards "
                             "of one run, or one whole report", rs->whole_file, file);
    if (rs->count)
        return err_set("%s is a whole (unsharded) report, but %s is a shard: they overlap "
                       "(merge the shards of one run, or one whole report)", file,
                       rs->count_file);
    rs->whole_file = file;
    return 0;
}

static int owner_cmp(const void *a, const void *b)
{
    const shard_owner *x = a, *y = b;
    return (x->k > y->k) - (x->k < y->k);
}

/* Every shard 1..N once, else an error naming what is missing (unless --partial,
   which records the shards it holds instead). The merged report's run.shard is
   null only when it covers every page. */
static int finish_runs(run_set *rs, report *r, int partial)
{
    r->config_hash = rs->config_hash;
    rs->config_hash = NULL;
    r->now = rs->now;
    rs->now = NULL;
    if (!rs->count || rs->owner_count == (size_t)rs->count)
        return 0;
    qsort(rs->owners, rs->owner_count, sizeof *rs->owners, owner_cmp);
    buf b = BUF_INIT;
    int rc = 0;
    if (!partial) {
        size_t listed = 0, missing = (size_t)rs->count - rs->owner_count;
        size_t next = 0;
        for (int k = 1; k <= rs->count && listed < 10; k++) {
            if (next < rs->owner_count && rs->owners[next].k == k) {
                next++;
                continue;
            }
            rc |= buf_printf(&b, "%s%d/%d", listed ? ", " : "", k, rs->count);
            listed++;
        }
        err_set("%zu of %d shards %s missing (%s%s): a sharded run is merged from every "
                "shard's report (--partial merges a part, to convert it)", missing, rs->count,
                missing == 1 ? "is" : "are", b.data ? b.data : "",
                missing > listed ? ", ..." : "");
        buf_free(&b);
        return -1;
    }
    for (size_t i = 0; i < rs->owner_count; i++)
        rc |= buf_printf(&b, "%s%d", i ? "," : "", rs->owners[i].k);
    rc |= buf_printf(&b, "/%d", rs->count);
    r->shard = rc < 0 ? NULL : buf_detach(&b, NULL);
    buf_free(&b);
    return r->shard ? 0 : err_set("out of memory");
}

static int merge_one(report *r, run_set *runs, const char *file, int first, char **tool_version)
{
    char *text = NULL, *parse_err = NULL;
    size_t len = 0;
    cfgval *doc = NULL;
    int rc = -1;
    if (file_read_all(file, REPORT_MAX_BYTES, &text, &len) != 0)
        goto cleanup;   /* err_set names the file */
    if (json_read(text, len, &doc, &parse_err) != 0) {
        err_set("%s: not valid JSON: %s", file, parse_err ? parse_err : "parse error");
        goto cleanup;
    }
    const cfgval *version = doc->kind == CV_MAP ? cfgval_get(doc, "version") : NULL;
    const cfgval *target = version ? cfgval_get(doc, "target") : NULL;
    const cfgval *pages = version ? cfgval_get(doc, "pages") : NULL;
    const cfgval *findings = version ? cfgval_get(doc, "findings") : NULL;
    if (!version || version->kind != CV_NUM || !target || target->kind != CV_MAP || !pages ||
        pages->kind != CV_LIST || !findings || findings->kind != CV_LIST) {
        err_set("%s: not a provcheck JSON report (version, target, pages, findings)", file);
        goto cleanup;
    }
    if (version->n != 1) {
        err_set("%s: report format version %g, this provcheck merges version 1", file,
                version->n);
        goto cleanup;
    }
    if (check_tool(doc, file, tool_version, first) < 0 || take_target(r, target, file, first) < 0 ||
        take_run(runs, doc, file) < 0 || add_pages(r, pages, file) < 0)
        goto cleanup;
    for (size_t i = 0; i < findings->count; i++) {
        finding f;
        if (finding_from_json(&f, findings->items[i], file, i) < 0)
            goto cleanup;
        if (finding_list_take(&r->findings, &f) < 0) {
            finding_free(&f);
            err_set("out of memory");
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    cfgval_free(doc);
    free(parse_err);
    free(text);
    return rc;
}

/* Shards never share a page: one in two reports means the reports overlap (a
   report edited by hand, or shards of different page sets). */
static int refuse_shared_pages(report *r)
{
    qsort(r->pages, r->page_count, sizeof *r->pages, page_cmp);
    for (size_t i = 1; i < r->page_count; i++)
        if (strcmp(r->pages[i - 1].path, r->pages[i].path) == 0)
            return err_set("page %s is in two of the reports: they overlap (merge the "
                           "shards of one run)", r->pages[i].path);
    return 0;
}

static int same_finding(const finding *a, const finding *b)
{
    return finding_compare(a, b) == 0 && strcmp(a->fingerprint, b->fingerprint) == 0;
}

static void drop_duplicate_findings(finding_list *fl)
{
    size_t kept = 0;
    for (size_t i = 0; i < fl->count; i++) {
        if (kept && same_finding(&fl->items[kept - 1], &fl->items[i])) {
            finding_free(&fl->items[i]);
            continue;
        }
        fl->items[kept++] = fl->items[i];
    }
    fl->count = kept;
}

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
    memset(&r, 0, sizeof r);
    char *tool_version = NULL;
    run_set runs;
    memset(&runs, 0, sizeof runs);
    for (size_t i = 0; i < m.file_count; i++)
        if (merge_one(&r, &runs, m.files[i], i == 0, &tool_version) < 0)
            goto cleanup;
    if (finish_runs(&runs, &r, m.partial) < 0 || refuse_shared_pages(&r) < 0)
        goto cleanup;
    finding_list_sort(&r.findings);
    drop_duplicate_findings(&r.findings);
    report_recount(&r);
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.quiet = m.quiet;
    ro.fail_on = m.gate.fail_on;
    if (report_emit(&r, report_writer_for(m.format), &ro, m.output) < 0)
        goto cleanup;
    rc = check_exit_code(&r, &m.gate);
cleanup:
    report_free(&r);
    run_set_free(&runs);
    free(tool_version);
    free(m.files);
    return rc;
}
