/* page_links.c: the page's links and <meta> values. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "normalize.h"
#include "page_priv.h"

/* The value of attribute `name` (any case) as the tree holds it, entities decoded.
 * Borrowed from the document; NULL when absent, "" for a bare attribute. */
static const char *attr_borrow(xmlNodePtr el, const char *name)
{
    for (xmlAttrPtr a = el->properties; a; a = a->next) {
        if (strcasecmp((const char *)a->name, name) != 0)
            continue;
        if (!a->children)
            return "";
        if (a->children->type == XML_TEXT_NODE && !a->children->next)
            return a->children->content ? (const char *)a->children->content : "";
        /* several children only come from entity nodes, which HTML never makes */
        return (const char *)a->children->content;
    }
    return NULL;
}

/* Next element after n in document order within the whole tree. */
static xmlNodePtr next_element(xmlNodePtr n)
{
    for (;;) {
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
        } else {
            while (n && !n->next)
                n = n->parent;
            if (!n)
                return NULL;
            n = n->next;
        }
        if (n->type == XML_ELEMENT_NODE)
            return n;
    }
}

static int add_link(page *p, size_t *cap, xmlNodePtr a, const char *href)
{
    if (p->link_count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        page_link *l = realloc(p->links, ncap * sizeof *l);
        if (!l)
            return -1;
        p->links = l;
        *cap = ncap;
    }
    /* href is borrowed from the tree; text is made on first use (page_link_text),
       owned and freed in page_links_free */
    p->links[p->link_count++] = (page_link){href, NULL, a, page_node_visible(p, a)};
    return 0;
}

const char *page_link_text(page *p, size_t i)
{
    page_link *l = &p->links[i];
    if (!l->text) {
        size_t raw_len;
        const char *raw = page_node_text(p, l->node, &raw_len);
        l->text = text_normalize(raw ? raw : "", raw ? raw_len : 0, NULL, NULL);
    }
    return l->text ? l->text : "";
}

const page_link *page_links(page *p, size_t *count_out)
{
    if (!p->links_done) {
        p->links_done = 1;
        xmlDocPtr doc = page_doc(p);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        size_t cap = 0;
        for (xmlNodePtr n = root; n; n = next_element(n)) {
            if (!page_name_is(n->name, "a"))
                continue;
            const char *href = attr_borrow(n, "href");
            if (href && add_link(p, &cap, n, href) < 0)
                break;   /* out of memory: the links found so far */
        }
    }
    *count_out = p->link_count;
    return p->links;
}

/* Whether hay contains needle, ASCII letters compared without case; needle is
 * lowercase already. Like string.lower(hay):find(needle, 1, true) without the copy. */
static int contains_ascii_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 1;
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] && tolower((unsigned char)hay[k]) == (unsigned char)needle[k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

int page_link_matches(page *p, size_t i, const page_link_filter *f)
{
    const page_link *l = &p->links[i];
    if (f->visible >= 0 && l->visible != f->visible)
        return 0;
    if (f->href_count == 0 && f->text_count == 0)
        return 1;
    for (size_t k = 0; k < f->href_count; k++)
        if (contains_ascii_nocase(l->href, f->href_contains[k]))
            return 1;
    if (f->text_count == 0)
        return 0;
    const char *text = page_link_text(p, i);
    for (size_t k = 0; k < f->text_count; k++)
        if (strstr(text, f->text_contains[k]))
            return 1;
    return 0;
}

/* The first <meta> whose name, else property, is `name`: its content. */
static const char *streamed_meta(const page *p, const char *name)
{
    for (size_t i = 0; i < p->meta_count; i++) {
        const page_meta_tag *m = &p->metas[i];
        const char *key = page_head_string(p, m->name);
        if (!key || strcasecmp(key, name) != 0)
            key = page_head_string(p, m->property);
        if (key && strcasecmp(key, name) == 0)
            return page_head_string(p, m->content);
    }
    return NULL;
}

const char *page_meta(page *p, const char *name)
{
    if (!name)
        return NULL;
    if (p->head_streamed)
        return streamed_meta(p, name);
    xmlDocPtr doc = page_doc(p);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr n = root; n; n = next_element(n)) {
        if (!page_name_is(n->name, "meta"))
            continue;
        const char *key = attr_borrow(n, "name");
        if (!key || strcasecmp(key, name) != 0)
            key = attr_borrow(n, "property");
        if (key && strcasecmp(key, name) == 0)
            return attr_borrow(n, "content");
    }
    return NULL;
}

const char *page_lang(page *p)
{
    if (!p->lang_done && p->head_streamed) {
        p->lang_done = 1;
        p->lang = page_head_string(p, p->lang_off);
    } else if (!p->lang_done) {
        p->lang_done = 1;
        xmlDocPtr doc = page_doc(p);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        /* borrowed from the tree (owned only on the event path) */
        if (root && page_name_is(root->name, "html"))
            p->lang = attr_borrow(root, "lang");
    }
    return p->lang;
}

const page_link_element *page_link_elements(page *p, size_t *count_out)
{
    if (!p->link_elements_done && p->head_streamed) {
        p->link_elements_done = 1;
        if (page_head_link_elements(p) < 0)
            p->link_element_count = 0;   /* out of memory: none */
    } else if (!p->link_elements_done) {
        p->link_elements_done = 1;
        xmlDocPtr doc = page_doc(p);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        for (xmlNodePtr n = root; n; n = next_element(n)) {
            const char *rel = page_name_is(n->name, "link") ? attr_borrow(n, "rel") : NULL;
            if (!rel)
                continue;
            if (p->link_element_count == p->link_element_cap) {
                size_t cap = p->link_element_cap ? p->link_element_cap * 2 : 8;
                page_link_element *l = realloc(p->link_elements, cap * sizeof *l);
                if (!l)
                    break;   /* out of memory: those found so far */
                p->link_elements = l;
                p->link_element_cap = cap;
            }
            p->link_elements[p->link_element_count++] =
                (page_link_element){rel, attr_borrow(n, "href"), n};
        }
    }
    *count_out = p->link_element_count;
    return p->link_elements;
}

void page_links_free(page *p)
{
    for (size_t i = 0; i < p->link_count; i++) {
        free((char *)p->links[i].text);
        if (p->streamed)   /* no tree to borrow the href from */
            free((char *)p->links[i].href);
    }
    free(p->links);
}
