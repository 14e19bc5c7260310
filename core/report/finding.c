/* finding.c: findings as plain values: lists, fingerprints, the report order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finding.h"
#include "sha256.h"

static const char *const severity_names[] = {"off", "info", "warning", "error"};

const char *severity_name(severity s)
{
    if ((int)s < SEV_OFF || s > SEV_ERROR)
        return "off";
    return severity_names[s];
}

int severity_parse(const char *name, severity *out)
{
    for (int i = SEV_OFF; i <= SEV_ERROR; i++) {
        if (name && strcmp(name, severity_names[i]) == 0) {
            *out = (severity)i;
            return 0;
        }
    }
    return -1;
}

int finding_fingerprint_valid(const char *fp)
{
    size_t n = 0;
    for (; fp && fp[n]; n++)
        if (!((fp[n] >= '0' && fp[n] <= '9') || (fp[n] >= 'a' && fp[n] <= 'f')))
            return 0;
    return fp && n == 32;
}

static int rule_id_valid(const char *id)
{
    if (!id || !*id)
        return 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

const char *finding_invalid(const finding *f)
{
    if (!rule_id_valid(f->rule))
        return "the rule id is empty or not a rule id";
    if (f->sev < SEV_INFO || f->sev > SEV_ERROR)
        return "the severity is not info, warning or error";
    if (!f->message)
        return "it has no message";
    if (f->line < 0 || f->column < 0 || (f->column > 0 && f->line == 0))
        return "its line and column are not a position";
    if (!finding_fingerprint_valid(f->fingerprint))
        return "its fingerprint is not 32 hex digits";
    if (f->suppression != SUPP_NONE && f->suppression != SUPP_INLINE &&
        f->suppression != SUPP_BASELINE)
        return "its suppression is not null, inline or baseline";
    return NULL;
}

static int finding_list_grow(finding_list *list)
{
    if (list->count < list->cap)
        return 0;
    size_t cap = list->cap ? list->cap * 2 : 8;
    finding *items = realloc(list->items, cap * sizeof *items);
    if (!items)
        return -1;
    list->items = items;
    list->cap = cap;
    return 0;
}

/* strdup that keeps NULL as NULL; *failed is set when a copy ran out of memory. */
static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *failed = 1;
    return c;
}

int finding_list_add(finding_list *list, const finding *f)
{
    finding copy = *f;
    int failed = 0;
    copy.rule = dup_or_null(f->rule, &failed);
    copy.message = dup_or_null(f->message, &failed);
    copy.path = dup_or_null(f->path, &failed);
    copy.url = dup_or_null(f->url, &failed);
    copy.commit = dup_or_null(f->commit, &failed);
    copy.blob = dup_or_null(f->blob, &failed);
    copy.suppress_reason = dup_or_null(f->suppress_reason, &failed);
    copy.extra_json = dup_or_null(f->extra_json, &failed);
    copy.shares_ids = 0;   /* the copy owns its strings */
    copy.pooled_text = 0;
    if (failed || finding_list_grow(list) < 0) {
        finding_free(&copy);
        return -1;
    }
    list->items[list->count++] = copy;
    return 0;
}

int finding_list_take(finding_list *list, finding *f)
{
    if (finding_list_grow(list) < 0)
        return -1;
    list->items[list->count++] = *f;
    memset(f, 0, sizeof *f);
    return 0;
}

int finding_list_splice(finding_list *dst, finding_list *src)
{
    if (!src->count)
        return 0;
    if (!dst->count && !dst->items) {
        *dst = *src;
        memset(src, 0, sizeof *src);
        return 0;
    }
    if (dst->cap - dst->count < src->count) {
        size_t cap = dst->count + src->count;
        finding *items = realloc(dst->items, cap * sizeof *items);
        if (!items)
            return -1;
        dst->items = items;
        dst->cap = cap;
    }
    memcpy(dst->items + dst->count, src->items, src->count * sizeof *src->items);
    dst->count += src->count;
    free(src->items);
    memset(src, 0, sizeof *src);
    return 0;
}

char *finding_message_dup(const char *s, size_t len)
{
    size_t nuls = 0;
    for (const char *q = s; (q = memchr(q, '\0', len - (size_t)(q - s))); q++)
        nuls++;
    char *out = malloc(len + nuls * 2 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i]) {
            *o++ = s[i];
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
    }
    *o = '\0';
    return out;
}

void finding_free(finding *f)
{
    if (!f)
        return;
    if (!f->pooled_text) {
        free(f->rule);
        free(f->message);
    }
    if (!f->shares_ids) {
        free(f->path);
        free(f->commit);
        free(f->blob);
    }
    free(f->url);
    free(f->suppress_reason);
    free(f->extra_json);
    f->rule = f->message = f->path = f->url = NULL;
    f->commit = f->blob = f->suppress_reason = f->extra_json = NULL;
    f->shares_ids = 0;
    f->pooled_text = 0;
}

void finding_list_free(finding_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        finding_free(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

static int str_cmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int int_cmp(int a, int b) { return (a > b) - (a < b); }

/* One finding of a page with its original index, so equal positions stay stable. */
struct twin { const finding *f; size_t index; };

/* Groups (rule, path, message) twins together, each group in document order. */
static int twin_cmp(const void *pa, const void *pb)
{
    const struct twin *a = pa, *b = pb;
    int c = str_cmp_null(a->f->rule, b->f->rule);
    if (!c)
        c = str_cmp_null(a->f->path, b->f->path);
    if (!c)
        c = str_cmp_null(a->f->message, b->f->message);
    if (!c)
        c = int_cmp(a->f->line, b->f->line);
    if (!c)
        c = int_cmp(a->f->column, b->f->column);
    if (!c)
        c = (a->index > b->index) - (a->index < b->index);
    return c;
}

static void fingerprint_one(finding *f, unsigned long occurrence)
{
    static const char nul = '\0';
    char occ[24];
    int n = snprintf(occ, sizeof occ, "%lu", occurrence);
    sha256_ctx c;
    unsigned char digest[32];
    sha256_init(&c);
    sha256_update(&c, f->rule ? f->rule : "", f->rule ? strlen(f->rule) : 0);
    sha256_update(&c, &nul, 1);
    sha256_update(&c, f->path ? f->path : "", f->path ? strlen(f->path) : 0);
    sha256_update(&c, &nul, 1);
    sha256_update(&c, f->message ? f->message : "", f->message ? strlen(f->message) : 0);
    sha256_update(&c, &nul, 1);
    sha256_update(&c, occ, (size_t)n);
    sha256_final(&c, digest);
    sha256_hex(digest, 16, f->fingerprint);
}

static int same_identity(const finding *a, const finding *b)
{
    return str_cmp_null(a->rule, b->rule) == 0 && str_cmp_null(a->path, b->path) == 0 &&
           str_cmp_null(a->message, b->message) == 0;
}

void finding_fingerprint_page(finding *items, size_t count)
{
    if (!count)
        return;
    struct twin *order = malloc(count * sizeof *order);
    if (!order) {
        /* Out of memory: count earlier twins in the given order, still deterministic. */
        for (size_t i = 0; i < count; i++) {
            unsigned long occ = 0;
            for (size_t j = 0; j < i; j++)
                occ += same_identity(&items[j], &items[i]);
            fingerprint_one(&items[i], occ);
        }
        return;
    }
    for (size_t i = 0; i < count; i++)
        order[i] = (struct twin){&items[i], i};
    qsort(order, count, sizeof *order, twin_cmp);
    unsigned long occ = 0;
    for (size_t k = 0; k < count; k++) {
        occ = (k && same_identity(order[k - 1].f, order[k].f)) ? occ + 1 : 0;
        fingerprint_one(&items[order[k].index], occ);
    }
    free(order);
}

int finding_compare(const finding *a, const finding *b)
{
    int c = str_cmp_null(a->path, b->path);
    if (!c)
        c = int_cmp(a->line, b->line);
    if (!c)
        c = int_cmp(a->column, b->column);
    if (!c)
        c = str_cmp_null(a->rule, b->rule);
    if (!c)
        c = str_cmp_null(a->message, b->message);
    if (!c)
        c = strcmp(a->fingerprint, b->fingerprint);
    if (!c)
        c = int_cmp((int)a->sev, (int)b->sev);
    if (!c)
        c = int_cmp((int)a->suppression, (int)b->suppression);
    return c;
}

static int finding_qsort_cmp(const void *a, const void *b)
{
    return finding_compare(a, b);
}

void finding_list_sort(finding_list *list)
{
    if (list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, finding_qsort_cmp);
}
