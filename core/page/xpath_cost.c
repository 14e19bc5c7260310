/* xpath_cost.c: XPath work that libxml2's operation count does not see.
 *
 * libxml2 2.9.14 counts one operation per compiled step and per node a step
 * visits (xmlXPathContext opLimit/opCount), but the string value of a node costs
 * nothing there, however large: `//p[contains(string(/), string(/))]` copies the
 * whole page twice per <p> in a handful of operations (11 s on a 642 KB page
 * within 5 million). There is no callback per operation, but every function call
 * goes through the context's function lookup, so the XPath 1.0 functions are
 * wrapped: before the real one runs, its arguments are charged to the same
 * opCount by the bytes they hold or will be converted from (a node's string value
 * is measured by a walk that stops once it exceeds what is left of the budget, so
 * measuring costs no more than the budget), and the search functions (contains,
 * substring-before/after, translate, all naive n*m in libxml2) by the product of
 * their lengths. Each call also checks a deadline in the thread's CPU time (so a
 * busy machine does not change the verdict), a backstop for work
 * between calls that is neither counted nor charged (node-set merges and
 * comparisons in libxml2 2.9 are quadratic in the set sizes, bounded only by the
 * operation count). */
#include <string.h>
#include <time.h>
#include <libxml/xpathInternals.h>
#include "xpath_cost.h"

/* One operation is worth about this many bytes copied (an operation costs some
   hundred ns, xmlNodeGetContent a few ns per byte), and this many byte
   comparisons of a naive substring search. */
#define BYTES_PER_OP 64
#define COMPARES_PER_OP 1024

typedef enum {
    PAY_TIME,    /* cheap: only the deadline */
    PAY_FIRST,   /* converts its arguments to strings (a node-set: its first node) */
    PAY_ALL,     /* converts every node of a node-set (sum, id) */
    PAY_SEARCH   /* PAY_FIRST, plus a search of the first string in the second */
} pay_kind;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned long add_sat(unsigned long a, unsigned long b)
{
    return a > (unsigned long)-1 - b ? (unsigned long)-1 : a + b;
}

static unsigned long mul_sat(unsigned long a, unsigned long b)
{
    return b && a > (unsigned long)-1 / b ? (unsigned long)-1 : a * b;
}

static int stop(xmlXPathParserContextPtr ctxt)
{
    ctxt->context->opCount = ctxt->context->opLimit;
    xmlXPathErr(ctxt, XPATH_OP_LIMIT_EXCEEDED);
    return -1;
}

static int charge(xmlXPathParserContextPtr ctxt, unsigned long ops)
{
    xmlXPathContextPtr c = ctxt->context;
    if (c->opLimit && (ops > c->opLimit || c->opCount > c->opLimit - ops))
        return stop(ctxt);
    c->opCount += ops;
    return 0;
}

/* Bytes (plus one per node) of a node's string value, counted until past `cap`. */
static unsigned long value_size(xmlNodePtr n, unsigned long cap)
{
    if (!n)
        return 0;
    switch (n->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        return n->content ? strlen((const char *)n->content) : 0;
    case XML_NAMESPACE_DECL:   /* an xmlNs, not a node: its URI is short */
        return 64;
    case XML_ELEMENT_NODE:
    case XML_ATTRIBUTE_NODE:
    case XML_DOCUMENT_NODE:
    case XML_HTML_DOCUMENT_NODE:
    case XML_DOCUMENT_FRAG_NODE:
        break;
    default:
        return 0;
    }
    unsigned long total = 0;
    for (xmlNodePtr cur = n->children; cur;) {
        total++;
        if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) &&
            cur->content)
            total = add_sat(total, strlen((const char *)cur->content));
        if (total > cap)
            return total;
        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur != n && !cur->next)
            cur = cur->parent;
        cur = cur == n ? NULL : cur->next;
    }
    return total;
}

/* What converting an argument costs, in bytes. */
static unsigned long object_size(xmlXPathObjectPtr o, pay_kind kind, unsigned long cap)
{
    if (!o)
        return 0;
    if (o->type == XPATH_STRING)
        return o->stringval ? strlen((const char *)o->stringval) : 0;
    if (o->type != XPATH_NODESET && o->type != XPATH_XSLT_TREE)
        return 32;
    xmlNodeSetPtr set = o->nodesetval;
    if (!set || set->nodeNr == 0)
        return 0;
    unsigned long total = (unsigned long)set->nodeNr;
    if (kind != PAY_ALL) {
        /* libxml2 sorts the set and converts its first node: do the sort now */
        if (set->nodeNr > 1)
            xmlXPathNodeSetSort(set);
        return add_sat(total, value_size(set->nodeTab[0], cap));
    }
    for (int i = 0; i < set->nodeNr && total <= cap; i++)
        total = add_sat(total, value_size(set->nodeTab[i], cap - total));
    return total;
}

static int pay(xmlXPathParserContextPtr ctxt, int nargs, pay_kind kind)
{
    xmlXPathContextPtr c = ctxt->context;
    xpath_cost *cost = c->funcLookupData;
    if (cost && now_ms() > cost->deadline_ms) {
        cost->timed_out = 1;
        return stop(ctxt);
    }
    if (kind == PAY_TIME || nargs < 0 || nargs > ctxt->valueNr)
        return 0;   /* a wrong argument count is the function's own error */
    unsigned long left = c->opLimit > c->opCount ? c->opLimit - c->opCount : 0;
    unsigned long cap = mul_sat(left, BYTES_PER_OP);
    unsigned long bytes = 0, first[2] = {0, 0};
    if (nargs == 0)   /* string(), string-length()...: the context node */
        bytes = value_size(c->node, cap);
    for (int i = 0; i < nargs && bytes <= cap; i++) {
        unsigned long s = object_size(ctxt->valueTab[ctxt->valueNr - nargs + i], kind,
                                      cap - bytes);
        if (i < 2)
            first[i] = s;
        bytes = add_sat(bytes, s);
    }
    unsigned long ops = bytes / BYTES_PER_OP;
    if (kind == PAY_SEARCH)
        ops = add_sat(ops, mul_sat(first[0], first[1]) / COMPARES_PER_OP);
    return charge(ctxt, ops);
}

#define WRAP(fn, kind)                                                  \
    static void paid_##fn(xmlXPathParserContextPtr ctxt, int nargs)    \
    {                                                                   \
        if (pay(ctxt, nargs, kind) == 0)                                \
            fn(ctxt, nargs);                                            \
    }

WRAP(xmlXPathLastFunction, PAY_TIME)
WRAP(xmlXPathPositionFunction, PAY_TIME)
WRAP(xmlXPathCountFunction, PAY_TIME)
WRAP(xmlXPathLocalNameFunction, PAY_TIME)
WRAP(xmlXPathNamespaceURIFunction, PAY_TIME)
WRAP(xmlXPathNotFunction, PAY_TIME)
WRAP(xmlXPathTrueFunction, PAY_TIME)
WRAP(xmlXPathFalseFunction, PAY_TIME)
WRAP(xmlXPathBooleanFunction, PAY_TIME)
WRAP(xmlXPathLangFunction, PAY_TIME)
WRAP(xmlXPathFloorFunction, PAY_FIRST)
WRAP(xmlXPathCeilingFunction, PAY_FIRST)
WRAP(xmlXPathRoundFunction, PAY_FIRST)
WRAP(xmlXPathStringFunction, PAY_FIRST)
WRAP(xmlXPathStringLengthFunction, PAY_FIRST)
WRAP(xmlXPathNumberFunction, PAY_FIRST)
WRAP(xmlXPathConcatFunction, PAY_FIRST)
WRAP(xmlXPathStartsWithFunction, PAY_FIRST)
WRAP(xmlXPathSubstringFunction, PAY_FIRST)
WRAP(xmlXPathNormalizeFunction, PAY_FIRST)
WRAP(xmlXPathSumFunction, PAY_ALL)
WRAP(xmlXPathIdFunction, PAY_ALL)
WRAP(xmlXPathContainsFunction, PAY_SEARCH)
WRAP(xmlXPathSubstringBeforeFunction, PAY_SEARCH)
WRAP(xmlXPathSubstringAfterFunction, PAY_SEARCH)
WRAP(xmlXPathTranslateFunction, PAY_SEARCH)

static const struct {
    const char *name;
    xmlXPathFunction fn;
} PAID[] = {
    {"last", paid_xmlXPathLastFunction},
    {"position", paid_xmlXPathPositionFunction},
    {"count", paid_xmlXPathCountFunction},
    {"local-name", paid_xmlXPathLocalNameFunction},
    {"namespace-uri", paid_xmlXPathNamespaceURIFunction},
    {"not", paid_xmlXPathNotFunction},
    {"true", paid_xmlXPathTrueFunction},
    {"false", paid_xmlXPathFalseFunction},
    {"boolean", paid_xmlXPathBooleanFunction},
    {"lang", paid_xmlXPathLangFunction},
    {"floor", paid_xmlXPathFloorFunction},
    {"ceiling", paid_xmlXPathCeilingFunction},
    {"round", paid_xmlXPathRoundFunction},
    {"string", paid_xmlXPathStringFunction},
    {"string-length", paid_xmlXPathStringLengthFunction},
    {"number", paid_xmlXPathNumberFunction},
    {"concat", paid_xmlXPathConcatFunction},
    {"starts-with", paid_xmlXPathStartsWithFunction},
    {"substring", paid_xmlXPathSubstringFunction},
    {"normalize-space", paid_xmlXPathNormalizeFunction},
    {"sum", paid_xmlXPathSumFunction},
    {"id", paid_xmlXPathIdFunction},
    {"contains", paid_xmlXPathContainsFunction},
    {"substring-before", paid_xmlXPathSubstringBeforeFunction},
    {"substring-after", paid_xmlXPathSubstringAfterFunction},
    {"translate", paid_xmlXPathTranslateFunction},
};

/* Consulted before libxml2's own table; NULL sends a name there (name(), and
   functions in a namespace). */
static xmlXPathFunction lookup(void *data, const xmlChar *name, const xmlChar *ns_uri)
{
    (void)data;
    if (ns_uri || !name)
        return NULL;
    for (size_t i = 0; i < sizeof PAID / sizeof *PAID; i++)
        if (strcmp((const char *)name, PAID[i].name) == 0)
            return PAID[i].fn;
    return NULL;
}

void xpath_cost_install(xmlXPathContextPtr ctx, xpath_cost *cost, long time_ms)
{
    cost->deadline_ms = now_ms() + time_ms;
    cost->timed_out = 0;
    xmlXPathRegisterFuncLookup(ctx, lookup, cost);
}
