/* robots.c: robots.txt parsing and matching (see robots.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "robots.h"

typedef struct robots_rule {
    char *pattern;
    int allow;
} robots_rule;

struct robots {
    robots_rule *rules;
    size_t count, cap;
    double crawl_delay;
    int disallow_all;
};

/* Group state while reading: which agents the current group names, and whether
   its rule lines have started (a User-agent line after a rule opens a new group). */
typedef struct group_state {
    int names_us, names_star, in_rules;
} group_state;

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* The spelling paths are compared in (RFC 9309 2.2.2): an escaped unreserved
   character is decoded ("%61" is "a"), every other escape is kept with uppercase
   hex (so "%2F" stays distinct from "/"), and octets outside printable ASCII (and
   a '%' that starts no escape) are escaped. Rules and URL paths both go through it, so either spelling of a path
   matches the other. malloc'd, or NULL when out of memory. */
static char *canonical_path(const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int hi = -1, lo = -1;
        if (c == '%' && i + 2 < len) {
            hi = hex_value(s[i + 1]);
            lo = hex_value(s[i + 2]);
        }
        if (hi >= 0 && lo >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
            if (is_unreserved(c)) {
                out[n++] = (char)c;
                continue;
            }
        } else if (c > 0x20 && c < 0x7f && c != '%') {   /* a lone '%' is "%25" */
            out[n++] = (char)c;
            continue;
        }
        out[n++] = '%';
        out[n++] = hex[c >> 4];
        out[n++] = hex[c & 15];
    }
    out[n] = '\0';
    return out;
}

static int add_rule(robots *r, const char *pattern, size_t len, int allow)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        robots_rule *rules = realloc(r->rules, cap * sizeof *rules);
        if (!rules)
            return -1;
        r->rules = rules;
        r->cap = cap;
    }
    char *p = canonical_path(pattern, len);
    if (!p)
        return -1;
    r->rules[r->count].pattern = p;
    r->rules[r->count].allow = allow;
    r->count++;
    return 0;
}

static void clear_rules(robots *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->rules[i].pattern);
    r->count = 0;
    r->crawl_delay = 0;
}

/* The product token: "provcheck/0.1.0 (+https://...)" gives "provcheck". */
static size_t product_token(const char *ua)
{
    size_t n = 0;
    while (ua[n] && ua[n] != '/' && !isspace((unsigned char)ua[n]))
        n++;
    return n;
}

static robots *robots_new(void)
{
    return calloc(1, sizeof(robots));
}

robots *robots_allow_all(void)
{
    return robots_new();
}

robots *robots_disallow_all(void)
{
    robots *r = robots_new();
    if (r)
        r->disallow_all = 1;
    return r;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && isspace((unsigned char)**s))
        (*s)++;
    while (*e > *s && isspace((unsigned char)(*e)[-1]))
        (*e)--;
}

robots *robots_parse(const char *text, size_t len, const char *user_agent)
{
    /* Two rule sets are collected at once: ours and the '*' one; the '*' set is
       used only when no group names us. */
    robots *ours = robots_new(), *star = robots_new();
    if (!ours || !star)
        goto oom;
    size_t token_len = product_token(user_agent ? user_agent : "");
    int found_ours = 0;
    group_state g = {0, 0, 0};
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *next = eol < end ? eol + 1 : end;
        const char *hash = memchr(line, '#', (size_t)(eol - line));
        const char *stop = hash ? hash : eol;
        const char *colon = memchr(line, ':', (size_t)(stop - line));
        if (!colon) {
            line = next;
            continue;
        }
        const char *ks = line, *ke = colon, *vs = colon + 1, *ve = stop;
        trim(&ks, &ke);
        trim(&vs, &ve);
        size_t klen = (size_t)(ke - ks), vlen = (size_t)(ve - vs);
        if (klen == 10 && strncasecmp(ks, "user-agent", 10) == 0) {
            if (g.in_rules)
                memset(&g, 0, sizeof g);
            size_t vt = 0;
            while (vt < vlen && vs[vt] != '/' && !isspace((unsigned char)vs[vt]))
                vt++;
            if (vt == 1 && vs[0] == '*')
                g.names_star = 1;
            else if (vt && vt == token_len && strncasecmp(vs, user_agent, vt) == 0) {
                g.names_us = 1;
                found_ours = 1;
            }
        } else if ((klen == 5 && strncasecmp(ks, "allow", 5) == 0) ||
                   (klen == 8 && strncasecmp(ks, "disallow", 8) == 0)) {
            g.in_rules = 1;
            int allow = klen == 5;
            /* "Disallow:" with no path allows everything: no rule at all. */
            if (vlen == 0)
                goto next_line;
            if (g.names_us && add_rule(ours, vs, vlen, allow) < 0)
                goto oom;
            if (g.names_star && add_rule(star, vs, vlen, allow) < 0)
                goto oom;
        } else if (klen == 11 && strncasecmp(ks, "crawl-delay", 11) == 0) {
            g.in_rules = 1;
            char tmp[32];
            size_t n = vlen < sizeof tmp - 1 ? vlen : sizeof tmp - 1;
            memcpy(tmp, vs, n);
            tmp[n] = '\0';
            char *endp = NULL;
            double d = strtod(tmp, &endp);
            /* Bounded: a hostile file must not stall an audit for days. */
            if (endp != tmp && d > 0 && d <= 60) {
                if (g.names_us)
                    ours->crawl_delay = d;
                if (g.names_star)
                    star->crawl_delay = d;
            }
        }
    next_line:
        line = next;
    }
    if (found_ours) {
        robots_free(star);
        return ours;
    }
    robots_free(ours);
    return star;
oom:
    robots_free(ours);
    robots_free(star);
    return NULL;
}

/* Does `pat` match a prefix of `path` ('*' any run, '$' at the end anchors)? The
   classic single-backtrack glob walk: O(len(pat) * len(path)), whatever the stars. */
static int pattern_match(const char *pat, const char *path)
{
    size_t plen = strlen(pat);
    int anchored = plen && pat[plen - 1] == '$';
    if (anchored)
        plen--;
    const char *star = NULL, *star_path = NULL;
    size_t pi = 0;
    const char *s = path;
    for (;;) {
        if (pi == plen && (!anchored || *s == '\0'))
            return 1;
        if (pi < plen && pat[pi] == '*') {
            star = pat + pi++;
            star_path = s;
            continue;
        }
        if (pi < plen && *s && pat[pi] == *s) {
            pi++;
            s++;
            continue;
        }
        if (star && *star_path) {
            pi = (size_t)(star - pat) + 1;
            s = ++star_path;
            continue;
        }
        return 0;
    }
}

int robots_allowed(const robots *r, const char *path)
{
    if (!r)
        return 1;
    if (r->disallow_all)
        return 0;
    if (!path || !*path)
        path = "/";
    if (strcmp(path, "/robots.txt") == 0)
        return 1;
    char *canonical = canonical_path(path, strlen(path));
    if (canonical)
        path = canonical;   /* out of memory: the path as written is the best guess */
    size_t best = 0;
    int verdict = 1, matched = 0;
    for (size_t i = 0; i < r->count; i++) {
        const robots_rule *rule = &r->rules[i];
        size_t len = strlen(rule->pattern);
        if (!pattern_match(rule->pattern, path))
            continue;
        if (!matched || len > best || (len == best && rule->allow)) {
            best = len;
            verdict = rule->allow;
            matched = 1;
        }
    }
    free(canonical);
    return verdict;
}

double robots_crawl_delay(const robots *r)
{
    return r ? r->crawl_delay : 0;
}

void robots_free(robots *r)
{
    if (!r)
        return;
    clear_rules(r);
    free(r->rules);
    free(r);
}
