/* lua_page.h: the page and node userdata rules see (lua_page.c, lua_node.c).
 *
 * The bindings know the page only through page.h. One page userdata per page,
 * shared by every rule on it; one node userdata per libxml2 node per page (cached,
 * so identity holds). Both carry the generation of the page they belong to: a rule
 * that keeps one in an upvalue gets a clean "no longer valid" error on a later
 * page, never a dangling pointer. */
#ifndef PROVCHECK_LUA_PAGE_H
#define PROVCHECK_LUA_PAGE_H
#include <lua.h>
#include <libxml/tree.h>
#include "page.h"

#define LUA_PAGE_TYPE "provcheck.page"
#define LUA_NODE_TYPE "provcheck.node"
#define LUA_LINK_TYPE "provcheck.link"

/* Per state; owned by the engine. */
typedef struct lua_page_ctx {
    page *p;                /* the page being checked, NULL between pages */
    unsigned long gen;      /* bumped for every page */
    const void *page_ud;    /* the page userdata of ctx->p (lua_page_push), or NULL */
    int node_cache_ref;     /* registry ref: light userdata -> node userdata */
    int jsonld_ref;         /* registry ref: this page's page:jsonld() list, or false */
    unsigned needs;         /* PAGE_NEED_* the running rule declared */
    const char *rule_id;    /* the running rule, for the error naming a missing need */
    long long now;          /* page:now(): the run's clock, seconds since the epoch */
    int now_fixed;          /* now was set (config, --now), not the start time */
    int clock_read;         /* page:now() was called on this page */
} lua_page_ctx;

/* Raise a rule error when the running rule did not declare `need` (a PAGE_NEED_*
 * bit) but calls `what`, which reads it: a page checked without a tree must never
 * quietly answer a rule that reads the tree. */
void lua_page_require(lua_State *L, const lua_page_ctx *ctx, unsigned need,
                      const char *what);

/* Create both metatables in L, bound to ctx (which must outlive L's use). */
void lua_page_register(lua_State *L, lua_page_ctx *ctx);
/* Start a page: new generation, fresh node cache. */
void lua_page_begin(lua_State *L, lua_page_ctx *ctx, page *p);
/* Done with the page: every userdata of it is stale from now on. */
void lua_page_end(lua_State *L, lua_page_ctx *ctx);
/* [-0, +1] A page userdata for ctx->p. */
void lua_page_push(lua_State *L, lua_page_ctx *ctx);

void lua_node_register(lua_State *L, lua_page_ctx *ctx);
/* [-0, +1] The node's userdata (nil for NULL). */
void lua_node_push(lua_State *L, lua_page_ctx *ctx, xmlNodePtr node);
/* The node at idx, or NULL when it is not a node userdata; raises when it is a
 * node of another page. */
xmlNodePtr lua_node_test(lua_State *L, int idx, lua_page_ctx *ctx);

/* page:links{ filter } (lua_link.c): the links the filter table at index `filter`
   keeps, as read-only link objects. [-0, +1] */
void lua_link_register(lua_State *L, lua_page_ctx *ctx);
int lua_link_filtered(lua_State *L, lua_page_ctx *ctx, int filter);

#endif
