/* src_fs.h: the files-mode source: pages on the file system under a site root.
 *
 * Paths in the report are relative to the site root, '/'-separated, or to the git
 * work tree root when src_fs_set_report_base names the site root's place in it. Without PATHs
 * the whole site root is walked; with PATHs (files or folders, relative to the
 * current folder or absolute) only those. Every PATH must exist and lie inside the
 * site root (after resolving symbolic links): otherwise src_fs_open fails with a
 * setup error. The config's include/exclude apply to every page found, named PATHs
 * included. Folders named ".git" are not walked. Symbolic links are followed only
 * where their target lies inside the site root; a folder reached again through a
 * link (a loop) is not walked twice on one branch; a file reached through a link
 * leaving the root, over max_page_bytes, or not a regular file (a FIFO...), is
 * listed with an error (page-error). A folder that cannot be walked (a link leaving
 * the root, deeper than the depth limit, unreadable) is listed at its own path
 * with an error, when pages in scope could lie below it. */
#ifndef PROVCHECK_SRC_FS_H
#define PROVCHECK_SRC_FS_H
#include <stddef.h>
#include "config.h"
#include "source.h"

/* 0, or -1 with err_set (site root missing, a PATH missing or outside the root).
 * cfg is borrowed and must outlive the source; NULL = the built-in defaults. */
int src_fs_open(source **out, const char *site_root, char **paths, size_t path_count,
                const config *cfg);

/* Report paths as `prefix`/SITE_PATH (prefix: the site root's path inside the git
 * work tree, "" for none) and record base_dir (source.base_dir; NULL = unknown).
 * 0, or -1 with err_set. */
int src_fs_set_report_base(source *src, const char *prefix, const char *base_dir);

#endif
