/* baseline.h: baselines (baseline.c). A baseline is a JSON report; findings whose
 * fingerprint it holds become suppressed (SUPP_BASELINE). */
#ifndef PROVCHECK_BASELINE_H
#define PROVCHECK_BASELINE_H
#include <stddef.h>
#include "report.h"

/* Apply the baseline file at `path`. Stale entries are listed on stderr when
 * verbose. 0 or -1 with err_set. */
int baseline_apply(report *r, const char *path, int verbose);
/* The same for a baseline already read (the config's `baseline` key, read from the
   config's folder, tree or index); `path` names it in messages. */
int baseline_apply_text(report *r, const char *path, const char *text, size_t len,
                        int verbose);

#endif
