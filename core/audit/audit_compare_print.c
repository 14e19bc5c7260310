/* audit_compare_print.c: the comparison with the previous audit (--compare), as
 * JSON inside the JSON report or as text after the other formats. */
#include <stdio.h>
#include <string.h>
#include "audit.h"
#include "err.h"
#include "json_write.h"
#include "text_escape.h"

static void finding_json(buf *b, const finding *f)
{
    buf_puts(b, "{ \"rule\": ");
    json_write_string(b, f->rule);
    buf_printf(b, ", \"severity\": \"%s\", \"message\": ", severity_name(f->sev));
    json_write_string(b, f->message);
    buf_puts(b, ", \"path\": ");
    json_write_string(b, f->path);
    buf_puts(b, ", \"url\": ");
    json_write_string(b, f->url);
    buf_puts(b, ", \"fingerprint\": ");
    json_write_string(b, f->fingerprint);
    buf_puts(b, " }");
}

static void compare_json(buf *b, long long prev, const audit_compare *c)
{
    const finding_list *lists[] = {&c->added, &c->fixed, &c->still_open};
    const char *names[] = {"new", "fixed", "open"};
    if (prev)
        buf_printf(b, "\"compare\": { \"previous_audit\": %lld", prev);
    else
        buf_puts(b, "\"compare\": { \"previous_audit\": null");
    for (int l = 0; l < 3; l++) {
        buf_printf(b, ",\n    \"%s\": [", names[l]);
        for (size_t i = 0; i < lists[l]->count; i++) {
            buf_puts(b, i ? ",\n      " : "\n      ");
            finding_json(b, &lists[l]->items[i]);
        }
        buf_puts(b, lists[l]->count ? "\n    ]" : "]");
    }
    buf_puts(b, " }");
}

static void compare_text(buf *b, long long prev, const audit_compare *c)
{
    if (!prev) {
        buf_puts(b, "\ncompare: no previous audit of this site: every finding is new\n");
    } else {
        buf_printf(b, "\ncompare with audit #%lld: %zu new, %zu fixed, %zu still open\n", prev,
                   c->added.count, c->fixed.count, c->still_open.count);
    }
    const finding_list *lists[] = {&c->added, &c->fixed, &c->still_open};
    const char *names[] = {"new", "fixed", "open"};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < lists[l]->count; i++) {
            const finding *f = &lists[l]->items[i];
            buf_printf(b, "  %-5s ", names[l]);
            buf_put_visible(b, f->url ? f->url : f->path);
            buf_printf(b, "  %s  ", f->rule);
            buf_put_visible(b, f->message);
            buf_putc(b, '\n');
        }
}

int audit_compare_write(buf *out, const char *format, long long prev, const audit_compare *c)
{
    buf extra = BUF_INIT;
    int rc = 0;
    if (strcmp(format, "json") == 0) {
        while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
            out->len--;
        if (!out->len || out->data[out->len - 1] != '}')
            return err_set("cannot add the comparison to the JSON report");
        out->len--;
        out->data[out->len] = '\0';
        buf_puts(&extra, ",\n  ");
        compare_json(&extra, prev, c);
        buf_puts(&extra, "\n}\n");
        rc = buf_append(out, extra.data, extra.len);
    } else if (strcmp(format, "text") == 0) {
        compare_text(&extra, prev, c);
        rc = buf_append(out, extra.data, extra.len);
    } else {
        compare_text(&extra, prev, c);
        fputs(extra.data ? extra.data : "", stderr);
    }
    buf_free(&extra);
    return rc < 0 ? err_set("out of memory") : 0;
}

