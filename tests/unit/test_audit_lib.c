/* test_audit_lib.c: the audit as a library call (audit_site), without a command
 * line, against the tests' own HTTP server (tests/servers/test_server.py on
 * 127.0.0.1): both seed pages are in the report, the bare page has findings and
 * the compliant one none, and a page robots.txt disallows is a fetch-error, not a
 * silent pass. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "audit.h"
#include "config.h"
#include "err.h"

static pid_t server_pid;
static int server_port;

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("PROVCHECK_SRC");
    char script[1024];
    snprintf(script, sizeof script, "%s/tests/servers/test_server.py", src ? src : ".");
    int out[2];
    if (pipe(out) < 0)
        return -1;
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execlp("python3", "python3", script, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[64] = "";
    int got = f && fgets(line, sizeof line, f) != NULL;
    if (f)
        fclose(f);
    server_port = got ? atoi(line) : 0;
    return server_port > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
    }
    return 0;
}

static size_t findings_on(const report *r, const char *url_end, const char *rule)
{
    size_t n = 0, len = strlen(url_end);
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        size_t ul = f->url ? strlen(f->url) : 0;
        if (ul >= len && strcmp(f->url + ul - len, url_end) == 0 &&
            (!rule || strcmp(f->rule, rule) == 0))
            n++;
    }
    return n;
}

static void audit_site_checks_every_seed(void **state)
{
    (void)state;
    char good[128], bare[128], private_page[128];
    snprintf(good, sizeof good, "http://127.0.0.1:%d/page/1", server_port);
    snprintf(bare, sizeof bare, "http://127.0.0.1:%d/bare", server_port);
    snprintf(private_page, sizeof private_page, "http://127.0.0.1:%d/private/x", server_port);
    char *urls[] = {good, bare, private_page};
    audit_options o;
    memset(&o, 0, sizeof o);
    o.urls = urls;
    o.url_count = 3;
    o.max_pages = 100;
    o.timeout = 30;
    o.rate = 0;            /* unlimited: politeness has its own e2e tests */
    o.concurrency = 4;
    o.jobs = 1;
    o.quiet = 1;
    config *cfg = config_default();
    assert_non_null(cfg);
    audit_result res;
    if (audit_site(&res, &o, cfg) < 0)
        fail_msg("audit_site: %s", err_last());

    assert_int_equal(res.report.page_count, 3);
    assert_int_equal(findings_on(&res.report, "/page/1", NULL), 0);
    assert_true(findings_on(&res.report, "/bare", NULL) > 0);
    assert_int_equal(findings_on(&res.report, "/private/x", RULE_FETCH_ERROR), 1);
    assert_true(res.report.errors > 0);
    audit_result_free(&res);
    config_free(cfg);
}

static void audit_site_without_a_page_is_a_setup_error(void **state)
{
    (void)state;
    char pdf[128];
    snprintf(pdf, sizeof pdf, "http://127.0.0.1:%d/file.pdf", server_port);
    char *urls[] = {pdf};
    audit_options o;
    memset(&o, 0, sizeof o);
    o.urls = urls;
    o.url_count = 1;
    o.max_pages = 100;
    o.timeout = 30;
    o.concurrency = 4;
    o.jobs = 1;
    o.quiet = 1;
    config *cfg = config_default();
    assert_non_null(cfg);
    audit_result res;
    assert_int_equal(audit_site(&res, &o, cfg), -1);
    assert_non_null(strstr(err_last(), "no page to audit"));
    audit_result_free(&res);
    config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(audit_site_checks_every_seed),
        cmocka_unit_test(audit_site_without_a_page_is_a_setup_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
