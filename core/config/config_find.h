/* config_find.h: finding and loading the config of a run in files mode. */
#ifndef PROVCHECK_CONFIG_FIND_H
#define PROVCHECK_CONFIG_FIND_H
#include "config.h"

/* The config as `check` finds it: config_path, else ./provcheck.lua, else
   provcheck.lua at the git work tree root, else the built-in defaults. 0, or -1
   with err_set naming the file (and line). */
int config_find_load(config **out, const char *config_path);

#endif
