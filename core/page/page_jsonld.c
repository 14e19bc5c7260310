/* page_jsonld.c: <script type="application/ld+json"> blocks, parsed once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "json_read.h"
#include "page_priv.h"

static int is_jsonld_type(xmlNodePtr el)
{
    xmlChar *type = xmlGetProp(el, (const xmlChar *)"type");
    int yes = page_jsonld_type((const char *)type);
    xmlFree(type);
    return yes;
}

/* The event path kept each block's text (page_head.c). */
static void parse_bodies(page *p)
{
    for (size_t i = 0; i < p->jsonld_body_count; i++) {
        cfgval *v = NULL;
        const char *body = page_head_string(p, p->jsonld_bodies[i]);
        if (json_read(body, strlen(body), &v, NULL) == 0)
            cfgval_push(p->jsonld, v);   /* takes v, also on failure */
    }
}

const cfgval *page_jsonld(page *p)
{
    if (p->jsonld_done)
        return p->jsonld;
    p->jsonld_done = 1;
    p->jsonld = cfgval_list();
    if (!p->jsonld)
        return NULL;
    if (p->head_streamed) {
        parse_bodies(p);
        return p->jsonld;
    }
    xmlDocPtr doc = page_doc(p);
    xmlNodePtr n = doc ? xmlDocGetRootElement(doc) : NULL;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && page_name_is(n->name, "script") &&
            is_jsonld_type(n)) {
            xmlChar *body = xmlNodeGetContent(n);
            cfgval *v = NULL;
            if (body && json_read((const char *)body, strlen((const char *)body), &v,
                                  NULL) == 0)
                cfgval_push(p->jsonld, v);   /* takes v, also on failure */
            xmlFree(body);
        }
        /* document order, iteratively; a script's children are text, skip them */
        if (n->type == XML_ELEMENT_NODE && n->children && !page_name_is(n->name, "script")) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        if (n)
            n = n->next;
    }
    return p->jsonld;
}
