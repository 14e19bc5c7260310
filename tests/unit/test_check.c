/* test_check.c: check_run on a real temporary site with the real built-in rules:
 * the report is byte-identical for -j1 and -j4, unreadable pages become page-error
 * findings, shards partition the site, and the cache hooks are honoured. */
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
#include "check.h"
#include "config.h"
#include "err.h"
#include "src_fs.h"

static char base[64];

static void write_at(const char *rel, const void *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_text(const char *rel, const char *text)
{
    write_at(rel, text, strlen(text));
}

static const char good_page[] =
    "<!doctype html><html><head><title>ok</title></head><body><article>\n"
    "<p>Story text.</p>\n<p>Source: Reuters</p>\n"
    "<p>The information on this site is from external sources that are not under our "
    "control.</p>\n<a href=\"/privacy.html\">Privacy policy</a>\n</article></body></html>\n";

static const char bad_page[] =
    "<!doctype html><html><head><title>bad</title></head><body>\n<p>No attribution.</p>\n"
    "<a href=\"missing-privacy.html\">privacy</a>\n</body></html>\n";

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "/tmp/provcheck-check-XXXXXX");
    if (!mkdtemp(base))
        return -1;
    char p[256];
    snprintf(p, sizeof p, "%s/news", base);
    mkdir(p, 0755);
    write_text("privacy.html", good_page);
    write_text("index.html", good_page);
    for (int i = 0; i < 40; i++) {
        char name[64];
        snprintf(name, sizeof name, "news/%02d.html", i);
        write_text(name, i % 3 ? good_page : bad_page);
    }
    write_at("empty.html", "", 0);
    static const unsigned char binary[] = {0x89, 'P', 'N', 'G', 0, 0, 0, 0x0d, 0xff, 0xfe,
                                           0, 1, 2, 3, 0, 0, 0, 0, 0x80, 0x81};
    write_at("binary.html", binary, sizeof binary);
    char big[6000];
    memset(big, 'x', sizeof big);
    memcpy(big, "<html><body><p>", 15);
    write_at("huge.html", big, sizeof big);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct fixture {
    config *cfg;
    vfs fs;
    ruleset *rs;
    source *src;
} fixture;

static void fixture_open(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->cfg = config_default();
    assert_non_null(fx->cfg);
    fx->cfg->max_page_bytes = 4096;
    assert_int_equal(vfs_fs_open(&fx->fs, base), 0);
    if (ruleset_load(&fx->rs, fx->cfg, &fx->fs) < 0)
        fail_msg("ruleset_load: %s", err_last());
    if (src_fs_open(&fx->src, base, NULL, 0, fx->cfg) < 0)
        fail_msg("src_fs_open: %s", err_last());
}

static void fixture_close(fixture *fx)
{
    fx->src->free(fx->src);
    ruleset_free(fx->rs);
    vfs_fs_close(&fx->fs);
    config_free(fx->cfg);
}

static char *run_json(fixture *fx, int jobs, int k, int n, report *keep)
{
    check_options opt = {.jobs = jobs, .shard_index = k, .shard_count = n};
    report r;
    if (check_run(&r, fx->src, fx->rs, &opt) < 0)
        fail_msg("check_run: %s", err_last());
    buf b = BUF_INIT;
    assert_int_equal(report_write_json(&r, NULL, &b), 0);
    if (keep)
        *keep = r;
    else
        report_free(&r);
    return buf_detach(&b, NULL);
}

static const finding *finding_for(const report *r, const char *path, const char *rule)
{
    for (size_t i = 0; i < r->findings.count; i++)
        if (!strcmp(r->findings.items[i].path, path) && !strcmp(r->findings.items[i].rule, rule))
            return &r->findings.items[i];
    return NULL;
}

static void test_jobs_identical(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    report r;
    char *one = run_json(&fx, 1, 0, 0, &r);
    char *four = run_json(&fx, 4, 0, 0, NULL);
    char *again = run_json(&fx, 4, 0, 0, NULL);
    assert_string_equal(one, four);
    assert_string_equal(four, again);
    assert_int_equal(r.page_count, 45);
    /* Good pages are clean; bad ones have findings of the three core rules. */
    assert_null(finding_for(&r, "index.html", "privacy-link"));
    assert_non_null(finding_for(&r, "news/00.html", "source-attribution"));
    assert_non_null(finding_for(&r, "news/00.html", "privacy-link"));
    assert_non_null(finding_for(&r, "news/00.html", "third-party-disclaimer"));
    assert_null(finding_for(&r, "news/01.html", "source-attribution"));
    /* Findings are sorted and the counts add up. */
    for (size_t i = 1; i < r.findings.count; i++)
        assert_true(finding_compare(&r.findings.items[i - 1], &r.findings.items[i]) <= 0);
    size_t sum = 0;
    for (size_t i = 0; i < r.page_count; i++)
        sum += r.pages[i].findings;
    assert_int_equal(sum, r.unsuppressed);
    assert_true(r.errors > 0);
    /* every finding's rule and message were moved to the report's text pools */
    assert_int_equal(r.text_pool_count, 1);
    for (size_t i = 0; i < r.findings.count; i++)
        assert_int_equal(r.findings.items[i].pooled_text, 1);
    report_free(&r);
    free(one);
    free(four);
    free(again);
    fixture_close(&fx);
}

static void test_page_errors(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    report r;
    char *json = run_json(&fx, 2, 0, 0, &r);
    const char *broken[] = {"empty.html", "binary.html", "huge.html"};
    for (size_t i = 0; i < 3; i++) {
        const finding *f = finding_for(&r, broken[i], "page-error");
        if (!f)
            fail_msg("no page-error for %s", broken[i]);
        assert_int_equal(f->sev, SEV_ERROR);
        assert_int_equal(strlen(f->fingerprint), 32);
        /* the page is accounted for */
        int listed = 0;
        for (size_t p = 0; p < r.page_count; p++)
            listed |= !strcmp(r.pages[p].path, broken[i]);
        assert_true(listed);
    }
    assert_non_null(strstr(finding_for(&r, "huge.html", "page-error")->message,
                           "max_page_bytes"));
    /* page-error shows up in rules[] because it reported. */
    int has_page_error = 0;
    for (size_t i = 0; i < r.rule_count; i++)
        has_page_error |= !strcmp(r.rules[i].id, "page-error");
    assert_true(has_page_error);
    report_free(&r);
    free(json);
    fixture_close(&fx);
}

static void test_shards_partition(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    report whole;
    char *json = run_json(&fx, 2, 0, 0, &whole);
    free(json);
    size_t pages = 0, findings = 0;
    int *seen = calloc(whole.page_count, sizeof *seen);
    for (int k = 1; k <= 3; k++) {
        report part;
        json = run_json(&fx, 2, k, 3, &part);
        free(json);
        pages += part.page_count;
        findings += part.findings.count;
        for (size_t i = 0; i < part.page_count; i++)
            for (size_t j = 0; j < whole.page_count; j++)
                if (!strcmp(part.pages[i].path, whole.pages[j].path))
                    seen[j]++;
        for (size_t i = 0; i < part.findings.count; i++) {
            const finding *f = &part.findings.items[i];
            int found = 0;
            for (size_t j = 0; j < whole.findings.count && !found; j++)
                found = !strcmp(f->fingerprint, whole.findings.items[j].fingerprint) &&
                        !strcmp(f->path, whole.findings.items[j].path);
            assert_true(found);
        }
        report_free(&part);
    }
    assert_int_equal(pages, whole.page_count);
    assert_int_equal(findings, whole.findings.count);
    for (size_t j = 0; j < whole.page_count; j++)
        assert_int_equal(seen[j], 1);
    free(seen);
    report_free(&whole);
    check_options bad = {.jobs = 1, .shard_index = 4, .shard_count = 3};
    report r;
    assert_int_equal(check_run(&r, fx.src, fx.rs, &bad), -1);
    fixture_close(&fx);
}

typedef struct hook_state {
    int stored;
} hook_state;

static int cached_hook(void *ctx, const page_ref *ref, finding_list *out)
{
    (void)ctx;
    if (strcmp(ref->path, "index.html") != 0)
        return 0;
    finding f = {0};
    f.rule = (char *)"from-cache";
    f.message = (char *)"cached";
    f.path = ref->path;
    f.sev = SEV_WARNING;
    finding_list_add(out, &f);
    return 1;
}

static void store_hook(void *ctx, const page_ref *ref, const finding_list *found)
{
    (void)ref;
    (void)found;
    __atomic_add_fetch(&((hook_state *)ctx)->stored, 1, __ATOMIC_RELAXED);
}

static void test_cache_hooks(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx);
    hook_state hs = {0};
    check_options opt = {.jobs = 3, .cached = cached_hook, .store = store_hook,
                         .cache_ctx = &hs};
    report r;
    assert_int_equal(check_run(&r, fx.src, fx.rs, &opt), 0);
    assert_non_null(finding_for(&r, "index.html", "from-cache"));
    /* stored: every page actually checked (not the cache hit, not the unreadable
       huge.html that never reached the engine) */
    assert_int_equal(hs.stored, (int)r.page_count - 2);
    report_free(&r);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobs_identical),
        cmocka_unit_test(test_page_errors),
        cmocka_unit_test(test_shards_partition),
        cmocka_unit_test(test_cache_hooks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
