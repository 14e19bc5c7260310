/* run_record.h: what a report records about its run (run_record.c). */
#ifndef PROVCHECK_RUN_RECORD_H
#define PROVCHECK_RUN_RECORD_H
#include "config.h"
#include "report.h"
#include "rules.h"

/* Record the run in the report (JSON "run"): shard K/N (count 0 = every page) and
 * the config hash of rs, cfg's page selection and the baseline file's bytes.
 * 0, or -1 with err_set. */
int report_record_run(report *r, const ruleset *rs, const config *cfg, int shard_index,
                      int shard_count, const char *baseline_path);

#endif
