/* cli_runinfo.c: the -v summary of a run's inputs, so a user can see which config
 * and which rules produced a verdict. */
#include <stdio.h>
#include "cli_runinfo.h"

static void print_list(const char *cmd, const char *what, char **items, size_t count)
{
    fprintf(stderr, "provcheck %s: %s:", cmd, what);
    if (!count)
        fputs(" (none)", stderr);
    for (size_t i = 0; i < count; i++)
        fprintf(stderr, " %s", items[i]);
    fputc('\n', stderr);
}

void run_info_print(const char *cmd, const config *cfg, const char *site_root,
                    const ruleset *rs)
{
    fprintf(stderr, "provcheck %s: config: %s\n", cmd,
            cfg && cfg->path ? cfg->path : "(none: built-in defaults)");
    if (site_root)
        fprintf(stderr, "provcheck %s: site root: %s\n", cmd, *site_root ? site_root : ".");
    if (cfg) {
        print_list(cmd, "include", cfg->include, cfg->include_count);
        print_list(cmd, "exclude", cfg->exclude, cfg->exclude_count);
        if (cfg->override_count)
            fprintf(stderr, "provcheck %s: overrides: %zu\n", cmd, cfg->override_count);
    }
    if (!rs)
        return;
    fprintf(stderr, "provcheck %s: rules (ruleset %.12s):", cmd, rs->digest);
    size_t running = 0;
    for (size_t i = 0; i < rs->count; i++) {
        if (rs->base_sev[i] == SEV_OFF)
            continue;
        fprintf(stderr, " %s=%s", rs->rules[i].id, severity_name(rs->base_sev[i]));
        running++;
    }
    if (!running)
        fputs(" (none)", stderr);
    fputc('\n', stderr);
}
