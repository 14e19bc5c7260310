/* rules_private.h: what rule_load.c and engine.c share beyond rules.h. Not for
 * other modules. */
#ifndef PROVCHECK_RULES_PRIVATE_H
#define PROVCHECK_RULES_PRIVATE_H
#include "rules.h"

/* The ruleset as allocated: the public part first, so a ruleset* is one. */
typedef struct ruleset_private {
    ruleset pub;
    /* --rule: non-NULL when the ruleset was restricted; only[i] says rule i was
       listed (an override turning it off then leaves it at its base severity) */
    unsigned char *only;
    /* severity of unused-suppression findings (the config may set it) */
    severity unused_sev;
} ruleset_private;

/* Check an option value against its declared type; 1 ok, 0 not. */
int rule_option_type_ok(const char *type, const cfgval *v);

#endif
