/* test_config.c: provcheck.lua loading: a good config, errors that name file and
 * line, unknown keys, rules and options, types, shorthand and overrides (the rule
 * checks run through ruleset_load against the real built-in rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"
#include "err.h"
#include "rules.h"

static config *load_ok(const char *text)
{
    config *c = NULL;
    int rc = config_load(&c, "site/provcheck.lua", "site", text, strlen(text));
    if (rc != 0)
        fail_msg("config did not load: %s", err_last());
    return c;
}

static void expect_load_error(const char *text, const char *fragment)
{
    config *c = NULL;
    err_clear();
    int rc = config_load(&c, "site/provcheck.lua", "site", text, strlen(text));
    if (rc != -1 || c || !strstr(err_last(), fragment))
        fail_msg("wanted a load error with '%s', got rc %d: %s", fragment, rc, err_last());
}

/* The config loads, but the rule set refuses it. */
static void expect_rules_error(const char *text, const char *fragment)
{
    config *c = load_ok(text);
    ruleset *rs = NULL;
    err_clear();
    int rc = ruleset_load(&rs, c, NULL);
    if (rc != -1 || rs || !strstr(err_last(), fragment))
        fail_msg("wanted a rules error with '%s', got rc %d: %s", fragment, rc, err_last());
    config_free(c);
}

static void test_defaults(void **state)
{
    (void)state;
    config *c = config_default();
    assert_non_null(c);
    assert_null(c->path);
    assert_string_equal(c->dir, ".");
    assert_int_equal(c->include_count, 2);
    assert_string_equal(c->include[0], "**/*.html");
    assert_int_equal(c->max_page_bytes, 16 * 1024 * 1024);
    assert_int_equal(c->max_instructions, 20000000);
    assert_int_equal(c->max_memory, 64 * 1024 * 1024);
    assert_int_equal(c->max_time_ms, 5000);
    assert_null(c->audit);
    config_free(c);
}

static void test_good_config(void **state)
{
    (void)state;
    const char *text =
        "-- a comment\n"
        "local labels = { 'Source', 'Fuente' }\n"
        "return {\n"
        "  site_root = 'public',\n"
        "  include = { '**/*.html' },\n"
        "  exclude = { 'drafts/**' },\n"
        "  rules = {\n"
        "    ['source-attribution'] = { severity = 'warning', labels = labels,\n"
        "                               sources = { 'cnnespanol', 'reuters' } },\n"
        "    ['privacy-link'] = { patterns = { 'privacy', 'privacidad' } },\n"
        "    ['third-party-disclaimer'] = 'off',\n"
        "  },\n"
        "  overrides = {\n"
        "    { files = { 'privacy.html', 'about/**' }, rules = { ['source-attribution'] = 'off' } },\n"
        "  },\n"
        "  max_page_bytes = 4 * 1024 * 1024,\n"
        "  limits = { instructions = 1000000, memory = 8 * 1024 * 1024, attributes = 50,\n"
        "             depth = 40, parse_seconds = 3 },\n"
        "  audit = { user_agent = 'provcheck-test' },\n"
        "}\n";
    config *c = load_ok(text);
    assert_string_equal(c->path, "site/provcheck.lua");
    assert_string_equal(c->dir, "site");
    assert_string_equal(c->site_root, "public");
    assert_int_equal(c->include_count, 1);
    assert_int_equal(c->exclude_count, 1);
    assert_int_equal(c->max_page_bytes, 4 * 1024 * 1024);
    assert_int_equal(c->max_instructions, 1000000);
    assert_int_equal(c->max_memory, 8 * 1024 * 1024);
    assert_int_equal(c->max_attributes, 50);
    assert_int_equal(c->max_depth, 40);
    assert_int_equal(c->parse_seconds, 3);
    assert_non_null(c->audit);
    assert_string_equal(cfgval_get(c->audit, "user_agent")->s, "provcheck-test");
    assert_int_equal(c->rule_count, 3);
    const rule_setting *sa = NULL, *tpd = NULL;
    for (size_t i = 0; i < c->rule_count; i++) {
        if (strcmp(c->rules[i].id, "source-attribution") == 0)
            sa = &c->rules[i];
        if (strcmp(c->rules[i].id, "third-party-disclaimer") == 0)
            tpd = &c->rules[i];
    }
    assert_non_null(sa);
    assert_true(sa->has_severity);
    assert_int_equal(sa->sev, SEV_WARNING);
    assert_int_equal(cfgval_get(sa->options, "labels")->count, 2);
    assert_null(cfgval_get(sa->options, "severity"));
    assert_non_null(tpd);   /* shorthand */
    assert_true(tpd->has_severity);
    assert_int_equal(tpd->sev, SEV_OFF);
    assert_null(tpd->options);
    assert_int_equal(c->override_count, 1);
    assert_int_equal(c->overrides[0].file_count, 2);
    assert_int_equal(c->overrides[0].rule_count, 1);
    assert_int_equal(c->overrides[0].rules[0].sev, SEV_OFF);

    /* and the rule set takes it: base severities and merged options */
    ruleset *rs = NULL;
    if (ruleset_load(&rs, c, NULL) != 0)
        fail_msg("ruleset_load: %s", err_last());
    for (size_t i = 0; i < rs->count; i++) {
        if (strcmp(rs->rules[i].id, "source-attribution") == 0) {
            assert_int_equal(rs->base_sev[i], SEV_WARNING);
            assert_int_equal(cfgval_get(rs->base_options[i], "sources")->count, 2);
        } else if (strcmp(rs->rules[i].id, "third-party-disclaimer") == 0) {
            assert_int_equal(rs->base_sev[i], SEV_OFF);
        } else if (strcmp(rs->rules[i].id, "privacy-link") == 0) {
            assert_int_equal(rs->base_sev[i], SEV_ERROR);
            assert_string_equal(
                cfgval_get(rs->base_options[i], "patterns")->items[1]->s, "privacidad");
        }
    }
    assert_int_equal(strlen(rs->digest), 64);
    ruleset_free(rs);
    config_free(c);
}

static void test_syntax_error_names_file_and_line(void **state)
{
    (void)state;
    expect_load_error("return {\n  rules = {\n    x = = 1,\n  }\n}\n",
                      "site/provcheck.lua:3:");
}

static void test_runtime_error_names_line(void **state)
{
    (void)state;
    expect_load_error("local t = nil\n\nreturn { include = t.x }\n", "site/provcheck.lua:3:");
    expect_load_error("error('no config for you')\n", "site/provcheck.lua:1: no config for you");
    expect_load_error("return io.open('x')\n", "site/provcheck.lua:1:");
    expect_load_error("while true do end\n", "instruction limit exceeded");
}

/* The config runs in the same sandbox as rules: a message handler, __close or
   a pattern cannot escape its budget, and what it returns is read raw (no
   metamethod runs) and bounded. Each is a setup error naming the file. */
static void test_hostile_config(void **state)
{
    (void)state;
    expect_load_error("xpcall(function() while true do end end, function() while true do end end)\n"
                      "return {}\n", "site/provcheck.lua: instruction limit exceeded");
    expect_load_error("local x <close> = setmetatable({}, { __close = function() "
                      "while true do end end })\nwhile true do end\n",
                      "site/provcheck.lua: instruction limit exceeded");
    expect_load_error("local s = ('a'):rep(2e4):find(('a-'):rep(12) .. 'b')\nreturn {}\n",
                      "site/provcheck.lua: instruction limit exceeded");
    config *raw = load_ok("return setmetatable({ include = 'x/**' }, {\n"
                          "  __index = function() while true do end end,\n"
                          "  __pairs = function() while true do end end })\n");
    assert_string_equal(raw->include[0], "x/**");
    config_free(raw);
    expect_load_error("local v = 'x' for i = 1, 30 do v = { v, v } end\n"
                      "return { audit = { v = v } }\n", "too many values");
    expect_load_error("local s = ('x'):rep(1024 * 1024) local v = {} for i = 1, 100 do v[i] = s end\n"
                      "return { audit = { v = v } }\n", "too much text");
    config *c = load_ok("return { limits = { time_ms = 250 } }\n");
    assert_int_equal(c->max_time_ms, 250);
    config_free(c);
    expect_load_error("return { limits = { time_ms = 0 } }\n", "limits.time_ms");
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_load_error("return {\n  site_root = '.',\n  exlcude = { 'x' },\n}\n",
                      "site/provcheck.lua:3: exlcude: unknown key");
    expect_load_error("return { limits = { cpu = 1 } }", "limits.cpu");
    expect_load_error("return { limits = { depth = 0 } }", "limits.depth");
    expect_load_error("return { limits = { parse_seconds = 1.5 } }", "limits.parse_seconds");
    expect_load_error("return { overrides = { { files = 'a', rulez = {} } } }", "rulez");
    expect_load_error("return 42", "must return a table");
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_load_error("return { rules = { ['privacy-link'] = 'loud' } }",
                      "severity must be");
    expect_load_error("return { include = 5 }", "include: must be a list of strings");
    expect_load_error("return { max_page_bytes = -1 }", "positive integer");
    expect_load_error("return { overrides = { { rules = {} } } }", "needs files");
    expect_load_error("return { rules = { x = function() end } }", "function");
}

/* The engine matches overrides through a 64-bit mask: a 65th entry must be refused,
   never ignored (an ignored entry that turns a rule on would be a false pass). */
static void test_override_count_is_capped(void **state)
{
    (void)state;
    static const char HEAD[] = "local o = {}\nfor i = 1, %d do\n"
        "  o[i] = { files = { 'p' .. i .. '.html' }, rules = { ['privacy-link'] = 'warning' } }\n"
        "end\nreturn {\n  overrides = o }\n";
    char text[256];
    snprintf(text, sizeof text, HEAD, 64);
    config *c = load_ok(text);
    assert_int_equal(c->override_count, 64);
    config_free(c);
    snprintf(text, sizeof text, HEAD, 65);
    expect_load_error(text, "site/provcheck.lua:6: overrides: more than 64 entries");
}

static void test_unknown_rule_option_type(void **state)
{
    (void)state;
    expect_rules_error("return { rules = { ['no-such-rule'] = 'error' } }",
                       "unknown rule 'no-such-rule'");
    expect_rules_error("return { rules = { ['privacy-link'] = { colour = 'red' } } }",
                       "rule 'privacy-link' has no option 'colour'");
    expect_rules_error("return { rules = { ['privacy-link'] = { patterns = 'privacy' } } }",
                       "option 'patterns' of rule 'privacy-link' must be a string[]");
    expect_rules_error("return { rules = { ['third-party-disclaimer'] = { text = 3 } } }",
                       "must be a string");
    expect_rules_error(
        "return { overrides = { { files = 'a', rules = { ['typo-rule'] = 'off' } } } }",
        "overrides[1].rules: unknown rule 'typo-rule'");
}

static void test_without_config(void **state)
{
    (void)state;
    ruleset *rs = NULL;
    if (ruleset_load(&rs, NULL, NULL) != 0)
        fail_msg("ruleset_load: %s", err_last());
    assert_non_null(ruleset_find(rs, "source-attribution"));
    assert_non_null(ruleset_find(rs, "privacy-link"));
    assert_non_null(ruleset_find(rs, "third-party-disclaimer"));
    for (size_t i = 0; i < rs->count; i++)
        assert_int_equal(rs->base_sev[i], SEV_ERROR);
    char *only[] = {(char *)"privacy-link"};
    assert_int_equal(ruleset_only(rs, only, 1), 0);
    assert_int_equal(ruleset_find(rs, "privacy-link") - rs->rules >= 0, 1);
    for (size_t i = 0; i < rs->count; i++)
        assert_int_equal(rs->base_sev[i],
                         strcmp(rs->rules[i].id, "privacy-link") == 0 ? SEV_ERROR : SEV_OFF);
    char *bad[] = {(char *)"nope"};
    assert_int_equal(ruleset_only(rs, bad, 1), -1);
    ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_good_config),
        cmocka_unit_test(test_syntax_error_names_file_and_line),
        cmocka_unit_test(test_runtime_error_names_line),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_hostile_config),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_override_count_is_capped),
        cmocka_unit_test(test_unknown_rule_option_type),
        cmocka_unit_test(test_without_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
