/* cli_runinfo.h: what -v tells about a run before it starts: the config file, the
 * site root, the include and exclude patterns and the rules that will run. */
#ifndef PROVCHECK_CLI_RUNINFO_H
#define PROVCHECK_CLI_RUNINFO_H
#include "config.h"
#include "rules.h"

/* To stderr, each line prefixed "provcheck CMD: ". */
void run_info_print(const char *cmd, const config *cfg, const char *site_root,
                    const ruleset *rs);

#endif
