/* rules.h: the rule set (metadata, read once on the main thread) and the engine
 * (per worker: a sandboxed lua_State with every rule compiled once).
 *
 * A ruleset is read-only after ruleset_load and shared by all workers. An engine is
 * owned by one thread. */
#ifndef PROVCHECK_RULES_H
#define PROVCHECK_RULES_H
#include <stddef.h>
#include <stdint.h>
#include "cfgval.h"
#include "config.h"
#include "finding.h"
#include "page.h"
#include "source.h"

typedef struct rule_option {
    char *name;
    char *type;           /* "string" | "string[]" | "number" | "integer" | "boolean" */
    cfgval *def;          /* default value (may be CV_NIL) */
    char *doc;
} rule_option;

typedef struct rule_meta {
    char *id;
    char *summary;
    severity default_sev;
    rule_option *options; size_t option_count;
    char *docs;
    char *url;            /* its own documentation page, or NULL: docs/rules/<id>.md */
    char *origin;         /* "builtin", a rule_path folder, or "plugin:<name>" */
    char *chunkname;      /* "@rules/privacy-link.lua" for messages */
    char *source; size_t source_len;   /* Lua source text, compiled per worker */
    unsigned needs;       /* PAGE_NEED_* bits it declared; PAGE_NEED_ALL without `needs` */
    int shipped;          /* built in, or from a pack installed with provcheck: our code */
} rule_meta;

typedef struct ruleset {
    rule_meta *rules; size_t count;    /* sorted by id */
    /* helper modules visible to require(): name -> source */
    char **module_names; char **module_sources; size_t *module_lens; size_t module_count;
    unsigned char *module_shipped;     /* per module: built in or from a shipped pack */
    const config *cfg;                 /* borrowed */
    /* per rule: the effective base setting (config applied), parallel to rules */
    severity *base_sev;                /* SEV_OFF = not run */
    cfgval **base_options;             /* defaults merged with config options */
    /* a digest of every rule source, module and the effective config: result caches
       key on it */
    char digest[65];
} ruleset;

/* Load the built-in rules, the config's rule_paths and plugins (read through `fs`,
 * relative to the config's folder), and validate the config against them: unknown
 * rule ids, unknown options, wrong option types are setup errors (-1, err_set). */
int ruleset_load(ruleset **out, const config *cfg, const vfs *fs);
/* The folders of the plugin packs shipped with provcheck, searched in this order
 * for a pack that is not next to the config: the source tree, only for a binary
 * running from its build folder, then BIN/../share/provcheck/plugins next to the
 * running binary (any install prefix). Fills `out`, returns how many. */
#define SHIPPED_PLUGIN_DIR_COUNT 2
size_t shipped_plugin_dirs(const char *out[SHIPPED_PLUGIN_DIR_COUNT]);
void ruleset_free(ruleset *rs);
const rule_meta *ruleset_find(const ruleset *rs, const char *id);
/* Restrict to the given ids (--rule): the others are turned off; a listed rule that
 * was off runs at its default severity. -1 (err_set) for an unknown id. */
int ruleset_only(ruleset *rs, char **ids, size_t count);

/* Rule i's severity and options on a page the overrides in `mask` match (bit o:
 * overrides[o]; the first 64 overrides count). Later overrides win; their options
 * merge over the rule's base options. *opts_out is a new table when an override
 * set options (the caller frees it), else NULL: the base options hold. 0, or -1
 * when out of memory. */
int ruleset_rule_setting(const ruleset *rs, size_t i, uint64_t mask, severity *sev_out,
                         cfgval **opts_out);

/* rule_clock.c: whether a rule or module may call page:now() (the word
 * `now` in its source), and the digest a cache that keeps whole-run results must key
 * on: rs->digest, with the clock added when it is set or may be read. out holds 65
 * bytes. */
int ruleset_may_read_clock(const ruleset *rs);
void ruleset_reuse_key(const ruleset *rs, char out[65]);

typedef struct engine engine;
/* A worker's engine: a new sandboxed state with every rule that can run compiled.
 * NULL with err_set on failure (a rule that does not compile is a setup error, found
 * by ruleset_load already). */
engine *engine_new(const ruleset *rs);
void engine_free(engine *e);
/* Run every rule that applies to the page (effective severity from config and
 * overrides for its site path), turning throws and limit hits into rule-error
 * findings, applying inline suppressions (and adding unused-suppression findings),
 * and fingerprinting. Parses the page if needed: a page that fails to parse gets one
 * page-error finding. Appends to out. 0, or -1 only when out of memory. */
int engine_check_page(engine *e, page *p, finding_list *out);
/* Whether the findings of the last page checked may be kept for later runs: not
 * when a rule read the clock and the clock is this run's start time (a later run
 * has another). With a set `now` the result caches key on it instead. */
int engine_page_reusable(const engine *e);
/* Whether a rule called page:now() on the last page checked. */
int engine_page_read_clock(const engine *e);

#endif
