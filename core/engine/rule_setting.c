/* rule_setting.c: a rule's severity and options on one page, from its base setting
 * and the config's overrides that match the page (rules.h). The engine runs rules
 * with it and --print-config shows it, so both always agree. */
#include <string.h>
#include "rules.h"

int ruleset_rule_setting(const ruleset *rs, size_t i, uint64_t mask, severity *sev_out,
                         cfgval **opts_out)
{
    const config *c = rs->cfg;
    severity sev = rs->base_sev[i];
    cfgval *opts = NULL;
    for (size_t o = 0; c && o < c->override_count && o < 64; o++) {
        if (!(mask & ((uint64_t)1 << o)))
            continue;
        for (size_t k = 0; k < c->overrides[o].rule_count; k++) {
            const rule_setting *s = &c->overrides[o].rules[k];
            if (strcmp(s->id, rs->rules[i].id) != 0)
                continue;
            if (s->has_severity)
                sev = s->sev;
            if (s->options && s->options->count) {
                cfgval *merged = cfgval_merge(opts ? opts : rs->base_options[i], s->options);
                cfgval_free(opts);
                opts = merged;
                if (!opts)
                    return -1;
            }
        }
    }
    *sev_out = sev;
    *opts_out = opts;
    return 0;
}
