/* config_drift.h: which config and rule files a checked revision changes relative
 * to a trusted one. The ruleset is loaded once through a recording vfs, so the
 * files compared are exactly the ones loading looks at (rule_paths folders, plugin
 * manifests and rules, modules), absent ones included: a rule script added to a
 * rule folder, or a plugins/NAME/ folder that would shadow a shipped pack, counts. */
#ifndef PROVCHECK_CONFIG_DRIFT_H
#define PROVCHECK_CONFIG_DRIFT_H
#include <stddef.h>
#include "config.h"
#include "source.h"

typedef struct drift_files {
    char **items;       /* sorted, unique, '/'-separated */
    size_t count, cap;
} drift_files;

void drift_files_free(drift_files *d);

/* Load cfg's ruleset through `loaded_from` (where the config was read), recording
 * every file and folder it touches, then compare each of them between `trusted`
 * and `checked` (vfs over the same folder of two revisions). A differing path is
 * added as `prefix`/path. 0, or -1 with err_set (the ruleset does not load, OOM). */
int config_drift_rules(const config *cfg, const vfs *loaded_from, const vfs *trusted,
                       const vfs *checked, const char *prefix, drift_files *out);

/* Compare one file between two vfs (present in both with the same bytes, or absent
 * in both); on a difference add `shown` to out. 0, or -1 when out of memory. */
int config_drift_file(const vfs *trusted, const vfs *checked, const char *path,
                      const char *shown, drift_files *out);

#endif
