/* config.c: provcheck.lua, run in the rule sandbox and read into plain C values
 * (config.h). Uses sandbox.h, cfgval_lua.h, err.h.
 *
 * Messages name the file and, where Lua knows it (syntax and runtime errors), the
 * line. For a bad key or value the line is found by looking for the key in the
 * text, which is right for every config written by hand. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include "buf.h"
#include "cfgval_lua.h"
#include "datetime.h"
#include "suggest.h"
#include "config.h"
#include "err.h"
#include "page.h"
#include "sandbox.h"

#define DEFAULT_MAX_PAGE_BYTES ((size_t)16 * 1024 * 1024)
#define DEFAULT_MAX_INSTRUCTIONS 20000000LL
#define DEFAULT_MAX_MEMORY ((size_t)64 * 1024 * 1024)
#define DEFAULT_MAX_TIME_MS 5000L
/* provcheck.lua is a table literal, not a program: a small budget is plenty */
#define CONFIG_INSTRUCTIONS 50000000LL
#define CONFIG_MEMORY ((size_t)64 * 1024 * 1024)
#define CONFIG_TIME_MS 10000L

static const char *const KNOWN_KEYS[] = {
    "site_root", "include", "exclude", "rules", "overrides", "rule_paths", "plugins",
    "max_page_bytes", "limits", "audit", "baseline", "clean_urls", "url_map", "now", NULL};
static const char *const OVERRIDE_KEYS[] = {"files", "urls", "rules", NULL};

typedef struct load_ctx {
    const char *label;
    const char *text;
    size_t len;
} load_ctx;

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_settings(rule_setting *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].id);
        cfgval_free(r[i].options);
    }
    free(r);
}

void config_free(config *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->dir);
    free(c->site_root);
    free(c->baseline);
    free_strings(c->include, c->include_count);
    free_strings(c->exclude, c->exclude_count);
    free_strings(c->url_map_urls, c->url_map_count);
    free_strings(c->url_map_files, c->url_map_count);
    free_settings(c->rules, c->rule_count);
    for (size_t i = 0; i < c->override_count; i++) {
        free_strings(c->overrides[i].files, c->overrides[i].file_count);
        free_strings(c->overrides[i].urls, c->overrides[i].url_count);
        free_settings(c->overrides[i].rules, c->overrides[i].rule_count);
    }
    free(c->overrides);
    free_strings(c->rule_paths, c->rule_path_count);
    free_strings(c->plugins, c->plugin_count);
    cfgval_free(c->audit);
    free(c);
}

static int set_default_include(config *c)
{
    c->include = calloc(2, sizeof *c->include);
    if (!c->include)
        return -1;
    c->include[0] = strdup("**/*.html");
    c->include[1] = strdup("**/*.htm");
    c->include_count = 2;
    return c->include[0] && c->include[1] ? 0 : -1;
}

static long long run_start;
static int run_start_taken;
static long long now_option;
static int now_option_set;

void config_clock_start(void)
{
    if (!run_start_taken) {
        run_start = (long long)time(NULL);
        run_start_taken = 1;
    }
}

void config_set_now_option(long long t)
{
    now_option = t;
    now_option_set = 1;
}

long long config_now(void)
{
    config_clock_start();
    return now_option_set ? now_option : run_start;
}

static void apply_now_option(config *c)
{
    if (now_option_set) {
        c->now = now_option;
        c->now_origin = CONFIG_NOW_OPTION;
    }
}

config *config_default(void)
{
    config *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->dir = strdup(".");
    c->max_page_bytes = DEFAULT_MAX_PAGE_BYTES;
    c->max_instructions = DEFAULT_MAX_INSTRUCTIONS;
    c->max_memory = DEFAULT_MAX_MEMORY;
    c->max_attributes = PAGE_DEFAULT_MAX_ATTRIBUTES;
    c->max_depth = PAGE_DEFAULT_MAX_DEPTH;
    c->parse_seconds = PAGE_DEFAULT_PARSE_SECONDS;
    c->max_time_ms = DEFAULT_MAX_TIME_MS;
    config_clock_start();
    c->now = run_start;
    c->now_origin = CONFIG_NOW_START;
    apply_now_option(c);
    if (!c->dir || set_default_include(c) < 0) {
        config_free(c);
        return NULL;
    }
    return c;
}

static int is_ident_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* The line where `key` is first written as a table key (`key =` or `["key"]`),
   or 0. */
static int key_line(const load_ctx *lc, const char *key)
{
    size_t klen = strlen(key);
    int line = 1;
    for (size_t i = 0; i < lc->len; i++) {
        if (lc->text[i] == '\n') {
            line++;
            continue;
        }
        if (i + klen > lc->len || memcmp(lc->text + i, key, klen) != 0)
            continue;
        char before = i ? lc->text[i - 1] : ' ';
        size_t j = i + klen;
        if (before == '"' || before == '\'') {
            if (j < lc->len && lc->text[j] == before)
                return line;
            continue;
        }
        if (is_ident_char(before))
            continue;
        while (j < lc->len && (lc->text[j] == ' ' || lc->text[j] == '\t'))
            j++;
        if (j < lc->len && lc->text[j] == '=' && (j + 1 >= lc->len || lc->text[j + 1] != '='))
            return line;
    }
    return 0;
}

/* "label:line: where: message" (line when it can be found from `key`). */
static int config_error(const load_ctx *lc, const char *key, const char *where,
                        const char *msg)
{
    int line = key ? key_line(lc, key) : 0;
    if (line)
        return err_set("%s:%d: %s: %s", lc->label, line, where, msg);
    return err_set("%s: %s: %s", lc->label, where, msg);
}

/* "unknown key", with the closest known key when the name looks like a typo. */
static int unknown_key_error(const load_ctx *lc, const char *key, const char *where,
                             const char *const *known)
{
    suggestion s;
    suggestion_init(&s, key);
    for (size_t i = 0; known[i]; i++)
        suggestion_offer(&s, known[i]);
    /* `where` names a top-level key already; inside a table it names the table */
    char named[140] = "";
    if (strcmp(key, where) != 0)
        snprintf(named, sizeof named, " '%.100s'", key);
    char msg[240];
    if (suggestion_best(&s))
        snprintf(msg, sizeof msg, "unknown key%s (did you mean '%s'?)", named,
                 suggestion_best(&s));
    else
        snprintf(msg, sizeof msg, "unknown key%s", named);
    return config_error(lc, key, where, msg);
}

static int read_string(const load_ctx *lc, const char *key, const cfgval *v, char **out)
{
    if (v->kind != CV_STR)
        return config_error(lc, key, key, "must be a string");
    *out = strdup(v->s);
    return *out ? 0 : err_set("out of memory");
}

/* A list of strings; a single string counts as a list of one. */
static int read_string_list(const load_ctx *lc, const char *key, const char *where,
                            const cfgval *v, char ***out, size_t *count_out)
{
    if (v->kind == CV_STR) {
        *out = calloc(1, sizeof **out);
        if (!*out || !((*out)[0] = strdup(v->s)))
            return err_set("out of memory");
        *count_out = 1;
        return 0;
    }
    if (v->kind != CV_LIST)
        return config_error(lc, key, where, "must be a list of strings");
    for (size_t i = 0; i < v->count; i++)
        if (v->items[i]->kind != CV_STR)
            return config_error(lc, key, where, "must be a list of strings");
    *out = calloc(v->count ? v->count : 1, sizeof **out);
    if (!*out)
        return err_set("out of memory");
    for (size_t i = 0; i < v->count; i++) {
        (*out)[i] = strdup(v->items[i]->s);
        if (!(*out)[i])
            return err_set("out of memory");
        *count_out = i + 1;
    }
    return 0;
}

static int read_severity(const load_ctx *lc, const char *key, const char *where,
                         const cfgval *v, severity *out)
{
    if (v->kind != CV_STR || severity_parse(v->s, out) < 0)
        return config_error(lc, key, where,
                            "severity must be \"off\", \"info\", \"warning\" or \"error\"");
    return 0;
}

/* rules = { id = "warning" | { severity = ..., option = ... } } */
static int read_rules(const load_ctx *lc, const char *where, const cfgval *v,
                      rule_setting **out, size_t *count_out)
{
    if (v->kind == CV_LIST && v->count == 0)
        return 0;
    if (v->kind != CV_MAP)
        return config_error(lc, "rules", where, "must be a table of rule id = settings");
    *out = calloc(v->count ? v->count : 1, sizeof **out);
    if (!*out)
        return err_set("out of memory");
    for (size_t i = 0; i < v->count; i++) {
        rule_setting *rs = &(*out)[i];
        const char *id = v->keys[i];
        const cfgval *item = v->items[i];
        rs->id = strdup(id);
        if (!rs->id)
            return err_set("out of memory");
        *count_out = i + 1;
        buf w = BUF_INIT;
        buf_printf(&w, "%s.%s", where, id);
        int rc = 0;
        if (item->kind == CV_STR) {
            rc = read_severity(lc, id, w.data, item, &rs->sev);
            rs->has_severity = 1;
        } else if (item->kind == CV_MAP || (item->kind == CV_LIST && item->count == 0)) {
            rs->options = cfgval_map();
            if (!rs->options)
                rc = err_set("out of memory");
            for (size_t k = 0; rc == 0 && item->kind == CV_MAP && k < item->count; k++) {
                if (strcmp(item->keys[k], "severity") == 0) {
                    rc = read_severity(lc, id, w.data, item->items[k], &rs->sev);
                    rs->has_severity = 1;
                } else if (cfgval_set(rs->options, item->keys[k],
                                      cfgval_clone(item->items[k])) < 0) {
                    rc = err_set("out of memory");
                }
            }
        } else {
            rc = config_error(lc, id, w.data,
                              "must be a severity (\"off\", \"info\", \"warning\", "
                              "\"error\") or a table of severity and options");
        }
        buf_free(&w);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int read_overrides(const load_ctx *lc, const cfgval *v, config *c)
{
    if (v->kind != CV_LIST)
        return config_error(lc, "overrides", "overrides",
                            "must be a list of { files = ..., rules = ... }");
    /* The engine matches overrides through a 64-bit mask: one past it would be
       ignored, and an ignored override that turns a rule on is a false pass. */
    if (v->count > CONFIG_MAX_OVERRIDES)
        return config_error(lc, "overrides", "overrides",
                            "more than 64 entries; merge entries that share rules "
                            "(one entry's files list takes any number of globs)");
    c->overrides = calloc(v->count ? v->count : 1, sizeof *c->overrides);
    if (!c->overrides)
        return err_set("out of memory");
    for (size_t i = 0; i < v->count; i++) {
        config_override *o = &c->overrides[i];
        c->override_count = i + 1;
        const cfgval *item = v->items[i];
        char where[64];
        snprintf(where, sizeof where, "overrides[%zu]", i + 1);
        if (item->kind != CV_MAP)
            return config_error(lc, "overrides", where,
                                "must be a table { files = ..., rules = ... }");
        const cfgval *files = cfgval_get(item, "files");
        const cfgval *urls = cfgval_get(item, "urls");
        const cfgval *rules = cfgval_get(item, "rules");
        for (size_t k = 0; k < item->count; k++) {
            if (strcmp(item->keys[k], "files") && strcmp(item->keys[k], "urls") &&
                strcmp(item->keys[k], "rules"))
                return unknown_key_error(lc, item->keys[k], where, OVERRIDE_KEYS);
        }
        if (!files && !urls)
            return config_error(lc, "overrides", where,
                                "needs files = { globs } or urls = { URL path globs }");
        char fw[80];
        snprintf(fw, sizeof fw, "%s.files", where);
        if (files && read_string_list(lc, "files", fw, files, &o->files, &o->file_count) < 0)
            return -1;
        snprintf(fw, sizeof fw, "%s.urls", where);
        if (urls && read_string_list(lc, "urls", fw, urls, &o->urls, &o->url_count) < 0)
            return -1;
        for (size_t k = 0; k < o->url_count; k++)
            if (o->urls[k][0] != '/')
                return config_error(lc, "urls", fw, "URL paths start with '/' (\"/privacy\")");
        if (rules) {
            char rw[80];
            snprintf(rw, sizeof rw, "%s.rules", where);
            if (read_rules(lc, rw, rules, &o->rules, &o->rule_count) < 0)
                return -1;
        }
    }
    return 0;
}

/* url_map = { ["/URL/PATH"] = "file/path.html", ["/blog/"] = "posts/" }: URL paths
   start with '/', files are relative to the site root; a key ending in '/' maps
   everything below it to the folder its value names. */
static int read_url_map(const load_ctx *lc, const cfgval *v, config *c)
{
    if (v->kind != CV_MAP)
        return config_error(lc, "url_map", "url_map",
                            "must be a table { [\"/url/path\"] = \"file.html\" }");
    c->url_map_urls = calloc(v->count ? v->count : 1, sizeof *c->url_map_urls);
    c->url_map_files = calloc(v->count ? v->count : 1, sizeof *c->url_map_files);
    if (!c->url_map_urls || !c->url_map_files)
        return err_set("out of memory");
    for (size_t i = 0; i < v->count; i++) {
        const char *url = v->keys[i];
        const cfgval *file = v->items[i];
        char where[160];
        snprintf(where, sizeof where, "url_map[\"%.100s\"]", url);
        if (url[0] != '/')
            return config_error(lc, url, where, "URL paths start with '/'");
        if (file->kind != CV_STR || file->s[0] == '/' || !file->s[0])
            return config_error(lc, url, where,
                                "must be a file path relative to the site root");
        int url_folder = url[strlen(url) - 1] == '/';
        int file_folder = file->s[strlen(file->s) - 1] == '/';
        if (url_folder != file_folder && strcmp(url, "/") != 0)
            return config_error(lc, url, where, "a URL folder (ending in '/') maps to a "
                                "folder (ending in '/'), a page to a file");
        c->url_map_urls[i] = strdup(url);
        c->url_map_files[i] = strdup(file->s);
        c->url_map_count = i + 1;
        if (!c->url_map_urls[i] || !c->url_map_files[i])
            return err_set("out of memory");
    }
    return 0;
}

static int read_positive(const load_ctx *lc, const char *key, const char *where,
                         const cfgval *v, double *out)
{
    if (v->kind != CV_NUM || v->n < 1 || v->n != (double)(long long)v->n)
        return config_error(lc, key, where, "must be a positive integer");
    *out = v->n;
    return 0;
}

static int read_limits(const load_ctx *lc, const cfgval *v, config *c)
{
    if (v->kind != CV_MAP)
        return config_error(lc, "limits", "limits",
                            "must be a table { instructions = N, memory = BYTES, "
                            "time_ms = MS }");
    for (size_t i = 0; i < v->count; i++) {
        double n = 0;
        const char *k = v->keys[i];
        char where[80];
        snprintf(where, sizeof where, "limits.%.60s", k);
        if (strcmp(k, "instructions") == 0) {
            if (read_positive(lc, k, where, v->items[i], &n) < 0)
                return -1;
            c->max_instructions = (long long)n;
        } else if (strcmp(k, "memory") == 0) {
            if (read_positive(lc, k, where, v->items[i], &n) < 0)
                return -1;
            c->max_memory = (size_t)n;
        } else if (strcmp(k, "attributes") == 0) {
            if (read_positive(lc, k, where, v->items[i], &n) < 0)
                return -1;
            c->max_attributes = n > 1e9 ? 1000000000L : (long)n;
        } else if (strcmp(k, "depth") == 0) {
            if (read_positive(lc, k, where, v->items[i], &n) < 0)
                return -1;
            c->max_depth = n > 1e9 ? 1000000000L : (long)n;
        } else if (strcmp(k, "parse_seconds") == 0) {
            if (read_positive(lc, k, where, v->items[i], &n) < 0)
                return -1;
            c->parse_seconds = n > 1e6 ? 1000000L : (long)n;
        } else if (strcmp(k, "time_ms") == 0) {
            if (read_positive(lc, k, where, v->items[i], &n) < 0)
                return -1;
            c->max_time_ms = n > 86400000.0 ? 86400000L : (long)n;
        } else {
            return config_error(lc, k, where, "unknown key (expected instructions, memory, "
                                "time_ms, attributes, depth or parse_seconds)");
        }
    }
    return 0;
}

/* `now = "TIME"`: the clock rules read, for reproducible runs (--now wins). */
static int read_now(const load_ctx *lc, const cfgval *v, config *c)
{
    if (v->kind != CV_STR)
        return config_error(lc, "now", "now", "must be a string: an ISO 8601 time "
                            "(2026-08-02T00:00:00Z) or @SECONDS");
    long long t;
    const char *msg = NULL;
    if (datetime_parse_arg(v->s, &t, &msg) < 0) {
        char text[256];
        snprintf(text, sizeof text, "'%.60s' is not a time: %s", v->s, msg);
        return config_error(lc, "now", "now", text);
    }
    if (c->now_origin != CONFIG_NOW_OPTION) {
        c->now = t;
        c->now_origin = CONFIG_NOW_CONFIG;
    }
    return 0;
}

static int read_key(const load_ctx *lc, const char *key, const cfgval *v, config *c)
{
    if (v->kind == CV_NIL)
        return 0;
    if (strcmp(key, "site_root") == 0)
        return read_string(lc, key, v, &c->site_root);
    if (strcmp(key, "baseline") == 0)
        return read_string(lc, key, v, &c->baseline);
    if (strcmp(key, "include") == 0) {
        free_strings(c->include, c->include_count);
        c->include = NULL;
        c->include_count = 0;
        return read_string_list(lc, key, key, v, &c->include, &c->include_count);
    }
    if (strcmp(key, "exclude") == 0)
        return read_string_list(lc, key, key, v, &c->exclude, &c->exclude_count);
    if (strcmp(key, "rule_paths") == 0)
        return read_string_list(lc, key, key, v, &c->rule_paths, &c->rule_path_count);
    if (strcmp(key, "plugins") == 0)
        return read_string_list(lc, key, key, v, &c->plugins, &c->plugin_count);
    if (strcmp(key, "rules") == 0)
        return read_rules(lc, "rules", v, &c->rules, &c->rule_count);
    if (strcmp(key, "overrides") == 0)
        return read_overrides(lc, v, c);
    if (strcmp(key, "limits") == 0)
        return read_limits(lc, v, c);
    if (strcmp(key, "max_page_bytes") == 0) {
        double n = 0;
        if (read_positive(lc, key, key, v, &n) < 0)
            return -1;
        c->max_page_bytes = (size_t)n;
        return 0;
    }
    if (strcmp(key, "clean_urls") == 0) {
        if (v->kind != CV_BOOL)
            return config_error(lc, key, key, "must be true or false");
        c->clean_urls = v->b;
        return 0;
    }
    if (strcmp(key, "url_map") == 0)
        return read_url_map(lc, v, c);
    if (strcmp(key, "now") == 0)
        return read_now(lc, v, c);
    if (strcmp(key, "audit") == 0) {
        if (v->kind != CV_MAP && v->kind != CV_LIST)
            return config_error(lc, key, key, "must be a table");
        c->audit = cfgval_clone(v);
        return c->audit ? 0 : err_set("out of memory");
    }
    return config_error(lc, key, key, "unknown key");
}

static int known_key(const char *key)
{
    for (int i = 0; KNOWN_KEYS[i]; i++)
        if (strcmp(KNOWN_KEYS[i], key) == 0)
            return 1;
    return 0;
}

typedef struct read_args {
    const load_ctx *lc;
    cfgval **out;
    int rc;
} read_args;

/* read_returned(ud, value): the value the config returned, read raw (no
   metamethod runs) into a cfgval tree; the result in ud->rc, 0 or -1 with
   err_set. */
static int read_returned_l(lua_State *L)
{
    read_args *ra = lua_touserdata(L, 1);
    const load_ctx *lc = ra->lc;
    if (!lua_istable(L, 2)) {
        err_set("%s: must return a table (it returned a %s)", lc->label,
                luaL_typename(L, 2));
        return 0;
    }
    /* name unknown top-level keys before reading values, so a typo is reported
       as such and not as a value problem */
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            err_set("%s: the returned table may only have string keys", lc->label);
            return 0;
        }
        const char *key = lua_tostring(L, -1);
        if (!known_key(key)) {
            unknown_key_error(lc, key, key, KNOWN_KEYS);
            return 0;
        }
    }
    char *read_err = NULL;
    if (cfgval_lua_read(L, 2, lc->label, ra->out, &read_err) < 0) {
        err_set("%s", read_err ? read_err : "out of memory");
        free(read_err);
        return 0;
    }
    ra->rc = 0;
    return 0;
}

/* Run the file and read its table. 0, or -1 with err_set. */
static int run_config(const load_ctx *lc, cfgval **out)
{
    int rc = -1;
    char *msg = NULL;
    char *chunkname = NULL;
    sandbox *sb = sandbox_new(CONFIG_INSTRUCTIONS, CONFIG_MEMORY);
    if (!sb)
        return err_set("out of memory");
    buf name = BUF_INIT;
    buf_printf(&name, "@%s", lc->label);
    chunkname = buf_detach(&name, NULL);
    if (!chunkname) {
        err_set("out of memory");
        goto cleanup;
    }
    sandbox_set_time_limit(sb, CONFIG_TIME_MS);
    if (sandbox_load(sb, lc->text, lc->len, chunkname, &msg) < 0) {
        err_set("%s", msg ? msg : "cannot load the config");
        goto cleanup;
    }
    sandbox_run_begin(sb);
    if (sandbox_pcall(sb, 0, 1, &msg) < 0) {
        if (sandbox_limit_hit(sb))
            err_set("%s: %s", lc->label, msg);
        else
            err_set("%s", msg ? msg : "the config failed");
        goto cleanup;
    }
    /* the returned table is read in the same budgeted run, protected */
    read_args ra = {lc, out, -1};
    if (sandbox_cpcall(sb, read_returned_l, &ra, -1, &msg) < 0) {
        err_set("%s: %s", lc->label, msg ? msg : "cannot read the config");
        goto cleanup;
    }
    rc = ra.rc;
cleanup:
    free(msg);
    free(chunkname);
    sandbox_free(sb);
    return rc;
}

int config_load(config **out, const char *label, const char *dir, const char *text,
                size_t len)
{
    *out = NULL;
    load_ctx lc = {label ? label : "provcheck.lua", text, len};
    cfgval *root = NULL;
    config *c = config_default();
    if (!c)
        return err_set("out of memory");
    free(c->dir);
    c->dir = strdup(dir && *dir ? dir : ".");
    c->path = strdup(lc.label);
    if (!c->dir || !c->path) {
        config_free(c);
        return err_set("out of memory");
    }
    if (run_config(&lc, &root) < 0)
        goto fail;
    if (root->kind == CV_MAP) {
        for (size_t i = 0; i < root->count; i++)
            if (read_key(&lc, root->keys[i], root->items[i], c) < 0)
                goto fail;
    }
    cfgval_free(root);
    *out = c;
    return 0;
fail:
    cfgval_free(root);
    config_free(c);
    return -1;
}
