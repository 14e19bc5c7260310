/* test_audit_parsers.c: the audit's parsers on real libxml2 and libcurl URL code:
 * robots.txt groups and matching, sitemaps (urlset, index, gzip, XXE, caps), the
 * sitemap queue (repeats and cycles), URL normalization and link extraction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "crawl.h"
#include "robots.h"
#include "sitemap.h"
#include "sitemap_loc.h"
#include "sitemap_queue.h"

static void test_robots_groups(void **state)
{
    (void)state;
    const char *t = "# comment\nUser-agent: other\nDisallow: /\n\n"
                    "User-agent: *\nDisallow: /private/\nAllow: /private/ok\nCrawl-delay: 1.5\n";
    robots *r = robots_parse(t, strlen(t), "provcheck/0.1.0");
    assert_non_null(r);
    assert_int_equal(robots_allowed(r, "/"), 1);
    assert_int_equal(robots_allowed(r, "/private/x"), 0);
    assert_int_equal(robots_allowed(r, "/private/ok.html"), 1);
    assert_int_equal(robots_allowed(r, "/robots.txt"), 1);
    assert_true(robots_crawl_delay(r) == 1.5);
    robots_free(r);

    /* Our own group wins over '*', case-insensitively, merged across groups. */
    const char *u = "User-agent: *\nDisallow: /\n\nUser-agent: ProvCheck\nDisallow: /*.pdf$\n"
                    "User-agent: x\nDisallow: /tmp\n\nUser-agent: provcheck\nDisallow: /a*b\n";
    r = robots_parse(u, strlen(u), "provcheck/0.1.0");
    assert_int_equal(robots_allowed(r, "/index.html"), 1);
    assert_int_equal(robots_allowed(r, "/doc.pdf"), 0);
    assert_int_equal(robots_allowed(r, "/doc.pdf?x"), 1);
    assert_int_equal(robots_allowed(r, "/tmp/x"), 1);   /* that group names x only */
    assert_int_equal(robots_allowed(r, "/a/zzz/b"), 0);
    robots_free(r);

    /* Longest match decides; Allow wins a tie; an empty Disallow allows all. */
    const char *v = "User-agent: *\nDisallow: /folder\nAllow: /folder/page\nDisallow: /same\n"
                    "Allow: /same\nDisallow:\n";
    r = robots_parse(v, strlen(v), "provcheck");
    assert_int_equal(robots_allowed(r, "/folder/other"), 0);
    assert_int_equal(robots_allowed(r, "/folder/page.html"), 1);
    assert_int_equal(robots_allowed(r, "/same"), 1);
    robots_free(r);

    /* Many stars cannot make matching explode. */
    char pat[400] = "User-agent: *\nDisallow: /";
    for (int i = 0; i < 60; i++)
        strcat(pat, "*a");
    strcat(pat, "b\n");
    char path[2100] = "/";
    memset(path + 1, 'a', 2000);
    r = robots_parse(pat, strlen(pat), "provcheck");
    assert_int_equal(robots_allowed(r, path), 1);
    robots_free(r);

    r = robots_disallow_all();
    assert_int_equal(robots_allowed(r, "/"), 0);
    robots_free(r);
}

/* RFC 9309 2.2.2: an escaped unreserved character matches itself, in a rule and
   in a URL path; other escapes (%2F above all) stay distinct from their octet. */
static void test_robots_percent_encoding(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /%61dmin\nDisallow: /secret\nDisallow: /a/b\n"
                    "Disallow: /x%2fy\nDisallow: /caf\xc3\xa9\nDisallow: /sp%20ace\n"
                    "Allow: /%7Euser/\nDisallow: /%7euser\nDisallow: /100%\n";
    robots *r = robots_parse(t, strlen(t), "provcheck/0.1.0");
    assert_non_null(r);
    assert_int_equal(robots_allowed(r, "/admin"), 0);          /* rule escaped, path not */
    assert_int_equal(robots_allowed(r, "/%61dmin/x"), 0);      /* both escaped */
    assert_int_equal(robots_allowed(r, "/%41dmin"), 1);        /* %41 is "A" */
    assert_int_equal(robots_allowed(r, "/%73ecret"), 0);       /* path escaped, rule not */
    assert_int_equal(robots_allowed(r, "/s%65cr%65t.html"), 0);
    assert_int_equal(robots_allowed(r, "/a%2Fb"), 1);          /* %2F is not "/" */
    assert_int_equal(robots_allowed(r, "/a%2fb"), 1);
    assert_int_equal(robots_allowed(r, "/x/y"), 1);
    assert_int_equal(robots_allowed(r, "/x%2Fy"), 0);          /* hex case does not matter */
    assert_int_equal(robots_allowed(r, "/caf%C3%A9"), 0);      /* raw UTF-8 rule */
    assert_int_equal(robots_allowed(r, "/caf%c3%a9/menu"), 0);
    assert_int_equal(robots_allowed(r, "/sp%20ace"), 0);
    assert_int_equal(robots_allowed(r, "/~user/page"), 1);     /* Allow /%7Euser/ is longer */
    assert_int_equal(robots_allowed(r, "/%7Euser"), 0);
    assert_int_equal(robots_allowed(r, "/100%25"), 0);         /* a lone % is a "%" */
    assert_int_equal(robots_allowed(r, "/100%"), 0);
    assert_int_equal(robots_allowed(r, "/1000"), 1);
    robots_free(r);
}

/* Given: root. root lists a and b; a lists b (a repeat) and root (a cycle); b lists
   itself (a cycle) and c (new). */
static void test_sitemap_queue(void **state)
{
    (void)state;
    sitemap_queue q = {0};
    const char *root = "http://h/root.xml", *a = "http://h/a.xml", *b = "http://h/b.xml";
    long id_root = sitemap_queue_add(&q, root, 0);
    assert_int_equal(id_root, 1);
    assert_int_equal(sitemap_queue_add(&q, root, 0), 0);    /* given twice: once */
    assert_int_equal(sitemap_queue_classify(&q, 1, root, a), SITEMAP_NEW);
    long id_a = sitemap_queue_add(&q, a, 1);
    long id_b = sitemap_queue_add(&q, b, 1);
    assert_true(id_a > 1 && id_b > id_a);
    assert_int_equal(sitemap_queue_classify(&q, (size_t)id_a, a, b), SITEMAP_REPEAT);
    assert_int_equal(sitemap_queue_classify(&q, (size_t)id_a, a, root), SITEMAP_CYCLE);
    assert_int_equal(sitemap_queue_classify(&q, (size_t)id_b, b, b), SITEMAP_CYCLE);
    /* listed under its own URL after a redirect elsewhere: still itself */
    assert_int_equal(sitemap_queue_classify(&q, (size_t)id_b, "http://h/moved.xml", b),
                     SITEMAP_CYCLE);
    /* the final URL of a redirect, listed by the index it answered for */
    assert_int_equal(sitemap_queue_classify(&q, (size_t)id_b, "http://h/moved.xml",
                                            "http://h/moved.xml"), SITEMAP_CYCLE);
    assert_int_equal(sitemap_queue_classify(&q, (size_t)id_b, b, "http://h/c.xml"),
                     SITEMAP_NEW);
    sitemap_queue_free(&q);
}

static void test_sitemaps(void **state)
{
    (void)state;
    const char *xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE urlset [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        "<url><loc> http://127.0.0.1/a.html </loc><lastmod>2024-05-01</lastmod></url>"
        "<url><loc>http://127.0.0.1/b?x=1&amp;y=2</loc></url>"
        "<url><loc>&x;</loc></url><url><loc></loc></url></urlset>";
    sitemap sm;
    char *err = NULL;
    assert_int_equal(sitemap_parse(&sm, xml, strlen(xml), 100, 1 << 20, &err), 0);
    assert_int_equal(sm.is_index, 0);
    assert_int_equal(sm.count, 4);
    assert_string_equal(sm.entries[0].loc, "http://127.0.0.1/a.html");
    assert_string_equal(sm.entries[0].lastmod, "2024-05-01");
    assert_string_equal(sm.entries[1].loc, "http://127.0.0.1/b?x=1&y=2");
    assert_null(sm.entries[1].lastmod);
    /* The external entity is never read; empty entries are kept for the audit to
       report. */
    assert_string_equal(sm.entries[2].loc, "");
    assert_string_equal(sm.entries[3].loc, "");
    sitemap_free(&sm);

    assert_int_equal(sitemap_parse(&sm, xml, strlen(xml), 1, 1 << 20, &err), 0);
    assert_int_equal(sm.count, 1);   /* max_entries */
    sitemap_free(&sm);

    const char *idx = "<sitemapindex><sitemap><loc>http://127.0.0.1/s.xml.gz</loc></sitemap>"
                      "</sitemapindex>";
    assert_int_equal(sitemap_parse(&sm, idx, strlen(idx), 100, 1 << 20, &err), 0);
    assert_int_equal(sm.is_index, 1);
    assert_int_equal(sm.count, 1);
    sitemap_free(&sm);

    const char *html = "<html><body>no</body></html>";
    assert_int_equal(sitemap_parse(&sm, html, strlen(html), 100, 1 << 20, &err), -1);
    assert_non_null(strstr(err, "not a sitemap"));
    free(err);
}

/* A gzipped sitemap made with the gzip tool, and a bomb bounded by the cap. */
static void test_gzip_sitemaps(void **state)
{
    (void)state;
    char cmd[512];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import gzip,sys; sys.stdout.buffer.write(gzip.compress(b'<urlset>'"
             " + b'<url><loc>http://127.0.0.1/p</loc></url>' * 200000 + b'</urlset>'))\""
             " > %s/provcheck-unit-sm.gz", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/provcheck-unit-sm.gz", dir);
    FILE *f = fopen(cmd, "rb");
    assert_non_null(f);
    char *data = malloc(1 << 20);
    size_t len = fread(data, 1, 1 << 20, f);
    fclose(f);
    remove(cmd);
    sitemap sm;
    char *err = NULL;
    /* 8 MB inflated, 5 entries wanted: fine under a 16 MB cap */
    assert_int_equal(sitemap_parse(&sm, data, len, 5, 16u << 20, &err), 0);
    assert_int_equal(sm.count, 5);
    assert_string_equal(sm.entries[4].loc, "http://127.0.0.1/p");
    sitemap_free(&sm);
    /* the same under a 1 MB cap: refused, without inflating it all */
    assert_int_equal(sitemap_parse(&sm, data, len, 5, 1u << 20, &err), -1);
    assert_non_null(strstr(err, "size cap"));
    free(err);
    free(data);
}

static void test_urls_and_links(void **state)
{
    (void)state;
    char *u = url_normalize("http://Example.ORG:80/a/b.html", "../c.html#frag");
    assert_string_equal(u, "http://example.org/c.html");
    free(u);
    u = url_normalize(NULL, "https://h:443/x?q=1#f");
    assert_string_equal(u, "https://h/x?q=1");
    free(u);
    assert_null(url_normalize("http://h/", "mailto:a@b"));
    assert_null(url_normalize("http://h/", "javascript:void(0)"));

    url_set set = {0};
    assert_int_equal(url_set_add(&set, "a"), 1);
    assert_int_equal(url_set_add(&set, "a"), 0);
    for (int i = 0; i < 1000; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(url_set_add(&set, k), 1);
    }
    assert_true(url_set_has(&set, "k999"));
    assert_false(url_set_has(&set, "k1000"));
    url_set_free(&set);

    const char *html = "<html><head><base href=\"/news/\"></head><body>"
                       "<a href=\"a.html\">A</a><a href=\"a.html#x\">again</a>"
                       "<a href=\"http://other.example/\">out</a><map><area href=\"/m.html\"></map>"
                       "<a href=\"mailto:x@y\">m</a><a>no href</a></body></html>";
    char **links = NULL;
    size_t n = 0;
    assert_int_equal(crawl_links("http://127.0.0.1:8080/index.html", html, strlen(html), &links, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(links[0], "http://127.0.0.1:8080/news/a.html");
    assert_string_equal(links[1], "http://127.0.0.1:8080/m.html");
    crawl_links_free(links, n);

    /* A fragment-only or empty href is the page itself (libcurl alone gives the
       page's folder). */
    u = url_normalize("http://h/dir/page.html?q=1", "#top");
    assert_string_equal(u, "http://h/dir/page.html?q=1");
    free(u);
    u = url_normalize("http://h/dir/page.html", " ");
    assert_string_equal(u, "http://h/dir/page.html");
    free(u);
    const char *self = "<a href=\"#main\">skip</a><a href=\"\">me</a><a href=\"?p=2#c\">2</a>";
    assert_int_equal(crawl_links("http://h/dir/page.html", self, strlen(self), &links, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(links[0], "http://h/dir/page.html?p=2");
    crawl_links_free(links, n);
}

static void test_sitemap_locs(void **state)
{
    (void)state;
    assert_null(sitemap_loc_problem("https://h/a.html"));
    assert_null(sitemap_loc_problem("HTTP://h/a.html"));
    assert_string_equal(sitemap_loc_problem(""), "is empty");
    assert_non_null(strstr(sitemap_loc_problem("news/a.html"), "relative"));
    assert_non_null(strstr(sitemap_loc_problem("/news/a.html"), "relative"));
    assert_non_null(strstr(sitemap_loc_problem("//h/a.html"), "relative"));
    assert_non_null(strstr(sitemap_loc_problem("1http://h/"), "relative"));
    assert_string_equal(sitemap_loc_problem("ftp://h/a.html"), "is not an http(s) URL");
    assert_string_equal(sitemap_loc_problem("mailto:a@b"), "is not an http(s) URL");
    assert_string_equal(sitemap_loc_problem("http://"), "is not a valid URL");
    finding_list bad = {0};
    assert_int_equal(sitemap_loc_check("https://h/a.html", &bad), 0);
    assert_int_equal(sitemap_loc_check("a.html", &bad), 1);
    assert_int_equal(sitemap_loc_check("a.html", &bad), 1);
    assert_int_equal(sitemap_loc_place(&bad, "/sitemap.xml", "http://h/sitemap.xml"), 0);
    assert_int_equal(bad.count, 2);
    assert_string_equal(bad.items[0].rule, "fetch-error");
    assert_string_equal(bad.items[1].path, "/sitemap.xml");
    assert_string_not_equal(bad.items[0].fingerprint, bad.items[1].fingerprint);
    finding_list_free(&bad);
}

/* Place one fetch-error saying `message` on the sitemap at path/url. */
static void sitemap_finding(finding_list *found, const char *message, const char *path,
                            const char *url)
{
    finding_list one = {0};
    assert_int_equal(sitemap_finding_add(&one, message), 0);
    assert_int_equal(sitemap_loc_place(&one, path, url), 0);
    assert_int_equal(finding_list_splice(found, &one), 0);
    finding_list_free(&one);
}

static void test_sitemap_findings_report(void **state)
{
    (void)state;
    report r;
    memset(&r, 0, sizeof r);
    r.pages = calloc(2, sizeof *r.pages);
    assert_non_null(r.pages);
    r.pages[0].path = strdup("/a.html");
    r.pages[0].url = strdup("http://h/a.html");
    r.pages[1].path = strdup("/sitemap.xml");   /* the sitemap's URL given as a page too */
    r.pages[1].url = strdup("http://h/sitemap.xml");
    r.page_count = 2;
    finding_list found = {0};
    sitemap_finding(&found, "sitemap: HTTP 404", "/sitemap.xml", "http://h/sitemap.xml");
    /* Two origins, one path, one message: one entry, fingerprints still apart. */
    sitemap_finding(&found, "sitemap: HTTP 404", "/m.xml", "http://h/m.xml");
    sitemap_finding(&found, "sitemap: HTTP 404", "/m.xml", "http://g/m.xml");
    assert_int_equal(sitemap_findings_report(&r, &found), 0);
    assert_int_equal(found.count, 0);
    assert_int_equal(r.page_count, 3);
    assert_string_equal(r.pages[0].path, "/a.html");
    assert_string_equal(r.pages[1].path, "/m.xml");
    assert_non_null(r.pages[1].url);
    assert_string_equal(r.pages[2].path, "/sitemap.xml");
    assert_int_equal(r.pages[0].findings, 0);
    assert_int_equal(r.pages[1].findings, 2);
    assert_int_equal(r.pages[2].findings, 1);
    assert_int_equal(r.errors, 3);
    assert_string_not_equal(r.findings.items[0].fingerprint, r.findings.items[1].fingerprint);
    report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_robots_groups),
        cmocka_unit_test(test_robots_percent_encoding),
        cmocka_unit_test(test_sitemaps),
        cmocka_unit_test(test_sitemap_queue),
        cmocka_unit_test(test_gzip_sitemaps),
        cmocka_unit_test(test_urls_and_links),
        cmocka_unit_test(test_sitemap_locs),
        cmocka_unit_test(test_sitemap_findings_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
