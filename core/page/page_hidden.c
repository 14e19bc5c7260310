/* page_hidden.c: whether a text is in the page but hidden from readers, and by
 * what, so a rule can say "the disclaimer is in the page but hidden by
 * display:none" instead of only "missing". Only what an author hides counts:
 * hidden elements, comments, <template> and <noscript>; not <head>, scripts or
 * styles. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "normalize.h"
#include "page.h"
#include "page_priv.h"

/* The style declaration that hides, as the author would recognise it. */
static const char *style_reason(const char *style)
{
    char compact[256];
    size_t n = 0;
    for (const char *s = style; *s && n + 1 < sizeof compact; s++)
        if (!isspace((unsigned char)*s))
            compact[n++] = (char)tolower((unsigned char)*s);
    compact[n] = '\0';
    return strstr(compact, "display:none") ? "display:none" : "visibility:hidden";
}

/* Why an element page_element_hidden() hides is hidden, or NULL when it is one
   of the parts of a page that never show (head, script, style). */
static const char *hidden_reason(xmlNodePtr n)
{
    if (n->type == XML_COMMENT_NODE)
        return "an HTML comment";
    const char *name = (const char *)n->name;
    if (strcasecmp(name, "head") == 0 || strcasecmp(name, "script") == 0 ||
        strcasecmp(name, "style") == 0)
        return NULL;
    if (strcasecmp(name, "template") == 0)
        return "<template>";
    if (strcasecmp(name, "noscript") == 0)
        return "<noscript>";
    if (xmlHasProp(n, (const xmlChar *)"hidden"))
        return "the hidden attribute";
    xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
    if (style) {
        const char *why = style_reason((const char *)style);
        xmlFree(style);
        return why;
    }
    return "aria-hidden=\"true\"";
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

const char *page_hidden_reason(page *p, const char *text, size_t len)
{
    if (page_parse(p) < 0 || !page_doc(p) || !len)
        return NULL;
    size_t nlen = 0;
    char *needle = text_normalize(text, len, &nlen, NULL);
    if (!needle || !nlen) {
        free(needle);
        return NULL;
    }
    const char *why = search(xmlDocGetRootElement(p->doc), needle);
    free(needle);
    return why;
}
