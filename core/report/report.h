/* report.h: one checked run as plain data, and the reporters that turn it into
 * bytes. Reporters never see libxml2 nodes or Lua. Every reporter is deterministic:
 * the same report gives the same bytes. */
#ifndef PROVCHECK_REPORT_H
#define PROVCHECK_REPORT_H
#include <stddef.h>
#include "buf.h"
#include "fileio.h"   /* write_file_atomic, for the writers of report files */
#include "finding.h"
#include "strpool.h"

typedef struct page_result {
    char *path;
    char *url;            /* NULL outside audits */
    char *blob;           /* NULL outside git modes */
    size_t findings;      /* unsuppressed */
} page_result;

/* Where a rule without its own `url` is documented: docs/rules/<id>.md. */
#define RULE_DOCS_BASE PROVCHECK_HOMEPAGE "/blob/main/docs/rules/"

typedef struct report_rule {   /* rules that ran, for SARIF tool.driver.rules */
    char *id, *summary, *docs;
    char *url;            /* the rule's own documentation page, or NULL */
    severity sev;
} report_rule;

typedef struct report {
    char *kind;           /* "files" | "rev" | "staged" | "audit" */
    char *root;
    char *rev;            /* NULL = null */
    char *commit;         /* NULL = null */
    /* --config-from as given (NULL: config and rules came from the checked target),
       and what the target changes in config and rule files relative to config_base
       (NULL: not compared). */
    char *config_from;
    char *config_base;
    char **config_changed; size_t config_changed_count;
    /* what ran (JSON "run"), so merge can refuse shard sets that do not add up */
    char *shard;          /* "K/N" (a merge with --partial: "K,K/N"); NULL = every page */
    char *config_hash;    /* hex SHA-256 of what decides the findings; NULL = unknown */
    char *now;            /* the clock rules read ("YYYY-MM-DDTHH:MM:SSZ"): recorded when
                             set by --now or config, or when a rule read it; else NULL */
    page_result *pages; size_t page_count;   /* sorted by path */
    /* NULL, or where every page's path, url and blob live (check.c): then
       report_free frees the pool, not the strings one by one */
    strpool *page_pool;
    finding_list findings;                   /* sorted (finding_list_sort) */
    /* where the findings with pooled_text keep rule and message (check.c: one
       pool per worker); freed after the findings */
    strpool **text_pools; size_t text_pool_count;
    report_rule *rules; size_t rule_count;   /* sorted by id */
    size_t errors, warnings, infos, suppressed, unsuppressed;
} report;

/* Recount summary numbers and pages[].findings from the findings. */
void report_recount(report *r);
void report_free(report *r);
/* Record where config and rules came from and what the target changes in them
   (copies). 0, or -1 with err_set. */
int report_set_config_drift(report *r, const char *config_from, const char *config_base,
                            const char *const *changed, size_t count);
/* The sentence text and github show when the target changes config or rules (no
   prefix, no newline); nothing when it does not. 0, or -1 when out of memory. */
int report_config_warning(const report *r, buf *out);

typedef struct report_options {
    int color;            /* text: ANSI colour */
    int quiet;            /* hide warnings and infos (text/github) */
    const char *automation_id;   /* SARIF runAutomationDetails.id, or NULL */
    int shard_index, shard_count;   /* a sharded run (count > 1): its own SARIF category */
    severity fail_on;     /* junit: a testcase fails at or above it; SEV_OFF = error */
    const char *report_hint;     /* github: where the full report is, or NULL */
    /* The absolute folder the report's paths are relative to (git work tree root,
       or the site root outside a repository): SARIF's %SRCROOT%; NULL = unknown. */
    const char *path_base;
    /* text: the folder the run started in (real path); with path_base, paths are
       printed so they can be pasted back from there. NULL = print them as they are. */
    const char *cwd;
} report_options;

typedef int (*report_writer)(const report *r, const report_options *o, buf *out);
int report_write_text(const report *r, const report_options *o, buf *out);
/* A report path as the text report shows it: relative to o->cwd (absolute when
   neither o->cwd nor o->path_base holds the other), '%25' as '%'; the path as it
   is without o->path_base and o->cwd. */
int report_put_display_path(buf *out, const report_options *o, const char *path);
int report_write_json(const report *r, const report_options *o, buf *out);
/* Look up a writer by --format name; NULL when unknown. */
report_writer report_writer_for(const char *format);

/* Render r with w into `path` as write_file_atomic would, but in pieces (writers
 * that call buf_spill), so a report of any size never sits whole in memory. 0, or
 * -1 with err_set; on failure the old file is left as it was. */
int report_emit(const report *r, report_writer w, const report_options *o, const char *path);

/* CI formats (report_sarif.c, report_junit.c, report_github.c, report_codequality.c;
 * docs/ci.md). */
int report_write_sarif(const report *r, const report_options *o, buf *out);
int report_write_junit(const report *r, const report_options *o, buf *out);
int report_write_github(const report *r, const report_options *o, buf *out);
int report_write_codequality(const report *r, const report_options *o, buf *out);

#endif
