/* cmd_log.c: `provcheck log [RANGE]`: options in, git_notes_log (git_notes.h) out
 * to stdout or a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "fileio.h"
#include "git_notes.h"

#define LOG_DEFAULT_LIMIT 100

static const char log_usage[] =
    "usage: provcheck log [options] [RANGE]\n"
    "\n"
    "Compliance per commit from the results recorded with `check --rev REV --record`\n"
    "(git notes in " PROVCHECK_NOTES_REF "), newest first, along the first-parent history.\n"
    "RANGE is a revision (default HEAD) or A..B. Nothing is checked again.\n"
    "\n"
    "options:\n"
    "  -n, --max-count N       at most N commits (default 100; 0 = all)\n"
    "  -f, --format FMT        text (default) or json\n"
    "  -o, --output FILE       write the result to FILE instead of stdout\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 when it ran, 2 on a usage or setup error\n";

int cmd_log(int argc, char **argv)
{
    const char *format = "text", *output = NULL, *range = NULL, *value = NULL;
    long limit = LOG_DEFAULT_LIMIT;
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        if (!options_done && strcmp(argv[i], "--") == 0) {
            options_done = 1;
        } else if (!options_done &&
                   (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)) {
            fputs(log_usage, stdout);
            return EXIT_CLEAN;
        } else if (!options_done && cli_option_value(argc, argv, &i, "-f", "--format", &value)) {
            if (!value || (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)) {
                cli_usage_error("log", "--format is text or json");
                return EXIT_SETUP;
            }
            format = value;
        } else if (!options_done && cli_option_value(argc, argv, &i, "-o", "--output", &value)) {
            if (!value) {
                cli_usage_error("log", "--output needs a FILE");
                return EXIT_SETUP;
            }
            output = value;
        } else if (!options_done &&
                   cli_option_value(argc, argv, &i, "-n", "--max-count", &value)) {
            char *end = NULL;
            limit = value ? strtol(value, &end, 10) : -1;
            if (!value || *end || limit < 0) {
                cli_usage_error("log", "--max-count needs a number >= 0");
                return EXIT_SETUP;
            }
        } else if (!options_done && argv[i][0] == '-' && argv[i][1]) {
            cli_usage_error("log", "unknown option %s", argv[i]);
            return EXIT_SETUP;
        } else if (range) {
            cli_usage_error("log", "one RANGE at most");
            return EXIT_SETUP;
        } else {
            range = argv[i];
        }
    }
    buf out = BUF_INIT;
    int rc = git_notes_log(&out, range ? range : "HEAD", limit, strcmp(format, "json") == 0);
    if (rc == 0)
        rc = write_file_atomic(output, out.data ? out.data : "", out.len);
    buf_free(&out);
    return rc < 0 ? EXIT_SETUP : EXIT_CLEAN;
}
