/* report.h: one checked run as plain data, and the reporters that turn it into
 * bytes. Reporters never see libxml2 nodes or Lua. Every reporter is deterministic:
 * the same report gives the same bytes. */
#ifndef PROVCHECK_REPORT_H
#define PROVCHECK_REPORT_H
#include <stddef.h>
#include "buf.h"
#include "finding.h"

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
    page_result *pages; size_t page_count;   /* sorted by path */
    finding_list findings;                   /* sorted (finding_list_sort) */
    report_rule *rules; size_t rule_count;   /* sorted by id */
    size_t errors, warnings, infos, suppressed, unsuppressed;
} report;

/* Recount summary numbers and pages[].findings from the findings. */
void report_recount(report *r);
void report_free(report *r);

typedef struct report_options {
    int color;            /* text: ANSI colour */
    int quiet;            /* hide warnings and infos (text/github) */
    const char *automation_id;   /* SARIF runAutomationDetails.id, or NULL */
    int shard_index, shard_count;   /* a sharded run (count > 1): its own SARIF category */
    const char *report_hint;     /* github: where the full report is, or NULL */
} report_options;

typedef int (*report_writer)(const report *r, const report_options *o, buf *out);
int report_write_text(const report *r, const report_options *o, buf *out);
int report_write_json(const report *r, const report_options *o, buf *out);
/* Look up a writer by --format name; NULL when unknown. */
report_writer report_writer_for(const char *format);

/* Write bytes to `path` atomically (temp file in the same folder, fsync, rename), or
 * to stdout when path is NULL or "-". 0, or -1 with err_set. */
int write_file_atomic(const char *path, const char *data, size_t len);

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
