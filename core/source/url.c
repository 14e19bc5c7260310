/* url.c: URL helpers every fetching layer shares (see url.h): normalization, the
 * same-document test and a string set for dedup. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "url.h"

/* HTML strips ASCII white space around attribute URLs. */
static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
        s++;
    return s;
}

int href_is_same_document(const char *href)
{
    href = skip_space(href);
    return *href == '\0' || *href == '#';
}

char *url_normalize(const char *base, const char *href)
{
    if (!href)
        return NULL;
    href = skip_space(href);
    CURLU *u = curl_url();
    char *got = NULL, *out = NULL;
    if (!u)
        return NULL;
    if (base && curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK)
        goto done;
    /* An empty or fragment-only reference is the base document itself; libcurl
       would resolve it to the base's folder ("#top" on /a/b.html gives /a/). */
    if ((!base || !href_is_same_document(href)) &&
        curl_url_set(u, CURLUPART_URL, href, 0) != CURLUE_OK)
        goto done;
    char *scheme = NULL, *port = NULL;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto done;
    int http = strcasecmp(scheme, "http") == 0, https = strcasecmp(scheme, "https") == 0;
    curl_free(scheme);
    if (!http && !https)
        goto done;
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
        if ((http && strcmp(port, "80") == 0) || (https && strcmp(port, "443") == 0))
            curl_url_set(u, CURLUPART_PORT, NULL, 0);
        curl_free(port);
    }
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    char *host = NULL;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        for (char *p = host; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        curl_url_set(u, CURLUPART_HOST, host, 0);
        curl_free(host);
    }
    if (curl_url_get(u, CURLUPART_URL, &got, 0) != CURLUE_OK)
        goto done;
    out = strdup(got);
done:
    curl_free(got);
    curl_url_cleanup(u);
    return out;
}

/* ---- the set: open addressing, FNV-1a ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t find_slot(char **slots, size_t cap, const char *s)
{
    size_t i = (size_t)hash_str(s) & (cap - 1);
    while (slots[i] && strcmp(slots[i], s) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

int url_set_has(const url_set *s, const char *url)
{
    return s->cap && s->slots[find_slot(s->slots, s->cap, url)] != NULL;
}

int url_set_add(url_set *s, const char *url)
{
    if ((s->count + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i])
                slots[find_slot(slots, cap, s->slots[i])] = s->slots[i];
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    size_t i = find_slot(s->slots, s->cap, url);
    if (s->slots[i])
        return 0;
    if (!(s->slots[i] = strdup(url)))
        return -1;
    s->count++;
    return 1;
}

void url_set_free(url_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    memset(s, 0, sizeof *s);
}
