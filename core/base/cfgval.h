/* cfgval.h: plain C values (nil, boolean, number, string, list, map).
 *
 * Config options, JSON-LD and JSON reports are held in this form: Lua states are
 * per thread, so nothing Lua-owned crosses threads; these trees do (read-only after
 * construction). Conversion to and from Lua lives in cfgval_lua.h; JSON reading in
 * json_read.h.
 *
 * Ownership: every cfgval owns its children; cfgval_free frees the whole tree and
 * accepts NULL. Getters borrow. */
#ifndef PROVCHECK_CFGVAL_H
#define PROVCHECK_CFGVAL_H
#include <stddef.h>

typedef enum { CV_NIL, CV_BOOL, CV_NUM, CV_STR, CV_LIST, CV_MAP } cv_kind;

typedef struct cfgval cfgval;
struct cfgval {
    cv_kind kind;
    int b;                 /* CV_BOOL */
    double n;              /* CV_NUM */
    char *s; size_t slen;  /* CV_STR (NUL-terminated too) */
    size_t count;          /* CV_LIST items / CV_MAP entries */
    cfgval **items;        /* CV_LIST, CV_MAP values */
    char **keys;           /* CV_MAP keys, in insertion order */
};

cfgval *cfgval_nil(void);
cfgval *cfgval_bool(int b);
cfgval *cfgval_num(double n);
cfgval *cfgval_str(const char *s, size_t len);
cfgval *cfgval_list(void);
cfgval *cfgval_map(void);
/* Append to a list / set in a map (replacing an existing key). Take ownership of v,
 * also on failure. Return 0 or -1 (out of memory). */
int cfgval_push(cfgval *list, cfgval *v);
int cfgval_set(cfgval *map, const char *key, cfgval *v);
const cfgval *cfgval_get(const cfgval *map, const char *key);   /* NULL if absent */
cfgval *cfgval_clone(const cfgval *v);
/* A new map: every key of `base`, with `over`'s keys replacing them (shallow per key,
 * deep copies). Either may be NULL. */
cfgval *cfgval_merge(const cfgval *base, const cfgval *over);
void cfgval_free(cfgval *v);

#endif
