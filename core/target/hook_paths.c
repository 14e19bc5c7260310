/* hook_paths.c: --only-in-scope. The pre-commit framework hands a hook every
 * file name it selected (all of them with --all-files), relative to the repository
 * root, whatever the site's layout: names outside the site root are not pages of
 * this site, so they are dropped here instead of failing the run. Names inside the
 * root that include/exclude do not match are dropped by the source as usual. */
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "target_modes.h"

static int real_inside(const char *real, const char *root_real)
{
    size_t n = strlen(root_real);
    if (strncmp(real, root_real, n) != 0)
        return 0;
    return real[n] == '\0' || real[n] == '/' || (n == 1 && root_real[0] == '/');
}

int hook_paths_inside_root(const char *root, char **paths, size_t count, char ***kept,
                           size_t *kept_count)
{
    *kept = NULL;
    *kept_count = 0;
    char *root_real = realpath(root, NULL);
    if (!root_real)
        return 0;   /* src_fs_open names the missing root */
    char **out = calloc(count ? count : 1, sizeof *out);
    if (!out) {
        free(root_real);
        return err_set("out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        char *real = realpath(paths[i], NULL);
        if (!real || real_inside(real, root_real))
            out[n++] = paths[i];
        free(real);
    }
    free(root_real);
    *kept = out;
    *kept_count = n;
    return 0;
}
