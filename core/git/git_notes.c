/* git_notes.c: results that travel with the repository (git_notes.h). `check --rev
 * REV --record` stores the JSON report as a note on the commit
 * (refs/notes/provcheck), and `provcheck log [RANGE]` (cli/cmd_log.c) lists
 * compliance per commit from those notes, without checking anything again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "git_notes.h"
#include "json_read.h"
#include "json_write.h"
#include "src_git.h"

static const char *git_message(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

/* The configured identity, else provcheck's own: a CI runner often has none. */
static int note_signature(git_repository *repo, git_signature **out)
{
    if (git_signature_default(out, repo) == 0)
        return 0;
    return git_signature_now(out, "provcheck", "provcheck@localhost");
}

int git_target_record(const check_target *t, const report *r)
{
    git_target_state *s = t ? t->state : NULL;
    if (!s || !s->commit)
        return err_set("--record needs --rev");
    buf json = BUF_INIT;
    report_options ro = {0};
    git_signature *sig = NULL;
    int rc = -1;
    if (report_write_json(r, &ro, &json) < 0) {
        err_set("out of memory");
        goto cleanup;
    }
    if (note_signature(s->repo, &sig) < 0) {
        err_set("--record: no signature for the note: %s", git_message());
        goto cleanup;
    }
    git_oid note;
    /* force: a re-check of the same commit replaces its note */
    if (git_note_create(&note, s->repo, PROVCHECK_NOTES_REF, sig, sig, git_commit_id(s->commit),
                        json.data ? json.data : "", 1) < 0) {
        err_set("--record: cannot write the note: %s", git_message());
        goto cleanup;
    }
    rc = 0;
cleanup:
    git_signature_free(sig);
    buf_free(&json);
    return rc;
}

/* ---- log ---- */

typedef struct note_summary {
    long pages, findings, errors, warnings, suppressed;
} note_summary;

/* A count in a note's summary: a whole number >= 0, else -1. */
static long count_member(const cfgval *map, const char *key)
{
    const cfgval *v = cfgval_get(map, key);
    if (!v || v->kind != CV_NUM || v->n < 0 || v->n > 1e15 || v->n != (double)(long)v->n)
        return -1;
    return (long)v->n;
}

/* One finding of a note, as report_json.c wrote it, for finding_invalid. */
static const char *note_finding_invalid(const cfgval *v, int *unsuppressed, severity *sev)
{
    if (!v || v->kind != CV_MAP)
        return "a finding is not an object";
    const cfgval *rule = cfgval_get(v, "rule"), *level = cfgval_get(v, "severity");
    const cfgval *fp = cfgval_get(v, "fingerprint"), *msg = cfgval_get(v, "message");
    const cfgval *supp = cfgval_get(v, "suppression");
    finding f;
    memset(&f, 0, sizeof f);
    f.rule = rule && rule->kind == CV_STR ? rule->s : NULL;
    f.message = msg && msg->kind == CV_STR ? msg->s : NULL;
    if (!level || level->kind != CV_STR || severity_parse(level->s, &f.sev) < 0)
        f.sev = SEV_OFF;
    if (fp && fp->kind == CV_STR && strlen(fp->s) < sizeof f.fingerprint)
        strcpy(f.fingerprint, fp->s);
    if (supp && supp->kind == CV_STR)
        f.suppression = strcmp(supp->s, "inline") == 0     ? SUPP_INLINE
                        : strcmp(supp->s, "baseline") == 0 ? SUPP_BASELINE
                                                           : (suppression_kind)-1;
    else if (supp && supp->kind != CV_NIL)
        f.suppression = (suppression_kind)-1;
    *unsuppressed = f.suppression == SUPP_NONE;
    *sev = f.sev;
    return finding_invalid(&f);
}

/* The summary numbers of a recorded report, after checking the note is one
   provcheck wrote: a version 1 report whose findings are valid and whose summary
   counts them (a note is read back, not trusted: a summary edited to 0 errors
   must not show as a compliant commit). NULL, or why the note is invalid. */
static const char *parse_summary(const char *json, note_summary *out)
{
    cfgval *doc = NULL;
    char *parse_err = NULL;
    const char *bad = NULL;
    if (json_read(json, strlen(json), &doc, &parse_err) != 0) {
        free(parse_err);
        return "not valid JSON";
    }
    const cfgval *version = doc->kind == CV_MAP ? cfgval_get(doc, "version") : NULL;
    const cfgval *sum = version ? cfgval_get(doc, "summary") : NULL;
    const cfgval *pages = version ? cfgval_get(doc, "pages") : NULL;
    const cfgval *findings = version ? cfgval_get(doc, "findings") : NULL;
    if (!version || version->kind != CV_NUM || version->n != 1 || !sum || sum->kind != CV_MAP ||
        !pages || pages->kind != CV_LIST || !findings || findings->kind != CV_LIST) {
        bad = "not a provcheck JSON report of format version 1";
        goto done;
    }
    out->pages = count_member(sum, "pages");
    out->findings = count_member(sum, "findings");
    out->errors = count_member(sum, "errors");
    out->warnings = count_member(sum, "warnings");
    out->suppressed = count_member(sum, "suppressed");
    if (out->pages < 0 || out->findings < 0 || out->errors < 0 || out->warnings < 0 ||
        out->suppressed < 0) {
        bad = "a summary count is missing or not a whole number";
        goto done;
    }
    long errors = 0, warnings = 0, unsuppressed = 0, suppressed = 0;
    for (size_t i = 0; i < findings->count && !bad; i++) {
        int open = 0;
        severity sev = SEV_OFF;
        bad = note_finding_invalid(findings->items[i], &open, &sev);
        unsuppressed += open;
        suppressed += !open;
        errors += open && sev == SEV_ERROR;
        warnings += open && sev == SEV_WARNING;
    }
    if (!bad && (out->pages != (long)pages->count || out->findings != unsuppressed ||
                 out->errors != errors || out->warnings != warnings ||
                 out->suppressed != suppressed))
        bad = "the summary does not count the pages and findings it lists";
done:
    cfgval_free(doc);
    return bad;
}

static void log_entry(buf *b, int json, int first, git_commit *c, const note_summary *ns,
                      const char *invalid)
{
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, sizeof hex, git_commit_id(c));
    git_format_time(when, sizeof when, git_commit_author(c)->when.time);
    const char *summary = git_commit_summary(c);
    if (json) {
        buf_puts(b, first ? "\n    { \"commit\": " : ",\n    { \"commit\": ");
        json_write_string(b, hex);
        buf_puts(b, ", \"time\": ");
        json_write_string(b, when);
        buf_puts(b, ", \"summary\": ");
        json_write_string(b, summary ? summary : "");
        if (invalid) {
            /* no counts: nothing may read an invalid note as 0 errors */
            buf_puts(b, ", \"recorded\": true, \"invalid\": ");
            json_write_string(b, invalid);
            buf_puts(b, " }");
        } else if (ns)
            buf_printf(b, ", \"recorded\": true, \"pages\": %ld, \"findings\": %ld, "
                          "\"errors\": %ld, \"warnings\": %ld, \"suppressed\": %ld }",
                       ns->pages, ns->findings, ns->errors, ns->warnings, ns->suppressed);
        else
            buf_puts(b, ", \"recorded\": false }");
        return;
    }
    hex[7] = '\0';
    when[10] = '\0';
    if (invalid)
        buf_printf(b, "%s %s INVALID note (%s)  %s\n", hex, when, invalid,
                   summary ? summary : "");
    else if (ns)
        buf_printf(b, "%s %s %s %ld pages, %ld errors, %ld warnings  %s\n", hex, when,
                   ns->errors ? "FAIL" : "ok  ", ns->pages, ns->errors, ns->warnings,
                   summary ? summary : "");
    else
        buf_printf(b, "%s %s -    not recorded  %s\n", hex, when, summary ? summary : "");
}

static int resolve(git_repository *repo, const char *rev, git_commit **out)
{
    git_object *obj = NULL;
    *out = NULL;
    if (git_revparse_single(&obj, repo, rev) < 0)
        return err_set("revision %s does not resolve: %s", rev, git_message());
    int rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc < 0)
        return err_set("revision %s is not a commit: %s", rev, git_message());
    return 0;
}

/* RANGE: "REV", or "A..B" (B's first-parent history down to where it meets A's
   history; an empty side means HEAD, as in git). */
static int range_ends(git_repository *repo, const char *range, git_commit **tip,
                      git_commit **stop)
{
    *tip = *stop = NULL;
    const char *dots = strstr(range, "..");
    if (!dots)
        return resolve(repo, range, tip);
    char *from = strndup(range, (size_t)(dots - range));
    const char *to = dots + 2;
    int rc = -1;
    if (from && resolve(repo, *from ? from : "HEAD", stop) == 0 &&
        resolve(repo, *to ? to : "HEAD", tip) == 0)
        rc = 0;
    free(from);
    if (rc < 0) {
        git_commit_free(*stop);
        *stop = NULL;
    }
    return rc;
}

/* Whether c is A or reachable from A (so A..B excludes it). */
static int excluded(git_repository *repo, const git_commit *c, const git_commit *stop)
{
    if (!stop)
        return 0;
    const git_oid *id = git_commit_id(c), *a = git_commit_id(stop);
    return git_oid_equal(id, a) || git_graph_descendant_of(repo, a, id) == 1;
}

int git_notes_log(buf *out_text, const char *range, long limit, int json)
{
    git_libgit2_init();
    git_repository *repo = NULL;
    git_commit *c = NULL, *stop = NULL;
    buf out = BUF_INIT;
    int rc = -1;
    if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
        err_set("not a git repository (or any parent folder)");
        goto cleanup;
    }
    if (range_ends(repo, range, &c, &stop) < 0)
        goto cleanup;
    if (json)
        buf_puts(&out, "{\n  \"version\": 1,\n  \"notes_ref\": \"" PROVCHECK_NOTES_REF
                       "\",\n  \"entries\": [");
    long n = 0;
    int first = 1, truncated = 0;
    /* A hand-made first-parent walk: it stops cleanly at a shallow clone's edge. */
    while (c && (limit <= 0 || n < limit) && !excluded(repo, c, stop)) {
        const git_oid *oid = git_commit_id(c);
        git_note *note = NULL;
        note_summary ns;
        int have = git_note_read(&note, repo, PROVCHECK_NOTES_REF, oid) == 0;
        const char *invalid = have ? parse_summary(git_note_message(note), &ns) : NULL;
        if (invalid) {
            char hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(hex, sizeof hex, oid);
            fprintf(stderr, "provcheck log: error: the note on commit %s (%s) is invalid: %s\n",
                    hex, PROVCHECK_NOTES_REF, invalid);
        }
        log_entry(&out, json, first, c, have ? &ns : NULL, invalid);
        first = 0;
        git_note_free(note);
        n++;
        git_commit *parent = NULL;
        truncated = git_first_parent(repo, c, &parent) < 0;
        git_commit_free(c);
        c = parent;
    }
    if (json) {
        buf_puts(&out, first ? "]" : "\n  ]");
        buf_puts(&out, truncated ? ",\n  \"history_truncated\": true\n}\n" : "\n}\n");
    } else if (truncated) {
        buf_puts(&out, "history stops here (a shallow clone or a missing parent)\n");
    }
    *out_text = out;
    out = (buf)BUF_INIT;
    rc = 0;
cleanup:
    buf_free(&out);
    git_commit_free(c);
    git_commit_free(stop);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rc;
}
