/* src_fs.h: the files-mode source: pages on the file system under a site root.
 *
 * Paths in the report are relative to the site root, '/'-separated. Without PATHs
 * the whole site root is walked; with PATHs (files or folders, relative to the
 * current folder or absolute) only those. Every PATH must exist and lie inside the
 * site root (after resolving symbolic links): otherwise src_fs_open fails with a
 * setup error. The config's include/exclude apply to every page found, named PATHs
 * included. Folders named ".git" are not walked. Symbolic links are followed only
 * where their target lies inside the site root; a folder reached again through a
 * link (a loop) is not walked twice on one branch; a file reached through a link
 * leaving the root, or over max_page_bytes, is listed with an error (page-error);
 * a folder link leaving the root is not walked. */
#ifndef PROVCHECK_SRC_FS_H
#define PROVCHECK_SRC_FS_H
#include <stddef.h>
#include "config.h"
#include "source.h"

/* 0, or -1 with err_set (site root missing, a PATH missing or outside the root).
 * cfg is borrowed and must outlive the source; NULL = the built-in defaults. */
int src_fs_open(source **out, const char *site_root, char **paths, size_t path_count,
                const config *cfg);

#endif
