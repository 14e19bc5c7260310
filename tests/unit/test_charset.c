/* test_charset.c: charset sniffing and decoding with real byte sequences: UTF-8,
 * windows-1252, Shift_JIS, UTF-16LE/BE, byte order marks, and page errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "page.h"

static page *page_bytes(const char *bytes, size_t len)
{
    page_identity id = {"c.html", "c.html", NULL, NULL, NULL};
    char *copy = malloc(len + 1);
    memcpy(copy, bytes, len);
    page *p = page_new(&id, copy, len);
    assert_non_null(p);
    return p;
}

static void expect_decoded(const char *bytes, size_t len, const char *charset,
                           const char *raw_text)
{
    page *p = page_bytes(bytes, len);
    assert_int_equal(page_parse(p), 0);
    assert_string_equal(page_charset(p), charset);
    assert_string_equal(page_raw_text(p, NULL), raw_text);
    page_free(p);
}

#define LIT(s) s, sizeof s - 1

static void test_utf8_plain_and_bom(void **state)
{
    (void)state;
    expect_decoded(LIT("<p>caf\xC3\xA9 \xE6\x97\xA5</p>"), "UTF-8", "caf\xC3\xA9 \xE6\x97\xA5");
    expect_decoded(LIT("\xEF\xBB\xBF<p>caf\xC3\xA9</p>"), "UTF-8", "caf\xC3\xA9");
    /* declared UTF-8 but broken: the bad byte becomes U+FFFD, the rest survives */
    expect_decoded(LIT("<meta charset=utf-8><p>a\xFF" "b caf\xC3\xA9</p>"), "UTF-8",
                   "a\xEF\xBF\xBD" "b caf\xC3\xA9");
}

static void test_windows_1252(void **state)
{
    (void)state;
    /* not valid UTF-8 and nothing declared: windows-1252, where 0x93/0x94 are
     * curly quotes and 0x80 is the euro sign (not ISO-8859-1's controls) */
    expect_decoded(LIT("<p>caf\xE9 \x93q\x94 \x80</p>"), "windows-1252",
                   "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x82\xAC");
    /* ISO-8859-1 declared is decoded as windows-1252, as browsers do */
    expect_decoded(LIT("<meta http-equiv=\"Content-Type\" content=\"text/html; "
                       "charset=ISO-8859-1\"><p>\x80 na\xEFve</p>"),
                   "windows-1252", "\xE2\x82\xAC na\xC3\xAFve");
}

static void test_shift_jis(void **state)
{
    (void)state;
    /* 日本語 in Shift_JIS is 93 FA 96 7B 8C EA */
    expect_decoded(LIT("<html><head><meta charset=\"Shift_JIS\"></head>"
                       "<body><p>\x93\xFA\x96\x7B\x8C\xEA ok</p></body></html>"),
                   "Shift_JIS", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E ok");
    /* an undecodable pair becomes U+FFFD and the rest of the page is kept */
    expect_decoded(LIT("<meta charset=sjis><p>\x93\xFA \xFF\xFF end</p>"), "Shift_JIS",
                   "\xE6\x97\xA5 \xEF\xBF\xBD\xEF\xBF\xBD end");
}

/* Encode ASCII plus a few code points as UTF-16 with a BOM. */
static size_t utf16(const uint16_t *units, size_t n, int big_endian, char *out)
{
    size_t k = 0;
    out[k++] = big_endian ? (char)0xFE : (char)0xFF;
    out[k++] = big_endian ? (char)0xFF : (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        char hi = (char)(units[i] >> 8), lo = (char)(units[i] & 0xFF);
        out[k++] = big_endian ? hi : lo;
        out[k++] = big_endian ? lo : hi;
    }
    return k;
}

static void test_utf16_both_orders(void **state)
{
    (void)state;
    const uint16_t units[] = {'<', 'p', '>', 0x65E5, 0x672C, ' ', 'c', 'a', 'f', 0xE9,
                              ' ', 0xD83D, 0xDE00, '<', '/', 'p', '>'};
    char buf[128];
    size_t n = utf16(units, sizeof units / sizeof *units, 0, buf);
    const char *want = "\xE6\x97\xA5\xE6\x9C\xAC caf\xC3\xA9 \xF0\x9F\x98\x80";
    expect_decoded(buf, n, "UTF-16LE", want);
    n = utf16(units, sizeof units / sizeof *units, 1, buf);
    expect_decoded(buf, n, "UTF-16BE", want);
}

static void test_errors(void **state)
{
    (void)state;
    page *p = page_bytes(LIT("<p>a\0b</p>"));
    assert_int_equal(page_parse(p), -1);
    assert_non_null(strstr(page_error(p), "binary"));
    page_free(p);

    p = page_bytes("", 0);
    assert_int_equal(page_parse(p), -1);
    assert_non_null(strstr(page_error(p), "empty"));
    page_free(p);

    /* Shift_JIS declared over bytes that are mostly not Shift_JIS */
    char junk[400];
    memcpy(junk, "<meta charset=shift_jis><p>", 27);
    for (size_t i = 27; i < sizeof junk; i++)
        junk[i] = (char)0xFF;
    p = page_bytes(junk, sizeof junk);
    assert_int_equal(page_parse(p), -1);
    assert_non_null(strstr(page_error(p), "cannot be decoded as Shift_JIS"));
    page_free(p);
}

static void test_meta_past_prescan_is_ignored(void **state)
{
    (void)state;
    /* browsers only look at the first 1024 bytes: valid UTF-8 wins afterwards */
    char buf[2048];
    size_t n = 0;
    memcpy(buf, "<!--", 4);
    n = 4;
    memset(buf + n, 'x', 1100);
    n += 1100;
    const char *rest = "--><meta charset=windows-1252><p>caf\xC3\xA9</p>";
    memcpy(buf + n, rest, strlen(rest));
    n += strlen(rest);
    expect_decoded(buf, n, "UTF-8", "caf\xC3\xA9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_plain_and_bom),
        cmocka_unit_test(test_windows_1252),
        cmocka_unit_test(test_shift_jis),
        cmocka_unit_test(test_utf16_both_orders),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_meta_past_prescan_is_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
