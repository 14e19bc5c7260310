/* cli.h: the command line. Parsed check options, the shared check pipeline over a
 * target (target.h: where pages, config and rules come from), and the command
 * table.
 *
 * Ownership of the pieces: cli_args.c (options), cli_check.c (the pipeline and
 * `check`), cli_print_config.c (--print-config); each command is
 * `int cmd_x(int argc, char **argv)` returning an exit code (err.h); argv[0] is the
 * command name. */
#ifndef PROVCHECK_CLI_H
#define PROVCHECK_CLI_H
#include <stddef.h>
#include "baseline.h"
#include "check.h"
#include "config.h"
#include "git_notes.h"
#include "report.h"
#include "rules.h"
#include "run_record.h"
#include "source.h"
#include "target.h"

typedef struct check_args {
    const char *config_path;      /* -c, --config; NULL = look for provcheck.lua */
    const char *format;           /* -f, --format; "text" */
    const char *output;           /* -o, --output; NULL = stdout */
    int fail_on_never;            /* --fail-on never */
    severity fail_on;             /* --fail-on; SEV_ERROR */
    long max_warnings;            /* --max-warnings; -1 = no limit */
    int jobs;                     /* -j; 0 = number of CPUs */
    char **rules; size_t rule_count;   /* --rule (repeatable) */
    const char *baseline;         /* --baseline FILE */
    const char *rev;              /* --rev */
    int staged;                   /* --staged */
    int only_in_scope;            /* --only-in-scope: PATHs from a hook; those outside
                                     the site root or include are ignored */
    const char *changed_since;    /* --changed-since */
    const char *config_from;      /* --config-from REV: config and rules from there */
    int record;                   /* --record */
    int no_cache;                 /* --no-cache */
    int shard_index, shard_count; /* --shard K/N (or CI_NODE_INDEX/CI_NODE_TOTAL) */
    const char *automation_id;    /* --automation-id: SARIF category/run id */
    const char *report_hint;      /* --report-hint: github summary's "full report at" */
    int quiet, verbose;           /* --quiet, --verbose */
    int no_pages_ok;              /* no page in scope is fine (file names handed over
                                     by a hook, none of them a page): exit 0, not 2 */
    const char *command;          /* argv[0]: the command, for messages */
    int color;                    /* --color: COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER */
    int print_config;             /* --print-config: print the effective config, exit */
    char **paths; size_t path_count;   /* positional PATHs */
} check_args;

/* Parse the check options (shared by check, baseline, blame, history). Returns 0,
 * 1 when --help was printed, or -1 on a usage error (message already printed to
 * stderr). `usage` is the command's help text. */
int check_args_parse(check_args *a, int argc, char **argv, const char *usage);
void check_args_free(check_args *a);

/* The target a check_args asks for (borrowing its strings). */
void check_args_target_request(const check_args *a, target_request *req);

/* The whole pipeline up to a sorted, filtered report: open the target (with its
 * rule set, --rule applied), run, apply the baseline. The caller frees *rs_out (may be
 * NULL when not wanted) and the report. 0, or -1 with err_set (setup error). */
int check_pipeline(report *out, ruleset **rs_out, check_target *t, const check_args *a);

/* --print-config (cli_print_config.c): the effective config of the page a->paths[0]
 * (a file, or a URL path such as "/privacy"), overrides applied, as Lua or with
 * -f json as JSON, on stdout. 0, or -1 with err_set. */
int check_print_config(check_target *t, const check_args *a);

/* --fail-on LEVEL and --max-warnings N into a; the commands that gate on a report
 * (check, merge) share them. 0, or -1 after a usage message. */
int check_args_fail_on(check_args *a, const char *cmd, const char *value);
int check_args_max_warnings(check_args *a, const char *cmd, const char *value);

/* Exit code for a finished report under --fail-on and --max-warnings. */
int check_exit_code(const report *r, const check_args *a);

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;
extern const command commands[];   /* commands.c; ends with a NULL name */

int cmd_check(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_blame(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_install_hook(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_test_rules(int argc, char **argv);

#endif
