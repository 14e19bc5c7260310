/* report_github.c: GitHub Actions workflow commands (`--format github`), one
 * `::error file=F,line=L,col=C,title=RULE::MESSAGE` per unsuppressed finding, then
 * a plain summary. GitHub turns only the first 10 errors and 10 warnings of a step
 * into annotations, so the summary carries the totals and where the full report is.
 *
 * Escaping follows GitHub's runner (ActionCommand.cs): in the message (data) %, CR
 * and LF; in properties also ':' and ','. */
#include <stdlib.h>
#include "report.h"

/* How many annotations of each kind GitHub shows per step. */
#define GITHUB_ANNOTATIONS_PER_LEVEL 10

static int escape_github(buf *out, const char *s, int property)
{
    int rc = 0;
    for (; s && *s && rc == 0; s++) {
        switch (*s) {
        case '%': rc = buf_puts(out, "%25"); break;
        case '\r': rc = buf_puts(out, "%0D"); break;
        case '\n': rc = buf_puts(out, "%0A"); break;
        case ':': rc = property ? buf_puts(out, "%3A") : buf_putc(out, ':'); break;
        case ',': rc = property ? buf_puts(out, "%2C") : buf_putc(out, ','); break;
        default: rc = buf_putc(out, *s); break;
        }
    }
    return rc;
}

static const char *command_for(severity s)
{
    switch (s) {
    case SEV_ERROR: return "error";
    case SEV_WARNING: return "warning";
    default: return "notice";
    }
}

static int github_finding(buf *out, const finding *f)
{
    int rc = buf_printf(out, "::%s ", command_for(f->sev));
    /* Audit findings point at a live URL, not a file of the repository: GitHub would
       drop a file= it cannot find, so the URL goes into the message instead. */
    int has_file = !f->url && f->path;
    if (has_file) {
        rc |= buf_puts(out, "file=");
        /* the file's own name: a report path's %25 is its '%' */
        buf name = BUF_INIT;
        rc |= report_put_display_path(&name, NULL, f->path);
        rc |= escape_github(out, rc == 0 ? name.data : f->path, 1);
        buf_free(&name);
        if (f->line > 0)
            rc |= buf_printf(out, ",line=%d", f->line);
        if (f->line > 0 && f->column > 0)
            rc |= buf_printf(out, ",col=%d", f->column);
        rc |= buf_putc(out, ',');
    }
    rc |= buf_puts(out, "title=");
    rc |= escape_github(out, f->rule ? f->rule : "provcheck", 1);
    rc |= buf_puts(out, "::");
    if (!has_file && (f->url || f->path)) {
        rc |= escape_github(out, f->url ? f->url : f->path, 0);
        rc |= buf_puts(out, ": ");
    }
    rc |= escape_github(out, f->message ? f->message : "", 0);
    rc |= buf_putc(out, '\n');
    return rc;
}

static const char *hint_or_default(const report_options *o)
{
    if (o && o->report_hint && *o->report_hint)
        return o->report_hint;
    /* Lets a workflow name its artifact without a new option; see docs/ci.md. */
    const char *env = getenv("PROVCHECK_REPORT_HINT");
    if (env && *env)
        return env;
    return "run `provcheck check` (text), or `-f json` / `-f sarif` for every finding";
}

static int github_summary(buf *out, const report *r, const report_options *o, int quiet)
{
    int rc = buf_printf(out, "provcheck: %zu pages, %zu errors, %zu warnings, %zu notices, "
                        "%zu suppressed.", r->page_count, r->errors, r->warnings, r->infos,
                        r->suppressed);
    size_t hidden_errors = r->errors > GITHUB_ANNOTATIONS_PER_LEVEL
                               ? r->errors - GITHUB_ANNOTATIONS_PER_LEVEL : 0;
    size_t hidden_warnings = !quiet && r->warnings > GITHUB_ANNOTATIONS_PER_LEVEL
                                 ? r->warnings - GITHUB_ANNOTATIONS_PER_LEVEL : 0;
    rc |= buf_printf(out, " GitHub shows only the first %d errors and %d warnings of a step "
                     "as annotations", GITHUB_ANNOTATIONS_PER_LEVEL,
                     GITHUB_ANNOTATIONS_PER_LEVEL);
    if (hidden_errors || hidden_warnings)
        rc |= buf_printf(out, " (%zu errors and %zu warnings are not annotated)",
                         hidden_errors, hidden_warnings);
    if (quiet && r->warnings)
        rc |= buf_printf(out, "; --quiet left out %zu warnings", r->warnings);
    rc |= buf_puts(out, ". Full report: ");
    rc |= escape_github(out, hint_or_default(o), 0);
    rc |= buf_putc(out, '\n');
    return rc;
}

int report_write_github(const report *r, const report_options *o, buf *out)
{
    int quiet = o && o->quiet;
    size_t start = buf_mark(out);
    int rc = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (f->suppression != SUPP_NONE || f->sev == SEV_OFF || (quiet && f->sev < SEV_ERROR))
            continue;
        rc |= github_finding(out, f);
        rc |= buf_spill(out);
    }
    if (r->config_changed_count) {
        buf msg = BUF_INIT;
        rc |= report_config_warning(r, &msg);
        rc |= buf_puts(out, "::warning title=provcheck config changed::");
        rc |= escape_github(out, msg.data ? msg.data : "", 0);
        rc |= buf_putc(out, '\n');
        buf_free(&msg);
    }
    rc |= github_summary(out, r, o, quiet);
    if (rc < 0) {
        buf_rewind(out, start);
        return -1;
    }
    return 0;
}
