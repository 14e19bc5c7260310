/* fuzz_page.c: parse + every page view + selectors. The first line of the input,
 * when short, is also tried as a CSS selector and an XPath expression, so the
 * selector parser is fuzzed along with the page. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int odd_exists(void *ctx, const char *site_path)
{
    (void)ctx;
    return strlen(site_path) % 2;
}

static void run_selector(page *p, const char *css, int xpath)
{
    xmlNodePtr *out = NULL;
    size_t n = 0;
    char *err = NULL;
    int rc = xpath ? page_xpath(p, css, &out, &n, &err) : page_select(p, css, &out, &n, &err);
    for (size_t i = 0; rc == 0 && i < n && i < 50; i++) {
        size_t len;
        page_node_text(p, out[i], &len);
        page_node_visible(p, out[i]);
        page_node_line(p, out[i]);
        page_node_column(p, out[i]);
    }
    free(out);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    char *bytes = malloc(size ? size : 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, size);
    page_identity id = {"f/x.html", "f/x.html", NULL, NULL, NULL};
    page *p = page_new(&id, bytes, size);
    if (!p)
        return 0;
    page_set_resolver(p, odd_exists, NULL);
    if (page_parse(p) == 0) {
        size_t len, n;
        page_raw_text(p, &len);
        const char *t = page_text(p, &len);
        for (size_t off = 0; off < len; off += len / 7 + 1) {
            xmlNodePtr node;
            int line, col;
            page_text_locate(p, off, &node, &line, &col);
        }
        if (len > 4)
            page_text_find(p, t + len / 2, len - len / 2 < 16 ? len - len / 2 : 16, 0);
        page_text_find(p, "source:", 7, 0);
        const page_link *links = page_links(p, &n);
        for (size_t i = 0; i < n && i < 50; i++)
            page_link_target_exists(p, links[i].href);
        page_meta(p, "description");
        page_jsonld(p);
        page_suppressions(p, &n);
        page_anchor(p);
        run_selector(p, "article p > a[href*=privacy], .x#y", 0);
        run_selector(p, "*", 0);
        run_selector(p, "//a[@href]", 1);
        const char *nl = memchr(data, '\n', size);
        size_t first = nl ? (size_t)(nl - (const char *)data) : size;
        if (first < 80) {
            char sel[81];
            memcpy(sel, data, first);
            sel[first] = '\0';
            run_selector(p, sel, 0);
            run_selector(p, sel, 1);
        }
    }
    page_free(p);
    return 0;
}
