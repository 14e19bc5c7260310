/* cli_args.c: the check options shared by check, baseline, blame and history.
 * Parsing only: nothing here opens a file or a repository. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cli_util.h"
#include "cli_color.h"
#include "suggest.h"
#include "report.h"

/* Options that take a value. */
enum opt_id {
    OPT_CONFIG, OPT_FORMAT, OPT_OUTPUT, OPT_FAIL_ON, OPT_MAX_WARNINGS, OPT_JOBS,
    OPT_RULE, OPT_BASELINE, OPT_REV, OPT_CHANGED_SINCE, OPT_CONFIG_FROM, OPT_SHARD, OPT_AUTOMATION_ID,
    OPT_REPORT_HINT, OPT_COLOR, OPT_NOW,
    /* flags */
    OPT_STAGED, OPT_ONLY_IN_SCOPE, OPT_RECORD, OPT_NO_CACHE, OPT_PRINT_CONFIG, OPT_QUIET,
    OPT_VERBOSE, OPT_HELP
};

struct opt_spec {
    const char *long_name;
    char short_name;      /* 0 = none */
    int takes_value;
    enum opt_id id;
};

static const struct opt_spec opt_specs[] = {
    {"config", 'c', 1, OPT_CONFIG},
    {"format", 'f', 1, OPT_FORMAT},
    {"output", 'o', 1, OPT_OUTPUT},
    {"fail-on", 0, 1, OPT_FAIL_ON},
    {"max-warnings", 0, 1, OPT_MAX_WARNINGS},
    {"jobs", 'j', 1, OPT_JOBS},
    {"rule", 0, 1, OPT_RULE},
    {"baseline", 0, 1, OPT_BASELINE},
    {"rev", 0, 1, OPT_REV},
    {"changed-since", 0, 1, OPT_CHANGED_SINCE},
    {"config-from", 0, 1, OPT_CONFIG_FROM},
    {"shard", 0, 1, OPT_SHARD},
    {"automation-id", 0, 1, OPT_AUTOMATION_ID},
    {"report-hint", 0, 1, OPT_REPORT_HINT},
    {"color", 0, 1, OPT_COLOR},
    {"now", 0, 1, OPT_NOW},
    {"staged", 0, 0, OPT_STAGED},
    {"only-in-scope", 0, 0, OPT_ONLY_IN_SCOPE},
    {"record", 0, 0, OPT_RECORD},
    {"no-cache", 0, 0, OPT_NO_CACHE},
    {"print-config", 0, 0, OPT_PRINT_CONFIG},
    {"quiet", 'q', 0, OPT_QUIET},
    {"verbose", 'v', 0, OPT_VERBOSE},
    {"help", 'h', 0, OPT_HELP},
};
#define OPT_SPEC_COUNT (sizeof opt_specs / sizeof opt_specs[0])

static const struct opt_spec *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < OPT_SPEC_COUNT; i++)
        if (strlen(opt_specs[i].long_name) == len &&
            strncmp(opt_specs[i].long_name, name, len) == 0)
            return &opt_specs[i];
    return NULL;
}

static const struct opt_spec *find_short(char c)
{
    for (size_t i = 0; i < OPT_SPEC_COUNT; i++)
        if (opt_specs[i].short_name == c)
            return &opt_specs[i];
    return NULL;
}

/* The long option closest to a mistyped one, or NULL. */
static const char *long_option_guess(const char *name, size_t len)
{
    char typed[65];
    if (len >= sizeof typed)
        return NULL;
    memcpy(typed, name, len);
    typed[len] = '\0';
    suggestion s;
    suggestion_init(&s, typed);
    for (size_t i = 0; i < OPT_SPEC_COUNT; i++)
        suggestion_offer(&s, opt_specs[i].long_name);
    return suggestion_best(&s);
}

/* A whole decimal number in [min, max]; 0 or -1. */
static int parse_long(const char *s, long min, long max, long *out)
{
    if (!*s)
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int check_args_fail_on(check_args *a, const char *cmd, const char *value)
{
    if (strcmp(value, "never") == 0) {
        a->fail_on_never = 1;
    } else if (strcmp(value, "error") == 0 || strcmp(value, "warning") == 0) {
        a->fail_on_never = 0;
        severity_parse(value, &a->fail_on);
    } else {
        return cli_usage_error(cmd, "--fail-on takes error, warning or never, not '%s'", value);
    }
    return 0;
}

int check_args_max_warnings(check_args *a, const char *cmd, const char *value)
{
    long n;
    if (parse_long(value, 0, LONG_MAX, &n) < 0)
        return cli_usage_error(cmd, "--max-warnings takes a number >= 0, not '%s'", value);
    a->max_warnings = n;
    return 0;
}

static int push_string(char ***items, size_t *count, const char *s)
{
    char *copy = strdup(s);
    if (!copy)
        return -1;
    char **grown = realloc(*items, (*count + 1) * sizeof *grown);
    if (!grown) {
        free(copy);
        return -1;
    }
    grown[(*count)++] = copy;
    *items = grown;
    return 0;
}

/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *s, int *k_out, int *n_out)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s)
        return -1;
    char kbuf[32];
    size_t klen = (size_t)(slash - s);
    if (klen >= sizeof kbuf)
        return -1;
    memcpy(kbuf, s, klen);
    kbuf[klen] = '\0';
    long k, n;
    if (parse_long(kbuf, 1, INT_MAX, &k) < 0 || parse_long(slash + 1, 1, INT_MAX, &n) < 0 ||
        k > n)
        return -1;
    *k_out = (int)k;
    *n_out = (int)n;
    return 0;
}

static int apply_option(check_args *a, const char *cmd, const struct opt_spec *o,
                        const char *value, const char *usage)
{
    long n;
    switch (o->id) {
    case OPT_CONFIG: a->config_path = value; break;
    case OPT_FORMAT:
        if (!report_writer_for(value))
            return cli_usage_error(cmd, "unknown format '%s' (text, json, sarif, junit, github, "
                                   "codequality)", value);
        a->format = value;
        break;
    case OPT_OUTPUT: a->output = value; break;
    case OPT_FAIL_ON:
        return check_args_fail_on(a, cmd, value);
    case OPT_MAX_WARNINGS:
        return check_args_max_warnings(a, cmd, value);
    case OPT_JOBS:
        if (parse_long(value, 1, 1024, &n) < 0)
            return cli_usage_error(cmd, "--jobs takes a number from 1 to 1024, not '%s'", value);
        a->jobs = (int)n;
        break;
    case OPT_RULE:
        if (!*value)
            return cli_usage_error(cmd, "--rule takes a rule id");
        if (push_string(&a->rules, &a->rule_count, value) < 0)
            return cli_usage_error(cmd, "out of memory");
        break;
    case OPT_BASELINE: a->baseline = value; break;
    case OPT_REV:
        if (!*value)
            return cli_usage_error(cmd, "--rev takes a revision");
        a->rev = value;
        break;
    case OPT_CHANGED_SINCE:
        if (!*value)
            return cli_usage_error(cmd, "--changed-since takes a revision");
        a->changed_since = value;
        break;
    case OPT_CONFIG_FROM:
        if (!*value)
            return cli_usage_error(cmd, "--config-from takes a revision");
        a->config_from = value;
        break;
    case OPT_SHARD:
        if (parse_shard(value, &a->shard_index, &a->shard_count) < 0)
            return cli_usage_error(cmd, "--shard takes K/N with 1 <= K <= N, not '%s'", value);
        break;
    case OPT_AUTOMATION_ID:
        if (!*value)
            return cli_usage_error(cmd, "--automation-id takes an id such as site-a/");
        a->automation_id = value;
        break;
    case OPT_REPORT_HINT: a->report_hint = value; break;
    case OPT_COLOR:
        if (color_mode_parse(value, &a->color) < 0)
            return cli_usage_error(cmd, "--color takes auto, always or never, not '%s'", value);
        break;
    case OPT_NOW:
        return cli_now_option(cmd, value);
    case OPT_STAGED: a->staged = 1; break;
    case OPT_ONLY_IN_SCOPE: a->only_in_scope = 1; break;
    case OPT_RECORD: a->record = 1; break;
    case OPT_NO_CACHE: a->no_cache = 1; break;
    case OPT_PRINT_CONFIG: a->print_config = 1; break;
    case OPT_QUIET: a->quiet = 1; break;
    case OPT_VERBOSE: a->verbose = 1; break;
    case OPT_HELP:
        fputs(usage, stdout);
        return 1;
    }
    return 0;
}

/* CI systems that split a job into parallel nodes say which node this is. GitLab's
   CI_NODE_INDEX is 1-based, like --shard. */
static int shard_from_env(check_args *a, const char *cmd)
{
    const char *idx = getenv("CI_NODE_INDEX"), *total = getenv("CI_NODE_TOTAL");
    if (!idx || !total || !*idx || !*total)
        return 0;
    long k, n;
    if (parse_long(idx, 1, INT_MAX, &k) < 0 || parse_long(total, 1, INT_MAX, &n) < 0 ||
        k > n) {
        fprintf(stderr, "provcheck %s: CI_NODE_INDEX=%s and CI_NODE_TOTAL=%s do not make a "
                "shard K/N with 1 <= K <= N\n", cmd, idx, total);
        return -1;
    }
    a->shard_index = (int)k;
    a->shard_count = (int)n;
    return 0;
}

static int check_combinations(const check_args *a, const char *cmd)
{
    if (a->print_config && a->path_count > 1)
        return cli_usage_error(cmd, "--print-config takes one PATH (a page or a URL path)");
    if (a->rev && a->staged)
        return cli_usage_error(cmd, "--rev and --staged exclude each other");
    if (a->only_in_scope && (a->rev || a->staged))
        return cli_usage_error(cmd, "--only-in-scope is for file names a hook hands over "
                               "(files mode), not with --rev or --staged");
    if (a->record && !a->rev)
        return cli_usage_error(cmd, "--record needs --rev (it stores the report on that "
                           "commit)");
    return 0;
}

int check_args_parse(check_args *a, int argc, char **argv, const char *usage)
{
    memset(a, 0, sizeof *a);
    a->format = "text";
    a->fail_on = SEV_ERROR;
    a->max_warnings = -1;
    const char *cmd = argc > 0 ? argv[0] : "check";
    a->command = cmd;
    int only_paths = 0, rc = 0;

    for (int i = 1; i < argc && rc == 0; i++) {
        const char *arg = argv[i];
        if (only_paths || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (push_string(&a->paths, &a->path_count, arg) < 0)
                rc = cli_usage_error(cmd, "out of memory");
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_paths = 1;
            continue;
        }
        const struct opt_spec *o;
        const char *value = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(name, len);
            if (!o) {
                const char *guess = long_option_guess(name, len);
                if (guess)
                    rc = cli_usage_error(cmd, "unknown option '%s' (did you mean '--%s'?)",
                                         arg, guess);
                else
                    rc = cli_usage_error(cmd, "unknown option '%s'", arg);
                break;
            }
            if (eq && !o->takes_value) {
                rc = cli_usage_error(cmd, "option '--%s' takes no value", o->long_name);
                break;
            }
            if (eq)
                value = eq + 1;
        } else {
            o = find_short(arg[1]);
            if (!o) {
                rc = cli_usage_error(cmd, "unknown option '%s'", arg);
                break;
            }
            if (arg[2]) {
                if (!o->takes_value) {
                    rc = cli_usage_error(cmd, "unknown option '%s' (short flags do not "
                                     "combine)", arg);
                    break;
                }
                value = arg + 2;   /* -j4, -ofile */
            }
        }
        if (o->takes_value && !value) {
            if (i + 1 >= argc) {
                rc = cli_usage_error(cmd, "option '%s' needs a value", arg);
                break;
            }
            value = argv[++i];
        }
        rc = apply_option(a, cmd, o, value, usage);
    }
    if (rc == 0 && a->shard_count == 0)
        rc = shard_from_env(a, cmd);
    if (rc == 0)
        rc = check_combinations(a, cmd);
    if (rc != 0) {
        check_args_free(a);
        a->format = "text";
    }
    return rc;
}

void check_args_free(check_args *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->rule_count; i++)
        free(a->rules[i]);
    free(a->rules);
    for (size_t i = 0; i < a->path_count; i++)
        free(a->paths[i]);
    free(a->paths);
    a->rules = a->paths = NULL;
    a->rule_count = a->path_count = 0;
}
