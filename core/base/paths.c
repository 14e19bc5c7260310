/* paths.c: path questions and joins (paths.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "paths.h"

int path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int path_is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return strdup(name);
    size_t dl = strlen(dir), nl = strlen(name);
    char *out = malloc(dl + nl + 2);
    if (!out)
        return NULL;
    memcpy(out, dir, dl);
    size_t at = dl;
    if (dir[dl - 1] != '/')
        out[at++] = '/';
    memcpy(out + at, name, nl + 1);
    return out;
}
