/* target_modes.h: the ways of opening a target that target_open (target.c) picks
 * from. Private to core/target/: everyone else calls target_open. */
#ifndef PROVCHECK_TARGET_MODES_H
#define PROVCHECK_TARGET_MODES_H
#include "target.h"

/* Files mode. Leaves what it opened in t on failure (target_open closes it).
   0, or -1 with err_set. */
int files_target_open(check_target *t, const target_request *req);
/* The rest of files mode once t->cfg is loaded (and t->fs opened, when t->fs_close
 * is set): the site root and the source. 0, or -1 with err_set. */
int files_target_open_source(check_target *t, const target_request *req);
/* Git modes (--rev, --staged, and --changed-since or --config-from in files mode).
   0, or -1 with err_set; on failure t holds what was opened. */
int git_target_open(check_target *t, const target_request *req);

/* --only-in-scope: of `paths`, the ones whose real path lies inside the site root
 * `root`, or that do not exist (the source then names them); *kept is a malloc'd
 * array borrowing the strings. 0, or -1 with err_set. */
int hook_paths_inside_root(const char *root, char **paths, size_t count, char ***kept,
                           size_t *kept_count);

#endif
