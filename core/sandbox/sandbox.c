/* sandbox.c: the state rules and provcheck.lua run in.
 *
 * Provides sandbox.h. Uses the Lua 5.4 public API, lauxlib and lua_pattern.h
 * (string.find, match, gmatch and gsub with a bounded matcher).
 *
 * What a chunk sees: the safe base functions (assert error ipairs next pairs
 * rawequal rawget rawlen rawset select setmetatable getmetatable tonumber tostring
 * type pcall xpcall, print as a no-op), read-only proxies of string, table, math,
 * utf8 and date (lua_date.h), a text-only `load` bound to its own environment, and a `require` limited to
 * the ruleset's helper modules. They live in a frozen base table that each chunk's
 * environment reads through a protected metatable (__index, __metatable = false):
 * a fresh environment is one small table, so the engine can give every rule a new
 * one on every page. The proxies are shared by every chunk of the state, so they
 * must leak nothing writable: __pairs iterates with a closure over the real table
 * (never handing it out as the iteration state), rawset refuses them, and the
 * string metatable is hidden (__metatable = false).
 *
 * The time limit is on the thread's CPU time (cpu_ns). Reading it is a system
 * call, so it is read only once the wall clock (vDSO, nearly free) says the limit
 * could have passed (a thread cannot use more CPU time than wall time), and counts
 * from then (time_is_up). Waiting uses no CPU time (page:target_exists
 * fetches in audits), so WALL_FACTOR times the limit of wall time stops a run too:
 * far enough above the CPU limit that only a run that waits, not a busy machine,
 * reaches it.
 *
 * Limits that stick: once a run is over a limit, the count hook fires on every
 * instruction and raises again, and the sandbox's own pcall and xpcall re-raise
 * instead of returning false. xpcall's handler runs after the error unwound, as an
 * ordinary call under the hook (Lua runs a message handler with hooks off when the
 * error came from a hook, which would let `xpcall(f, function() while true do end
 * end)` run forever). No message handler is installed for the run itself, so no
 * metamethod runs outside a budget.
 *
 * Known limits:
 *  - __gc and __mode are refused by setmetatable: finalizers may run outside any
 *    budgeted run, and what a weak table holds depends on when the collector ran,
 *    which would make a rule's result depend on earlier pages;
 *  - C functions other than the pattern functions (string.rep, table.concat,
 *    table.sort without a comparator) are linear or n log n in their input, which
 *    the memory cap bounds; the deadline is checked when they return. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>
#include "lua_date.h"
#include "lua_pattern.h"
#include "sandbox.h"
#include "slab.h"

/* Coarse on purpose: the hook costs a C call (and a clock read) per step. */
#define HOOK_STEP 10000
#define WALL_FACTOR 10

struct sandbox {
    lua_State *L;
    size_t used;            /* bytes Lua holds now */
    size_t baseline;        /* `used` at sandbox_run_begin */
    size_t max_memory;      /* per run; 0 = no cap */
    int running;            /* inside sandbox_pcall: limits apply */
    long long max_instructions;
    long long count;
    long time_ms;           /* per run; <= 0 = no deadline */
    int timed;              /* the run has a time limit */
    long long deadline_ns;  /* thread CPU time; 0 = not armed yet (time_is_up) */
    long long wall_deadline_ns;   /* before this wall time the CPU limit cannot
                                     have passed */
    long long wall_backstop_ns;   /* past this wall time the run is over anyway */
    int hit;                /* SANDBOX_HIT_*: once set, the run is dead */
    char *const *mod_names;
    char *const *mod_sources;
    const size_t *mod_lens;
    size_t mod_count;
    const unsigned char *mod_shipped;   /* NULL = none ships with provcheck */
    int keep_slot;                      /* sandbox_keep_modules */
    slab slab;                          /* the state's small blocks */
};

static const char *const LIBS[] = {"string", "table", "math", "utf8", NULL};
static const char *const SAFE_BASE[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
    "select", "getmetatable", "tonumber", "tostring", "type", "_VERSION", NULL};

/* registry keys (their addresses) */
static const char KEY_BASE = 'b';      /* the frozen base table */
static const char KEY_ENVMT = 'e';     /* metatable of every environment */
static const char KEY_LOADED = 'l';    /* this run's module cache, or false */
static const char KEY_COMPILED = 'c';  /* module name -> compiled chunk */
static const char KEY_KEPT = 'k';      /* rule slot -> { module name -> shipped module,
                                          &KEY_INSTANCE -> the rule's own instance } */
static const char KEY_INSTANCE = 'i';
static const char PROXY_MARK = 'p';    /* key set in every proxy's metatable */

/* The thread's CPU time, not the wall clock: on a loaded machine (a CI runner,
   -j above the CPU count) a wall-clock limit would stop a rule on one run and
   not on the next, and the report must be the same bytes every time. CPU time
   still bounds every kind of work a rule can cause, in Lua or in C. */
static long long cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* From now on every instruction raises: nothing in the run can carry on. Safe to
   call from the allocator (lua_sethook only sets fields). */
static void kill_run(sandbox *sb, int hit)
{
    if (sb->hit == SANDBOX_HIT_NONE)
        sb->hit = hit;
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
}

/* Small blocks come from the state's slab (slab.h); under AddressSanitizer every
   block is malloc's, so that a use after free inside Lua is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define USE_SLAB 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_SLAB 0
#endif
#endif
#ifndef USE_SLAB
#define USE_SLAB 1
#endif

static void block_free(sandbox *sb, void *ptr, size_t size)
{
    if (USE_SLAB && size <= SLAB_MAX)
        slab_free(&sb->slab, ptr, size);
    else
        free(ptr);
}

/* realloc for blocks whose size the caller knows (old is 0 for a new block). */
static void *block_resize(sandbox *sb, void *ptr, size_t old, size_t nsize)
{
    if (!USE_SLAB || (old > SLAB_MAX && nsize > SLAB_MAX))
        return realloc(ptr, nsize);
    if (ptr && old <= SLAB_MAX && nsize <= SLAB_MAX && slab_same_class(old, nsize))
        return ptr;
    void *np = nsize <= SLAB_MAX ? slab_alloc(&sb->slab, nsize) : malloc(nsize);
    if (!np || !ptr)
        return np;
    memcpy(np, ptr, old < nsize ? old : nsize);
    block_free(sb, ptr, old);
    return np;
}

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    /* with ptr NULL, osize is a type tag, not a size */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (ptr)
            block_free(sb, ptr, old);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->running && sb->max_memory &&
        sb->used + (nsize - old) > sb->baseline + sb->max_memory) {
        if (sb->L)
            kill_run(sb, SANDBOX_HIT_MEMORY);
        return NULL;
    }
    void *np = block_resize(sb, ptr, old, nsize);
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

static const char *hit_message(int hit)
{
    switch (hit) {
    case SANDBOX_HIT_INSTRUCTIONS: return SANDBOX_MSG_INSTRUCTIONS;
    case SANDBOX_HIT_MEMORY: return SANDBOX_MSG_MEMORY;
    case SANDBOX_HIT_TIME: return SANDBOX_MSG_TIME;
    default: return "limit exceeded";
    }
}

static int raise_dead(lua_State *L, sandbox *sb)
{
    kill_run(sb, sb->hit);
    lua_pushstring(L, hit_message(sb->hit));   /* may itself fail: still an error */
    return lua_error(L);
}

/* The CPU clock is a system call (no vDSO for it), a noticeable cost for each of
   a page's rule runs, so it is not read when a run begins: only once the run has
   taken limits.time_ms of wall time, and the CPU time counts from then. A run that
   computes is stopped after between one and two times the limit of CPU time (what
   it used before is at most the wall time); a busy machine delays that, never
   brings it forward. */
static int time_is_up(sandbox *sb)
{
    long long wall = wall_ns();
    if (wall <= sb->wall_deadline_ns)
        return 0;
    if (wall > sb->wall_backstop_ns)
        return 1;
    if (!sb->deadline_ns) {
        sb->deadline_ns = cpu_ns() + (long long)sb->time_ms * 1000000LL;
        return 0;
    }
    return cpu_ns() > sb->deadline_ns;
}

static int over_budget(sandbox *sb)
{
    if (sb->max_instructions > 0 && sb->count > sb->max_instructions)
        return SANDBOX_HIT_INSTRUCTIONS;
    if (sb->timed && time_is_up(sb))
        return SANDBOX_HIT_TIME;
    return SANDBOX_HIT_NONE;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    sandbox *sb = sandbox_of(L);
    if (!sb->running)
        return;
    if (sb->hit == SANDBOX_HIT_NONE) {
        sb->count += HOOK_STEP;
        int hit = over_budget(sb);
        if (hit == SANDBOX_HIT_NONE)
            return;
        sb->hit = hit;
    }
    raise_dead(L, sb);
}

void sandbox_charge(lua_State *L, long long work)
{
    sandbox *sb = sandbox_of(L);
    if (!sb->running)
        return;
    if (sb->hit == SANDBOX_HIT_NONE) {
        sb->count += work;
        sb->hit = over_budget(sb);
        if (sb->hit == SANDBOX_HIT_NONE)
            return;
    }
    raise_dead(L, sb);
}

/* pcall(f, ...): Lua's, except that a limit hit is not caught. */
static int sandboxed_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    sandbox *sb = sandbox_of(L);
    if (sb->hit != SANDBOX_HIT_NONE)
        return raise_dead(L, sb);
    if (status != LUA_OK) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return lua_gettop(L);
}

/* xpcall(f, handler, ...): the handler is called with the error object after the
   error unwound, as an ordinary budgeted call; its first result is returned after
   false (or, when it fails itself, its error). A limit hit is not caught. */
static int sandboxed_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1);        /* [f, h, args..., f] */
    lua_copy(L, 2, 1);          /* [h, h, args..., f] */
    lua_replace(L, 2);          /* [h, f, args...] */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 0);
    sandbox *sb = sandbox_of(L);
    if (sb->hit != SANDBOX_HIT_NONE)
        return raise_dead(L, sb);
    if (status == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_replace(L, 1);
        return lua_gettop(L);
    }
    lua_pcall(L, 1, 1, 0);      /* [h, err] -> [result or the handler's error] */
    if (sb->hit != SANDBOX_HIT_NONE)
        return raise_dead(L, sb);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/* setmetatable without finalizers or weak tables (see the file comment). Lua only
   honours a __gc present when the metatable is set, so checking here is enough;
   __mode is refused the same way. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in rules");
        lua_pushliteral(L, "__mode");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "weak tables (__mode) are not allowed in rules");
        lua_pop(L, 2);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int is_proxy(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return 0;
    int marked = lua_rawgetp(L, -1, &PROXY_MARK) != LUA_TNIL;
    lua_pop(L, 2);
    return marked;
}

/* rawset(t, k, v): Lua's, except on a read-only proxy, which other chunks share. */
static int safe_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_proxy(L, 1))
        return luaL_error(L, "attempt to modify a read-only table");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* [-0, +1] tostring without addresses: Lua's "table: 0x55d0..." differs from run
   to run, and a rule that put one in a message would make the report differ. A
   __tostring is honoured (it runs inside the budgeted run); a table, function
   or userdata without one is its __name or type name. */
static void push_plain_tostring(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    int t = lua_type(L, idx);
    if (t == LUA_TNIL || t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING) {
        luaL_tolstring(L, idx, NULL);
        return;
    }
    int field = luaL_getmetafield(L, idx, "__tostring");   /* pushes only when found */
    if (field != LUA_TNIL) {
        lua_pop(L, 1);
        luaL_tolstring(L, idx, NULL);
        return;
    }
    field = luaL_getmetafield(L, idx, "__name");
    if (field == LUA_TSTRING)
        return;
    if (field != LUA_TNIL)
        lua_pop(L, 1);
    lua_pushstring(L, lua_typename(L, t));
}

static int plain_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    push_plain_tostring(L, 1);
    return 1;
}

/* string.format without %p, and with %s of a table, function or userdata given
   as plain_tostring gives it: no address reaches a message. */
static int plain_format(lua_State *L)
{
    size_t len = 0;
    const char *fmt = luaL_checklstring(L, 1, &len);
    int arg = 1;
    for (size_t i = 0; i < len; i++) {
        if (fmt[i] != '%')
            continue;
        if (++i < len && fmt[i] == '%')
            continue;
        while (i < len && strchr("-+ #0123456789.", fmt[i]))
            i++;
        if (i >= len)
            break;
        arg++;
        if (fmt[i] == 'p')
            return luaL_error(L, "string.format: %%p is not available in rules");
        int t = lua_type(L, arg);
        if (fmt[i] == 's' && t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TNONE) {
            push_plain_tostring(L, arg);
            lua_replace(L, arg);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
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

/* The iterator of a proxy's pairs: the real table is its upvalue, never the
   iteration state, so it is never handed to the rule. */
static int proxy_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int proxy_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));   /* the iterator */
    lua_pushvalue(L, 1);                     /* the proxy as the state */
    lua_pushnil(L);
    return 3;
}

/* [-0, +1] The metatable that makes a proxy read the table at idx. */
static void push_readonly_mt(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 6);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, proxy_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, proxy_next, 1);
    lua_pushcclosure(L, proxy_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_rawsetp(L, -2, &PROXY_MARK);
}

void sandbox_push_readonly(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 0);
    push_readonly_mt(L, idx);
    lua_setmetatable(L, -2);
}

/* The error object as a malloc'd string, without running any metamethod. */
static char *error_message(lua_State *L, int idx)
{
    size_t len = 0;
    const char *s = NULL;
    char tmp[80];
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        s = lua_tolstring(L, idx, &len);
    } else if (t == LUA_TNIL) {
        s = "(no message)";
        len = strlen(s);
    } else {
        snprintf(tmp, sizeof tmp, "(error object is a %s value)", lua_typename(L, t));
        s = tmp;
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

/* [-0, +1] The slot table of KEY_KEPT for the current rule, made when absent. */
static void push_kept_slot(sandbox *sb)
{
    lua_State *L = sb->L;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_KEPT);
    if (lua_rawgeti(L, -1, sb->keep_slot) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, sb->keep_slot);
    }
    lua_remove(L, -2);
}

/* [-(nargs+1), +1] lua_pcall(nargs, 1) with no limit counting: what the call
   keeps allocated stays out of the current run's memory too. For code run once
   per worker and kept, so that a budget is the same on every page. */
static int pcall_outside_limits(sandbox *sb, int nargs)
{
    int was_running = sb->running;
    size_t used_before = sb->used;
    sb->running = 0;
    int rc = lua_pcall(sb->L, nargs, 1, 0);
    sb->running = was_running;
    if (was_running && sb->used > used_before)   /* once, at the outermost */
        sb->baseline += sb->used - used_before;
    return rc;
}

/* require(name): the ruleset's helper modules only, each run once per run (the
   cache is new for every run, so a module's tables belong to the rule that
   required it, on this page only) in its own environment. Compiled once. A
   shipped module required by a shipped rule is kept for that rule across pages
   (sandbox_keep_modules): it keeps no state, and running it again on every page
   was a tenth of the time with every pack on. */
static int sandboxed_require(lua_State *L)
{
    sandbox *sb = sandbox_of(L);
    const char *name = luaL_checkstring(L, 1);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_LOADED) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_LOADED);
    }
    int loaded = lua_gettop(L);
    int t = lua_getfield(L, loaded, name);
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        return luaL_error(L, "module '%s' requires itself (a require loop)", name);
    if (t != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    int m = find_module(sb, name);
    if (m < 0)
        return luaL_error(L, "module '%s' not found (only the ruleset's helper "
                             "modules can be required)", name);
    int kept = 0;   /* stack index of this rule's kept modules, when m is kept */
    if (sb->keep_slot > 0 && sb->mod_shipped && sb->mod_shipped[m]) {
        push_kept_slot(sb);
        kept = lua_gettop(L);
        if (lua_getfield(L, kept, name) != LUA_TNIL) {
            lua_pushvalue(L, -1);
            lua_setfield(L, loaded, name);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);          /* loading marker */
    lua_setfield(L, loaded, name);
    /* compiled once per state, run anew (with a fresh environment) per run */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_COMPILED);
    if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        lua_pushfstring(L, "@%s.lua", sb->mod_names[m]);
        const char *chunk = lua_tostring(L, -1);
        if (luaL_loadbufferx(L, sb->mod_sources[m], sb->mod_lens[m], chunk, "t") != LUA_OK) {
            lua_pushnil(L);
            lua_setfield(L, loaded, name);
            return lua_error(L);
        }
        lua_remove(L, -2);          /* the chunk name */
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, name);
    }
    lua_remove(L, -2);              /* the compiled table */
    sandbox_fresh_env(L, -1);
    lua_pushstring(L, name);
    if (kept) {
        /* run once for this rule and worker: outside its limits (see the header) */
        if (pcall_outside_limits(sb, 1) != LUA_OK) {
            lua_pushnil(L);
            lua_setfield(L, loaded, name);
            return lua_error(L);
        }
    } else {
        lua_call(L, 1, 1);
    }
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, loaded, name);
    if (kept) {
        lua_pushvalue(L, -1);
        lua_setfield(L, kept, name);
    }
    return 1;
}

void sandbox_push_env(sandbox *sb)
{
    lua_State *L = sb->L;
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, sandboxed_load, 1);
    lua_setfield(L, -2, "load");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_ENVMT);
    lua_setmetatable(L, -2);
}

void sandbox_fresh_env(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    sandbox_push_env(sandbox_of(L));
    set_env_upvalue(L, idx, -1);
    lua_pop(L, 1);
}

/* __newindex of a kept instance's environment. */
static int kept_global_set(lua_State *L)
{
    return luaL_error(L, "a rule kept across pages cannot set the global '%s' (it "
                         "would carry state from one page to the next)",
                      lua_tostring(L, 2) ? lua_tostring(L, 2) : "?");
}

int sandbox_push_instance(lua_State *L, int chunk_idx)
{
    sandbox *sb = sandbox_of(L);
    chunk_idx = lua_absindex(L, chunk_idx);
    if (sb->keep_slot <= 0) {
        sandbox_fresh_env(L, chunk_idx);
        lua_pushvalue(L, chunk_idx);
        lua_call(L, 0, 1);
        return 1;
    }
    push_kept_slot(sb);
    if (lua_rawgetp(L, -1, &KEY_INSTANCE) != LUA_TNIL) {
        lua_remove(L, -2);
        return 1;
    }
    lua_pop(L, 1);
    int slot = lua_gettop(L);
    sandbox_push_env(sb);
    int env = lua_gettop(L);
    set_env_upvalue(L, chunk_idx, env);
    lua_pushvalue(L, chunk_idx);
    if (pcall_outside_limits(sb, 0) != LUA_OK)
        return lua_error(L);
    /* its top level has run: from now on a global set would outlive the page */
    lua_createtable(L, 0, 3);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &KEY_BASE);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, kept_global_set);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, slot, &KEY_INSTANCE);
    lua_replace(L, slot);
    lua_settop(L, slot);
    return 1;
}

/* [-0, +0] Keep Lua's base function `name` as upvalue 1 of fn, under the same
   name in the table at -1. */
static void wrap_base(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getglobal(L, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
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
    static const lua_pattern_budget budget = {sandbox_charge};
    lua_pattern_install(L, lua_gettop(L), &budget);
    lua_getfield(L, -1, "format");
    lua_pushcclosure(L, plain_format, 1);
    lua_setfield(L, -2, "format");
    /* hide the string metatable: getmetatable("") gives false */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 3);

    lua_createtable(L, 0, 28);   /* the frozen base */
    for (int i = 0; SAFE_BASE[i]; i++) {
        lua_getglobal(L, SAFE_BASE[i]);
        lua_setfield(L, -2, SAFE_BASE[i]);
    }
    wrap_base(L, "setmetatable", safe_setmetatable);
    wrap_base(L, "rawset", safe_rawset);
    lua_pushcfunction(L, plain_tostring);
    lua_setfield(L, -2, "tostring");
    lua_pushcfunction(L, sandboxed_pcall);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, sandboxed_xpcall);
    lua_setfield(L, -2, "xpcall");
    lua_pushcfunction(L, print_disabled);
    lua_setfield(L, -2, "print");
    lua_pushcfunction(L, sandboxed_require);
    lua_setfield(L, -2, "require");
    for (int i = 0; LIBS[i]; i++) {
        lua_getglobal(L, LIBS[i]);
        sandbox_push_readonly(L, -1);
        lua_setfield(L, -3, LIBS[i]);
        lua_pop(L, 1);
    }
    lua_date_push(L);            /* dates without os.*: datetime.h */
    sandbox_push_readonly(L, -1);
    lua_setfield(L, -3, "date");
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);    /* every environment's metatable */
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_ENVMT);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_BASE);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_COMPILED);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_KEPT);
    lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &KEY_LOADED);
    return 0;
}

sandbox *sandbox_new(long long max_instructions, size_t max_memory)
{
    sandbox *sb = calloc(1, sizeof *sb);
    if (!sb)
        return NULL;
    sb->max_instructions = max_instructions;
    sb->max_memory = max_memory;
    sb->time_ms = SANDBOX_DEFAULT_TIME_MS;
    sb->L = lua_newstate(sandbox_alloc, sb);
    if (!sb->L) {
        slab_release(&sb->slab);
        free(sb);
        return NULL;
    }
    lua_pushcfunction(sb->L, sandbox_setup);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        sandbox_free(sb);
        return NULL;
    }
    return sb;
}

void sandbox_free(sandbox *sb)
{
    if (!sb)
        return;
    lua_close(sb->L);
    slab_release(&sb->slab);
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
    sb->mod_shipped = NULL;
    lua_newtable(sb->L);            /* other modules: forget what was compiled */
    lua_rawsetp(sb->L, LUA_REGISTRYINDEX, &KEY_COMPILED);
    lua_newtable(sb->L);            /* and what was kept */
    lua_rawsetp(sb->L, LUA_REGISTRYINDEX, &KEY_KEPT);
}

void sandbox_set_module_shipped(sandbox *sb, const unsigned char *shipped)
{
    sb->mod_shipped = shipped;
}

void sandbox_keep_modules(sandbox *sb, int slot)
{
    sb->keep_slot = slot;
}

void sandbox_set_limits(sandbox *sb, long long max_instructions, size_t max_memory)
{
    sb->max_instructions = max_instructions;
    sb->max_memory = max_memory;
}

void sandbox_set_time_limit(sandbox *sb, long time_ms)
{
    sb->time_ms = time_ms;
}

size_t sandbox_memory_used(const sandbox *sb)
{
    return sb->used;
}

/* [-0, +0, m] Compile and give the chunk a fresh environment: protected, so an
   allocation failure is an error and not an abort. */
typedef struct load_args {
    const char *text;
    size_t len;
    const char *chunkname;
    int status;
} load_args;

static int load_protected(lua_State *L)
{
    load_args *a = lua_touserdata(L, 1);
    a->status = luaL_loadbufferx(L, a->text, a->len, a->chunkname, "t");
    if (a->status == LUA_OK)
        sandbox_fresh_env(L, -1);
    return 1;
}

int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname,
                 char **msg_out)
{
    lua_State *L = sb->L;
    *msg_out = NULL;
    load_args a = {text, len, chunkname, LUA_ERRMEM};
    lua_pushcfunction(L, load_protected);
    lua_pushlightuserdata(L, &a);
    int rc = lua_pcall(L, 1, 1, 0);
    if (rc != LUA_OK || a.status != LUA_OK) {
        *msg_out = error_message(L, -1);
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

void sandbox_run_begin(sandbox *sb)
{
    sb->count = 0;
    sb->hit = SANDBOX_HIT_NONE;
    sb->baseline = sb->used;
    long long limit_ns = (long long)sb->time_ms * 1000000LL;
    sb->timed = sb->time_ms > 0;
    sb->deadline_ns = 0;
    long long wall = sb->time_ms > 0 ? wall_ns() : 0;
    sb->wall_deadline_ns = wall + limit_ns;
    sb->wall_backstop_ns = wall + WALL_FACTOR * limit_ns;
    /* false, not nil: the registry slot stays, so this never allocates */
    lua_pushboolean(sb->L, 0);
    lua_rawsetp(sb->L, LUA_REGISTRYINDEX, &KEY_LOADED);
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
}

int sandbox_pcall(sandbox *sb, int nargs, int nresults, char **msg_out)
{
    lua_State *L = sb->L;
    *msg_out = NULL;
    int base = lua_gettop(L) - nargs;   /* the function's slot */
    sb->running = 1;
    int rc = lua_pcall(L, nargs, nresults, 0);
    sb->running = 0;
    /* C-side work after the last hook (a long pattern, a big sort) still counts */
    if (sb->hit == SANDBOX_HIT_NONE && sb->timed && time_is_up(sb))
        sb->hit = SANDBOX_HIT_TIME;
    lua_sethook(L, NULL, 0, 0);
    if (rc == LUA_OK && sb->hit == SANDBOX_HIT_NONE)
        return 0;
    if (sb->hit != SANDBOX_HIT_NONE)
        *msg_out = strdup(hit_message(sb->hit));
    else
        *msg_out = error_message(L, -1);
    lua_settop(L, base - 1);   /* results or message */
    if (sb->hit == SANDBOX_HIT_MEMORY)
        lua_gc(L, LUA_GCCOLLECT);
    return -1;
}

typedef struct cpcall_args {
    lua_CFunction fn;
    void *ud;
} cpcall_args;

static int cpcall_trampoline(lua_State *L)
{
    cpcall_args *a = lua_touserdata(L, 1);
    lua_pushlightuserdata(L, a->ud);
    lua_replace(L, 1);
    return a->fn(L);
}

int sandbox_cpcall(sandbox *sb, lua_CFunction fn, void *ud, int idx, char **msg_out)
{
    lua_State *L = sb->L;
    idx = lua_absindex(L, idx);
    cpcall_args a = {fn, ud};
    lua_pushcfunction(L, cpcall_trampoline);
    lua_pushlightuserdata(L, &a);
    lua_pushvalue(L, idx);
    return sandbox_pcall(sb, 2, 0, msg_out);
}

int sandbox_limit_hit(const sandbox *sb)
{
    return sb->hit;
}
