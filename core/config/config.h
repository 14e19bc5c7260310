/* config.h: provcheck.lua, loaded in the rule sandbox, turned into plain C values.
 * Keys: site_root, include, exclude, rules, overrides, rule_paths, plugins, now, plus the
 * documented extras in docs/config.md (max_page_bytes, limits = {instructions,
 * memory, time_ms, attributes, depth, parse_seconds}). Unknown keys are setup errors naming file and line. */
#ifndef PROVCHECK_CONFIG_H
#define PROVCHECK_CONFIG_H
#include <stddef.h>
#include "cfgval.h"
#include "finding.h"

typedef struct rule_setting {
    char *id;
    int has_severity;     /* 0 = use the rule's default */
    severity sev;         /* SEV_OFF turns the rule off */
    cfgval *options;      /* CV_MAP or NULL */
} rule_setting;

typedef struct config_override {
    char **files; size_t file_count;   /* globs relative to the site root */
    char **urls; size_t url_count;     /* globs over URL paths ("/privacy", "/about/ and below") */
    rule_setting *rules; size_t rule_count;
} config_override;

/* Overrides a config may hold: the engine matches them through a 64-bit mask. */
#define CONFIG_MAX_OVERRIDES 64

typedef struct config {
    char *path;           /* the file as named, for messages; NULL = no config file */
    char *dir;            /* its folder ("." when none) */
    char *site_root;      /* as written in the config, or NULL */
    char *baseline;       /* `baseline = "FILE"`, relative to the config's folder, or NULL */
    char **include; size_t include_count;   /* defaults: every .html and .htm page */
    char **exclude; size_t exclude_count;
    rule_setting *rules; size_t rule_count;
    config_override *overrides; size_t override_count;   /* at most CONFIG_MAX_OVERRIDES */
    char **rule_paths; size_t rule_path_count;
    char **plugins; size_t plugin_count;
    size_t max_page_bytes;        /* default 16 MiB */
    long long max_instructions;   /* per rule per page; default 20,000,000 */
    size_t max_memory;            /* per rule per page, bytes; default 64 MiB */
    long max_attributes;          /* per element; default 1000 (page.h) */
    long max_depth;               /* element nesting; default 512 */
    long parse_seconds;           /* per page parse; default 10 */
    long max_time_ms;             /* per rule per page, CPU time; default 5000 */
    int clean_urls;               /* "/news/x" is the file news/x.html (url_map.h) */
    char **url_map_urls, **url_map_files; size_t url_map_count;   /* url_map, in key order */
    long long now;                /* page:now(): seconds since the epoch, UTC */
    int now_origin;               /* CONFIG_NOW_* : where `now` came from */
    cfgval *audit;                /* the `audit` table as written (user_agent, headers,
                                     cookies...), validated by the audit command; NULL */
} config;

enum { CONFIG_NOW_START = 0, CONFIG_NOW_CONFIG = 1, CONFIG_NOW_OPTION = 2 };
/* The run's clock, one value per process so results do not depend on timing: the
   time of the first call of config_clock_start (main calls it before anything
   else), unless --now set it (config_set_now_option, which wins over the config's
   `now`). Every config made afterwards carries it in `now`. */
void config_clock_start(void);
void config_set_now_option(long long t);
/* The clock a config made now would carry, before its own `now` key. */
long long config_now(void);

/* The built-in defaults (no file). NULL only when out of memory. */
config *config_default(void);
/* Load from text (read from a file, a tree or the index by the caller). `label` names
 * the file in messages ("site/provcheck.lua"). 0, or -1 with err_set naming label and
 * line. */
int config_load(config **out, const char *label, const char *dir, const char *text,
                size_t len);
void config_free(config *c);

/* Glob match: '*' within a segment, '**' across segments, '?', [...]; '/'-separated. */
int glob_match(const char *pattern, const char *path);
/* Whether a site path is in scope (include and not exclude). */
int config_path_included(const config *c, const char *site_path);
/* Whether a folder (site path) may hold pages in scope: some include pattern could
   match a path below it and no exclude pattern (a head, then a final ** segment) excludes all of it. */
int config_folder_in_scope(const config *c, const char *site_dir);

#endif
