/* test_engine.c: the real built-in rules, and rules written for the test, on real
 * pages (libxml2 via the page model, the Lua VM via the sandbox): findings and
 * where they point, rule-errors from a throwing and a looping rule while the other
 * rules still report, inline suppressions and unused-suppression, overrides,
 * --rule, stale nodes, and the worked example of docs/rules-api.md. */
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
#include "buf.h"
#include "config.h"
#include "err.h"
#include "page.h"
#include "rules.h"
#include "source.h"

/* A site for link resolution: these site paths exist. */
static const char *const EXISTING[] = {"privacy.html", "index.html", "news/index.html",
                                       NULL};

static int site_has(void *ctx, const char *site_path)
{
    (void)ctx;
    for (int i = 0; EXISTING[i]; i++)
        if (strcmp(EXISTING[i], site_path) == 0)
            return 1;
    return 0;
}

/* The page template: line numbers below are asserted, keep them stable.
   line 1 <!DOCTYPE>, line 6 <body>, line 7 <article>, line 10 source line,
   line 12 footer link, line 13 disclaimer. */
static char *make_page(const char *head_extra, const char *source_line,
                       const char *footer_link, const char *disclaimer)
{
    buf b = BUF_INIT;
    buf_printf(&b,
            "<!DOCTYPE html>\n"
            "<html lang=\"en\">\n"
            "<head><meta charset=\"utf-8\"><title>Lavrov warns</title>\n"
            "%s\n"
            "</head>\n"
            "<body>\n"
            "<article class=\"story\">\n"
            "<h1>Lavrov warns that Russia \"will not sit idly by\"</h1>\n"
            "<p class=\"byline\">By CNN staff</p><p>Russian Foreign Minister Sergei Lavrov said on Wednesday...</p>\n"
            "<p>%s</p>\n"
            "</article>\n"
            "<footer><p>&copy; Communities 2019 - %s</p>\n"
            "<p>%s</p></footer>\n"
            "</body>\n"
            "</html>\n",
            head_extra, source_line, footer_link, disclaimer);
    return buf_detach(&b, NULL);
}

#define GOOD_SOURCE "Source: cnnespanol"
#define GOOD_LINK "<a href=\"/privacy.html\">Privacy</a>"
#define GOOD_DISCLAIMER "The information on this site is from external sources that are not under our control."

typedef struct fixture {
    char dir[64];        /* temp folder holding provcheck.lua and rules */
    vfs fs;
    int fs_open;
    config *cfg;
    ruleset *rs;
    engine *eng;
} fixture;

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *slash = strchr(path + strlen(dir) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char THROWING_RULE[] =
    "return { id = 'throws', summary = 'always throws', severity = 'warning',\n"
    "  check = function(page, opts, report)\n"
    "    local t = nil\n"
    "    return t.field\n"
    "  end }\n";

static const char LOOPING_RULE[] =
    "return { id = 'loops', summary = 'never ends', severity = 'warning',\n"
    "  check = function(page, opts, report)\n"
    "    while true do pcall(function() end) end\n"
    "  end }\n";

static const char HUNGRY_RULE[] =
    "return { id = 'hungry', summary = 'eats memory', severity = 'warning',\n"
    "  check = function(page, opts, report)\n"
    "    local t = {}\n"
    "    for i = 1, 1e9 do t[i] = string.rep('x', 100) .. i end\n"
    "  end }\n";

/* keeps a node of the first page and touches it on the second */
static const char STASHING_RULE[] =
    "local kept\n"
    "return { id = 'stash', summary = 'keeps a node', severity = 'info',\n"
    "  check = function(page, opts, report)\n"
    "    if kept then return kept.tag end\n"
    "    kept = page:select('article')[1]\n"
    "    report{ message = 'saw ' .. kept.tag .. ' in ' .. page.path, node = kept }\n"
    "  end }\n";

/* uses a helper module from the rule folder's lib/ and the page API */
static const char API_RULE[] =
    "local util = require('lib.util')\n"
    "return { id = 'api', summary = 'exercises the page API', severity = 'info',\n"
    "  options = { needle = { type = 'string', default = 'idly', doc = 'what to find' } },\n"
    "  check = function(page, opts, report)\n"
    "    local s = page:find(opts.needle)\n"
    "    if s then report{ message = util.shout('found ' .. opts.needle), at = s } end\n"
    "    local links = page:links()\n"
    "    report{ message = 'links ' .. #links .. ' ' .. links[1].text .. ' ' ..\n"
    "            tostring(page:target_exists(links[1].href)), node = links[1].node }\n"
    "    report{ message = 'byline ' .. page:select('.byline')[1]:text() }\n"
    "    local x = page:xpath('//h1')\n"
    "    report{ message = 'xpath ' .. x[1].tag .. ' ' .. tostring(x[1] == page:select('h1')[1]), node = x[1] }\n"
    "    local ok, err = pcall(page.find, x[1], 'idly')\n"
    "    report{ message = 'wrong self ' .. tostring(ok) .. ' ' ..\n"
    "            tostring(err:find('provcheck.page expected', 1, true) ~= nil) .. ' ' ..\n"
    "            tostring(page.nosuch) .. ' ' .. page.path .. ' ' .. type(page.text) }\n"
    "  end }\n";

static const char UTIL_MODULE[] =
    "return { shout = function(s) return string.upper(s) end }\n";

/* Write the config and rules (plus one extra file when extra_rel is set), load
   them. */
static void fixture_open_with(fixture *fx, const char *config_text, const char *extra_rel,
                              const char *extra_text)
{
    memset(fx, 0, sizeof *fx);
    strcpy(fx->dir, "/tmp/provcheck-engine-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    write_file(fx->dir, "rules/throws.lua", THROWING_RULE);
    write_file(fx->dir, "rules/loops.lua", LOOPING_RULE);
    write_file(fx->dir, "rules/hungry.lua", HUNGRY_RULE);
    write_file(fx->dir, "rules/stash.lua", STASHING_RULE);
    write_file(fx->dir, "rules/api.lua", API_RULE);
    write_file(fx->dir, "rules/lib/util.lua", UTIL_MODULE);
    write_file(fx->dir, "provcheck.lua", config_text);
    if (extra_rel)
        write_file(fx->dir, extra_rel, extra_text);
    assert_int_equal(vfs_fs_open(&fx->fs, fx->dir), 0);
    fx->fs_open = 1;
    if (config_load(&fx->cfg, "provcheck.lua", fx->dir, config_text, strlen(config_text)) < 0)
        fail_msg("config_load: %s", err_last());
    if (ruleset_load(&fx->rs, fx->cfg, &fx->fs) < 0)
        fail_msg("ruleset_load: %s", err_last());
}

static void fixture_open(fixture *fx, const char *config_text)
{
    fixture_open_with(fx, config_text, NULL, NULL);
}

static void fixture_engine(fixture *fx)
{
    fx->eng = engine_new(fx->rs);
    if (!fx->eng)
        fail_msg("engine_new: %s", err_last());
}

static void remove_tree(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void fixture_close(fixture *fx)
{
    engine_free(fx->eng);
    ruleset_free(fx->rs);
    config_free(fx->cfg);
    if (fx->fs_open)
        vfs_fs_close(&fx->fs);
    remove_tree(fx->dir);
}

/* Check one page; findings appended to out. */
static void check(engine *e, const char *path, char *html, finding_list *out)
{
    page_identity id = {path, path, NULL, NULL, NULL};
    page *p = page_new(&id, html, strlen(html));
    assert_non_null(p);
    page_set_resolver(p, site_has, NULL);
    assert_int_equal(engine_check_page(e, p, out), 0);
    page_free(p);
}

/* html with the first `from` replaced by `to` (html is freed). */
static char *replace(char *html, const char *from, const char *to)
{
    char *at = strstr(html, from);
    assert_non_null(at);
    size_t head = (size_t)(at - html), flen = strlen(from), tlen = strlen(to);
    size_t tail = strlen(at + flen);
    char *out = malloc(head + tlen + tail + 1);
    memcpy(out, html, head);
    memcpy(out + head, to, tlen);
    memcpy(out + head + tlen, at + flen, tail + 1);
    free(html);
    return out;
}

static size_t count_rule(const finding_list *l, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        n += strcmp(l->items[i].rule, rule) == 0;
    return n;
}

static const finding *first(const finding_list *l, const char *rule)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].rule, rule) == 0)
            return &l->items[i];
    return NULL;
}

static const finding *with_message(const finding_list *l, const char *fragment)
{
    for (size_t i = 0; i < l->count; i++)
        if (strstr(l->items[i].message, fragment))
            return &l->items[i];
    return NULL;
}

static void dump(const finding_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        fprintf(stderr, "  %s:%d:%d %s %s%s\n", l->items[i].path, l->items[i].line,
                l->items[i].column, l->items[i].rule, l->items[i].message,
                l->items[i].suppression ? " (suppressed)" : "");
}

static const char CORE_ONLY[] =
    "return { rules = { ['source-attribution'] = { sources = { 'cnnespanol', 'reuters' } } } }\n";

static void test_compliant_page_has_no_findings(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, CORE_ONLY);
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "news/a.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    if (out.count) {
        dump(&out);
        fail_msg("expected no findings");
    }
    finding_list_free(&out);
    fixture_close(&fx);
}

static void test_core_rules_report_where_expected(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, CORE_ONLY);
    fixture_engine(&fx);
    finding_list out = {0};
    /* no source, no privacy link, disclaimer only in a comment */
    check(fx.eng, "news/b.html",
          make_page("", "Updated 2022", "Contact", "<!-- " GOOD_DISCLAIMER " -->"), &out);
    assert_int_equal(count_rule(&out, "source-attribution"), 1);
    assert_int_equal(count_rule(&out, "privacy-link"), 1);
    assert_int_equal(count_rule(&out, "third-party-disclaimer"), 1);
    for (size_t i = 0; i < out.count; i++) {
        assert_int_equal(out.items[i].line, 7);   /* the <article> */
        assert_int_equal(out.items[i].sev, SEV_ERROR);
        assert_string_equal(out.items[i].path, "news/b.html");
        assert_int_equal(strlen(out.items[i].fingerprint), 32);
    }
    finding_list_free(&out);

    /* unknown source at its text; broken privacy link at its <a> */
    check(fx.eng, "news/c.html",
          make_page("", "Source: rt-news", "<a href=\"/legal/privacy.html\">Privacy</a>",
                    GOOD_DISCLAIMER), &out);
    const finding *src = first(&out, "source-attribution");
    assert_non_null(src);
    assert_non_null(strstr(src->message, "'rt-news'"));
    assert_int_equal(src->line, 10);
    const finding *link = first(&out, "privacy-link");
    assert_non_null(link);
    assert_non_null(strstr(link->message, "/legal/privacy.html"));
    assert_int_equal(link->line, 12);
    assert_int_equal(count_rule(&out, "third-party-disclaimer"), 0);
    finding_list_free(&out);
    fixture_close(&fx);
}

static const char WITH_BAD_RULES[] =
    "return { rule_paths = { 'rules' },\n"
    "  rules = { stash = 'off', api = 'off', hungry = 'off' },\n"
    "  limits = { instructions = 1000000, memory = 4 * 1024 * 1024 } }\n";

static void test_throwing_and_looping_rules(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, WITH_BAD_RULES);
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "news/d.html", make_page("", "", GOOD_LINK, GOOD_DISCLAIMER), &out);
    /* each broken rule gives one rule-error; the core rules still report */
    assert_int_equal(count_rule(&out, "rule-error"), 2);
    const finding *thrown = with_message(&out, "rule throws failed on this page:");
    assert_non_null(thrown);
    assert_non_null(strstr(thrown->message, "attempt to index"));
    assert_int_equal(thrown->sev, SEV_ERROR);
    const finding *looped = with_message(&out, "rule loops failed on this page:");
    assert_non_null(looped);
    assert_non_null(strstr(looped->message, "instruction limit exceeded"));
    assert_int_equal(count_rule(&out, "source-attribution"), 1);
    assert_int_equal(count_rule(&out, "privacy-link"), 0);
    finding_list_free(&out);

    /* the state is still usable: the next page checks normally */
    check(fx.eng, "news/e.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER),
          &out);
    assert_int_equal(count_rule(&out, "rule-error"), 2);
    assert_int_equal(count_rule(&out, "source-attribution"), 0);
    finding_list_free(&out);
    fixture_close(&fx);
}

static void test_memory_hungry_rule(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx,
                 "return { rule_paths = { 'rules' },\n"
                 "  rules = { stash = 'off', api = 'off', throws = 'off', loops = 'off' },\n"
                 "  limits = { memory = 4 * 1024 * 1024 } }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    for (int round = 0; round < 2; round++) {
        check(fx.eng, "news/f.html", make_page("", "Source: efe", GOOD_LINK, GOOD_DISCLAIMER),
              &out);
        const finding *f = with_message(&out, "rule hungry failed on this page: memory limit exceeded");
        if (!f) {
            dump(&out);
            fail_msg("no memory limit rule-error");
        }
        assert_int_equal(count_rule(&out, "rule-error"), 1);
        finding_list_free(&out);
    }
    fixture_close(&fx);
}

static void test_page_api_and_modules(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, "return { rule_paths = { 'rules' },\n"
                      "  rules = { throws = 'off', loops = 'off', hungry = 'off', stash = 'off',\n"
                      "            api = { needle = 'Idly' } } }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "news/g.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    const finding *found = with_message(&out, "FOUND IDLY");
    if (!found) {
        dump(&out);
        fail_msg("page:find with the module did not report");
    }
    assert_int_equal(found->line, 8);     /* the <h1> text holding it */
    assert_int_equal(found->sev, SEV_INFO);
    const finding *links = with_message(&out, "links 1 privacy true");
    assert_non_null(links);
    assert_int_equal(links->line, 12);
    assert_non_null(with_message(&out, "byline By CNN staff"));
    const finding *xp = with_message(&out, "xpath h1 true");
    assert_non_null(xp);
    assert_int_equal(xp->line, 8);
    /* a method called on another object is refused; fields and methods resolve */
    assert_non_null(with_message(&out, "wrong self false true nil news/g.html function"));
    finding_list_free(&out);
    fixture_close(&fx);
}

/* Every page gets a new instance of the rule: an upvalue kept on one page (a
   node here) is gone on the next, so no stale node can be reached at all. */
static void test_no_node_survives_its_page(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, "return { rule_paths = { 'rules' },\n"
                      "  rules = { throws = 'off', loops = 'off', hungry = 'off', api = 'off' } }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "a.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    const finding *saw = with_message(&out, "saw article in a.html");
    assert_non_null(saw);
    assert_int_equal(saw->line, 7);
    finding_list_free(&out);
    check(fx.eng, "b.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    assert_non_null(with_message(&out, "saw article in b.html"));
    assert_int_equal(count_rule(&out, "rule-error"), 0);
    finding_list_free(&out);
    fixture_close(&fx);
}

/* Rules that try to keep state between pages, change what another rule uses,
   escape their budget or flood the report. */
static const char COUNTER_RULE[] =
    "local seen = 0\n"
    "return { id = 'counter', summary = 'counts pages', severity = 'info',\n"
    "  check = function(page, opts, report)\n"
    "    seen = seen + 1\n"
    "    pages = (pages or 0) + 1\n"
    "    report{ message = 'upvalue ' .. seen .. ' global ' .. pages }\n"
    "  end }\n";

static const char MEDDLER_RULE[] =
    "local _, M = pairs(require('lib.disclaimer'))\n"
    "return { id = 'meddler', summary = 'silences another rule', severity = 'info',\n"
    "  check = function(page, opts, report)\n"
    "    local d = require('lib.disclaimer')\n"
    "    d.require_sentence = function() end\n"
    "    pcall(function() M.require_sentence = function() end end)\n"
    "    local _, S = pairs(string)\n"
    "    pcall(function() S.lower = function() return 'x' end end)\n"
    "    pcall(rawset, string, 'lower', function() return 'x' end)\n"
    "  end }\n";

static const char FLOOD_RULE[] =
    "return { id = 'flood', summary = 'reports too much', severity = 'warning',\n"
    "  check = function(page, opts, report)\n"
    "    report{ message = 'a' .. string.rep('\\u{e9}', 1024 * 1024) }\n"
    "    for i = 1, 5000 do report{ message = 'finding ' .. i } end\n"
    "  end }\n";

static const char HANDLER_RULE[] =
    "return { id = 'handler', summary = 'loops in a message handler', severity = 'warning',\n"
    "  check = function(page, opts, report)\n"
    "    xpcall(function() while true do end end, function() while true do end end)\n"
    "  end }\n";

static const char PATTERN_RULE[] =
    "return { id = 'pattern', summary = 'backtracks', severity = 'warning',\n"
    "  check = function(page, opts, report)\n"
    "    return ('a'):rep(2e4):find(('a-'):rep(12) .. 'b')\n"
    "  end }\n";

static const char HOSTILE_CONFIG[] =
    "return { rule_paths = { 'hostile' },\n"
    "  rules = { ['source-attribution'] = 'off', ['privacy-link'] = 'off' },\n"
    "  limits = { instructions = 2000000, time_ms = 3000 } }\n";

static void hostile_fixture(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    fixture_open_with(fx, HOSTILE_CONFIG, "hostile/counter.lua", COUNTER_RULE);
    write_file(fx->dir, "hostile/meddler.lua", MEDDLER_RULE);
    write_file(fx->dir, "hostile/flood.lua", FLOOD_RULE);
    write_file(fx->dir, "hostile/handler.lua", HANDLER_RULE);
    write_file(fx->dir, "hostile/pattern.lua", PATTERN_RULE);
    ruleset_free(fx->rs);
    if (ruleset_load(&fx->rs, fx->cfg, &fx->fs) < 0)
        fail_msg("ruleset_load: %s", err_last());
    fixture_engine(fx);
}

static void test_hostile_rules_change_nothing(void **state)
{
    (void)state;
    fixture fx;
    hostile_fixture(&fx);
    finding_list out = {0};
    for (int round = 0; round < 3; round++) {
        /* the disclaimer is missing: third-party-disclaimer must still say so,
           whatever meddler did on earlier pages */
        check(fx.eng, "p.html", make_page("", GOOD_SOURCE, GOOD_LINK, "nothing here"), &out);
        if (count_rule(&out, "third-party-disclaimer") != 1) {
            dump(&out);
            fail_msg("round %d: third-party-disclaimer was silenced", round);
        }
        /* no state from earlier pages */
        assert_non_null(with_message(&out, "upvalue 1 global 1"));
        /* floods are capped: 100 findings, one summary, a cut message */
        assert_int_equal(count_rule(&out, "flood"), 101);
        const finding *summary = with_message(&out, "more findings on this page");
        assert_non_null(summary);
        assert_non_null(strstr(summary->message, "4901 more"));
        const finding *big = with_message(&out, "\xc3\xa9\xc3\xa9");
        assert_non_null(big);
        size_t len = strlen(big->message);
        assert_true(len <= 4096);
        assert_string_equal(big->message + len - 3, "\xe2\x80\xa6");
        /* the message handler and the pattern are stopped by the budget */
        const finding *h = with_message(&out, "rule handler failed on this page: "
                                             "instruction limit exceeded");
        assert_non_null(h);
        assert_non_null(strstr(h->message, "limits.instructions = 2000000"));
        assert_non_null(with_message(&out, "rule pattern failed on this page: "
                                           "instruction limit exceeded"));
        assert_int_equal(count_rule(&out, "rule-error"), 2);
        assert_int_equal(count_rule(&out, "meddler"), 0);
        finding_list_free(&out);
    }
    fixture_close(&fx);
}

static void test_time_limit_is_a_rule_error(void **state)
{
    (void)state;
    fixture fx;
    fixture_open_with(&fx, "return { rule_paths = { 'slow' },\n"
                           "  limits = { instructions = 1e15, time_ms = 300 } }\n",
                      "slow/slow.lua",
                      "return { id = 'slow', summary = 'spins', check = function()\n"
                      "  while true do end end }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "t.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    const finding *f = with_message(&out, "rule slow failed on this page: time limit exceeded "
                                          "(limits.time_ms = 300)");
    if (!f) {
        dump(&out);
        fail_msg("no time limit rule-error");
    }
    assert_int_equal(count_rule(&out, "rule-error"), 1);
    finding_list_free(&out);
    fixture_close(&fx);
}

/* The message cap holds for the bytes stored: a NUL shown as U+FFFD takes three,
   so a long message of NULs must still be cut to the cap (found by fuzz_rule). */
static void test_message_cap_counts_shown_bytes(void **state)
{
    (void)state;
    fixture fx;
    fixture_open_with(&fx, "return { rule_paths = { 'nul' } }\n", "nul/nul.lua",
                      "return { id = 'nul', summary = 'NULs', check = function(page, opts, report)\n"
                      "  report{ message = ('\\0'):rep(3000) }\n"
                      "  report{ message = 'a' .. ('\\0'):rep(1364) }\n"
                      "end }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "n.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    assert_int_equal(count_rule(&out, "nul"), 2);
    int cut = 0, whole = 0;
    for (size_t i = 0; i < out.count; i++) {
        if (strcmp(out.items[i].rule, "nul") != 0)
            continue;
        const char *m = out.items[i].message;
        size_t len = strlen(m);
        assert_true(len <= 4096);
        if (len >= 3 && strcmp(m + len - 3, "\xe2\x80\xa6") == 0) {
            cut++;
            assert_int_equal((len - 3) % 3, 0);   /* cut between whole characters */
        } else {
            whole++;
            assert_int_equal(len, 1 + 1364 * 3);  /* 4093 bytes: fits, kept whole */
        }
    }
    assert_int_equal(cut, 1);
    assert_int_equal(whole, 1);
    finding_list_free(&out);
    fixture_close(&fx);
}

/* A rule's table is read raw and protected: metamethods of it never run, and a
   bad one is a setup error naming the file, not an abort or a hang. */
static void test_hostile_metadata_is_a_setup_error(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "return setmetatable({}, { __index = function() error('boom') end })\n",
        "return setmetatable({}, { __index = function() while true do end end })\n",
        "return setmetatable({}, { __index = function(t, k) local s = {} "
        "for i = 1, 1e9 do s[i] = ('x'):rep(1000) .. i end end })\n",
        "local t = { id = 'meta', summary = 's', check = function() end, options = {} }\n"
        "local v = {} for i = 1, 30 do v = { v, v } end\n"
        "t.options.o = { type = 'string[]', default = v }\n"
        "return t\n",
        "xpcall(function() while true do end end, function() while true do end end)\n",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        fixture fx;
        memset(&fx, 0, sizeof fx);
        strcpy(fx.dir, "/tmp/provcheck-engine-XXXXXX");
        assert_non_null(mkdtemp(fx.dir));
        const char *cfg = "return { rule_paths = { 'r' } }\n";
        write_file(fx.dir, "r/meta.lua", bodies[i]);
        assert_int_equal(vfs_fs_open(&fx.fs, fx.dir), 0);
        fx.fs_open = 1;
        assert_int_equal(config_load(&fx.cfg, "provcheck.lua", fx.dir, cfg, strlen(cfg)), 0);
        err_clear();
        if (ruleset_load(&fx.rs, fx.cfg, &fx.fs) != -1)
            fail_msg("case %zu loaded", i);
        if (!strstr(err_last(), "r/meta.lua"))
            fail_msg("case %zu: the message does not name the file: %s", i, err_last());
        fixture_close(&fx);
    }
}

static void test_inline_suppressions(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, "return { rule_paths = { 'rules' },\n"
                      "  rules = { throws = 'off', loops = 'off', hungry = 'off', stash = 'off',\n"
                      "            api = 'off' } }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    /* source-attribution is suppressed (and fires); privacy-link is suppressed
       but has nothing to say; no-such-rule is unknown; api is off */
    check(fx.eng, "s.html",
          make_page("<!-- provcheck-disable source-attribution, privacy-link -- syndicated, see LEGAL-42 -->\n"
                    "<!-- provcheck-disable no-such-rule, api -->",
                    "", GOOD_LINK, GOOD_DISCLAIMER), &out);
    const finding *sa = first(&out, "source-attribution");
    assert_non_null(sa);
    assert_int_equal(sa->suppression, SUPP_INLINE);
    assert_string_equal(sa->suppress_reason, "syndicated, see LEGAL-42");
    assert_int_equal(count_rule(&out, "unused-suppression"), 2);
    const finding *unused = with_message(&out, "provcheck-disable privacy-link is unused");
    assert_non_null(unused);
    assert_int_equal(unused->sev, SEV_WARNING);
    assert_int_equal(unused->line, 4);
    assert_int_equal(unused->suppression, SUPP_NONE);
    const finding *unknown = with_message(&out, "unknown rule 'no-such-rule'");
    assert_non_null(unknown);
    assert_int_equal(unknown->line, 5);
    assert_null(with_message(&out, "provcheck-disable api"));
    finding_list_free(&out);
    fixture_close(&fx);
}

static void test_overrides(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx,
                 "return {\n"
                 "  rules = { ['source-attribution'] = { sources = { 'cnnespanol' } },\n"
                 "            ['third-party-disclaimer'] = 'warning' },\n"
                 "  overrides = {\n"
                 "    { files = { 'about/**', 'privacy.html' }, rules = { ['source-attribution'] = 'off' } },\n"
                 "    { files = 'es/**', rules = { ['source-attribution'] = { labels = { 'Fuente' } } } },\n"
                 "    { files = 'es/legacy/**', rules = { ['source-attribution'] = { severity = 'info',\n"
                 "                                           sources = { 'efe' } } } },\n"
                 "  } }\n");
    fixture_engine(&fx);
    finding_list out = {0};
    /* off for about/ */
    check(fx.eng, "about/index.html", make_page("", "", GOOD_LINK, "nothing"), &out);
    assert_int_equal(count_rule(&out, "source-attribution"), 0);
    assert_int_equal(first(&out, "third-party-disclaimer")->sev, SEV_WARNING);
    finding_list_free(&out);
    /* es/: the label changes, sources stay */
    check(fx.eng, "es/a.html", make_page("", "Fuente: cnnespanol", GOOD_LINK, GOOD_DISCLAIMER),
          &out);
    assert_int_equal(count_rule(&out, "source-attribution"), 0);
    finding_list_free(&out);
    check(fx.eng, "es/b.html", make_page("", "Source: cnnespanol", GOOD_LINK, GOOD_DISCLAIMER),
          &out);
    assert_int_equal(count_rule(&out, "source-attribution"), 1);
    finding_list_free(&out);
    /* es/legacy/: both overrides apply, the later one wins key by key */
    check(fx.eng, "es/legacy/c.html",
          make_page("", "Fuente: cnnespanol", GOOD_LINK, GOOD_DISCLAIMER), &out);
    const finding *f = first(&out, "source-attribution");
    assert_non_null(f);
    assert_int_equal(f->sev, SEV_INFO);
    assert_non_null(strstr(f->message, "unknown source 'cnnespanol'"));
    finding_list_free(&out);
    /* and elsewhere the base settings hold */
    check(fx.eng, "news/x.html", make_page("", "Source: efe", GOOD_LINK, GOOD_DISCLAIMER), &out);
    f = first(&out, "source-attribution");
    assert_non_null(f);
    assert_int_equal(f->sev, SEV_ERROR);
    finding_list_free(&out);
    fixture_close(&fx);
}

static void test_rule_only(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, "return { rules = { ['privacy-link'] = 'off' },\n"
                      "  overrides = { { files = 'x/**', rules = { ['privacy-link'] = 'off' } } } }\n");
    char *only[] = {(char *)"privacy-link"};
    assert_int_equal(ruleset_only(fx.rs, only, 1), 0);
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "x/a.html", make_page("", "", "none", "none"), &out);
    assert_int_equal(out.count, 1);
    assert_string_equal(out.items[0].rule, "privacy-link");
    assert_int_equal(out.items[0].sev, SEV_ERROR);
    finding_list_free(&out);
    fixture_close(&fx);
}

static void test_page_error(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, CORE_ONLY);
    fixture_engine(&fx);
    finding_list out = {0};
    char *bytes = malloc(4);
    memcpy(bytes, "\0\0\0\0", 4);
    page_identity id = {"bin.html", "bin.html", NULL, NULL, NULL};
    page *p = page_new(&id, bytes, 4);
    assert_int_equal(engine_check_page(fx.eng, p, &out), 0);
    page_free(p);
    assert_int_equal(out.count, 1);
    assert_string_equal(out.items[0].rule, "page-error");
    assert_int_equal(out.items[0].sev, SEV_ERROR);
    finding_list_free(&out);
    fixture_close(&fx);
}

/* The worked example in docs/rules-api.md, run as written. */
static void test_docs_worked_example(void **state)
{
    (void)state;
    const char *src = getenv("PROVCHECK_SRC");
    char path[512];
    snprintf(path, sizeof path, "%s/docs/rules-api.md", src ? src : PROVCHECK_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char doc[65536];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    const char *example = strstr(doc, "## Worked example");
    assert_non_null(example);
    const char *start = strstr(example, "```lua\n");
    assert_non_null(start);
    start += 7;
    const char *end = strstr(start, "```");
    assert_non_null(end);
    char *rule = strndup(start, (size_t)(end - start));

    fixture fx;
    fixture_open_with(&fx, "return { rule_paths = { 'provcheck/rules' },\n"
                           "  rules = { byline = { severity = 'error', min_length = 6 } } }\n",
                      "provcheck/rules/byline.lua", rule);
    free(rule);
    fixture_engine(&fx);
    finding_list out = {0};
    check(fx.eng, "a.html", make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER), &out);
    assert_int_equal(count_rule(&out, "byline"), 0);
    static const struct { const char *byline, *message; } cases[] = {
        {"<p class=\"byline\" hidden>By CNN staff</p>", "the byline is hidden"},
        {"<p class=\"byline\">By</p>", "the byline is too short"},
        {"<p>By CNN staff</p>", "no byline: expected an element matching '.byline'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *html = replace(make_page("", GOOD_SOURCE, GOOD_LINK, GOOD_DISCLAIMER),
                             "<p class=\"byline\">By CNN staff</p>", cases[i].byline);
        check(fx.eng, "b.html", html, &out);
        assert_int_equal(count_rule(&out, "byline"), 1);
        const finding *by = first(&out, "byline");
        if (!strstr(by->message, cases[i].message))
            fail_msg("case %zu: got '%s'", i, by->message);
        assert_int_equal(by->sev, SEV_ERROR);
        assert_int_equal(by->line, i < 2 ? 9 : 7);
        finding_list_free(&out);
    }
    finding_list_free(&out);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compliant_page_has_no_findings),
        cmocka_unit_test(test_core_rules_report_where_expected),
        cmocka_unit_test(test_throwing_and_looping_rules),
        cmocka_unit_test(test_memory_hungry_rule),
        cmocka_unit_test(test_page_api_and_modules),
        cmocka_unit_test(test_no_node_survives_its_page),
        cmocka_unit_test(test_hostile_rules_change_nothing),
        cmocka_unit_test(test_time_limit_is_a_rule_error),
        cmocka_unit_test(test_message_cap_counts_shown_bytes),
        cmocka_unit_test(test_hostile_metadata_is_a_setup_error),
        cmocka_unit_test(test_inline_suppressions),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_rule_only),
        cmocka_unit_test(test_page_error),
        cmocka_unit_test(test_docs_worked_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
