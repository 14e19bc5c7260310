/* test_target.c: the target library without the command line. A real git
 * repository is built in a temporary folder (with the git command, as a user
 * would); target_open is then asked, through target_request alone (no argv), for
 * the files on disk, for an older revision, for the index and for one rule, and
 * the pages its source lists, its config and its rule set are checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "err.h"
#include "target.h"

static char repo[64];
static char start_dir[4096];

static void write_at(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", repo, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mkdir_at(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", repo, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void git(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && git -c user.name=test -c user.email=test@example.invalid "
             "-c init.defaultBranch=main -c commit.gpgsign=false %s >/dev/null 2>&1",
             repo, args);
    assert_int_equal(system(cmd), 0);
}

/* Commit 1: index.html and news/a.html. Commit 2 adds news/b.html. Then
   news/c.html is staged and news/d.html only written to the work tree. */
static int setup(void **state)
{
    (void)state;
    if (!getcwd(start_dir, sizeof start_dir))
        return -1;
    snprintf(repo, sizeof repo, "/tmp/provcheck-target-XXXXXX");
    if (!mkdtemp(repo))
        return -1;
    mkdir_at("site");
    mkdir_at("site/news");
    write_at("provcheck.lua", "return { site_root = \"site\", include = { \"**/*.html\" } }\n");
    write_at("site/index.html", "<html><body><p>home</p></body></html>\n");
    write_at("site/news/a.html", "<html><body><p>a</p></body></html>\n");
    write_at("site/style.css", "p {}\n");
    git("init -q");
    git("add -A");
    git("commit -q -m one");
    write_at("site/news/b.html", "<html><body><p>b</p></body></html>\n");
    git("add -A");
    git("commit -q -m two");
    write_at("site/news/c.html", "<html><body><p>c</p></body></html>\n");
    git("add site/news/c.html");
    write_at("site/news/d.html", "<html><body><p>d</p></body></html>\n");
    /* git modes find the repository from the current folder, as a user runs them */
    return chdir(repo);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", repo);
    int rc = chdir(start_dir) == 0 && system(cmd) == 0 ? 0 : -1;
    return rc;
}

static int ref_cmp(const void *a, const void *b)
{
    return strcmp(((const page_ref *)a)->site_path, ((const page_ref *)b)->site_path);
}

/* The site paths the target's source lists, sorted, joined by ' '. */
static void listed_pages(check_target *t, char *out, size_t size)
{
    page_ref_list refs = {0};
    assert_int_equal(t->src->list(t->src, &refs), 0);
    qsort(refs.items, refs.count, sizeof *refs.items, ref_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < refs.count; i++) {
        assert_null(refs.items[i].error);
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "",
                 refs.items[i].site_path);
    }
    page_ref_list_free(&refs);
}

/* Open the target req names and check the pages it lists; t stays open. */
static void open_listing(check_target *t, const target_request *req, const char *expected)
{
    assert_int_equal(target_open(t, req), 0);
    char pages[512];
    listed_pages(t, pages, sizeof pages);
    assert_string_equal(pages, expected);
}

static void files_target_lists_the_work_tree(void **state)
{
    (void)state;
    target_request req = {0};
    check_target t;
    open_listing(&t, &req, "index.html news/a.html news/b.html news/c.html news/d.html");
    assert_string_equal(t.cfg->path, "provcheck.lua");
    assert_non_null(t.rules);
    assert_true(t.rules->count > 0);
    assert_null(t.state);   /* files mode opens no repository */
    check_target_close(&t);
    check_target_close(&t);   /* twice is harmless */
}

static void rev_target_lists_the_commit(void **state)
{
    (void)state;
    target_request req = {.rev = "HEAD~1"};
    check_target t;
    open_listing(&t, &req, "index.html news/a.html");
    /* the config came from the same commit, named git's way */
    assert_string_equal(t.cfg->path, "HEAD~1:provcheck.lua");
    assert_non_null(t.rules);
    git_target_state *s = t.state;
    assert_non_null(s);
    assert_non_null(s->commit);
    assert_string_equal(s->site_prefix, "site");
    check_target_close(&t);
}

static void staged_target_lists_the_index(void **state)
{
    (void)state;
    target_request req = {.staged = 1, .no_cache = 1};
    check_target t;
    open_listing(&t, &req, "index.html news/a.html news/b.html news/c.html");
    assert_null(t.opts.cached);   /* no_cache: no result cache hooks */
    check_target_close(&t);
}

static void changed_since_narrows_the_files(void **state)
{
    (void)state;
    target_request req = {.changed_since = "HEAD~1"};
    check_target t;
    open_listing(&t, &req, "news/b.html news/c.html news/d.html");
    check_target_close(&t);
}

static void a_target_checks_into_a_report(void **state)
{
    (void)state;
    target_request req = {.rev = "HEAD", .no_cache = 1};
    check_target t;
    open_listing(&t, &req, "index.html news/a.html news/b.html");
    target_check_options o = {.jobs = 2};
    report r;
    assert_int_equal(target_check(&r, &t, &req, &o), 0);
    assert_int_equal(r.page_count, 3);
    assert_non_null(r.config_hash);   /* the run is recorded */
    report_free(&r);
    check_target_close(&t);

    /* a PATH that holds no page: nothing checked is never a pass */
    char none_path[] = "site/style.css";
    char *paths[] = {none_path};
    target_request none = {.paths = paths, .path_count = 1};
    assert_int_equal(target_open(&t, &none), 0);
    assert_int_equal(target_check(&r, &t, &none, &o), -1);
    assert_non_null(strstr(err_last(), "no page to check"));
    assert_int_equal(r.page_count, 0);
    check_target_close(&t);
}

static void rules_narrow_and_unknown_ones_fail(void **state)
{
    (void)state;
    char one_id[] = "privacy-link", unknown_id[] = "no-such-rule";
    char *one[] = {one_id}, *unknown[] = {unknown_id};
    target_request req = {.rev = "HEAD", .rules = one, .rule_count = 1};
    check_target t;
    assert_int_equal(target_open(&t, &req), 0);
    assert_non_null(ruleset_find(t.rules, "privacy-link"));
    check_target_close(&t);

    req.rules = unknown;
    assert_int_equal(target_open(&t, &req), -1);
    assert_non_null(strstr(err_last(), "no-such-rule"));
    assert_null(t.src);   /* a failed open leaves nothing open */
    assert_null(t.cfg);
    assert_null(t.rules);

    target_request bad = {.rev = "no-such-revision"};
    assert_int_equal(target_open(&t, &bad), -1);
    assert_non_null(strstr(err_last(), "no-such-revision"));
    assert_null(t.state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_target_lists_the_work_tree),
        cmocka_unit_test(rev_target_lists_the_commit),
        cmocka_unit_test(staged_target_lists_the_index),
        cmocka_unit_test(changed_since_narrows_the_files),
        cmocka_unit_test(a_target_checks_into_a_report),
        cmocka_unit_test(rules_narrow_and_unknown_ones_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
