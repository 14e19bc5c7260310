/* git_notes.c: results that travel with the repository. `check --rev REV --record`
 * stores the JSON report as a note on the commit (refs/notes/provcheck), and
 * `provcheck log [RANGE]` prints compliance per commit from those notes, without
 * checking anything again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "json_write.h"
#include "src_git.h"

#define NOTES_REF "refs/notes/provcheck"
#define LOG_DEFAULT_LIMIT 100

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
    if (git_note_create(&note, s->repo, NOTES_REF, sig, sig, git_commit_id(s->commit),
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

static const char log_usage[] =
    "usage: provcheck log [options] [RANGE]\n"
    "\n"
    "Compliance per commit from the results recorded with `check --rev REV --record`\n"
    "(git notes in " NOTES_REF "), newest first, along the first-parent history.\n"
    "RANGE is a revision (default HEAD) or A..B. Nothing is checked again.\n"
    "\n"
    "options:\n"
    "  -n, --max-count N       at most N commits (default 100; 0 = all)\n"
    "  -f, --format FMT        text (default) or json\n"
    "  -o, --output FILE       write the result to FILE instead of stdout\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 when it ran, 2 on a usage or setup error\n";

typedef struct note_summary {
    long pages, findings, errors, warnings, suppressed;
} note_summary;

/* The summary numbers of a recorded report. The note is provcheck's own JSON, so a
   key search inside the "summary" object is enough; 0, or -1 when it is not one. */
static int parse_summary(const char *json, note_summary *out)
{
    const char *sum = strstr(json, "\"summary\"");
    const char *end = sum ? strchr(sum, '}') : NULL;
    if (!sum || !end)
        return -1;
    struct { const char *key; long *value; } keys[] = {
        {"\"pages\"", &out->pages}, {"\"findings\"", &out->findings},
        {"\"errors\"", &out->errors}, {"\"warnings\"", &out->warnings},
        {"\"suppressed\"", &out->suppressed},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *k = strstr(sum, keys[i].key);
        if (!k || k > end)
            return -1;
        k = strchr(k + strlen(keys[i].key), ':');
        if (!k || k > end)
            return -1;
        *keys[i].value = strtol(k + 1, NULL, 10);
    }
    return 0;
}

static void log_entry(buf *b, int json, int first, git_commit *c, const note_summary *ns)
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
        if (ns)
            buf_printf(b, ", \"recorded\": true, \"pages\": %ld, \"findings\": %ld, "
                          "\"errors\": %ld, \"warnings\": %ld, \"suppressed\": %ld }",
                       ns->pages, ns->findings, ns->errors, ns->warnings, ns->suppressed);
        else
            buf_puts(b, ", \"recorded\": false }");
        return;
    }
    hex[7] = '\0';
    when[10] = '\0';
    if (ns)
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

static int run_log(const char *range, long limit, int json, const char *output)
{
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
        buf_puts(&out, "{\n  \"version\": 1,\n  \"notes_ref\": \"" NOTES_REF
                       "\",\n  \"entries\": [");
    long n = 0;
    int first = 1, truncated = 0;
    /* A hand-made first-parent walk: it stops cleanly at a shallow clone's edge. */
    while (c && (limit <= 0 || n < limit) && !excluded(repo, c, stop)) {
        const git_oid *oid = git_commit_id(c);
        git_note *note = NULL;
        note_summary ns;
        int have = git_note_read(&note, repo, NOTES_REF, oid) == 0 &&
                   parse_summary(git_note_message(note), &ns) == 0;
        log_entry(&out, json, first, c, have ? &ns : NULL);
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
    rc = write_file_atomic(output, out.data ? out.data : "", out.len);
cleanup:
    buf_free(&out);
    git_commit_free(c);
    git_commit_free(stop);
    git_repository_free(repo);
    return rc;
}

int cmd_log(int argc, char **argv)
{
    const char *format = "text", *output = NULL, *range = NULL, *value = NULL;
    long limit = LOG_DEFAULT_LIMIT;
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = 1;
        } else if (!options_done &&
                   (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)) {
            fputs(log_usage, stdout);
            return EXIT_CLEAN;
        } else if (!options_done && cli_option_value(argc, argv, &i, "-f", "--format", &value)) {
            if (!value || (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)) {
                cli_usage_error("log", "--format is text or json");
                return EXIT_SETUP;
            }
            format = value;
        } else if (!options_done && cli_option_value(argc, argv, &i, "-o", "--output", &value)) {
            if (!value) {
                cli_usage_error("log", "--output needs a FILE");
                return EXIT_SETUP;
            }
            output = value;
        } else if (!options_done &&
                   cli_option_value(argc, argv, &i, "-n", "--max-count", &value)) {
            char *end = NULL;
            limit = value ? strtol(value, &end, 10) : -1;
            if (!value || *end || limit < 0) {
                cli_usage_error("log", "--max-count needs a number >= 0");
                return EXIT_SETUP;
            }
        } else if (!options_done && argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("log", "unknown option %s", argv[i]);
            return EXIT_SETUP;
        } else if (range) {
            cli_usage_error("log", "one RANGE at most");
            return EXIT_SETUP;
        } else {
            range = argv[i];
        }
    }
    git_libgit2_init();
    int rc = run_log(range ? range : "HEAD", limit, strcmp(format, "json") == 0, output);
    git_libgit2_shutdown();
    return rc < 0 ? EXIT_SETUP : EXIT_CLEAN;
}
