/* lua_pattern.c: the sandbox's pattern functions (lua_pattern.h).
 *
 * A backtracking matcher for Lua 5.4 patterns (character classes, sets, the
 * quantifiers * + - ?, anchors, captures and position captures, back references,
 * %b and %f), written for provcheck so that each step can be counted: a
 * recursive attempt or one character tried by a repetition is one step, charged
 * to the run in batches. Recursion is bounded like Lua's ("pattern too complex"
 * past MAX_DEPTH), so the C stack stays small. Plain searches (find with plain, or
 * a pattern without special characters) use memmem, which is linear. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_pattern.h"

#define MAX_CAPTURES 32          /* as Lua's LUA_MAXCAPTURES */
#define MAX_DEPTH 200
#define CAP_OPEN (-1)        /* a capture whose ')' was not reached yet */
#define CAP_POSITION (-2)    /* a () capture: the position, not a string */
#define SPECIALS "^$*+?.([%-"

typedef struct capture {
    const char *at;
    ptrdiff_t len;           /* or CAP_OPEN / CAP_POSITION */
} capture;

typedef struct matcher {
    lua_State *L;
    const lua_pattern_budget *budget;
    const char *s0, *s_end;  /* the subject */
    const char *p_end;       /* the pattern's end */
    int depth;
    int ncap;
    long steps;              /* not yet charged */
    capture cap[MAX_CAPTURES];
} matcher;

/* Called from find, match, gmatch and gsub, whose upvalue 1 is the budget. */
static void matcher_init(matcher *m, lua_State *L, const char *s, size_t ls,
                         const char *p, size_t lp)
{
    m->L = L;
    m->budget = lua_touserdata(L, lua_upvalueindex(1));
    m->s0 = s;
    m->s_end = s + ls;
    m->p_end = p + lp;
    m->steps = 0;
}

static void matcher_reset(matcher *m)
{
    m->depth = 0;
    m->ncap = 0;
}

static void step(matcher *m)
{
    if (++m->steps >= LUA_PATTERN_CHARGE_BATCH) {
        m->steps = 0;
        m->budget->charge(m->L, LUA_PATTERN_CHARGE_BATCH);
    }
}

static int class_matches(int c, int cl)
{
    int res;
    switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    case 'z': res = c == 0; break;   /* deprecated in Lua, still accepted */
    default: return cl == c;   /* an escaped literal: %. %% %] ... */
    }
    return isupper(cl) ? !res : res != 0;
}

/* Whether c is in the set [...] that starts at p ('[') and closes at close. */
static int set_matches(int c, const char *p, const char *close)
{
    int negate = 0;
    p++;
    if (*p == '^') {
        negate = 1;
        p++;
    }
    while (p < close) {
        if (*p == '%' && p + 1 < close) {
            if (class_matches(c, (unsigned char)p[1]))
                return !negate;
            p += 2;
        } else if (p + 2 < close && p[1] == '-') {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
                return !negate;
            p += 3;
        } else {
            if ((unsigned char)*p == c)
                return !negate;
            p++;
        }
    }
    return negate;
}

/* The end of the single-character class at p (one past it). */
static const char *class_end(matcher *m, const char *p)
{
    if (*p == '%') {
        if (p + 1 >= m->p_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p != '[')
        return p + 1;
    const char *q = p + 1;
    if (q < m->p_end && *q == '^')
        q++;
    for (;;) {   /* the first member may be ']' itself */
        if (q >= m->p_end)
            luaL_error(m->L, "malformed pattern (missing ']')");
        if (*q++ == '%') {
            if (q >= m->p_end)
                luaL_error(m->L, "malformed pattern (missing ']')");
            q++;
        }
        if (q < m->p_end && *q == ']')
            return q + 1;
    }
}

static int single_match(const matcher *m, const char *s, const char *p, const char *ep)
{
    if (s >= m->s_end)
        return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case '%': return class_matches(c, (unsigned char)p[1]);
    case '[': return set_matches(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

static const char *do_match(matcher *m, const char *s, const char *p);

/* Greedy: take as many as match, then give back one at a time. */
static const char *max_expand(matcher *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t n = 0;
    while (single_match(m, s + n, p, ep)) {
        n++;
        step(m);
    }
    for (; n >= 0; n--) {
        const char *r = do_match(m, s + n, ep + 1);
        if (r)
            return r;
    }
    return NULL;
}

/* Lazy: try the rest first, take one more only when it fails. */
static const char *min_expand(matcher *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *r = do_match(m, s, ep + 1);
        if (r)
            return r;
        if (!single_match(m, s, p, ep))
            return NULL;
        s++;
    }
}

static const char *open_capture(matcher *m, const char *s, const char *p, ptrdiff_t what)
{
    if (m->ncap >= MAX_CAPTURES)
        luaL_error(m->L, "too many captures");
    m->cap[m->ncap].at = s;
    m->cap[m->ncap].len = what;
    m->ncap++;
    const char *r = do_match(m, s, p);
    if (!r)
        m->ncap--;
    return r;
}

static const char *close_capture(matcher *m, const char *s, const char *p)
{
    int l = m->ncap - 1;
    while (l >= 0 && m->cap[l].len != CAP_OPEN)
        l--;
    if (l < 0)
        luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].at;
    const char *r = do_match(m, s, p);
    if (!r)
        m->cap[l].len = CAP_OPEN;
    return r;
}

/* %bxy at p: a balanced run from x to its matching y. */
static const char *match_balance(matcher *m, const char *s, const char *p)
{
    if (p + 3 >= m->p_end)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    char open = p[2], close = p[3];
    if (s >= m->s_end || *s != open)
        return NULL;
    int level = 1;
    for (const char *q = s + 1; q < m->s_end; q++) {
        if (*q == close) {
            if (--level == 0)
                return q + 1;
        } else if (*q == open) {
            level++;
        }
    }
    return NULL;
}

static int capture_index(matcher *m, int digit)
{
    int l = digit - '1';
    if (l < 0 || l >= m->ncap || m->cap[l].len == CAP_OPEN)
        luaL_error(m->L, "invalid capture index %%%d in pattern", l + 1);
    return l;
}

static const char *match_here(matcher *m, const char *s, const char *p)
{
    for (;;) {
        if (p >= m->p_end)
            return s;
        switch (*p) {
        case '(':
            if (p + 1 < m->p_end && p[1] == ')')
                return open_capture(m, s, p + 2, CAP_POSITION);
            return open_capture(m, s, p + 1, CAP_OPEN);
        case ')':
            return close_capture(m, s, p + 1);
        case '$':
            if (p + 1 == m->p_end)
                return s == m->s_end ? s : NULL;
            break;
        case '%':
            if (p + 1 < m->p_end && p[1] == 'b') {
                s = match_balance(m, s, p);
                if (!s)
                    return NULL;
                p += 4;
                step(m);
                continue;
            }
            if (p + 1 < m->p_end && p[1] == 'f') {
                p += 2;
                if (p >= m->p_end || *p != '[')
                    luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const char *ep = class_end(m, p);
                int prev = s == m->s0 ? 0 : (unsigned char)s[-1];
                int cur = s < m->s_end ? (unsigned char)*s : 0;
                if (set_matches(prev, p, ep - 1) || !set_matches(cur, p, ep - 1))
                    return NULL;
                p = ep;
                continue;
            }
            if (p + 1 < m->p_end && isdigit((unsigned char)p[1])) {
                int l = capture_index(m, (unsigned char)p[1]);
                size_t len = (size_t)m->cap[l].len;
                if ((size_t)(m->s_end - s) < len || memcmp(m->cap[l].at, s, len) != 0)
                    return NULL;
                s += len;
                p += 2;
                continue;
            }
            break;
        default:
            break;
        }
        const char *ep = class_end(m, p);
        char q = ep < m->p_end ? *ep : '\0';
        if (q == '?') {
            if (single_match(m, s, p, ep)) {
                const char *r = do_match(m, s + 1, ep + 1);
                if (r)
                    return r;
            }
            p = ep + 1;
            continue;
        }
        if (q == '+')
            return single_match(m, s, p, ep) ? max_expand(m, s + 1, p, ep) : NULL;
        if (q == '*')
            return max_expand(m, s, p, ep);
        if (q == '-')
            return min_expand(m, s, p, ep);
        if (!single_match(m, s, p, ep))
            return NULL;
        s++;
        p = ep;
        step(m);
    }
}

static const char *do_match(matcher *m, const char *s, const char *p)
{
    if (++m->depth > MAX_DEPTH)
        luaL_error(m->L, "pattern too complex");
    step(m);
    const char *r = match_here(m, s, p);
    m->depth--;
    return r;
}

/* [-0, +1] Capture i of the match s..e (the whole match when there are none). */
static void push_capture(matcher *m, int i, const char *s, const char *e)
{
    if (i >= m->ncap) {
        if (i != 0)
            luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t len = m->cap[i].len;
    if (len == CAP_OPEN)
        luaL_error(m->L, "unfinished capture");
    if (len == CAP_POSITION)
        lua_pushinteger(m->L, (lua_Integer)(m->cap[i].at - m->s0) + 1);
    else
        lua_pushlstring(m->L, m->cap[i].at, (size_t)len);
}

/* Push every capture (or the whole match when s is given and there are none). */
static int push_captures(matcher *m, const char *s, const char *e)
{
    int n = m->ncap == 0 && s ? 1 : m->ncap;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

/* A position argument made 1-based, as string.find does it. */
static size_t start_position(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp)
{
    for (size_t i = 0; i < lp; i++)
        if (p[i] && strchr(SPECIALS, p[i]))
            return 1;
    return 0;
}

static int find_or_match(lua_State *L, int find)
{
    size_t ls = 0, lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *at = memmem(s + init, ls - init, p, lp);
        if (!at) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(at - s) + 1);
        lua_pushinteger(L, (lua_Integer)(at - s + lp));
        return 2;
    }
    int anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    const char *from = s + init;
    do {
        matcher_reset(&m);
        const char *e = do_match(&m, from, p);
        if (e) {
            if (!find)
                return push_captures(&m, from, e);
            lua_pushinteger(L, (lua_Integer)(from - s) + 1);
            lua_pushinteger(L, (lua_Integer)(e - s));
            return push_captures(&m, NULL, NULL) + 2;
        }
    } while (from++ < m.s_end && !anchored);
    luaL_pushfail(L);
    return 1;
}

static int pattern_find(lua_State *L)
{
    return find_or_match(L, 1);
}

static int pattern_match(lua_State *L)
{
    return find_or_match(L, 0);
}

typedef struct gmatch_state {
    matcher m;
    const char *next;        /* where the next attempt starts */
    const char *last_end;    /* end of the last match: an empty match there is skipped */
    const char *p;
} gmatch_state;

static int gmatch_step(lua_State *L)
{
    gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
    g->m.L = L;
    for (const char *from = g->next; from <= g->m.s_end; from++) {
        matcher_reset(&g->m);
        const char *e = do_match(&g->m, from, g->p);
        if (e && e != g->last_end) {
            g->next = g->last_end = e;
            return push_captures(&g->m, from, e);
        }
    }
    g->next = g->m.s_end + 1;
    return 0;
}

static int pattern_gmatch(lua_State *L)
{
    size_t ls = 0, lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);   /* the strings stay alive as upvalues */
    gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
    if (init > ls)
        init = ls + 1;
    matcher_init(&g->m, L, s, ls, p, lp);
    g->next = s + init;
    g->last_end = NULL;
    g->p = p;
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

/* The replacement string (argument 3) with %0-%9 and %% expanded. */
static void add_replacement_string(matcher *m, luaL_Buffer *b, const char *s,
                                   const char *e)
{
    size_t len = 0;
    const char *r = lua_tolstring(m->L, 3, &len);
    const char *end = r + len;
    while (r < end) {
        const char *pct = memchr(r, '%', (size_t)(end - r));
        if (!pct) {
            luaL_addlstring(b, r, (size_t)(end - r));
            return;
        }
        luaL_addlstring(b, r, (size_t)(pct - r));
        pct++;
        if (pct < end && *pct == '%') {
            luaL_addchar(b, '%');
        } else if (pct < end && *pct == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (pct < end && isdigit((unsigned char)*pct)) {
            push_capture(m, *pct - '1', s, e);
            luaL_tolstring(m->L, -1, NULL);   /* a position becomes its digits */
            lua_remove(m->L, -2);
            luaL_addvalue(b);
        } else {
            luaL_error(m->L, "invalid use of '%%' in replacement string");
        }
        r = pct + 1;
    }
}

/* Append the replacement of the match s..e; 1 when it changed the text. */
static int add_replacement(matcher *m, luaL_Buffer *b, const char *s, const char *e,
                           int type)
{
    lua_State *L = m->L;
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (type == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_replacement_string(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int pattern_gsub(lua_State *L)
{
    size_t ls = 0, lp = 0;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int type = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING ||
                     type == LUA_TFUNCTION || type == LUA_TTABLE, 3,
                     "string/function/table");
    int anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    matcher m;
    matcher_init(&m, L, src, ls, p, lp);
    const char *last_end = NULL;
    lua_Integer n = 0;
    int changed = 0;
    while (n < max_n) {
        matcher_reset(&m);
        const char *e = do_match(&m, src, p);
        if (e && e != last_end) {
            n++;
            changed |= add_replacement(&m, &b, src, e, type);
            src = last_end = e;
        } else if (src < m.s_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchored)
            break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(m.s_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void lua_pattern_install(lua_State *L, int idx, const lua_pattern_budget *budget)
{
    static const luaL_Reg fns[] = {
        {"find", pattern_find}, {"match", pattern_match}, {"gmatch", pattern_gmatch},
        {"gsub", pattern_gsub}, {NULL, NULL}};
    idx = lua_absindex(L, idx);
    for (const luaL_Reg *f = fns; f->name; f++) {
        lua_pushlightuserdata(L, (void *)budget);
        lua_pushcclosure(L, f->func, 1);
        lua_setfield(L, idx, f->name);
    }
}
