/* cli.h: the command line. Parsed check options, check targets (where pages, config
 * and rules come from), the shared check pipeline, and the command table.
 *
 * Ownership of the pieces: cli_args.c/cli_check.c/cli_files.c (files mode and the
 * pipeline), git_target.c (git modes, cache, notes), baseline.c (baselines),
 * audit (its own command). Each command is `int cmd_x(int argc, char **argv)`
 * returning an exit code (err.h); argv[0] is the command name. */
#ifndef PROVCHECK_CLI_H
#define PROVCHECK_CLI_H
#include <stddef.h>
#include "check.h"
#include "config.h"
#include "report.h"
#include "rules.h"
#include "source.h"

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

/* Where one check run reads from. Opened from check_args by a target opener. */
typedef struct check_target {
    source *src;                  /* owned */
    config *cfg;                  /* owned */
    vfs fs;                       /* the config's folder (rule_paths, plugins) */
    void (*fs_close)(vfs *fs);
    check_options opts;           /* cache hooks filled in by the target */
    void *state;                  /* opener-private (repository, cache), owned */
    void (*state_close)(void *state);
    /* What the checked target changes in the config and rule files relative to
       config_base (git modes; NULL = not compared). Owned. */
    char *config_base;
    char **config_changed; size_t config_changed_count;
} check_target;

/* Files mode (no --rev/--staged). 0, or -1 with err_set. */
int files_target_open(check_target *t, const check_args *a);
/* The real path of the root of the git work tree holding `path`, or NULL (no
   repository, a bare one). malloc'd. */
char *git_work_tree_of(const char *path);
/* The rest of files mode once t->cfg is loaded (and t->fs opened, when t->fs_close
 * is set): the site root and the source. 0, or -1 with err_set (t closed). */
int files_target_open_source(check_target *t, const check_args *a);
/* --only-in-scope (cli_hook_paths.c): of `paths`, the ones whose real path lies
 * inside the site root `root`, or that do not exist (the source then names them);
 * *kept is a malloc'd array borrowing the strings. 0, or -1 with err_set. */
int hook_paths_inside_root(const char *root, char **paths, size_t count, char ***kept,
                           size_t *kept_count);
/* Git modes (--rev, --staged; --changed-since applies to every mode and is handled
 * here too, since it needs the repository). 0, or -1 with err_set. */
int git_target_open(check_target *t, const check_args *a);
void check_target_close(check_target *t);
/* --record (git_notes.c): store the JSON report as a git note on the checked commit
 * (ref refs/notes/provcheck, replacing an older note). cmd_check calls it after the
 * report was written, when a->record is set. 0, or -1 with err_set. */
int git_target_record(const check_target *t, const report *r);

/* The whole pipeline up to a sorted, filtered report: open the target, load the
 * ruleset (with --rule), run, apply the baseline. The caller frees *rs_out (may be
 * NULL when not wanted) and the report. 0, or -1 with err_set (setup error). */
int check_pipeline(report *out, ruleset **rs_out, check_target *t, const check_args *a);

/* --print-config (cli_print_config.c): the effective config of the page a->paths[0]
 * (a file, or a URL path such as "/privacy"), overrides applied, as Lua or with
 * -f json as JSON, on stdout. 0, or -1 with err_set. */
int check_print_config(check_target *t, const check_args *a);

/* Apply a baseline: findings whose fingerprint it holds become suppressed
 * (SUPP_BASELINE). Stale entries are listed on stderr when verbose. 0 or -1. */
int baseline_apply(report *r, const char *path, int verbose);
/* The same for a baseline already read (the config's `baseline` key, read from the
   config's folder, tree or index); `path` names it in messages. */
int baseline_apply_text(report *r, const char *path, const char *text, size_t len,
                        int verbose);

/* Record the run in the report (JSON "run"): shard K/N (count 0 = every page) and
 * the config hash of rs, cfg's page selection and the baseline file's bytes.
 * 0, or -1 with err_set. */
int report_record_run(report *r, const ruleset *rs, const config *cfg, int shard_index,
                      int shard_count, const char *baseline_path);

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
