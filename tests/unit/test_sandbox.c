/* test_sandbox.c: the rule sandbox: escapes refused, limits turned into clean
 * errors, and the state still usable after a limit hit. Real Lua VM throughout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "sandbox.h"

#define INSTRUCTIONS 2000000LL
#define MEMORY ((size_t)8 * 1024 * 1024)

static int setup(void **state)
{
    sandbox *sb = sandbox_new(INSTRUCTIONS, MEMORY);
    assert_non_null(sb);
    *state = sb;
    return 0;
}

static int teardown(void **state)
{
    sandbox_free(*state);
    return 0;
}

/* Run a chunk; 0 with its first result left as a string in *result_out (malloc'd,
   or NULL when not a string), or -1 with the error in *result_out. */
static int run(sandbox *sb, const char *code, char **result_out)
{
    char *msg = NULL;
    *result_out = NULL;
    if (sandbox_load(sb, code, strlen(code), "=test", &msg) < 0) {
        *result_out = msg;
        return -1;
    }
    sandbox_run_begin(sb);
    if (sandbox_pcall(sb, 0, 1, &msg) < 0) {
        *result_out = msg;
        return -1;
    }
    lua_State *L = sandbox_state(sb);
    if (lua_type(L, -1) == LUA_TSTRING)
        *result_out = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return 0;
}

static void expect_result(sandbox *sb, const char *code, const char *want)
{
    char *got = NULL;
    int rc = run(sb, code, &got);
    if (rc != 0 || !got || strcmp(got, want) != 0)
        fail_msg("chunk: %s\nwanted: %s\ngot (rc %d): %s", code, want, rc,
                 got ? got : "(null)");
    free(got);
}

static void expect_error(sandbox *sb, const char *code, const char *fragment)
{
    char *got = NULL;
    int rc = run(sb, code, &got);
    if (rc == 0 || !got || !strstr(got, fragment))
        fail_msg("chunk: %s\nwanted an error with: %s\ngot (rc %d): %s", code, fragment,
                 rc, got ? got : "(null)");
    free(got);
}

static void test_safe_functions_work(void **state)
{
    sandbox *sb = *state;
    expect_result(sb, "return string.upper('ab') .. ('x'):rep(3)", "ABxxx");
    expect_result(sb, "local t = {3,1,2}; table.sort(t); return table.concat(t, ',')",
                  "1,2,3");
    expect_result(sb, "return tostring(math.floor(2.5)) .. utf8.char(233)", "2\xc3\xa9");
    expect_result(sb, "local ok, e = pcall(error, 'boom'); return tostring(ok) .. e",
                  "falseboom");
    expect_result(sb, "local n = 0; for k in pairs(string) do n = n + 1 end; "
                      "return n > 10 and 'many' or 'few'", "many");
    expect_result(sb, "return type(print) .. tostring((print('x')))", "functionnil");
}

static void test_no_io_os_debug_package(void **state)
{
    sandbox *sb = *state;
    expect_result(sb, "return type(io) .. type(os) .. type(debug) .. type(package) .. "
                      "type(dofile) .. type(loadfile) .. type(collectgarbage)",
                  "nilnilnilnilnilnilnil");
    expect_error(sb, "io.open('/etc/passwd')", "io");
    expect_error(sb, "os.execute('true')", "os");
    expect_error(sb, "collectgarbage('stop')", "collectgarbage");
    expect_error(sb, "debug.sethook()", "debug");
}

static void test_no_bytecode(void **state)
{
    sandbox *sb = *state;
    expect_result(sb, "return type(string.dump)", "nil");
    /* a binary chunk, as string.dump would make one, is refused by load */
    expect_result(sb, "local f, e = load('\\27Lua\\84\\0'); return tostring(f) .. ':' .. "
                      "tostring(e ~= nil)", "nil:true");
    expect_result(sb, "local f, e = load('return 1', 'x', 'b'); return tostring(f)", "nil");
    /* text still loads, into the caller's environment */
    expect_result(sb, "answer = 'env'; return load('return answer')()", "env");
    expect_result(sb, "return load('return x', 'c', 't', { x = 'given' })()", "given");
}

static void test_require_only_modules(void **state)
{
    sandbox *sb = *state;
    expect_error(sb, "return require('os')", "not found");
    expect_error(sb, "return require('/etc/passwd')", "not found");
    static char name[] = "lib.greet";
    static char source[] = "local M = {}; function M.hi(n) return 'hi ' .. n end; return M";
    char *names[] = {name};
    char *sources[] = {source};
    size_t lens[] = {strlen(sources[0])};
    sandbox_set_modules(sb, names, sources, lens, 1);
    expect_result(sb, "return require('lib.greet').hi('there')", "hi there");
    /* every run has its own module instances: a change stays in that run */
    expect_result(sb, "local g = require('lib.greet'); g.hi = nil; "
                      "return tostring(require('lib.greet').hi)", "nil");
    expect_result(sb, "return require('lib.greet').hi('again')", "hi again");
    sandbox_set_modules(sb, NULL, NULL, NULL, 0);
}

static void test_shared_tables_protected(void **state)
{
    sandbox *sb = *state;
    expect_result(sb, "return tostring(getmetatable(''))", "false");
    expect_error(sb, "getmetatable('').__index.upper = nil", "index");
    expect_error(sb, "string.upper = function() return 'pwned' end", "read-only");
    expect_error(sb, "setmetatable(string, {})", "protected");
    /* the library proxies are shared: rawset refuses them */
    expect_error(sb, "rawset(string, 'upper', function() return 'pwned' end)", "read-only");
    expect_result(sb, "return string.upper('a') .. ('b'):upper()", "AB");
    /* no finalizers: they could run outside any budget */
    expect_error(sb, "setmetatable({}, { __gc = function() while true do end end })",
                 "__gc");
    expect_result(sb, "return getmetatable(setmetatable({}, { __index = { a = 'ok' } })).__index.a",
                  "ok");
    /* globals are per chunk */
    expect_result(sb, "leak = 'x'; return 'set'", "set");
    expect_result(sb, "return tostring(leak)", "nil");
}

static void test_instruction_limit(void **state)
{
    sandbox *sb = *state;
    expect_error(sb, "while true do end", SANDBOX_MSG_INSTRUCTIONS);
    assert_int_equal(sandbox_limit_hit(sb), 1);
    /* pcall inside the chunk cannot swallow it */
    expect_error(sb, "for i = 1, 100 do pcall(function() while true do end end) end "
                     "return 'escaped'", SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "local function f() return f() end return f()",
                 SANDBOX_MSG_INSTRUCTIONS);
    /* the budget is per run: a fresh run has it all again */
    expect_result(sb, "local n = 0; for i = 1, 100000 do n = n + i end; return tostring(n)",
                  "5000050000");
    assert_int_equal(sandbox_limit_hit(sb), 0);
}

static void test_memory_limit(void **state)
{
    sandbox *sb = *state;
    expect_error(sb, "return string.rep('x', 64 * 1024 * 1024)", SANDBOX_MSG_MEMORY);
    assert_int_equal(sandbox_limit_hit(sb), 2);
    expect_error(sb, "local t = {}; for i = 1, 1e8 do t[i] = {i} end",
                 SANDBOX_MSG_MEMORY);
    expect_error(sb, "local ok = pcall(string.rep, 'x', 1e9); return 'swallowed'",
                 SANDBOX_MSG_MEMORY);
    /* usable afterwards, with its full budget */
    expect_result(sb, "return tostring(#string.rep('y', 1024 * 1024))", "1048576");
}

static void test_syntax_error_names_line(void **state)
{
    sandbox *sb = *state;
    char *msg = NULL;
    const char *code = "local a = 1\nlocal b = = 2\n";
    assert_int_equal(sandbox_load(sb, code, strlen(code), "@rules/x.lua", &msg), -1);
    assert_non_null(strstr(msg, "rules/x.lua:2:"));
    free(msg);
    expect_error(sb, "local t = nil\nreturn t.x", "test:2:");
    expect_error(sb, "error({})", "error object is a table");
}

static void test_readonly_proxy(void **state)
{
    sandbox *sb = *state;
    lua_State *L = sandbox_state(sb);
    char *msg = NULL;
    const char *code = "local t = ...; local s = ''; for i, v in ipairs(t) do s = s .. v end; "
                       "local ok = pcall(function() t[1] = 'z' end); "
                       "return s .. #t .. tostring(ok)";
    assert_int_equal(sandbox_load(sb, code, strlen(code), "=ro", &msg), 0);
    lua_newtable(L);
    lua_pushliteral(L, "a");
    lua_rawseti(L, -2, 1);
    lua_pushliteral(L, "b");
    lua_rawseti(L, -2, 2);
    sandbox_push_readonly(L, -1);
    lua_remove(L, -2);
    sandbox_run_begin(sb);
    assert_int_equal(sandbox_pcall(sb, 1, 1, &msg), 0);
    assert_string_equal(lua_tostring(L, -1), "ab2false");
    lua_pop(L, 1);
}

/* pairs, next and rawget on a proxy never hand out the real table, so nothing
   a chunk does can change the string library for the next one. */
static void test_proxies_leak_nothing(void **state)
{
    sandbox *sb = *state;
    expect_error(sb, "local _, M = pairs(string); M.lower = function() return 'pwned' end",
                 "read-only");
    expect_error(sb, "local _, M = pairs(string); rawset(M, 'lower', print)", "read-only");
    expect_result(sb, "local f, s = pairs(math); local k = f(s, nil); "
                      "return tostring(rawequal(s, math)) .. tostring(k ~= nil)", "truetrue");
    expect_result(sb, "return tostring(next(string)) .. tostring(rawget(string, 'lower'))",
                  "nilnil");
    expect_result(sb, "return tostring(getmetatable(string)) .. tostring(getmetatable(_ENV))",
                  "falsefalse");
    expect_error(sb, "for k, v in pairs(string) do string[k] = nil end", "read-only");
    expect_result(sb, "return ('X'):lower() .. string.upper('y')", "xY");
}

/* Lua runs a message handler with hooks off when the error came from the count
   hook: the sandbox's xpcall runs it as an ordinary, budgeted call instead. */
static void test_handlers_and_close_are_budgeted(void **state)
{
    sandbox *sb = *state;
    expect_error(sb, "xpcall(function() while true do end end, function() while true do end end)",
                 SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "return xpcall(error, function() while true do end end, 'x')",
                 SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "local x <close> = setmetatable({}, { __close = function() "
                     "while true do end end }); while true do end", SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "for i = 1, 10 do xpcall(function() while true do end end, "
                     "function(e) return e end) end; return 'escaped'",
                 SANDBOX_MSG_INSTRUCTIONS);
    /* the error object's __tostring is never called */
    expect_error(sb, "error(setmetatable({}, { __tostring = function() while true do end end }))",
                 "error object is a table");
    /* handlers still work for ordinary errors */
    expect_result(sb, "local ok, v = xpcall(function(a) error(a .. '!', 0) end, "
                      "function(e) return 'handled ' .. e end, 'boom'); "
                      "return tostring(ok) .. ' ' .. v", "false handled boom!");
    expect_result(sb, "local ok, a, b = xpcall(function(x, y) return x + y, 'r' end, print, 2, 3); "
                      "return tostring(ok) .. a .. b", "true5r");
    expect_result(sb, "local ok, a, b = pcall(function(x) return x, 'q' end, 7); "
                      "return tostring(ok) .. a .. b", "true7q");
    /* no address reaches a string: it would differ from run to run */
    expect_result(sb, "return tostring({}) .. ' ' .. tostring(print) .. ' ' .. "
                      "string.format('%s|%5s|%d', {}, 'x', 3)", "table function table|    x|3");
    expect_result(sb, "return tostring(setmetatable({}, { __tostring = function() return 'T' end })) "
                      ".. tostring(setmetatable({}, { __name = 'N' })) .. tostring(nil) .. tostring(1.5)",
                  "TNnil1.5");
    expect_error(sb, "return string.format('%p', {})", "%p");
    expect_error(sb, "return ('%10p'):format('x')", "%p");
    expect_result(sb, "return ('%%p %s'):format(true)", "%p true");
    /* weak tables would let a result depend on when the collector ran */
    expect_error(sb, "setmetatable({}, { __mode = 'k' })", "__mode");
}

/* call_instance(chunk, method): sandbox_push_instance, then instance[method]() */
static int call_instance_l(lua_State *L)
{
    sandbox_push_instance(L, 1);
    lua_getfield(L, -1, lua_tostring(L, 2));
    lua_call(L, 0, 1);
    return 1;
}

/* Run method of an instance of the compiled rule file `chunk` (a registry ref),
   keeping instances for slot; the result as with run(). */
static int run_instance(sandbox *sb, int chunk, int slot, const char *method, char **out)
{
    lua_State *L = sandbox_state(sb);
    char *msg = NULL;
    *out = NULL;
    lua_pushcfunction(L, call_instance_l);
    lua_rawgeti(L, LUA_REGISTRYINDEX, chunk);
    lua_pushstring(L, method);
    sandbox_keep_modules(sb, slot);
    sandbox_run_begin(sb);
    int rc = sandbox_pcall(sb, 2, 1, &msg);
    sandbox_keep_modules(sb, 0);
    if (rc < 0) {
        *out = msg;
        return -1;
    }
    *out = strdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
    lua_pop(L, 1);
    return 0;
}

static void expect_instance(sandbox *sb, int chunk, int slot, const char *method,
                            int want_rc, const char *want)
{
    char *got = NULL;
    int rc = run_instance(sb, chunk, slot, method, &got);
    if (rc != want_rc || !got || !strstr(got, want))
        fail_msg("slot %d, %s: wanted rc %d with %s, got rc %d: %s", slot, method,
                 want_rc, want, rc, got ? got : "(null)");
    free(got);
}

/* A shipped rule keeps one instance per slot (worker and rule): its top level runs
   once, outside the limits, and may not set globals after; slot 0 (a site's rule)
   gets a new instance, under the limits, every time. */
static void test_kept_instances(void **state)
{
    sandbox *sb = *state;
    lua_State *L = sandbox_state(sb);
    /* the top level costs more than the whole instruction budget */
    static const char rule[] =
        "local n = 0\n"
        "local burn = 0; for i = 1, 3 * 1000 * 1000 do burn = burn + 1 end\n"
        "return {\n"
        "  tick = function() n = n + 1; return tostring(n) end,\n"
        "  set_global = function() seen = true; return 'set' end,\n"
        "  read_global = function() return tostring(seen) end,\n"
        "}\n";
    char *msg = NULL;
    assert_int_equal(sandbox_load(sb, rule, strlen(rule), "=rule", &msg), 0);
    int chunk = luaL_ref(L, LUA_REGISTRYINDEX);
    expect_instance(sb, chunk, 0, "tick", -1, SANDBOX_MSG_INSTRUCTIONS);
    expect_instance(sb, chunk, 1, "tick", 0, "1");
    expect_instance(sb, chunk, 1, "tick", 0, "2");     /* the same instance */
    expect_instance(sb, chunk, 2, "tick", 0, "1");     /* another slot, its own */
    expect_instance(sb, chunk, 1, "set_global", -1, "cannot set the global 'seen'");
    expect_instance(sb, chunk, 1, "read_global", 0, "nil");
    expect_instance(sb, chunk, 1, "tick", 0, "3");
    /* new modules forget every kept instance */
    sandbox_set_modules(sb, NULL, NULL, NULL, 0);
    expect_instance(sb, chunk, 1, "tick", 0, "1");
    /* without a slot: a fresh instance under the limits, and globals are its own */
    sandbox_set_limits(sb, 0, MEMORY);
    expect_instance(sb, chunk, 0, "tick", 0, "1");
    expect_instance(sb, chunk, 0, "set_global", 0, "set");
    expect_instance(sb, chunk, 0, "read_global", 0, "nil");
    sandbox_set_limits(sb, INSTRUCTIONS, MEMORY);
    luaL_unref(L, LUA_REGISTRYINDEX, chunk);
}

static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_time_limit(void **state)
{
    sandbox *sb = *state;
    sandbox_set_limits(sb, 0, MEMORY);        /* no instruction limit: only the clock */
    sandbox_set_time_limit(sb, 200);
    double before = thread_cpu_ms();
    expect_error(sb, "while true do end", SANDBOX_MSG_TIME);
    double used = thread_cpu_ms() - before;
    assert_int_equal(sandbox_limit_hit(sb), SANDBOX_HIT_TIME);
    /* CPU time counts once the run has taken the limit in wall time: between one
       and two limits of CPU time (and some slack for a loaded machine) */
    if (used < 200 || used > 2 * 200 + 150)
        fail_msg("the spinning run used %.0f ms of CPU time, limit 200", used);
    expect_error(sb, "pcall(function() while true do end end) while true do end",
                 SANDBOX_MSG_TIME);
    expect_result(sb, "return 'fresh'", "fresh");
    sandbox_set_limits(sb, INSTRUCTIONS, MEMORY);
}

/* Backtracking inside one C call: the matcher charges its steps to the run. */
static void test_pattern_runaway(void **state)
{
    sandbox *sb = *state;
    expect_error(sb, "return ('a'):rep(2e4):find(('a-'):rep(12) .. 'b')",
                 SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "return ('a'):rep(2e4):match(('a*'):rep(8) .. 'b')",
                 SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "for w in ('a'):rep(3e4):gmatch('.-b') do end", SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "return (('a'):rep(3e4):gsub('.-b', 'x'))", SANDBOX_MSG_INSTRUCTIONS);
    expect_error(sb, "return pcall(string.find, ('a'):rep(2e4), ('a-'):rep(12) .. 'b')",
                 SANDBOX_MSG_INSTRUCTIONS);
    sandbox_set_limits(sb, 0, MEMORY);
    sandbox_set_time_limit(sb, 300);
    expect_error(sb, "return ('a'):rep(2e4):find(('a-'):rep(12) .. 'b')", SANDBOX_MSG_TIME);
    sandbox_set_limits(sb, INSTRUCTIONS, MEMORY);
}

/* The sandbox's own find/match/gmatch/gsub give what Lua's give: the same chunk
   runs here and in a plain state with Lua's string library, outputs compared. */
static const char PATTERN_CASES[] =
    "local cases = {\n"
    "  {'hello world', 'o w'}, {'hello world', 'l+'}, {'hello', '^h(.-)o$'},\n"
    "  {'  trim me  ', '^%s*(.-)%s*$'}, {'key = value', '(%w+)%s*=%s*(%w+)'},\n"
    "  {'THE (quick) fox', '%((%a+)%)'}, {'f(a(b)c)d', '%b()'}, {'THE (quick) fox', '%f[%a]%a+'},\n"
    "  {'abcabc', '(a)(b)(c)%1%2%3'}, {'hello', '()ll()'}, {'x=1, y=2', '(%w)=(%d)'},\n"
    "  {'[tag]', '[%[%]]'}, {'a]b', '[]]'}, {'a^b', '[%^^]'}, {'a-b', '[a-]'}, {'A1b2', '[^%d]'},\n"
    "  {'aaa', 'a-'}, {'aaa', 'a*'}, {'aaa', 'a?a?a?a'}, {'', ''}, {'abc', ''}, {'abc', '$'},\n"
    "  {'a.b', '.', true}, {'a.b', '%.'}, {'a$b', 'a$b'}, {'end$', '$$'}, {'x^y', 'x^y'},\n"
    "  {'caf\\195\\169', '[\\128-\\255]+'}, {'tab\\there', '%c'}, {'MiXeD', '%u%l'},\n"
    "  {'0x1F', '%x+'}, {'a,b;;c', '[^,;]+'}, {'one two  three', '%S+'}, {'p.q', '%p'},\n"
    "  {'aXb', '%W'}, {'1 2', '%D'}, {'abc', '(a)(b)(c)(d?)'}, {'abc', '[a-c]+', 2},\n"
    "  {'abc', 'b', -2}, {'abc', 'c', 10}, {'abc', '^b', 2}, {'ab', '(a)%2'}, {'ab', '%'},\n"
    "  {'ab', '[a'}, {'ab', '(a'}, {'ab', 'a)'}, {'ab', '%f'}, {'ab', '%b'}, {'ab', '%g+'},\n"
    "  {'hello', 'l', 1, true}, {'a+b', 'a+b', 1, true}, {'zzz', '%z'}, {'a\\0b', '%z'},\n"
    "  {'a\\0b', '\\0'}, {'a\\0b', '[\\0]'}, {'a.b.c', '%.', 1}, {'word word', '%f[%w]%w+%f[%W]'},\n"
    "}\n"
    "local function show(...)\n"
    "  local t = table.pack(...)\n"
    "  for i = 1, t.n do t[i] = type(t[i]) .. ':' .. tostring(t[i]) end\n"
    "  return table.concat(t, ',')\n"
    "end\n"
    "local function try(f, ...)\n"
    "  local r = table.pack(pcall(f, ...))\n"
    "  if not r[1] then return 'error' end\n"
    "  return show(table.unpack(r, 2, r.n))\n"
    "end\n"
    "local out = {}\n"
    "for i, c in ipairs(cases) do\n"
    "  local s, p, init, plain = c[1], c[2], c[3], c[4]\n"
    "  out[#out + 1] = i .. ' find ' .. try(string.find, s, p, init, plain)\n"
    "  out[#out + 1] = i .. ' match ' .. try(string.match, s, p, init)\n"
    "  out[#out + 1] = i .. ' gmatch ' .. try(function()\n"
    "    local r = {}\n"
    "    for a, b in string.gmatch(s, p, init) do r[#r + 1] = show(a, b) end\n"
    "    return table.concat(r, '|') end)\n"
    "  out[#out + 1] = i .. ' gsub ' .. try(string.gsub, s, p, '<%0>')\n"
    "  out[#out + 1] = i .. ' gsub1 ' .. try(string.gsub, s, p, '%1', 2)\n"
    "  out[#out + 1] = i .. ' gsubf ' .. try(string.gsub, s, p, function(a) return a and #tostring(a) end)\n"
    "  out[#out + 1] = i .. ' gsubt ' .. try(string.gsub, s, p, { a = 'A', hello = false })\n"
    "end\n"
    "return table.concat(out, '\\n')\n";

static void test_patterns_match_lua(void **state)
{
    sandbox *sb = *state;
    char *ours = NULL;
    assert_int_equal(run(sb, PATTERN_CASES, &ours), 0);
    assert_non_null(ours);
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    assert_int_equal(luaL_loadstring(L, PATTERN_CASES), LUA_OK);
    assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);
    const char *theirs = lua_tostring(L, -1);
    if (strcmp(ours, theirs) != 0) {
        const char *a = ours, *b = theirs;
        while (*a && *a == *b) {
            a++;
            b++;
        }
        while (a > ours && a[-1] != '\n') {
            a--;
            b--;
        }
        fail_msg("pattern results differ from Lua's:\nours:   %.200s\nLua's:  %.200s", a, b);
    }
    free(ours);
    lua_close(L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_safe_functions_work, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_io_os_debug_package, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_bytecode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_require_only_modules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_tables_protected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_instruction_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error_names_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_proxy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proxies_leak_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handlers_and_close_are_budgeted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pattern_runaway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patterns_match_lua, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
