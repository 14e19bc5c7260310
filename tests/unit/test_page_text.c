/* test_page_text.c: the page model's views: visible text, lines, links and their
 * targets (over a real temporary folder), meta, JSON-LD, suppressions, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "page.h"

static page *page_of(const char *html, const char *site_path)
{
    page_identity id = {site_path, site_path, NULL, NULL, NULL};
    page *p = page_new(&id, strdup(html), strlen(html));
    assert_non_null(p);
    return p;
}

static void expect_raw(const char *html, const char *want)
{
    page *p = page_of(html, "t.html");
    assert_int_equal(page_parse(p), 0);
    size_t len;
    const char *raw = page_raw_text(p, &len);
    assert_string_equal(raw, want);
    assert_int_equal(len, strlen(want));
    page_free(p);
}

static void test_hidden_things_are_not_text(void **state)
{
    (void)state;
    expect_raw("<html><head><title>Title</title><style>p{}</style></head><body>"
               "<p>a</p><script>var x=1;</script><template><p>t</p></template>"
               "<!-- comment --><p hidden>h</p><p aria-hidden=\"true\">ah</p>"
               "<p aria-hidden=\"false\">shown</p>"
               "<div style=\"color:red;display: none\">dn</div>"
               "<div style=\"visibility:hidden !important\">vh</div>"
               "<div style=\"visibility:visible\">vv</div>"
               "<noscript>ns</noscript><p>b</p></body></html>",
               "a shown vv b");
}

static void test_hidden_ancestor_hides_descendants(void **state)
{
    (void)state;
    expect_raw("<body><div hidden><p>x<b>y</b></p></div>"
               "<section style='display:none'><p>z</p></section>ok</body>",
               "ok");
}

static void test_block_and_inline_boundaries(void **state)
{
    (void)state;
    expect_raw("<body><h1>Hello</h1><p>wor<b>ld</b><i>!</i></p><div>one<br>two</div>"
               "<ul><li>x</li><li>y</li></ul><span>in</span><span>line</span></body>",
               "Hello world! one two x y inline");
}

static void test_entities_decoded_then_normalized(void **state)
{
    (void)state;
    page *p = page_of("<body><p>It&#8217;s&nbsp;&nbsp;caf&eacute; &amp; Stra&szlig;e"
                      " &ldquo;q&rdquo; &mdash;</p></body>", "t.html");
    size_t len;
    assert_string_equal(page_raw_text(p, &len),
                        "It\xE2\x80\x99s\xC2\xA0\xC2\xA0" "caf\xC3\xA9 & Stra\xC3\x9F" "e"
                        " \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x80\x94");
    assert_string_equal(page_text(p, &len), "it's caf\xC3\xA9 & strasse \"q\" -");
    /* "it's café & strasse": é takes two bytes */
    assert_int_equal(page_text_find(p, "STRASSE", 7, 0), 13);
    assert_int_equal(page_text_find(p, "Straße", strlen("Straße"), 0), 13);
    assert_int_equal(page_text_find(p, "Straße", strlen("Straße"), 14), -1);
    assert_int_equal(page_text_find(p, "absent", 6, 0), -1);
    page_free(p);
}

static void test_find_is_linear_on_repetitive_text(void **state)
{
    (void)state;
    size_t n = 200000;
    char *html = malloc(n + 40);
    strcpy(html, "<body><p>");
    memset(html + 9, 'a', n);
    strcpy(html + 9 + n, "b</p></body>");
    page *p = page_of(html, "t.html");
    char needle[1001];
    memset(needle, 'a', 999);
    needle[999] = 'b';
    needle[1000] = '\0';
    assert_int_equal(page_text_find(p, needle, 1000, 0), (long)(n - 999));
    page_free(p);
    free(html);
}

/* The search against a plain scan, on texts of few letters where candidates
   abound: the rarest-byte search falls back to memmem, and the two-byte search
   (common letters) checks many candidates, across its 16-byte steps and tail. */
static void test_find_agrees_with_a_plain_scan(void **state)
{
    (void)state;
    const char *alphabets[] = {"ab", "aab", "abc", "aaaab", "zqab", "etoa", "e.x,"};
    unsigned seed = 12345;
    for (int round = 0; round < 700; round++) {
        const char *al = alphabets[round % 7];
        size_t al_len = strlen(al);
        static char body[4000], html[4100];
        char needle[24];
        size_t blen = 1 + (seed = seed * 1103515245u + 12345u) % (round % 5 ? 300 : 3500);
        for (size_t i = 0; i < blen; i++)
            body[i] = al[((seed = seed * 1103515245u + 12345u) >> 16) % al_len];
        body[blen] = '\0';
        snprintf(html, sizeof html, "<body><p>%s</p></body>", body);
        page *p = page_of(html, "t.html");
        size_t tlen;
        const char *text = page_text(p, &tlen);
        for (int q = 0; q < 20; q++) {
            size_t nlen = 1 + (seed = seed * 1103515245u + 12345u) % 20;
            for (size_t i = 0; i < nlen; i++)
                needle[i] = al[((seed = seed * 1103515245u + 12345u) >> 16) % al_len];
            size_t from = ((seed = seed * 1103515245u + 12345u) >> 16) % (tlen + 1);
            long expect = -1;
            for (size_t i = from; i + nlen <= tlen; i++)
                if (memcmp(text + i, needle, nlen) == 0) {
                    expect = (long)i;
                    break;
                }
            assert_int_equal(page_text_find(p, needle, nlen, from), expect);
        }
        page_free(p);
    }
}

static void test_lines_of_text_and_elements(void **state)
{
    (void)state;
    const char *html = "<html>\n<body>\n<p>first\n\nsecond line</p>\n"
                       "<div>\n  <a href=\"x.html\">link</a> <a href=\"y\">y</a>\n</div>\n"
                       "<p>Source: AP</p></body></html>\n";
    page *p = page_of(html, "t.html");
    size_t len;
    const char *t = page_text(p, &len);
    xmlNodePtr node;
    int line, col;
    long off = page_text_find(p, "first", 5, 0);
    assert_int_equal(page_text_locate(p, (size_t)off, &node, &line, &col), 0);
    assert_int_equal(line, 3);
    assert_non_null(node);
    off = page_text_find(p, "second", 6, 0);
    assert_int_equal(page_text_locate(p, (size_t)off, &node, &line, &col), 0);
    assert_int_equal(line, 5);
    off = page_text_find(p, "source: ap", 10, 0);
    assert_int_equal(page_text_locate(p, (size_t)off + 8, &node, &line, &col), 0);
    assert_int_equal(line, 9);
    assert_int_equal(page_text_locate(p, len, &node, &line, &col), -1);
    (void)t;
    size_t n;
    const page_link *links = page_links(p, &n);
    assert_int_equal(n, 2);
    assert_int_equal(page_node_line(p, links[0].node), 7);
    assert_int_equal(page_node_column(p, links[0].node), 3);
    assert_int_equal(page_node_column(p, links[1].node), 29);
    page_free(p);
}

/* libxml2 keeps 16-bit lines; pages longer than 65,535 lines (one tag per line
   in generated pages) must still point at the right line, not at 0 or 1. */
static void test_lines_past_65535(void **state)
{
    (void)state;
    const int filler = 70000;
    size_t cap = (size_t)filler * 10 + 256, n = 0;
    char *html = malloc(cap);
    assert_non_null(html);
    n += (size_t)snprintf(html + n, cap - n, "<html><body>\n");
    for (int i = 0; i < filler; i++)
        n += (size_t)snprintf(html + n, cap - n, "<p>x</p>\n");
    snprintf(html + n, cap - n, "<article>\n<p>Source: AP</p>\n"
             "<a href=\"p.html\">Privacy</a></article></body></html>\n");
    page *p = page_of(html, "t.html");
    free(html);
    assert_int_equal(page_parse(p), 0);
    assert_int_equal(page_node_line(p, page_anchor(p)), filler + 2);
    size_t len;
    page_text(p, &len);
    long off = page_text_find(p, "source: ap", 10, 0);
    assert_true(off >= 0);
    xmlNodePtr node;
    int line, col;
    assert_int_equal(page_text_locate(p, (size_t)off, &node, &line, &col), 0);
    assert_int_equal(line, filler + 3);
    size_t nlinks;
    const page_link *links = page_links(p, &nlinks);
    assert_int_equal(nlinks, 1);
    assert_int_equal(page_node_line(p, links[0].node), filler + 4);
    page_free(p);
}

static void test_links_meta_anchor(void **state)
{
    (void)state;
    page *p = page_of("<html><head><meta name=\"Description\" content=\"D &amp; d\">"
                      "<meta property=\"og:title\" content=\"OG\"></head><body>"
                      "<a href=\"/privacy.html?x=1&amp;y=2\">Privacy&nbsp;<b>Policy</b></a>"
                      "<a>no href</a><a href=\"\">empty</a>"
                      "<div hidden><a href=\"h.html\">H</a></div>"
                      "<article><p>x</p></article></body></html>", "news/a.html");
    size_t n;
    const page_link *l = page_links(p, &n);
    assert_int_equal(n, 3);
    assert_string_equal(l[0].href, "/privacy.html?x=1&y=2");
    assert_string_equal(page_link_text(p, 0), "privacy policy");
    assert_true(l[0].visible);
    assert_string_equal(l[1].href, "");
    assert_false(l[2].visible);
    assert_string_equal(page_meta(p, "description"), "D & d");
    assert_string_equal(page_meta(p, "OG:TITLE"), "OG");
    assert_null(page_meta(p, "keywords"));
    xmlNodePtr a = page_anchor(p);
    assert_non_null(a);
    assert_string_equal((const char *)a->name, "article");
    page_free(p);

    p = page_of("<html><body><p>no article</p></body></html>", "b.html");
    a = page_anchor(p);
    assert_non_null(a);
    assert_string_equal((const char *)a->name, "body");
    page_free(p);
}

/* A resolver over a real folder, as the files source gives one. */
static int dir_exists(void *ctx, const char *site_path)
{
    char full[1024];
    struct stat st;
    snprintf(full, sizeof full, "%s/%s", (const char *)ctx, site_path);
    return stat(full, &st) == 0 && S_ISREG(st.st_mode);
}

static void touch(const char *root, const char *rel)
{
    char full[1024];
    snprintf(full, sizeof full, "%s/%s", root, rel);
    FILE *f = fopen(full, "w");
    assert_non_null(f);
    fclose(f);
}

static void test_link_targets_over_a_folder(void **state)
{
    (void)state;
    char root[] = "/tmp/provcheck-page-XXXXXX";
    assert_non_null(mkdtemp(root));
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/news", root);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/about", root);
    mkdir(sub, 0755);
    touch(root, "privacy.html");
    touch(root, "news/a.html");
    touch(root, "news/my page.html");
    touch(root, "about/index.html");

    page *p = page_of("<p>x</p>", "news/a.html");
    assert_int_equal(page_link_target_exists(p, "/privacy.html"), -1);   /* no resolver */
    page_set_resolver(p, dir_exists, root);
    assert_int_equal(page_link_target_exists(p, "/privacy.html"), 1);
    assert_int_equal(page_link_target_exists(p, "../privacy.html#top"), 1);
    assert_int_equal(page_link_target_exists(p, "privacy.html"), 0);     /* news/privacy.html */
    assert_int_equal(page_link_target_exists(p, "./a.html?q=1"), 1);
    assert_int_equal(page_link_target_exists(p, "my%20page.html"), 1);
    assert_int_equal(page_link_target_exists(p, "/about/"), 1);
    assert_int_equal(page_link_target_exists(p, "../about"), 1);
    assert_int_equal(page_link_target_exists(p, "/news/"), 0);           /* no index.html */
    assert_int_equal(page_link_target_exists(p, "../../privacy.html"), 0); /* escapes */
    assert_int_equal(page_link_target_exists(p, "/missing.html"), 0);
    assert_int_equal(page_link_target_exists(p, "https://example.com/privacy"), -1);
    assert_int_equal(page_link_target_exists(p, "//example.com/privacy"), -1);
    assert_int_equal(page_link_target_exists(p, "mailto:a@b.c"), -1);
    assert_int_equal(page_link_target_exists(p, "tel:123"), -1);
    assert_int_equal(page_link_target_exists(p, "javascript:void(0)"), -1);
    assert_int_equal(page_link_target_exists(p, ""), -1);
    assert_int_equal(page_link_target_exists(p, "#"), -1);
    page_free(p);

    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void test_suppressions(void **state)
{
    (void)state;
    page *p = page_of("<!-- provcheck-disable privacy-link -->\n<html><body>\n"
                      "<p>x</p> <!-- provcheck-disable source-attribution, third-party-disclaimer"
                      " -- quoted from a wire -->\n<!-- an ordinary comment -->\n"
                      "<!--provcheck-disable-->\n</body></html>", "s.html");
    size_t n;
    const page_suppression *s = page_suppressions(p, &n);
    assert_int_equal(n, 3);
    assert_int_equal(s[0].rule_count, 1);
    assert_string_equal(s[0].rules[0], "privacy-link");
    assert_null(s[0].reason);
    assert_int_equal(s[0].line, 1);
    assert_int_equal(s[0].column, 1);
    assert_int_equal(s[1].rule_count, 2);
    assert_string_equal(s[1].rules[0], "source-attribution");
    assert_string_equal(s[1].rules[1], "third-party-disclaimer");
    assert_string_equal(s[1].reason, "quoted from a wire");
    assert_int_equal(s[1].line, 3);
    assert_int_equal(s[1].column, 10);
    assert_int_equal(s[2].rule_count, 0);
    page_free(p);
}

static void test_jsonld(void **state)
{
    (void)state;
    page *p = page_of("<html><head><script type=\"application/ld+json\">"
                      "{\"@type\":\"NewsArticle\",\"author\":{\"name\":\"A &amp; B\"}}</script>"
                      "<script type='application/ld+json'>{broken</script>"
                      "<script>{\"not\":\"ld\"}</script></head><body>"
                      "<script type=\"Application/LD+JSON\">[1,2]</script></body></html>",
                      "j.html");
    const cfgval *v = page_jsonld(p);
    assert_non_null(v);
    assert_int_equal(v->kind, CV_LIST);
    assert_int_equal(v->count, 2);
    const cfgval *author = cfgval_get(v->items[0], "author");
    assert_non_null(author);
    /* script content is raw text: no entity decoding, as in browsers */
    assert_string_equal(cfgval_get(author, "name")->s, "A &amp; B");
    assert_int_equal(v->items[1]->kind, CV_LIST);
    page_free(p);
}

static void test_page_errors(void **state)
{
    (void)state;
    page *p = page_of("", "e.html");
    assert_int_equal(page_parse(p), -1);
    assert_non_null(strstr(page_error(p), "empty"));
    size_t len;
    assert_string_equal(page_text(p, &len), "");
    assert_int_equal(len, 0);
    page_free(p);

    p = page_of(" \n\t ", "e.html");
    assert_int_equal(page_parse(p), -1);
    page_free(p);

    page_identity id = {"bin.html", "bin.html", NULL, NULL, NULL};
    char *bin = malloc(64);
    memcpy(bin, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    memset(bin + 16, 0, 48);
    p = page_new(&id, bin, 64);
    assert_int_equal(page_parse(p), -1);
    assert_non_null(strstr(page_error(p), "binary"));
    assert_null(page_doc(p));
    size_t n;
    page_links(p, &n);
    assert_int_equal(n, 0);
    page_free(p);

    p = page_of("<p>fine</p>", "ok.html");
    assert_int_equal(page_parse(p), 0);
    assert_int_equal(page_parse(p), 0);
    assert_null(page_error(p));
    page_free(p);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *html = malloc(depth * 11 + 64);
    size_t n = 0;
    n += (size_t)sprintf(html + n, "<body>");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(html + n, "<div><span>");
    n += (size_t)sprintf(html + n, "deep");
    page *p = page_of(html, "d.html");
    size_t len;
    page_text(p, &len);
    xmlNodePtr *out;
    size_t count;
    char *err;
    assert_int_equal(page_select(p, "div div span", &out, &count, &err), 0);
    free(out);
    page_links(p, &count);
    page_free(p);
    free(html);
}

static void test_identity(void **state)
{
    (void)state;
    page_identity id = {"pub/a.html", "a.html", "https://x/a.html", NULL, NULL};
    page *p = page_new(&id, strdup("<p>x</p>"), 8);
    assert_string_equal(page_path(p), "pub/a.html");
    assert_string_equal(page_site_path(p), "a.html");
    assert_string_equal(page_url(p), "https://x/a.html");
    assert_null(page_blob(p));
    page_free(p);
    page_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hidden_things_are_not_text),
        cmocka_unit_test(test_hidden_ancestor_hides_descendants),
        cmocka_unit_test(test_block_and_inline_boundaries),
        cmocka_unit_test(test_entities_decoded_then_normalized),
        cmocka_unit_test(test_find_is_linear_on_repetitive_text),
        cmocka_unit_test(test_find_agrees_with_a_plain_scan),
        cmocka_unit_test(test_lines_of_text_and_elements),
        cmocka_unit_test(test_lines_past_65535),
        cmocka_unit_test(test_links_meta_anchor),
        cmocka_unit_test(test_link_targets_over_a_folder),
        cmocka_unit_test(test_suppressions),
        cmocka_unit_test(test_jsonld),
        cmocka_unit_test(test_page_errors),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
