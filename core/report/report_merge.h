/* report_merge.h: merging the JSON reports of the shards of one run into the
 * report an unsharded run gives (`provcheck merge`; usable without a command line). */
#ifndef PROVCHECK_REPORT_MERGE_H
#define PROVCHECK_REPORT_MERGE_H
#include <stddef.h>
#include "report.h"

/* Read the JSON reports `files` (version 1, the same tool version and target, each
 * page in one report only) and merge them into out: pages and findings sorted as
 * check sorts them, the run's shards accounted for (all of them unless `partial`).
 * 0, or -1 with err_set naming the file; free out with report_free either way. */
int report_merge_files(report *out, const char **files, size_t count, int partial);

#endif
