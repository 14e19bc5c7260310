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
    return sitemap_finding_add(bad, message) < 0 ? -1 : 1;
}

int sitemap_finding_add(finding_list *found, const char *message)
{
    finding f;
    memset(&f, 0, sizeof f);
    f.rule = (char *)RULE_FETCH_ERROR;
    f.sev = SEV_ERROR;
    f.message = (char *)message;
    f.path = (char *)"";
    return finding_list_add(found, &f);   /* copies the borrowed strings */
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

/* The entry of `path` in pages sorted by path, inserted when missing. */
static page_result *page_for_path(report *r, const char *path, const char *url)
{
    size_t lo = 0, hi = r->page_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->pages[mid].path ? r->pages[mid].path : "", path);
        if (c == 0)
            return &r->pages[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    page_result *pages = realloc(r->pages, (r->page_count + 1) * sizeof *pages);
    if (!pages)
        return NULL;
    r->pages = pages;
    page_result entry = {.path = strdup(path), .url = url ? strdup(url) : NULL};
    if (!entry.path || (url && !entry.url)) {
        free(entry.path);
        free(entry.url);
        return NULL;
    }
    memmove(&pages[lo + 1], &pages[lo], (r->page_count - lo) * sizeof *pages);
    pages[lo] = entry;
    r->page_count++;
    return &pages[lo];
}

int sitemap_findings_report(report *r, finding_list *found)
{
    finding_list_sort(found);
    int rc = 0;
    for (size_t start = 0, end; rc == 0 && start < found->count; start = end) {
        const char *path = found->items[start].path ? found->items[start].path : "";
        for (end = start + 1; end < found->count; end++)
            if (strcmp(found->items[end].path ? found->items[end].path : "", path) != 0)
                break;
        /* Two sitemaps of one path (two origins) must not share fingerprints. */
        finding_fingerprint_page(found->items + start, end - start);
        if (!page_for_path(r, path, found->items[start].url))
            rc = -1;
    }
    if (rc == 0 && finding_list_splice(&r->findings, found) < 0)
        rc = -1;
    finding_list_free(found);
    finding_list_sort(&r->findings);
    report_recount(r);
    return rc;
}
