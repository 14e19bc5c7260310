/* sandbox.h: a lua_State fit for untrusted rule and config code.
 *
 * Provides: a state with only safe base functions, string (no dump), table, math
 * and utf8; a per-chunk environment; a `require` that sees only the ruleset's
 * helper modules; a memory cap (own allocator) and an instruction budget (count
 * hook), both per run: sandbox_run_begin() resets them before each rule on each
 * page. A limit hit is a clean error ("instruction limit exceeded", "memory limit
 * exceeded") and the state stays usable.
 *
 * Uses: Lua 5.4 public API only. One sandbox belongs to one thread. */
#ifndef PROVCHECK_SANDBOX_H
#define PROVCHECK_SANDBOX_H
#include <stddef.h>
#include <lua.h>

#define SANDBOX_MSG_INSTRUCTIONS "instruction limit exceeded"
#define SANDBOX_MSG_MEMORY "memory limit exceeded"

typedef struct sandbox sandbox;

/* A new sandbox. max_instructions and max_memory are the per-run budgets (<= 0 /
 * 0: unlimited). NULL only when out of memory. */
sandbox *sandbox_new(long long max_instructions, size_t max_memory);
void sandbox_free(sandbox *sb);
lua_State *sandbox_state(sandbox *sb);

/* The helper modules require() may load (borrowed arrays; must outlive the
 * sandbox). Names are dotted ("lib.text"). */
void sandbox_set_modules(sandbox *sb, char *const *names, char *const *sources,
                         const size_t *lens, size_t count);

/* [-0, +1] Push a fresh environment table: the safe globals, read-only library
 * tables, require and a text-only load bound to this environment. */
void sandbox_push_env(sandbox *sb);

/* [-0, +1] Compile text (never bytecode) with a fresh environment as _ENV. On
 * success pushes the function and returns 0; on a syntax error pushes nothing,
 * returns -1 and *msg_out is a malloc'd "chunk:line: message". */
int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname,
                 char **msg_out);

/* Start a budgeted run: the instruction counter goes to zero and the memory
 * baseline to what is allocated now. */
void sandbox_run_begin(sandbox *sb);

/* [-(nargs+1), +nresults] lua_pcall under the budget (call sandbox_run_begin
 * first). 0, or -1 with *msg_out a malloc'd message (stack has no results then):
 * SANDBOX_MSG_INSTRUCTIONS / SANDBOX_MSG_MEMORY when a limit was hit, whatever the
 * code did with the error. A full GC runs after a memory hit. */
int sandbox_pcall(sandbox *sb, int nargs, int nresults, char **msg_out);

/* Which limit the last sandbox_pcall hit: 0 none, 1 instructions, 2 memory. */
int sandbox_limit_hit(const sandbox *sb);

/* [-0, +1] A read-only proxy of the table at idx (reads, #, pairs and ipairs go
 * through; writes raise; getmetatable gives false). One level deep. */
void sandbox_push_readonly(lua_State *L, int idx);

/* Budgets can be changed between runs (e.g. a smaller one for loading). */
void sandbox_set_limits(sandbox *sb, long long max_instructions, size_t max_memory);

#endif
