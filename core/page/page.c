/* page.c: page lifecycle, identity accessors and link target resolution.
 * The views live in page_text.c, page_links.c, page_jsonld.c, page_select.c and
 * page_suppress.c; parsing in page_parse.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "page_priv.h"

static int dup_opt(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

page *page_new(const page_identity *id, char *bytes, size_t len)
{
    page *p = calloc(1, sizeof *p);
    if (!p) {
        free(bytes);
        return NULL;
    }
    p->bytes = bytes;   /* owned by the page now */
    p->limits = (page_limits){PAGE_DEFAULT_MAX_ATTRIBUTES, PAGE_DEFAULT_MAX_DEPTH,
                              PAGE_DEFAULT_PARSE_SECONDS};
    p->len = bytes ? len : 0;
    if (id && (dup_opt(&p->path, id->path) < 0 || dup_opt(&p->site_path, id->site_path) < 0 ||
               dup_opt(&p->url, id->url) < 0 || dup_opt(&p->blob, id->blob) < 0 ||
               dup_opt(&p->commit, id->commit) < 0)) {
        page_free(p);
        return NULL;
    }
    return p;
}

static const char *const NEED_NAMES[] = {"text", "links", "meta", "jsonld", "tree", "head",
                                         "tree-on-demand"};

unsigned page_need_parse(const char *name)
{
    for (unsigned i = 0; i < sizeof NEED_NAMES / sizeof *NEED_NAMES; i++)
        if (strcmp(name, NEED_NAMES[i]) == 0)
            return 1u << i;
    return 0;
}

const char *page_need_name(unsigned bit)
{
    for (unsigned i = 0; i < sizeof NEED_NAMES / sizeof *NEED_NAMES; i++)
        if (bit == 1u << i)
            return NEED_NAMES[i];
    return "tree";
}

void page_set_needs(page *p, unsigned needs)
{
    p->needs = needs;
    p->stream_wanted = !(needs & PAGE_NEED_TREE);
    /* what only the head views read is gathered while streaming only when a rule
       may read it; without it those views build the tree on demand */
    p->head_wanted = (needs & (PAGE_NEED_META | PAGE_NEED_JSONLD | PAGE_NEED_HEAD)) != 0;
}

int page_streamed(const page *p)
{
    return p->streamed;
}

void page_set_limits(page *p, const page_limits *limits)
{
    p->limits = *limits;
}

void page_free(page *p)
{
    if (!p)
        return;
    page_text_free_views(p);
    page_links_free(p);
    page_suppress_free(p);
    page_stream_free(p);
    cfgval_free(p->jsonld);
    if (p->doc)
        xmlFreeDoc(p->doc);
    page_lines_free(p);
    page_find_free(p);
    free(p->bytes);
    free(p->path);
    free(p->site_path);
    free(p->url);
    free(p->blob);
    free(p->commit);
    free(p);
}

const char *page_path(const page *p) { return p->path; }
const char *page_site_path(const page *p) { return p->site_path ? p->site_path : p->path; }
const char *page_url(const page *p) { return p->url; }
const char *page_blob(const page *p) { return p->blob; }
const char *page_commit(const page *p) { return p->commit; }

void page_set_resolver(page *p, page_target_exists_fn fn, void *ctx)
{
    p->resolver = fn;
    p->resolver_ctx = ctx;
}

/* ---- link targets ---- */

/* "scheme:" per RFC 3986: a letter, then letters, digits, '+', '-', '.'. */
static int has_scheme(const char *s)
{
    if (!isalpha((unsigned char)*s))
        return 0;
    for (s++; *s; s++) {
        if (*s == ':')
            return 1;
        if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-' && *s != '.')
            return 0;
    }
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode %XX in place; -1 when it decodes to a NUL (never a real file name). */
static int percent_decode(char *s)
{
    char *o = s;
    for (char *i = s; *i; i++) {
        if (*i == '%' && hexval(i[1]) >= 0 && hexval(i[2]) >= 0) {
            int c = hexval(i[1]) * 16 + hexval(i[2]);
            if (c == 0)
                return -1;
            *o++ = (char)c;
            i += 2;
        } else {
            *o++ = *i;
        }
    }
    *o = '\0';
    return 0;
}

/* Join `base` (a folder, may be "") and `rel`, resolving "." and "..". The result
 * has no leading '/'; *trailing_slash says whether it names a folder. -1 when the
 * path climbs out of the root. */
static char *resolve_path(const char *base, const char *rel, int *trailing_slash)
{
    size_t cap = strlen(base) + strlen(rel) + 2;
    char *joined = malloc(cap), *out = malloc(cap);
    if (!joined || !out) {
        free(joined);
        free(out);
        return NULL;
    }
    snprintf(joined, cap, "%s/%s", base, rel);
    size_t n = 0;
    int escaped = 0;
    *trailing_slash = 0;
    char *save = NULL;
    size_t jl = strlen(joined);
    *trailing_slash = jl > 0 && (joined[jl - 1] == '/' ||
                                 (jl >= 2 && strcmp(joined + jl - 2, "/.") == 0) ||
                                 (jl >= 3 && strcmp(joined + jl - 3, "/..") == 0));
    for (char *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (n == 0) {
                escaped = 1;
                break;
            }
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;   /* the '/' before the dropped segment */
            continue;
        }
        if (n > 0)
            out[n++] = '/';
        size_t sl = strlen(seg);
        memcpy(out + n, seg, sl);
        n += sl;
    }
    out[n] = '\0';
    free(joined);
    if (escaped) {
        free(out);
        *trailing_slash = -1;
        return NULL;
    }
    return out;
}

/* Length of "scheme://host[:port]" at the start of an http(s) URL, 0 otherwise. */
static size_t http_origin_length(const char *url)
{
    size_t skip;
    if (strncasecmp(url, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(url, "https://", 8) == 0)
        skip = 8;
    else
        return 0;
    return skip + strcspn(url + skip, "/?#");
}

/* In audits a link to the page's own origin is a link into the site, whether it is
   written as a path or as a full URL: rewrite h in place to its path ("/x?y"),
   which the resolver fetches. Other hosts stay unchecked (-1). */
static int strip_own_origin(const page *p, char *h)
{
    size_t page_origin = p->url ? http_origin_length(p->url) : 0;
    if (!page_origin)
        return -1;
    size_t origin;
    if (h[0] == '/' && h[1] == '/') {   /* scheme-relative: compare the authority */
        const char *authority = strstr(p->url, "//") + 2;
        size_t alen = page_origin - (size_t)(authority - p->url);
        origin = 2 + strcspn(h + 2, "/?#");
        if (origin - 2 != alen || strncasecmp(h + 2, authority, alen) != 0)
            return -1;
    } else {
        origin = http_origin_length(h);
        if (!origin || origin != page_origin || strncasecmp(h, p->url, origin) != 0)
            return -1;
    }
    memmove(h + 1, h + origin, strlen(h + origin) + 1);
    h[0] = '/';
    if (h[1] == '/')   /* it already had its own slash */
        memmove(h, h + 1, strlen(h + 1) + 1);
    return 0;
}

int page_link_target_exists(page *p, const char *href)
{
    if (!p->resolver || !href)
        return -1;
    while (*href == ' ' || (*href >= '\t' && *href <= '\r'))
        href++;
    size_t hl = strlen(href);
    while (hl > 0 && (href[hl - 1] == ' ' || (href[hl - 1] >= '\t' && href[hl - 1] <= '\r')))
        hl--;
    if (hl == 0 || (hl == 1 && href[0] == '#'))
        return -1;
    if (href[0] == '#')
        return 1;   /* a place on this very page */
    char *h = strndup(href, hl);
    if (!h)
        return -1;
    int rc = -1;
    char *path = NULL, *dir = NULL;
    if ((has_scheme(h) || (h[0] == '/' && h[1] == '/')) && strip_own_origin(p, h) < 0)
        goto done;
    h[strcspn(h, "?#")] = '\0';
    if (percent_decode(h) < 0) {
        rc = 0;
        goto done;
    }
    const char *site = page_site_path(p);
    dir = strdup(site ? site : "");
    if (!dir)
        goto done;
    char *slash = strrchr(dir, '/');
    if (h[0] == '/' || !slash)
        dir[0] = '\0';
    else
        *slash = '\0';
    if (h[0] == '\0') {   /* "?x" alone: this page */
        rc = 1;
        goto done;
    }
    int folder;
    path = resolve_path(dir, h, &folder);
    if (!path) {
        rc = folder < 0 ? 0 : -1;
        goto done;
    }
    size_t pl = strlen(path);
    if (p->url) {
        /* Over HTTP the server maps folders to their index itself: one request,
           for the URL as the link wrote it. */
        char *as_written = malloc(pl + 2);
        if (!as_written)
            goto done;
        snprintf(as_written, pl + 2, "%s%s", path, folder && pl ? "/" : "");
        rc = p->resolver(p->resolver_ctx, as_written) ? 1 : 0;
        free(as_written);
        goto done;
    }
    char *idx = malloc(pl + sizeof "/index.html");
    if (!idx)
        goto done;
    if (pl == 0)
        strcpy(idx, "index.html");
    else
        snprintf(idx, pl + sizeof "/index.html", "%s/index.html", path);
    if (folder || pl == 0)
        rc = p->resolver(p->resolver_ctx, idx) ? 1 : 0;
    else
        rc = p->resolver(p->resolver_ctx, path) || p->resolver(p->resolver_ctx, idx) ? 1 : 0;
    free(idx);
done:
    free(h);
    free(dir);
    free(path);
    return rc;
}
