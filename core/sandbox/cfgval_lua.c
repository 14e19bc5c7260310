/* cfgval_lua.c: cfgval <-> Lua (cfgval_lua.h). Uses sandbox.h for read-only
 * proxies, buf.h for messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "buf.h"
#include "cfgval_lua.h"
#include "sandbox.h"

#define MAX_DEPTH 32

static void push_value(lua_State *L, const cfgval *v, int readonly)
{
    if (!v) {
        lua_pushnil(L);
        return;
    }
    switch (v->kind) {
    case CV_NIL: lua_pushnil(L); break;
    case CV_BOOL: lua_pushboolean(L, v->b); break;
    case CV_NUM:
        /* integral values go in as integers so string.format("%d") and
           integer-typed options behave */
        if (v->n >= -9007199254740992.0 && v->n <= 9007199254740992.0 &&
            v->n == (double)(long long)v->n)
            lua_pushinteger(L, (lua_Integer)v->n);
        else
            lua_pushnumber(L, v->n);
        break;
    case CV_STR: lua_pushlstring(L, v->s, v->slen); break;
    case CV_LIST:
        lua_createtable(L, (int)v->count, 0);
        for (size_t i = 0; i < v->count; i++) {
            push_value(L, v->items[i], readonly);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case CV_MAP:
        lua_createtable(L, 0, (int)v->count);
        for (size_t i = 0; i < v->count; i++) {
            push_value(L, v->items[i], readonly);
            lua_setfield(L, -2, v->keys[i]);
        }
        break;
    }
    if (readonly && (v->kind == CV_LIST || v->kind == CV_MAP)) {
        sandbox_push_readonly(L, -1);
        lua_remove(L, -2);
    }
}

void cfgval_lua_push(lua_State *L, const cfgval *v)
{
    push_value(L, v, 0);
}

void cfgval_lua_push_readonly(lua_State *L, const cfgval *v)
{
    push_value(L, v, 1);
}

static int fail(char **err_out, const char *where, const char *msg)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s: %s", where, msg);
    *err_out = buf_detach(&b, NULL);
    return -1;
}

/* What one read may take: a table reachable twice is read twice, so without a
   bound 32 levels of { t, t } would mean 2^32 values. */
#define MAX_VALUES 1000000
#define MAX_STRING_BYTES ((size_t)64 * 1024 * 1024)

typedef struct read_budget {
    size_t values;
    size_t bytes;
} read_budget;

typedef struct map_entry {
    char *key;
    cfgval *value;
} map_entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const map_entry *)a)->key, ((const map_entry *)b)->key);
}

static int read_value(lua_State *L, int idx, const char *where, int depth,
                      read_budget *budget, cfgval **out, char **err_out);

/* Classify a table: 1 list, 2 map, -1 mixed/other keys. */
static int table_shape(lua_State *L, int idx, size_t *count_out)
{
    size_t n = 0, ints = 0, strs = 0;
    lua_Integer max_int = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        if (lua_type(L, -2) == LUA_TSTRING) {
            strs++;
        } else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1) {
            ints++;
            if (lua_tointeger(L, -2) > max_int)
                max_int = lua_tointeger(L, -2);
        }
        lua_pop(L, 1);
    }
    *count_out = n;
    if (n == 0 || (ints == n && (size_t)max_int == n))
        return 1;
    if (strs == n)
        return 2;
    return -1;
}

static int read_list(lua_State *L, int idx, const char *where, int depth,
                     read_budget *budget, size_t n, cfgval *t, char **err_out)
{
    for (size_t i = 0; i < n; i++) {
        buf sub = BUF_INIT;
        buf_printf(&sub, "%s[%zu]", where, i + 1);
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        cfgval *item = NULL;
        int rc = read_value(L, lua_gettop(L), sub.data ? sub.data : where, depth + 1,
                            budget, &item, err_out);
        lua_pop(L, 1);
        buf_free(&sub);
        if (rc < 0)
            return -1;
        if (cfgval_push(t, item) < 0)
            return fail(err_out, where, "out of memory");
    }
    return 0;
}

/* Keys come out sorted. Values are read during the traversal (raw, so nothing
   is pushed that could fail and no metamethod runs). */
static int read_map(lua_State *L, int idx, const char *where, int depth,
                    read_budget *budget, size_t n, cfgval *t, char **err_out)
{
    map_entry *entries = calloc(n ? n : 1, sizeof *entries);
    if (!entries)
        return fail(err_out, where, "out of memory");
    size_t k = 0;
    int rc = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (k == n) {          /* cannot happen: nothing runs between the passes */
            lua_pop(L, 2);
            break;
        }
        const char *key = lua_tostring(L, -2);
        buf sub = BUF_INIT;
        buf_printf(&sub, "%s.%s", where, key);
        entries[k].key = strdup(key);
        if (!entries[k].key)
            rc = fail(err_out, where, "out of memory");
        else
            rc = read_value(L, lua_gettop(L), sub.data ? sub.data : where, depth + 1,
                            budget, &entries[k].value, err_out);
        k++;
        buf_free(&sub);
        if (rc < 0) {
            lua_pop(L, 2);     /* value and key: the traversal stops */
            break;
        }
        lua_pop(L, 1);
    }
    if (rc == 0) {
        qsort(entries, k, sizeof *entries, cmp_entry);
        for (size_t i = 0; rc == 0 && i < k; i++) {
            if (cfgval_set(t, entries[i].key, entries[i].value) < 0)
                rc = fail(err_out, where, "out of memory");
            entries[i].value = NULL;
        }
    }
    for (size_t i = 0; i < k; i++) {
        free(entries[i].key);
        cfgval_free(entries[i].value);
    }
    free(entries);
    return rc;
}

static int read_table(lua_State *L, int idx, const char *where, int depth,
                      read_budget *budget, cfgval **out, char **err_out)
{
    if (depth > MAX_DEPTH)
        return fail(err_out, where, "nested too deeply (or a cycle)");
    size_t n = 0;
    int shape = table_shape(L, idx, &n);
    if (shape < 0)
        return fail(err_out, where,
                    "a table must be a list (1..n) or have only string keys");
    cfgval *t = shape == 1 ? cfgval_list() : cfgval_map();
    if (!t)
        return fail(err_out, where, "out of memory");
    int rc = shape == 1 ? read_list(L, idx, where, depth, budget, n, t, err_out)
                        : read_map(L, idx, where, depth, budget, n, t, err_out);
    if (rc < 0) {
        cfgval_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

static int read_value(lua_State *L, int idx, const char *where, int depth,
                      read_budget *budget, cfgval **out, char **err_out)
{
    cfgval *v = NULL;
    if (++budget->values > MAX_VALUES)
        return fail(err_out, where, "too many values (a table used many times over?)");
    switch (lua_type(L, idx)) {
    case LUA_TNIL: v = cfgval_nil(); break;
    case LUA_TBOOLEAN: v = cfgval_bool(lua_toboolean(L, idx)); break;
    case LUA_TNUMBER: v = cfgval_num(lua_tonumber(L, idx)); break;
    case LUA_TSTRING: {
        size_t len = 0;
        const char *s = lua_tolstring(L, idx, &len);
        budget->bytes += len;
        if (budget->bytes > MAX_STRING_BYTES)
            return fail(err_out, where, "too much text (strings over 64 MiB in all)");
        v = cfgval_str(s, len);
        break;
    }
    case LUA_TTABLE:
        if (!lua_checkstack(L, 8))
            return fail(err_out, where, "nested too deeply");
        return read_table(L, idx, where, depth, budget, out, err_out);
    default:
    {
        char msg[128];
        snprintf(msg, sizeof msg, "a %s is not allowed here (only strings, numbers, "
                 "booleans and tables)", luaL_typename(L, idx));
        return fail(err_out, where, msg);
    }
    }
    if (!v)
        return fail(err_out, where, "out of memory");
    *out = v;
    return 0;
}

int cfgval_lua_read(lua_State *L, int idx, const char *what, cfgval **out,
                    char **err_out)
{
    *out = NULL;
    *err_out = NULL;
    read_budget budget = {0, 0};
    return read_value(L, lua_absindex(L, idx), what, 0, &budget, out, err_out);
}
