/* cfgval.c: the plain value trees of cfgval.h. */
#include <stdlib.h>
#include <string.h>
#include "cfgval.h"

static cfgval *cfgval_new(cv_kind kind)
{
    cfgval *v = calloc(1, sizeof *v);
    if (v)
        v->kind = kind;
    return v;
}

cfgval *cfgval_nil(void) { return cfgval_new(CV_NIL); }

cfgval *cfgval_bool(int b)
{
    cfgval *v = cfgval_new(CV_BOOL);
    if (v)
        v->b = b != 0;
    return v;
}

cfgval *cfgval_num(double n)
{
    cfgval *v = cfgval_new(CV_NUM);
    if (v)
        v->n = n;
    return v;
}

cfgval *cfgval_str(const char *s, size_t len)
{
    cfgval *v = cfgval_new(CV_STR);
    if (!v)
        return NULL;
    v->s = malloc(len + 1);
    if (!v->s) {
        free(v);
        return NULL;
    }
    if (len)
        memcpy(v->s, s, len);
    v->s[len] = '\0';
    v->slen = len;
    return v;
}

cfgval *cfgval_list(void) { return cfgval_new(CV_LIST); }
cfgval *cfgval_map(void) { return cfgval_new(CV_MAP); }

/* Grow items (and keys for maps) to hold one more entry. */
static int cfgval_grow(cfgval *c)
{
    size_t n = c->count + 1;
    cfgval **items = realloc(c->items, n * sizeof *items);
    if (!items)
        return -1;
    c->items = items;
    if (c->kind == CV_MAP) {
        char **keys = realloc(c->keys, n * sizeof *keys);
        if (!keys)
            return -1;
        c->keys = keys;
    }
    return 0;
}

int cfgval_push(cfgval *list, cfgval *v)
{
    if (!list || list->kind != CV_LIST || !v || cfgval_grow(list) < 0) {
        cfgval_free(v);
        return -1;
    }
    list->items[list->count++] = v;
    return 0;
}

int cfgval_set(cfgval *map, const char *key, cfgval *v)
{
    if (!map || map->kind != CV_MAP || !v || !key) {
        cfgval_free(v);
        return -1;
    }
    for (size_t i = 0; i < map->count; i++) {
        if (strcmp(map->keys[i], key) == 0) {
            cfgval_free(map->items[i]);
            map->items[i] = v;
            return 0;
        }
    }
    char *k = strdup(key);
    if (!k || cfgval_grow(map) < 0) {
        free(k);
        cfgval_free(v);
        return -1;
    }
    map->keys[map->count] = k;
    map->items[map->count++] = v;
    return 0;
}

const cfgval *cfgval_get(const cfgval *map, const char *key)
{
    if (!map || map->kind != CV_MAP || !key)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->items[i];
    return NULL;
}

cfgval *cfgval_clone(const cfgval *v)
{
    if (!v)
        return NULL;
    switch (v->kind) {
    case CV_NIL: return cfgval_nil();
    case CV_BOOL: return cfgval_bool(v->b);
    case CV_NUM: return cfgval_num(v->n);
    case CV_STR: return cfgval_str(v->s, v->slen);
    case CV_LIST: {
        cfgval *c = cfgval_list();
        for (size_t i = 0; c && i < v->count; i++) {
            if (cfgval_push(c, cfgval_clone(v->items[i])) < 0) {
                cfgval_free(c);
                return NULL;
            }
        }
        return c;
    }
    case CV_MAP: {
        cfgval *c = cfgval_map();
        for (size_t i = 0; c && i < v->count; i++) {
            if (cfgval_set(c, v->keys[i], cfgval_clone(v->items[i])) < 0) {
                cfgval_free(c);
                return NULL;
            }
        }
        return c;
    }
    }
    return NULL;
}

/* Copy every entry of src (a map, or nothing) into dst, replacing existing keys. */
static int cfgval_merge_into(cfgval *dst, const cfgval *src)
{
    if (!src || src->kind != CV_MAP)
        return 0;
    for (size_t i = 0; i < src->count; i++)
        if (cfgval_set(dst, src->keys[i], cfgval_clone(src->items[i])) < 0)
            return -1;
    return 0;
}

cfgval *cfgval_merge(const cfgval *base, const cfgval *over)
{
    cfgval *m = cfgval_map();
    if (!m)
        return NULL;
    if (cfgval_merge_into(m, base) < 0 || cfgval_merge_into(m, over) < 0) {
        cfgval_free(m);
        return NULL;
    }
    return m;
}

void cfgval_free(cfgval *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        cfgval_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    free(v);
}
