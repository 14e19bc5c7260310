/* config_find.c: the config as `check` finds it: --config, else ./provcheck.lua,
 * else provcheck.lua at the root of the git work tree around the current folder,
 * else the built-in defaults (config_find.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config_find.h"
#include "err.h"
#include "fileio.h"
#include "paths.h"

#define CONFIG_NAME "provcheck.lua"
#define CONFIG_MAX_BYTES (4u << 20)

/* The folder part of a path as given: "a/b/c.lua" -> "a/b", "c.lua" -> ".",
   "/c.lua" -> "/". */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* provcheck.lua at the root of the git work tree around the current directory, or
   NULL. The work tree root is the nearest folder upwards holding a .git (a folder,
   or a file in worktrees and submodules). */
static char *config_at_work_tree_root(void)
{
    char *dir = getcwd(NULL, 0);
    if (!dir)
        return NULL;
    for (;;) {
        char *dotgit = path_join(dir, ".git");
        int found = dotgit && path_exists(dotgit);
        free(dotgit);
        if (found) {
            char *cfg = path_join(dir, CONFIG_NAME);
            if (cfg && !path_exists(cfg)) {
                free(cfg);
                cfg = NULL;
            }
            free(dir);
            return cfg;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    free(dir);
    return NULL;
}

int config_find_load(config **out, const char *config_path)
{
    *out = NULL;
    char *path = NULL;
    if (config_path) {
        path = strdup(config_path);
    } else if (path_exists(CONFIG_NAME)) {
        path = strdup(CONFIG_NAME);
    } else {
        path = config_at_work_tree_root();
        if (!path) {
            *out = config_default();
            return *out ? 0 : err_set("out of memory");
        }
    }
    if (!path)
        return err_set("out of memory");

    int rc = -1;
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    if (path_is_folder(path)) {
        err_set("%s: is a folder; --config names a file", path);
        goto cleanup;
    }
    if (file_read_all(path, CONFIG_MAX_BYTES, &text, &len) < 0)
        goto cleanup;   /* fileio names the file and the reason */
    dir = folder_of(path);
    if (!dir) {
        err_set("out of memory");
        goto cleanup;
    }
    rc = config_load(out, path, dir, text, len);
cleanup:
    free(text);
    free(dir);
    free(path);
    return rc;
}
