/* xpath_cost.h: what one XPath evaluation may cost (xpath_cost.c), for
 * page_select.c. */
#ifndef PROVCHECK_XPATH_COST_H
#define PROVCHECK_XPATH_COST_H
#include <libxml/xpath.h>

/* Lives as long as the evaluation, on the caller's stack. */
typedef struct xpath_cost {
    long long deadline_ms;   /* CLOCK_MONOTONIC */
    int timed_out;
} xpath_cost;

/* Route the XPath 1.0 functions of ctx through wrappers that charge the strings
   they read to ctx's operation budget (opLimit, which must be set) and stop the
   evaluation once `time_ms` have passed. */
void xpath_cost_install(xmlXPathContextPtr ctx, xpath_cost *cost, long time_ms);

#endif
