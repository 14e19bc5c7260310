/* lua_node.c: node userdata (lua_page.h): node.tag, node.line, node.column,
 * node:text(), node:attr(name), node:visible(), node:select(css). */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <libxml/tree.h>
#include "lua_page.h"

typedef struct lnode {
    xmlNodePtr node;
    unsigned long gen;
} lnode;

static lua_page_ctx *ctx_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

xmlNodePtr lua_node_test(lua_State *L, int idx, lua_page_ctx *ctx)
{
    lnode *n = luaL_testudata(L, idx, LUA_NODE_TYPE);
    if (!n)
        return NULL;
    if (n->gen != ctx->gen || !ctx->p)
        luaL_error(L, "node object is no longer valid (nodes live only while their "
                      "page is checked)");
    return n->node;
}

/* Reading a node (fields, methods) reads the tree; passing one to report{} does not,
   which is all a rule that declared only "links" may do with link.node. */
static xmlNodePtr check_node(lua_State *L, lua_page_ctx *ctx)
{
    luaL_checkudata(L, 1, LUA_NODE_TYPE);
    xmlNodePtr node = lua_node_test(L, 1, ctx);
    lua_page_require(L, ctx, PAGE_NEED_TREE, "a node's fields and methods");
    return node;
}

void lua_node_push(lua_State *L, lua_page_ctx *ctx, xmlNodePtr node)
{
    if (!node) {
        lua_pushnil(L);
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx->node_cache_ref);
    if (lua_rawgetp(L, -1, node) != LUA_TNIL) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    lnode *n = lua_newuserdatauv(L, sizeof *n, 0);
    n->node = node;
    n->gen = ctx->gen;
    luaL_setmetatable(L, LUA_NODE_TYPE);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, node);
    lua_remove(L, -2);
}

static void push_tag(lua_State *L, xmlNodePtr node)
{
    if (node->type == XML_ELEMENT_NODE && node->name) {
        luaL_Buffer b;
        const char *name = (const char *)node->name;
        luaL_buffinit(L, &b);
        for (; *name; name++)
            luaL_addchar(&b, (*name >= 'A' && *name <= 'Z') ? *name + 32 : *name);
        luaL_pushresult(&b);
    } else if (node->type == XML_TEXT_NODE) {
        lua_pushliteral(L, "#text");
    } else if (node->type == XML_COMMENT_NODE) {
        lua_pushliteral(L, "#comment");
    } else {
        lua_pushliteral(L, "#node");
    }
}

static int node_text(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    xmlNodePtr node = check_node(L, ctx);
    size_t len = 0;
    const char *s = page_node_text(ctx->p, node, &len);
    lua_pushlstring(L, s ? s : "", s ? len : 0);
    return 1;
}

static int node_attr(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    xmlNodePtr node = check_node(L, ctx);
    const char *name = luaL_checkstring(L, 2);
    if (node->type != XML_ELEMENT_NODE) {
        lua_pushnil(L);
        return 1;
    }
    /* the HTML parser lowercases attribute names; so do we for the lookup */
    char lower[128];
    size_t n = strlen(name);
    if (n >= sizeof lower) {
        lua_pushnil(L);
        return 1;
    }
    for (size_t i = 0; i <= n; i++)
        lower[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    xmlChar *v = xmlGetProp(node, (const xmlChar *)lower);
    if (!v) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, (const char *)v);
    xmlFree(v);
    return 1;
}

static int node_visible(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    xmlNodePtr node = check_node(L, ctx);
    lua_pushboolean(L, page_node_visible(ctx->p, node));
    return 1;
}

static int is_descendant(xmlNodePtr n, xmlNodePtr ancestor)
{
    for (n = n ? n->parent : NULL; n; n = n->parent)
        if (n == ancestor)
            return 1;
    return 0;
}

/* node:select(css): the matches of the page inside this node, in document order. */
static int node_select(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    xmlNodePtr node = check_node(L, ctx);
    const char *css = luaL_checkstring(L, 2);
    xmlNodePtr *found = NULL;
    size_t count = 0;
    char *err = NULL;
    if (page_select(ctx->p, css, &found, &count, &err) < 0) {
        lua_pushfstring(L, "bad selector '%s': %s", css, err ? err : "does not parse");
        free(err);
        return lua_error(L);
    }
    lua_createtable(L, (int)count, 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < count; i++) {
        if (!is_descendant(found[i], node))
            continue;
        lua_node_push(L, ctx, found[i]);
        lua_rawseti(L, -2, ++k);
    }
    free(found);
    return 1;
}

static int node_tostring(lua_State *L)
{
    lnode *n = luaL_checkudata(L, 1, LUA_NODE_TYPE);
    lua_page_ctx *ctx = ctx_of(L);
    if (n->gen != ctx->gen || !ctx->p) {
        lua_pushliteral(L, "node (no longer valid)");
        return 1;
    }
    push_tag(L, n->node);
    lua_pushfstring(L, "<%s> at line %d", lua_tostring(L, -1),
                    page_node_line(ctx->p, n->node));
    return 1;
}

static int node_index(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    xmlNodePtr node = check_node(L, ctx);
    const char *key = luaL_checkstring(L, 2);
    if (strcmp(key, "tag") == 0) {
        push_tag(L, node);
    } else if (strcmp(key, "line") == 0) {
        int line = page_node_line(ctx->p, node);
        if (line > 0)
            lua_pushinteger(L, line);
        else
            lua_pushnil(L);
    } else if (strcmp(key, "column") == 0) {
        int col = page_node_column(ctx->p, node);
        if (col > 0)
            lua_pushinteger(L, col);
        else
            lua_pushnil(L);
    } else {
        lua_getfield(L, lua_upvalueindex(2), key);   /* methods */
    }
    return 1;
}

void lua_node_register(lua_State *L, lua_page_ctx *ctx)
{
    static const luaL_Reg methods[] = {
        {"text", node_text}, {"attr", node_attr}, {"visible", node_visible},
        {"select", node_select}, {NULL, NULL}};
    luaL_newmetatable(L, LUA_NODE_TYPE);
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, node_tostring, 1);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushlightuserdata(L, ctx);
    lua_createtable(L, 0, 4);
    lua_pushlightuserdata(L, ctx);
    luaL_setfuncs(L, methods, 1);
    lua_pushcclosure(L, node_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
