/* report_json.c: the JSON report, format version 1 (CONTRACT.md), keys in the
 * contract's order. One page or finding per line keeps diffs of reports readable. */
#include "json_write.h"
#include "report.h"

#ifndef PROVCHECK_VERSION
#define PROVCHECK_VERSION "0.0.0"
#endif

static int json_int_or_null(buf *out, int v)
{
    if (v > 0)
        return buf_printf(out, "%d", v);
    return buf_puts(out, "null");
}

static const char *suppression_name(suppression_kind k)
{
    switch (k) {
    case SUPP_INLINE: return "\"inline\"";
    case SUPP_BASELINE: return "\"baseline\"";
    default: return "null";
    }
}

static int json_page(buf *out, const page_result *p)
{
    int rc = 0;
    rc |= buf_puts(out, "{ \"path\": ");
    rc |= json_write_string(out, p->path);
    rc |= buf_puts(out, ", \"url\": ");
    rc |= json_write_string(out, p->url);
    rc |= buf_puts(out, ", \"blob\": ");
    rc |= json_write_string(out, p->blob);
    rc |= buf_printf(out, ", \"findings\": %zu }", p->findings);
    return rc;
}

static int json_finding(buf *out, const finding *f)
{
    int rc = 0;
    rc |= buf_puts(out, "{ \"rule\": ");
    rc |= json_write_string(out, f->rule);
    rc |= buf_printf(out, ", \"severity\": \"%s\", \"message\": ", severity_name(f->sev));
    rc |= json_write_string(out, f->message);
    rc |= buf_puts(out, ", \"path\": ");
    rc |= json_write_string(out, f->path);
    rc |= buf_puts(out, ", \"url\": ");
    rc |= json_write_string(out, f->url);
    rc |= buf_puts(out, ", \"line\": ");
    rc |= json_int_or_null(out, f->line);
    rc |= buf_puts(out, ", \"column\": ");
    rc |= json_int_or_null(out, f->column);
    rc |= buf_puts(out, ", \"commit\": ");
    rc |= json_write_string(out, f->commit);
    rc |= buf_puts(out, ", \"blob\": ");
    rc |= json_write_string(out, f->blob);
    rc |= buf_puts(out, ", \"fingerprint\": ");
    rc |= json_write_string(out, f->fingerprint);
    rc |= buf_printf(out, ", \"suppressed\": %s, \"suppression\": %s",
               f->suppression != SUPP_NONE ? "true" : "false",
               suppression_name(f->suppression));
    /* Additive: the reason written in an inline suppression comment. */
    if (f->suppression == SUPP_INLINE && f->suppress_reason) {
        rc |= buf_puts(out, ", \"reason\": ");
        rc |= json_write_string(out, f->suppress_reason);
    }
    if (f->extra_json && f->extra_json[0]) {
        rc |= buf_puts(out, ", ");
        rc |= buf_puts(out, f->extra_json);
    }
    rc |= buf_puts(out, " }");
    return rc;
}

/* Additive target fields, present when the run compared config and rules with a
   revision or read them from --config-from. */
static int json_config_drift(buf *out, const report *r)
{
    if (!r->config_from && !r->config_base)
        return 0;
    int rc = buf_puts(out, ", \"config_from\": ");
    rc |= json_write_string(out, r->config_from);
    rc |= buf_puts(out, ", \"config_base\": ");
    rc |= json_write_string(out, r->config_base);
    rc |= buf_printf(out, ", \"config_changed\": %s, \"config_changed_files\": [",
                     r->config_changed_count ? "true" : "false");
    for (size_t i = 0; i < r->config_changed_count; i++) {
        rc |= buf_puts(out, i ? ", " : "");
        rc |= json_write_string(out, r->config_changed[i]);
    }
    rc |= buf_putc(out, ']');
    return rc;
}

int report_write_json(const report *r, const report_options *o, buf *out)
{
    (void)o;
    size_t start = buf_mark(out);
    int rc = 0;
    rc |= buf_puts(out, "{\n  \"version\": 1,\n  \"tool\": { \"name\": \"provcheck\", \"version\": ");
    rc |= json_write_string(out, PROVCHECK_VERSION);
    rc |= buf_puts(out, " },\n  \"target\": { \"kind\": ");
    rc |= json_write_string(out, r->kind ? r->kind : "files");
    rc |= buf_puts(out, ", \"root\": ");
    rc |= json_write_string(out, r->root ? r->root : "");
    rc |= buf_puts(out, ", \"rev\": ");
    rc |= json_write_string(out, r->rev);
    rc |= buf_puts(out, ", \"commit\": ");
    rc |= json_write_string(out, r->commit && r->commit[0] ? r->commit : NULL);
    rc |= json_config_drift(out, r);
    /* Additive to format 1: the shard and config this report ran, checked by merge. */
    rc |= buf_puts(out, " },\n  \"run\": { \"shard\": ");
    rc |= json_write_string(out, r->shard);
    rc |= buf_puts(out, ", \"config_hash\": ");
    rc |= json_write_string(out, r->config_hash);
    if (r->now) {   /* only when the clock could decide findings: see report.h */
        rc |= buf_puts(out, ", \"now\": ");
        rc |= json_write_string(out, r->now);
    }
    rc |= buf_printf(out,
               " },\n  \"summary\": { \"pages\": %zu, \"findings\": %zu, \"errors\": %zu, "
               "\"warnings\": %zu, \"suppressed\": %zu },\n  \"pages\": [",
               r->page_count, r->unsuppressed, r->errors, r->warnings, r->suppressed);
    for (size_t i = 0; i < r->page_count; i++) {
        rc |= buf_puts(out, i ? ",\n    " : "\n    ");
        rc |= json_page(out, &r->pages[i]);
        rc |= buf_spill(out);
    }
    rc |= buf_puts(out, r->page_count ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [");
    for (size_t i = 0; i < r->findings.count; i++) {
        rc |= buf_puts(out, i ? ",\n    " : "\n    ");
        rc |= json_finding(out, &r->findings.items[i]);
        rc |= buf_spill(out);
    }
    rc |= buf_puts(out, r->findings.count ? "\n  ]\n}\n" : "]\n}\n");
    if (rc < 0) {
        /* Never hand out half a report. */
        buf_rewind(out, start);
        return -1;
    }
    return 0;
}
