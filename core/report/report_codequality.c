/* report_codequality.c: GitLab Code Quality JSON (`--format codequality`), the
 * array of issues GitLab shows in merge requests and pipelines (docs/ci.md):
 * description, check_name, fingerprint, severity, location.path and
 * location.lines.begin per unsuppressed finding, in report order. Suppressed
 * findings are left out: GitLab has no notion of a suppressed issue, and showing
 * one would undo the suppression. The report's fingerprints are already unique per
 * finding and line-independent, which is what GitLab compares between the source
 * and target branch; no timestamps, so any -j gives the same bytes. */
#include <string.h>
#include "json_write.h"
#include "report.h"

/* GitLab's scale is info, minor, major, critical, blocker. An error fails the
   run, as a major issue blocks a merge in most teams; critical and blocker are left
   to rules that may one day say a page is unsafe. */
static const char *codequality_severity(severity s)
{
    switch (s) {
    case SEV_ERROR: return "major";
    case SEV_WARNING: return "minor";
    default: return "info";
    }
}

static int codequality_issue(buf *out, const finding *f)
{
    int rc = buf_puts(out, "{ \"description\": ");
    if (f->url) {
        /* Audits: the page is a live URL, not a file of the repository. */
        rc |= buf_putc(out, '"');
        rc |= json_write_escaped(out, f->url, strlen(f->url));
        rc |= buf_puts(out, ": ");
        rc |= json_write_escaped(out, f->message ? f->message : "",
                                 f->message ? strlen(f->message) : 0);
        rc |= buf_putc(out, '"');
    } else {
        rc |= json_write_string(out, f->message ? f->message : "");
    }
    rc |= buf_puts(out, ", \"check_name\": ");
    rc |= json_write_string(out, f->rule ? f->rule : "");
    rc |= buf_puts(out, ", \"fingerprint\": ");
    rc |= json_write_string(out, f->fingerprint);
    rc |= buf_printf(out, ", \"severity\": \"%s\", \"location\": { \"path\": ",
                     codequality_severity(f->sev));
    rc |= json_write_string(out, f->path ? f->path : (f->url ? f->url : ""));
    /* lines.begin is required: a finding without a line is about the whole page. */
    rc |= buf_printf(out, ", \"lines\": { \"begin\": %d } } }", f->line > 0 ? f->line : 1);
    return rc;
}

int report_write_codequality(const report *r, const report_options *o, buf *out)
{
    (void)o;
    size_t start = buf_mark(out);
    int rc = buf_putc(out, '[');
    size_t written = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        if (f->suppression != SUPP_NONE)
            continue;
        rc |= buf_puts(out, written++ ? ",\n  " : "\n  ");
        rc |= codequality_issue(out, f);
        rc |= buf_spill(out);
    }
    rc |= buf_puts(out, written ? "\n]\n" : "]\n");
    if (rc < 0) {
        buf_rewind(out, start);   /* never half a report */
        return -1;
    }
    return 0;
}
