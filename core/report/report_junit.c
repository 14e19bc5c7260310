/* report_junit.c: JUnit XML for GitLab and Jenkins test views, written with
 * libxml2's xmlwriter. One testcase per page (CONTRACT.md): it fails with its
 * unsuppressed findings at or above --fail-on, one `path:line:col: severity:
 * message [rule]` line each, as the run's exit status would; findings below it and
 * suppressed ones do not fail it and are listed in its system-out. No
 * timestamps or durations: the same report gives the same bytes. */
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>
#include "json_write.h"
#include "report.h"

/* XML 1.0 allows neither invalid UTF-8 nor most control characters; messages come
   from rule scripts and page text, so they are made safe first (U+FFFD). */
static char *xml_safe(const char *s)
{
    buf b;
    buf_init(&b, 0);
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t n = utf8_valid_seq(p, len - i);
        int control = n == 1 && p[0] < 0x20 && p[0] != '\t' && p[0] != '\n' && p[0] != '\r';
        /* U+FFFE and U+FFFF are not XML characters either. */
        int nonchar = n == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
        if (n == 0 || control || nonchar) {
            if (buf_puts(&b, "\xEF\xBF\xBD") < 0)
                goto oom;
            i += n ? n : 1;
            continue;
        }
        if (buf_append(&b, p, n) < 0)
            goto oom;
        i += n;
    }
    return buf_detach(&b, NULL);
oom:
    buf_free(&b);
    return NULL;
}

static int write_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *safe = xml_safe(value);
    if (!safe)
        return -1;
    int rc = xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST safe);
    free(safe);
    return rc < 0 ? -1 : 0;
}

static int write_attr_count(xmlTextWriterPtr w, const char *name, size_t n)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%zu", n) < 0 ? -1 : 0;
}

static int write_text(xmlTextWriterPtr w, const char *text)
{
    char *safe = xml_safe(text);
    if (!safe)
        return -1;
    int rc = xmlTextWriterWriteString(w, BAD_CAST safe);
    free(safe);
    return rc < 0 ? -1 : 0;
}

static const char *finding_where(const finding *f)
{
    return f->path ? f->path : (f->url ? f->url : "-");
}

static int finding_line(buf *b, const finding *f)
{
    int rc = buf_puts(b, finding_where(f));
    if (f->line > 0)
        rc |= buf_printf(b, ":%d", f->line);
    if (f->line > 0 && f->column > 0)
        rc |= buf_printf(b, ":%d", f->column);
    rc |= buf_printf(b, ": %s: %s [%s]", severity_name(f->sev), f->message ? f->message : "",
                     f->rule ? f->rule : "");
    return rc;
}

/* "provcheck.news.world" for news/world/a.html: GitLab and Jenkins group by class. */
static int classname_for(buf *b, const char *path)
{
    int rc = buf_puts(b, "provcheck");
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return rc;
    const char *p = path;
    while (*p == '/')
        p++;
    if (p < slash)
        rc |= buf_putc(b, '.');
    for (; p < slash; p++)
        rc |= buf_putc(b, *p == '/' ? '.' : *p);
    return rc;
}

/* Whether f fails its testcase: unsuppressed and at or above the run's --fail-on
   (a warning on a page must not turn a passing run's test view red). */
static int fails_case(const finding *f, severity fail_on)
{
    return f->suppression == SUPP_NONE && f->sev != SEV_OFF && f->sev >= fail_on;
}

/* Distinct rule ids of the failing findings, in order of first appearance. */
static int failure_types(buf *b, const finding *items, size_t count, severity fail_on)
{
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        const finding *f = &items[i];
        if (!fails_case(f, fail_on))
            continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = fails_case(&items[j], fail_on) && strcmp(items[j].rule, f->rule) == 0;
        if (seen)
            continue;
        if (b->len)
            rc |= buf_putc(b, ',');
        rc |= buf_puts(b, f->rule ? f->rule : "");
    }
    return rc;
}

static const char *suppression_word(const finding *f)
{
    return f->suppression == SUPP_BASELINE ? "baseline" : "inline";
}

/* One page: `items` are its findings (contiguous, the report is sorted by path). */
static int write_testcase(xmlTextWriterPtr w, const char *path, const char *url,
                          const finding *items, size_t count, severity fail_on)
{
    buf b = BUF_INIT;
    size_t failing = 0, passed = 0;   /* passed: below --fail-on, or suppressed */
    for (size_t i = 0; i < count; i++) {
        if (fails_case(&items[i], fail_on))
            failing++;
        else
            passed++;
    }
    int rc = xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ? -1 : 0;
    rc |= classname_for(&b, path);
    rc |= write_attr(w, "classname", b.data ? b.data : "provcheck");
    rc |= write_attr(w, "name", path ? path : (url ? url : "-"));
    rc |= write_attr(w, "file", url ? url : path);
    if (failing) {
        buf_reset(&b);
        rc |= buf_printf(&b, "%zu %s", failing, failing == 1 ? "finding" : "findings");
        rc |= xmlTextWriterStartElement(w, BAD_CAST "failure") < 0 ? -1 : 0;
        rc |= write_attr(w, "message", b.data);
        buf_reset(&b);
        rc |= failure_types(&b, items, count, fail_on);
        rc |= write_attr(w, "type", b.data ? b.data : "");
        buf_reset(&b);
        for (size_t i = 0; i < count; i++) {
            if (!fails_case(&items[i], fail_on))
                continue;
            rc |= finding_line(&b, &items[i]);
            rc |= buf_putc(&b, '\n');
        }
        rc |= write_text(w, b.data);
        rc |= xmlTextWriterEndElement(w) < 0 ? -1 : 0;
    }
    if (passed) {
        buf_reset(&b);
        for (size_t i = 0; i < count; i++) {
            const finding *f = &items[i];
            if (fails_case(f, fail_on))
                continue;
            if (f->suppression == SUPP_NONE) {
                rc |= buf_puts(&b, "below --fail-on: ");
                rc |= finding_line(&b, f);
                rc |= buf_putc(&b, '\n');
                continue;
            }
            rc |= buf_printf(&b, "suppressed (%s", suppression_word(f));
            if (f->suppress_reason)
                rc |= buf_printf(&b, ": %s", f->suppress_reason);
            rc |= buf_puts(&b, "): ");
            rc |= finding_line(&b, f);
            rc |= buf_putc(&b, '\n');
        }
        rc |= xmlTextWriterStartElement(w, BAD_CAST "system-out") < 0 ? -1 : 0;
        rc |= write_text(w, b.data);
        rc |= xmlTextWriterEndElement(w) < 0 ? -1 : 0;
    }
    rc |= xmlTextWriterEndElement(w) < 0 ? -1 : 0;
    buf_free(&b);
    return rc;
}

static int path_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Pages with a failing finding; findings whose path is not among the pages (a
   hand-made report) get a testcase of their own. */
static void count_cases(const report *r, severity fail_on, size_t *tests, size_t *failures)
{
    size_t t = r->page_count, failed = 0, pi = 0;
    const finding_list *fl = &r->findings;
    for (size_t i = 0; i < fl->count;) {
        const char *path = fl->items[i].path;
        size_t end = i, unsuppressed = 0;
        while (end < fl->count && path_cmp(fl->items[end].path, path) == 0)
            unsuppressed += fails_case(&fl->items[end++], fail_on);
        while (pi < r->page_count && path_cmp(r->pages[pi].path, path) < 0)
            pi++;
        if (pi >= r->page_count || path_cmp(r->pages[pi].path, path) != 0)
            t++;
        if (unsuppressed)
            failed++;
        i = end;
    }
    *tests = t;
    *failures = failed;
}

static int write_cases(xmlTextWriterPtr w, const report *r, severity fail_on)
{
    const finding_list *fl = &r->findings;
    size_t pi = 0, fi = 0;
    int rc = 0;
    /* A merge walk over the sorted pages and the sorted findings. */
    while ((pi < r->page_count || fi < fl->count) && rc == 0) {
        const char *ppath = pi < r->page_count ? r->pages[pi].path : NULL;
        const char *fpath = fi < fl->count ? fl->items[fi].path : NULL;
        int take_page = pi < r->page_count &&
                        (fi >= fl->count || path_cmp(ppath, fpath) <= 0);
        const char *path = take_page ? ppath : fpath;
        const char *url = take_page ? r->pages[pi].url : fl->items[fi].url;
        size_t end = fi;
        while (end < fl->count && path_cmp(fl->items[end].path, path) == 0)
            end++;
        rc = write_testcase(w, path, url, fl->items + fi, end - fi, fail_on);
        fi = end;
        if (take_page)
            pi++;
    }
    return rc;
}

static int write_suite_attrs(xmlTextWriterPtr w, size_t tests, size_t failures)
{
    int rc = write_attr(w, "name", "provcheck");
    rc |= write_attr_count(w, "tests", tests);
    rc |= write_attr_count(w, "failures", failures);
    rc |= write_attr_count(w, "errors", 0);
    return rc;
}

int report_write_junit(const report *r, const report_options *o, buf *out)
{
    /* --fail-on never changes only the exit status: conversion steps pass it, and
       their test view must still fail on errors. */
    severity fail_on = o && o->fail_on == SEV_WARNING ? SEV_WARNING : SEV_ERROR;
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    int rc = -1;
    if (!w)
        goto cleanup;
    size_t tests, failures;
    count_cases(r, fail_on, &tests, &failures);
    rc = 0;
    rc |= xmlTextWriterSetIndent(w, 1) < 0 ? -1 : 0;
    rc |= xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0 ? -1 : 0;
    rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ? -1 : 0;
    rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ? -1 : 0;
    rc |= write_suite_attrs(w, tests, failures);
    rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ? -1 : 0;
    rc |= write_suite_attrs(w, tests, failures);
    rc |= write_attr_count(w, "skipped", 0);
    if (rc == 0)
        rc = write_cases(w, r, fail_on);
    rc |= xmlTextWriterEndDocument(w) < 0 ? -1 : 0;   /* closes open elements */
    rc |= xmlTextWriterFlush(w) < 0 ? -1 : 0;
    if (rc == 0)
        rc = buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
cleanup:
    if (w)
        xmlFreeTextWriter(w);
    if (xb)
        xmlBufferFree(xb);
    return rc < 0 ? -1 : 0;
}
