/* report.c: the report's own bookkeeping: counts and freeing. */
#include <stdlib.h>
#include <string.h>
#include "report.h"

static int page_path_cmp(const void *key, const void *elem)
{
    const page_result *p = elem;
    return strcmp(key, p->path ? p->path : "");
}

void report_recount(report *r)
{
    r->errors = r->warnings = r->infos = r->suppressed = r->unsuppressed = 0;
    for (size_t i = 0; i < r->page_count; i++)
        r->pages[i].findings = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (f->suppression != SUPP_NONE) {
            r->suppressed++;
            continue;
        }
        r->unsuppressed++;
        if (f->sev == SEV_ERROR)
            r->errors++;
        else if (f->sev == SEV_WARNING)
            r->warnings++;
        else if (f->sev == SEV_INFO)
            r->infos++;
        /* pages[] is sorted by path (bytewise), so a binary search finds the page. */
        page_result *p = f->path ? bsearch(f->path, r->pages, r->page_count,
                                           sizeof *r->pages, page_path_cmp)
                                 : NULL;
        if (p)
            p->findings++;
    }
}

void report_free(report *r)
{
    if (!r)
        return;
    free(r->kind);
    free(r->root);
    free(r->rev);
    free(r->commit);
    for (size_t i = 0; i < r->page_count; i++) {
        free(r->pages[i].path);
        free(r->pages[i].url);
        free(r->pages[i].blob);
    }
    free(r->pages);
    finding_list_free(&r->findings);
    for (size_t i = 0; i < r->rule_count; i++) {
        free(r->rules[i].id);
        free(r->rules[i].summary);
        free(r->rules[i].docs);
        free(r->rules[i].url);
    }
    free(r->rules);
    memset(r, 0, sizeof *r);
}
