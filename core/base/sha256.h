/* sha256.h: SHA-256 (FIPS 180-4), one-shot and incremental, with a hex helper.
 * Used for fingerprints, shard assignment and cache keys. */
#ifndef PROVCHECK_SHA256_H
#define PROVCHECK_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t state[8];
    uint64_t total;          /* bytes hashed so far */
    unsigned char block[64];
    size_t used;             /* bytes waiting in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
void sha256(const void *data, size_t len, unsigned char out[32]);
/* Tests: 1 = use the portable rounds even where the CPU has SHA extensions; 0 =
 * decide by the CPU again. */
void sha256_force_portable(int portable);
/* Lowercase hex of `len` bytes into hex (2*len chars + NUL). */
void sha256_hex(const unsigned char *digest, size_t len, char *hex);

#endif
