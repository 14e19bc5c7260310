/* url.h: URL helpers shared by the HTTP source and the audit: normalization, the
 * same-document test, and a URL set for dedup. Needs libcurl only. */
#ifndef PROVCHECK_URL_H
#define PROVCHECK_URL_H
#include <stddef.h>

/* `href` resolved against `base` (NULL: href must be absolute), fragment dropped,
 * scheme and host lowercased, default port dropped. malloc'd, or NULL when it is
 * not an http(s) URL. */
char *url_normalize(const char *base, const char *href);
/* 1 when href (after leading white space) is empty or fragment-only: a reference
 * to the document it appears in. */
int href_is_same_document(const char *href);

/* A set of strings (URLs), for dedup. */
typedef struct url_set {
    char **slots;
    size_t cap, count;
} url_set;
/* 1 added (a copy), 0 already there, -1 out of memory. */
int url_set_add(url_set *s, const char *url);
int url_set_has(const url_set *s, const char *url);
void url_set_free(url_set *s);

#endif
