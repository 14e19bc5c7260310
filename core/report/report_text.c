/* report_text.c: the human report, one line per unsuppressed finding in the
 * compiler style editors understand (`path:line:col: severity: message [rule]`),
 * then one summary line. Suppressed findings are only counted. */
#include "report.h"
#include "text_escape.h"

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"

static const char *severity_color(severity s)
{
    switch (s) {
    case SEV_ERROR: return "\033[1;31m";
    case SEV_WARNING: return "\033[1;33m";
    case SEV_INFO: return "\033[1;36m";
    default: return "";
    }
}

static int text_finding(buf *out, const finding *f, int color, const report_options *o)
{
    int rc = 0;
    rc |= buf_puts(out, color ? ANSI_BOLD : "");
    /* paths as they paste back into `provcheck check PATH` from where the run began,
       with control characters shown, never sent to the terminal */
    if (f->path) {
        buf shown = BUF_INIT;
        rc |= report_put_display_path(&shown, o, f->path);
        rc |= buf_put_visible(out, shown.data ? shown.data : "");
        buf_free(&shown);
    } else {
        rc |= buf_put_visible(out, f->url ? f->url : "-");
    }
    if (f->line > 0)
        rc |= buf_printf(out, ":%d", f->line);
    if (f->line > 0 && f->column > 0)
        rc |= buf_printf(out, ":%d", f->column);
    rc |= buf_printf(out, ":%s %s%s%s: ", color ? ANSI_RESET : "",
                     color ? severity_color(f->sev) : "", severity_name(f->sev),
                     color ? ANSI_RESET : "");
    rc |= buf_put_visible(out, f->message);
    rc |= buf_puts(out, " [");
    rc |= buf_put_visible(out, f->rule);
    rc |= buf_puts(out, "]\n");
    return rc;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int report_write_text(const report *r, const report_options *o, buf *out)
{
    int color = o && o->color;
    int quiet = o && o->quiet;
    size_t start = buf_mark(out);
    int rc = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (f->suppression != SUPP_NONE || (quiet && f->sev < SEV_ERROR))
            continue;
        rc |= text_finding(out, f, color, o);
        rc |= buf_spill(out);
    }
    if (r->config_changed_count) {
        rc |= buf_puts(out, color ? "\033[1;33mwarning:" ANSI_RESET " " : "warning: ");
        rc |= report_config_warning(r, out);
        rc |= buf_putc(out, '\n');
    }
    rc |= buf_printf(out, "%zu %s, %zu %s, %zu %s", r->page_count,
                     plural(r->page_count, "page", "pages"), r->errors,
                     plural(r->errors, "error", "errors"), r->warnings,
                     plural(r->warnings, "warning", "warnings"));
    if (r->infos)
        rc |= buf_printf(out, ", %zu %s", r->infos, plural(r->infos, "info", "infos"));
    if (r->suppressed)
        rc |= buf_printf(out, ", %zu suppressed", r->suppressed);
    rc |= buf_putc(out, '\n');
    if (rc < 0) {
        buf_rewind(out, start);
        return -1;
    }
    return 0;
}
