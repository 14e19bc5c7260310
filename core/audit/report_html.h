/* report_html.h: the audit history as one self-contained HTML page: inline CSS,
 * no scripts, an inline SVG chart of compliance over time (pages compliant %, as a
 * line; errors per audit, as bars), what changed since the audit before the last
 * (new, fixed, still open), the current findings by rule and by page with
 * links to the pages, and the list of audits. Every string from the database is
 * HTML-escaped; only http(s) URLs become links. */
#ifndef PROVCHECK_REPORT_HTML_H
#define PROVCHECK_REPORT_HTML_H
#include <stddef.h>
#include "audit_db.h"
#include "buf.h"
#include "finding.h"

/* `audits` oldest first; `current` = the findings of the last audit; `cmp` = the
 * last audit against audit `prev_id` (0: it is the first, `cmp` unused). 0, or -1
 * when the buffer refused to grow. */
int report_html_write(buf *out, const audit_row *audits, size_t audit_count,
                      const finding_list *current, long long prev_id,
                      const audit_compare *cmp);

#endif
