/* rule_meta.c: one rule file's returned table read into a rule_meta and checked:
 * its keys, id, severity, options (type, default, doc) and needs. The table is
 * read raw, in the throwaway sandbox rule_load.c opens, so no metamethod of a
 * hostile rule runs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "cfgval_lua.h"
#include "err.h"
#include "report.h"
#include "rules_private.h"
#include "sandbox.h"

static const char *const RULE_KEYS[] = {"id", "summary", "severity", "options",
                                        "docs", "url", "needs", "check", NULL};
static const char *const OPTION_TYPES[] = {"string", "string[]", "number", "integer",
                                           "boolean", NULL};

int rule_option_type_ok(const char *type, const cfgval *v)
{
    if (!v || v->kind == CV_NIL)
        return 1;     /* an absent value means the default */
    if (strcmp(type, "string") == 0)
        return v->kind == CV_STR;
    if (strcmp(type, "number") == 0)
        return v->kind == CV_NUM;
    if (strcmp(type, "integer") == 0)
        return v->kind == CV_NUM && v->n == (double)(long long)v->n;
    if (strcmp(type, "boolean") == 0)
        return v->kind == CV_BOOL;
    if (strcmp(type, "string[]") == 0) {
        if (v->kind != CV_LIST)
            return 0;
        for (size_t i = 0; i < v->count; i++)
            if (v->items[i]->kind != CV_STR)
                return 0;
        return 1;
    }
    return 0;
}

static int valid_type(const char *t)
{
    for (int i = 0; OPTION_TYPES[i]; i++)
        if (strcmp(OPTION_TYPES[i], t) == 0)
            return 1;
    return 0;
}

static int valid_rule_id(const char *id)
{
    if (!islower((unsigned char)id[0]) && !isdigit((unsigned char)id[0]))
        return 0;
    for (const char *p = id; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' &&
            *p != '_' && *p != '.')
            return 0;
    return strlen(id) <= 100;
}

int rule_meta_error(const char *chunk, const char *msg)
{
    return err_set("%s: %s", chunk + 1, msg);   /* chunk names start with '@' */
}

/* [-0, +1] t[k] without metamethods (t an absolute index). */
static int raw_field(lua_State *L, int t, const char *k)
{
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

static int read_options(lua_State *L, int idx, rule_meta *m)
{
    lua_Integer n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    m->options = calloc((size_t)n + 1, sizeof *m->options);
    if (!m->options)
        return err_set("out of memory");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int val = lua_gettop(L);
        char msg[256];
        if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, val)) {
            lua_pop(L, 2);
            return rule_meta_error(m->chunkname, "options must map option names to "
                                            "{ type = ..., default = ..., doc = ... }");
        }
        rule_option *o = &m->options[m->option_count++];
        o->name = strdup(lua_tostring(L, -2));
        lua_pushnil(L);
        while (lua_next(L, val)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
            if (strcmp(k, "type") && strcmp(k, "default") && strcmp(k, "doc")) {
                snprintf(msg, sizeof msg, "option '%s': unknown field '%s' (expected "
                         "type, default, doc)", o->name ? o->name : "?", k);
                lua_pop(L, 4);
                return rule_meta_error(m->chunkname, msg);
            }
            lua_pop(L, 1);
        }
        raw_field(L, val, "type");
        if (lua_type(L, -1) != LUA_TSTRING || !valid_type(lua_tostring(L, -1))) {
            snprintf(msg, sizeof msg, "option '%s': type must be one of string, "
                     "string[], number, integer, boolean", o->name ? o->name : "?");
            lua_pop(L, 3);
            return rule_meta_error(m->chunkname, msg);
        }
        o->type = strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
        raw_field(L, val, "doc");
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
            snprintf(msg, sizeof msg, "option '%s': doc must be a string",
                     o->name ? o->name : "?");
            lua_pop(L, 3);
            return rule_meta_error(m->chunkname, msg);
        }
        o->doc = strdup(lua_isnil(L, -1) ? "" : lua_tostring(L, -1));
        lua_pop(L, 1);
        raw_field(L, val, "default");
        char *err = NULL;
        int rc = cfgval_lua_read(L, -1, "default", &o->def, &err);
        lua_pop(L, 1);
        if (rc < 0) {
            snprintf(msg, sizeof msg, "option '%s': %s", o->name ? o->name : "?",
                     err ? err : "bad default");
            free(err);
            lua_pop(L, 2);
            return rule_meta_error(m->chunkname, msg);
        }
        if (!o->name || !o->type || !o->doc) {
            lua_pop(L, 2);
            return err_set("out of memory");
        }
        if (!rule_option_type_ok(o->type, o->def)) {
            snprintf(msg, sizeof msg, "option '%s': the default is not a %s", o->name,
                     o->type);
            lua_pop(L, 2);
            return rule_meta_error(m->chunkname, msg);
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* needs = { "text", "links", ... }: what the rule reads of a page. Without it the
   rule may read anything (PAGE_NEED_ALL), so a rule written before `needs` keeps
   working, on the DOM path. */
static int read_needs(lua_State *L, int t, rule_meta *m)
{
    char msg[256];
    m->needs = PAGE_NEED_ALL;
    raw_field(L, t, "needs");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_istable(L, -1))
        return rule_meta_error(m->chunkname, "needs must be a list of strings (\"text\", "
                                        "\"links\", \"meta\", \"jsonld\", \"head\", "
                                        "\"tree\", \"tree-on-demand\")");
    unsigned needs = 0;
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        unsigned bit = lua_type(L, -1) == LUA_TSTRING ? page_need_parse(lua_tostring(L, -1))
                                                      : 0;
        if (!bit) {
            snprintf(msg, sizeof msg, "needs: unknown value '%s' (expected \"text\", "
                     "\"links\", \"meta\", \"jsonld\", \"head\", \"tree\" or "
                     "\"tree-on-demand\")",
                     lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                    : luaL_typename(L, -1));
            return rule_meta_error(m->chunkname, msg);
        }
        needs |= bit;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    m->needs = needs;
    return 0;
}

/* Read the metadata table at the top of the stack into m. Raw reads only, so no
   metamethod of the rule's table runs; called protected (rule_meta_read_l). */
static int read_meta_table(lua_State *L, rule_meta *m, const char *expect_id)
{
    int t = lua_gettop(L);
    char msg[256];
    if (!lua_istable(L, t))
        return rule_meta_error(m->chunkname, "a rule file must return a table");
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        int known = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = 0; RULE_KEYS[i]; i++)
                if (strcmp(RULE_KEYS[i], lua_tostring(L, -1)) == 0)
                    known = 1;
        if (!known) {
            snprintf(msg, sizeof msg, "unknown field '%s' (expected id, summary, "
                     "severity, options, docs, url, needs, check)",
                     lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
            lua_pop(L, 1);
            return rule_meta_error(m->chunkname, msg);
        }
    }
    raw_field(L, t, "id");
    if (lua_type(L, -1) != LUA_TSTRING || !valid_rule_id(lua_tostring(L, -1)))
        return rule_meta_error(m->chunkname, "id must be a string of lowercase letters, "
                                        "digits and '-'");
    m->id = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (m->id && expect_id && strcmp(m->id, expect_id) != 0) {
        snprintf(msg, sizeof msg, "id '%s' differs from the file name '%s.lua'", m->id,
                 expect_id);
        return rule_meta_error(m->chunkname, msg);
    }
    raw_field(L, t, "summary");
    if (lua_type(L, -1) != LUA_TSTRING)
        return rule_meta_error(m->chunkname, "summary must be a string");
    m->summary = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    raw_field(L, t, "severity");
    m->default_sev = SEV_WARNING;
    if (!lua_isnil(L, -1) && (lua_type(L, -1) != LUA_TSTRING ||
                              severity_parse(lua_tostring(L, -1), &m->default_sev) < 0))
        return rule_meta_error(m->chunkname, "severity must be \"off\", \"info\", "
                                        "\"warning\" or \"error\"");
    lua_pop(L, 1);
    raw_field(L, t, "docs");
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        return rule_meta_error(m->chunkname, "docs must be a string");
    m->docs = strdup(lua_isnil(L, -1) ? "" : lua_tostring(L, -1));
    lua_pop(L, 1);
    /* A rule documented elsewhere (a pack's own site) says where: explain prints it
       and SARIF links it instead of the project's docs/rules/<id>.md. */
    raw_field(L, t, "url");
    if (!lua_isnil(L, -1)) {
        const char *url = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
            strpbrk(url, " \t\r\n\"<>"))
            return rule_meta_error(m->chunkname, "url must be an http:// or https:// URL");
        if (!(m->url = strdup(url)))
            return err_set("out of memory");
    }
    lua_pop(L, 1);
    if (read_needs(L, t, m) < 0)
        return -1;
    raw_field(L, t, "check");
    if (!lua_isfunction(L, -1))
        return rule_meta_error(m->chunkname, "check must be a function(page, opts, report)");
    lua_pop(L, 1);
    if (!m->id || !m->summary || !m->docs)
        return err_set("out of memory");
    raw_field(L, t, "options");
    int rc = 0;
    if (lua_istable(L, -1))
        rc = read_options(L, lua_gettop(L), m);
    else if (!lua_isnil(L, -1))
        rc = rule_meta_error(m->chunkname, "options must be a table");
    lua_pop(L, 1);
    return rc;
}

int rule_meta_read_l(lua_State *L)
{
    meta_args *a = lua_touserdata(L, 1);
    a->rc = read_meta_table(L, a->m, a->expect_id);
    return 0;
}
