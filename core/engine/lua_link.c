/* lua_link.c: page:links{ visible =, href_contains =, text_contains = } (lua_page.h).
 *
 * The filter runs in C over the page's links; only the links it keeps become Lua
 * values, and those are small read-only objects whose fields are made when a rule
 * reads them. A rule looking for its one privacy link among a hundred no longer
 * turns a hundred hrefs and texts into Lua strings and tables. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_page.h"
#include "normalize.h"
#include "sandbox.h"

#define LUA_LINK_NEEDLE_BOX "provcheck.link_needle"

typedef struct llink {
    unsigned long gen;
    size_t index;           /* into page_links() of the page of generation gen */
} llink;

static lua_page_ctx *ctx_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Lua's %s (isspace in the C locale), so href_trimmed is what the rules' own
   s:match("^%s*(.-)%s*$") gave. */
static int lua_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void push_trimmed(lua_State *L, const char *s)
{
    size_t len = strlen(s);
    while (len > 0 && lua_space(*s)) {
        s++;
        len--;
    }
    while (len > 0 && lua_space(s[len - 1]))
        len--;
    lua_pushlstring(L, s, len);
}

/* string.lower's result: ASCII letters only (the sandbox runs in the C locale). */
static void push_ascii_lower(lua_State *L, const char *s, size_t len)
{
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, len);
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    luaL_pushresultsize(&b, len);
}

static void push_position(lua_State *L, int pos)
{
    if (pos > 0)
        lua_pushinteger(L, pos);
    else
        lua_pushnil(L);
}

static int link_index(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    llink *lk = luaL_checkudata(L, 1, LUA_LINK_TYPE);
    if (lk->gen != ctx->gen || !ctx->p)
        return luaL_error(L, "link object is no longer valid (links live only while "
                             "their page is checked)");
    size_t count = 0;
    const page_link *l = &page_links(ctx->p, &count)[lk->index];
    const char *key = luaL_checkstring(L, 2);
    if (strcmp(key, "href") == 0)
        lua_pushstring(L, l->href);
    else if (strcmp(key, "href_trimmed") == 0)
        push_trimmed(L, l->href);
    else if (strcmp(key, "href_lower") == 0)
        push_ascii_lower(L, l->href, strlen(l->href));
    else if (strcmp(key, "text") == 0)
        lua_pushstring(L, page_link_text(ctx->p, lk->index));
    else if (strcmp(key, "visible") == 0)
        lua_pushboolean(L, l->visible);
    else if (strcmp(key, "node") == 0)
        lua_node_push(L, ctx, l->node);
    else if (strcmp(key, "line") == 0)
        push_position(L, page_node_line(ctx->p, l->node));
    else if (strcmp(key, "column") == 0)
        push_position(L, page_node_column(ctx->p, l->node));
    else
        lua_pushnil(L);
    return 1;
}

static int needle_box_gc(lua_State *L)
{
    char **box = lua_touserdata(L, 1);
    free(*box);
    *box = NULL;
    return 0;
}

static int link_newindex(lua_State *L)
{
    return luaL_error(L, "link objects are read-only (copy the fields you need into a "
                         "table of your own)");
}

/* [-0, +0] The needles of filter field `key` (a string or a list of strings) in
   their compared form, anchored in the table at `anchor`; their pointers in a
   userdata array left in *out. Returns how many. */
static size_t read_needles(lua_State *L, int filter, const char *key, int anchor,
                           int text_form, const char *const **out)
{
    *out = NULL;
    int t = lua_getfield(L, filter, key);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (t == LUA_TSTRING) {
        lua_createtable(L, 1, 0);
        lua_insert(L, -2);
        lua_rawseti(L, -2, 1);
    } else if (t != LUA_TTABLE) {
        return (size_t)luaL_error(L, "page:links: '%s' must be a string or a list of "
                                     "strings", key);
    }
    /* lengths and items through metamethods: rule options come as read-only proxies */
    lua_Integer len_items = luaL_len(L, -1);
    size_t n = len_items > 0 ? (size_t)len_items : 0;
    const char **needles = lua_newuserdatauv(L, (n ? n : 1) * sizeof *needles, 0);
    lua_rawsetp(L, anchor, needles);   /* kept alive by the anchor until the call ends */
    for (size_t i = 0; i < n; i++) {
        if (lua_geti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
            return (size_t)luaL_error(L, "page:links: '%s' item %d is not a string", key,
                                      (int)i + 1);
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (text_form) {
            /* held by a box whose __gc frees it: pushing the copy may raise */
            char **box = lua_newuserdatauv(L, sizeof *box, 0);
            *box = NULL;
            luaL_setmetatable(L, LUA_LINK_NEEDLE_BOX);
            *box = text_normalize(s, len, NULL, NULL);
            if (!*box)
                return (size_t)luaL_error(L, "not enough memory");
            lua_pushstring(L, *box);
            free(*box);
            *box = NULL;
            lua_remove(L, -2);
        } else {
            push_ascii_lower(L, s, len);
        }
        needles[i] = lua_tostring(L, -1);
        lua_rawsetp(L, anchor, needles[i]);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *out = needles;
    return n;
}

static void check_filter_keys(lua_State *L, int filter)
{
    lua_pushnil(L);
    while (lua_next(L, filter)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (strcmp(k, "visible") != 0 && strcmp(k, "href_contains") != 0 &&
            strcmp(k, "text_contains") != 0)
            luaL_error(L, "page:links: unknown filter field '%s' (known: visible, "
                          "href_contains, text_contains)", k);
        lua_pop(L, 1);
    }
}

int lua_link_filtered(lua_State *L, lua_page_ctx *ctx, int filter)
{
    luaL_checktype(L, filter, LUA_TTABLE);
    check_filter_keys(L, filter);
    page_link_filter f = {.visible = -1};
    int t = lua_getfield(L, filter, "visible");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        luaL_error(L, "page:links: 'visible' must be true or false");
    if (t == LUA_TBOOLEAN)
        f.visible = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_newtable(L);
    int anchor = lua_gettop(L);
    f.href_count = read_needles(L, filter, "href_contains", anchor, 0, &f.href_contains);
    f.text_count = read_needles(L, filter, "text_contains", anchor, 1, &f.text_contains);

    size_t count = 0;
    page_links(ctx->p, &count);
    /* C work the count hook does not see: one unit per link and needle */
    sandbox_charge(L, (long long)count * (long long)(1 + f.href_count + f.text_count));
    lua_newtable(L);
    lua_Integer kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (!page_link_matches(ctx->p, i, &f))
            continue;
        llink *lk = lua_newuserdatauv(L, sizeof *lk, 0);
        lk->gen = ctx->gen;
        lk->index = i;
        luaL_setmetatable(L, LUA_LINK_TYPE);
        lua_rawseti(L, -2, ++kept);
    }
    lua_remove(L, anchor);
    return 1;
}

static int link_tostring(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    llink *lk = luaL_checkudata(L, 1, LUA_LINK_TYPE);
    if (lk->gen != ctx->gen || !ctx->p) {
        lua_pushliteral(L, "link (no longer valid)");
        return 1;
    }
    size_t count = 0;
    const page_link *l = &page_links(ctx->p, &count)[lk->index];
    lua_pushfstring(L, "link '%s' at line %d", l->href, page_node_line(ctx->p, l->node));
    return 1;
}

void lua_link_register(lua_State *L, lua_page_ctx *ctx)
{
    luaL_newmetatable(L, LUA_LINK_TYPE);
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, link_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, link_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, link_tostring, 1);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newmetatable(L, LUA_LINK_NEEDLE_BOX);
    lua_pushcfunction(L, needle_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}
