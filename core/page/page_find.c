/* page_find.c: searches in the normalized text, remembered per page.
 *
 * The rules on a page search its text for the same needles again and again
 * ("Source:" for five rules, each label and phrase of a pack, "©" in a loop over
 * every notice), and a needle that is absent costs a scan of the whole text each
 * time. So the first search for a needle records every place it occurs
 * (overlapping ones too), and each search after, from any offset, is a binary
 * search in that list: the same answers as a scan, one scan per needle and page. */
#define _GNU_SOURCE   /* memmem */
#include <stdlib.h>
#include <string.h>
#include "page_priv.h"

#define FIND_CACHE_NEEDLES 64    /* past that, needles are searched uncached */
#define FIND_CACHE_PLACES 4096   /* places kept per needle; later ones are searched */

struct page_find_entry {
    char *needle;
    size_t len;
    size_t *at;          /* ascending */
    size_t count;
    int complete;        /* every place is in `at` */
};

/* How common a byte is in normalized (case-folded) text: English letters by
   frequency, the space most; 0 for the rare ones. */
static int commonness(unsigned char c)
{
    static const char order[] = "zqxj,.kvbpygfwmucldrhsnioate ";
    const char *at = c ? strchr(order, c) : NULL;
    return at ? (int)(at - order) + 1 : 0;
}

/* The first place of nd from `from` by its rarest byte, at index j: candidates
   come from memchr (many bytes a step), each checked with memcmp. When the byte
   turns out common in this text, what is left goes to memmem, so the work stays
   linear: at most a quarter of the text's length in compared bytes before that. */
static long scan_rare_byte(const char *hay, size_t hlen, const char *nd, size_t nlen,
                           size_t from, size_t j)
{
    size_t tries = 16 + (hlen - from) / (4 * nlen);
    const char *last = hay + hlen - nlen;   /* the last place a match can start */
    const char *at = hay + from;
    while (at <= last) {
        if (tries-- == 0) {
            const char *m = memmem(at, hlen - (size_t)(at - hay), nd, nlen);
            return m ? (long)(m - hay) : -1;
        }
        const char *c = memchr(at + j, nd[j], (size_t)(last - at) + 1);
        if (!c)
            return -1;
        at = c - j;
        if (memcmp(at, nd, nlen) == 0)
            return (long)(at - hay);
        at++;
    }
    return -1;
}

#ifdef __SSE2__
#include <emmintrin.h>
/* The first place of nd from `from` where its two rarest bytes (at j1 and j2)
   both match, sixteen places a step, each candidate checked with memcmp. For a
   needle made of common letters ("copyright", "is not an endorsement"): by its
   rarest byte alone the candidates run into the hundreds on a page. */
static long scan_byte_pair(const char *hay, size_t hlen, const char *nd, size_t nlen,
                           size_t from, size_t j1, size_t j2)
{
    const __m128i b1 = _mm_set1_epi8(nd[j1]), b2 = _mm_set1_epi8(nd[j2]);
    size_t last = hlen - nlen;               /* the last place a match can start */
    size_t reach = j1 > j2 ? j1 : j2;        /* the loads read up to i + reach + 15 */
    size_t i = from;
    for (; i + reach + 16 <= hlen; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + j1));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + j2));
        unsigned hits = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(x, b1), _mm_cmpeq_epi8(y, b2)));
        while (hits) {
            size_t at = i + (size_t)__builtin_ctz(hits);
            if (at > last)
                return -1;
            if (memcmp(hay + at, nd, nlen) == 0)
                return (long)at;
            hits &= hits - 1;
        }
    }
    for (; i <= last; i++)
        if (hay[i + j1] == nd[j1] && memcmp(hay + i, nd, nlen) == 0)
            return (long)i;
    return -1;
}
#endif

/* Below this commonness a byte is rare enough in text for memchr to step from one
   occurrence to the next ('z' 'q' 'x' 'j' ',' '.', and bytes outside the list:
   digits, punctuation, UTF-8). */
#define RARE_BELOW 7

/* How a needle is searched, decided once per needle: by its rarest byte (j1)
   when that is rare, else by its two rarest bytes at once (j1 and j2, where the
   CPU has SSE2). */
typedef struct {
    size_t j1, j2;
    int pair;
} needle_plan;

static needle_plan plan_for(const char *nd, size_t nlen)
{
    needle_plan pl = {0, 0, 0};
    for (size_t i = 1; i < nlen; i++)
        if (commonness((unsigned char)nd[i]) < commonness((unsigned char)nd[pl.j1]))
            pl.j1 = i;
#ifdef __SSE2__
    if (nlen >= 2 && commonness((unsigned char)nd[pl.j1]) >= RARE_BELOW) {
        pl.pair = 1;
        pl.j2 = pl.j1 == 0 ? 1 : 0;
        for (size_t i = 0; i < nlen; i++)
            if (i != pl.j1 &&
                commonness((unsigned char)nd[i]) < commonness((unsigned char)nd[pl.j2]))
                pl.j2 = i;
    }
#endif
    return pl;
}

/* The first place of nd from `from`, searched as planned. */
static long scan(const char *hay, size_t hlen, const char *nd, size_t nlen, size_t from,
                 const needle_plan *pl)
{
    if (from >= hlen || nlen > hlen - from)
        return -1;
#ifdef __SSE2__
    if (pl->pair)
        return scan_byte_pair(hay, hlen, nd, nlen, from, pl->j1, pl->j2);
#endif
    return scan_rare_byte(hay, hlen, nd, nlen, from, pl->j1);
}

static struct page_find_entry *entry_for(page *p, const char *hay, size_t hlen,
                                         const char *nd, size_t nlen)
{
    for (size_t i = 0; i < p->find_count; i++)
        if (p->finds[i].len == nlen && memcmp(p->finds[i].needle, nd, nlen) == 0)
            return &p->finds[i];
    if (p->find_count == FIND_CACHE_NEEDLES)
        return NULL;
    if (!p->finds && !(p->finds = calloc(FIND_CACHE_NEEDLES, sizeof *p->finds)))
        return NULL;
    struct page_find_entry e = {malloc(nlen), nlen, NULL, 0, 1};
    size_t cap = 0;
    if (!e.needle)
        return NULL;
    memcpy(e.needle, nd, nlen);
    needle_plan pl = plan_for(nd, nlen);
    for (long at = scan(hay, hlen, nd, nlen, 0, &pl); at >= 0;
         at = scan(hay, hlen, nd, nlen, (size_t)at + 1, &pl)) {
        if (e.count == FIND_CACHE_PLACES) {
            e.complete = 0;
            break;
        }
        if (e.count == cap) {
            cap = cap ? cap * 2 : 4;
            size_t *a = realloc(e.at, cap * sizeof *a);
            if (!a) {
                free(e.at);
                free(e.needle);
                return NULL;
            }
            e.at = a;
        }
        e.at[e.count++] = (size_t)at;
    }
    p->finds[p->find_count] = e;
    return &p->finds[p->find_count++];
}

long page_find_cached(page *p, const char *hay, size_t hlen, const char *nd, size_t nlen,
                      size_t from)
{
    if (nlen == 0)
        return from <= hlen ? (long)from : -1;
    struct page_find_entry *e = entry_for(p, hay, hlen, nd, nlen);
    if (!e || (!e->complete && (e->count == 0 || from > e->at[e->count - 1]))) {
        needle_plan pl = plan_for(nd, nlen);
        return scan(hay, hlen, nd, nlen, from, &pl);
    }
    /* the first place at or after `from` */
    size_t lo = 0, hi = e->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->at[mid] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->count ? (long)e->at[lo] : -1;
}

void page_find_free(page *p)
{
    for (size_t i = 0; i < p->find_count; i++) {
        free(p->finds[i].needle);
        free(p->finds[i].at);
    }
    free(p->finds);
    p->finds = NULL;
    p->find_count = 0;
}
