/* sitemap_loc.c: findings for sitemap entries that name no page (see sitemap_loc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "crawl.h"
#include "sitemap_loc.h"

/* Long enough to recognise the entry, short enough for a report line. */
#define LOC_SHOWN 200

const char *sitemap_loc_problem(const char *loc)
{
    if (!loc || !*loc)
        return "is empty";
    /* RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    size_t n = strspn(loc, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    int alpha_first = (loc[0] >= 'a' && loc[0] <= 'z') || (loc[0] >= 'A' && loc[0] <= 'Z');
    if (!n || !alpha_first || loc[n] != ':')
        return "is a relative URL (a sitemap lists absolute http(s) URLs)";
    if (!((n == 4 && strncasecmp(loc, "http", 4) == 0) ||
          (n == 5 && strncasecmp(loc, "https", 5) == 0)))
        return "is not an http(s) URL";
    char *norm = url_normalize(NULL, loc);
    free(norm);
    return norm ? NULL : "is not a valid URL";
}

int sitemap_loc_check(const char *loc, finding_list *bad)
{
    const char *problem = sitemap_loc_problem(loc);
    if (!problem)
        return 0;
    char message[LOC_SHOWN + 160];
    if (!loc || !*loc)
        snprintf(message, sizeof message, "sitemap entry: the <loc> %s: it lists no page",
                 problem);
    else
        snprintf(message, sizeof message, "sitemap entry \"%.*s%s\" %s: the page is not audited",
                 LOC_SHOWN, loc, strlen(loc) > LOC_SHOWN ? "..." : "", problem);
    finding f;
    memset(&f, 0, sizeof f);
    f.rule = (char *)RULE_FETCH_ERROR;
    f.sev = SEV_ERROR;
    f.message = message;
    f.path = (char *)"";
    return finding_list_add(bad, &f) < 0 ? -1 : 1;
}

int sitemap_loc_place(finding_list *bad, const char *path, const char *url)
{
    for (size_t i = 0; i < bad->count; i++) {
        finding *f = &bad->items[i];
        char *p = strdup(path), *u = url ? strdup(url) : NULL;
        if (!p || (url && !u)) {
            free(p);
            free(u);
            return -1;
        }
        free(f->path);
        free(f->url);
        f->path = p;
        f->url = u;
    }
    finding_fingerprint_page(bad->items, bad->count);
    return 0;
}
