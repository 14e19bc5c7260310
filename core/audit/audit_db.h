/* audit_db.h: the audit history in SQLite (WAL): every audit, its pages and
 * findings (with fingerprints), and the HTTP validators (ETag, Last-Modified) that
 * let an unchanged page reuse its last result.
 *
 * Schema (docs/audit.md):
 *   audits(id, started, finished, site, pages, compliant, findings, errors,
 *          warnings, suppressed, ruleset, shard)
 *   pages(audit_id, url, path, status, findings, lastmod, links, targets)
 *   findings(audit_id, rule, severity, message, path, url, line, col, fingerprint,
 *            suppressed, reason)
 *   http_cache(url, etag, last_modified, ruleset, audit_id, checked)
 * An audit is written in one transaction: a killed run leaves the previous state.
 * Files of the older schema (without links, targets, reason) are upgraded on a writable
 * open and read as they are on a read-only one.
 *
 * Ownership: strings returned are malloc'd for the caller, lists owned by the
 * caller and freed with the matching _free. One connection per thread. */
#ifndef PROVCHECK_AUDIT_DB_H
#define PROVCHECK_AUDIT_DB_H
#include <stddef.h>
#include "finding.h"
#include "report.h"

typedef struct audit_db audit_db;

/* Open (creating the schema when needed). 0, or -1 with err_set. With `readonly`
 * the file must exist and is not changed. */
int audit_db_open(audit_db **out, const char *path, int readonly);
void audit_db_close(audit_db *db);

/* The validators stored for `url` by an audit under the same ruleset digest, and
 * that audit's id. 1 found, 0 none, -1 error (err_set). */
int audit_db_cache_get(audit_db *db, const char *url, const char *ruleset,
                       char **etag_out, char **last_modified_out, long long *audit_out);
/* Append the findings audit `audit_id` recorded for `url`, suppressed ones
 * included (a 304's reuse). 0/-1. */
int audit_db_findings_for_url(audit_db *db, long long audit_id, const char *url,
                              finding_list *out);
/* What audit `audit_id` recorded about the page `url`, each malloc'd or NULL when
 * not recorded: its same-origin links (one URL a line, "" for none) and the link
 * targets its result depends on ("1 URL" or "0 URL" a line, "" for none). 1 the
 * page is on record, 0 not, -1 error. */
int audit_db_page_memory(audit_db *db, long long audit_id, const char *url,
                         char **links_out, char **targets_out);

typedef struct audit_page_info {
    const char *url;
    long status;                 /* HTTP status; 0 = none */
    const char *lastmod;         /* from the sitemap, or NULL */
    const char *etag, *last_modified;   /* validators to store, or NULL */
    const char *links;           /* its same-origin links, one a line, or NULL (not crawled) */
    const char *targets;         /* link targets its result depends on, or NULL (unknown) */
} audit_page_info;

typedef struct audit_meta {
    const char *site;            /* scheme://host:port of the audit */
    const char *started;         /* ISO 8601 UTC */
    const char *ruleset;         /* ruleset digest */
    const char *shard;           /* "K/N" or NULL */
} audit_meta;

/* Store one audit: the report's pages and findings, the validators of `info`
 * (parallel to nothing: matched by URL). *id_out gets the new audit id. 0/-1. */
int audit_db_store(audit_db *db, const audit_meta *meta, const report *r,
                   const audit_page_info *info, size_t info_count, long long *id_out);

/* The latest audit of `site` and `shard` ("K/N", NULL = not sharded) before audit
 * `before` (0 = latest of all): a shard compares with the same shard. 1 found,
 * 0 none, -1 error. */
int audit_db_previous(audit_db *db, const char *site, const char *shard, long long before,
                      long long *id_out);

/* new = findings of `cur` not in `prev`; fixed = findings of `prev` on pages
 * audited again in `cur` that are gone; open = in both. Matched by URL (or path)
 * and fingerprint; suppressed findings are left out. */
typedef struct audit_compare {
    finding_list added, fixed, still_open;
} audit_compare;
int audit_db_compare(audit_db *db, long long prev, long long cur, audit_compare *out);
void audit_compare_free(audit_compare *c);

/* One row of audits, for reports. */
typedef struct audit_row {
    long long id;
    char *started, *site, *shard;
    long pages, compliant, findings, errors, warnings, suppressed;
} audit_row;
/* Every audit of `site` (NULL = the site of the latest audit), oldest first. */
int audit_db_list(audit_db *db, const char *site, audit_row **out, size_t *count_out);
void audit_rows_free(audit_row *rows, size_t count);
/* Every finding of an audit (suppressed included), in report order. 0/-1. */
int audit_db_findings(audit_db *db, long long audit_id, finding_list *out);

#endif
