/* lua_pattern.h: string.find, string.match, string.gmatch and string.gsub for the
 * sandbox, with Lua 5.4's pattern language and results, and a matcher whose work
 * is bounded: every matcher step counts against the run's instruction budget and
 * the deadline is checked as it goes (the budget's charge function), so a pattern that
 * backtracks without end (`("a"):rep(2e4):find(("a-"):rep(12) .. "b")`) becomes a
 * limit error instead of a hang inside one C call.
 *
 * Uses: Lua 5.4 public API, lauxlib. The sandbox hands in its charge function, so
 * the matcher does not call back into sandbox.c (which installs it). */
#ifndef PROVCHECK_LUA_PATTERN_H
#define PROVCHECK_LUA_PATTERN_H
#include <lua.h>

/* Matcher steps charged as one instruction each, in batches of this many. */
#define LUA_PATTERN_CHARGE_BATCH 1024

/* What a matcher's work is charged to: charge(L, work) counts `work` instructions
 * against the run's budget and raises the limit error when it is exceeded. */
typedef struct lua_pattern_budget {
    void (*charge)(lua_State *L, long long work);
} lua_pattern_budget;

/* Replace find, match, gmatch and gsub in the string library table at idx;
 * budget must outlive the state (a static one, typically). */
void lua_pattern_install(lua_State *L, int idx, const lua_pattern_budget *budget);

#endif
