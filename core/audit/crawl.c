/* crawl.c: the links of a fetched page, for --crawl (see crawl.h); the URL helpers
 * it uses are source/url.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include "crawl.h"
#include "http_fetch.h"

/* ---- links ---- */

typedef struct link_walk {
    const char *base;
    int has_base;            /* a <base href> set `base` */
    char *origin;
    url_set seen;
    char **links;
    size_t count, cap;
    int oom;
} link_walk;

static void add_link(link_walk *w, const char *href)
{
    /* "#main" and "" name this page, never another URL to fetch. With a <base
       href> they name the base document, as a click in a browser does. */
    if (!w->has_base && href_is_same_document(href))
        return;
    char *url = url_normalize(w->base, href);
    if (!url)
        return;
    char *origin = http_origin(url);
    int same = origin && strcmp(origin, w->origin) == 0;
    free(origin);
    int added = same ? url_set_add(&w->seen, url) : 0;
    if (added < 0)
        w->oom = 1;
    if (added != 1) {
        free(url);
        return;
    }
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        char **grown = realloc(w->links, cap * sizeof *grown);
        if (!grown) {
            w->oom = 1;
            free(url);
            return;
        }
        w->links = grown;
        w->cap = cap;
    }
    w->links[w->count++] = url;
}

static void walk_nodes(link_walk *w, xmlNodePtr n)
{
    /* Iterative pre-order walk: deep documents must not exhaust the stack. */
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->name) {
            const char *name = (const char *)n->name;
            if (strcasecmp(name, "a") == 0 || strcasecmp(name, "area") == 0) {
                xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
                if (href) {
                    add_link(w, (const char *)href);
                    xmlFree(href);
                }
            }
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
}

static char *base_href(xmlNodePtr n)
{
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->name &&
            strcasecmp((const char *)n->name, "base") == 0) {
            xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
            char *out = href ? strdup((const char *)href) : NULL;
            xmlFree(href);
            return out;
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
    return NULL;
}

int crawl_links(const char *page_url, const char *html, size_t len, char ***out,
                size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    if (len > 0x7fffffff)
        len = 0x7fffffff;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, page_url, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                        HTML_PARSE_COMPACT);
    if (!doc)
        return 0;   /* nothing parseable: no links */
    link_walk w;
    memset(&w, 0, sizeof w);
    w.origin = http_origin(page_url);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *base = base_href(root);
    char *resolved_base = base ? url_normalize(page_url, base) : NULL;
    w.base = resolved_base ? resolved_base : page_url;
    w.has_base = resolved_base != NULL;
    if (w.origin)
        walk_nodes(&w, root);
    free(base);
    free(resolved_base);
    free(w.origin);
    url_set_free(&w.seen);
    xmlFreeDoc(doc);
    if (w.oom) {
        crawl_links_free(w.links, w.count);
        return -1;
    }
    *out = w.links;
    *count_out = w.count;
    return 0;
}

void crawl_links_free(char **links, size_t count)
{
    for (size_t i = 0; links && i < count; i++)
        free(links[i]);
    free(links);
}
