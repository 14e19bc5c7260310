/* cfgval_lua.h: cfgval trees to and from Lua values.
 *
 * Plain C values cross threads; Lua values never do. Options and JSON-LD are held
 * as cfgval and pushed into each worker's state; provcheck.lua's result is read
 * back into cfgval. Maps become tables with string keys, lists sequences. */
#ifndef PROVCHECK_CFGVAL_LUA_H
#define PROVCHECK_CFGVAL_LUA_H
#include <lua.h>
#include "cfgval.h"

/* [-0, +1, m] Push v (NULL pushes nil) as fresh Lua values. */
void cfgval_lua_push(lua_State *L, const cfgval *v);
/* [-0, +1, m] Same, but every table is a read-only proxy (sandbox.h), all the way
 * down: for options shared by every page a rule sees. */
void cfgval_lua_push_readonly(lua_State *L, const cfgval *v);

/* Read the Lua value at idx into a new tree. Tables with only the keys 1..n are
 * lists (an empty table is an empty list), tables with only string keys are maps
 * (keys sorted); anything else (functions, mixed tables, cycles, nesting deeper
 * than 32, more than 1,000,000 values or 64 MiB of strings in all, which a table
 * reachable many times over could otherwise multiply) is refused. Reads are raw:
 * no metamethod runs, and nothing is allocated in L. 0, or -1 with *err_out a malloc'd message naming where the
 * bad value is, relative to `what` ("rules.privacy-link.patterns: ..."). */
int cfgval_lua_read(lua_State *L, int idx, const char *what, cfgval **out,
                    char **err_out);

#endif
