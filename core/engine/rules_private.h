/* rules_private.h: what rule_load.c, rule_meta.c, rule_digest.c and engine.c share
 * beyond rules.h. Not for
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

/* rule_meta.c: check an option value against its declared type; 1 ok, 0 not. */
int rule_option_type_ok(const char *type, const cfgval *v);

/* rule_meta.c: read the table a rule file returned (on top of the stack) into m,
   called protected in the metadata sandbox with a meta_args as argument 1; the
   answer is in rc (0, or -1 with err_set naming the file). */
struct lua_State;
typedef struct meta_args {
    rule_meta *m;
    const char *expect_id;   /* the id the file name gives, or NULL */
    int rc;
} meta_args;
int rule_meta_read_l(struct lua_State *L);
/* err_set "CHUNK: MSG"; -1. */
int rule_meta_error(const char *chunk, const char *msg);

/* rule_digest.c: fill rs->digest from the rules, modules and settings. */
void ruleset_compute_digest(ruleset *rs, const ruleset_private *rp);

#endif
