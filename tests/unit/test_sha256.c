/* test_sha256.c: SHA-256 against the FIPS 180-4 / NIST example vectors, on the
 * portable rounds and on the CPU's SHA extensions where it has them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sha256.h"

static void expect_digest(const void *data, size_t len, const char *hex)
{
    unsigned char d[32];
    char got[65];
    sha256(data, len, d);
    sha256_hex(d, 32, got);
    assert_string_equal(got, hex);
}

static void test_empty(void **state)
{
    (void)state;
    expect_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
    (void)state;
    expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_two_blocks(void **state)
{
    (void)state;
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_digest(m, strlen(m),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m2 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    expect_digest(m2, strlen(m2),
                  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a_incremental(void **state)
{
    (void)state;
    /* One million 'a' fed in uneven pieces exercises the block carry-over. */
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    sha256_ctx c;
    sha256_init(&c);
    size_t left = 1000000;
    size_t step = 1;
    while (left) {
        size_t n = step < left ? step : left;
        sha256_update(&c, chunk, n);
        left -= n;
        step = (step + 7) % sizeof chunk + 1;   /* 1..997 */
    }
    unsigned char d[32];
    char hex[65];
    sha256_final(&c, d);
    sha256_hex(d, 32, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_padding_edges(void **state)
{
    (void)state;
    /* 55, 56 and 64 bytes straddle the length field's boundary. */
    char m[64];
    memset(m, 'a', sizeof m);
    expect_digest(m, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    expect_digest(m, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    expect_digest(m, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

/* Every length from 0 to 700 bytes, one call and in pieces: both paths give the
   same digest (the vectors above run on both through the group setups). */
static void test_paths_agree(void **state)
{
    (void)state;
    unsigned char data[700];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (unsigned char)(seed >> 16);
    }
    for (size_t len = 0; len <= sizeof data; len++) {
        unsigned char fast[32], portable[32];
        sha256_force_portable(0);
        sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, data, len / 3);
        sha256_update(&c, data + len / 3, len - len / 3);
        sha256_final(&c, fast);
        sha256_force_portable(1);
        sha256(data, len, portable);
        if (memcmp(fast, portable, 32) != 0)
            fail_msg("the two SHA-256 paths differ at %zu bytes", len);
    }
    sha256_force_portable(0);
}

static int on_portable(void **state)
{
    (void)state;
    sha256_force_portable(1);
    return 0;
}

static int on_cpu(void **state)
{
    (void)state;
    sha256_force_portable(0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_abc),
        cmocka_unit_test(test_two_blocks),
        cmocka_unit_test(test_million_a_incremental),
        cmocka_unit_test(test_padding_edges),
    };
    const struct CMUnitTest agree[] = {
        cmocka_unit_test(test_paths_agree),
    };
    int failed = cmocka_run_group_tests_name("portable rounds", tests, on_portable, on_cpu);
    failed += cmocka_run_group_tests_name("CPU's rounds", tests, on_cpu, NULL);
    failed += cmocka_run_group_tests_name("both", agree, NULL, NULL);
    return failed;
}
