/* page_hide.c: what hides an element from readers and what breaks text into
 * blocks, from an element's name and attributes alone. No tree and no page here:
 * the tree walk (page_text.c) and the event path (page_stream.c) both ask. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "page_priv.h"

/* Elements that do not break text: everything else is treated as a block, since a
 * space too many is harmless and a word glued to the next is not. The HTML parser
 * lowercases names; the list is searched by first letter, as this runs for every
 * element of every page. */
static const char *const inline_names[26][8] = {
    ['a' - 'a'] = {"a", "abbr", "acronym"},
    ['b' - 'a'] = {"b", "bdi", "bdo", "big", "button"},
    ['c' - 'a'] = {"cite", "code"},
    ['d' - 'a'] = {"data", "del", "dfn"},
    ['e' - 'a'] = {"em"},
    ['f' - 'a'] = {"font"},
    ['i' - 'a'] = {"i", "img", "input", "ins"},
    ['k' - 'a'] = {"kbd"},
    ['l' - 'a'] = {"label"},
    ['m' - 'a'] = {"mark", "meter"},
    ['n' - 'a'] = {"nobr"},
    ['o' - 'a'] = {"output"},
    ['p' - 'a'] = {"progress"},
    ['q' - 'a'] = {"q"},
    ['r' - 'a'] = {"ruby", "rp", "rt"},
    ['s' - 'a'] = {"s", "samp", "select", "small", "span", "strike", "strong", "sub"},
    ['t' - 'a'] = {"textarea", "time", "tt"},
    ['u' - 'a'] = {"u"},
    ['v' - 'a'] = {"var"},
    ['w' - 'a'] = {"wbr"},
};

static int is_inline(const xmlChar *name)
{
    int c = name[0] | 0x20;
    if (c < 'a' || c > 'z')
        return 0;
    const char *const *list = inline_names[c - 'a'];
    for (int i = 0; i < 8 && list[i]; i++)
        if (strcasecmp((const char *)name, list[i]) == 0)
            return 1;
    /* "sup" does not fit the 's' row */
    return c == 's' && strcasecmp((const char *)name, "sup") == 0;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Inline style: a "display:none" or "visibility:hidden" declaration. */
int page_style_hides(const char *style)
{
    const char *d = style;
    while (*d) {
        while (is_space((unsigned char)*d) || *d == ';')
            d++;
        const char *prop = d;
        while (*d && *d != ':' && *d != ';' && !is_space((unsigned char)*d))
            d++;
        size_t plen = (size_t)(d - prop);
        while (is_space((unsigned char)*d))
            d++;
        if (*d != ':') {
            while (*d && *d != ';')
                d++;
            continue;
        }
        d++;
        while (is_space((unsigned char)*d))
            d++;
        const char *val = d;
        while (*d && *d != ';' && *d != '!' && !is_space((unsigned char)*d))
            d++;
        size_t vlen = (size_t)(d - val);
        if ((plen == 7 && strncasecmp(prop, "display", 7) == 0 && vlen == 4 &&
             strncasecmp(val, "none", 4) == 0) ||
            (plen == 10 && strncasecmp(prop, "visibility", 10) == 0 && vlen == 6 &&
             strncasecmp(val, "hidden", 6) == 0))
            return 1;
        while (*d && *d != ';')
            d++;
    }
    return 0;
}

int page_attr_true(const xmlChar *v)
{
    const char *s = (const char *)v;
    while (is_space((unsigned char)*s))
        s++;
    if (strncasecmp(s, "true", 4) != 0)
        return 0;
    s += 4;
    while (is_space((unsigned char)*s))
        s++;
    return *s == '\0';
}

int page_is_inline(const xmlChar *name)
{
    return is_inline(name);
}

/* Elements hidden by their name alone. */
int page_name_hides(const char *name)
{
    switch (name[0] | 0x20) {
    case 'h': return strcasecmp(name, "head") == 0;
    case 's': return strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0;
    case 't': return strcasecmp(name, "template") == 0;
    case 'n': return strcasecmp(name, "noscript") == 0;
    default: return 0;
    }
}

int page_sax_hidden(const xmlChar *name, const xmlChar **atts)
{
    if (page_name_hides((const char *)name))
        return 1;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        const char *an = (const char *)atts[i];
        int first = an[0] | 0x20;
        if (first != 'h' && first != 'a' && first != 's')
            continue;
        if (strcasecmp(an, "hidden") == 0)
            return 1;
        if (strcasecmp(an, "aria-hidden") != 0 && strcasecmp(an, "style") != 0)
            continue;
        const xmlChar *v = atts[i + 1];
        if (v && (an[0] == 'a' || an[0] == 'A' ? page_attr_true(v)
                                               : page_style_hides((const char *)v)))
            return 1;
    }
    return 0;
}

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

const char *page_hide_reason(const char *name, int has_hidden, const char *style)
{
    if (strcasecmp(name, "head") == 0 || strcasecmp(name, "script") == 0 ||
        strcasecmp(name, "style") == 0)
        return NULL;
    if (strcasecmp(name, "template") == 0)
        return "<template>";
    if (strcasecmp(name, "noscript") == 0)
        return "<noscript>";
    if (has_hidden)
        return "the hidden attribute";
    if (style)
        return style_reason(style);
    return "aria-hidden=\"true\"";
}

const char *page_sax_hidden_why(const xmlChar *name, const xmlChar **atts)
{
    int hidden_attr = 0;
    const char *style = NULL;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        /* the first of a name counts, as in the tree (the parser drops repeats) */
        if (!hidden_attr && strcmp((const char *)atts[i], "hidden") == 0)
            hidden_attr = 1;
        else if (!style && strcmp((const char *)atts[i], "style") == 0)
            style = atts[i + 1] ? (const char *)atts[i + 1] : "";
    }
    return page_hide_reason((const char *)name, hidden_attr, style);
}
