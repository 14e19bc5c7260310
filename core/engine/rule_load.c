/* rule_load.c: the rule set (rules.h): built-in rules and helper modules, the
 * config's rule_paths and plugins, each rule's metadata read in a throwaway
 * sandbox (rule_meta.c reads the table), and the config checked against the
 * rules; rule_digest.c hashes the result. Uses sandbox.h, cfgval_lua.h, sha256.h, builtin.h and the vfs of source.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "suggest.h"
#include "buf.h"
#include "builtin.h"
#include "cfgval_lua.h"
#include "err.h"
#include "report.h"
#include "rules_private.h"
#include "sandbox.h"
#include "sha256.h"

/* Reading metadata runs the rule's top level only: a small budget. */
#define META_INSTRUCTIONS 10000000LL
#define META_MEMORY ((size_t)32 * 1024 * 1024)


typedef struct loader {
    ruleset_private *rp;
    size_t rule_cap, module_cap;
    const config *cfg;
    const char *cfg_label;
    int shipped;          /* what is being loaded ships with provcheck */
} loader;

static int has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static char *dup_mem(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    return out;
}

static void free_meta(rule_meta *m)
{
    free(m->id);
    free(m->summary);
    for (size_t i = 0; i < m->option_count; i++) {
        free(m->options[i].name);
        free(m->options[i].type);
        cfgval_free(m->options[i].def);
        free(m->options[i].doc);
    }
    free(m->options);
    free(m->docs);
    free(m->url);
    free(m->origin);
    free(m->chunkname);
    free(m->source);
}

void ruleset_free(ruleset *rs)
{
    if (!rs)
        return;
    ruleset_private *rp = (ruleset_private *)rs;
    for (size_t i = 0; i < rs->count; i++) {
        free_meta(&rs->rules[i]);
        if (rs->base_options)
            cfgval_free(rs->base_options[i]);
    }
    free(rs->rules);
    for (size_t i = 0; i < rs->module_count; i++) {
        free(rs->module_names[i]);
        free(rs->module_sources[i]);
    }
    free(rs->module_names);
    free(rs->module_sources);
    free(rs->module_lens);
    free(rs->module_shipped);
    free(rs->base_sev);
    free(rs->base_options);
    free(rp->only);
    free(rp);
}

const rule_meta *ruleset_find(const ruleset *rs, const char *id)
{
    for (size_t i = 0; rs && i < rs->count; i++)
        if (strcmp(rs->rules[i].id, id) == 0)
            return &rs->rules[i];
    return NULL;
}

static int add_module(loader *ld, const char *name, const char *src, size_t len,
                      const char *where)
{
    ruleset *rs = &ld->rp->pub;
    for (size_t i = 0; i < rs->module_count; i++)
        if (strcmp(rs->module_names[i], name) == 0)
            return err_set("%s: a helper module named '%s' is already loaded", where,
                           name);
    if (rs->module_count == ld->module_cap) {
        size_t cap = ld->module_cap ? ld->module_cap * 2 : 8;
        char **names = realloc(rs->module_names, cap * sizeof *names);
        if (names)
            rs->module_names = names;
        char **srcs = realloc(rs->module_sources, cap * sizeof *srcs);
        if (srcs)
            rs->module_sources = srcs;
        size_t *lens = realloc(rs->module_lens, cap * sizeof *lens);
        if (lens)
            rs->module_lens = lens;
        unsigned char *shipped = realloc(rs->module_shipped, cap);
        if (shipped)
            rs->module_shipped = shipped;
        if (!names || !srcs || !lens || !shipped)
            return err_set("out of memory");
        ld->module_cap = cap;
    }
    char *n = strdup(name), *s = dup_mem(src, len);
    if (!n || !s) {
        free(n);
        free(s);
        return err_set("out of memory");
    }
    rs->module_names[rs->module_count] = n;
    rs->module_sources[rs->module_count] = s;
    rs->module_lens[rs->module_count] = len;
    rs->module_shipped[rs->module_count] = (unsigned char)ld->shipped;
    rs->module_count++;
    return 0;
}

/* "lib/text.lua" -> "lib.text" */
static char *module_name_of(const char *prefix, const char *rel)
{
    buf b = BUF_INIT;
    if (prefix)
        buf_printf(&b, "%s.", prefix);
    size_t n = strlen(rel) - 4;   /* without ".lua" */
    for (size_t i = 0; i < n; i++)
        buf_putc(&b, rel[i] == '/' ? '.' : rel[i]);
    return buf_detach(&b, NULL);
}

/* A plugin pack's rule is addressed as PACK/RULE everywhere (config keys, --rule,
   suppressions, reports, fingerprints), so two packs cannot collide and a report
   says where a rule came from; the file and its table keep the bare id. Without a
   url of its own, its documentation is docs/rules/RULE.md as before. */
static int namespace_pack_rule(rule_meta *m, const char *origin)
{
    if (strncmp(origin, "plugin:", 7) != 0)
        return 0;
    buf id = BUF_INIT;
    buf_printf(&id, "%s/%s", origin + 7, m->id);
    char *full = buf_detach(&id, NULL);
    if (!full)
        return err_set("out of memory");
    if (!m->url) {
        buf url = BUF_INIT;
        buf_printf(&url, "%s%s.md", RULE_DOCS_BASE, m->id);
        if (!(m->url = buf_detach(&url, NULL))) {
            free(full);
            return err_set("out of memory");
        }
    }
    free(m->id);
    m->id = full;
    return 0;
}

static int add_rule(loader *ld, const char *origin, const char *label,
                    const char *expect_id, const char *src, size_t len)
{
    ruleset *rs = &ld->rp->pub;
    if (rs->count == ld->rule_cap) {
        size_t cap = ld->rule_cap ? ld->rule_cap * 2 : 8;
        rule_meta *r = realloc(rs->rules, cap * sizeof *r);
        if (!r)
            return err_set("out of memory");
        rs->rules = r;
        ld->rule_cap = cap;
    }
    rule_meta *m = &rs->rules[rs->count];
    memset(m, 0, sizeof *m);
    rs->count++;   /* counted now so ruleset_free frees a half-read entry */
    buf cn = BUF_INIT;
    buf_printf(&cn, "@%s", label);
    m->chunkname = buf_detach(&cn, NULL);
    m->origin = strdup(origin);
    m->shipped = ld->shipped;
    m->source = dup_mem(src, len);
    m->source_len = len;
    if (!m->chunkname || !m->origin || !m->source)
        return err_set("out of memory");

    sandbox *sb = sandbox_new(META_INSTRUCTIONS, META_MEMORY);
    if (!sb)
        return err_set("out of memory");
    sandbox_set_modules(sb, rs->module_names, rs->module_sources, rs->module_lens,
                        rs->module_count);
    char *msg = NULL;
    int rc = -1;
    if (sandbox_load(sb, src, len, m->chunkname, &msg) < 0) {
        err_set("%s", msg ? msg : "cannot load rule");
        goto cleanup;
    }
    sandbox_run_begin(sb);
    if (sandbox_pcall(sb, 0, 1, &msg) < 0) {
        if (sandbox_limit_hit(sb))
            rule_meta_error(m->chunkname, msg ? msg : "limit exceeded");
        else
            err_set("%s", msg ? msg : "rule failed to load");
        goto cleanup;
    }
    /* read in the same budgeted run, protected: an allocation failure or a
       limit is an error naming the file, never an abort */
    meta_args ma = {m, expect_id, -1};
    if (sandbox_cpcall(sb, rule_meta_read_l, &ma, -1, &msg) < 0) {
        rc = rule_meta_error(m->chunkname, msg ? msg : "cannot read the rule's table");
        goto cleanup;
    }
    rc = ma.rc;
    if (rc < 0 || (rc = namespace_pack_rule(m, origin)) < 0)
        goto cleanup;
    for (size_t i = 0; i + 1 < rs->count; i++) {
        if (strcmp(rs->rules[i].id, m->id) == 0) {
            rc = err_set("%s: rule id '%s' is already defined by %s", label, m->id,
                         rs->rules[i].chunkname + 1);
            goto cleanup;
        }
    }
cleanup:
    free(msg);
    sandbox_free(sb);
    return rc;
}

/* The rules and helper modules compiled into the binary. */
static int load_builtin_files(loader *ld)
{
    for (int pass = 0; pass < 2; pass++) {   /* modules first: rules may require them */
        for (const builtin_file *f = builtin_files; f->path; f++) {
            if (!has_suffix(f->path, ".lua"))
                continue;
            int is_module = strchr(f->path, '/') != NULL;
            if (is_module != (pass == 0))
                continue;
            int rc;
            if (is_module) {
                char *name = module_name_of(NULL, f->path);
                rc = name ? add_module(ld, name, f->data, f->len, f->path)
                          : err_set("out of memory");
                free(name);
            } else {
                char *label = fs_path_join("rules", f->path);
                char *id = dup_mem(f->path, strlen(f->path) - 4);
                rc = label && id ? add_rule(ld, "builtin", label, id, f->data, f->len)
                                 : err_set("out of memory");
                free(label);
                free(id);
            }
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

static int load_builtins(loader *ld)
{
    ld->shipped = 1;
    int rc = load_builtin_files(ld);
    ld->shipped = 0;
    return rc;
}

/* Every NAME.lua of a folder: helper modules (prefix.NAME) or rules. A missing
   folder is fine for modules, an error for rules. */
static int load_folder(loader *ld, const vfs *fs, const char *dir, const char *label_dir,
                       const char *origin, const char *module_prefix, int modules)
{
    char **names = NULL;
    size_t count = 0;
    if (fs->list(fs->ctx, dir, &names, &count) < 0) {
        if (modules) {
            err_clear();
            return 0;
        }
        return err_set("%s: cannot read the rules folder '%s'", ld->cfg_label, dir);
    }
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        if (!has_suffix(names[i], ".lua"))
            continue;
        char *path = fs_path_join(dir, names[i]);
        char *label = fs_path_join(label_dir, names[i]);
        char *text = NULL;
        size_t len = 0;
        if (!path || !label) {
            rc = err_set("out of memory");
        } else if (fs->read(fs->ctx, path, &text, &len) < 0) {
            rc = err_set("%s: cannot read %s", ld->cfg_label, label);
        } else if (modules) {
            char *name = module_name_of(module_prefix, names[i]);
            rc = name ? add_module(ld, name, text, len, label) : err_set("out of memory");
            free(name);
        } else {
            char *id = dup_mem(names[i], strlen(names[i]) - 4);
            rc = id ? add_rule(ld, origin, label, id, text, len) : err_set("out of memory");
            free(id);
        }
        free(text);
        free(path);
        free(label);
    }
    vfs_free_names(names, count);
    return rc;
}

static int load_rule_paths(loader *ld, const vfs *fs)
{
    const config *c = ld->cfg;
    if (c->rule_path_count && !fs)
        return err_set("%s: rule_paths need a folder to read from", ld->cfg_label);
    for (size_t i = 0; i < c->rule_path_count; i++) {   /* modules first */
        char *lib = fs_path_join(c->rule_paths[i], "lib");
        int rc = lib ? load_folder(ld, fs, lib, lib, c->rule_paths[i], "lib", 1)
                     : err_set("out of memory");
        free(lib);
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < c->rule_path_count; i++)
        if (load_folder(ld, fs, c->rule_paths[i], c->rule_paths[i], c->rule_paths[i],
                        NULL, 0) < 0)
            return -1;
    return 0;
}

typedef struct manifest_args {
    const char *label;
    cfgval *man;
    char *err;
} manifest_args;

static int read_manifest_l(lua_State *L)
{
    manifest_args *a = lua_touserdata(L, 1);
    cfgval_lua_read(L, 2, a->label, &a->man, &a->err);
    return 0;
}

/* Run a plugin's manifest and read its rules list: ids (rules/<id>.lua) or a
   folder name. */
static int read_manifest(loader *ld, const char *name, const char *label,
                         const char *text, size_t len, char ***ids_out,
                         size_t *id_count_out, char **folder_out)
{
    sandbox *sb = sandbox_new(META_INSTRUCTIONS, META_MEMORY);
    if (!sb)
        return err_set("out of memory");
    lua_State *L = sandbox_state(sb);
    char *msg = NULL;
    int rc = -1;
    buf cn = BUF_INIT;
    buf_printf(&cn, "@%s", label);
    if (sandbox_load(sb, text, len, cn.data ? cn.data : "@plugin.lua", &msg) < 0) {
        err_set("%s", msg ? msg : "cannot load plugin manifest");
        goto cleanup;
    }
    sandbox_run_begin(sb);
    if (sandbox_pcall(sb, 0, 1, &msg) < 0) {
        err_set("%s: %s", label, msg ? msg : "manifest failed");
        goto cleanup;
    }
    if (!lua_istable(L, -1)) {
        err_set("%s: a plugin manifest must return a table", label);
        goto cleanup;
    }
    manifest_args ma = {label, NULL, NULL};
    if (sandbox_cpcall(sb, read_manifest_l, &ma, -1, &msg) < 0 || !ma.man) {
        err_set("%s: %s", label, ma.err ? ma.err : msg ? msg : "cannot read the manifest");
        free(ma.err);
        cfgval_free(ma.man);
        goto cleanup;
    }
    cfgval *man = ma.man;
    (void)ld;
    const cfgval *pname = cfgval_get(man, "name");
    const cfgval *rules = cfgval_get(man, "rules");
    for (size_t i = 0; man->kind == CV_MAP && i < man->count; i++) {
        const char *k = man->keys[i];
        if (strcmp(k, "name") && strcmp(k, "version") && strcmp(k, "description") &&
            strcmp(k, "rules")) {
            err_set("%s: unknown field '%s' (expected name, version, description, rules)",
                    label, k);
            cfgval_free(man);
            goto cleanup;
        }
    }
    if (!pname || pname->kind != CV_STR || strcmp(pname->s, name) != 0) {
        err_set("%s: name must be the plugin's folder name '%s'", label, name);
    } else if (!rules || rules->kind == CV_NIL) {
        *folder_out = strdup("rules");
        rc = *folder_out ? 0 : err_set("out of memory");
    } else if (rules->kind == CV_STR) {
        *folder_out = strdup(rules->s);
        rc = *folder_out ? 0 : err_set("out of memory");
    } else if (rules->kind == CV_LIST) {
        rc = 0;
        *ids_out = calloc(rules->count + 1, sizeof **ids_out);
        for (size_t i = 0; rc == 0 && i < rules->count; i++) {
            if (rules->items[i]->kind != CV_STR)
                rc = err_set("%s: rules must list rule ids (strings)", label);
            else if (!*ids_out || !((*ids_out)[i] = strdup(rules->items[i]->s)))
                rc = err_set("out of memory");
            else
                *id_count_out = i + 1;
        }
    } else {
        err_set("%s: rules must be a list of rule ids or a folder name", label);
    }
    cfgval_free(man);
cleanup:
    buf_free(&cn);
    free(msg);
    sandbox_free(sb);
    return rc;
}

static int load_plugin_from(loader *ld, const vfs *fs, const char *base,
                            const char *name, const char *text, size_t len)
{
    char **ids = NULL;
    size_t id_count = 0;
    char *folder = NULL;
    char *pdir = fs_path_join(base, name);
    char *label = pdir ? fs_path_join(pdir, "plugin.lua") : NULL;
    char *origin = NULL;
    int rc = -1;
    buf o = BUF_INIT;
    buf_printf(&o, "plugin:%s", name);
    origin = buf_detach(&o, NULL);
    if (!pdir || !label || !origin) {
        err_set("out of memory");
        goto cleanup;
    }
    if (read_manifest(ld, name, label, text, len, &ids, &id_count, &folder) < 0)
        goto cleanup;
    char *lib = fs_path_join(pdir, "lib");
    rc = lib ? load_folder(ld, fs, lib, lib, origin, name, 1) : err_set("out of memory");
    free(lib);
    if (rc < 0)
        goto cleanup;
    if (folder) {
        char *dir = fs_path_join(pdir, folder);
        rc = dir ? load_folder(ld, fs, dir, dir, origin, NULL, 0) : err_set("out of memory");
        free(dir);
    } else {
        for (size_t i = 0; rc == 0 && i < id_count; i++) {
            buf p = BUF_INIT;
            buf_printf(&p, "%s/rules/%s.lua", pdir, ids[i]);
            char *src = NULL;
            size_t slen = 0;
            if (!p.data)
                rc = err_set("out of memory");
            else if (fs->read(fs->ctx, p.data, &src, &slen) < 0)
                rc = err_set("%s: rule '%s' is listed but %s cannot be read", label,
                             ids[i], p.data);
            else
                rc = add_rule(ld, origin, p.data, ids[i], src, slen);
            free(src);
            buf_free(&p);
        }
    }
cleanup:
    for (size_t i = 0; i < id_count; i++)
        free(ids[i]);
    free(ids);
    free(folder);
    free(pdir);
    free(label);
    free(origin);
    return rc;
}

static int load_plugins(loader *ld, const vfs *fs)
{
    for (size_t i = 0; i < ld->cfg->plugin_count; i++) {
        const char *name = ld->cfg->plugins[i];
        if (!*name || strchr(name, '/') || strstr(name, ".."))
            return err_set("%s: plugins: '%s' is not a plugin name", ld->cfg_label, name);
        char *text = NULL;
        size_t len = 0;
        char *manifest = NULL;
        buf m = BUF_INIT;
        buf_printf(&m, "plugins/%s/plugin.lua", name);
        manifest = buf_detach(&m, NULL);
        if (!manifest)
            return err_set("out of memory");
        int rc;
        if (fs && fs->read(fs->ctx, manifest, &text, &len) == 0) {
            rc = load_plugin_from(ld, fs, "plugins", name, text, len);
        } else {
            /* not next to the config: the packs shipped with provcheck */
            free(text);
            text = NULL;
            char *inst_manifest = fs_path_join(name, "plugin.lua");
            rc = inst_manifest ? 1 : err_set("out of memory");
            const char *dirs[SHIPPED_PLUGIN_DIR_COUNT];
            size_t dir_count = shipped_plugin_dirs(dirs);
            for (size_t d = 0; rc == 1 && d < dir_count; d++) {
                vfs inst;
                if (vfs_fs_open(&inst, dirs[d]) < 0)
                    continue;
                if (inst.read(inst.ctx, inst_manifest, &text, &len) == 0) {
                    ld->shipped = 1;
                    rc = load_plugin_from(ld, &inst, NULL, name, text, len);
                    ld->shipped = 0;
                }
                vfs_fs_close(&inst);
            }
            if (rc == 1)
                rc = err_set("%s: plugin '%s' not found (no plugins/%s/plugin.lua next to "
                             "it, nor among the packs installed with provcheck)",
                             ld->cfg_label, name, name);
            free(inst_manifest);
        }
        free(text);
        free(manifest);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* " (did you mean 'X'?)" for the known rule closest to a mistyped id, else a pointer
   to the list. Returns a static buffer. */
static const char *rule_id_hint(const ruleset *rs, const char *typed)
{
    static _Thread_local char hint[400];
    /* a pack rule named without its pack: the id it has now (PACK/RULE) */
    size_t tl = strlen(typed);
    for (size_t i = 0; !strchr(typed, '/') && i < rs->count; i++) {
        const char *id = rs->rules[i].id, *slash = strrchr(id, '/');
        if (slash && strlen(slash + 1) == tl && strcmp(slash + 1, typed) == 0) {
            snprintf(hint, sizeof hint, " (did you mean '%.150s'? the rules of a plugin "
                     "pack are addressed as PACK/RULE)", id);
            return hint;
        }
    }
    suggestion s;
    suggestion_init(&s, typed);
    for (size_t i = 0; i < rs->count; i++)
        suggestion_offer(&s, rs->rules[i].id);
    suggestion_offer(&s, RULE_UNUSED_SUPPRESSION);
    if (suggestion_best(&s))
        snprintf(hint, sizeof hint, " (did you mean '%.150s'?)", suggestion_best(&s));
    else
        snprintf(hint, sizeof hint, " (see 'provcheck rules')");
    return hint;
}

static int cmp_rules(const void *a, const void *b)
{
    return strcmp(((const rule_meta *)a)->id, ((const rule_meta *)b)->id);
}

/* Options of one config entry against the rule's declared options. */
static int check_setting(loader *ld, const char *where, const rule_setting *s)
{
    if (strcmp(s->id, RULE_UNUSED_SUPPRESSION) == 0 || strcmp(s->id, RULE_DRIFT) == 0) {
        if (s->options && s->options->count)
            return err_set("%s: %s: '%s' takes a severity only", ld->cfg_label, where,
                           s->id);
        /* drift compares whole audits, not pages: no override can select it */
        if (strcmp(s->id, RULE_DRIFT) == 0 && strcmp(where, "rules") != 0)
            return err_set("%s: %s: '%s' can be set in the top-level rules only",
                           ld->cfg_label, where, s->id);
        return 0;
    }
    const rule_meta *m = ruleset_find(&ld->rp->pub, s->id);
    if (!m)
        return err_set("%s: %s: unknown rule '%s'%s", ld->cfg_label, where, s->id,
                       rule_id_hint(&ld->rp->pub, s->id));
    for (size_t k = 0; s->options && k < s->options->count; k++) {
        const rule_option *opt = NULL;
        for (size_t j = 0; j < m->option_count; j++)
            if (strcmp(m->options[j].name, s->options->keys[k]) == 0)
                opt = &m->options[j];
        if (!opt)
            return err_set("%s: %s: rule '%s' has no option '%s'", ld->cfg_label, where,
                           s->id, s->options->keys[k]);
        if (!rule_option_type_ok(opt->type, s->options->items[k]))
            return err_set("%s: %s: option '%s' of rule '%s' must be a %s",
                           ld->cfg_label, where, opt->name, s->id, opt->type);
    }
    return 0;
}

static int apply_config(loader *ld)
{
    ruleset *rs = &ld->rp->pub;
    const config *c = ld->cfg;
    for (size_t i = 0; i < c->rule_count; i++)
        if (check_setting(ld, "rules", &c->rules[i]) < 0)
            return -1;
    for (size_t o = 0; o < c->override_count; o++) {
        char where[48];
        snprintf(where, sizeof where, "overrides[%zu].rules", o + 1);
        for (size_t i = 0; i < c->overrides[o].rule_count; i++)
            if (check_setting(ld, where, &c->overrides[o].rules[i]) < 0)
                return -1;
    }
    rs->base_sev = calloc(rs->count + 1, sizeof *rs->base_sev);
    rs->base_options = calloc(rs->count + 1, sizeof *rs->base_options);
    if (!rs->base_sev || !rs->base_options)
        return err_set("out of memory");
    ld->rp->unused_sev = SEV_WARNING;
    for (size_t i = 0; i < c->rule_count; i++)
        if (strcmp(c->rules[i].id, RULE_UNUSED_SUPPRESSION) == 0 && c->rules[i].has_severity)
            ld->rp->unused_sev = c->rules[i].sev;
    for (size_t r = 0; r < rs->count; r++) {
        rule_meta *m = &rs->rules[r];
        cfgval *defaults = cfgval_map();
        if (!defaults)
            return err_set("out of memory");
        for (size_t j = 0; j < m->option_count; j++)
            if (cfgval_set(defaults, m->options[j].name, cfgval_clone(m->options[j].def)) < 0) {
                cfgval_free(defaults);
                return err_set("out of memory");
            }
        rs->base_sev[r] = m->default_sev;
        const rule_setting *s = NULL;
        for (size_t i = 0; i < c->rule_count; i++)
            if (strcmp(c->rules[i].id, m->id) == 0)
                s = &c->rules[i];
        if (s && s->has_severity)
            rs->base_sev[r] = s->sev;
        rs->base_options[r] = s && s->options ? cfgval_merge(defaults, s->options) : defaults;
        if (rs->base_options[r] != defaults)
            cfgval_free(defaults);
        if (!rs->base_options[r])
            return err_set("out of memory");
    }
    return 0;
}

int ruleset_load(ruleset **out, const config *cfg, const vfs *fs)
{
    *out = NULL;
    config *owned_default = NULL;
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.rp = calloc(1, sizeof *ld.rp);
    if (!ld.rp)
        return err_set("out of memory");
    if (!cfg) {
        /* no config: the built-in defaults; the ruleset must not keep a pointer
           to a temporary, so rs->cfg stays NULL */
        owned_default = config_default();
        if (!owned_default) {
            free(ld.rp);
            return err_set("out of memory");
        }
    }
    ld.cfg = cfg ? cfg : owned_default;
    ld.cfg_label = ld.cfg->path ? ld.cfg->path : "provcheck.lua";
    ld.rp->pub.cfg = cfg;
    int rc = -1;
    if (load_builtins(&ld) < 0 || load_rule_paths(&ld, fs) < 0 || load_plugins(&ld, fs) < 0)
        goto cleanup;
    ruleset *rs = &ld.rp->pub;
    if (rs->count)
        qsort(rs->rules, rs->count, sizeof *rs->rules, cmp_rules);
    if (apply_config(&ld) < 0)
        goto cleanup;
    ruleset_compute_digest(rs, ld.rp);
    rc = 0;
cleanup:
    config_free(owned_default);
    if (rc < 0) {
        ruleset_free(&ld.rp->pub);
        return -1;
    }
    *out = &ld.rp->pub;
    return 0;
}

int ruleset_only(ruleset *rs, char **ids, size_t count)
{
    ruleset_private *rp = (ruleset_private *)rs;
    for (size_t k = 0; k < count; k++)
        if (!ruleset_find(rs, ids[k]))
            return err_set("--rule: unknown rule '%s'%s", ids[k], rule_id_hint(rs, ids[k]));
    free(rp->only);
    rp->only = calloc(rs->count + 1, 1);
    if (!rp->only)
        return err_set("out of memory");
    for (size_t i = 0; i < rs->count; i++) {
        for (size_t k = 0; k < count; k++)
            if (strcmp(rs->rules[i].id, ids[k]) == 0)
                rp->only[i] = 1;
        if (!rp->only[i])
            rs->base_sev[i] = SEV_OFF;
        else if (rs->base_sev[i] == SEV_OFF)
            rs->base_sev[i] = rs->rules[i].default_sev != SEV_OFF
                                  ? rs->rules[i].default_sev : SEV_WARNING;
    }
    ruleset_compute_digest(rs, rp);
    return 0;
}
