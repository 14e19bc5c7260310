/* sitemap_loc.h: a sitemap entry that names no fetchable page (empty, relative,
 * not http(s)) is a finding on the sitemap, so no listed page goes unaccounted
 * for (docs/audit.md). */
#ifndef PROVCHECK_SITEMAP_LOC_H
#define PROVCHECK_SITEMAP_LOC_H
#include "finding.h"
#include "report.h"

/* Why `loc` (trimmed) cannot be fetched, or NULL when it is an absolute http(s)
 * URL. A static string. */
const char *sitemap_loc_problem(const char *loc);

/* When `loc` cannot be fetched, append a fetch-error (severity error, no path or
 * url yet) naming it to `bad` and return 1; 0 when it can; -1 out of memory. */
int sitemap_loc_check(const char *loc, finding_list *bad);

/* Give the findings of one sitemap its path and url and fingerprint them. 0/-1. */
int sitemap_loc_place(finding_list *bad, const char *path, const char *url);

/* Append a fetch-error on a sitemap (severity error, no path or url yet) saying
 * `message` ("sitemap: HTTP 404"). 0, or -1 out of memory. */
int sitemap_finding_add(finding_list *found, const char *message);

/* Add the findings on sitemaps (placed) to a report whose pages are sorted by
 * path. A sitemap's findings go onto the report entry of its path: the page of
 * the same URL when one was audited too (so a URL given both as a page and as a
 * sitemap is one entry with the findings of both), else a new entry for the
 * sitemap. Findings of one path are fingerprinted together; `found` is left
 * empty; the report is re-sorted and recounted. 0, or -1 out of memory. */
int sitemap_findings_report(report *r, finding_list *found);

#endif
