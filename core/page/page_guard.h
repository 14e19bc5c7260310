/* page_guard.h: the structure and time limits of a page parse (page_guard.c), for
 * page_parse.c only. */
#ifndef PROVCHECK_PAGE_GUARD_H
#define PROVCHECK_PAGE_GUARD_H
#include <libxml/parser.h>
#include "page.h"

/* Before parsing: 0, or -1 with a page-error message in msg and the element's
   line in *line_out when an element has more attributes than the limit. Linear in
   the bytes. */
int page_guard_prescan(const char *bytes, size_t len, const page_limits *lim, char *msg,
                       size_t msize, int *line_out);

/* The first byte in [s, e) that is not a character of XML 1.0 (a control byte
   other than tab, line feed and carriage return), or NULL: libxml2 reports such
   a byte and may end a comment or raw text early there. A word at a time. */
const char *page_first_bad_char(const char *s, const char *e);

/* Watches one parse through its SAX callbacks (depth, deadline); lives on the
   parser's stack frame. */
typedef struct page_guard {
    page_limits limits;
    long long deadline_ms;   /* CLOCK_MONOTONIC; 0 = none */
    unsigned long events;
    int stopped;
    int line;                /* where the depth limit was crossed; 0 = unknown */
    char why[160];           /* the page-error message once stopped */
    startElementSAXFunc start;
    endElementSAXFunc end;
    charactersSAXFunc characters;
    commentSAXFunc comment;
} page_guard;

/* Wrap the parser context's SAX callbacks (it uses ctxt->_private). */
void page_guard_install(page_guard *g, xmlParserCtxtPtr ctxt, const page_limits *lim);

#endif
