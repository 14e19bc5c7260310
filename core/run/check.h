/* check.h: one check run: enumerate a source's pages, check them on a pool of
 * workers (each with its own engine and source reader), and assemble the sorted
 * report. Shared by check, baseline, blame, history and audit. */
#ifndef PROVCHECK_CHECK_H
#define PROVCHECK_CHECK_H
#include "report.h"
#include "rules.h"
#include "source.h"

typedef struct check_options {
    int jobs;                 /* worker threads; <= 0 = number of CPUs */
    int shard_index, shard_count;   /* 1-based K of N; 0/0 = all */
    /* optional per-page hook: the caller may skip checking (e.g. a cache hit) by
       filling `out` and returning 1. */
    int (*cached)(void *ctx, const page_ref *ref, finding_list *out);
    void (*store)(void *ctx, const page_ref *ref, const finding_list *found);
    void *cache_ctx;
    /* optional: called after each page with the pages done and left, from any
       worker thread (progress.h throttles and serialises drawing) */
    void (*progress)(void *ctx, size_t done, size_t remaining);
    void *progress_ctx;
} check_options;

/* Run the check. The report owns its data. 0, or -1 with err_set on a setup error
 * (no page problem is ever a -1: those are page-error findings). */
int check_run(report *out, source *src, const ruleset *rs, const check_options *opt);

#endif
