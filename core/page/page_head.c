/* page_head.c: what the head views (page_meta, page_jsonld, page_lang,
 * page_link_elements) read, gathered from the event path's start, end and script
 * body events, so that rules reading them keep a page off the tree.
 *
 * Each mirrors the tree walk of its view exactly: every <meta> and every <link rel>
 * of the document in order (head or body, hidden or not), the lang attribute of
 * the root element, and the text of each <script> whose type is
 * application/ld+json, which libxml2 hands over in the same script body events
 * the tree builder turns into the script's text. Attribute names arrive
 * lowercased and without duplicates (the parser drops a repeated one), values
 * with entities decoded, as the tree holds them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "page_priv.h"

static int grow(void **arr, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 8;
    void *a = realloc(*arr, n * size);
    if (!a)
        return -1;
    *arr = a;
    *cap = n;
    return 0;
}

/* s into p->head_strings: its offset, PAGE_HEAD_NONE for NULL; *failed set when
   out of memory. One buffer for every string: a page has dozens of <meta>s. */
static size_t keep(page *p, const char *s, int *failed)
{
    if (!s)
        return PAGE_HEAD_NONE;
    if (!p->head_strings && !(p->head_strings = calloc(1, sizeof *p->head_strings))) {
        *failed = 1;
        return PAGE_HEAD_NONE;
    }
    size_t off = p->head_strings->len;
    if (buf_append(p->head_strings, s, strlen(s) + 1) < 0)
        *failed = 1;
    return off;
}

const char *page_head_string(const page *p, size_t off)
{
    return off == PAGE_HEAD_NONE ? NULL : p->head_strings->data + off;
}

int page_jsonld_type(const char *type)
{
    if (!type)
        return 0;
    while (*type == ' ' || *type == '\t' || *type == '\n')
        type++;
    return strncasecmp(type, "application/ld+json", 19) == 0 &&
           (type[19] == '\0' || type[19] == ';' || type[19] == ' ' || type[19] == '\t');
}

static int add_meta(page *p, const xmlChar **atts)
{
    if (grow((void **)&p->metas, &p->meta_cap, p->meta_count, sizeof *p->metas) < 0)
        return -1;
    int failed = 0;
    page_meta_tag m;
    m.name = keep(p, page_att(atts, "name"), &failed);
    m.property = keep(p, page_att(atts, "property"), &failed);
    m.content = keep(p, page_att(atts, "content"), &failed);
    if (failed)
        return -1;
    p->metas[p->meta_count++] = m;
    return 0;
}

int page_head_start(page *p, const xmlChar *name, const xmlChar **atts, size_t depth,
                    int *is_jsonld)
{
    *is_jsonld = 0;
    p->head_streamed = 1;
    int failed = 0;
    if (depth == 0) {
        /* the root, which page_lang reads when it is <html> */
        p->lang_off = keep(p, page_name_is(name, "html") ? page_att(atts, "lang") : NULL, &failed);
        return failed ? -1 : 0;
    }
    if (page_name_is(name, "meta"))
        return add_meta(p, atts);
    if (page_name_is(name, "script") && page_jsonld_type(page_att(atts, "type"))) {
        /* its text goes straight into the strings: no element can open inside */
        *is_jsonld = 1;
        p->jsonld_open_off = keep(p, "", &failed);
        if (failed)
            return -1;
        p->head_strings->len--;   /* the text goes where its NUL was */
        p->jsonld_open = 1;
        p->jsonld_open_depth = depth;
    }
    return 0;
}

int page_head_is_link(const xmlChar *name, const xmlChar **atts)
{
    return page_name_is(name, "link") && page_att(atts, "rel") != NULL;
}

int page_head_link(page *p, const xmlChar **atts, int line, size_t k)
{
    p->head_streamed = 1;
    if (grow((void **)&p->head_links, &p->head_link_cap, p->head_link_count,
             sizeof *p->head_links) < 0)
        return -1;
    int failed = 0;
    struct page_head_link l = {keep(p, page_att(atts, "rel"), &failed),
                               keep(p, page_att(atts, "href"), &failed), line, k};
    if (failed)
        return -1;
    p->head_links[p->head_link_count++] = l;
    return 0;
}

int page_head_cdata(page *p, size_t depth, const xmlChar *ch, int len)
{
    if (!p->jsonld_open || depth != p->jsonld_open_depth + 1 || len <= 0)
        return 0;
    return buf_append(p->head_strings, ch, (size_t)len);
}

int page_head_end(page *p, size_t depth)
{
    if (!p->jsonld_open || depth != p->jsonld_open_depth)
        return 0;
    if (grow((void **)&p->jsonld_bodies, &p->jsonld_body_cap, p->jsonld_body_count,
             sizeof *p->jsonld_bodies) < 0 ||
        buf_putc(p->head_strings, '\0') < 0)
        return -1;
    p->jsonld_bodies[p->jsonld_body_count++] = p->jsonld_open_off;
    p->jsonld_open = 0;
    return 0;
}

/* The <link rel>s with stand-in nodes (line, and in psvi the k for the column, as
   page_stream.c's stand-ins), made when a rule first asks: one block for all. */
int page_head_link_elements(page *p)
{
    size_t n = p->head_link_count;
    if (n == 0)
        return 0;
    p->link_elements = malloc(n * sizeof *p->link_elements);
    xmlNode *nodes = calloc(n, sizeof *nodes);
    p->head_nodes = malloc(sizeof *p->head_nodes);
    if (!p->link_elements || !nodes || !p->head_nodes) {
        free(nodes);
        return -1;
    }
    p->head_nodes[0] = nodes;
    p->head_node_count = 1;
    for (size_t i = 0; i < n; i++) {
        const struct page_head_link *l = &p->head_links[i];
        nodes[i].type = XML_ELEMENT_NODE;
        nodes[i].name = (const xmlChar *)"link";   /* static: never freed */
        nodes[i].line = (unsigned short)l->line;
        nodes[i].psvi = (void *)(uintptr_t)l->k;
        p->link_elements[i] = (page_link_element){page_head_string(p, l->rel),
                                                  page_head_string(p, l->href), &nodes[i]};
    }
    p->link_element_count = p->link_element_cap = n;
    return 0;
}

void page_head_free(page *p)
{
    if (p->head_strings) {
        buf_free(p->head_strings);
        free(p->head_strings);
    }
    for (size_t i = 0; i < p->head_node_count; i++)
        free(p->head_nodes[i]);
    free(p->head_nodes);
    free(p->metas);
    free(p->jsonld_bodies);
    free(p->head_links);
    free(p->link_elements);
    p->head_strings = NULL;
    p->head_nodes = NULL;
    p->metas = NULL;
    p->jsonld_bodies = NULL;
    p->head_links = NULL;
    p->link_elements = NULL;
    p->lang = NULL;
    p->head_node_count = p->meta_count = p->meta_cap = 0;
    p->jsonld_body_count = p->jsonld_body_cap = p->head_link_count = p->head_link_cap = 0;
    p->link_element_count = p->link_element_cap = 0;
    p->jsonld_open = 0;
    p->lang_done = p->link_elements_done = 0;
    p->head_streamed = 0;
}
