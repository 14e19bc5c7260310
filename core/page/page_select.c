/* page_select.c: the CSS subset of page.h, and XPath through libxml2.
 *
 * A selector is parsed once into a small AST (a list of complex selectors, each a
 * chain of compounds joined by descendant or child combinators), then every element
 * is visited once in document order, so the result is in document order without
 * duplicates. Matching runs top-down like an automaton: for each element we keep a
 * bit set of the selector prefixes that match at it, and of those that match at
 * some ancestor; an element's sets follow from its parent's. That is linear in the
 * document times the selector length, with no backtracking, however deep the tree
 * (a rule's instruction budget never sees time spent in C). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include "page_priv.h"
#include "xpath_cost.h"

#define MAX_COMPOUNDS 32
#define MAX_CONDITIONS 32
#define MAX_LIST 64
/* XPath work is C time the rule's Lua instruction budget never sees: libxml2's
   operation limit bounds it. 5 million operations are orders of magnitude more
   than real selections take on a news page; the fuzzer found an expression of
   nested descendant steps around a count() of every element that, at 50 million,
   ran for a minute on a deeply nested page (tests/unit/test_select.c). */
#define XPATH_OP_LIMIT 5000000UL
/* ...and what the operation count does not see (string values, node-set merges)
   is charged or stopped by xpath_cost.c, the latter after this many ms. */
#define XPATH_TIME_MS 1000L

typedef enum { C_CLASS, C_ID, C_HAS, C_EQ, C_CONTAINS, C_PREFIX, C_SUFFIX } cond_kind;

typedef struct {
    cond_kind kind;
    char *name;     /* attribute name, class or id */
    char *value;    /* for C_EQ..C_SUFFIX */
} condition;

typedef struct {
    char *tag;      /* NULL: any element */
    condition conds[MAX_CONDITIONS];
    int cond_count;
    int child_of_prev;   /* combinator to the compound before: 1 '>', 0 ' ' */
} compound;

typedef struct {
    compound parts[MAX_COMPOUNDS];
    int count;
} complex_sel;

typedef struct {
    complex_sel *items;
    size_t count;
} selector;

typedef struct {
    const char *src, *p;
    char err[200];
} sparser;

static void selector_free(selector *s)
{
    for (size_t i = 0; i < s->count; i++) {
        for (int j = 0; j < s->items[i].count; j++) {
            compound *c = &s->items[i].parts[j];
            free(c->tag);
            for (int k = 0; k < c->cond_count; k++) {
                free(c->conds[k].name);
                free(c->conds[k].value);
            }
        }
    }
    free(s->items);
}

static int serr(sparser *sp, const char *what)
{
    if (!sp->err[0])
        snprintf(sp->err, sizeof sp->err, "selector \"%s\": %s at offset %d", sp->src, what,
                 (int)(sp->p - sp->src));
    return -1;
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void skip_ws(sparser *sp)
{
    while (is_ws((unsigned char)*sp->p))
        sp->p++;
}

static int ident_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c >= 0x80;
}

static char *read_ident(sparser *sp)
{
    const char *start = sp->p;
    while (ident_char((unsigned char)*sp->p))
        sp->p++;
    if (sp->p == start) {
        serr(sp, "expected a name");
        return NULL;
    }
    char *s = strndup(start, (size_t)(sp->p - start));
    if (!s)
        serr(sp, "out of memory");
    return s;
}

static char *read_value(sparser *sp)
{
    char q = *sp->p;
    if (q != '"' && q != '\'')
        return read_ident(sp);
    const char *start = ++sp->p;
    while (*sp->p && *sp->p != q)
        sp->p++;
    if (!*sp->p) {
        serr(sp, "unterminated string");
        return NULL;
    }
    char *s = strndup(start, (size_t)(sp->p - start));
    sp->p++;
    if (!s)
        serr(sp, "out of memory");
    return s;
}

static int parse_attr(sparser *sp, condition *c)
{
    sp->p++;   /* '[' */
    skip_ws(sp);
    if (!(c->name = read_ident(sp)))
        return -1;
    skip_ws(sp);
    if (*sp->p == ']') {
        sp->p++;
        c->kind = C_HAS;
        return 0;
    }
    if (*sp->p == '\0')
        return serr(sp, "expected ']'");
    if (*sp->p == '=') {
        c->kind = C_EQ;
        sp->p++;
    } else if (sp->p[1] == '=' && (*sp->p == '*' || *sp->p == '^' || *sp->p == '$')) {
        c->kind = *sp->p == '*' ? C_CONTAINS : *sp->p == '^' ? C_PREFIX : C_SUFFIX;
        sp->p += 2;
    } else if (sp->p[1] == '=' && (*sp->p == '~' || *sp->p == '|')) {
        return serr(sp, "unsupported attribute operator (supported: = *= ^= $=)");
    } else {
        return serr(sp, "expected ']' or an attribute operator");
    }
    skip_ws(sp);
    if (!(c->value = read_value(sp)))
        return -1;
    skip_ws(sp);
    if (*sp->p == 'i' || *sp->p == 'I' || *sp->p == 's' || *sp->p == 'S')
        return serr(sp, "unsupported attribute flag");
    if (*sp->p != ']')
        return serr(sp, "expected ']'");
    sp->p++;
    return 0;
}

static int parse_compound(sparser *sp, compound *c)
{
    int any = 0;
    if (*sp->p == '*') {
        sp->p++;
        any = 1;
    } else if (ident_char((unsigned char)*sp->p)) {
        if (!(c->tag = read_ident(sp)))
            return -1;
        any = 1;
    }
    for (;;) {
        char ch = *sp->p;
        if (ch != '.' && ch != '#' && ch != '[')
            break;
        if (c->cond_count == MAX_CONDITIONS)
            return serr(sp, "too many conditions in one compound selector");
        condition *cond = &c->conds[c->cond_count++];
        if (ch == '[') {
            if (parse_attr(sp, cond) < 0)
                return -1;
        } else {
            sp->p++;
            cond->kind = ch == '.' ? C_CLASS : C_ID;
            if (!(cond->name = read_ident(sp)))
                return -1;
        }
        any = 1;
    }
    if (!any) {
        if (*sp->p == ':')
            return serr(sp, "pseudo-classes are not supported");
        if (*sp->p == '+' || *sp->p == '~')
            return serr(sp, "sibling combinators are not supported");
        return serr(sp, *sp->p ? "unexpected character" : "unexpected end");
    }
    if (*sp->p == ':')
        return serr(sp, "pseudo-classes are not supported");
    return 0;
}

static int parse_complex(sparser *sp, complex_sel *cs)
{
    int child = 0;
    for (;;) {
        if (cs->count == MAX_COMPOUNDS)
            return serr(sp, "too many compound selectors");
        compound *c = &cs->parts[cs->count++];
        c->child_of_prev = child;
        if (parse_compound(sp, c) < 0)
            return -1;
        const char *before = sp->p;
        skip_ws(sp);
        if (*sp->p == '\0' || *sp->p == ',')
            return 0;
        if (*sp->p == '>') {
            sp->p++;
            skip_ws(sp);
            child = 1;
        } else if (*sp->p == '+' || *sp->p == '~') {
            return serr(sp, "sibling combinators are not supported");
        } else if (sp->p > before) {
            child = 0;
        } else {
            return serr(sp, "unexpected character");
        }
    }
}

static int selector_parse(const char *css, selector *out, char *err, size_t errsize)
{
    sparser sp = {css, css, ""};
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    for (;;) {
        skip_ws(&sp);
        if (out->count == cap) {
            size_t ncap = cap ? cap * 2 : 2;
            complex_sel *items = realloc(out->items, ncap * sizeof *items);
            if (!items) {
                serr(&sp, "out of memory");
                goto fail;
            }
            out->items = items;
            cap = ncap;
        }
        if (out->count == MAX_LIST) {
            serr(&sp, "too many selectors in one list");
            goto fail;
        }
        complex_sel *cs = &out->items[out->count++];
        memset(cs, 0, sizeof *cs);
        if (parse_complex(&sp, cs) < 0)
            goto fail;
        if (*sp.p == '\0')
            return 0;
        sp.p++;   /* ',' */
    }
fail:
    snprintf(err, errsize, "%s", sp.err);
    selector_free(out);
    memset(out, 0, sizeof *out);
    return -1;
}

/* ---- matching ---- */

static const char *attr_value(xmlNodePtr el, const char *name)
{
    for (xmlAttrPtr a = el->properties; a; a = a->next) {
        if (strcasecmp((const char *)a->name, name) != 0)
            continue;
        if (a->children && a->children->content)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

static int has_class(const char *list, const char *cls)
{
    size_t cl = strlen(cls);
    const char *s = list;
    while (*s) {
        while (is_ws((unsigned char)*s))
            s++;
        const char *start = s;
        while (*s && !is_ws((unsigned char)*s))
            s++;
        if ((size_t)(s - start) == cl && memcmp(start, cls, cl) == 0)
            return 1;
    }
    return 0;
}

static int cond_match(const condition *c, xmlNodePtr el)
{
    const char *v = attr_value(el, c->kind == C_CLASS ? "class" : c->kind == C_ID ? "id" : c->name);
    if (!v)
        return 0;
    size_t vl, cl;
    switch (c->kind) {
    case C_CLASS: return has_class(v, c->name);
    case C_ID: return strcmp(v, c->name) == 0;
    case C_HAS: return 1;
    case C_EQ: return strcmp(v, c->value) == 0;
    /* an empty value never matches the substring operators (Selectors level 3) */
    case C_CONTAINS: return c->value[0] && strstr(v, c->value) != NULL;
    case C_PREFIX: return c->value[0] && strncmp(v, c->value, strlen(c->value)) == 0;
    case C_SUFFIX:
        vl = strlen(v);
        cl = strlen(c->value);
        return cl && vl >= cl && memcmp(v + vl - cl, c->value, cl) == 0;
    }
    return 0;
}

static int compound_match(const compound *c, xmlNodePtr el)
{
    if (c->tag && strcasecmp((const char *)el->name, c->tag) != 0)
        return 0;
    for (int i = 0; i < c->cond_count; i++)
        if (!cond_match(&c->conds[i], el))
            return 0;
    return 1;
}

/* Prefix sets of one complex selector at one element: bit i of `here` when
 * parts[0..i] match with parts[i] on the element, bit i of `above` when they match
 * on some strict ancestor. */
typedef struct {
    uint32_t here, above;
} prefix_sets;

static uint32_t match_here(const complex_sel *cs, xmlNodePtr el, const prefix_sets *parent)
{
    uint32_t here = 0;
    for (int i = 0; i < cs->count; i++) {
        if (i > 0) {
            uint32_t need = 1u << (i - 1);
            uint32_t have = cs->parts[i].child_of_prev ? parent->here : parent->above | parent->here;
            if (!(have & need))
                continue;
        }
        if (compound_match(&cs->parts[i], el))
            here |= 1u << i;
    }
    return here;
}

static int push_node(xmlNodePtr **arr, size_t *n, size_t *cap, xmlNodePtr node)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        xmlNodePtr *a = realloc(*arr, ncap * sizeof *a);
        if (!a)
            return -1;
        *arr = a;
        *cap = ncap;
    }
    (*arr)[(*n)++] = node;
    return 0;
}

int page_select(page *p, const char *css, xmlNodePtr **out, size_t *count_out,
                char **err_out)
{
    char err[240];
    selector sel;
    *out = NULL;
    *count_out = 0;
    if (err_out)
        *err_out = NULL;
    if (selector_parse(css ? css : "", &sel, err, sizeof err) < 0) {
        if (err_out)
            *err_out = strdup(err);
        return -1;
    }
    xmlDocPtr doc = page_doc(p);
    xmlNodePtr n = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr *arr = NULL;
    size_t count = 0, cap = 0;
    const char *fail = NULL;
    /* sets[d * k + j]: selector j at the element of depth d on the current path;
     * depth 0 is a virtual parent of the root with empty sets */
    size_t k = sel.count, depth = 1, depth_cap = 64;
    prefix_sets *sets = calloc(depth_cap * k, sizeof *sets);
    if (!sets)
        fail = "out of memory";
    while (n && !fail) {
        int matched = 0;
        if (depth + 1 >= depth_cap) {
            prefix_sets *more = realloc(sets, depth_cap * 2 * k * sizeof *more);
            if (!more) {
                fail = "out of memory";
                break;
            }
            sets = more;
            depth_cap *= 2;
        }
        prefix_sets *parent = &sets[(depth - 1) * k], *mine = &sets[depth * k];
        for (size_t j = 0; j < k; j++) {
            const complex_sel *cs = &sel.items[j];
            mine[j].above = parent[j].above | parent[j].here;
            mine[j].here = match_here(cs, n, &parent[j]);
            if (mine[j].here & (1u << (cs->count - 1)))
                matched = 1;
        }
        if (matched && push_node(&arr, &count, &cap, n) < 0) {
            fail = "out of memory";
            break;
        }
        xmlNodePtr child = n->children;
        while (child && child->type != XML_ELEMENT_NODE)
            child = child->next;
        if (child) {
            n = child;
            depth++;
            continue;
        }
        /* the next element sibling, climbing as needed */
        for (;;) {
            xmlNodePtr sib = n->next;
            while (sib && sib->type != XML_ELEMENT_NODE)
                sib = sib->next;
            if (sib) {
                n = sib;
                break;
            }
            n = n->parent;
            depth--;
            if (!n || depth == 0 || n->type != XML_ELEMENT_NODE) {
                n = NULL;
                break;
            }
        }
    }
    free(sets);
    selector_free(&sel);
    if (fail) {
        free(arr);
        if (err_out)
            *err_out = strdup(fail);
        return -1;
    }
    *out = arr;
    *count_out = count;
    return 0;
}

/* ---- XPath ---- */

/* libxml2 2.9 leaves the message of XPath errors empty: its own texts, by code. */
static const char *xpath_error_text(int code)
{
    static const char *const texts[] = {
        "ok", "number encoding", "unfinished literal", "start of literal",
        "expected $ for variable reference", "undefined variable", "invalid predicate",
        "invalid expression", "missing closing curly brace", "unregistered function",
        "invalid operand", "invalid type", "invalid number of arguments",
        "invalid context size", "invalid context position", "memory allocation error",
        "syntax error", "resource error", "sub resource error",
        "undefined namespace prefix", "encoding error", "char out of XML range",
        "invalid or incomplete context", "stack usage error", "forbidden variable",
        "operation limit exceeded", "recursion limit exceeded",
    };
    int i = code - XML_XPATH_EXPRESSION_OK;
    if (i > 0 && (size_t)i < sizeof texts / sizeof *texts)
        return texts[i];
    return "invalid expression";
}

static void xpath_quiet(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

int page_xpath(page *p, const char *expr, xmlNodePtr **out, size_t *count_out,
               char **err_out)
{
    *out = NULL;
    *count_out = 0;
    if (err_out)
        *err_out = NULL;
    xmlDocPtr doc = page_doc(p);
    char msg[300];
    if (!doc || !expr) {
        if (err_out)
            *err_out = strdup(!doc ? "page has no document" : "no XPath expression");
        return -1;
    }
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx) {
        if (err_out)
            *err_out = strdup("out of memory");
        return -1;
    }
    ctx->error = xpath_quiet;
    ctx->opLimit = XPATH_OP_LIMIT;
    xpath_cost cost;
    xpath_cost_install(ctx, &cost, XPATH_TIME_MS);
    /* String values are built by appending text node after text node; with the
       default exact-size growth that is quadratic in the text nodes wherever
       realloc cannot grow in place (and then one call is past any deadline).
       The scheme is per thread in libxml2. */
    xmlBufferAllocationScheme scheme = xmlGetBufferAllocationScheme();
    xmlSetBufferAllocationScheme(XML_BUFFER_ALLOC_DOUBLEIT);
    xmlXPathObjectPtr res = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    xmlSetBufferAllocationScheme(scheme);
    int rc = -1;
    if (!res) {
        const char *why = cost.timed_out ? "time limit exceeded"
                          : ctx->lastError.message ? ctx->lastError.message
                                                   : xpath_error_text(ctx->lastError.code);
        snprintf(msg, sizeof msg, "XPath \"%s\": %s at offset %d", expr, why,
                 ctx->lastError.int1);
        size_t ml = strlen(msg);
        while (ml > 0 && (msg[ml - 1] == '\n' || msg[ml - 1] == ' '))
            msg[--ml] = '\0';
    } else if (res->type != XPATH_NODESET) {
        snprintf(msg, sizeof msg, "XPath \"%s\": the result is not a node set", expr);
    } else {
        xmlNodeSetPtr set = res->nodesetval;
        size_t cap = 0, n = 0;
        xmlNodePtr *arr = NULL;
        rc = 0;
        for (int i = 0; set && i < set->nodeNr; i++) {
            /* namespace nodes are not real tree nodes: skip them */
            if (set->nodeTab[i]->type == XML_NAMESPACE_DECL)
                continue;
            if (push_node(&arr, &n, &cap, set->nodeTab[i]) < 0) {
                snprintf(msg, sizeof msg, "out of memory");
                free(arr);
                arr = NULL;
                n = 0;
                rc = -1;
                break;
            }
        }
        *out = arr;
        *count_out = n;
    }
    if (rc < 0 && err_out)
        *err_out = strdup(msg);
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    return rc;
}
