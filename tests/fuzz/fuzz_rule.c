/* fuzz_rule.c: generated rule scripts run under the sandbox, through the real
 * engine, on a fixed page. The input is a rule file when it starts with "return"
 * or "local", else the body of check(page, opts, report). Each input runs on the
 * page twice; beyond "no crash, no sanitizer report, no leak" it checks what the
 * sandbox promises: the engine never fails, every message fits the cap, a rule
 * keeps at most 100 findings (+1 summary) per page, and the second page gives
 * the same findings as the first (nothing survives a page). Small budgets keep
 * each run short; a time limit hit makes the comparison moot (CPU time varies). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "config.h"
#include "err.h"
#include "page.h"
#include "rules.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char PAGE[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>Fuzz page</title><meta name=\"description\" content=\"a page\">\n"
    "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"author\": "
    "{\"name\": \"Ann\"}, \"list\": [1, 2.5, true, null]}</script></head>\n"
    "<body><!-- provcheck-disable fuzz -- testing -->\n"
    "<article class=\"story\" id=\"main\"><h1>Lavrov warns</h1>\n"
    "<p class=\"byline\">By CNN staff</p><p>Source: cnnespanol</p>\n"
    "<p hidden>hidden text</p><p style=\"display:none\">gone</p>\n"
    "<p>Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 text &amp; more</p>\n"
    "</article><footer><a href=\"/privacy.html\">Privacy</a> <a href=\"#\">top</a>\n"
    "<a href=\"missing.html\">Missing</a> <a href=\"https://example.com/x\">Out</a>\n"
    "<p>The information on this site is from external sources that are not under "
    "our control.</p></footer></body></html>\n";

static const char CONFIG[] =
    "return { rule_paths = { 'r' },\n"
    "  rules = { fuzz = 'warning' },\n"
    "  limits = { instructions = 300000, memory = 8 * 1024 * 1024, time_ms = 2000 } }\n";

static const char RULE_HEAD[] =
    "return { id = 'fuzz', summary = 'generated', severity = 'warning',\n"
    "  options = { words = { type = 'string[]', default = { 'a', 'b' }, doc = 'words' },\n"
    "              n = { type = 'integer', default = 3, doc = 'a number' } },\n"
    "  check = function(page, opts, report)\n";
static const char RULE_TAIL[] = "\nend }\n";

static const char *rule_text;
static size_t rule_len;

static int mem_read(void *ctx, const char *path, char **out, size_t *len_out)
{
    (void)ctx;
    if (strcmp(path, "r/fuzz.lua") != 0)
        return err_set("%s: no such file", path);
    *out = malloc(rule_len + 1);
    if (!*out)
        return err_set("out of memory");
    memcpy(*out, rule_text, rule_len);
    (*out)[rule_len] = '\0';
    *len_out = rule_len;
    return 0;
}

static int mem_list(void *ctx, const char *dir, char ***names_out, size_t *count_out)
{
    (void)ctx;
    if (strcmp(dir, "r") != 0)
        return err_set("%s: no such folder", dir);
    *names_out = calloc(1, sizeof **names_out);
    if (!*names_out || !((*names_out)[0] = strdup("fuzz.lua"))) {
        free(*names_out);
        return err_set("out of memory");
    }
    *count_out = 1;
    return 0;
}

static int site_has(void *ctx, const char *site_path)
{
    (void)ctx;
    return strcmp(site_path, "privacy.html") == 0;
}

static int check_page(engine *e, finding_list *out)
{
    char *html = malloc(sizeof PAGE);
    if (!html)
        return -1;
    memcpy(html, PAGE, sizeof PAGE);
    page_identity id = {"f/x.html", "f/x.html", NULL, NULL, NULL};
    page *p = page_new(&id, html, sizeof PAGE - 1);
    if (!p)
        return -1;
    page_set_resolver(p, site_has, NULL);
    int rc = engine_check_page(e, p, out);
    page_free(p);
    return rc;
}

static int hit_time_limit(const finding_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (strstr(l->items[i].message, "time limit exceeded"))
            return 1;
    return 0;
}

static void check_promises(const finding_list *a, const finding_list *b)
{
    size_t own = 0;
    for (size_t i = 0; i < a->count; i++) {
        if (strlen(a->items[i].message) > 4096)
            abort();     /* the message cap */
        own += strcmp(a->items[i].rule, "fuzz") == 0;
    }
    if (own > 101)
        abort();         /* 100 findings and one summary */
    if (hit_time_limit(a) || hit_time_limit(b))
        return;
    if (a->count != b->count)
        abort();         /* the second page saw something of the first */
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->items[i].rule, b->items[i].rule) != 0 ||
            strcmp(a->items[i].message, b->items[i].message) != 0 ||
            a->items[i].line != b->items[i].line)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    buf src = BUF_INIT;
    int whole = (size >= 6 && memcmp(data, "return", 6) == 0) ||
                (size >= 6 && memcmp(data, "--rule", 6) == 0);
    if (!whole)
        buf_puts(&src, RULE_HEAD);
    buf_append(&src, (const char *)data, size);
    if (!whole)
        buf_puts(&src, RULE_TAIL);
    if (!src.data)
        return 0;
    rule_text = src.data;
    rule_len = src.len;
    vfs fs = {NULL, mem_read, mem_list, "fuzz:"};
    config *cfg = NULL;
    ruleset *rs = NULL;
    engine *e = NULL;
    if (config_load(&cfg, "provcheck.lua", ".", CONFIG, sizeof CONFIG - 1) < 0)
        abort();
    /* a rule that does not load is a setup error: fine, as long as it is clean */
    if (ruleset_load(&rs, cfg, &fs) < 0 && getenv("FUZZ_RULE_VERBOSE"))
        fprintf(stderr, "setup error: %s\n", err_last());
    if (rs) {
        e = engine_new(rs);
        if (!e)
            abort();
        finding_list first = {0}, second = {0};
        if (check_page(e, &first) < 0 || check_page(e, &second) < 0)
            abort();
        check_promises(&first, &second);
        if (getenv("FUZZ_RULE_VERBOSE"))   /* to see what a corpus file does */
            for (size_t i = 0; i < first.count; i++)
                fprintf(stderr, "%s: %.160s\n", first.items[i].rule, first.items[i].message);
        finding_list_free(&first);
        finding_list_free(&second);
    }
    err_clear();
    engine_free(e);
    ruleset_free(rs);
    config_free(cfg);
    buf_free(&src);
    return 0;
}
