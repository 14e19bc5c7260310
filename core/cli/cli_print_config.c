/* cli_print_config.c: `check --print-config [PATH]`: the effective config of one
 * page (or of the site, without PATH) with the overrides that match it applied,
 * as Lua (the default) or JSON (-f json). PATH is a page file, or a URL path
 * ("/privacy") mapped to its file by clean_urls/url_map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "url_map.h"

static void json_value(buf *b, const cfgval *v)
{
    if (!v) {
        buf_puts(b, "null");
        return;
    }
    switch (v->kind) {
    case CV_NIL: buf_puts(b, "null"); break;
    case CV_BOOL: buf_puts(b, v->b ? "true" : "false"); break;
    case CV_NUM: buf_printf(b, "%.15g", v->n); break;
    case CV_STR: cli_json_string(b, v->s); break;
    case CV_LIST:
    case CV_MAP:
        buf_puts(b, v->kind == CV_LIST ? "[" : "{");
        for (size_t i = 0; i < v->count; i++) {
            buf_puts(b, i ? ", " : "");
            if (v->kind == CV_MAP) {
                cli_json_string(b, v->keys[i]);
                buf_puts(b, ": ");
            }
            json_value(b, v->items[i]);
        }
        buf_puts(b, v->kind == CV_LIST ? "]" : "}");
        break;
    }
}

static void string_list(buf *b, int json, char **items, size_t count)
{
    buf_puts(b, json ? "[" : "{");
    for (size_t i = 0; i < count; i++) {
        buf_puts(b, i ? ", " : json ? "" : " ");
        if (json) {
            cli_json_string(b, items[i]);
        } else {
            cfgval s = {.kind = CV_STR, .s = items[i], .slen = strlen(items[i])};
            cli_cfgval_lua(b, &s);
        }
    }
    buf_puts(b, json ? "]" : count ? " }" : "}");
}

/* The page's file (site path) and URL path; both NULL without PATH. 0 or -1. */
static int page_identity_for(const check_target *t, const check_args *a, char **file,
                             char **url_path)
{
    *file = *url_path = NULL;
    if (!a->path_count)
        return 0;
    const char *arg = a->paths[0];
    struct stat st;
    if (arg[0] == '/' && stat(arg, &st) != 0) {
        *url_path = strndup(arg, strcspn(arg, "?#"));
        *file = url_map_file_for(t->cfg, arg);
    } else {
        page_ref_list refs = {0};
        if (t->src->list(t->src, &refs) < 0) {
            page_ref_list_free(&refs);
            return -1;
        }
        if (!refs.count) {
            page_ref_list_free(&refs);
            return err_set("%s: not a page in scope (see include and exclude)", arg);
        }
        const page_ref *r = &refs.items[0];
        *file = strdup(r->site_path ? r->site_path : r->path);
        page_ref_list_free(&refs);
        *url_path = *file ? url_map_url_for(t->cfg, *file) : NULL;
    }
    return *file && *url_path ? 0 : err_set("out of memory");
}

/* The overrides that match, as the engine takes them. */
static uint64_t override_mask(const config *c, const uint64_t *applies)
{
    uint64_t mask = 0;
    for (size_t o = 0; o < c->override_count && o < 64; o++)
        if (applies[o])
            mask |= (uint64_t)1 << o;
    return mask;
}

static int emit(buf *b, const check_target *t, const ruleset *rs, int json,
                const char *file, const char *url_path, const uint64_t *applies)
{
    const config *c = t->cfg;
    if (json) {
        buf_puts(b, "{\n  \"config\": ");
        if (c->path)
            cli_json_string(b, c->path);
        else
            buf_puts(b, "null");
        buf_puts(b, ",\n  \"page\": ");
        file ? cli_json_string(b, file) : buf_puts(b, "null");
        buf_puts(b, ",\n  \"url_path\": ");
        url_path ? cli_json_string(b, url_path) : buf_puts(b, "null");
        buf_puts(b, ",\n  \"overrides_applied\": [");
    } else {
        buf_printf(b, "-- effective config%s%s%s%s%s, from %s\n-- overrides applied:",
                   file ? " for " : "", file ? file : " (no page given: overrides not applied)",
                   url_path ? " (URL path " : "", url_path ? url_path : "", url_path ? ")" : "",
                   c->path ? c->path : "the built-in defaults");
    }
    size_t n = 0;
    for (size_t o = 0; o < c->override_count; o++)
        if (applies[o]) {
            buf_printf(b, json ? "%s%zu" : "%s overrides[%zu]", json && n ? ", " : "", o + 1);
            n++;
        }
    if (json) {
        buf_puts(b, "],\n  \"site_root\": ");
        c->site_root ? cli_json_string(b, c->site_root) : buf_puts(b, "null");
        buf_puts(b, ",\n  \"include\": ");
        string_list(b, 1, c->include, c->include_count);
        buf_puts(b, ",\n  \"exclude\": ");
        string_list(b, 1, c->exclude, c->exclude_count);
        buf_printf(b, ",\n  \"clean_urls\": %s,\n  \"rules\": {", c->clean_urls ? "true" : "false");
    } else {
        buf_puts(b, n ? "\n" : " none\n");
        buf_puts(b, "return {\n");
        if (c->site_root) {
            cfgval s = {.kind = CV_STR, .s = c->site_root, .slen = strlen(c->site_root)};
            buf_puts(b, "  site_root = ");
            cli_cfgval_lua(b, &s);
            buf_puts(b, ",\n");
        }
        buf_puts(b, "  include = ");
        string_list(b, 0, c->include, c->include_count);
        buf_puts(b, ",\n  exclude = ");
        string_list(b, 0, c->exclude, c->exclude_count);
        buf_printf(b, ",\n  clean_urls = %s,\n  rules = {\n", c->clean_urls ? "true" : "false");
    }
    for (size_t i = 0; i < rs->count; i++) {
        severity sev;
        cfgval *owned = NULL;
        if (ruleset_rule_setting(rs, i, override_mask(c, applies), &sev, &owned) < 0)
            return err_set("out of memory");
        const cfgval *opts = owned ? owned : rs->base_options[i];
        if (json) {
            buf_puts(b, i ? ",\n    " : "\n    ");
            cli_json_string(b, rs->rules[i].id);
            buf_printf(b, ": {\"severity\": \"%s\", \"options\": ", severity_name(sev));
            if (opts)
                json_value(b, opts);
            else
                buf_puts(b, "{}");
            buf_puts(b, "}");
        } else {
            cfgval id = {.kind = CV_STR, .s = rs->rules[i].id, .slen = strlen(rs->rules[i].id)};
            buf_puts(b, "    [");
            cli_cfgval_lua(b, &id);
            buf_printf(b, "] = { severity = \"%s\"", severity_name(sev));
            for (size_t k = 0; opts && opts->kind == CV_MAP && k < opts->count; k++) {
                buf_printf(b, ", %s = ", opts->keys[k]);
                cli_cfgval_lua(b, opts->items[k]);
            }
            buf_puts(b, " },\n");
        }
        cfgval_free(owned);
    }
    buf_puts(b, json ? "\n  }\n}\n" : "  },\n}\n");
    return 0;
}

int check_print_config(check_target *t, const check_args *a)
{
    const ruleset *rs = NULL;
    char *file = NULL, *url_path = NULL;
    uint64_t *applies = NULL;
    buf out = BUF_INIT;
    int rc = -1;
    target_request site;
    check_args_target_request(a, &site);
    /* a URL path names no file to open: the target is the whole site then */
    struct stat st;
    if (a->path_count && a->paths[0][0] == '/' && stat(a->paths[0], &st) != 0)
        site.path_count = 0;
    if (target_open(t, &site) < 0 || page_identity_for(t, a, &file, &url_path) < 0)
        goto cleanup;
    rs = t->rules;
    applies = calloc(t->cfg->override_count + 1, sizeof *applies);
    if (!applies) {
        err_set("out of memory");
        goto cleanup;
    }
    for (size_t o = 0; file && o < t->cfg->override_count; o++)
        applies[o] = config_override_matches(t->cfg, o, file, url_path);
    if (emit(&out, t, rs, strcmp(a->format, "json") == 0, file, url_path, applies) < 0)
        goto cleanup;
    if (fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len || fflush(stdout)) {
        err_set("cannot write the config to stdout");
        goto cleanup;
    }
    rc = 0;
cleanup:
    buf_free(&out);
    free(applies);
    free(file);
    free(url_path);
    return rc;
}
