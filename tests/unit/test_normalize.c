/* test_normalize.c: text_normalize against the contract's normalization rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "normalize.h"

static char *norm(const char *s, size_t *len)
{
    char *o = text_normalize(s, strlen(s), len, NULL);
    assert_non_null(o);
    return o;
}

static void expect_norm(const char *in, const char *want)
{
    size_t len;
    char *o = norm(in, &len);
    assert_string_equal(o, want);
    assert_int_equal(len, strlen(want));
    free(o);
}

static void test_ascii_fold_and_spaces(void **state)
{
    (void)state;
    expect_norm("  Hello \t\n  WORLD  ", "hello world");
    expect_norm("", "");
    expect_norm("   ", "");
    expect_norm("Source:Reuters", "source:reuters");
}

static void test_sharp_s_folds_to_ss(void **state)
{
    (void)state;
    expect_norm("STRASSE", "strasse");
    expect_norm("Straße", "strasse");
    expect_norm("ẞ", "ss");   /* capital sharp s */
}

static void test_unicode_spaces(void **state)
{
    (void)state;
    expect_norm("a\xC2\xA0\xC2\xA0" "b", "a b");            /* NBSP run */
    expect_norm("a\xE2\x80\x83" "b\xE3\x80\x80" "c", "a b c"); /* em space, ideographic */
    expect_norm("\xC2\xA0x\xE2\x80\xAF", "x");               /* trimmed */
}

static void test_quotes_and_dashes(void **state)
{
    (void)state;
    expect_norm("“a” „b“ «c»", "\"a\" \"b\" \"c\"");
    expect_norm("‘a’ ‚b‘ ‹c›", "'a' 'b' 'c'");
    expect_norm("1–2—3‒4−5", "1-2-3-4-5");
    expect_norm("It’s", "it's");
}

static void test_nfkc(void **state)
{
    (void)state;
    expect_norm("\xEF\xAC\x81ne", "fine");           /* U+FB01 ligature */
    expect_norm("ＡＢＣ１", "abc1");                    /* fullwidth */
    expect_norm("e\xCC\x81", "\xC3\xA9");            /* e + combining acute -> é */
    expect_norm("Ça", "\xC3\xA7" "a");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_norm("a\xFF" "b", "a\xEF\xBF\xBD" "b");
    expect_norm("\xC3", "\xEF\xBF\xBD");             /* truncated */
    expect_norm("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
}

static void test_map_points_back(void **state)
{
    (void)state;
    const char *in = "  Ab\xC2\xA0\xC3\x9F!";   /* "  Ab<NBSP>ß!" */
    size_t len;
    norm_map map;
    char *o = text_normalize(in, strlen(in), &len, &map);
    assert_string_equal(o, "ab ss!");
    assert_int_equal(norm_map_source(&map, 0), 2);   /* a */
    assert_int_equal(norm_map_source(&map, 1), 3);   /* b */
    assert_int_equal(norm_map_source(&map, 2), 4);   /* the NBSP */
    assert_int_equal(norm_map_source(&map, 3), 6);   /* both s from ß */
    assert_int_equal(norm_map_source(&map, 4), 6);
    assert_int_equal(norm_map_source(&map, 5), 8);   /* ! */
    assert_int_equal(norm_map_source(&map, 6), strlen(in));
    free(o);
    norm_map_free(&map);
}

/* Long ASCII stretches (the 8-byte path) between collapsed runs, a chunk ending
   in a space, accents and a typographic quote: every output byte against where
   a byte-by-byte reading says it came from. */
static void test_map_every_byte(void **state)
{
    (void)state;
    const char *in = "Breaking News \n\n   from the wire:  Caf\xC3\xA9 "
                     "\xE2\x80\x9Cquoted\xE2\x80\x9D text,\tand a sentence longer than "
                     "eight bytes ends here ";
    size_t len, n = strlen(in);
    norm_map map;
    char *o = text_normalize(in, n, &len, &map);
    assert_non_null(o);
    size_t prev = 0;
    for (size_t k = 0; k < len; k++) {
        size_t src = norm_map_source(&map, k);
        assert_true(src < n);
        assert_true(src >= prev);                 /* never goes back */
        prev = src;
        unsigned char c = (unsigned char)o[k];
        if (c == ' ')                             /* a run's first byte */
            assert_true(strchr(" \t\n", in[src]) && (src == 0 || !strchr(" \t\n", in[src - 1])));
        else if (c == '"')                        /* from a 3-byte quote */
            assert_int_equal((unsigned char)in[src], 0xE2);
        else if (c < 0x80)                        /* ASCII: the same letter */
            assert_int_equal(c, tolower((unsigned char)in[src]));
        else                                      /* é: both bytes from its start */
            assert_int_equal((unsigned char)in[src], 0xC3);
    }
    assert_int_equal(norm_map_source(&map, len), n);
    /* far fewer segments than bytes: one per stretch */
    assert_true(map.count < len / 3);
    free(o);
    norm_map_free(&map);
}

static void test_embedded_nul_and_long(void **state)
{
    (void)state;
    size_t n = 100000, len;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (i % 7 == 0) ? ' ' : 'A';
    char *o = text_normalize(big, n, &len, NULL);
    assert_non_null(o);
    assert_int_equal(o[0], 'a');
    assert_null(strchr(o, 'A'));
    free(o);
    free(big);
    o = text_normalize("a\0b", 3, &len, NULL);
    assert_int_equal(len, 3);
    assert_memory_equal(o, "a\0b", 3);
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_fold_and_spaces),
        cmocka_unit_test(test_sharp_s_folds_to_ss),
        cmocka_unit_test(test_unicode_spaces),
        cmocka_unit_test(test_quotes_and_dashes),
        cmocka_unit_test(test_nfkc),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_map_points_back),
        cmocka_unit_test(test_map_every_byte),
        cmocka_unit_test(test_embedded_nul_and_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
