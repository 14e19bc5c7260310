/* glob.c: the path globs of include, exclude and overrides (config.h).
 * '*' and '?' stay within one '/'-separated segment, '[...]' is a character class
 * ('!' or '^' negates, ranges allowed), and a whole segment '**' spans any number
 * of segments, zero included, so the pattern `**` `/` `*.html` also matches
 * "a.html". */
#include <string.h>
#include "config.h"

/* Match one class at p (just past '['): 1/0 for the char c, or -1 when the class
   is not closed (then '[' is a literal). *end_out points past ']'. */
static int match_class(const char *p, char c, const char **end_out)
{
    int negate = 0, matched = 0;
    if (*p == '!' || *p == '^') {
        negate = 1;
        p++;
    }
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            if ((unsigned char)c >= (unsigned char)p[0] &&
                (unsigned char)c <= (unsigned char)p[2])
                matched = 1;
            p += 3;
        } else {
            if (c == *p)
                matched = 1;
            p++;
        }
    }
    if (*p != ']')
        return -1;
    *end_out = p + 1;
    return matched != negate;
}

static int match_from(const char *pat, const char *p, const char *s)
{
    for (;;) {
        int segment_start = p == pat || p[-1] == '/';
        if (segment_start && p[0] == '*' && p[1] == '*' && (p[2] == '/' || !p[2])) {
            if (!p[2])
                return 1;            /* trailing ** takes everything left */
            const char *rest = p + 3;
            for (;;) {               /* zero segments, then one more each time */
                if (match_from(pat, rest, s))
                    return 1;
                const char *slash = strchr(s, '/');
                if (!slash)
                    return 0;
                s = slash + 1;
            }
        }
        switch (*p) {
        case '\0':
            return *s == '\0';
        case '*':
            while (*p == '*')
                p++;
            for (;; s++) {
                if (match_from(pat, p, s))
                    return 1;
                if (!*s || *s == '/')
                    return 0;
            }
        case '?':
            if (!*s || *s == '/')
                return 0;
            p++;
            s++;
            break;
        case '[': {
            if (!*s || *s == '/')
                return 0;
            const char *end = NULL;
            int m = match_class(p + 1, *s, &end);
            if (m < 0) {             /* unclosed: a literal '[' */
                if (*s != '[')
                    return 0;
                p++;
                s++;
                break;
            }
            if (!m)
                return 0;
            p = end;
            s++;
            break;
        }
        default:
            if (*p != *s)
                return 0;
            p++;
            s++;
        }
    }
}

int glob_match(const char *pattern, const char *path)
{
    if (!pattern || !path)
        return 0;
    return match_from(pattern, pattern, path);
}

int config_path_included(const config *c, const char *site_path)
{
    int included = 0;
    for (size_t i = 0; i < c->include_count && !included; i++)
        included = glob_match(c->include[i], site_path);
    if (!included)
        return 0;
    for (size_t i = 0; i < c->exclude_count; i++)
        if (glob_match(c->exclude[i], site_path))
            return 0;
    return 1;
}

/* Whether some path below folder `dir` could match `pattern`: the pattern's
   leading segments match dir's segments one by one (or a '**' segment is reached)
   and at least one pattern segment is left for what lies below. */
static int may_match_below(const char *pattern, const char *dir)
{
    const char *p = pattern, *d = dir;
    char pseg[256], dseg[256];
    while (*d) {
        if (!*p)
            return 0;
        size_t pn = strcspn(p, "/"), dn = strcspn(d, "/");
        if (pn == 2 && p[0] == '*' && p[1] == '*')
            return 1;
        if (!p[pn])
            return 0;   /* the last pattern segment names the file itself */
        if (pn >= sizeof pseg || dn >= sizeof dseg)
            return 1;   /* too long to judge: assume it may hold pages */
        memcpy(pseg, p, pn);
        pseg[pn] = '\0';
        memcpy(dseg, d, dn);
        dseg[dn] = '\0';
        if (!glob_match(pseg, dseg))
            return 0;
        p += pn + 1;
        d += dn;
        while (*d == '/')
            d++;
    }
    return *p != '\0';
}

/* Whether `pattern` excludes everything below `dir`: "**", or a head followed by a
   final ** segment, the head matching dir or one of its ancestors. */
static int excludes_below(const char *pattern, const char *dir)
{
    if (strcmp(pattern, "**") == 0)
        return 1;
    size_t n = strlen(pattern);
    if (n < 4 || strcmp(pattern + n - 3, "/**") != 0 || n - 3 >= 512)
        return 0;
    char head[512], prefix[512];
    memcpy(head, pattern, n - 3);
    head[n - 3] = '\0';
    size_t dn = strlen(dir);
    if (dn >= sizeof prefix)
        return 0;
    for (size_t i = 0; i <= dn; i++) {
        if (dir[i] != '/' && dir[i] != '\0')
            continue;
        memcpy(prefix, dir, i);
        prefix[i] = '\0';
        if (glob_match(head, prefix))
            return 1;
    }
    return 0;
}

int config_folder_in_scope(const config *c, const char *site_dir)
{
    int may = 0;
    for (size_t i = 0; i < c->include_count && !may; i++)
        may = may_match_below(c->include[i], site_dir);
    if (!may)
        return 0;
    for (size_t i = 0; i < c->exclude_count; i++)
        if (excludes_below(c->exclude[i], site_dir))
            return 0;
    return 1;
}
