/* Where the plugin packs shipped with provcheck live, found from the running
 * binary so that an install works under any prefix and after being moved. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rules.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static char installed_plugins[PATH_MAX];
static const char *dirs[SHIPPED_PLUGIN_DIR_COUNT];
static size_t dir_count;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int is_file(const char *dir, const char *name)
{
    char p[PATH_MAX];
    struct stat st;
    int n = snprintf(p, sizeof p, "%s/%s", dir, name);
    return n > 0 && (size_t)n < sizeof p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void find_dirs(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        /* no /proc: only the folder the build was configured to install to */
        dirs[dir_count++] = PROVCHECK_PLUGIN_DIR;
        return;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    const char *bindir = *exe ? exe : "/";
    /* A binary still in its build folder (the one holding CMakeCache.txt) uses the
       packs of the source tree it was built from, so edits there take effect
       without installing; an installed binary never reads that tree. */
    if (is_file(bindir, "CMakeCache.txt"))
        dirs[dir_count++] = PROVCHECK_SOURCE_DIR "/plugins";
    n = snprintf(installed_plugins, sizeof installed_plugins, "%s/%s", bindir,
                 PROVCHECK_BIN_TO_PLUGINS);
    if (n > 0 && (size_t)n < sizeof installed_plugins)
        dirs[dir_count++] = installed_plugins;
}

size_t shipped_plugin_dirs(const char *out[SHIPPED_PLUGIN_DIR_COUNT])
{
    pthread_once(&once, find_dirs);
    for (size_t i = 0; i < dir_count; i++)
        out[i] = dirs[i];
    return dir_count;
}
