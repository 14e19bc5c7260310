/* cmd_history.c: `provcheck history [options] PATH`: the page's compliance at every
 * commit that touched it along the first-parent history of --rev (default HEAD),
 * newest first (CONTRACT.md). Every version is checked with the revision's
 * ruleset, links resolving against that commit's tree, through the result cache.
 * A commit that deleted the page is listed with "deleted": true. Where history
 * stops early (a shallow clone), the output says so ("history_truncated"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "json_write.h"
#include "src_git.h"
#include "text_escape.h"

static const char history_usage[] =
    "usage: provcheck history [options] PATH\n"
    "\n"
    "The page's compliance at every commit that touched it along the first-parent\n"
    "history of --rev (default HEAD), newest first.\n"
    "\n"
    "options:\n"
    "      --rev REV           where history starts (default HEAD)\n"
    "  -c, --config FILE       config file (default: provcheck.lua from that revision)\n"
    "  -f, --format FMT        text (default) or json\n"
    "  -o, --output FILE       write the result to FILE instead of stdout\n"
    "      --rule ID           only this rule (repeatable)\n"
    "      --now TIME          the clock rules read (page:now()): ISO 8601\n"
    "                          (2026-08-02T00:00:00Z) or @SECONDS; default: the\n"
    "                          run's start; wins over the config's `now`\n"
    "      --no-cache          ignore and do not write the result cache\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 when it ran, 2 on a usage or setup error\n";

static int rule_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One entry: the commit, its unsuppressed findings and their distinct rules. */
static void write_entry(buf *b, int json, int first, git_commit *c,
                        const finding_list *found, int deleted)
{
    char hex[GIT_OID_HEXSZ + 1], when[32];
    git_oid_tostr(hex, sizeof hex, git_commit_id(c));
    git_format_time(when, sizeof when, git_commit_author(c)->when.time);
    const char *summary = git_commit_summary(c);
    const char *rules[64];
    size_t nrules = 0, count = 0;
    for (size_t i = 0; i < found->count; i++) {
        const finding *f = &found->items[i];
        if (f->suppression != SUPP_NONE)
            continue;
        count++;
        int seen = 0;
        for (size_t k = 0; k < nrules && !seen; k++)
            seen = strcmp(rules[k], f->rule) == 0;
        if (!seen && nrules < sizeof rules / sizeof rules[0])
            rules[nrules++] = f->rule;
    }
    qsort(rules, nrules, sizeof rules[0], rule_cmp);
    if (json) {
        buf_puts(b, first ? "\n    " : ",\n    ");
        buf_puts(b, "{ \"commit\": ");
        json_write_string(b, hex);
        buf_puts(b, ", \"time\": ");
        json_write_string(b, when);
        buf_puts(b, ", \"summary\": ");
        json_write_string(b, summary ? summary : "");
        buf_printf(b, ", \"findings\": %zu, \"rules\": [", count);
        for (size_t k = 0; k < nrules; k++) {
            if (k)
                buf_puts(b, ", ");
            json_write_string(b, rules[k]);
        }
        buf_puts(b, "]");
        if (deleted)
            buf_puts(b, ", \"deleted\": true");
        buf_puts(b, " }");
        return;
    }
    hex[7] = '\0';
    when[10] = '\0';
    buf_printf(b, "%s %s ", hex, when);
    if (deleted) {
        buf_puts(b, "deleted   ");
    } else {
        buf_printf(b, "%2zu finding%s", count, count == 1 ? " " : "s");
        for (size_t k = 0; k < nrules; k++)
            buf_printf(b, "%s%s", k ? "," : " [", rules[k]);
        buf_puts(b, nrules ? "]" : "");
    }
    buf_puts(b, "  ");
    buf_put_visible(b, summary);
    buf_putc(b, '\n');
}

/* Walk the first-parent history from the target, one entry per touching commit. */
static int walk_history(git_target_state *s, version_checker *vc, const char *path, int json,
                        buf *out)
{
    git_commit *c = NULL;
    if (git_commit_dup(&c, s->commit) < 0)
        return err_set("out of memory");
    int rc = -1, first = 1, truncated = 0;
    char stop[GIT_OID_HEXSZ + 1] = "";
    size_t walked = 0;
    while (c) {
        if (walked++ % 512 == 0)
            version_checker_prefetch(vc, c, path, 512);
        git_tree *tree = NULL;
        git_oid blob, parent_blob;
        if (git_commit_tree(&tree, c) < 0) {
            err_set("cannot read a tree: %s", git_error_last()->message);
            goto cleanup;
        }
        int present = git_tree_blob_at(tree, path, &blob);
        git_tree_free(tree);
        git_commit *parent = NULL;
        int prc = git_first_parent(s->repo, c, &parent);
        int parent_has = 0;
        if (prc > 0) {
            git_tree *ptree = NULL;
            if (git_commit_tree(&ptree, parent) == 0)
                parent_has = git_tree_blob_at(ptree, path, &parent_blob);
            git_tree_free(ptree);
        }
        int touched = present ? !parent_has || !git_oid_equal(&blob, &parent_blob)
                              : parent_has;
        if (touched) {
            finding_list found = {0};
            if (present && version_checker_run(vc, c, path, &blob, &found) < 0) {
                finding_list_free(&found);
                git_commit_free(parent);
                goto cleanup;
            }
            write_entry(out, json, first, c, &found, !present);
            first = 0;
            finding_list_free(&found);
        }
        if (prc < 0) {
            truncated = 1;
            git_oid_tostr(stop, sizeof stop, git_commit_id(c));
        }
        git_commit_free(c);
        c = parent;
    }
    if (json) {
        buf_puts(out, first ? "]" : "\n  ]");
        if (truncated) {
            buf_puts(out, ",\n  \"history_truncated\": true, \"history_stops_at\": ");
            json_write_string(out, stop);
        }
        buf_puts(out, "\n}\n");
    } else if (truncated) {
        stop[7] = '\0';
        buf_printf(out, "history stops at %s (a shallow clone or a missing parent): "
                        "older commits are not available\n", stop);
    }
    rc = 0;
cleanup:
    git_commit_free(c);
    return rc;
}

int cmd_history(int argc, char **argv)
{
    check_args a;
    int parsed = check_args_parse(&a, argc, argv, history_usage);
    if (parsed != 0)
        return parsed > 0 ? EXIT_CLEAN : EXIT_SETUP;
    int json = strcmp(a.format, "json") == 0;
    if (a.path_count != 1 || a.staged || a.changed_since || a.record ||
        (!json && strcmp(a.format, "text") != 0)) {
        cli_usage_error("history", "%s", a.path_count != 1 ? "exactly one PATH is needed"
                                         : (!json && strcmp(a.format, "text") != 0)
                                             ? "history prints text or json"
                                             : "--staged, --changed-since and --record "
                                               "do not apply to history");
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
    buf out = BUF_INIT;

    /* The check at the revision validates PATH and loads the revision's ruleset;
       no page there gets the message below, which names PATH. */
    a.no_pages_ok = 1;
    if (check_pipeline(&r, &rs, &t, &a) < 0)
        goto cleanup;
    if (r.page_count != 1) {
        err_set("%s: not one page in scope at %s (%zu pages)", a.paths[0], a.rev,
                r.page_count);
        goto cleanup;
    }
    git_target_state *s = t.state;
    vc = version_checker_new(s, rs);
    if (!vc)
        goto cleanup;
    const char *path = r.pages[0].path;
    if (json) {
        buf_puts(&out, "{\n  \"version\": 1,\n  \"path\": ");
        json_write_string(&out, path);
        buf_puts(&out, ",\n  \"entries\": [");
    }
    if (walk_history(s, vc, path, json, &out) < 0)
        goto cleanup;
    if (write_file_atomic(a.output, out.data ? out.data : "", out.len) < 0)
        goto cleanup;
    rc = EXIT_CLEAN;
cleanup:
    buf_free(&out);
    version_checker_free(vc);
    report_free(&r);
    ruleset_free(rs);
    check_target_close(&t);
    check_args_free(&a);
    git_libgit2_shutdown();
    return rc;
}
