/* fuzz_page.c: parse + every page view + selectors. The first line of the input,
 * when short, is also tried as a CSS selector and an XPath expression, so the
 * selector parser is fuzzed along with the page. The same bytes are then read
 * again from parser events (no tree, as when no rule needs one) and every view
 * that path builds must equal the tree's: a difference aborts. */
#include <stdint.h>
#include <stdio.h>
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

static void differ(const char *what)
{
    fprintf(stderr, "fuzz_page: the event path differs from the tree: %s\n", what);
    abort();
}

static page *page_over(const uint8_t *data, size_t size, unsigned needs)
{
    char *bytes = malloc(size ? size : 1);
    if (!bytes)
        return NULL;
    memcpy(bytes, data, size);
    page_identity id = {"f/x.html", "f/x.html", NULL, NULL, NULL};
    page *p = page_new(&id, bytes, size);
    if (p) {
        page_set_resolver(p, odd_exists, NULL);
        page_set_needs(p, needs);
    }
    return p;
}

static void same_text(page *a, page *b, const char *what, int raw)
{
    size_t la, lb;
    const char *ta = raw ? page_raw_text(a, &la) : page_text(a, &la);
    const char *tb = raw ? page_raw_text(b, &lb) : page_text(b, &lb);
    if (la != lb || memcmp(ta, tb, la) != 0)
        differ(what);
}

static void same_hidden(page *a, page *b, const char *needle, size_t len)
{
    const char *wa = page_hidden_reason(a, needle, len);
    const char *wb = page_hidden_reason(b, needle, len);
    if (!wa != !wb || (wa && strcmp(wa, wb) != 0))
        differ("hidden text");
}

static int same_value(const cfgval *a, const cfgval *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->count != b->count)
        return 0;
    switch (a->kind) {
    case CV_BOOL: return a->b == b->b;
    case CV_NUM: return a->n == b->n;
    case CV_STR: return a->slen == b->slen && memcmp(a->s, b->s, a->slen) == 0;
    case CV_LIST:
    case CV_MAP:
        for (size_t i = 0; i < a->count; i++)
            if ((a->kind == CV_MAP && strcmp(a->keys[i], b->keys[i]) != 0) ||
                !same_value(a->items[i], b->items[i]))
                return 0;
        return 1;
    default: return 1;
    }
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The head views (meta, JSON-LD, lang, <link rel>) and hidden text of both. */
static void compare_head(page *d, page *s)
{
    static const char *const metas[] = {"description", "generator", "og:type", "robots",
                                        "article:published_time", "x"};
    for (size_t i = 0; i < sizeof metas / sizeof *metas; i++)
        if (!same_string(page_meta(d, metas[i]), page_meta(s, metas[i])))
            differ("meta");
    if (!same_value(page_jsonld(d), page_jsonld(s)))
        differ("JSON-LD");
    if (!same_string(page_lang(d), page_lang(s)))
        differ("lang");
    size_t nd, ns;
    const page_link_element *ld = page_link_elements(d, &nd), *ls = page_link_elements(s, &ns);
    if (nd != ns)
        differ("link element count");
    for (size_t i = 0; i < nd; i++)
        if (!same_string(ld[i].rel, ls[i].rel) || !same_string(ld[i].href, ls[i].href) ||
            page_node_line(d, ld[i].node) != page_node_line(s, ls[i].node) ||
            page_node_column(d, ld[i].node) != page_node_column(s, ls[i].node))
            differ("link element");
    static const char *const hidden[] = {"source", "a", "x", "privacy", "third-party"};
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
        if (!same_string(page_hidden_reason(d, hidden[i], strlen(hidden[i])),
                         page_hidden_reason(s, hidden[i], strlen(hidden[i]))))
            differ("hidden text");
}

/* Both paths over the same bytes: the views the event path builds are equal. */
static void compare_paths(const uint8_t *data, size_t size)
{
    page *d = page_over(data, size, PAGE_NEED_ALL);
    page *s = page_over(data, size, PAGE_NEED_TEXT | PAGE_NEED_LINKS | PAGE_NEED_META |
                                        PAGE_NEED_JSONLD | PAGE_NEED_HEAD);
    if (!d || !s)
        goto done;
    int rd = page_parse(d), rs = page_parse(s);
    if (rd != rs)
        differ("parse result");
    if (rd < 0) {
        if (strcmp(page_error(d), page_error(s)) != 0 || page_error_line(d) != page_error_line(s))
            differ("page error");
        goto done;
    }
    same_text(d, s, "raw text", 1);
    same_text(d, s, "text", 0);
    size_t len;
    page_text(d, &len);
    for (size_t off = 0; off < len; off += len / 13 + 1) {
        int l1, c1, l2, c2;
        page_text_locate(d, off, NULL, &l1, &c1);
        page_text_locate(s, off, NULL, &l2, &c2);
        if (l1 != l2 || c1 != c2)
            differ("text position");
    }
    size_t nd, ns;
    const page_link *ld = page_links(d, &nd), *ls = page_links(s, &ns);
    if (nd != ns)
        differ("link count");
    for (size_t i = 0; i < nd; i++)
        if (strcmp(ld[i].href, ls[i].href) || strcmp(page_link_text(d, i), page_link_text(s, i)) ||
            ld[i].visible != ls[i].visible ||
            page_node_line(d, ld[i].node) != page_node_line(s, ls[i].node) ||
            page_node_column(d, ld[i].node) != page_node_column(s, ls[i].node))
            differ("link");
    xmlNodePtr ad = page_anchor(d), as = page_anchor(s);
    if (!ad != !as || (ad && (page_node_line(d, ad) != page_node_line(s, as) ||
                              page_node_column(d, ad) != page_node_column(s, as))))
        differ("anchor");
    const page_suppression *sd = page_suppressions(d, &nd), *ss = page_suppressions(s, &ns);
    if (nd != ns)
        differ("suppression count");
    for (size_t i = 0; i < nd; i++)
        if (sd[i].line != ss[i].line || sd[i].column != ss[i].column ||
            sd[i].rule_count != ss[i].rule_count)
            differ("suppression");
    /* hidden text: the tree's search against the parts the events kept, for a
       fixed needle and for texts of the page itself (what follows a '>') */
    same_hidden(d, s, "source", 6);
    size_t tried = 0;
    for (size_t i = 0; i + 1 < size && tried < 12; i++) {
        if (data[i] != '>')
            continue;
        size_t n = 0;
        while (i + 1 + n < size && n < 16 && data[i + 1 + n] != '<')
            n++;
        if (n) {
            same_hidden(d, s, (const char *)data + i + 1, n);
            tried++;
        }
    }
    /* and windows of the page with its tags taken out, which cross block ends */
    char *bare = malloc(size + 1);
    size_t blen = 0;
    for (size_t i = 0, in_tag = 0; bare && i < size; i++) {
        if (data[i] == '<')
            in_tag = 1;
        else if (data[i] == '>')
            in_tag = 0;
        else if (!in_tag)
            bare[blen++] = (char)data[i];
    }
    for (size_t off = 0; bare && off < blen; off += blen / 9 + 1)
        same_hidden(d, s, bare + off, blen - off < 24 ? blen - off : 24);
    free(bare);
    compare_head(d, s);
done:
    page_free(d);
    page_free(s);
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
        page_lang(p);
        page_link_elements(p, &n);
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
    compare_paths(data, size);
    return 0;
}
