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
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "page_priv.h"

/* The value of attribute `name`: "" for a bare attribute, NULL when absent (as
   page_links.c's attr_borrow reads the tree). */
static const char *att(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcasecmp((const char *)atts[i], name) == 0)
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* A copy of s, or NULL for NULL; *failed set when out of memory. */
static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *failed = 1;
    return c;
}

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
    page_meta_tag m = {dup_or_null(att(atts, "name"), &failed),
                       dup_or_null(att(atts, "property"), &failed),
                       dup_or_null(att(atts, "content"), &failed)};
    if (failed) {
        free(m.name);
        free(m.property);
        free(m.content);
        return -1;
    }
    p->metas[p->meta_count++] = m;
    return 0;
}

int page_head_start(page *p, const xmlChar *name, const xmlChar **atts, size_t depth,
                    int *is_jsonld)
{
    const char *n = (const char *)name;
    *is_jsonld = 0;
    p->head_streamed = 1;   /* what is gathered is owned from here on */
    if (depth == 0) {
        /* the root, which page_lang reads when it is <html> */
        p->lang_done = 1;
        const char *lang = strcasecmp(n, "html") == 0 ? att(atts, "lang") : NULL;
        int failed = 0;
        p->lang = dup_or_null(lang, &failed);
        return failed ? -1 : 0;
    }
    if (strcasecmp(n, "meta") == 0)
        return add_meta(p, atts);
    if (strcasecmp(n, "script") == 0 && page_jsonld_type(att(atts, "type"))) {
        *is_jsonld = 1;
        if (!p->jsonld_text && !(p->jsonld_text = calloc(1, sizeof *p->jsonld_text)))
            return -1;
        buf_reset(p->jsonld_text);
        p->jsonld_open = 1;
        p->jsonld_open_depth = depth;
    }
    return 0;
}

int page_head_is_link(const xmlChar *name, const xmlChar **atts)
{
    return strcasecmp((const char *)name, "link") == 0 && att(atts, "rel") != NULL;
}

int page_head_link(page *p, const xmlChar **atts, xmlNodePtr node)
{
    p->head_streamed = 1;
    if (grow((void **)&p->link_elements, &p->link_element_cap, p->link_element_count,
             sizeof *p->link_elements) < 0)
        return -1;
    int failed = 0;
    page_link_element l = {dup_or_null(att(atts, "rel"), &failed),
                           dup_or_null(att(atts, "href"), &failed), node};
    if (failed) {
        free((char *)l.rel);
        free((char *)l.href);
        return -1;
    }
    p->link_elements[p->link_element_count++] = l;
    return 0;
}

int page_head_cdata(page *p, size_t depth, const xmlChar *ch, int len)
{
    if (!p->jsonld_open || depth != p->jsonld_open_depth + 1 || len <= 0)
        return 0;
    return buf_append(p->jsonld_text, ch, (size_t)len);
}

int page_head_end(page *p, size_t depth)
{
    if (!p->jsonld_open || depth != p->jsonld_open_depth)
        return 0;
    if (grow((void **)&p->jsonld_bodies, &p->jsonld_body_cap, p->jsonld_body_count,
             sizeof *p->jsonld_bodies) < 0)
        return -1;
    char *body = buf_detach(p->jsonld_text, NULL);
    if (!body)
        return -1;
    p->jsonld_bodies[p->jsonld_body_count++] = body;
    p->jsonld_open = 0;
    return 0;
}

void page_head_free(page *p)
{
    if (p->head_streamed) {
        for (size_t i = 0; i < p->meta_count; i++) {
            free(p->metas[i].name);
            free(p->metas[i].property);
            free(p->metas[i].content);
        }
        for (size_t i = 0; i < p->jsonld_body_count; i++)
            free(p->jsonld_bodies[i]);
        for (size_t i = 0; i < p->link_element_count; i++) {
            free((char *)p->link_elements[i].rel);
            free((char *)p->link_elements[i].href);
        }
        free(p->lang);
    }
    free(p->metas);
    free(p->jsonld_bodies);
    buf_free(p->jsonld_text);
    free(p->jsonld_text);
    p->jsonld_text = NULL;
    p->jsonld_open = 0;
    free(p->link_elements);
    p->metas = NULL;
    p->jsonld_bodies = NULL;
    p->link_elements = NULL;
    p->lang = NULL;
    p->meta_count = p->meta_cap = p->jsonld_body_count = p->jsonld_body_cap = 0;
    p->link_element_count = p->link_element_cap = 0;
    p->lang_done = p->link_elements_done = 0;
    p->head_streamed = 0;
}
