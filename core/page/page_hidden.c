/* page_hidden.c: whether a text is in the page but hidden from readers, and by
 * what, so a rule can say "the disclaimer is in the page but hidden by
 * display:none" instead of only "missing". Only what an author hides counts:
 * hidden elements, comments, <template> and <noscript>; not <head>, scripts or
 * styles. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "normalize.h"
#include "page.h"
#include "page_priv.h"

/* Why an element page_element_hidden() hides is hidden (page_hide_reason), for
   the tree. */
static const char *hidden_reason(xmlNodePtr n)
{
    if (n->type == XML_COMMENT_NODE)
        return "an HTML comment";
    xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
    const char *why = page_hide_reason((const char *)n->name,
                                xmlHasProp(n, (const xmlChar *)"hidden") != NULL,
                                (const char *)style);
    xmlFree(style);
    return why;
}

static const char *search(xmlNodePtr n, const char *needle)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE && n->type != XML_COMMENT_NODE)
            continue;
        if (page_element_hidden(n)) {
            const char *why = hidden_reason(n);
            if (!why)
                continue;
            xmlChar *content = xmlNodeGetContent(n);
            size_t len = 0;
            char *norm = content ? text_normalize((const char *)content,
                                                  strlen((const char *)content), &len, NULL)
                                 : NULL;
            int found = norm && strstr(norm, needle) != NULL;
            free(norm);
            xmlFree(content);
            if (found)
                return why;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE) {
            const char *why = search(n->children, needle);
            if (why)
                return why;
        }
    }
    return NULL;
}

/* The event path's hidden parts, in document order: the first that holds the
   needle, normalized once each (page_hidden_start and the others below). */
static const char *search_streamed(page *p, const char *needle)
{
    for (size_t i = 0; i < p->hidden_count; i++) {
        page_hidden_part *h = &p->hidden[i];
        if (!h->norm)
            h->norm = text_normalize(h->text, h->len, NULL, NULL);
        if (h->norm && strstr(h->norm, needle))
            return h->why;
    }
    return NULL;
}

const char *page_hidden_reason(page *p, const char *text, size_t len)
{
    if (page_parse(p) < 0 || !len)
        return NULL;
    int streamed = p->hidden_streamed && !p->hidden_incomplete;
    if (!streamed && !page_doc(p))
        return NULL;
    size_t nlen = 0;
    char *needle = text_normalize(text, len, &nlen, NULL);
    if (!needle || !nlen) {
        free(needle);
        return NULL;
    }
    const char *why = streamed ? search_streamed(p, needle)
                               : search(xmlDocGetRootElement(p->doc), needle);
    free(needle);
    return why;
}
