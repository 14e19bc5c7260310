/* crawl.c: URL normalization, the URL set and link extraction (see crawl.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include "crawl.h"
#include "http_fetch.h"

/* HTML strips ASCII white space around attribute URLs. */
static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
        s++;
    return s;
}

int href_is_same_document(const char *href)
{
    href = skip_space(href);
    return *href == '\0' || *href == '#';
}

char *url_normalize(const char *base, const char *href)
{
    if (!href)
        return NULL;
    href = skip_space(href);
    CURLU *u = curl_url();
    char *got = NULL, *out = NULL;
    if (!u)
        return NULL;
    if (base && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        goto done;
    /* An empty or fragment-only reference is the base document itself; libcurl
       would resolve it to the base's folder ("#top" on /a/b.html gives /a/). */
    if ((!base || !href_is_same_document(href)) &&
        curl_url_set(u, CURLUPART_URL, href, 0) != CURLUE_OK)
        goto done;
    char *scheme = NULL, *port = NULL;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto done;
    int http = strcasecmp(scheme, "http") == 0, https = strcasecmp(scheme, "https") == 0;
    curl_free(scheme);
    if (!http && !https)
        goto done;
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
        if ((http && strcmp(port, "80") == 0) || (https && strcmp(port, "443") == 0))
            curl_url_set(u, CURLUPART_PORT, NULL, 0);
        curl_free(port);
    }
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    char *host = NULL;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        for (char *p = host; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        curl_url_set(u, CURLUPART_HOST, host, 0);
        curl_free(host);
    }
    if (curl_url_get(u, CURLUPART_URL, &got, 0) != CURLUE_OK)
        goto done;
    out = strdup(got);
done:
    curl_free(got);
    curl_url_cleanup(u);
    return out;
}

/* ---- the set: open addressing, FNV-1a ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t find_slot(char **slots, size_t cap, const char *s)
{
    size_t i = (size_t)hash_str(s) & (cap - 1);
    while (slots[i] && strcmp(slots[i], s) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

int url_set_has(const url_set *s, const char *url)
{
    return s->cap && s->slots[find_slot(s->slots, s->cap, url)] != NULL;
}

int url_set_add(url_set *s, const char *url)
{
    if ((s->count + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i])
                slots[find_slot(slots, cap, s->slots[i])] = s->slots[i];
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    size_t i = find_slot(s->slots, s->cap, url);
    if (s->slots[i])
        return 0;
    if (!(s->slots[i] = strdup(url)))
        return -1;
    s->count++;
    return 1;
}

void url_set_free(url_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

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
