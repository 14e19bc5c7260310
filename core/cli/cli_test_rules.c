/* cli_test_rules.c: `provcheck test-rules [DIR...]`, for rule authors. For each
 * DIR/ID.lua, every page in DIR/ID/pass/ must give no finding of rule ID and every
 * page in DIR/ID/fail/ at least one. Pages are checked by the same source, engine
 * and check_run as `provcheck check`, so a fixture behaves as a real page does. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "builtin.h"
#include "cli.h"
#include "cli_fixture.h"
#include "cli_util.h"
#include "err.h"
#include "fileio.h"
#include "src_fs.h"

#define RULE_FILE_MAX_BYTES (4u << 20)

struct tally { size_t fixtures, failed; };

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rule ids of a folder: its *.lua files (regular files), sorted. */
static int list_rule_ids(const char *dir, char ***ids_out, size_t *count_out)
{
    *ids_out = NULL;
    *count_out = 0;
    DIR *d = opendir(dir);
    if (!d)
        return err_set("%s: cannot open the folder", dir);
    char **ids = NULL;
    size_t count = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".lua") != 0 || e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
            stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        char *id = strndup(e->d_name, len - 4);
        char **grown = id ? realloc(ids, (count + 1) * sizeof *grown) : NULL;
        if (!grown) {
            free(id);
            rc = err_set("out of memory");
            break;
        }
        ids = grown;
        ids[count++] = id;
    }
    closedir(d);
    if (rc < 0) {
        vfs_free_names(ids, count);
        return -1;
    }
    if (count > 1)
        qsort(ids, count, sizeof *ids, cmp_names);
    *ids_out = ids;
    *count_out = count;
    return 0;
}

/* Whether DIR/ID.lua is, byte for byte, a rule compiled into the binary: then the
   folder is the built-in rules folder, and loading it again as a rule_path would
   define every rule twice. */
static int is_builtin_copy(const char *dir, const char *id)
{
    char path[PATH_MAX], name[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s.lua", dir, id) >= (int)sizeof path ||
        snprintf(name, sizeof name, "%s.lua", id) >= (int)sizeof name)
        return 0;
    for (const builtin_file *b = builtin_files; b->path; b++) {
        if (strcmp(b->path, name) != 0)
            continue;
        char *text = NULL;
        size_t len = 0;
        if (file_read_all(path, RULE_FILE_MAX_BYTES, &text, &len) < 0) {
            err_clear();
            return 0;
        }
        int same = len == b->len && memcmp(text, b->data, len) == 0;
        free(text);
        return same;
    }
    return 0;
}

/* The pack whose rules folder abs_dir is (.../plugins/NAME/FOLDER next to
   .../plugins/NAME/plugin.lua): NAME, malloc'd; else NULL. */
static char *pack_of(const char *abs_dir)
{
    char pack_dir[PATH_MAX], manifest[PATH_MAX + 16];
    const char *slash = strrchr(abs_dir, '/');
    if (!slash || slash == abs_dir || (size_t)(slash - abs_dir) >= sizeof pack_dir)
        return NULL;
    snprintf(pack_dir, sizeof pack_dir, "%.*s", (int)(slash - abs_dir), abs_dir);
    snprintf(manifest, sizeof manifest, "%s/plugin.lua", pack_dir);
    struct stat st;
    const char *name = strrchr(pack_dir, '/');
    if (stat(manifest, &st) != 0 || !S_ISREG(st.st_mode) || !name || name == pack_dir)
        return NULL;
    size_t plen = (size_t)(name - pack_dir);
    if (plen < 8 || strncmp(name - 8, "/plugins", 8) != 0 || strstr(name, "]==]"))
        return NULL;
    return strdup(name + 1);
}

/* The config the fixtures run under: the defaults, plus DIR as a rule_path unless
   DIR holds the built-in rules themselves; a pack's rules folder is loaded as the
   pack (plugins = { NAME }, from the folder that holds plugins/), so its rules have
   the ids they have in a check: PACK/RULE. */
static int fixture_config(config **cfg_out, vfs *fs, const char *abs_dir, char **ids,
                          size_t count, const char *pack)
{
    if (pack) {
        /* abs_dir is ROOT/plugins/NAME/FOLDER: the config lives in ROOT */
        char root[PATH_MAX];
        snprintf(root, sizeof root, "%s", abs_dir);
        for (int up = 0; up < 3; up++) {
            char *s = strrchr(root, '/');
            if (!s)
                return err_set("%s: not inside a plugins folder", abs_dir);
            *s = '\0';
        }
        if (!root[0])
            snprintf(root, sizeof root, "/");
        char text[PATH_MAX + 64];
        int n = snprintf(text, sizeof text, "return { plugins = { [==[%s]==] } }\n", pack);
        if (config_load(cfg_out, "<test-rules>", root, text, (size_t)n) < 0)
            return -1;
        return vfs_fs_open(fs, root);
    }
    size_t builtin = 0;
    for (size_t i = 0; i < count; i++)
        builtin += (size_t)is_builtin_copy(abs_dir, ids[i]);
    const char *slash = strrchr(abs_dir, '/');
    char *parent = slash == abs_dir ? strdup("/") : strndup(abs_dir, (size_t)(slash - abs_dir));
    const char *base = slash + 1;
    int rc = -1;
    if (!parent)
        return err_set("out of memory");
    if (builtin == count) {
        *cfg_out = config_default();
        rc = *cfg_out ? 0 : err_set("out of memory");
    } else if (strstr(base, "]==]")) {
        rc = err_set("%s: a folder name holding ]==] is not supported", abs_dir);
    } else {
        char text[PATH_MAX + 64];
        int n = snprintf(text, sizeof text, "return { rule_paths = { [==[%s]==] } }\n", base);
        rc = config_load(cfg_out, "<test-rules>", parent, text, (size_t)n);
    }
    if (rc == 0)
        rc = vfs_fs_open(fs, parent);
    free(parent);
    return rc;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int blocks_fixture(const finding *f)
{
    return strcmp(f->rule, RULE_PAGE_ERROR) == 0 || strcmp(f->rule, RULE_RULE_ERROR) == 0;
}

/* What every fixture of one rule starts from: the -c config's options for the rule
   (its `now` comes with the config), then DIR/ID/fixture.lua on top. */
typedef struct rule_fixtures {
    const char *id;             /* the rule's id (PACK/RULE for a pack's rule) */
    const char *file_id;        /* its file name without .lua */
    const config *user_cfg;     /* -c, or NULL */
    fixture_settings base;
    char base_where[PATH_MAX + 32];   /* where base's options were written */
} rule_fixtures;

/* The report of the fixture folder checked with `set`: the rule's options and
   clock in cfg (borrowed for the run, restored after). `where` names the file and
   line the settings come from, for option errors. 0, or -1 with err_set. */
static int run_with(report *r, const char *folder, const char *id, config *cfg,
                    const vfs *fs, const fixture_settings *set, const char *where)
{
    rule_setting only_setting = {(char *)id, 0, SEV_OFF, set->options};
    rule_setting *saved_rules = cfg->rules;
    size_t saved_count = cfg->rule_count;
    char *saved_path = cfg->path;
    long long saved_now = cfg->now;
    int saved_origin = cfg->now_origin;
    cfg->rules = set->options ? &only_setting : NULL;
    cfg->rule_count = set->options ? 1 : 0;
    cfg->path = (char *)where;
    if (set->has_now) {
        cfg->now = set->now;
        cfg->now_origin = CONFIG_NOW_CONFIG;
    }
    ruleset *rs = NULL;
    source *src = NULL;
    char *only[1] = {(char *)id};
    int rc = ruleset_load(&rs, cfg, fs);
    if (rc < 0) {
        /* "FILE:LINE: rules: rule 'x' has no option 'y'" reads better as options */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", err_last());
        size_t wl = strlen(where);
        if (strncmp(msg, where, wl) == 0 && strncmp(msg + wl, ": rules: ", 9) == 0)
            err_set("%s: options: %s", where, msg + wl + 9);
    }
    if (rc == 0)
        rc = ruleset_only(rs, only, 1);
    if (rc == 0)
        rc = src_fs_open(&src, folder, NULL, 0, cfg);
    if (rc == 0) {
        check_options opts;
        memset(&opts, 0, sizeof opts);
        opts.jobs = 1;
        rc = check_run(r, src, rs, &opts);
        src->free(src);
    }
    ruleset_free(rs);
    cfg->rules = saved_rules;
    cfg->rule_count = saved_count;
    cfg->path = saved_path;
    cfg->now = saved_now;
    cfg->now_origin = saved_origin;
    return rc;
}

/* Each expected part in some message of the rule's findings on the page. */
static const char *missing_message(const report *r, const char *path, const char *id,
                                   const fixture_settings *set)
{
    for (size_t m = 0; m < set->message_count; m++) {
        int found = 0;
        for (size_t i = 0; !found && i < r->findings.count; i++) {
            const finding *f = &r->findings.items[i];
            found = strcmp(f->path, path) == 0 && f->suppression == SUPP_NONE &&
                    strcmp(f->rule, id) == 0 && f->message && strstr(f->message, set->messages[m]);
        }
        if (!found)
            return set->messages[m];
    }
    return NULL;
}

/* Judge one page of r (checked with `set`) and print its line. */
static void judge_page(const report *r, const char *path, const char *label, const char *id,
                       int expect_findings, const fixture_settings *set, struct tally *t)
{
    size_t hits = 0, blockers = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (strcmp(f->path, path) != 0 || f->suppression != SUPP_NONE)
            continue;
        hits += strcmp(f->rule, id) == 0;
        blockers += (size_t)blocks_fixture(f);
    }
    int holds = blockers == 0 && (expect_findings ? hits > 0 : hits == 0);
    const char *missing = holds && expect_findings ? missing_message(r, path, id, set) : NULL;
    if (missing)
        holds = 0;
    t->fixtures++;
    if (!holds)
        t->failed++;
    buf how = BUF_INIT;
    fixture_settings_describe(&how, set);
    printf("%-4s %s/%s%s", holds ? "ok" : "FAIL", label, path, how.data ? how.data : "");
    buf_free(&how);
    if (!holds && expect_findings && hits == 0 && blockers == 0)
        printf(": expected a finding of %s, got none", id);
    if (missing)
        printf(": expected a message of %s containing '%s'; its messages:", id, missing);
    putchar('\n');
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (strcmp(f->path, path) != 0 || f->suppression != SUPP_NONE)
            continue;
        if (strcmp(f->rule, id) != 0 && !blocks_fixture(f))
            continue;
        if (holds && expect_findings)
            continue;   /* the expected findings need no listing */
        printf("       line %d: %s: %s [%s]\n", f->line, severity_name(f->sev),
               f->message, f->rule);
    }
}

/* Judge every page of one fixture folder: the pages without settings of their own
   from one run, each page with a provcheck-fixture comment from a run of its own.
   0, or -1 on a setup error. */
static int run_fixture_folder(const char *folder, const char *label, const char *id,
                              int expect_findings, config *cfg, const vfs *fs,
                              const rule_fixtures *rf, struct tally *t)
{
    report r;
    memset(&r, 0, sizeof r);
    char where[PATH_MAX + 64];
    if (run_with(&r, folder, id, cfg, fs, &rf->base, rf->base_where) < 0)
        return -1;
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < r.page_count; p++) {
        const char *path = r.pages[p].path;
        char file[PATH_MAX], shown[PATH_MAX];
        if (snprintf(file, sizeof file, "%s/%s", folder, path) >= (int)sizeof file ||
            snprintf(shown, sizeof shown, "%s/%s", label, path) >= (int)sizeof shown) {
            rc = err_set("%s/%s: path too long", label, path);
            break;
        }
        fixture_settings own, merged;
        memset(&merged, 0, sizeof merged);
        if (fixture_comment_read(&own, file, shown) < 0) {
            rc = -1;
            break;
        }
        if (!expect_findings && own.message_count) {
            rc = err_set("%s:%d: message is for fail/ fixtures (a pass/ fixture expects no "
                         "finding of %s)", shown, own.line, id);
        } else if (!own.options && !own.has_now && !own.message_count) {
            judge_page(&r, path, label, id, expect_findings, &rf->base, t);
        } else if ((rc = fixture_settings_merge(&merged, &rf->base, &own)) == 0) {
            report mine;
            memset(&mine, 0, sizeof mine);
            snprintf(where, sizeof where, "%s:%d", shown, own.line);
            rc = run_with(&mine, folder, id, cfg, fs, &merged, where);
            if (rc == 0)
                judge_page(&mine, path, label, id, expect_findings, &merged, t);
            report_free(&mine);
        }
        fixture_settings_free(&own);
        fixture_settings_free(&merged);
    }
    report_free(&r);
    return rc;
}

/* The -c config's options for the rule, with fixture.lua over them. */
static int rule_base_settings(rule_fixtures *rf, const char *abs_dir, const char *shown_dir)
{
    fixture_settings user, file;
    memset(&user, 0, sizeof user);
    for (size_t i = 0; rf->user_cfg && i < rf->user_cfg->rule_count; i++)
        if (strcmp(rf->user_cfg->rules[i].id, rf->id) == 0 && rf->user_cfg->rules[i].options)
            user.options = rf->user_cfg->rules[i].options;   /* borrowed */
    if (user.options)
        snprintf(rf->base_where, sizeof rf->base_where, "%s", rf->user_cfg->path);
    char path[PATH_MAX], label[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s/fixture.lua", abs_dir, rf->file_id) >= (int)sizeof path ||
        snprintf(label, sizeof label, "%s/%s/fixture.lua", shown_dir, rf->file_id) >=
            (int)sizeof label)
        return err_set("%s/%s: path too long", shown_dir, rf->file_id);
    if (fixture_file_read(&file, path, label) < 0)
        return -1;
    if (file.options || file.has_now)
        snprintf(rf->base_where, sizeof rf->base_where, "%s:1", label);
    int rc = fixture_settings_merge(&rf->base, &user, &file);
    fixture_settings_free(&file);
    return rc;
}

static int test_rule(const char *abs_dir, const char *shown_dir, const char *id,
                     const char *pack, config *cfg, const vfs *fs, const config *user_cfg,
                     struct tally *t)
{
    ruleset *rs = NULL;
    int rc = -1;
    rule_fixtures rf;
    memset(&rf, 0, sizeof rf);
    char rule_id[PATH_MAX];   /* a pack's rules are PACK/RULE (docs/rules-api.md) */
    snprintf(rule_id, sizeof rule_id, "%s%s%s", pack ? pack : "", pack ? "/" : "", id);
    rf.id = rule_id;
    rf.file_id = id;
    rf.user_cfg = user_cfg;
    snprintf(rf.base_where, sizeof rf.base_where, "%s/%s", shown_dir, id);
    if (ruleset_load(&rs, cfg, fs) < 0)
        goto cleanup;
    if (!ruleset_find(rs, rule_id)) {
        t->fixtures++;
        t->failed++;
        printf("FAIL %s/%s.lua: defines no rule with id '%s' (a rule file is named "
               "after its id%s)\n", shown_dir, id, rule_id,
               pack ? ", and the pack's plugin.lua lists it" : "");
        rc = 0;
        goto cleanup;
    }
    if (rule_base_settings(&rf, abs_dir, shown_dir) < 0)
        goto cleanup;
    static const char *const kinds[] = {"pass", "fail"};
    int any = 0;
    for (int k = 0; k < 2; k++) {
        char folder[PATH_MAX], label[PATH_MAX];
        if (snprintf(folder, sizeof folder, "%s/%s/%s", abs_dir, id, kinds[k]) >=
                (int)sizeof folder ||
            snprintf(label, sizeof label, "%s/%s/%s", shown_dir, id, kinds[k]) >=
                (int)sizeof label) {
            err_set("%s/%s: path too long", shown_dir, id);
            goto cleanup;
        }
        if (!is_directory(folder))
            continue;
        any = 1;
        if (run_fixture_folder(folder, label, rule_id, k == 1, cfg, fs, &rf, t) < 0)
            goto cleanup;
    }
    if (!any)
        printf("--   %s/%s: no fixtures (%s/%s/pass/, %s/%s/fail/)\n", shown_dir, id,
               shown_dir, id, shown_dir, id);
    rc = 0;
cleanup:
    fixture_settings_free(&rf.base);
    ruleset_free(rs);
    return rc;
}

static int test_folder(const char *dir, const config *user_cfg, struct tally *t)
{
    char abs_dir[PATH_MAX];
    if (!realpath(dir, abs_dir) || !is_directory(abs_dir))
        return err_set("%s: not a folder", dir);
    char **ids = NULL;
    size_t count = 0;
    config *cfg = NULL;
    char *pack = NULL;
    vfs fs;
    memset(&fs, 0, sizeof fs);
    int rc = -1;
    if (list_rule_ids(abs_dir, &ids, &count) < 0)
        goto cleanup;
    if (count == 0) {
        err_set("%s: no rules (ID.lua files) in this folder", dir);
        goto cleanup;
    }
    pack = pack_of(abs_dir);
    if (fixture_config(&cfg, &fs, abs_dir, ids, count, pack) < 0)
        goto cleanup;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "%.*s", (int)len, dir);
    for (size_t i = 0; i < count; i++)
        if (test_rule(abs_dir, shown, ids[i], pack, cfg, &fs, user_cfg, t) < 0)
            goto cleanup;
    rc = 0;
cleanup:
    if (fs.root_label || fs.ctx)
        vfs_fs_close(&fs);
    free(pack);
    config_free(cfg);
    vfs_free_names(ids, count);
    return rc;
}

static const char test_rules_usage[] =
    "usage: provcheck test-rules [-c FILE] [--now TIME] [DIR...]\n"
    "\n"
    "Run rule fixtures. For each DIR/ID.lua, every page in DIR/ID/pass/ must give no\n"
    "finding of rule ID, and every page in DIR/ID/fail/ at least one (a page-error or\n"
    "rule-error fails either). Without DIR: the config's rule_paths.\n"
    "\n"
    "DIR/ID/fixture.lua may return { options = {...}, now = \"TIME\" } for every page\n"
    "of the rule; a page may start with\n"
    "  <!-- provcheck-fixture { options = {...}, now = \"TIME\", message = \"...\" } -->\n"
    "(its keys win; message, on fail/ pages: a part a finding's message must have).\n"
    "\n"
    "options:\n"
    "  -c, --config FILE       options and severities from this config\n"
    "      --now TIME          the clock rules read (page:now()): ISO 8601\n"
    "                          (2026-08-02T00:00:00Z) or @SECONDS; default: the\n"
    "                          run's start; wins over the config's `now`\n"
    "\n"
    "exit status: 0 every fixture holds, 1 some do not, 2 setup error\n";

/* The folders to test when none is named: the config's rule_paths. */
static int dirs_from_config(const char *config_path, char ***out, size_t *count_out)
{
    config *cfg = NULL;
    *out = NULL;
    *count_out = 0;
    if (cli_config_load(&cfg, config_path) < 0)
        return -1;
    int rc = 0;
    if (cfg->rule_path_count == 0) {
        rc = err_set("no DIR given and the config has no rule_paths");
    } else {
        char **dirs = calloc(cfg->rule_path_count, sizeof *dirs);
        rc = dirs ? 0 : err_set("out of memory");
        for (size_t i = 0; rc == 0 && i < cfg->rule_path_count; i++) {
            const char *p = cfg->rule_paths[i];
            const char *dir = cfg->dir ? cfg->dir : ".";
            size_t n = strlen(dir) + strlen(p) + 2;
            dirs[i] = malloc(n);
            if (!dirs[i]) {
                rc = err_set("out of memory");
                break;
            }
            if (p[0] == '/' || strcmp(dir, ".") == 0)
                snprintf(dirs[i], n, "%s", p);
            else
                snprintf(dirs[i], n, "%s/%s", dir, p);
            *count_out = i + 1;
        }
        *out = dirs;
    }
    config_free(cfg);
    return rc;
}

int cmd_test_rules(int argc, char **argv)
{
    const char *config_path = NULL;
    char **dirs = NULL;
    size_t dir_count = 0;
    int owned = 0, rc = EXIT_SETUP;
    struct tally t = {0, 0};
    config *user_cfg = NULL;   /* its options are the fixtures' defaults */

    dirs = calloc((size_t)argc, sizeof *dirs);
    if (!dirs) {
        err_set("out of memory");
        return EXIT_SETUP;
    }
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (strcmp(argv[i], "--") == 0) {   /* the rest are folders */
            while (++i < argc)
                dirs[dir_count++] = argv[i];
            break;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(test_rules_usage, stdout);
            free(dirs);
            return EXIT_CLEAN;
        } else if (cli_option_value(argc, argv, &i, "-c", "--config", &value)) {
            if (!value) {
                cli_usage_error(argv[0], "option '%s' needs a value", argv[i]);
                goto cleanup;
            }
            config_path = value;
        } else if (cli_option_value(argc, argv, &i, "", "--now", &value)) {
            if (cli_now_option(argv[0], value) < 0)
                goto cleanup;
        } else if (argv[i][0] == '-') {
            cli_usage_error(argv[0], "unknown option '%s'", argv[i]);
            goto cleanup;
        } else {
            dirs[dir_count++] = argv[i];
        }
    }
    if ((config_path || dir_count == 0) && cli_config_load(&user_cfg, config_path) < 0)
        goto cleanup;
    if (dir_count == 0) {
        free(dirs);
        dirs = NULL;
        owned = 1;
        if (dirs_from_config(config_path, &dirs, &dir_count) < 0)
            goto cleanup;
    }
    for (size_t i = 0; i < dir_count; i++)
        if (test_folder(dirs[i], user_cfg, &t) < 0)
            goto cleanup;
    printf("%zu fixtures, %zu failed\n", t.fixtures, t.failed);
    rc = t.failed ? EXIT_FINDINGS : EXIT_CLEAN;
cleanup:
    config_free(user_cfg);
    if (owned)
        vfs_free_names(dirs, dir_count);
    else
        free(dirs);
    return rc;
}
