/* sandbox.h: a lua_State fit for untrusted rule and config code.
 *
 * Provides: a state with only safe base functions, string (no dump), table, math
 * and utf8; a fresh environment per chunk run (its globals are its own; the safe
 * functions and read-only library proxies come from a frozen base); a `require`
 * that sees only the ruleset's helper modules, with a module cache that is new for
 * every run; three budgets per run: instructions (count hook), a deadline on the
 * thread's CPU time (checked from the count hook, by C-side work that charges
 * itself with sandbox_charge, and when the run returns) and memory (own
 * allocator). sandbox_run_begin() resets them
 * before each rule on each page. A limit hit is a clean error ("instruction limit
 * exceeded", "time limit exceeded", "memory limit exceeded") that no pcall, xpcall,
 * message handler or __close inside the run can swallow, and the state stays
 * usable for the next run.
 *
 * Uses: Lua 5.4 public API only. One sandbox belongs to one thread. */
#ifndef PROVCHECK_SANDBOX_H
#define PROVCHECK_SANDBOX_H
#include <stddef.h>
#include <lua.h>

#define SANDBOX_MSG_INSTRUCTIONS "instruction limit exceeded"
#define SANDBOX_MSG_MEMORY "memory limit exceeded"
#define SANDBOX_MSG_TIME "time limit exceeded"
/* The deadline of a run when nobody sets one (rule metadata, plugin manifests). */
#define SANDBOX_DEFAULT_TIME_MS 5000L

enum { SANDBOX_HIT_NONE = 0, SANDBOX_HIT_INSTRUCTIONS = 1, SANDBOX_HIT_MEMORY = 2,
       SANDBOX_HIT_TIME = 3 };

typedef struct sandbox sandbox;

/* A new sandbox. max_instructions and max_memory are the per-run budgets (<= 0 /
 * 0: unlimited); the deadline is SANDBOX_DEFAULT_TIME_MS. NULL only when out of
 * memory. */
sandbox *sandbox_new(long long max_instructions, size_t max_memory);
void sandbox_free(sandbox *sb);
lua_State *sandbox_state(sandbox *sb);

/* The helper modules require() may load (borrowed arrays; must outlive the
 * sandbox). Names are dotted ("lib.text"). */
void sandbox_set_modules(sandbox *sb, char *const *names, char *const *sources,
                         const size_t *lens, size_t count);

/* Which of those modules ship with provcheck (borrowed, parallel to the names;
 * NULL = none). Such a module keeps no state, so a rule whose code also ships
 * with provcheck (sandbox_keep_modules) runs it once per worker, not once per
 * page. */
void sandbox_set_module_shipped(sandbox *sb, const unsigned char *shipped);
/* Until set otherwise: require() of a shipped module keeps its instance for the
 * rule `slot` (> 0; 0 = run every module anew, as for a site's own rules). The
 * first run of such a module counts against no limit, so a rule's budget is the
 * same on every page whichever worker ran it first. */
void sandbox_keep_modules(sandbox *sb, int slot);
/* [-0, +1] (inside a run) An instance of the rule file compiled as the function at
 * chunk_idx: what running it returns. With no slot kept (sandbox_keep_modules) a
 * new one each call, the file run with a fresh environment under the run's
 * limits. With a slot, the slot's instance, made on its first call outside the
 * limits; its environment then refuses new globals, which would carry state from
 * page to page. Errors are raised. */
int sandbox_push_instance(lua_State *L, int chunk_idx);

/* [-0, +1] Push a fresh environment table: its own _G and a text-only load bound
 * to it; everything else (safe functions, read-only library proxies, require)
 * is read through a protected metatable from the frozen base. */
void sandbox_push_env(sandbox *sb);
/* [-0, +0, m] Give the chunk function at idx a fresh environment as _ENV. Running
 * the same compiled chunk again after this makes a new instance of it (new locals,
 * upvalues and tables) without compiling it again. */
void sandbox_fresh_env(lua_State *L, int idx);

/* [-0, +1] Compile text (never bytecode) with a fresh environment as _ENV. On
 * success pushes the function and returns 0; on a syntax error pushes nothing,
 * returns -1 and *msg_out is a malloc'd "chunk:line: message". */
int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname,
                 char **msg_out);

/* Start a budgeted run: the instruction counter goes to zero, the deadline to now
 * plus the time limit, the memory baseline to what is allocated now, and
 * require() starts from an empty module cache. */
void sandbox_run_begin(sandbox *sb);

/* [-(nargs+1), +nresults] lua_pcall under the budget (call sandbox_run_begin
 * first). 0, or -1 with *msg_out a malloc'd message (stack has no results then):
 * SANDBOX_MSG_* when a limit was hit, whatever the code did with the error. No
 * metamethod of the error object runs. A full GC runs after a memory hit. */
int sandbox_pcall(sandbox *sb, int nargs, int nresults, char **msg_out);

/* [-0, +0] Run fn(ud, value at idx) protected, under the current run's budget (for
 * C code that reads values a chunk returned: an allocation failure or a limit is
 * an error, never an abort). 0, or -1 with *msg_out as sandbox_pcall. */
int sandbox_cpcall(sandbox *sb, lua_CFunction fn, void *ud, int idx, char **msg_out);

/* Which limit the last run hit: SANDBOX_HIT_*. */
int sandbox_limit_hit(const sandbox *sb);

/* For C functions called by a chunk: count `work` steps of C-side work against the
 * instruction budget and check the deadline; raises the limit error (and makes it
 * stick for the rest of the run) when one is exceeded. Outside a run it does
 * nothing. */
void sandbox_charge(lua_State *L, long long work);

/* [-0, +1] A read-only proxy of the table at idx (reads, #, pairs and ipairs go
 * through; writes and rawset raise; getmetatable gives false; pairs, next and
 * rawget never hand out the table itself). One level deep: values are handed out
 * as they are. */
void sandbox_push_readonly(lua_State *L, int idx);

/* Budgets can be changed between runs (e.g. a smaller one for loading). */
void sandbox_set_limits(sandbox *sb, long long max_instructions, size_t max_memory);
/* The deadline of each run, in milliseconds of the thread's CPU time (<= 0:
 * none). */
void sandbox_set_time_limit(sandbox *sb, long time_ms);

/* Bytes Lua holds now (garbage included). */
size_t sandbox_memory_used(const sandbox *sb);

#endif
