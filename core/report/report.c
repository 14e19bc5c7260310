/* report.c: the report's own bookkeeping: counts and freeing. */
#include <stdlib.h>
#include <string.h>
#include "err.h"
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
    free(r->config_from);
    free(r->config_base);
    for (size_t i = 0; i < r->config_changed_count; i++)
        free(r->config_changed[i]);
    free(r->config_changed);
    free(r->shard);
    free(r->config_hash);
    free(r->now);
    for (size_t i = 0; !r->page_pool && i < r->page_count; i++) {
        free(r->pages[i].path);
        free(r->pages[i].url);
        free(r->pages[i].blob);
    }
    strpool_free(r->page_pool);
    free(r->pages);
    finding_list_free(&r->findings);
    for (size_t i = 0; i < r->text_pool_count; i++)
        strpool_free(r->text_pools[i]);
    free(r->text_pools);
    for (size_t i = 0; i < r->rule_count; i++) {
        free(r->rules[i].id);
        free(r->rules[i].summary);
        free(r->rules[i].docs);
        free(r->rules[i].url);
    }
    free(r->rules);
    memset(r, 0, sizeof *r);
}

int report_set_config_drift(report *r, const char *config_from, const char *config_base,
                            const char *const *changed, size_t count)
{
    if (config_from && !(r->config_from = strdup(config_from)))
        return err_set("out of memory");
    if (config_base && !(r->config_base = strdup(config_base)))
        return err_set("out of memory");
    if (!count)
        return 0;
    r->config_changed = calloc(count, sizeof *r->config_changed);
    if (!r->config_changed)
        return err_set("out of memory");
    for (size_t i = 0; i < count; i++) {
        if (!(r->config_changed[i] = strdup(changed[i])))
            return err_set("out of memory");
        r->config_changed_count++;
    }
    return 0;
}

int report_config_warning(const report *r, buf *out)
{
    if (!r->config_changed_count || !r->config_base)
        return 0;
    int rc = buf_printf(out, "the checked %s changes %zu config and rule %s relative to %s (",
                        r->kind && strcmp(r->kind, "rev") == 0 ? "revision"
                        : r->kind && strcmp(r->kind, "staged") == 0 ? "index" : "work tree",
                        r->config_changed_count,
                        r->config_changed_count == 1 ? "file" : "files", r->config_base);
    for (size_t i = 0; i < r->config_changed_count; i++) {
        rc |= buf_puts(out, i ? ", " : "");
        /* a file name is the checked revision's to choose: no control characters
           reach a terminal or a CI log from it */
        for (const char *c = r->config_changed[i]; *c; c++)
            rc |= buf_putc(out, (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c);
    }
    if (r->config_from)
        rc |= buf_printf(out, "): config and rules were read from %s (--config-from), so "
                         "these changes did not apply", r->config_from);
    else
        rc |= buf_printf(out, "): config and rules were read from what is checked, so these "
                         "changes apply to this check; --config-from %s checks with the "
                         "trusted ones", r->config_base);
    return rc;
}
