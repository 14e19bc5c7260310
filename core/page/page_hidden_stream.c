/* page_hidden_stream.c: the parts of a page hidden from readers, gathered from
 * the event path's handlers so that page:hidden_text() needs no tree: the same
 * parts, in the same order, that page_hidden.c's search() walks in the tree (the
 * outermost hidden element's whole text, each comment outside any), each with
 * its reason. Where the events cannot give a part's text exactly (a script or
 * style body inside it, which the event path skips unread), the page is marked
 * incomplete and the search takes the tree. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "page_priv.h"

static int add_part(page *p, const char *why, char *text, size_t len)
{
    if (p->hidden_count == p->hidden_cap) {
        size_t cap = p->hidden_cap ? p->hidden_cap * 2 : 8;
        page_hidden_part *h = realloc(p->hidden, cap * sizeof *h);
        if (!h)
            return -1;
        p->hidden = h;
        p->hidden_cap = cap;
    }
    p->hidden[p->hidden_count++] = (page_hidden_part){why, text, len, NULL};
    return 0;
}

static const char *att(const xmlChar **atts, const char *name, int *bare)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcasecmp((const char *)atts[i], name) == 0) {
            *bare = atts[i + 1] == NULL;
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
        }
    return NULL;
}

int page_hidden_start(page *p, const xmlChar *name, const xmlChar **atts, size_t depth,
                      int hides)
{
    p->hidden_streamed = 1;
    if (p->hidden_open) {
        /* script and style bodies inside a hidden part are skipped unread by the
           event path, but are part of its text in the tree */
        if (p->hidden_why && (page_name_is(name, "script") || page_name_is(name, "style")))
            p->hidden_incomplete = 1;
        return 0;
    }
    if (!hides)
        return 0;
    /* the outermost hidden element: search() looks no deeper */
    int bare_style = 0, bare_hidden = 0;
    const char *style = att(atts, "style", &bare_style);
    const char *why = page_hide_reason((const char *)name, att(atts, "hidden", &bare_hidden) != NULL,
                                style);
    if (bare_style)   /* the tree's reading of a valueless style is not mirrored */
        p->hidden_incomplete = 1;
    p->hidden_open = 1;
    p->hidden_depth = depth;
    p->hidden_why = why;
    if (!p->hidden_text && !(p->hidden_text = calloc(1, sizeof *p->hidden_text)))
        return -1;
    buf_reset(p->hidden_text);
    return 0;
}

int page_hidden_chars(page *p, const xmlChar *ch, size_t len)
{
    if (!p->hidden_open || !p->hidden_why)
        return 0;
    return buf_append(p->hidden_text, ch, len);
}

int page_hidden_end(page *p, size_t depth)
{
    if (!p->hidden_open || depth != p->hidden_depth)
        return 0;
    p->hidden_open = 0;
    if (!p->hidden_why)
        return 0;
    size_t len = 0;
    char *text = buf_detach(p->hidden_text, &len);
    if (!text || add_part(p, p->hidden_why, text, len) < 0) {
        free(text);
        return -1;
    }
    return 0;
}

int page_hidden_comment(page *p, const char *value, int counts)
{
    p->hidden_streamed = 1;
    if (p->hidden_open || !counts)
        return 0;
    char *text = strdup(value);
    if (!text || add_part(p, "an HTML comment", text, strlen(text)) < 0) {
        free(text);
        return -1;
    }
    return 0;
}

void page_hidden_free(page *p)
{
    for (size_t i = 0; i < p->hidden_count; i++) {
        free(p->hidden[i].text);
        free(p->hidden[i].norm);
    }
    free(p->hidden);
    buf_free(p->hidden_text);
    free(p->hidden_text);
    p->hidden_text = NULL;
    p->hidden = NULL;
    p->hidden_count = p->hidden_cap = 0;
    p->hidden_open = p->hidden_streamed = p->hidden_incomplete = 0;
}
