/* target.h: what one run checks and with what. A request names the target (the
 * files on disk, a revision, the index, the pages changed since a base) and where
 * the config comes from; target_open finds and loads that config, works out the
 * site root, and hands back the source of pages, the config, the rule set and the
 * result cache; target_check checks it into a report. Nothing here reads argv
 * (the one output is a baseline's stale entries, when asked to be verbose).
 *
 * Files: target.c (open and close), target_check.c (check it into a report),
 * files_target.c (files mode), git_target.c
 * (--rev, --staged, --changed-since, --config-from), hook_paths.c (PATHs from a
 * hook), config_drift.c (what the target changes in config and rules);
 * target_modes.h is how target.c reaches the modes. */
#ifndef PROVCHECK_TARGET_H
#define PROVCHECK_TARGET_H
#include <stddef.h>
#include <git2.h>
#include "check.h"
#include "config.h"
#include "report.h"
#include "rules.h"
#include "source.h"

/* What to check, as the user asked for it (docs/cli.md names the options). */
typedef struct target_request {
    const char *config_path;      /* --config; NULL = look for provcheck.lua */
    const char *rev;              /* --rev: a commit's tree */
    int staged;                   /* --staged: the index */
    const char *changed_since;    /* --changed-since BASE (every mode) */
    const char *config_from;      /* --config-from REV: config and rules from there */
    int only_in_scope;            /* PATHs from a hook: those outside the site are dropped */
    int no_cache;                 /* no result cache */
    char **rules; size_t rule_count;   /* run only these rules (none = all) */
    char **paths; size_t path_count;   /* PATHs to check (none = the whole site) */
} target_request;

/* An open target. Everything is owned and freed by check_target_close. */
typedef struct check_target {
    source *src;
    config *cfg;
    ruleset *rules;               /* loaded from cfg and fs, narrowed to req->rules; it
                                     borrows cfg, so whoever takes it frees it first */
    vfs fs;                       /* the config's folder (rule_paths, plugins) */
    void (*fs_close)(vfs *fs);
    check_options opts;           /* cache hooks filled in by the target */
    void *state;                  /* git modes: git_target_state */
    void (*state_close)(void *state);
    /* What the checked target changes in the config and rule files relative to
       config_base (git modes; NULL = not compared). */
    char *config_base;
    char **config_changed; size_t config_changed_count;
} check_target;

/* Open the target the request names: config, site root, source, rule set and (git
 * modes) result cache. 0, or -1 with err_set (t is closed then). */
int target_open(check_target *t, const target_request *req);
/* Frees everything t holds; closing twice is harmless. */
void check_target_close(check_target *t);

/* How target_check runs and gates a check. */
typedef struct target_check_options {
    int jobs;                     /* worker threads; 0 = number of CPUs */
    int shard_index, shard_count; /* shard K of N (count 0 = every page) */
    const char *baseline;         /* a baseline file; NULL = the config's baseline key */
    int verbose;                  /* stale baseline entries on stderr */
    int no_pages_ok;              /* no page in scope is a pass, not a setup error */
    /* progress while checking (check.h), and once when the pages are done */
    void (*progress)(void *ctx, size_t done, size_t remaining);
    void (*progress_done)(void *ctx, size_t pages);
    void *progress_ctx;
} target_check_options;

/* Check an open target into *out: every page with the target's rules (and result
 * cache, unless req->no_cache), sorted; then the gates: a run that found no page
 * at all where the whole site or named PATHs were asked for is a setup error,
 * never a pass; the config drift is recorded; the baseline applied; the run
 * recorded (report "run"). req is the request t was opened with. 0, or -1 with
 * err_set and *out empty. */
int target_check(report *out, check_target *t, const target_request *req,
                 const target_check_options *o);

/* The real path of the root of the git work tree holding `path`, or NULL (no
   repository, a bare one). malloc'd. */
char *git_work_tree_of(const char *path);

struct result_cache;

/* What the git modes leave in check_target.state. */
typedef struct git_target_state {
    git_repository *repo;
    git_commit *commit;            /* the checked commit (--rev), else NULL */
    git_tree *tree;                /* its root tree, else NULL */
    git_index *index;              /* --staged, else NULL */
    git_commit *config_commit;     /* --config-from: the trusted revision, else NULL */
    git_tree *config_tree;         /* its root tree: config and rules come from it */
    char *site_prefix;             /* the site root in the repository */
    char *rev;                     /* as given */
    struct result_cache *cache;    /* NULL with --no-cache or when it cannot open */
    source *src;                   /* borrowed: the target's source, for deps */
} git_target_state;

/* Repository-relative form of a PATH given relative to the current folder. NULL
 * with err_set when it lies outside the work tree. */
char *git_target_repo_path(git_repository *repo, const char *path);

#endif
