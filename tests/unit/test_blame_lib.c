/* test_blame_lib.c: blame and history as library calls, without a command line,
 * on a real repository made with `git` in the test: index.html is good in commit 1,
 * broken in commit 2, and commit 3 touches another page. Blame names commit 2 for
 * every finding at HEAD; history visits commits 2 and 1 (not 3), newest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <git2.h>
#include "blame.h"
#include "config.h"
#include "err.h"
#include "history.h"
#include "rules.h"
#include "target.h"
#include "version_check.h"

static char base[64];

static const char good_page[] =
    "<!doctype html><html><head><title>ok</title></head><body><article>\n"
    "<p>Story text.</p>\n<p>Source: Reuters</p>\n"
    "<p>The information on this site is from external sources that are not under our "
    "control.</p>\n<a href=\"/privacy.html\">Privacy policy</a>\n</article></body></html>\n";

static const char bad_page[] =
    "<!doctype html><html><head><title>bad</title></head><body>\n<p>No attribution.</p>\n"
    "<a href=\"missing-privacy.html\">privacy</a>\n</body></html>\n";

static void write_text(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void git(const char *args)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "git -C '%s' -c user.name=Tester -c user.email=t@example.com "
             "-c commit.gpgsign=false %s >/dev/null 2>&1", base, args);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "/tmp/provcheck-blame-XXXXXX");
    if (!mkdtemp(base))
        return -1;
    git("init -q");
    write_text("privacy.html", good_page);
    write_text("index.html", good_page);
    git("add -A");
    git("commit -q -m 'one: good pages'");
    write_text("index.html", bad_page);
    git("commit -q -am 'two: break the index'");
    write_text("about.html", good_page);
    git("add about.html");
    git("commit -q -m 'three: another page'");
    git_libgit2_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    git_libgit2_shutdown();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd) == 0 ? 0 : -1;
}

/* What git_target_open would leave for `--rev HEAD`, without a cache. */
typedef struct fixture {
    git_target_state s;
    config *cfg;
    ruleset *rs;
    version_checker *vc;
} fixture;

static void fixture_open(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    assert_int_equal(git_repository_open(&fx->s.repo, base), 0);
    git_object *head = NULL;
    assert_int_equal(git_revparse_single(&head, fx->s.repo, "HEAD"), 0);
    fx->s.commit = (git_commit *)head;
    assert_int_equal(git_commit_tree(&fx->s.tree, fx->s.commit), 0);
    static char repository_root[] = "";
    fx->s.site_prefix = repository_root;
    fx->cfg = config_default();
    assert_non_null(fx->cfg);
    if (ruleset_load(&fx->rs, fx->cfg, NULL) < 0)
        fail_msg("ruleset_load: %s", err_last());
    fx->vc = version_checker_new(&fx->s, fx->rs);
    assert_non_null(fx->vc);
}

static void fixture_close(fixture *fx)
{
    version_checker_free(fx->vc);
    ruleset_free(fx->rs);
    config_free(fx->cfg);
    git_tree_free(fx->s.tree);
    git_commit_free(fx->s.commit);
    git_repository_free(fx->s.repo);
}

static void commit_id(git_repository *repo, const char *rev, char hex[GIT_OID_HEXSZ + 1])
{
    git_object *o = NULL;
    assert_int_equal(git_revparse_single(&o, repo, rev), 0);
    git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_object_id(o));
    git_object_free(o);
}

static void findings_at_head(fixture *fx, const char *path, finding_list *out)
{
    git_oid blob;
    assert_int_equal(git_tree_blob_at(fx->s.tree, path, &blob), 1);
    assert_int_equal(version_checker_run(fx->vc, fx->s.commit, path, &blob, out), 0);
}

static void blame_names_the_breaking_commit(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    finding_list found = {0};
    findings_at_head(&fx, "index.html", &found);
    assert_true(found.count > 0);
    blame_origin *origins = calloc(found.count, sizeof *origins);
    assert_non_null(origins);
    if (blame_findings(fx.vc, &fx.s, &found, origins) < 0)
        fail_msg("blame_findings: %s", err_last());
    char two[GIT_OID_HEXSZ + 1], got[GIT_OID_HEXSZ + 1];
    commit_id(fx.s.repo, "HEAD~1", two);
    for (size_t i = 0; i < found.count; i++) {
        assert_non_null(origins[i].introduced);
        git_oid_tostr(got, sizeof got, git_commit_id(origins[i].introduced));
        assert_string_equal(got, two);
        assert_int_equal(origins[i].truncated, 0);
    }
    blame_origins_free(origins, found.count);
    finding_list_free(&found);
    fixture_close(&fx);
}

static void blame_of_a_clean_page_has_nothing_to_name(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    finding_list found = {0};
    findings_at_head(&fx, "privacy.html", &found);
    assert_int_equal(found.count, 0);
    blame_origin *origins = calloc(1, sizeof *origins);
    assert_non_null(origins);
    assert_int_equal(blame_findings(fx.vc, &fx.s, &found, origins), 0);
    assert_null(origins[0].introduced);
    blame_origins_free(origins, found.count);
    fixture_close(&fx);
}

typedef struct seen {
    char commit[4][GIT_OID_HEXSZ + 1];
    size_t findings[4];
    int deleted[4];
    size_t count;
} seen;

static int remember(void *ctx, git_commit *c, const finding_list *found, int deleted)
{
    seen *s = ctx;
    if (s->count == 4)
        return err_set("too many entries");
    git_oid_tostr(s->commit[s->count], GIT_OID_HEXSZ + 1, git_commit_id(c));
    s->findings[s->count] = found->count;
    s->deleted[s->count] = deleted;
    s->count++;
    return 0;
}

static void history_visits_the_commits_that_touched_the_page(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    seen s = {0};
    history_end end;
    if (history_walk(fx.vc, fx.s.repo, fx.s.commit, "index.html", remember, &s, &end) < 0)
        fail_msg("history_walk: %s", err_last());
    char one[GIT_OID_HEXSZ + 1], two[GIT_OID_HEXSZ + 1];
    commit_id(fx.s.repo, "HEAD~2", one);
    commit_id(fx.s.repo, "HEAD~1", two);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.commit[0], two);
    assert_true(s.findings[0] > 0);
    assert_string_equal(s.commit[1], one);
    assert_int_equal(s.findings[1], 0);
    assert_int_equal(s.deleted[0] + s.deleted[1], 0);
    assert_int_equal(end.truncated, 0);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blame_names_the_breaking_commit),
        cmocka_unit_test(blame_of_a_clean_page_has_nothing_to_name),
        cmocka_unit_test(history_visits_the_commits_that_touched_the_page),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
