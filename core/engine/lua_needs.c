/* lua_needs.c: a rule reads only what its `needs` declares (lua_page.h). The page
 * and node bindings both ask here before they read a part of the page. */
#include <lauxlib.h>
#include "lua_page.h"

void lua_page_require(lua_State *L, const lua_page_ctx *ctx, unsigned need,
                      const char *what)
{
    /* "tree-on-demand" reads what "tree" reads; only the page's path differs */
    unsigned have = ctx->needs;
    if (have & PAGE_NEED_TREE_ON_DEMAND)
        have |= PAGE_NEED_TREE;
    if (have & need)
        return;
    luaL_error(L, "%s reads \"%s\", which rule %s does not declare: add \"%s\" to its "
               "needs", what, page_need_name(need), ctx->rule_id ? ctx->rule_id : "?",
               page_need_name(need));
}
