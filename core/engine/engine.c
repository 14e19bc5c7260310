/* engine.c: every rule on one page (rules.h). One engine per worker thread: a
 * sandbox with every rule that can run compiled once (its chunk and options kept
 * in the registry). Per page: parse, work out each rule's severity and options
 * from the config's overrides, and run each rule under its budget as a new
 * instance: the compiled chunk runs again with a fresh environment, so its globals,
 * upvalues and the modules it requires are new on every page and nothing a rule
 * does on one page can change its result on another (the report is the same for
 * any -j and page order). Then copy each report{} into a finding at once (message
 * length and findings per page capped, so C-side memory stays bounded too), turn
 * throws and limit hits into rule-error findings, apply inline suppressions,
 * fingerprint.
 *
 * A site's rule gets a fresh instance per page: one environment table and the
 * chunk's top level. The rules that ship with provcheck keep one instance per
 * worker (sandbox_push_instance): with every pack on, running 16 rule files
 * again on every page was a tenth of the run.
 *
 * Uses sandbox.h, lua_page.h, cfgval_lua.h, rules_private.h, page.h, finding.h.
 *
 * Suppressions naming a rule that is not loaded at all give an unused-suppression
 * finding ("names an unknown rule") except under --rule; naming a known rule that
 * did not run on the page (off there, or not selected) gives nothing: it may run
 * elsewhere or in another configuration. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "url_map.h"
#include "buf.h"
#include "cfgval_lua.h"
#include "err.h"
#include "lua_page.h"
#include "rules_private.h"
#include "sandbox.h"

/* Findings kept per rule per page; the rest are counted in one summary finding. */
#define MAX_FINDINGS_PER_RULE 100
/* Bytes of a finding's message; longer ones are cut and end with an ellipsis. */
#define MAX_MESSAGE_BYTES 4096
/* Lua garbage grown by this much since the last full collection: collect now, so
   what a rule kept on one page does not pile up over the next ones. */
#define COLLECT_AFTER_GROWTH ((size_t)16 * 1024 * 1024)
#define DEFAULT_INSTRUCTIONS 20000000LL
#define DEFAULT_MEMORY ((size_t)64 * 1024 * 1024)
#define DEFAULT_TIME_MS 5000L

typedef struct opt_entry {
    size_t rule;
    uint64_t mask;        /* which overrides matched */
    severity sev;
    int ref;              /* options table (read-only proxy) in the registry */
} opt_entry;

struct engine {
    const ruleset *rs;
    const ruleset_private *rp;
    sandbox *sb;
    lua_page_ctx ctx;
    int *chunk_ref;       /* per rule: the compiled file; LUA_NOREF when it never runs */
    int *opts_ref;        /* per rule: base options */
    int report_ref;
    opt_entry *cache; size_t cache_count, cache_cap;
    /* the rule running now, for report{} */
    size_t cur_rule;
    severity cur_sev;
    finding_list cur;
    size_t dropped;       /* findings of the running rule beyond the cap */
    size_t collected_at;  /* Lua memory after the last full collection */
};

static const config *engine_config(const engine *e)
{
    return e->rs->cfg;
}

static int rule_can_run(const ruleset *rs, const ruleset_private *rp, size_t i)
{
    if (rp->only)
        return rp->only[i];
    if (rs->base_sev[i] != SEV_OFF)
        return 1;
    const config *c = rs->cfg;
    for (size_t o = 0; c && o < c->override_count; o++)
        for (size_t k = 0; k < c->overrides[o].rule_count; k++) {
            const rule_setting *s = &c->overrides[o].rules[k];
            if (strcmp(s->id, rs->rules[i].id) == 0 && s->has_severity &&
                s->sev != SEV_OFF)
                return 1;
        }
    return 0;
}

static int push_options_l(lua_State *L)
{
    cfgval_lua_push_readonly(L, lua_touserdata(L, 1));
    return 1;
}

/* A read-only options table in the registry: *ref_out. Protected, so running out
   of memory is an error and not an abort. */
static int push_options(engine *e, const cfgval *opts, int *ref_out)
{
    lua_State *L = sandbox_state(e->sb);
    lua_pushcfunction(L, push_options_l);
    lua_pushlightuserdata(L, (void *)opts);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        return err_set("out of memory");
    }
    *ref_out = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static engine *engine_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* A copy of the message, at most MAX_MESSAGE_BYTES: a longer one is cut at a
   character boundary and ends with an ellipsis. The cap holds for the bytes
   stored, so it is applied after each embedded NUL became U+FFFD (3 bytes). */
static char *capped_message(const char *s, size_t len)
{
    static const char ELLIPSIS[] = "\xe2\x80\xa6";
    /* every byte in gives at least one out: no more than the cap is needed */
    char *out = finding_message_dup(s, len > MAX_MESSAGE_BYTES ? MAX_MESSAGE_BYTES : len);
    if (!out)
        return NULL;
    size_t olen = strlen(out);
    if (len <= MAX_MESSAGE_BYTES && olen <= MAX_MESSAGE_BYTES)
        return out;
    size_t keep = MAX_MESSAGE_BYTES - (sizeof ELLIPSIS - 1);
    if (keep > olen)
        keep = olen;
    while (keep > 0 && ((unsigned char)out[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(out + keep, ELLIPSIS, sizeof ELLIPSIS);
    return out;
}

/* How a new finding (line, column, message) sorts against a kept one of the
   same rule and page: <0 before it, 0 the same, >0 after (the report's order). */
static int kept_before(int line, int column, const char *message, const finding *k)
{
    if (line != k->line)
        return line < k->line ? -1 : 1;
    if (column != k->column)
        return column < k->column ? -1 : 1;
    return strcmp(message, k->message);
}

/* The kept finding that sorts last. */
static finding *last_kept(finding_list *l)
{
    finding *worst = &l->items[0];
    for (size_t i = 1; i < l->count; i++)
        if (kept_before(l->items[i].line, l->items[i].column, l->items[i].message,
                        worst) > 0)
            worst = &l->items[i];
    return worst;
}

/* report{ message = ..., node = ... | at = offset }: fields read raw, so no
   metamethod of the rule's table runs here. */
static int report_l(lua_State *L)
{
    engine *e = engine_of(L);
    page *p = e->ctx.p;
    if (!p)
        return luaL_error(L, "report{} called after the page was checked");
    if (lua_type(L, 1) == LUA_TSTRING) {   /* report("message") shorthand */
        lua_createtable(L, 0, 1);
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "message");
        lua_replace(L, 1);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (!k || (strcmp(k, "message") && strcmp(k, "node") && strcmp(k, "at")))
            return luaL_error(L, "report{}: unknown field '%s' (expected message, node, "
                                 "at)", k ? k : luaL_typename(L, -1));
    }
    lua_pushliteral(L, "message");
    if (lua_rawget(L, 1) != LUA_TSTRING)
        return luaL_error(L, "report{}: message must be a string");
    size_t message_len = 0;
    const char *message = lua_tolstring(L, -1, &message_len);
    int line = 0, column = 0;
    lua_pushliteral(L, "node");
    lua_rawget(L, 1);
    lua_pushliteral(L, "at");
    lua_rawget(L, 1);
    if (!lua_isnil(L, -2)) {
        xmlNodePtr node = lua_node_test(L, -2, &e->ctx);
        if (!node)
            return luaL_error(L, "report{}: node must be a node of this page");
        line = page_node_line(p, node);
        column = page_node_column(p, node);
    } else if (!lua_isnil(L, -1)) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "report{}: at must be a position in page:text()");
        lua_Integer at = lua_tointeger(L, -1);
        size_t tlen = 0;
        page_text(p, &tlen);
        if (at < 1 || (size_t)at > tlen ||
            page_text_locate(p, (size_t)at - 1, NULL, &line, &column) < 0)
            return luaL_error(L, "report{}: at is outside page:text()");
    } else {
        xmlNodePtr anchor = page_anchor(p);
        if (anchor) {
            line = page_node_line(p, anchor);
            column = page_node_column(p, anchor);
        }
    }
    finding f;
    memset(&f, 0, sizeof f);
    f.line = line > 0 ? line : 1;
    f.column = line > 0 && column > 0 ? column : 0;
    if (e->cur.count >= MAX_FINDINGS_PER_RULE) {
        /* keep the first 100 in report order, not in the order reported, so
           which ones are kept does not depend on how the rule iterated */
        e->dropped++;
        char *copy = capped_message(message, message_len);
        if (!copy)
            return luaL_error(L, "not enough memory");
        finding *worst = last_kept(&e->cur);
        if (kept_before(f.line, f.column, copy, worst) >= 0) {
            free(copy);
            return 0;
        }
        free(worst->message);
        worst->message = copy;
        worst->line = f.line;
        worst->column = f.column;
        return 0;
    }
    f.rule = strdup(e->rs->rules[e->cur_rule].id);
    f.message = capped_message(message, message_len);
    f.sev = e->cur_sev;
    if (!f.rule || !f.message || finding_list_take(&e->cur, &f) < 0) {
        finding_free(&f);
        return luaL_error(L, "not enough memory");
    }
    return 0;
}

void engine_free(engine *e)
{
    if (!e)
        return;
    sandbox_free(e->sb);
    free(e->chunk_ref);
    free(e->opts_ref);
    free(e->cache);
    finding_list_free(&e->cur);
    free(e);
}

/* Compile the rule file once; it runs anew on every page (run_instance). */
static int compile_rule(engine *e, size_t i)
{
    const rule_meta *m = &e->rs->rules[i];
    lua_State *L = sandbox_state(e->sb);
    char *msg = NULL;
    if (sandbox_load(e->sb, m->source, m->source_len, m->chunkname, &msg) < 0) {
        err_set("%s", msg ? msg : "cannot load rule");
        free(msg);
        return -1;
    }
    e->chunk_ref[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    return push_options(e, e->rs->base_options[i], &e->opts_ref[i]);
}

engine *engine_new(const ruleset *rs)
{
    const config *c = rs->cfg;
    engine *e = calloc(1, sizeof *e);
    if (!e) {
        err_set("out of memory");
        return NULL;
    }
    e->rs = rs;
    e->rp = (const ruleset_private *)rs;
    e->chunk_ref = malloc((rs->count + 1) * sizeof *e->chunk_ref);
    e->opts_ref = malloc((rs->count + 1) * sizeof *e->opts_ref);
    e->sb = sandbox_new(c ? c->max_instructions : DEFAULT_INSTRUCTIONS,
                        c ? c->max_memory : DEFAULT_MEMORY);
    if (!e->chunk_ref || !e->opts_ref || !e->sb) {
        err_set("out of memory");
        engine_free(e);
        return NULL;
    }
    for (size_t i = 0; i < rs->count; i++)
        e->chunk_ref[i] = e->opts_ref[i] = LUA_NOREF;
    sandbox_set_modules(e->sb, rs->module_names, rs->module_sources, rs->module_lens,
                        rs->module_count);
    sandbox_set_module_shipped(e->sb, rs->module_shipped);
    lua_State *L = sandbox_state(e->sb);
    e->ctx.now = c ? c->now : config_now();
    e->ctx.now_fixed = c && c->now_origin != CONFIG_NOW_START;
    lua_page_register(L, &e->ctx);
    lua_node_register(L, &e->ctx);
    lua_link_register(L, &e->ctx);
    lua_pushlightuserdata(L, e);
    lua_pushcclosure(L, report_l, 1);
    e->report_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    for (size_t i = 0; i < rs->count; i++) {
        if (!rule_can_run(rs, e->rp, i))
            continue;
        if (compile_rule(e, i) < 0) {
            engine_free(e);
            return NULL;
        }
    }
    sandbox_set_time_limit(e->sb, c ? c->max_time_ms : DEFAULT_TIME_MS);
    e->collected_at = sandbox_memory_used(e->sb);
    return e;
}

/* Which overrides apply to the page: bit o for override o (the first 64). `files`
   match the page's file, `urls` its URL path; url_map.h maps one to the other, so
   an audit and a check of the built site pick the same overrides. -1 when out of
   memory. */
static int override_mask(const config *c, const page *p, uint64_t *mask_out)
{
    *mask_out = 0;
    if (!c || !c->override_count)
        return 0;
    const char *url = page_url(p);
    const char *site_path = page_site_path(p) ? page_site_path(p) : page_path(p);
    char *file = NULL, *url_path = NULL;
    if (url && *url) {
        /* an audit: the page's path is the URL path */
        const char *path = page_path(p) ? page_path(p) : "/";
        url_path = strndup(path, strcspn(path, "?#"));
        file = url_map_file_for(c, path);
    } else {
        file = strdup(site_path ? site_path : "");
        url_path = url_map_url_for(c, site_path ? site_path : "");
    }
    if (!file || !url_path) {
        free(file);
        free(url_path);
        return -1;
    }
    for (size_t o = 0; o < c->override_count && o < 64; o++)
        if (config_override_matches(c, o, file, url_path))
            *mask_out |= (uint64_t)1 << o;
    free(file);
    free(url_path);
    return 0;
}

/* The severity and options ref of rule i under the overrides in mask. Options
   tables are made once per (rule, mask) and kept. -1 when out of memory. */
static int effective(engine *e, size_t i, uint64_t mask, severity *sev_out, int *ref_out)
{
    const ruleset *rs = e->rs;
    *sev_out = rs->base_sev[i];
    *ref_out = e->opts_ref[i];
    if (e->rp->only && !e->rp->only[i]) {
        *sev_out = SEV_OFF;
        return 0;
    }
    if (!mask)
        return 0;
    for (size_t k = 0; k < e->cache_count; k++)
        if (e->cache[k].rule == i && e->cache[k].mask == mask) {
            *sev_out = e->cache[k].sev;
            *ref_out = e->cache[k].ref;
            return 0;
        }
    severity sev;
    cfgval *opts = NULL;
    if (ruleset_rule_setting(rs, i, mask, &sev, &opts) < 0)
        return -1;
    /* --rule: a listed rule an override turns off still runs */
    if (e->rp->only && sev == SEV_OFF)
        sev = rs->base_sev[i];
    int ref = e->opts_ref[i];
    if (opts && e->chunk_ref[i] != LUA_NOREF && push_options(e, opts, &ref) < 0) {
        cfgval_free(opts);
        return -1;
    }
    cfgval_free(opts);
    if (e->cache_count == e->cache_cap) {
        size_t cap = e->cache_cap ? e->cache_cap * 2 : 16;
        opt_entry *n = realloc(e->cache, cap * sizeof *n);
        if (!n)
            return -1;
        e->cache = n;
        e->cache_cap = cap;
    }
    e->cache[e->cache_count++] = (opt_entry){i, mask, sev, ref};
    *sev_out = sev;
    *ref_out = ref;
    return 0;
}

static int add_core_finding(finding_list *out, const char *rule, severity sev,
                            const char *message, int line, int column)
{
    finding f;
    memset(&f, 0, sizeof f);
    f.rule = strdup(rule);
    f.message = strdup(message);
    f.sev = sev;
    f.line = line;
    f.column = column;
    if (!f.rule || !f.message || finding_list_take(out, &f) < 0) {
        finding_free(&f);
        return -1;
    }
    return 0;
}

static void anchor_position(page *p, int *line, int *column)
{
    xmlNodePtr anchor = page_anchor(p);
    *line = anchor ? page_node_line(p, anchor) : 0;
    *column = anchor && *line > 0 ? page_node_column(p, anchor) : 0;
    if (*line <= 0)
        *line = 1;
}

/* run_instance(chunk, page, opts, report): an instance of the rule, then its
   check. A site's rule gets a new instance (its file run again with a fresh
   environment) inside the budgeted run, so its top level counts against its
   limits; a shipped rule keeps one per worker (sandbox_push_instance). */
static int run_instance_l(lua_State *L)
{
    sandbox_push_instance(L, 1);
    if (!lua_istable(L, -1))
        return luaL_error(L, "the rule file did not return a table");
    lua_pushliteral(L, "check");
    if (lua_rawget(L, -2) != LUA_TFUNCTION)
        return luaL_error(L, "check must be a function");
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 4);
    lua_call(L, 3, 0);
    return 0;
}

/* What a rule-error says about a limit: which one, and its configured value. */
static void describe_limit(buf *b, const engine *e, int hit)
{
    const config *c = engine_config(e);
    switch (hit) {
    case SANDBOX_HIT_INSTRUCTIONS:
        buf_printf(b, " (limits.instructions = %lld)",
                   c ? c->max_instructions : DEFAULT_INSTRUCTIONS);
        break;
    case SANDBOX_HIT_MEMORY:
        buf_printf(b, " (limits.memory = %zu bytes)", c ? c->max_memory : DEFAULT_MEMORY);
        break;
    case SANDBOX_HIT_TIME:
        buf_printf(b, " (limits.time_ms = %ld)", c ? c->max_time_ms : DEFAULT_TIME_MS);
        break;
    default:
        break;
    }
}

/* What the rules that will run on a page (overrides in mask) read of it: the page is
   parsed without a tree when none of them needs one. */
static int page_needs(engine *e, uint64_t mask, unsigned *needs_out)
{
    unsigned needs = 0;
    for (size_t i = 0; i < e->rs->count; i++) {
        severity sev;
        int opts_ref;
        if (e->chunk_ref[i] == LUA_NOREF)
            continue;
        if (effective(e, i, mask, &sev, &opts_ref) < 0)
            return -1;
        if (sev != SEV_OFF)
            needs |= e->rs->rules[i].needs;
    }
    *needs_out = needs;
    return 0;
}

/* Run rule i on the page (page userdata at stack index page_idx). Its findings, or
   a rule-error, go to found. *failed_out says whether it threw. */
static int run_rule(engine *e, size_t i, severity sev, int opts_ref, int page_idx,
                    finding_list *found, int *failed_out)
{
    lua_State *L = sandbox_state(e->sb);
    page *p = e->ctx.p;
    const char *id = e->rs->rules[i].id;
    e->cur_rule = i;
    e->cur_sev = sev;
    e->ctx.needs = e->rs->rules[i].needs;
    e->ctx.rule_id = id;
    e->dropped = 0;
    lua_pushcfunction(L, run_instance_l);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->chunk_ref[i]);
    lua_pushvalue(L, page_idx);
    lua_rawgeti(L, LUA_REGISTRYINDEX, opts_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->report_ref);
    char *msg = NULL;
    sandbox_keep_modules(e->sb, e->rs->rules[i].shipped ? (int)i + 1 : 0);
    sandbox_run_begin(e->sb);
    int rc = sandbox_pcall(e->sb, 4, 0, &msg);
    sandbox_keep_modules(e->sb, 0);
    int ok = finding_list_splice(found, &e->cur) == 0;
    *failed_out = rc < 0;
    int line = 0, column = 0;
    if (e->dropped || rc < 0)   /* only then: finding the anchor costs a lookup */
        anchor_position(p, &line, &column);
    if (e->dropped) {
        buf b = BUF_INIT;
        buf_printf(&b, "rule %s reported %zu more findings on this page; only the first "
                   "%d are kept", id, e->dropped, MAX_FINDINGS_PER_RULE);
        if (!b.data || add_core_finding(found, id, sev, b.data, line, column) < 0)
            ok = 0;
        buf_free(&b);
    }
    if (rc < 0) {
        buf b = BUF_INIT;
        buf_printf(&b, "rule %s failed on this page: %s", id, msg ? msg : "unknown error");
        describe_limit(&b, e, sandbox_limit_hit(e->sb));
        if (!b.data || add_core_finding(found, RULE_RULE_ERROR, SEV_ERROR, b.data, line,
                                        column) < 0)
            ok = 0;
        buf_free(&b);
    }
    free(msg);
    return ok ? 0 : -1;
}

static int is_core_rule(const char *id)
{
    return strcmp(id, RULE_PAGE_ERROR) == 0 || strcmp(id, RULE_RULE_ERROR) == 0 ||
           strcmp(id, RULE_FETCH_ERROR) == 0 || strcmp(id, RULE_UNUSED_SUPPRESSION) == 0 ||
           strcmp(id, RULE_DRIFT) == 0;
}

/* The page's rule findings grouped by rule id, so that a suppression finds its
   rule's findings by binary search: pages with many suppressions (or findings)
   stay n log n. `taken` marks a group an earlier comment already suppressed. */
typedef struct {
    const char *rule;
    size_t first, count;   /* in `order` */
    int taken;
} rule_group;

typedef struct {
    const char *rule;
    size_t index;   /* in the page's finding list */
} rule_finding;

static int by_rule_then_index(const void *a, const void *b)
{
    const rule_finding *x = a, *y = b;
    int c = strcmp(x->rule, y->rule);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static rule_group *find_group(rule_group *g, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g[mid].rule, id);
        if (c == 0)
            return &g[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Mark findings of suppressed rules, and report suppressions that did nothing. */
static int apply_suppressions(engine *e, page *p, finding_list *found,
                              const unsigned char *ran)
{
    size_t n = 0;
    const page_suppression *sup = page_suppressions(p, &n);
    if (!sup || !n)
        return 0;
    size_t rule_findings = found->count;   /* before unused-suppression ones */
    rule_finding *order = malloc((rule_findings ? rule_findings : 1) * sizeof *order);
    rule_group *groups = malloc((rule_findings ? rule_findings : 1) * sizeof *groups);
    size_t m = 0, group_count = 0;
    int rc = -1;
    if (!order || !groups)
        goto done;
    for (size_t f = 0; f < rule_findings; f++)
        if (!is_core_rule(found->items[f].rule))
            order[m++] = (rule_finding){found->items[f].rule, f};
    qsort(order, m, sizeof *order, by_rule_then_index);
    for (size_t i = 0; i < m; i++) {
        const char *rule = order[i].rule;
        if (group_count && strcmp(groups[group_count - 1].rule, rule) == 0)
            groups[group_count - 1].count++;
        else
            groups[group_count++] = (rule_group){rule, i, 1, 0};
    }
    for (size_t s = 0; s < n; s++) {
        for (size_t k = 0; k < sup[s].rule_count; k++) {
            const char *id = sup[s].rules[k];
            rule_group *g = is_core_rule(id) ? NULL : find_group(groups, group_count, id);
            if (g && !g->taken) {   /* else an earlier comment already took them */
                g->taken = 1;
                for (size_t i = g->first; i < g->first + g->count; i++) {
                    finding *fd = &found->items[order[i].index];
                    fd->suppression = SUPP_INLINE;
                    if (sup[s].reason && !(fd->suppress_reason = strdup(sup[s].reason)))
                        goto done;
                }
            }
            if (g || e->rp->unused_sev == SEV_OFF || is_core_rule(id))
                continue;
            const rule_meta *rm = ruleset_find(e->rs, id);
            buf b = BUF_INIT;
            if (!rm && !e->rp->only)
                buf_printf(&b, "provcheck-disable names an unknown rule '%s'", id);
            else if (rm && ran[rm - e->rs->rules])
                buf_printf(&b, "provcheck-disable %s is unused: the rule found nothing "
                           "on this page", id);
            int added = 0;
            if (b.len)
                added = add_core_finding(found, RULE_UNUSED_SUPPRESSION, e->rp->unused_sev,
                                         b.data, sup[s].line > 0 ? sup[s].line : 1,
                                         sup[s].column);
            buf_free(&b);
            if (added < 0)
                goto done;
        }
    }
    rc = 0;
done:
    free(order);
    free(groups);
    return rc;
}

static int fill_identity(page *p, finding_list *found)
{
    for (size_t i = 0; i < found->count; i++) {
        finding *f = &found->items[i];
        f->path = strdup(page_path(p) ? page_path(p) : "");
        if (!f->path)
            return -1;
        if (page_url(p) && !(f->url = strdup(page_url(p))))
            return -1;
        if (page_blob(p) && *page_blob(p) && !(f->blob = strdup(page_blob(p))))
            return -1;
        if (page_commit(p) && *page_commit(p) && !(f->commit = strdup(page_commit(p))))
            return -1;
    }
    finding_fingerprint_page(found->items, found->count);
    return 0;
}

int engine_page_read_clock(const engine *e)
{
    return e->ctx.clock_read;
}

int engine_page_reusable(const engine *e)
{
    return e->ctx.now_fixed || !e->ctx.clock_read;
}

int engine_check_page(engine *e, page *p, finding_list *out)
{
    finding_list found = {0};
    unsigned char *ran = NULL;
    int rc = -1;
    const config *cfg = engine_config(e);
    e->ctx.clock_read = 0;
    if (cfg)
        page_set_limits(p, &(page_limits){cfg->max_attributes, cfg->max_depth,
                                          cfg->parse_seconds});
    uint64_t mask = 0;
    if (override_mask(engine_config(e), p, &mask) < 0)
        goto cleanup;
    unsigned needs = 0;
    if (page_needs(e, mask, &needs) < 0)
        goto cleanup;
    page_set_needs(p, needs);
    if (page_parse(p) < 0) {
        const char *why = page_error(p);
        int line = page_error_line(p);
        if (add_core_finding(&found, RULE_PAGE_ERROR, SEV_ERROR,
                             why && *why ? why : "the page cannot be read", line > 0 ? line : 1,
                             0) < 0)
            goto cleanup;
        goto finish;
    }
    ran = calloc(e->rs->count + 1, 1);
    if (!ran)
        goto cleanup;
    lua_State *L = sandbox_state(e->sb);
    lua_page_begin(L, &e->ctx, p);
    lua_page_push(L, &e->ctx);
    int page_idx = lua_gettop(L);
    int ok = 1;
    for (size_t i = 0; ok && i < e->rs->count; i++) {
        severity sev;
        int opts_ref;
        if (e->chunk_ref[i] == LUA_NOREF)
            continue;
        if (effective(e, i, mask, &sev, &opts_ref) < 0) {
            ok = 0;
            break;
        }
        if (sev == SEV_OFF)
            continue;
        int failed = 0;
        if (run_rule(e, i, sev, opts_ref, page_idx, &found, &failed) < 0)
            ok = 0;
        ran[i] = !failed;
    }
    lua_settop(L, page_idx - 1);
    lua_page_end(L, &e->ctx);
    if (sandbox_memory_used(e->sb) > e->collected_at + COLLECT_AFTER_GROWTH) {
        lua_gc(L, LUA_GCCOLLECT);
        e->collected_at = sandbox_memory_used(e->sb);
    }
    if (!ok || apply_suppressions(e, p, &found, ran) < 0)
        goto cleanup;
finish:
    if (fill_identity(p, &found) < 0 || finding_list_splice(out, &found) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    free(ran);
    finding_list_free(&found);
    return rc;
}
