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

/* Whether the needle is in text once normalized. */
static int text_holds(const char *text, size_t len, const char *needle)
{
    size_t nlen = 0;
    char *norm = text ? text_normalize(text, len, &nlen, NULL) : NULL;
    int found = norm && strstr(norm, needle) != NULL;
    free(norm);
    return found;
}

/* The first hidden part in document order that holds the needle: an element's
   text as the page text would read it shown (blocks apart, its own hidden parts
   left out), a comment's text as it is. */
static const char *search(xmlNodePtr n, const char *needle)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE && n->type != XML_COMMENT_NODE)
            continue;
        if (page_element_hidden(n)) {
            const char *why = hidden_reason(n);
            if (!why)
                continue;
            int found;
            if (n->type == XML_COMMENT_NODE) {
                const char *c = (const char *)n->content;
                found = c && text_holds(c, strlen(c), needle);
            } else {
                size_t len = 0;
                char *text = page_collect_text(n, &len, NULL, NULL);
                found = text_holds(text, len, needle);
                free(text);
            }
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
    if (page_parse(p) < 0 || !len)
        return NULL;
    size_t nlen = 0;
    char *needle = text_normalize(text, len, &nlen, NULL);
    if (!needle || !nlen) {
        free(needle);
        return NULL;
    }
    const char *why = NULL;
    if (p->streamed) {
        /* the event path kept the hidden parts: no tree to build for them */
        for (size_t i = 0; i < p->stream_hidden_count && !why; i++) {
            const page_hidden_part *h = &p->stream_hidden[i];
            if (text_holds(h->text, h->len, needle))
                why = h->why;
        }
    } else if (page_doc(p)) {
        why = search(xmlDocGetRootElement(p->doc), needle);
    }
    free(needle);
    return why;
}
