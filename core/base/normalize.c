/* normalize.c: the contract's text normalization (normalize.h).
 *
 * Pure ASCII is the common case on real pages, so ASCII characters that are not
 * followed by a non-ASCII byte are lowercased and space-collapsed in a plain loop.
 * Everything else goes through utf8proc one grapheme cluster at a time: NFKC
 * composition never crosses a cluster boundary in practice, and working per cluster
 * keeps the output-to-input map exact to the cluster and needs no allocation. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "normalize.h"
#include "word_scan.h"

/* A cluster longer than this (Zalgo text) is cut, which bounds the buffers below. */
#define CLUSTER_MAX_CPS 32
/* utf8proc's longest decomposition is 18 code points. */
#define DECOMP_MAX (CLUSTER_MAX_CPS * 18 + 16)

#define NORM_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | \
                      UTF8PROC_CASEFOLD)

typedef struct {
    char *out;
    norm_map *map;        /* NULL: no map wanted */
    long long delta;      /* in - out along the map's last segment */
    size_t len, cap;
    int pending_space;    /* a white space run was seen and not written yet */
    size_t space_from;    /* input offset where that run began */
} nbuf;

#define NBUF_EXACT_BYTES ((size_t)1 << 20)

static int nbuf_reserve(nbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    /* a large input's first reserve is its length, which ASCII never passes:
       exact, not rounded up to a power of two, which would waste megabytes;
       small ones keep the power-of-two sizes the allocator reuses from page to
       page */
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap * 2 : need >= NBUF_EXACT_BYTES ? need : 64;
    while (cap < need)
        cap *= 2;
    char *out = realloc(b->out, cap);
    if (!out)
        return -1;
    b->out = out;
    b->cap = cap;
    return 0;
}

/* Append a segment: output byte `out` came from input byte `in`. */
static int map_push(nbuf *b, size_t out, size_t in)
{
    norm_map *m = b->map;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        norm_segment *seg = realloc(m->seg, cap * sizeof *seg);
        if (!seg)
            return -1;
        m->seg = seg;
        m->cap = cap;
    }
    m->seg[m->count++] = (norm_segment){(uint32_t)out, (uint32_t)in};
    b->delta = (long long)in - (long long)out;
    return 0;
}

/* Record that output byte `out` came from input byte `in`: a new segment only
   where the pair leaves the current one's byte-for-byte stretch, which is one
   compare on the hot path. */
static inline int map_mark(nbuf *b, size_t out, size_t in)
{
    if (!b->map || (long long)in - (long long)out == b->delta)
        return 0;
    return map_push(b, out, in);
}

size_t norm_map_source(const norm_map *m, size_t k)
{
    size_t lo = 0, hi = m->count;   /* the last segment with out <= k */
    if (hi == 0)
        return 0;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->seg[mid].out <= k)
            lo = mid;
        else
            hi = mid;
    }
    return m->seg[lo].in + (k - m->seg[lo].out);
}

void norm_map_free(norm_map *m)
{
    free(m->seg);
    m->seg = NULL;
    m->count = m->cap = 0;
}

static void nbuf_space(nbuf *b, size_t from)
{
    if (!b->pending_space) {
        b->pending_space = 1;
        b->space_from = from;
    }
}

/* Write the pending space (never at the start: output is trimmed). */
static int nbuf_flush_space(nbuf *b)
{
    if (b->pending_space && b->len > 0) {
        b->out[b->len] = ' ';
        if (map_mark(b, b->len, b->space_from) < 0)
            return -1;
        b->len++;
    }
    b->pending_space = 0;
    return 0;
}

static int is_unicode_space(int32_t cp)
{
    switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* The contract's typographic quotes and dashes, as ASCII; 0 for anything else. */
static int ascii_stand_in(int32_t cp)
{
    switch (cp) {
    case 0x201C: case 0x201D: case 0x201E: case 0xAB: case 0xBB:
        return '"';
    case 0x2018: case 0x2019: case 0x201A: case 0x2039: case 0x203A:
        return '\'';
    case 0x2012: case 0x2013: case 0x2014: case 0x2212:
        return '-';
    default:
        return 0;
    }
}

/* Decode one code point at s[i]; invalid or truncated sequences give U+FFFD for one
 * byte, so every byte of input is accounted for. */
static int32_t decode_one(const unsigned char *s, size_t len, size_t i, size_t *adv)
{
    int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
    if (n <= 0) {
        *adv = 1;
        return 0xFFFD;
    }
    *adv = (size_t)n;
    return cp;
}

/* Emit one normalized code point. */
static int emit_cp(nbuf *b, int32_t cp, size_t src)
{
    if (is_unicode_space(cp)) {
        nbuf_space(b, src);
        return 0;
    }
    int stand_in = ascii_stand_in(cp);
    if (stand_in)
        cp = stand_in;
    if (nbuf_reserve(b, 5) < 0 || nbuf_flush_space(b) < 0)
        return -1;
    utf8proc_ssize_t n = utf8proc_encode_char(cp, (utf8proc_uint8_t *)b->out + b->len);
    if (n <= 0)
        n = utf8proc_encode_char(0xFFFD, (utf8proc_uint8_t *)b->out + b->len);
    for (utf8proc_ssize_t k = 0; k < n && b->map; k++)
        if (map_mark(b, b->len + (size_t)k, src) < 0)
            return -1;
    b->len += (size_t)n;
    return 0;
}

/* The slow path: one grapheme cluster starting at s[i]. Returns the input bytes used,
 * or 0 when out of memory. */
static size_t normalize_cluster(nbuf *b, const unsigned char *s, size_t len, size_t i)
{
    uint8_t utf8[CLUSTER_MAX_CPS * 4 + 1];
    size_t ulen = 0, pos = i, ncps = 0;
    int32_t prev = -1, state = 0;
    while (pos < len && ncps < CLUSTER_MAX_CPS) {
        size_t adv;
        int32_t cp = decode_one(s, len, pos, &adv);
        if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state))
            break;
        ulen += (size_t)utf8proc_encode_char(cp, utf8 + ulen);
        prev = cp;
        pos += adv;
        ncps++;
    }
    int32_t cps[DECOMP_MAX];
    utf8proc_ssize_t n = utf8proc_decompose(utf8, (utf8proc_ssize_t)ulen, cps, DECOMP_MAX,
                                            NORM_OPTIONS);
    if (n < 0 || n > DECOMP_MAX) {
        /* cannot happen for valid input within the bounds above; keep the bytes */
        if (emit_cp(b, 0xFFFD, i) < 0)
            return 0;
        return pos - i;
    }
    n = utf8proc_normalize_utf32(cps, n, NORM_OPTIONS);
    for (utf8proc_ssize_t k = 0; k < n; k++)
        if (emit_cp(b, cps[k], i) < 0)
            return 0;
    return pos - i;
}

/* Eight ASCII bytes at s[i] in one step, when they need nothing but lowercasing:
 * no byte at or above 0x80 (nor one after them: it could be a combining mark), no
 * control or white space byte but single spaces between other bytes. Most of a
 * page's text is like that, and the byte loop costs several times more. Returns 0
 * (nothing written) for a chunk the byte loop must take. */
static int ascii_chunk(nbuf *b, const unsigned char *s, size_t len, size_t i)
{
    uint64_t w = word_load(s + i);
    if (w & WORD_HIGH)
        return 0;
    if (i + 8 < len && s[i + 8] >= 0x80)
        return 0;
    if (word_has_below(w, 0x20))                      /* control or white space */
        return 0;
    uint64_t spaces = word_equal_mask(w, ' ');
    if (spaces & (spaces << 8))                       /* two spaces in a row */
        return 0;
    int leading = (spaces & 0x80) != 0, trailing = (spaces >> 63) != 0;
    if (leading && (b->pending_space || b->len == 0))
        return 0;                                     /* part of a run, or a leading space */
    if (b->len + 10 > b->cap && nbuf_reserve(b, 10) < 0)
        return 0;
    if (nbuf_flush_space(b) < 0)
        return 0;
    /* byte for byte: one mark covers the chunk (a map that cannot grow leaves the
       chunk to the byte loop, which fails the call) */
    if (map_mark(b, b->len, i) < 0)
        return 0;
    /* 'A'..'Z' to 'a'..'z': bit 0x20 on where the byte is at least 'A' and at most 'Z' */
    uint64_t at_least_a = w + WORD_ONES * (0x80 - 'A');
    uint64_t above_z = w + WORD_ONES * (0x80 - 'Z' - 1);
    w |= (at_least_a & ~above_z & WORD_HIGH) >> 2;
    memcpy(b->out + b->len, &w, 8);
    size_t kept = trailing ? 7 : 8;    /* a last space waits: the next byte may extend it */
    b->len += kept;
    if (trailing) {
        b->pending_space = 1;
        b->space_from = i + 7;
    }
    return 1;
}

char *text_normalize(const char *str, size_t len, size_t *len_out, norm_map *map_out)
{
    const unsigned char *s = (const unsigned char *)str;
    nbuf b = {0};
    b.delta = LLONG_MIN;   /* no segment yet */
    if (map_out) {
        *map_out = (norm_map){0};
        b.map = map_out;
    }
    if (nbuf_reserve(&b, len + 16) < 0)
        goto fail;
    size_t i = 0;
    while (i < len) {
        /* the hot loop: ASCII not followed by a non-ASCII byte (which could be a
         * combining mark) needs no Unicode work */
        while (i + 8 <= len && ascii_chunk(&b, s, len, i))
            i += 8;
        if (i < len && s[i] < 0x80 && (i + 1 == len || s[i + 1] < 0x80)) {
            unsigned char c = s[i];
            if (c == ' ' || (c >= '\t' && c <= '\r')) {
                if (!b.pending_space) {
                    b.pending_space = 1;
                    b.space_from = i;
                }
            } else {
                /* a space, the byte and the final NUL: the slow path below can
                   have grown the output past the input (U+FFFD for a bad byte) */
                if (b.len + 3 > b.cap && nbuf_reserve(&b, 2) < 0)
                    goto fail;
                if (nbuf_flush_space(&b) < 0)
                    goto fail;
                if (map_mark(&b, b.len, i) < 0)
                    goto fail;
                b.out[b.len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            i++;
            continue;
        }
        if (i >= len)
            break;
        size_t used = normalize_cluster(&b, s, len, i);
        if (used == 0)
            goto fail;
        i += used;
    }
    b.out[b.len] = '\0';
    if (map_mark(&b, b.len, len) < 0)
        goto fail;
    if (len_out)
        *len_out = b.len;
    return b.out;
fail:
    free(b.out);
    return NULL;
}
