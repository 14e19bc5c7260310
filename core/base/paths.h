/* paths.h: small questions about paths on disk, and joining them. */
#ifndef PROVCHECK_PATHS_H
#define PROVCHECK_PATHS_H

/* Whether something exists at path (stat follows links). */
int path_exists(const char *path);
/* Whether path is a folder (or a link to one). */
int path_is_folder(const char *path);
/* `name` inside `dir`: name itself when it is absolute or dir is NULL, "" or ".".
   malloc'd, NULL when out of memory. */
char *path_join(const char *dir, const char *name);

#endif
