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

/* The config the fixtures run under: the defaults, plus DIR as a rule_path unless
   DIR holds the built-in rules themselves. */
static int fixture_config(config **cfg_out, vfs *fs, const char *abs_dir, char **ids,
                          size_t count)
{
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

/* Judge every page of one fixture folder. 0, or -1 on a setup error. */
static int run_fixture_folder(const char *folder, const char *label, const char *id,
                              int expect_findings, const config *cfg, const ruleset *rs,
                              struct tally *t)
{
    source *src = NULL;
    report r;
    memset(&r, 0, sizeof r);
    if (src_fs_open(&src, folder, NULL, 0, cfg) < 0)
        return -1;
    check_options opts;
    memset(&opts, 0, sizeof opts);
    opts.jobs = 1;
    int rc = check_run(&r, src, rs, &opts);
    src->free(src);
    if (rc < 0)
        return -1;

    for (size_t p = 0; p < r.page_count; p++) {
        const char *path = r.pages[p].path;
        size_t hits = 0, blockers = 0;
        for (size_t i = 0; i < r.findings.count; i++) {
            const finding *f = &r.findings.items[i];
            if (strcmp(f->path, path) != 0 || f->suppression != SUPP_NONE)
                continue;
            hits += strcmp(f->rule, id) == 0;
            blockers += (size_t)blocks_fixture(f);
        }
        int holds = blockers == 0 && (expect_findings ? hits > 0 : hits == 0);
        t->fixtures++;
        if (!holds)
            t->failed++;
        printf("%-4s %s/%s", holds ? "ok" : "FAIL", label, path);
        if (!holds && expect_findings && hits == 0 && blockers == 0)
            printf(": expected a finding of %s, got none", id);
        putchar('\n');
        for (size_t i = 0; i < r.findings.count; i++) {
            const finding *f = &r.findings.items[i];
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
    report_free(&r);
    return 0;
}

static int test_rule(const char *abs_dir, const char *shown_dir, const char *id,
                     const config *cfg, const vfs *fs, struct tally *t)
{
    ruleset *rs = NULL;
    int rc = -1;
    char *only[1];
    only[0] = (char *)id;
    if (ruleset_load(&rs, cfg, fs) < 0)
        goto cleanup;
    if (!ruleset_find(rs, id)) {
        t->fixtures++;
        t->failed++;
        printf("FAIL %s/%s.lua: defines no rule with id '%s' (a rule file is named "
               "after its id)\n", shown_dir, id, id);
        rc = 0;
        goto cleanup;
    }
    if (ruleset_only(rs, only, 1) < 0)
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
        if (run_fixture_folder(folder, label, id, k == 1, cfg, rs, t) < 0)
            goto cleanup;
    }
    if (!any)
        printf("--   %s/%s: no fixtures (%s/%s/pass/, %s/%s/fail/)\n", shown_dir, id,
               shown_dir, id, shown_dir, id);
    rc = 0;
cleanup:
    ruleset_free(rs);
    return rc;
}

static int test_folder(const char *dir, struct tally *t)
{
    char abs_dir[PATH_MAX];
    if (!realpath(dir, abs_dir) || !is_directory(abs_dir))
        return err_set("%s: not a folder", dir);
    char **ids = NULL;
    size_t count = 0;
    config *cfg = NULL;
    vfs fs;
    memset(&fs, 0, sizeof fs);
    int rc = -1;
    if (list_rule_ids(abs_dir, &ids, &count) < 0)
        goto cleanup;
    if (count == 0) {
        err_set("%s: no rules (ID.lua files) in this folder", dir);
        goto cleanup;
    }
    if (fixture_config(&cfg, &fs, abs_dir, ids, count) < 0)
        goto cleanup;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "%.*s", (int)len, dir);
    for (size_t i = 0; i < count; i++)
        if (test_rule(abs_dir, shown, ids[i], cfg, &fs, t) < 0)
            goto cleanup;
    rc = 0;
cleanup:
    if (fs.root_label || fs.ctx)
        vfs_fs_close(&fs);
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
    if (dir_count == 0) {
        free(dirs);
        dirs = NULL;
        owned = 1;
        if (dirs_from_config(config_path, &dirs, &dir_count) < 0)
            goto cleanup;
    }
    for (size_t i = 0; i < dir_count; i++)
        if (test_folder(dirs[i], &t) < 0)
            goto cleanup;
    printf("%zu fixtures, %zu failed\n", t.fixtures, t.failed);
    rc = t.failed ? EXIT_FINDINGS : EXIT_CLEAN;
cleanup:
    if (owned)
        vfs_free_names(dirs, dir_count);
    else
        free(dirs);
    return rc;
}
