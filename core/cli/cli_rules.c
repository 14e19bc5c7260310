/* cli_rules.c: `rules`, `explain` and `init`: what a user reads before writing a
 * config. Rule metadata is read once by ruleset_load; no rule's check runs here. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "cli.h"
#include "cli_util.h"
#include "err.h"

/* The findings the core reports itself: listed and explained like rules, so a
   user who meets one in a report can look it up. */
struct core_rule { const char *id; severity sev; const char *summary, *docs; };
static const struct core_rule core_rules[] = {
    {RULE_PAGE_ERROR, SEV_ERROR, "A page that was found could not be read or parsed",
     "Reported for a page that is empty, binary, not decodable, over max_page_bytes\n"
     "or a structure or time limit (limits.attributes, limits.depth,\n"
     "limits.parse_seconds), unreadable, reached through a symbolic link that leaves the site root, or (in git\n"
     "modes) a symbolic link or submodule. Every page found is accounted for: checked,\n"
     "or carrying this finding. Fix the page, or exclude it in the config.\n"},
    {RULE_RULE_ERROR, SEV_ERROR, "A rule failed or ran out of its limits on a page",
     "A rule threw an error, or used more than its instruction, memory or CPU-time\n"
     "budget (limits = { instructions = ..., memory = ..., time_ms = ... } in the\n"
     "config), on this page; the message names the limit. The other rules still ran.\n"
     "Fix the rule, or raise the limits.\n"},
    {RULE_FETCH_ERROR, SEV_ERROR, "A page of an audit could not be fetched",
     "provcheck audit could not fetch the page (network error, timeout, HTTP status\n"
     "that is not 2xx after redirects).\n"},
    {RULE_UNUSED_SUPPRESSION, SEV_WARNING,
     "An inline suppression that suppressed nothing",
     "The page has <!-- provcheck-disable RULE -- reason --> for a rule that ran on the\n"
     "page and found nothing. Remove the comment, so that it cannot hide a future\n"
     "problem.\n"},
    {RULE_DRIFT, SEV_WARNING,
     "The live page differs from the page committed at the revision",
     "provcheck audit --against-rev REV --map URL_PREFIX=PATH_PREFIX compares each live\n"
     "page with its committed twin: a warning when the text differs (saying when the\n"
     "disclaimer or source label went missing live), info when a live page maps to no\n"
     "committed file. rules = { drift = \"off\" } turns it off; a severity changes it.\n"},
};
#define CORE_RULE_COUNT (sizeof core_rules / sizeof core_rules[0])

/* -c FILE, --format FMT, -h: the few options these commands take. */
struct small_args {
    const char *config_path;
    const char *format;
    const char *positional;
    int help;
};

static int parse_small_args(struct small_args *out, int argc, char **argv,
                            int want_format, int want_positional)
{
    memset(out, 0, sizeof *out);
    out->format = "text";
    const char *cmd = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            out->help = 1;
            return 0;
        }
        if (cli_option_value(argc, argv, &i, "-c", "--config", &value)) {
            if (!value)
                return cli_usage_error(cmd, "option '%s' needs a value", arg);
            out->config_path = value;
        } else if (want_format && cli_option_value(argc, argv, &i, "-f", "--format",
                                                   &value)) {
            if (!value)
                return cli_usage_error(cmd, "option '%s' needs a value", arg);
            if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)
                return cli_usage_error(cmd, "unknown format '%s' (text, json)", value);
            out->format = value;
        } else if (arg[0] == '-' && arg[1]) {
            return cli_usage_error(cmd, "unknown option '%s'", arg);
        } else if (want_positional && !out->positional) {
            out->positional = arg;
        } else {
            return cli_usage_error(cmd, "unexpected argument '%s'", arg);
        }
    }
    return 0;
}

/* The config (as check would find it) and every rule it brings. */
static int load_rules(config **cfg_out, vfs *fs, ruleset **rs_out, const char *config_path)
{
    *rs_out = NULL;
    memset(fs, 0, sizeof *fs);
    if (cli_config_load(cfg_out, config_path) < 0)
        return -1;
    if (vfs_fs_open(fs, (*cfg_out)->dir ? (*cfg_out)->dir : ".") < 0)
        return -1;
    return ruleset_load(rs_out, *cfg_out, fs);
}

static void unload_rules(config *cfg, vfs *fs, ruleset *rs)
{
    ruleset_free(rs);
    if (fs->root_label || fs->ctx)
        vfs_fs_close(fs);
    config_free(cfg);
}

static void print_rules_text(const ruleset *rs)
{
    size_t width = 4;
    for (size_t i = 0; i < rs->count; i++)
        if (strlen(rs->rules[i].id) > width)
            width = strlen(rs->rules[i].id);
    for (size_t i = 0; i < CORE_RULE_COUNT; i++)
        if (strlen(core_rules[i].id) > width)
            width = strlen(core_rules[i].id);
    printf("%-*s  %-8s  %s\n", (int)width, "RULE", "SEVERITY", "SUMMARY");
    for (size_t i = 0; i < rs->count; i++) {
        const rule_meta *m = &rs->rules[i];
        int builtin = !m->origin || strcmp(m->origin, "builtin") == 0;
        printf("%-*s  %-8s  %s", (int)width, m->id, severity_name(m->default_sev),
               m->summary ? m->summary : "");
        if (!builtin)
            printf("  [%s]", m->origin);
        putchar('\n');
    }
    for (size_t i = 0; i < CORE_RULE_COUNT; i++)
        printf("%-*s  %-8s  %s  [core]\n", (int)width, core_rules[i].id,
               severity_name(core_rules[i].sev), core_rules[i].summary);
}

static void json_rule(buf *b, const char *id, severity sev, const char *summary,
                      const char *origin, int first)
{
    buf_puts(b, first ? "\n    {\"id\": " : ",\n    {\"id\": ");
    cli_json_string(b, id);
    buf_printf(b, ", \"severity\": \"%s\", \"summary\": ", severity_name(sev));
    cli_json_string(b, summary ? summary : "");
    buf_puts(b, ", \"origin\": ");
    cli_json_string(b, origin ? origin : "builtin");
    buf_puts(b, "}");
}

static int print_rules_json(const ruleset *rs)
{
    buf b = BUF_INIT;
    buf_puts(&b, "{\n  \"version\": 1,\n  \"rules\": [");
    int first = 1;
    for (size_t i = 0; i < rs->count; i++, first = 0)
        json_rule(&b, rs->rules[i].id, rs->rules[i].default_sev, rs->rules[i].summary,
                  rs->rules[i].origin, first);
    for (size_t i = 0; i < CORE_RULE_COUNT; i++, first = 0)
        json_rule(&b, core_rules[i].id, core_rules[i].sev, core_rules[i].summary, "core",
                  first);
    buf_puts(&b, "\n  ]\n}\n");
    int rc = b.data ? write_file_atomic(NULL, b.data, b.len) : err_set("out of memory");
    buf_free(&b);
    return rc;
}

int cmd_rules(int argc, char **argv)
{
    struct small_args sa;
    if (parse_small_args(&sa, argc, argv, 1, 0) < 0)
        return EXIT_SETUP;
    if (sa.help) {
        fputs("usage: provcheck rules [-c FILE] [--format text|json]\n"
              "\nList every rule (built-in, the config's rule_paths and plugins, and the\n"
              "findings the core reports itself): id, default severity, summary.\n", stdout);
        return EXIT_CLEAN;
    }
    config *cfg = NULL;
    vfs fs;
    ruleset *rs = NULL;
    int rc = EXIT_SETUP;
    if (load_rules(&cfg, &fs, &rs, sa.config_path) < 0)
        goto cleanup;
    if (strcmp(sa.format, "json") == 0) {
        if (print_rules_json(rs) < 0)
            goto cleanup;
    } else {
        print_rules_text(rs);
    }
    rc = EXIT_CLEAN;
cleanup:
    unload_rules(cfg, &fs, rs);
    return rc;
}

/* Levenshtein distance, capped: ids are short. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int close_match(const char *wanted, const char *id)
{
    size_t limit = strlen(wanted) / 3 + 1;
    return edit_distance(wanted, id) <= limit || strstr(id, wanted) ||
           (strlen(wanted) >= 4 && strstr(wanted, id));
}

static void print_close_matches(const char *wanted, const ruleset *rs)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < rs->count; i++)
        if (close_match(wanted, rs->rules[i].id))
            buf_printf(&b, "%s%s", b.len ? ", " : "", rs->rules[i].id);
    for (size_t i = 0; i < CORE_RULE_COUNT; i++)
        if (close_match(wanted, core_rules[i].id))
            buf_printf(&b, "%s%s", b.len ? ", " : "", core_rules[i].id);
    if (b.len)
        err_set("unknown rule '%s'; did you mean: %s?", wanted, b.data);
    else
        err_set("unknown rule '%s' (provcheck rules lists them all)", wanted);
    buf_free(&b);
}

static void print_docs(const char *docs)
{
    if (!docs || !*docs)
        return;
    while (*docs == '\n')
        docs++;
    fputs(docs, stdout);
    if (docs[strlen(docs) - 1] != '\n')
        putchar('\n');
}

static void explain_rule(const rule_meta *m)
{
    printf("%s: %s\n", m->id, m->summary ? m->summary : "");
    printf("default severity: %s\n", severity_name(m->default_sev));
    printf("origin: %s\n", m->origin ? m->origin : "builtin");
    if (m->option_count) {
        printf("\noptions:\n");
        for (size_t i = 0; i < m->option_count; i++) {
            const rule_option *o = &m->options[i];
            buf def = BUF_INIT;
            cli_cfgval_lua(&def, o->def);
            printf("  %s (%s, default %s)\n", o->name, o->type ? o->type : "?",
                   def.data ? def.data : "nil");
            if (o->doc && *o->doc)
                printf("      %s\n", o->doc);
            buf_free(&def);
        }
    } else {
        printf("\noptions: none\n");
    }
    if (m->docs && *m->docs) {
        putchar('\n');
        print_docs(m->docs);
    }
    if (m->url)
        printf("\ndocumentation: %s\n", m->url);
    else
        printf("\ndocumentation: %s%s.md\n", RULE_DOCS_BASE, m->id);
    printf("\nin provcheck.lua: rules = { [\"%s\"] = \"off\" | \"info\" | \"warning\" | "
           "\"error\" | { severity = ..., <option> = ... } }\n", m->id);
}

/* A rule the config does not enable may come with a plugin pack shipped with
   provcheck: explain it from there, saying how to enable it. 1 when explained;
   `pack_id` gets PACK/ID when ID is a pack's rule named without its pack. */
static int explain_from_shipped_pack(const char *id, char *pack_id, size_t pack_id_size)
{
    int found = 0;
    pack_id[0] = '\0';
    const char *dirs[SHIPPED_PLUGIN_DIR_COUNT];
    size_t dir_count = shipped_plugin_dirs(dirs);
    for (size_t d = 0; !found && d < dir_count; d++) {
        DIR *dir = opendir(dirs[d]);
        struct dirent *de;
        while (dir && !found && (de = readdir(dir))) {
            char text[512];
            if (de->d_name[0] == '.' || strstr(de->d_name, "]==]"))
                continue;
            int n = snprintf(text, sizeof text, "return { plugins = { [==[%s]==] } }\n",
                             de->d_name);
            config *cfg = NULL;
            vfs fs;
            ruleset *rs = NULL;
            memset(&fs, 0, sizeof fs);
            /* a config in the packs' folder itself: no plugins/NAME/ next to it, so
               the pack is found exactly where check would find it */
            if (n < (int)sizeof text &&
                config_load(&cfg, "<explain>", dirs[d], text, (size_t)n) == 0 &&
                vfs_fs_open(&fs, dirs[d]) == 0 &&
                ruleset_load(&rs, cfg, &fs) == 0 && ruleset_find(rs, id)) {
                printf("(not enabled by this config: it comes with the plugin pack '%s';\n"
                       " enable it with plugins = { \"%s\" } in provcheck.lua)\n\n",
                       de->d_name, de->d_name);
                explain_rule(ruleset_find(rs, id));
                found = 1;
            } else if (rs && !strchr(id, '/') && !pack_id[0]) {
                char full[512];
                snprintf(full, sizeof full, "%s/%s", de->d_name, id);
                if (ruleset_find(rs, full))
                    snprintf(pack_id, pack_id_size, "%s", full);
            }
            unload_rules(cfg, &fs, rs);
        }
        if (dir)
            closedir(dir);
    }
    err_clear();
    return found;
}

int cmd_explain(int argc, char **argv)
{
    struct small_args sa;
    if (parse_small_args(&sa, argc, argv, 0, 1) < 0)
        return EXIT_SETUP;
    if (sa.help) {
        fputs("usage: provcheck explain [-c FILE] RULE\n"
              "\nShow a rule's summary, default severity, options (type, default, doc)\n"
              "and documentation.\n", stdout);
        return EXIT_CLEAN;
    }
    if (!sa.positional) {
        cli_usage_error(argv[0], "which rule? (provcheck rules lists them)");
        return EXIT_SETUP;
    }
    for (size_t i = 0; i < CORE_RULE_COUNT; i++) {
        if (strcmp(core_rules[i].id, sa.positional) == 0) {
            printf("%s: %s\ndefault severity: %s\norigin: core (reported by provcheck "
                   "itself)\n\n", core_rules[i].id, core_rules[i].summary,
                   severity_name(core_rules[i].sev));
            print_docs(core_rules[i].docs);
            printf("\ndocumentation: %s%s.md\n", RULE_DOCS_BASE, core_rules[i].id);
            return EXIT_CLEAN;
        }
    }
    config *cfg = NULL;
    vfs fs;
    ruleset *rs = NULL;
    int rc = EXIT_SETUP;
    if (load_rules(&cfg, &fs, &rs, sa.config_path) < 0)
        goto cleanup;
    const rule_meta *m = ruleset_find(rs, sa.positional);
    char pack_id[600];
    if (!m && explain_from_shipped_pack(sa.positional, pack_id, sizeof pack_id)) {
        rc = EXIT_CLEAN;
        goto cleanup;
    }
    if (!m && pack_id[0]) {
        err_set("unknown rule '%s' (did you mean '%s'? the rules of a plugin pack are "
                "addressed as PACK/RULE)", sa.positional, pack_id);
        goto cleanup;
    }
    if (!m) {
        print_close_matches(sa.positional, rs);
        goto cleanup;
    }
    explain_rule(m);
    rc = EXIT_CLEAN;
cleanup:
    unload_rules(cfg, &fs, rs);
    return rc;
}

static const char starter_config[] =
"-- provcheck.lua: the configuration of provcheck (" PROVCHECK_HOMEPAGE ").\n"
"-- A Lua table, run in the same sandbox as rules (no io, os or network).\n"
"-- Every key is optional; the values shown commented out are the defaults.\n"
"-- `provcheck rules` lists the rules, `provcheck explain RULE` their options.\n"
"return {\n"
"  -- The folder the site is served from, relative to this file's folder.\n"
"  -- site_root = \".\",\n"
"\n"
"  -- Pages to check, relative to the site root; ** crosses folders.\n"
"  include = { \"**/*.html\", \"**/*.htm\" },\n"
"  exclude = { },                       -- e.g. { \"drafts/**\", \"vendor/**\" }\n"
"\n"
"  -- Severities and options per rule. A rule id = \"off\" | \"info\" | \"warning\" |\n"
"  -- \"error\", or a table with `severity` and the rule's options.\n"
"  rules = {\n"
"    [\"source-attribution\"] = {\n"
"      severity = \"error\",\n"
"      -- labels = { \"Source\" },           -- \"Source: NAME\" in the visible text\n"
"      -- sources = { \"cnnespanol\", \"reuters\" },  -- when set, NAME must be one of them\n"
"    },\n"
"    [\"privacy-link\"] = {\n"
"      severity = \"error\",\n"
"      -- patterns = { \"privacy\" },        -- in the link's visible text or href\n"
"    },\n"
"    [\"third-party-disclaimer\"] = {\n"
"      severity = \"error\",\n"
"      -- text = \"The information on this site is from external sources that are not under our control.\",\n"
"    },\n"
"  },\n"
"\n"
"  -- Per-page severities and options, merged key by key over `rules`; later\n"
"  -- entries win. `files` are globs relative to the site root.\n"
"  overrides = {\n"
"    -- { files = { \"privacy.html\", \"about/**\" }, rules = { [\"source-attribution\"] = \"off\" } },\n"
"  },\n"
"\n"
"  -- Extra folders of Lua rules (one ID.lua per rule), relative to this file.\n"
"  rule_paths = { },                    -- e.g. { \"provcheck/rules\" }\n"
"\n"
"  -- Rule packs to load, from plugins/<name>/ next to this file or installed.\n"
"  plugins = { },\n"
"\n"
"  -- Limits: the largest page read (bytes), and per rule per page the Lua\n"
"  -- instruction, memory and CPU-time budgets (a rule over them gets a rule-error).\n"
"  -- max_page_bytes = 16 * 1024 * 1024,\n"
"  -- limits = { instructions = 20000000, memory = 64 * 1024 * 1024, time_ms = 5000 },\n"
"  -- Per page: attributes of one element, element nesting, parse seconds.\n"
"  -- limits = { attributes = 1000, depth = 512, parse_seconds = 10 },\n"
"\n"
"  -- Settings of `provcheck audit` (live sites over HTTP).\n"
"  -- audit = { user_agent = \"provcheck\", headers = { }, cookies = { }, ca_file = nil },\n"
"}\n";

int cmd_init(int argc, char **argv)
{
    struct small_args sa;
    if (parse_small_args(&sa, argc, argv, 0, 0) < 0)
        return EXIT_SETUP;
    if (sa.help) {
        fputs("usage: provcheck init\n"
              "\nWrite a commented starter provcheck.lua into the current folder (never\n"
              "over an existing one).\n", stdout);
        return EXIT_CLEAN;
    }
    if (sa.config_path) {
        cli_usage_error(argv[0], "init writes ./provcheck.lua and takes no --config");
        return EXIT_SETUP;
    }
    /* O_EXCL: an existing config is never overwritten, even by a race */
    int fd = open("provcheck.lua", O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            err_set("provcheck.lua already exists; not overwriting it");
        else
            err_set("cannot create provcheck.lua: %s", strerror(errno));
        return EXIT_SETUP;
    }
    size_t len = sizeof starter_config - 1, done = 0;
    while (done < len) {
        ssize_t n = write(fd, starter_config + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err_set("cannot write provcheck.lua: %s", strerror(errno));
            close(fd);
            unlink("provcheck.lua");
            return EXIT_SETUP;
        }
        done += (size_t)n;
    }
    if (close(fd) < 0) {
        err_set("cannot write provcheck.lua: %s", strerror(errno));
        unlink("provcheck.lua");
        return EXIT_SETUP;
    }
    printf("wrote provcheck.lua; edit it, then run: provcheck check\n");
    return EXIT_CLEAN;
}
