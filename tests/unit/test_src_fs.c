/* test_src_fs.c: the files source on real temporary folders: walking, globs,
 * symbolic links inside and outside the root, a link loop, unreadable and
 * oversize files, PATH arguments, link target resolution, and the vfs. */
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
#include "config.h"
#include "err.h"
#include "src_fs.h"

static char base[64];       /* the temporary folder: site/ and outside/ inside it */
static char site[128];

static void write_at(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mkdir_at(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void link_at(const char *target, const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "/tmp/provcheck-srcfs-XXXXXX");
    if (!mkdtemp(base))
        return -1;
    snprintf(site, sizeof site, "%s/site", base);
    mkdir_at("site");
    mkdir_at("outside");
    mkdir_at("site/news");
    mkdir_at("site/drafts");
    mkdir_at("site/docs");
    mkdir_at("site/.git");
    write_at("site/index.html", "<p>home</p>");
    write_at("site/privacy.html", "<p>privacy</p>");
    write_at("site/style.css", "p{}");
    write_at("site/news/a.html", "<p>a</p>");
    write_at("site/news/b.htm", "<p>b</p>");
    write_at("site/drafts/wip.html", "<p>wip</p>");
    write_at("site/docs/index.html", "<p>docs</p>");
    write_at("site/.git/x.html", "<p>git internals</p>");
    write_at("site/big.html", "0123456789012345678901234567890123456789");
    write_at("outside/secret.html", "<p>secret</p>");
    write_at("outside/index.html", "<p>outside index</p>");
    link_at("../outside/secret.html", "site/leak.html");      /* file link out */
    link_at("../outside", "site/outdir");                      /* folder link out */
    link_at("news", "site/alias");                             /* folder link in */
    link_at("../privacy.html", "site/news/privacy.html");      /* file link in */
    link_at("..", "site/news/up");                             /* loop to an ancestor */
    link_at("nowhere.html", "site/dangling.html");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", base, base);
    return system(cmd) == 0 ? 0 : -1;
}

static char include_html[] = "**/*.html", include_htm[] = "**/*.htm";
static char *default_include[] = {include_html, include_htm};

static config make_config(char **exclude, size_t exclude_count, size_t max_bytes)
{
    config c = {0};
    c.include = default_include;
    c.include_count = 2;
    c.exclude = exclude;
    c.exclude_count = exclude_count;
    c.max_page_bytes = max_bytes;
    return c;
}

static const page_ref *find_ref(const page_ref_list *l, const char *path)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].path, path) == 0)
            return &l->items[i];
    return NULL;
}

static void test_walk_globs_links(void **state)
{
    (void)state;
    char drafts[] = "drafts/**";
    char *exclude[] = {drafts};
    config c = make_config(exclude, 1, 30);
    source *src = NULL;
    assert_int_equal(src_fs_open(&src, site, NULL, 0, &c), 0);
    page_ref_list l = {0};
    assert_int_equal(src->list(src, &l), 0);
    const char *want[] = {"alias/a.html", "alias/b.htm", "alias/privacy.html", "big.html",
                          "dangling.html", "docs/index.html", "index.html", "leak.html",
                          "news/a.html", "news/b.htm", "news/privacy.html", "outdir",
                          "privacy.html"};
    for (size_t i = 0; i < l.count; i++)
        print_message("  %s%s%s\n", l.items[i].path, l.items[i].error ? " ! " : "",
                      l.items[i].error ? l.items[i].error : "");
    assert_int_equal(l.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.count; i++)
        assert_string_equal(l.items[i].path, want[i]);   /* sorted, bytewise */
    assert_string_equal(find_ref(&l, "leak.html")->error,
                        "symbolic link leads outside the site root");
    assert_non_null(strstr(find_ref(&l, "big.html")->error, "max_page_bytes"));
    assert_non_null(find_ref(&l, "dangling.html")->error);
    /* a folder link leaving the root is accounted for, not silently skipped */
    assert_non_null(strstr(find_ref(&l, "outdir")->error, "outside the site root"));
    assert_null(find_ref(&l, "news/a.html")->error);
    assert_null(find_ref(&l, "alias/privacy.html")->error);
    assert_int_equal(find_ref(&l, "index.html")->size, strlen("<p>home</p>"));
    assert_string_equal(find_ref(&l, "news/a.html")->site_path, "news/a.html");

    source_reader *r = src->reader_open(src);
    char *bytes = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(src->read(r, find_ref(&l, "alias/a.html"), &bytes, &len, &err), 0);
    assert_string_equal(bytes, "<p>a</p>");
    assert_int_equal(len, 8);
    free(bytes);
    src->reader_close(r);
    page_ref_list_free(&l);
    src->free(src);
}

static void test_read_limits(void **state)
{
    (void)state;
    config c = make_config(NULL, 0, 30);
    source *src = NULL;
    assert_int_equal(src_fs_open(&src, site, NULL, 0, &c), 0);
    source_reader *r = src->reader_open(src);
    /* A page that grew over the cap after listing is still refused when read. */
    page_ref big = {.path = (char *)"big.html", .site_path = (char *)"big.html"};
    char *bytes = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(src->read(r, &big, &bytes, &len, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err, "max_page_bytes"));
    free(err);
    err = NULL;
    page_ref gone = {.path = (char *)"gone.html", .site_path = (char *)"gone.html"};
    assert_int_equal(src->read(r, &gone, &bytes, &len, &err), -1);
    assert_non_null(err);
    free(err);
    src->reader_close(r);
    src->free(src);
}

static void test_unreadable(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip();   /* root reads everything */
    write_at("site/locked.html", "<p>locked</p>");
    char p[512];
    snprintf(p, sizeof p, "%s/locked.html", site);
    assert_int_equal(chmod(p, 0), 0);
    config c = make_config(NULL, 0, 0);
    source *src = NULL;
    assert_int_equal(src_fs_open(&src, site, NULL, 0, &c), 0);
    page_ref_list l = {0};
    assert_int_equal(src->list(src, &l), 0);
    const page_ref *ref = find_ref(&l, "locked.html");
    assert_non_null(ref);
    assert_non_null(ref->error);
    assert_non_null(strstr(ref->error, "ermission denied"));
    page_ref_list_free(&l);
    src->free(src);
    unlink(p);
}

static void test_paths(void **state)
{
    (void)state;
    config c = make_config(NULL, 0, 0);
    char news[256], priv[256], out[256], missing[256];
    snprintf(news, sizeof news, "%s/news", site);
    snprintf(priv, sizeof priv, "%s/privacy.html", site);
    snprintf(out, sizeof out, "%s/outside/secret.html", base);
    snprintf(missing, sizeof missing, "%s/nope.html", site);
    char *paths[] = {priv, news, priv};
    source *src = NULL;
    assert_int_equal(src_fs_open(&src, site, paths, 3, &c), 0);
    page_ref_list l = {0};
    assert_int_equal(src->list(src, &l), 0);
    const char *want[] = {"news/a.html", "news/b.htm", "news/privacy.html", "privacy.html"};
    assert_int_equal(l.count, 4);
    for (size_t i = 0; i < l.count; i++)
        assert_string_equal(l.items[i].path, want[i]);
    page_ref_list_free(&l);
    src->free(src);

    char *outside[] = {out};
    assert_int_equal(src_fs_open(&src, site, outside, 1, &c), -1);
    assert_non_null(strstr(err_last(), "not inside the site root"));
    char *nope[] = {missing};
    assert_int_equal(src_fs_open(&src, site, nope, 1, &c), -1);
    assert_int_equal(src_fs_open(&src, missing, NULL, 0, &c), -1);
}

static void test_target_exists(void **state)
{
    (void)state;
    config c = make_config(NULL, 0, 0);
    source *src = NULL;
    assert_int_equal(src_fs_open(&src, site, NULL, 0, &c), 0);
    source_reader *r = src->reader_open(src);
    assert_int_equal(src->target_exists(r, "privacy.html"), 1);
    assert_int_equal(src->target_exists(r, "news/a.html"), 1);
    assert_int_equal(src->target_exists(r, "docs"), 1);       /* folder: its index.html */
    assert_int_equal(src->target_exists(r, "docs/"), 1);
    assert_int_equal(src->target_exists(r, ""), 1);           /* the root's index.html */
    assert_int_equal(src->target_exists(r, "news"), 0);       /* no index.html there */
    assert_int_equal(src->target_exists(r, "missing.html"), 0);
    assert_int_equal(src->target_exists(r, "leak.html"), 0);  /* link out of the root */
    assert_int_equal(src->target_exists(r, "outdir"), 0);
    assert_int_equal(src->target_exists(r, "../outside/secret.html"), 0);
    assert_int_equal(src->target_exists(r, "news/../../outside/index.html"), 0);
    assert_int_equal(src->target_exists(r, "alias/a.html"), 1); /* link inside */
    src->reader_close(r);
    src->free(src);
}

static void test_vfs(void **state)
{
    (void)state;
    vfs v;
    assert_int_equal(vfs_fs_open(&v, site), 0);
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(v.list(v.ctx, "news", &names, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "a.html");
    assert_string_equal(names[1], "b.htm");
    assert_string_equal(names[2], "privacy.html");
    vfs_free_names(names, n);
    assert_int_equal(v.list(v.ctx, "no-such-dir", &names, &n), -1);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(v.read(v.ctx, "news/a.html", &data, &len), 0);
    assert_string_equal(data, "<p>a</p>");
    free(data);
    assert_int_equal(v.read(v.ctx, "no.html", &data, &len), -1);
    vfs_fs_close(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_globs_links),
        cmocka_unit_test(test_read_limits),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_target_exists),
        cmocka_unit_test(test_vfs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
