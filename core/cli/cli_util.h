/* cli_util.h: small helpers shared by the cli_*.c commands (not a public API). */
#ifndef PROVCHECK_CLI_UTIL_H
#define PROVCHECK_CLI_UTIL_H
#include "buf.h"
#include "cfgval.h"
#include "config.h"

/* Print "provcheck CMD: message" and a pointer to --help on stderr. Returns -1. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Whether argv[*i] is the option SHORT/LONG ("-c X", "-cX", "--config X",
   "--config=X"). On a match *value_out is the value (NULL when missing) and *i is
   advanced past a separate value. SHORT "" means the option has no short form. */
int cli_option_value(int argc, char **argv, int *i, const char *short_name,
                     const char *long_name, const char **value_out);

/* The config as `check` finds it: config_path, else ./provcheck.lua, else
   provcheck.lua at the git work tree root, else the built-in defaults. 0, or -1
   with err_set naming the file (and line). */
int cli_config_load(config **out, const char *config_path);

/* --now TIME: parse it (ISO 8601 or @SECONDS) and make it the run's clock
   (config_set_now_option). 0, or -1 after a usage message naming --now. */
int cli_now_option(const char *cmd, const char *value);

/* Append s as a JSON string literal. */
void cli_json_string(buf *b, const char *s);
/* Append v as a Lua literal, as a user would write it in provcheck.lua. */
void cli_cfgval_lua(buf *b, const cfgval *v);

#endif
