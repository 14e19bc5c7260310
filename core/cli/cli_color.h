/* cli_color.h: whether the text report is coloured. Precedence, strongest first:
 * --color=always|never, then NO_COLOR (non-empty: no colour), then FORCE_COLOR
 * (non-empty and not "0": colour), then auto: colour only when the report goes to
 * a terminal. --color=always beats NO_COLOR because it is the more specific wish. */
#ifndef PROVCHECK_CLI_COLOR_H
#define PROVCHECK_CLI_COLOR_H

enum { COLOR_AUTO = 0, COLOR_ALWAYS, COLOR_NEVER };

/* "auto", "always", "never" into *mode; 0, or -1 for anything else. */
int color_mode_parse(const char *value, int *mode);
/* The decision for a report written to `output` (NULL or "-" = stdout). */
int color_wanted(int mode, const char *output);

#endif
