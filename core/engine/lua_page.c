/* lua_page.c: the page userdata (lua_page.h): page.path, page.url,
 * page.site_path, page:text(), page:raw_text(), page:find(), page:contains(),
 * page:normalize(), page:select(), page:xpath(), page:links(), page:meta(),
 * page:jsonld(), page:lang(), page:link_elements(), page:target_exists(),
 * page:now(). Heavy work (search, selectors) stays in C; the text strings
 * are made once per page and kept in the userdata's user values, so every rule
 * on the page shares them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <lauxlib.h>
#include "cfgval_lua.h"
#include "lua_page.h"
#include "normalize.h"
#include "sandbox.h"

enum { UV_TEXT = 1, UV_RAW_TEXT = 2, UV_COUNT = 2 };

typedef struct lpage {
    unsigned long gen;
} lpage;

static lua_page_ctx *ctx_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static page *check_page(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    /* the common case, without luaL_checkudata's registry lookup by name: the
       current page's userdata is alive, so no other object has its address */
    if (ctx->page_ud && lua_touserdata(L, 1) == ctx->page_ud)
        return ctx->p;
    lpage *lp = luaL_checkudata(L, 1, LUA_PAGE_TYPE);
    if (lp->gen != ctx->gen || !ctx->p)
        luaL_error(L, "page object is no longer valid (a page lives only while it is "
                      "checked)");
    return ctx->p;
}

/* The page at index 1, after checking the rule declared `need`. */
static page *check_page_for(lua_State *L, unsigned need, const char *what)
{
    page *p = check_page(L);
    lua_page_require(L, ctx_of(L), need, what);
    return p;
}

/* [-0, +1] A text view, made into a Lua string once per page. */
static void push_cached_text(lua_State *L, page *p, int uv)
{
    if (lua_getiuservalue(L, 1, uv) == LUA_TSTRING)
        return;
    lua_pop(L, 1);
    size_t len = 0;
    const char *s = uv == UV_TEXT ? page_text(p, &len) : page_raw_text(p, &len);
    lua_pushlstring(L, s ? s : "", s ? len : 0);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, 1, uv);
}

/* The run's clock, one value for every page and rule (config `now`, --now or the
   start time), so findings never depend on when a page happened to be checked. */
static int page_l_now(lua_State *L)
{
    check_page(L);
    lua_page_ctx *ctx = ctx_of(L);
    ctx->clock_read = 1;   /* a result that read the start time is not for later runs */
    lua_pushinteger(L, (lua_Integer)ctx->now);
    return 1;
}

/* page:text(i [, j]) is page:text():sub(i, j) without making the whole text a
   Lua string (string.sub's rules for i and j): rules that look around a place
   page:find gave want a few bytes of it. */
static int push_text_part(lua_State *L, page *p)
{
    size_t len = 0;
    const char *s = page_text(p, &len);
    lua_Integer l = (lua_Integer)len;
    lua_Integer i = luaL_checkinteger(L, 2), j = luaL_optinteger(L, 3, -1);
    i = i > 0 ? i : i == 0 ? 1 : i < -l ? 1 : l + i + 1;
    j = j > l ? l : j >= 0 ? j : j < -l ? 0 : l + j + 1;
    if (i > j)
        lua_pushliteral(L, "");
    else
        lua_pushlstring(L, s + i - 1, (size_t)(j - i + 1));
    return 1;
}

static int page_l_text(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_TEXT, "page:text()");
    if (!lua_isnoneornil(L, 2))
        return push_text_part(L, p);
    push_cached_text(L, p, UV_TEXT);
    return 1;
}

static int page_l_raw_text(lua_State *L)
{
    push_cached_text(L, check_page_for(L, PAGE_NEED_TEXT, "page:raw_text()"), UV_RAW_TEXT);
    return 1;
}

/* page:find(needle [, init]): like string.find(page:text(), needle, init, true),
   with the needle normalized first. Returns start, end (1-based) or nil. */
static int page_l_find(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_TEXT, "page:find()");
    size_t nlen = 0;
    const char *needle = luaL_checklstring(L, 2, &nlen);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    if (init < 1)
        init = 1;
    size_t norm_len = 0;
    char *norm = text_normalize(needle, nlen, &norm_len, NULL);
    if (!norm)
        return luaL_error(L, "not enough memory");
    /* an ASCII needle is normalized once and for all; page_text_find normalizes
       again, which only text outside ASCII could change */
    int ascii = 1;
    for (size_t i = 0; i < norm_len && ascii; i++)
        ascii = (unsigned char)norm[i] < 0x80;
    long at = !norm_len ? -1
              : ascii   ? page_text_find_normalized(p, norm, norm_len, (size_t)init - 1)
                        : page_text_find(p, norm, norm_len, (size_t)init - 1);
    free(norm);
    if (at < 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)at + 1);
    lua_pushinteger(L, (lua_Integer)at + (lua_Integer)norm_len);
    return 2;
}

static int page_l_contains(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_TEXT, "page:contains()");
    size_t nlen = 0;
    const char *needle = luaL_checklstring(L, 2, &nlen);
    lua_pushboolean(L, page_text_find(p, needle, nlen, 0) >= 0);
    return 1;
}

/* page:hidden_text(s): nil when s is not in the page's hidden text, else what
   hides it ("display:none", "an HTML comment"...), for a message that says the
   text exists but is hidden. */
static int page_l_hidden_text(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_TEXT, "page:hidden_text()");
    size_t len = 0;
    const char *text = luaL_checklstring(L, 2, &len);
    const char *why = page_hidden_reason(p, text, len);
    if (why)
        lua_pushstring(L, why);
    else
        lua_pushnil(L);
    return 1;
}

/* page:normalize(s): s normalized as page:text() is (for comparing with it). */
static int page_l_normalize(lua_State *L)
{
    check_page(L);
    size_t len = 0, out_len = 0;
    const char *s = luaL_checklstring(L, 2, &len);
    char *norm = text_normalize(s, len, &out_len, NULL);
    if (!norm)
        return luaL_error(L, "not enough memory");
    lua_pushlstring(L, norm, out_len);
    free(norm);
    return 1;
}

typedef int (*matcher)(page *, const char *, xmlNodePtr **, size_t *, char **);

#define LUA_MATCHES_BOX "provcheck.matches"

/* C memory a call holds while it may still raise (a memory limit while the nodes
   are pushed): kept in a userdata whose __gc frees it, so a raise leaks nothing. */
typedef struct matches_box {
    xmlNodePtr *found;
    char *err;
} matches_box;

static int matches_box_gc(lua_State *L)
{
    matches_box *b = lua_touserdata(L, 1);
    free(b->found);
    free(b->err);
    b->found = NULL;
    b->err = NULL;
    return 0;
}

static int push_matches(lua_State *L, matcher match, const char *what)
{
    lua_page_ctx *ctx = ctx_of(L);
    page *p = check_page_for(L, PAGE_NEED_TREE, match == page_select ? "page:select()"
                                                                     : "page:xpath()");
    size_t expr_len = 0;
    const char *expr = luaL_checklstring(L, 2, &expr_len);
    if (strlen(expr) != expr_len)   /* libxml2 would read only the part before it */
        return luaL_error(L, "bad %s '%s': it contains a NUL byte", what, expr);
    matches_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->found = NULL;
    box->err = NULL;
    luaL_setmetatable(L, LUA_MATCHES_BOX);
    size_t count = 0;
    int rc = match(p, expr, &box->found, &count, &box->err);
    /* the work ran in C, where the count hook cannot see it: check the CPU-time
       limit now (raises when it is over; the box frees what is held) */
    sandbox_charge(L, 1);
    if (rc < 0) {
        if (box->err && strstr(box->err, "limit exceeded"))
            lua_pushfstring(L, "%s '%s' stopped: it needs more than the allowed work on "
                            "this page", what, expr);
        else
            lua_pushfstring(L, "bad %s '%s': %s", what, expr,
                            box->err ? box->err : "does not parse");
        return lua_error(L);
    }
    lua_createtable(L, (int)count, 0);
    for (size_t i = 0; i < count; i++) {
        lua_node_push(L, ctx, box->found[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(box->found);
    box->found = NULL;
    return 1;
}

static int page_l_select(lua_State *L)
{
    return push_matches(L, page_select, "selector");
}

static int page_l_xpath(lua_State *L)
{
    return push_matches(L, page_xpath, "XPath expression");
}

/* page:links(): a fresh list of { href, text, node, visible } per call;
   page:links{ filter }: the matching links only, as lazy objects (lua_link.c). */
static int page_l_links(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    page *p = check_page_for(L, PAGE_NEED_LINKS, "page:links()");
    if (!lua_isnoneornil(L, 2))
        return lua_link_filtered(L, ctx, 2);
    size_t count = 0;
    const page_link *links = page_links(p, &count);
    lua_createtable(L, (int)count, 0);
    for (size_t i = 0; links && i < count; i++) {
        lua_createtable(L, 0, 4);
        lua_pushstring(L, links[i].href ? links[i].href : "");
        lua_setfield(L, -2, "href");
        lua_pushstring(L, page_link_text(p, i));
        lua_setfield(L, -2, "text");
        lua_node_push(L, ctx, links[i].node);
        lua_setfield(L, -2, "node");
        lua_pushboolean(L, links[i].visible);
        lua_setfield(L, -2, "visible");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int page_l_meta(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_META, "page:meta()");
    const char *v = page_meta(p, luaL_checkstring(L, 2));
    if (v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    return 1;
}

/* page:jsonld(): one read-only list per page, made on the first call and handed
   to every rule after: read-only, so no rule can change what another reads, and
   made once, since converting it for each of a dozen pack rules was a tenth of
   their time. */
static int page_l_jsonld(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_JSONLD, "page:jsonld()");
    lua_page_ctx *ctx = ctx_of(L);
    if (lua_rawgeti(L, LUA_REGISTRYINDEX, ctx->jsonld_ref) == LUA_TTABLE)
        return 1;
    lua_pop(L, 1);
    const cfgval *v = page_jsonld(p);
    if (v) {
        cfgval_lua_push_readonly(L, v);
    } else {
        lua_newtable(L);
        sandbox_push_readonly(L, -1);
        lua_remove(L, -2);
    }
    lua_pushvalue(L, -1);
    lua_rawseti(L, LUA_REGISTRYINDEX, ctx->jsonld_ref);
    return 1;
}

/* page:lang(): the root <html>'s lang attribute as written, or nil. */
static int page_l_lang(lua_State *L)
{
    page *p = check_page_for(L, PAGE_NEED_HEAD, "page:lang()");
    const char *lang = page_lang(p);
    if (lang)
        lua_pushstring(L, lang);
    else
        lua_pushnil(L);
    return 1;
}

/* Whether rel, without white space around it, is `want` in any ASCII case (what
   rel:lower():match("^%s*canonical%s*$") asks). */
static int rel_is(const char *rel, const char *want, size_t want_len)
{
    while (*rel == ' ' || (*rel >= '\t' && *rel <= '\r'))
        rel++;
    size_t n = strlen(rel);
    while (n && (rel[n - 1] == ' ' || (rel[n - 1] >= '\t' && rel[n - 1] <= '\r')))
        n--;
    return n == want_len && strncasecmp(rel, want, n) == 0;
}

/* page:link_elements([rel]): a fresh list of { rel, href, node } for every
   <link rel> (or those whose rel is `rel`, white space around and case aside). */
static int page_l_link_elements(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    page *p = check_page_for(L, PAGE_NEED_HEAD, "page:link_elements()");
    size_t want_len = 0;
    const char *want = luaL_optlstring(L, 2, NULL, &want_len);
    size_t count = 0;
    const page_link_element *links = page_link_elements(p, &count);
    lua_createtable(L, want ? 0 : (int)count, 0);
    for (size_t i = 0, n = 0; links && i < count; i++) {
        if (want && !rel_is(links[i].rel, want, want_len))
            continue;
        lua_createtable(L, 0, 3);
        lua_pushstring(L, links[i].rel);
        lua_setfield(L, -2, "rel");
        if (links[i].href) {
            lua_pushstring(L, links[i].href);
            lua_setfield(L, -2, "href");
        }
        lua_node_push(L, ctx, links[i].node);
        lua_setfield(L, -2, "node");
        lua_rawseti(L, -2, (lua_Integer)++n);
    }
    return 1;
}

/* page:target_exists(href): true, false, or nil when it cannot be checked here
   (absolute URLs, mailto:, fragments). */
static int page_l_target_exists(lua_State *L)
{
    page *p = check_page(L);
    int r = page_link_target_exists(p, luaL_checkstring(L, 2));
    sandbox_charge(L, 1);   /* in audits this may have waited for a server */
    if (r < 0)
        lua_pushnil(L);
    else
        lua_pushboolean(L, r);
    return 1;
}

static void push_opt_string(lua_State *L, const char *s)
{
    if (s)
        lua_pushstring(L, s);
    else
        lua_pushnil(L);
}

static int page_index(lua_State *L)
{
    /* methods first: `page:find` is far more common than `page.path`, and each
       method checks the page itself when called */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    page *p = check_page(L);
    const char *key = luaL_checkstring(L, 2);
    if (strcmp(key, "path") == 0)
        push_opt_string(L, page_path(p));
    else if (strcmp(key, "url") == 0)
        push_opt_string(L, page_url(p));
    else if (strcmp(key, "site_path") == 0)
        push_opt_string(L, page_site_path(p));
    else if (strcmp(key, "blob") == 0)
        push_opt_string(L, page_blob(p));
    else if (strcmp(key, "commit") == 0)
        push_opt_string(L, page_commit(p));
    else
        lua_pushnil(L);
    return 1;
}

static int page_tostring(lua_State *L)
{
    lua_page_ctx *ctx = ctx_of(L);
    lpage *lp = luaL_checkudata(L, 1, LUA_PAGE_TYPE);
    if (lp->gen != ctx->gen || !ctx->p)
        lua_pushliteral(L, "page (no longer valid)");
    else
        lua_pushfstring(L, "page %s", page_path(ctx->p));
    return 1;
}

void lua_page_register(lua_State *L, lua_page_ctx *ctx)
{
    static const luaL_Reg methods[] = {
        {"text", page_l_text}, {"raw_text", page_l_raw_text}, {"find", page_l_find},
        {"contains", page_l_contains}, {"normalize", page_l_normalize},
        {"hidden_text", page_l_hidden_text},
        {"select", page_l_select}, {"xpath", page_l_xpath}, {"links", page_l_links},
        {"meta", page_l_meta}, {"jsonld", page_l_jsonld}, {"lang", page_l_lang},
        {"link_elements", page_l_link_elements},
        {"target_exists", page_l_target_exists}, {"now", page_l_now}, {NULL, NULL}};
    luaL_newmetatable(L, LUA_PAGE_TYPE);
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, page_tostring, 1);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushlightuserdata(L, ctx);
    lua_createtable(L, 0, 12);
    lua_pushlightuserdata(L, ctx);
    luaL_setfuncs(L, methods, 1);
    lua_pushcclosure(L, page_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, LUA_MATCHES_BOX);
    lua_pushcfunction(L, matches_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_newtable(L);
    ctx->node_cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushboolean(L, 0);
    ctx->jsonld_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void lua_page_begin(lua_State *L, lua_page_ctx *ctx, page *p)
{
    ctx->p = p;
    ctx->gen++;
    ctx->page_ud = NULL;
    ctx->clock_read = 0;
    lua_newtable(L);
    lua_rawseti(L, LUA_REGISTRYINDEX, ctx->node_cache_ref);
    lua_pushboolean(L, 0);
    lua_rawseti(L, LUA_REGISTRYINDEX, ctx->jsonld_ref);
}

void lua_page_end(lua_State *L, lua_page_ctx *ctx)
{
    ctx->p = NULL;
    ctx->gen++;
    ctx->page_ud = NULL;
    /* drop the node cache now rather than at the next page: it pins userdata */
    lua_newtable(L);
    lua_rawseti(L, LUA_REGISTRYINDEX, ctx->node_cache_ref);
    lua_pushboolean(L, 0);
    lua_rawseti(L, LUA_REGISTRYINDEX, ctx->jsonld_ref);
}

void lua_page_push(lua_State *L, lua_page_ctx *ctx)
{
    lpage *lp = lua_newuserdatauv(L, sizeof *lp, UV_COUNT);
    lp->gen = ctx->gen;
    luaL_setmetatable(L, LUA_PAGE_TYPE);
    ctx->page_ud = lp;
}
