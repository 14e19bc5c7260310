/* audit_drift.h: drift between live pages and the pages committed at a revision
 * (audit --against-rev REV --map URL_PREFIX=PATH_PREFIX).
 *
 * A live page whose URL starts with a URL_PREFIX is compared with the blob at
 * PATH_PREFIX + the rest of the URL's path (a path ending in '/' means its
 * index.html; the query is ignored) in REV's tree, read from the object database of
 * the repository around the current folder. The longest matching prefix wins. The
 * comparison is of the normalized visible text (CONTRACT.md). Differences become
 * `drift` warnings naming the first sentence that differs, and saying when it is
 * the disclaimer or a source label that the live page lacks; a page under no
 * prefix gets a `drift` info finding ("not compared"), so unmapped pages are listed
 * in the report. */
#ifndef PROVCHECK_AUDIT_DRIFT_H
#define PROVCHECK_AUDIT_DRIFT_H
#include <stddef.h>
#include "report.h"
#include "src_http.h"

typedef struct audit_drift audit_drift;

/* Resolve REV in the repository around the current folder and check the maps
 * ("URL_PREFIX=PATH_PREFIX"). 0, or -1 with err_set (not a repository, a revision
 * that does not resolve, a malformed map): a setup error. */
int audit_drift_open(audit_drift **out, const char *rev, char **maps, size_t map_count);
/* Compare every fetched page of the store and append the findings to the report
 * (then sorted and recounted). *unmapped_out counts pages under no prefix. 0, or
 * -1 when out of memory. */
int audit_drift_run(audit_drift *d, const http_page_store *store, report *r,
                    size_t *unmapped_out);
void audit_drift_close(audit_drift *d);

#endif
