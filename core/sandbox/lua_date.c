/* lua_date.c: see lua_date.h. */
#include "lua_date.h"
#include <lauxlib.h>
#include "datetime.h"

static int date_parse(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING) {
        /* node:attr() gives nil for a missing attribute: an answer, not a crash */
        luaL_checkany(L, 1);
        lua_pushnil(L);
        lua_pushfstring(L, "expected a date string, got %s", luaL_typename(L, 1));
        return 2;
    }
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    long long t;
    dt_precision prec;
    const char *msg = NULL;
    if (datetime_parse(s, len, &t, &prec, &msg) < 0) {
        lua_pushnil(L);
        lua_pushstring(L, msg);
        return 2;
    }
    lua_pushinteger(L, (lua_Integer)t);
    lua_pushstring(L, datetime_precision_name(prec));
    return 2;
}

static long long check_time(lua_State *L, int idx)
{
    lua_Integer t = luaL_checkinteger(L, idx);
    if (t < DATETIME_MIN || t > DATETIME_MAX)
        luaL_argerror(L, idx, "time out of range (years 0001..9999)");
    return (long long)t;
}

static int date_format(lua_State *L)
{
    char out[40];
    datetime_format(check_time(L, 1), out);
    lua_pushstring(L, out);
    return 1;
}

static int date_parts(lua_State *L)
{
    dt_parts d;
    datetime_parts_of(check_time(L, 1), &d);
    lua_createtable(L, 0, 8);
    const struct { const char *k; int v; } fields[] = {
        {"year", d.year}, {"month", d.month}, {"day", d.day}, {"hour", d.hour},
        {"min", d.min}, {"sec", d.sec}, {"yday", d.yday}, {"wday", d.wday}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        lua_pushinteger(L, fields[i].v);
        lua_setfield(L, -2, fields[i].k);
    }
    return 1;
}

void lua_date_push(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"parse", date_parse}, {"format", date_format}, {"parts", date_parts}, {NULL, NULL}};
    luaL_newlib(L, fns);
}
