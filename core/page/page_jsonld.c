/* page_jsonld.c: <script type="application/ld+json"> blocks, parsed once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "json_read.h"
#include "page_priv.h"

/* type="application/ld+json", ignoring case, spaces and parameters. */
static int is_jsonld_type(xmlNodePtr el)
{
    xmlChar *type = xmlGetProp(el, (const xmlChar *)"type");
    if (!type)
        return 0;
    const char *t = (const char *)type;
    while (*t == ' ' || *t == '\t' || *t == '\n')
        t++;
    int yes = strncasecmp(t, "application/ld+json", 19) == 0 &&
              (t[19] == '\0' || t[19] == ';' || t[19] == ' ' || t[19] == '\t');
    xmlFree(type);
    return yes;
}

const cfgval *page_jsonld(page *p)
{
    if (p->jsonld_done)
        return p->jsonld;
    p->jsonld_done = 1;
    p->jsonld = cfgval_list();
    if (!p->jsonld)
        return NULL;
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
