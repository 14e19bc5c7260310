/* result_cache.h: per-page check results kept between runs, in SQLite inside the
 * repository's git directory (<gitdir>/provcheck/cache.sqlite, WAL mode).
 *
 * Key: the page's blob id, its report path and site path (overrides and relative
 * links depend on them), and a run key (the ruleset digest, the tool version and
 * the --rule list). Value: the page's findings and the link-target questions the
 * check asked, with their answers. A result is reused only while every answer
 * still holds in the tree being checked.
 *
 * Best effort: a cache that cannot be opened or written never fails a run. Writes
 * are batched in transactions; a killed run loses at most its last batch. Safe to
 * use from several threads (one lock) and from several processes (WAL, busy
 * timeout). Set PROVCHECK_CACHE_STATS=1 to get hits, misses and stores on stderr
 * when the cache closes. */
#ifndef PROVCHECK_RESULT_CACHE_H
#define PROVCHECK_RESULT_CACHE_H
#include <stddef.h>
#include "finding.h"
#include "src_git.h"

typedef struct result_cache result_cache;

/* NULL when the cache cannot be opened (the run goes on without it). */
result_cache *result_cache_open(const char *gitdir, const char *run_key);
/* Flushes pending writes, prints the stats when asked, frees. NULL is fine. */
void result_cache_close(result_cache *c);

/* Answers a dependency for the tree being checked now: 1 exists, 0 missing. */
typedef int (*result_cache_exists_fn)(void *ctx, const char *site_path);

/* 1 and the findings appended to out (path, commit and blob set from the
   arguments) on a hit, with the recorded dependencies in deps_out when not NULL;
   0 on a miss or when a dependency no longer holds. */
int result_cache_get(result_cache *c, const char *blob, const char *path,
                     const char *site_path, const char *commit,
                     result_cache_exists_fn exists, void *exists_ctx, finding_list *out,
                     dep_log *deps_out);
/* Queue a result (copied). */
void result_cache_put(result_cache *c, const char *blob, const char *path,
                      const char *site_path, const finding *items, size_t count,
                      const dep_log *deps);
/* Write what is queued, in one transaction. */
void result_cache_flush(result_cache *c);

/* The run key: hex SHA-256 of the ruleset digest, the tool version and the --rule
   ids. out holds 65 bytes. */
void result_cache_run_key(char out[65], const char *ruleset_digest, char **rules,
                          size_t rule_count);

#endif
