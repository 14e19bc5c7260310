/* report_html.c: the HTML audit report (see report_html.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "report_html.h"

#define CHART_W 760
#define CHART_H 240
#define PAD_L 48
#define PAD_R 48
#define PAD_T 28
#define PAD_B 36

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;"
    "padding:0 1em}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;"
    "padding:.35em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}.error{color:#b00020}"
    ".warning{color:#a15c00}.info{color:#555}.cards{display:flex;gap:1em;flex-wrap:wrap}"
    ".card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}"
    ".card b{display:block;font-size:1.4em}svg{max-width:100%;height:auto}"
    "ul{margin:0;padding-left:1.2em}code{font-size:.95em}";

static void esc(buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, *s);
        }
    }
}

static int is_http(const char *u)
{
    return u && (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0);
}

static void page_link(buf *b, const char *url, const char *path)
{
    if (is_http(url)) {
        buf_puts(b, "<a href=\"");
        esc(b, url);
        buf_puts(b, "\">");
        esc(b, url);
        buf_puts(b, "</a>");
    } else {
        esc(b, path);
    }
}

/* An audit of no page has no compliance: it is left out of the line, never 100 %. */
static double compliant_pct(const audit_row *a)
{
    return a->pages ? 100.0 * (double)a->compliant / (double)a->pages : 0.0;
}

static void pct_text(buf *b, const audit_row *a)
{
    if (a->pages)
        buf_printf(b, "%.1f%%", compliant_pct(a));
    else
        buf_puts(b, "n/a");
}

static void chart(buf *b, const audit_row *audits, size_t n)
{
    long max_err = 1;
    for (size_t i = 0; i < n; i++)
        if (audits[i].errors > max_err)
            max_err = audits[i].errors;
    double plot_w = CHART_W - PAD_L - PAD_R, plot_h = CHART_H - PAD_T - PAD_B;
    /* One slot per audit, the point and the bar in its middle. */
    double slot = n ? plot_w / (double)n : plot_w;
    double bar_w = slot * 0.5;
    if (bar_w > 40)
        bar_w = 40;
    buf_printf(b, "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Compliance over "
               "time\">\n<title>Pages compliant (%%, line) and errors (bars) per audit</title>\n",
               CHART_W, CHART_H, CHART_W, CHART_H);
    for (int pct = 0; pct <= 100; pct += 25) {
        double y = PAD_T + plot_h * (1 - pct / 100.0);
        buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                   "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d%%</text>\n",
                   PAD_L, y, CHART_W - PAD_R, y, PAD_L - 6, y + 4, pct);
    }
    buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">line: pages compliant; bars: "
               "errors (tallest = %ld)</text>\n", PAD_L, PAD_T - 12, max_err);
    for (size_t i = 0; i < n; i++) {
        double cx = PAD_L + slot * ((double)i + 0.5);
        double h = plot_h * (double)audits[i].errors / (double)max_err;
        buf_printf(b, "<rect class=\"errors\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\" fill=\"#f3b0b8\"><title>audit #%lld: %ld errors</title>"
                   "</rect>\n", cx - bar_w / 2, PAD_T + plot_h - h, bar_w, h, audits[i].id,
                   audits[i].errors);
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">#%lld"
                   "</text>\n", cx, CHART_H - PAD_B + 16, audits[i].id);
    }
    buf_puts(b, "<polyline class=\"compliance\" fill=\"none\" stroke=\"#1a73e8\" "
                "stroke-width=\"2.5\" points=\"");
    for (size_t i = 0, drawn = 0; i < n; i++) {
        if (!audits[i].pages)
            continue;
        double cx = PAD_L + slot * ((double)i + 0.5);
        double y = PAD_T + plot_h * (1 - compliant_pct(&audits[i]) / 100.0);
        buf_printf(b, "%s%.1f,%.1f", drawn++ ? " " : "", cx, y);
    }
    buf_puts(b, "\"/>\n");
    for (size_t i = 0; i < n; i++) {
        if (!audits[i].pages)
            continue;
        double cx = PAD_L + slot * ((double)i + 0.5);
        double y = PAD_T + plot_h * (1 - compliant_pct(&audits[i]) / 100.0);
        buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1a73e8\"><title>audit "
                   "#%lld: %.1f%% of pages compliant</title></circle>\n", cx, y, audits[i].id,
                   compliant_pct(&audits[i]));
    }
    buf_puts(b, "</svg>\n");
}

typedef struct rule_count {
    const char *rule;
    size_t errors, warnings, infos;
} rule_count;

static int by_rule(const void *a, const void *b)
{
    return strcmp(((const rule_count *)a)->rule, ((const rule_count *)b)->rule);
}

static int by_rule_total(const void *a, const void *b)
{
    const rule_count *x = a, *y = b;
    size_t tx = x->errors + x->warnings + x->infos, ty = y->errors + y->warnings + y->infos;
    return tx != ty ? (tx < ty ? 1 : -1) : strcmp(x->rule, y->rule);
}

static int rules_table(buf *b, const finding_list *cur)
{
    rule_count *counts = calloc(cur->count ? cur->count : 1, sizeof *counts);
    if (!counts)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < cur->count; i++) {
        const finding *f = &cur->items[i];
        if (f->suppression != SUPP_NONE)
            continue;
        rule_count key = {.rule = f->rule};
        rule_count *c = n ? bsearch(&key, counts, n, sizeof *counts, by_rule) : NULL;
        if (!c) {
            c = &counts[n++];
            c->rule = f->rule;
            qsort(counts, n, sizeof *counts, by_rule);
            c = bsearch(&key, counts, n, sizeof *counts, by_rule);
        }
        if (f->sev == SEV_ERROR)
            c->errors++;
        else if (f->sev == SEV_WARNING)
            c->warnings++;
        else
            c->infos++;
    }
    qsort(counts, n, sizeof *counts, by_rule_total);
    buf_puts(b, "<h2>Current findings by rule</h2>\n<table id=\"by-rule\"><thead><tr><th>rule"
                "</th><th>errors</th><th>warnings</th><th>info</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, "<tr><td><code>");
        esc(b, counts[i].rule);
        buf_printf(b, "</code></td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                   "<td class=\"n\">%zu</td></tr>\n", counts[i].errors, counts[i].warnings,
                   counts[i].infos);
    }
    if (!n)
        buf_puts(b, "<tr><td colspan=\"4\">no findings</td></tr>\n");
    buf_puts(b, "</tbody></table>\n");
    free(counts);
    return 0;
}

static const char *page_key(const finding *f)
{
    return f->url ? f->url : f->path;
}

static int by_page(const void *a, const void *b)
{
    const finding *x = *(const finding *const *)a, *y = *(const finding *const *)b;
    int c = strcmp(page_key(x), page_key(y));
    return c ? c : finding_compare(x, y);
}

static int pages_table(buf *b, const finding_list *cur)
{
    const finding **sorted = calloc(cur->count ? cur->count : 1, sizeof *sorted);
    if (!sorted)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < cur->count; i++)
        if (cur->items[i].suppression == SUPP_NONE)
            sorted[n++] = &cur->items[i];
    qsort(sorted, n, sizeof *sorted, by_page);
    buf_puts(b, "<h2>Current findings by page</h2>\n<table id=\"by-page\"><thead><tr><th>page"
                "</th><th>findings</th><th>what</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(page_key(sorted[j]), page_key(sorted[i])) == 0)
            j++;
        buf_puts(b, "<tr class=\"page\"><td>");
        page_link(b, sorted[i]->url, sorted[i]->path);
        buf_printf(b, "</td><td class=\"n\">%zu</td><td><ul>", j - i);
        for (size_t k = i; k < j; k++) {
            const finding *f = sorted[k];
            buf_printf(b, "<li class=\"%s\">%s <code>", severity_name(f->sev),
                       severity_name(f->sev));
            esc(b, f->rule);
            buf_puts(b, "</code>: ");
            esc(b, f->message);
            if (f->line)
                buf_printf(b, " (line %d)", f->line);
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ul></td></tr>\n");
        i = j;
    }
    if (!n)
        buf_puts(b, "<tr><td colspan=\"3\">no findings: every page is compliant</td></tr>\n");
    buf_puts(b, "</tbody></table>\n");
    free(sorted);
    return 0;
}

/* The latest audit against the one before it: what broke, what got fixed, what is
   still open (suppressed findings are left out, as in `audit --compare`). */
static void compare_section(buf *b, long long prev_id, const audit_compare *c)
{
    if (!prev_id) {
        buf_puts(b, "<h2>Since the previous audit</h2>\n<p id=\"compare-summary\">This is the "
                    "first audit of the site: every finding is new.</p>\n");
        return;
    }
    buf_printf(b, "<h2>Since audit #%lld</h2>\n<p id=\"compare-summary\"><span class=\"error\">"
               "%zu new</span>, %zu fixed, %zu still open</p>\n", prev_id, c->added.count,
               c->fixed.count, c->still_open.count);
    const finding_list *lists[] = {&c->added, &c->fixed, &c->still_open};
    static const char *names[] = {"new", "fixed", "still open"};
    static const char *classes[] = {"new", "fixed", "open"};
    if (!c->added.count && !c->fixed.count && !c->still_open.count)
        return;
    buf_puts(b, "<table id=\"compare\"><thead><tr><th>change</th><th>page</th><th>finding"
                "</th></tr></thead><tbody>\n");
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < lists[l]->count; i++) {
            const finding *f = &lists[l]->items[i];
            buf_printf(b, "<tr class=\"%s\"><td>%s</td><td>", classes[l], names[l]);
            page_link(b, f->url, f->path);
            buf_printf(b, "</td><td class=\"%s\">%s <code>", severity_name(f->sev),
                       severity_name(f->sev));
            esc(b, f->rule);
            buf_puts(b, "</code>: ");
            esc(b, f->message);
            buf_puts(b, "</td></tr>\n");
        }
    buf_puts(b, "</tbody></table>\n");
}

static void audits_table(buf *b, const audit_row *audits, size_t n)
{
    buf_puts(b, "<h2>Audits</h2>\n<table id=\"audits\"><thead><tr><th>#</th><th>started (UTC)"
                "</th><th>pages</th><th>compliant</th><th>errors</th><th>warnings</th>"
                "<th>suppressed</th></tr></thead><tbody>\n");
    for (size_t i = n; i-- > 0;) {
        const audit_row *a = &audits[i];
        buf_printf(b, "<tr><td>%lld</td><td>", a->id);
        esc(b, a->started);
        if (a->shard) {
            buf_puts(b, " (shard ");
            esc(b, a->shard);
            buf_puts(b, ")");
        }
        buf_printf(b, "</td><td class=\"n\">%ld</td><td class=\"n\">", a->pages);
        pct_text(b, a);
        buf_printf(b, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                   "<td class=\"n\">%ld</td></tr>\n", a->errors, a->warnings, a->suppressed);
    }
    buf_puts(b, "</tbody></table>\n");
}

int report_html_write(buf *out, const audit_row *audits, size_t n, const finding_list *current,
                      long long prev_id, const audit_compare *cmp)
{
    const audit_row *last = n ? &audits[n - 1] : NULL;
    buf_puts(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>provcheck audit report: ");
    esc(out, last ? last->site : "no audits");
    buf_printf(out, "</title>\n<style>%s</style></head><body>\n<h1>Compliance audit: ", style);
    esc(out, last ? last->site : "no audits yet");
    buf_puts(out, "</h1>\n");
    if (last) {
        buf_puts(out, "<p>Latest audit #");
        buf_printf(out, "%lld, started ", last->id);
        esc(out, last->started);
        buf_printf(out, " UTC; %zu audits in the database.</p>\n", n);
        buf_printf(out, "<div class=\"cards\"><div class=\"card\"><b>%ld</b>pages</div>"
                   "<div class=\"card\"><b>", last->pages);
        pct_text(out, last);
        buf_printf(out, "</b>compliant</div><div class=\"card error\"><b>%ld</b>errors</div>"
                   "<div class=\"card warning\"><b>%ld</b>warnings</div></div>\n",
                   last->errors, last->warnings);
        buf_puts(out, "<h2>Compliance over time</h2>\n");
        chart(out, audits, n);
    } else {
        buf_puts(out, "<p>The database holds no audit yet.</p>\n");
    }
    if (last)
        compare_section(out, prev_id, cmp);
    if (rules_table(out, current) < 0 || pages_table(out, current) < 0)
        return -1;
    audits_table(out, audits, n);
    buf_puts(out, "<p><small>Written by provcheck " PROVCHECK_VERSION
                  ". A page is compliant when it has no unsuppressed finding.</small></p>\n"
                  "</body></html>\n");
    return 0;
}
