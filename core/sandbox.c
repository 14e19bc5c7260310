/* sandbox.c: the state rules and provcheck.lua run in.
 *
 * Provides sandbox.h. Uses the Lua 5.4 public API and lauxlib.
 *
 * What a chunk sees: the safe base functions (assert error ipairs next pairs
 * rawequal rawget rawlen rawset select setmetatable getmetatable tonumber tostring
 * type pcall xpcall, print as a no-op), read-only proxies of string, table, math and
 * utf8, a text-only `load` bound to its own environment, and a `require` limited to
 * the ruleset's helper modules. Every chunk has its own environment and its own
 * library proxies, so a rule that assigns globals or rawsets a library table only
 * changes its own world. The string metatable is hidden (__metatable = false).
 *
 * Known holes (the count hook never fires while C code runs):
 *  - string.find/match/gsub with a pathological pattern can run for a long time
 *    inside one C call; its input is bounded by the memory cap, not its time;
 *  - table.sort with a comparator is fine (the comparator is Lua), but table.concat
 *    and string.rep are bounded only by the memory cap;
 *  - __gc metamethods are refused (setmetatable), since finalizers may run outside
 *    any budgeted run; __close runs inside the run that declared the variable;
 *  - tables returned by helper modules are read-only one level deep: a nested table
 *    of a module could be changed by one rule and seen by another. */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include "sandbox.h"

/* Coarse on purpose: the hook costs a C call per step. */
#define HOOK_STEP 10000

enum { HIT_NONE = 0, HIT_INSTRUCTIONS = 1, HIT_MEMORY = 2 };

struct sandbox {
    lua_State *L;
    size_t used;            /* bytes Lua holds now */
    size_t baseline;        /* `used` at sandbox_run_begin */
    size_t max_memory;      /* per run; 0 = no cap */
    int capping;            /* the cap applies only inside a run */
    long long max_instructions;
    long long count;
    int hit;
    char *const *mod_names;
    char *const *mod_sources;
    const size_t *mod_lens;
    size_t mod_count;
};

static const char *const LIBS[] = {"string", "table", "math", "utf8", NULL};
static const char *const SAFE_BASE[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
    "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring",
    "type", "pcall", "xpcall", "_VERSION", NULL};

/* registry keys */
static const char KEY_BASE[] = "provcheck.sandbox.base";      /* safe functions */
static const char KEY_LIBMT[] = "provcheck.sandbox.libmt";    /* name -> metatable */
static const char KEY_LOADED[] = "provcheck.sandbox.loaded";  /* module cache */

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    /* with ptr NULL, osize is a type tag, not a size */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->capping && sb->max_memory &&
        sb->used + (nsize - old) > sb->baseline + sb->max_memory) {
        sb->hit = HIT_MEMORY;
        return NULL;
    }
    void *np = realloc(ptr, nsize);
    if (!np)
        return NULL;
    sb->used = sb->used - old + nsize;
    return np;
}

static sandbox *sandbox_of(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    sandbox *sb = sandbox_of(L);
    sb->count += HOOK_STEP;
    if (sb->max_instructions > 0 && sb->count > sb->max_instructions) {
        if (sb->hit == HIT_NONE)
            sb->hit = HIT_INSTRUCTIONS;
        /* from now on every instruction raises, so a pcall inside the rule
           cannot swallow the error and carry on */
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, SANDBOX_MSG_INSTRUCTIONS);
    }
}

/* setmetatable without finalizers: a __gc runs whenever the collector gets to
   it, possibly outside any budgeted run (engine_free's lua_close), where an
   endless loop would hang provcheck. Lua only honours a __gc present when the
   metatable is set, so checking here is enough. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in rules");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int print_disabled(lua_State *L)
{
    (void)L;   /* stdout carries reports: rules must not write to it */
    return 0;
}

static int readonly_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only table");
}

static int proxy_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

static int proxy_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int proxy_pairs(lua_State *L)
{
    lua_pushcfunction(L, proxy_next);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    return 3;
}

/* [-0, +1] The metatable that makes a proxy read the table at idx. */
static void push_readonly_mt(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, proxy_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, proxy_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
}

void sandbox_push_readonly(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 0);
    push_readonly_mt(L, idx);
    lua_setmetatable(L, -2);
}

/* Turns any error object into a string message. */
static int message_handler(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING)
        return 1;
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        return 1;
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

static char *dup_lua_string(lua_State *L, int idx)
{
    size_t len = 0;
    const char *s = lua_tolstring(L, idx, &len);
    if (!s) {
        s = "(no message)";
        len = strlen(s);
    }
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    return out;
}

static void set_env_upvalue(lua_State *L, int fn_idx, int env_idx)
{
    fn_idx = lua_absindex(L, fn_idx);
    env_idx = lua_absindex(L, env_idx);
    lua_pushvalue(L, env_idx);
    if (!lua_setupvalue(L, fn_idx, 1))
        lua_pop(L, 1);
}

/* load(chunk [, chunkname [, mode [, env]]]): text only; without env, the
   caller's own environment (upvalue 1). */
static int sandboxed_load(lua_State *L)
{
    size_t len = 0;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (!strchr(mode, 't')) {
        lua_pushnil(L);
        lua_pushliteral(L, "only text chunks can be loaded");
        return 2;
    }
    int has_env = lua_gettop(L) >= 4;
    if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    set_env_upvalue(L, lua_gettop(L), has_env ? 4 : lua_upvalueindex(1));
    return 1;
}

static int find_module(const sandbox *sb, const char *name)
{
    for (size_t i = 0; i < sb->mod_count; i++)
        if (strcmp(sb->mod_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* require(name): the ruleset's helper modules only, each run once per state in its
   own environment; tables come back read-only. */
static int sandboxed_require(lua_State *L)
{
    sandbox *sb = sandbox_of(L);
    const char *name = luaL_checkstring(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, KEY_LOADED);
    int loaded = lua_gettop(L);
    int t = lua_getfield(L, loaded, name);
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        return luaL_error(L, "module '%s' requires itself (a require loop)", name);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        int m = find_module(sb, name);
        if (m < 0)
            return luaL_error(L, "module '%s' not found (only the ruleset's helper "
                                 "modules can be required)", name);
        lua_pushboolean(L, 0);          /* loading marker */
        lua_setfield(L, loaded, name);
        lua_pushfstring(L, "@%s.lua", sb->mod_names[m]);
        const char *chunk = lua_tostring(L, -1);
        if (luaL_loadbufferx(L, sb->mod_sources[m], sb->mod_lens[m], chunk, "t")
            != LUA_OK) {
            lua_pushnil(L);
            lua_setfield(L, loaded, name);
            return lua_error(L);
        }
        sandbox_push_env(sb);
        set_env_upvalue(L, -2, lua_gettop(L));
        lua_pop(L, 1);
        lua_pushstring(L, name);
        lua_call(L, 1, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_pushboolean(L, 1);
        }
        lua_pushvalue(L, -1);
        lua_setfield(L, loaded, name);
    }
    if (lua_type(L, -1) == LUA_TTABLE)
        sandbox_push_readonly(L, -1);
    return 1;
}

void sandbox_push_env(sandbox *sb)
{
    lua_State *L = sb->L;
    lua_createtable(L, 0, 32);
    int env = lua_gettop(L);
    lua_getfield(L, LUA_REGISTRYINDEX, KEY_BASE);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, env);
    }
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, KEY_LIBMT);
    for (int i = 0; LIBS[i]; i++) {
        lua_createtable(L, 0, 0);
        lua_getfield(L, -2, LIBS[i]);
        lua_setmetatable(L, -2);
        lua_setfield(L, env, LIBS[i]);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, env);
    lua_pushcclosure(L, sandboxed_load, 1);
    lua_setfield(L, env, "load");
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
}

/* The real globals are never exposed; they are stripped anyway so that nothing
   unsafe is left to leak. */
static int sandbox_setup(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    static const char *const unsafe[] = {"load", "dofile", "loadfile",
                                          "collectgarbage", "print", NULL};
    for (int i = 0; unsafe[i]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, unsafe[i]);
    }
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    /* hide the string metatable: getmetatable("") gives false */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 3);

    lua_createtable(L, 0, 24);
    for (int i = 0; SAFE_BASE[i]; i++) {
        lua_getglobal(L, SAFE_BASE[i]);
        lua_setfield(L, -2, SAFE_BASE[i]);
    }
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, safe_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, print_disabled);
    lua_setfield(L, -2, "print");
    lua_pushcfunction(L, sandboxed_require);
    lua_setfield(L, -2, "require");
    lua_setfield(L, LUA_REGISTRYINDEX, KEY_BASE);

    lua_createtable(L, 0, 4);
    for (int i = 0; LIBS[i]; i++) {
        lua_getglobal(L, LIBS[i]);
        push_readonly_mt(L, -1);
        lua_setfield(L, -3, LIBS[i]);
        lua_pop(L, 1);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, KEY_LIBMT);

    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, KEY_LOADED);
    return 0;
}

sandbox *sandbox_new(long long max_instructions, size_t max_memory)
{
    sandbox *sb = calloc(1, sizeof *sb);
    if (!sb)
        return NULL;
    sb->max_instructions = max_instructions;
    sb->max_memory = max_memory;
    sb->L = lua_newstate(sandbox_alloc, sb);
    if (!sb->L) {
        free(sb);
        return NULL;
    }
    lua_pushcfunction(sb->L, sandbox_setup);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        lua_close(sb->L);
        free(sb);
        return NULL;
    }
    return sb;
}

void sandbox_free(sandbox *sb)
{
    if (!sb)
        return;
    lua_close(sb->L);
    free(sb);
}

lua_State *sandbox_state(sandbox *sb)
{
    return sb->L;
}

void sandbox_set_modules(sandbox *sb, char *const *names, char *const *sources,
                         const size_t *lens, size_t count)
{
    sb->mod_names = names;
    sb->mod_sources = sources;
    sb->mod_lens = lens;
    sb->mod_count = count;
}

void sandbox_set_limits(sandbox *sb, long long max_instructions, size_t max_memory)
{
    sb->max_instructions = max_instructions;
    sb->max_memory = max_memory;
}

int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname,
                 char **msg_out)
{
    lua_State *L = sb->L;
    *msg_out = NULL;
    if (luaL_loadbufferx(L, text, len, chunkname, "t") != LUA_OK) {
        *msg_out = dup_lua_string(L, -1);
        lua_pop(L, 1);
        return -1;
    }
    sandbox_push_env(sb);
    set_env_upvalue(L, -2, lua_gettop(L));
    lua_pop(L, 1);
    return 0;
}

void sandbox_run_begin(sandbox *sb)
{
    sb->count = 0;
    sb->hit = HIT_NONE;
    sb->baseline = sb->used;
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
}

int sandbox_pcall(sandbox *sb, int nargs, int nresults, char **msg_out)
{
    lua_State *L = sb->L;
    *msg_out = NULL;
    int base = lua_gettop(L) - nargs;   /* the function's slot */
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    sb->capping = 1;
    int rc = lua_pcall(L, nargs, nresults, base);
    sb->capping = 0;
    lua_sethook(L, NULL, 0, 0);
    if (rc == LUA_OK && sb->hit == HIT_NONE) {
        lua_remove(L, base);
        return 0;
    }
    if (sb->hit == HIT_MEMORY) {
        *msg_out = strdup(SANDBOX_MSG_MEMORY);
    } else if (sb->hit == HIT_INSTRUCTIONS) {
        *msg_out = strdup(SANDBOX_MSG_INSTRUCTIONS);
    } else {
        *msg_out = dup_lua_string(L, -1);
    }
    lua_settop(L, base - 1);   /* results or message, and the handler */
    if (sb->hit == HIT_MEMORY)
        lua_gc(L, LUA_GCCOLLECT);
    return -1;
}

int sandbox_limit_hit(const sandbox *sb)
{
    return sb->hit;
}
