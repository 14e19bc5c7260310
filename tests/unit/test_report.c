/* test_report.c: the JSON and text reporters on a constructed report, recounting,
 * and the atomic writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "fileio.h"
#include "report.h"

static void add_finding(report *r, const char *rule, severity sev, const char *path,
                        int line, int col, const char *msg, suppression_kind supp)
{
    finding f = {0};
    f.rule = (char *)rule;
    f.sev = sev;
    f.path = (char *)path;
    f.line = line;
    f.column = col;
    f.message = (char *)msg;
    f.suppression = supp;
    if (supp == SUPP_INLINE)
        f.suppress_reason = (char *)"legal approved";
    assert_int_equal(finding_list_add(&r->findings, &f), 0);
    finding *added = &r->findings.items[r->findings.count - 1];
    finding_fingerprint_page(added, 1);
}

static void build(report *r)
{
    memset(r, 0, sizeof *r);
    r->kind = strdup("files");
    r->root = strdup("site");
    r->page_count = 2;
    r->pages = calloc(2, sizeof *r->pages);
    r->pages[0].path = strdup("a.html");
    r->pages[1].path = strdup("news/b \"q\".html");
    add_finding(r, "privacy-link", SEV_ERROR, "a.html", 12, 3, "no privacy link", SUPP_NONE);
    add_finding(r, "source-attribution", SEV_WARNING, "a.html", 0, 0, "no source", SUPP_NONE);
    add_finding(r, "third-party-disclaimer", SEV_ERROR, "news/b \"q\".html", 4, 0,
                "tab\there", SUPP_INLINE);
    finding_list_sort(&r->findings);
    report_recount(r);
}

static void test_recount(void **state)
{
    (void)state;
    report r;
    build(&r);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.warnings, 1);
    assert_int_equal(r.suppressed, 1);
    assert_int_equal(r.unsuppressed, 2);
    assert_int_equal(r.pages[0].findings, 2);
    assert_int_equal(r.pages[1].findings, 0);
    report_free(&r);
    assert_null(r.pages);
}

static void test_json_bytes(void **state)
{
    (void)state;
    report r;
    build(&r);
    buf out = BUF_INIT;
    assert_int_equal(report_write_json(&r, NULL, &out), 0);
    buf want = BUF_INIT;
    buf_printf(&want,
        "{\n  \"version\": 1,\n  \"tool\": { \"name\": \"provcheck\", \"version\": \"%s\" },\n"
        "  \"target\": { \"kind\": \"files\", \"root\": \"site\", \"rev\": null, \"commit\": null },\n"
        "  \"run\": { \"shard\": null, \"config_hash\": null },\n"
        "  \"summary\": { \"pages\": 2, \"findings\": 2, \"errors\": 1, \"warnings\": 1, \"suppressed\": 1 },\n"
        "  \"pages\": [\n"
        "    { \"path\": \"a.html\", \"url\": null, \"blob\": null, \"findings\": 2 },\n"
        "    { \"path\": \"news/b \\\"q\\\".html\", \"url\": null, \"blob\": null, \"findings\": 0 }\n"
        "  ],\n  \"findings\": [\n", PROVCHECK_VERSION);
    const finding *f = r.findings.items;
    buf_printf(&want,
        "    { \"rule\": \"source-attribution\", \"severity\": \"warning\", \"message\": \"no source\", "
        "\"path\": \"a.html\", \"url\": null, \"line\": null, \"column\": null, \"commit\": null, "
        "\"blob\": null, \"fingerprint\": \"%s\", \"suppressed\": false, \"suppression\": null },\n",
        f[0].fingerprint);
    buf_printf(&want,
        "    { \"rule\": \"privacy-link\", \"severity\": \"error\", \"message\": \"no privacy link\", "
        "\"path\": \"a.html\", \"url\": null, \"line\": 12, \"column\": 3, \"commit\": null, "
        "\"blob\": null, \"fingerprint\": \"%s\", \"suppressed\": false, \"suppression\": null },\n",
        f[1].fingerprint);
    buf_printf(&want,
        "    { \"rule\": \"third-party-disclaimer\", \"severity\": \"error\", \"message\": \"tab\\u0009here\", "
        "\"path\": \"news/b \\\"q\\\".html\", \"url\": null, \"line\": 4, \"column\": null, \"commit\": null, "
        "\"blob\": null, \"fingerprint\": \"%s\", \"suppressed\": true, \"suppression\": \"inline\", "
        "\"reason\": \"legal approved\" }\n  ]\n}\n",
        f[2].fingerprint);
    assert_string_equal(out.data, want.data);
    buf_free(&out);
    buf_free(&want);
    report_free(&r);
}

static void test_json_empty_and_extra(void **state)
{
    (void)state;
    report r = {0};
    r.kind = strdup("rev");
    r.root = strdup(".");
    r.rev = strdup("HEAD~1");
    r.commit = strdup("0123456789012345678901234567890123456789");
    buf out = BUF_INIT;
    assert_int_equal(report_write_json(&r, NULL, &out), 0);
    assert_non_null(strstr(out.data, "\"rev\": \"HEAD~1\", \"commit\": \"0123456789012345678901234567890123456789\""));
    assert_non_null(strstr(out.data, "\"pages\": [],\n  \"findings\": []\n}\n"));
    buf_free(&out);
    finding f = {0};
    f.rule = (char *)"r";
    f.path = (char *)"p";
    f.message = (char *)"m";
    f.sev = SEV_INFO;
    f.extra_json = (char *)"\"introduced\": {\"commit\": \"abc\"}";
    finding_list_add(&r.findings, &f);
    assert_int_equal(report_write_json(&r, NULL, &out), 0);
    assert_non_null(strstr(out.data, "\"suppression\": null, \"introduced\": {\"commit\": \"abc\"} }"));
    buf_free(&out);
    report_free(&r);
}

static void test_text(void **state)
{
    (void)state;
    report r;
    build(&r);
    buf out = BUF_INIT;
    report_options o = {0};
    assert_int_equal(report_write_text(&r, &o, &out), 0);
    assert_string_equal(out.data,
        "a.html: warning: no source [source-attribution]\n"
        "a.html:12:3: error: no privacy link [privacy-link]\n"
        "2 pages, 1 error, 1 warning, 1 suppressed\n");
    buf_free(&out);
    o.quiet = 1;
    assert_int_equal(report_write_text(&r, &o, &out), 0);
    assert_string_equal(out.data,
        "a.html:12:3: error: no privacy link [privacy-link]\n"
        "2 pages, 1 error, 1 warning, 1 suppressed\n");
    buf_free(&out);
    o.quiet = 0;
    o.color = 1;
    assert_int_equal(report_write_text(&r, &o, &out), 0);
    assert_non_null(strstr(out.data, "\033[1;31merror\033[0m"));
    buf_free(&out);
    report_free(&r);
}

static void test_atomic_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/provcheck-report-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.json", dir);
    assert_int_equal(write_file_atomic(path, "first", 5), 0);
    assert_int_equal(write_file_atomic(path, "second\n", 7), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read_all(path, 0, &data, &len), 0);
    assert_int_equal(len, 7);
    assert_string_equal(data, "second\n");
    free(data);
    assert_int_equal(file_read_all(path, 3, &data, &len), FILEIO_TOO_LARGE);
    /* A folder that does not exist: an error, and nothing is left behind. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.json", dir);
    assert_int_equal(write_file_atomic(bad, "x", 1), -1);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);   /* empty: no temp file left */
}

/* A sink that keeps the bytes and the largest piece it was handed. */
typedef struct chunk_sink {
    buf all;
    size_t largest, calls;
} chunk_sink;

static int keep_chunk(void *ctx, const char *data, size_t len)
{
    chunk_sink *c = ctx;
    c->calls++;
    if (len > c->largest)
        c->largest = len;
    return buf_append(&c->all, data, len);
}

/* Streamed writers give the same bytes as whole-buffer ones, in bounded pieces,
   and report_emit to a file gives them too. */
static void test_streamed_reports(void **state)
{
    (void)state;
    report r;
    memset(&r, 0, sizeof r);
    r.kind = strdup("files");
    r.root = strdup("site");
    enum { PAGES = 6000 };
    r.page_count = PAGES;
    r.pages = calloc(PAGES, sizeof *r.pages);
    char path[64];
    for (int i = 0; i < PAGES; i++) {
        snprintf(path, sizeof path, "news/%05d.html", i);
        r.pages[i].path = strdup(path);
        add_finding(&r, "privacy-link", i % 3 ? SEV_ERROR : SEV_WARNING, r.pages[i].path, i + 1,
                    2, "no visible link to the privacy policy", SUPP_NONE);
    }
    finding_list_sort(&r.findings);
    report_recount(&r);
    const char *formats[] = {"json", "text", "github"};
    char dir[] = "/tmp/provcheck-stream-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out_path[128];
    snprintf(out_path, sizeof out_path, "%s/report", dir);
    for (size_t k = 0; k < 3; k++) {
        report_writer w = report_writer_for(formats[k]);
        buf whole = BUF_INIT;
        assert_int_equal(w(&r, NULL, &whole), 0);
        assert_true(whole.len > 4 * BUF_SPILL_BYTES);
        chunk_sink c = {BUF_INIT, 0, 0};
        buf streamed = BUF_INIT;
        streamed.sink = keep_chunk;
        streamed.sink_ctx = &c;
        assert_int_equal(w(&r, NULL, &streamed), 0);
        assert_int_equal(buf_drain(&streamed), 0);
        assert_true(c.calls > 4);
        assert_true(c.largest < BUF_SPILL_BYTES + 1024);   /* one record past the mark */
        assert_int_equal(c.all.len, whole.len);
        assert_memory_equal(c.all.data, whole.data, whole.len);
        assert_int_equal(report_emit(&r, w, NULL, out_path), 0);
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(file_read_all(out_path, 0, &data, &len), 0);
        assert_int_equal(len, whole.len);
        assert_memory_equal(data, whole.data, len);
        free(data);
        buf_free(&whole);
        buf_free(&streamed);
        buf_free(&c.all);
    }
    unlink(out_path);
    assert_int_equal(rmdir(dir), 0);   /* no temp file left */
    report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recount),
        cmocka_unit_test(test_json_bytes),
        cmocka_unit_test(test_json_empty_and_extra),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_streamed_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
