/* audit.h: auditing a live site (`provcheck audit`; usable without a command
 * line): fetch it politely (http_fetch.h), check its pages with the same rules and
 * page model as `check` (src_http.h), optionally compare the live pages with a git
 * revision (audit_drift.h), remember the audit and compare it with the previous
 * one (audit_db.h). The caller formats the report and chooses the exit status. */
#ifndef PROVCHECK_AUDIT_H
#define PROVCHECK_AUDIT_H
#include <stddef.h>
#include "audit_db.h"
#include "buf.h"
#include "config.h"
#include "report.h"
#include "rules.h"

typedef struct audit_options {
    char **urls; size_t url_count;          /* seed pages */
    char **sitemaps; size_t sitemap_count;
    char **headers; size_t header_count;    /* "Name: value", after the config's */
    char **maps; size_t map_count;          /* --map for --against-rev */
    int crawl, compare, quiet, jobs, concurrency;
    long max_pages;
    double timeout, rate;
    const char *db, *against_rev, *user_agent;
    int shard_k, shard_n;                   /* 1/1 = the whole site */
    int verbose;
    /* Called once the pages are fetched and the ruleset is loaded, before the
       check (the command prints its run information there), or NULL. */
    void (*before_check)(void *ctx, const config *cfg, const ruleset *rs);
    void *before_check_ctx;
} audit_options;

typedef struct audit_result {
    report report;                /* sorted, drift applied */
    long long previous;           /* --compare: the previous audit's id, 0 = none */
    audit_compare compare;        /* --compare: new, fixed and still open findings */
} audit_result;

/* Audit the site with the config cfg (its rules, plugins and `audit` table). Setup
 * errors (bad config table, no page found at all, unusable database) come before
 * or instead of a report. 0, or -1 with err_set; free out with audit_result_free
 * either way. */
int audit_site(audit_result *out, const audit_options *o, const config *cfg);
void audit_result_free(audit_result *r);

/* Append the comparison to the report formatted as `format`: as a member of the
 * JSON object, after the text report, or on stderr for the other formats.
 * 0, or -1 with err_set. */
int audit_compare_write(buf *out, const char *format, long long prev, const audit_compare *c);

#endif
