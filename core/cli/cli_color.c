/* cli_color.c: --color, NO_COLOR (no-color.org) and FORCE_COLOR. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli_color.h"

int color_mode_parse(const char *value, int *mode)
{
    if (strcmp(value, "auto") == 0)
        *mode = COLOR_AUTO;
    else if (strcmp(value, "always") == 0)
        *mode = COLOR_ALWAYS;
    else if (strcmp(value, "never") == 0)
        *mode = COLOR_NEVER;
    else
        return -1;
    return 0;
}

int color_wanted(int mode, const char *output)
{
    if (mode == COLOR_ALWAYS)
        return 1;
    if (mode == COLOR_NEVER)
        return 0;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return 0;
    const char *force = getenv("FORCE_COLOR");
    if (force && *force && strcmp(force, "0") != 0)
        return 1;
    int to_stdout = !output || strcmp(output, "-") == 0;
    return to_stdout && isatty(STDOUT_FILENO);
}
