/* baseline.c: --baseline FILE. A baseline is a JSON report; a finding whose
 * fingerprint it holds is reported as suppressed (SUPP_BASELINE) and no longer fails
 * the run. Fingerprints ignore line numbers, so findings that move keep matching;
 * a fixed finding simply leaves its entry unmatched ("stale"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "err.h"
#include "fileio.h"
#include "json_read.h"

/* Baselines of very large sites run to tens of MB; this only stops a wrong file
   (a build artefact, /dev/zero) from eating memory. */
#define BASELINE_MAX_BYTES ((size_t)512 * 1024 * 1024)

typedef struct baseline_entry {
    const char *fingerprint;   /* borrowed from the parsed tree */
    const char *rule, *path, *message;
    int matched;
} baseline_entry;

static const char *string_member(const cfgval *map, const char *key)
{
    const cfgval *v = cfgval_get(map, key);
    return v && v->kind == CV_STR ? v->s : NULL;
}

static int entry_cmp(const void *a, const void *b)
{
    const baseline_entry *x = a, *y = b;
    return strcmp(x->fingerprint, y->fingerprint);
}

static int fingerprint_cmp(const void *key, const void *elem)
{
    const baseline_entry *e = elem;
    return strcmp(key, e->fingerprint);
}

/* A finding that was suppressed inline when the baseline was written says nothing
   about today: if its comment is removed, it should fail again. */
static int entry_counts(const cfgval *f)
{
    const char *supp = string_member(f, "suppression");
    return !(supp && strcmp(supp, "inline") == 0);
}

static int is_position(const cfgval *v)
{
    return !v || v->kind == CV_NIL ||
           (v->kind == CV_NUM && v->n >= 1 && v->n <= 2147483647.0 && v->n == (double)(int)v->n);
}

/* A baseline decides what passes, so it is validated as the JSON report provcheck
   wrote: what fails here would suppress the wrong findings, or count an entry that
   must not (an inline suppression read as a baseline one). */
static const char *entry_invalid(const cfgval *f)
{
    const char *rule = string_member(f, "rule"), *sev = string_member(f, "severity");
    const char *fp = string_member(f, "fingerprint");
    const cfgval *supp = cfgval_get(f, "suppression"), *suppressed = cfgval_get(f, "suppressed");
    severity level;
    if (!finding_fingerprint_valid(fp))
        return "the fingerprint is not 32 hex digits";
    if (!rule || !*rule)
        return "no rule id";
    if (!sev || severity_parse(sev, &level) < 0 || level == SEV_OFF)
        return "the severity is not info, warning or error";
    const cfgval *texts[] = {cfgval_get(f, "path"), cfgval_get(f, "message")};
    for (size_t i = 0; i < 2; i++)
        if (texts[i] && texts[i]->kind != CV_STR && texts[i]->kind != CV_NIL)
            return "path or message is not a string";
    if (!is_position(cfgval_get(f, "line")) || !is_position(cfgval_get(f, "column")))
        return "line or column is not a position";
    if (suppressed && suppressed->kind != CV_BOOL)
        return "suppressed is not true or false";
    if (supp && supp->kind != CV_NIL &&
        !(supp->kind == CV_STR && (strcmp(supp->s, "inline") == 0 || strcmp(supp->s, "baseline") == 0)))
        return "suppression is not null, \"inline\" or \"baseline\"";
    int says_suppressed = supp && supp->kind == CV_STR;
    if (suppressed && suppressed->b != says_suppressed)
        return "suppressed and suppression disagree";
    return NULL;
}

static int collect_entries(const cfgval *doc, const char *path, baseline_entry **out,
                           size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    const cfgval *version = doc && doc->kind == CV_MAP ? cfgval_get(doc, "version") : NULL;
    const cfgval *findings = doc && doc->kind == CV_MAP ? cfgval_get(doc, "findings") : NULL;
    if (!version || version->kind != CV_NUM || !findings || findings->kind != CV_LIST)
        return err_set("baseline %s: not a provcheck JSON report (no version and findings)",
                       path);
    if (version->n != 1)
        return err_set("baseline %s: report format version %g, this provcheck reads 1",
                       path, version->n);
    baseline_entry *entries = calloc(findings->count ? findings->count : 1, sizeof *entries);
    if (!entries)
        return err_set("baseline %s: out of memory", path);
    size_t n = 0;
    for (size_t i = 0; i < findings->count; i++) {
        const cfgval *f = findings->items[i];
        const char *fp = f && f->kind == CV_MAP ? string_member(f, "fingerprint") : NULL;
        if (!fp) {
            free(entries);
            return err_set("baseline %s: finding %zu has no fingerprint", path, i + 1);
        }
        const char *bad = entry_invalid(f);
        if (bad) {
            free(entries);
            return err_set("baseline %s: finding %zu is invalid: %s", path, i + 1, bad);
        }
        if (!entry_counts(f))
            continue;
        entries[n].fingerprint = fp;
        entries[n].rule = string_member(f, "rule");
        entries[n].path = string_member(f, "path");
        entries[n].message = string_member(f, "message");
        n++;
    }
    qsort(entries, n, sizeof *entries, entry_cmp);
    *out = entries;
    *count_out = n;
    return 0;
}

/* The first unmatched entry with this fingerprint. Fingerprints are unique per
   report (they count occurrences), but a hand-edited baseline may repeat one: each
   entry then suppresses one finding. */
static baseline_entry *entry_find(baseline_entry *entries, size_t count, const char *fp)
{
    baseline_entry *hit = bsearch(fp, entries, count, sizeof *entries, fingerprint_cmp);
    if (!hit)
        return NULL;
    while (hit > entries && strcmp(hit[-1].fingerprint, fp) == 0)
        hit--;
    for (; hit < entries + count && strcmp(hit->fingerprint, fp) == 0; hit++)
        if (!hit->matched)
            return hit;
    return NULL;
}

static void list_stale(const baseline_entry *entries, size_t count, const char *path,
                       size_t suppressed)
{
    size_t stale = 0;
    for (size_t i = 0; i < count; i++) {
        if (entries[i].matched)
            continue;
        stale++;
        fprintf(stderr, "provcheck: baseline %s: stale entry (no longer found): %s: %s [%s] "
                "fingerprint %s\n", path, entries[i].path ? entries[i].path : "?",
                entries[i].message ? entries[i].message : "",
                entries[i].rule ? entries[i].rule : "?", entries[i].fingerprint);
    }
    fprintf(stderr, "provcheck: baseline %s: %zu findings suppressed, %zu stale entries%s\n",
            path, suppressed, stale,
            stale ? " (regenerate it with `provcheck baseline` to drop them)" : "");
}

int baseline_apply(report *r, const char *path, int verbose)
{
    char *text = NULL;
    size_t len = 0;
    if (file_read_all(path, BASELINE_MAX_BYTES, &text, &len) != 0) {
        /* err_last() is the buffer err_set writes to: copy it first */
        char *why = strdup(err_last());
        err_set("cannot read the baseline: %s", why ? why : path);
        free(why);
        return -1;
    }
    int rc = baseline_apply_text(r, path, text, len, verbose);
    free(text);
    return rc;
}

int baseline_apply_text(report *r, const char *path, const char *text, size_t len,
                        int verbose)
{
    char *parse_err = NULL;
    size_t count = 0, suppressed = 0;
    cfgval *doc = NULL;
    baseline_entry *entries = NULL;
    int rc = -1;

    if (json_read(text, len, &doc, &parse_err) != 0) {
        err_set("baseline %s: not valid JSON: %s", path, parse_err ? parse_err : "parse error");
        goto cleanup;
    }
    if (collect_entries(doc, path, &entries, &count) < 0)
        goto cleanup;
    for (size_t i = 0; i < r->findings.count; i++) {
        finding *f = &r->findings.items[i];
        if (f->suppression != SUPP_NONE)
            continue;
        baseline_entry *e = entry_find(entries, count, f->fingerprint);
        if (!e)
            continue;
        e->matched = 1;
        f->suppression = SUPP_BASELINE;
        suppressed++;
    }
    report_recount(r);
    if (verbose)
        list_stale(entries, count, path, suppressed);
    rc = 0;
cleanup:
    free(entries);
    cfgval_free(doc);
    free(parse_err);
    return rc;
}
