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
    "  -h, --help         this help\n"
    "\n"
    "The reports must come from the same target (format version, kind, root, rev and\n"
    "commit). Exit status as for check: 0 no finding at or above --fail-on, 1 findings\n"
    "(the report is written either way), 2 usage error or reports that do not fit\n";

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
    else if (suppressed && suppressed->kind == CV_BOOL && suppressed->b)
        f->suppression = SUPP_INLINE;
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

/* The first report fixes the target; every other one must name the same. */
static int take_target(report *r, const cfgval *target, const char *file, int first)
{
    const char *kind = str_member(target, "kind"), *root = str_member(target, "root");
    const char *rev = str_member(target, "rev"), *commit = str_member(target, "commit");
    if (!kind)
        return err_set("%s: the report has no target kind", file);
    if (first) {
        if (dup_member(&r->kind, target, "kind") < 0 || dup_member(&r->root, target, "root") < 0 ||
            dup_member(&r->rev, target, "rev") < 0 || dup_member(&r->commit, target, "commit") < 0)
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

static int merge_one(report *r, const char *file, int first, char **tool_version)
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
        add_pages(r, pages, file) < 0)
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

/* Shards never share a page, but the same shard given twice must not count twice. */
static void drop_duplicate_pages(report *r)
{
    qsort(r->pages, r->page_count, sizeof *r->pages, page_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < r->page_count; i++) {
        if (kept && strcmp(r->pages[kept - 1].path, r->pages[i].path) == 0) {
            free(r->pages[i].path);
            free(r->pages[i].url);
            free(r->pages[i].blob);
            continue;
        }
        r->pages[kept++] = r->pages[i];
    }
    r->page_count = kept;
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
    int quiet;
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
    for (size_t i = 0; i < m.file_count; i++)
        if (merge_one(&r, m.files[i], i == 0, &tool_version) < 0)
            goto cleanup;
    drop_duplicate_pages(&r);
    finding_list_sort(&r.findings);
    drop_duplicate_findings(&r.findings);
    report_recount(&r);
    report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.quiet = m.quiet;
    if (report_emit(&r, report_writer_for(m.format), &ro, m.output) < 0)
        goto cleanup;
    rc = check_exit_code(&r, &m.gate);
cleanup:
    report_free(&r);
    free(tool_version);
    free(m.files);
    return rc;
}
