/* rule_digest.c: the rule set's digest, what result caches and run records key
 * on: every rule's and module's source, the effective settings and the tool
 * version, hashed in a fixed order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules_private.h"
#include "sha256.h"

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A canonical byte form of a value: maps with sorted keys, lengths spelled out. */
static void digest_value(sha256_ctx *h, const cfgval *v)
{
    char tmp[64];
    if (!v || v->kind == CV_NIL) {
        sha256_update(h, "n;", 2);
        return;
    }
    switch (v->kind) {
    case CV_BOOL: sha256_update(h, v->b ? "t;" : "f;", 2); break;
    case CV_NUM:
        snprintf(tmp, sizeof tmp, "d%.17g;", v->n);
        sha256_update(h, tmp, strlen(tmp));
        break;
    case CV_STR:
        snprintf(tmp, sizeof tmp, "s%zu:", v->slen);
        sha256_update(h, tmp, strlen(tmp));
        sha256_update(h, v->s, v->slen);
        break;
    case CV_LIST:
        snprintf(tmp, sizeof tmp, "l%zu:", v->count);
        sha256_update(h, tmp, strlen(tmp));
        for (size_t i = 0; i < v->count; i++)
            digest_value(h, v->items[i]);
        break;
    case CV_MAP: {
        snprintf(tmp, sizeof tmp, "m%zu:", v->count);
        sha256_update(h, tmp, strlen(tmp));
        const char **keys = malloc((v->count + 1) * sizeof *keys);
        if (!keys)
            break;
        for (size_t i = 0; i < v->count; i++)
            keys[i] = v->keys[i];
        qsort(keys, v->count, sizeof *keys, cmp_cstr);
        for (size_t i = 0; i < v->count; i++) {
            digest_value(h, cfgval_get(v, keys[i]));
            snprintf(tmp, sizeof tmp, "k%zu:", strlen(keys[i]));
            sha256_update(h, tmp, strlen(tmp));
            sha256_update(h, keys[i], strlen(keys[i]));
        }
        free(keys);
        break;
    }
    default: break;
    }
}

static void digest_str(sha256_ctx *h, const char *s, size_t len)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%zu:", len);
    sha256_update(h, tmp, strlen(tmp));
    sha256_update(h, s, len);
}

static void digest_setting(sha256_ctx *h, const rule_setting *s)
{
    char tmp[16];
    digest_str(h, s->id, strlen(s->id));
    snprintf(tmp, sizeof tmp, "%d/%d;", s->has_severity, (int)s->sev);
    sha256_update(h, tmp, strlen(tmp));
    digest_value(h, s->options);
}

void ruleset_compute_digest(ruleset *rs, const ruleset_private *rp)
{
    sha256_ctx h;
    sha256_init(&h);
    digest_str(&h, "provcheck " PROVCHECK_VERSION, strlen("provcheck " PROVCHECK_VERSION));
    /* what the engine makes of the same rules: bumped when that changes (v2: a
       new instance per page, findings and messages capped) */
    digest_str(&h, "engine 2", strlen("engine 2"));
    for (size_t i = 0; i < rs->count; i++) {
        char tmp[32];
        digest_str(&h, rs->rules[i].id, strlen(rs->rules[i].id));
        digest_str(&h, rs->rules[i].source, rs->rules[i].source_len);
        snprintf(tmp, sizeof tmp, "sev%d;", (int)rs->base_sev[i]);
        sha256_update(&h, tmp, strlen(tmp));
        digest_value(&h, rs->base_options[i]);
        if (rp->only)
            sha256_update(&h, rp->only[i] ? "O" : "o", 1);
    }
    for (size_t i = 0; i < rs->module_count; i++) {
        digest_str(&h, rs->module_names[i], strlen(rs->module_names[i]));
        digest_str(&h, rs->module_sources[i], rs->module_lens[i]);
    }
    const config *c = rs->cfg;
    for (size_t o = 0; c && o < c->override_count; o++) {
        sha256_update(&h, "override;", 9);
        for (size_t i = 0; i < c->overrides[o].file_count; i++)
            digest_str(&h, c->overrides[o].files[i], strlen(c->overrides[o].files[i]));
        sha256_update(&h, "urls;", 5);
        for (size_t i = 0; i < c->overrides[o].url_count; i++)
            digest_str(&h, c->overrides[o].urls[i], strlen(c->overrides[o].urls[i]));
        for (size_t i = 0; i < c->overrides[o].rule_count; i++)
            digest_setting(&h, &c->overrides[o].rules[i]);
    }
    /* the file <-> URL mapping decides which overrides a page gets */
    sha256_update(&h, c && c->clean_urls ? "clean;" : "plain;", 6);
    for (size_t i = 0; c && i < c->url_map_count; i++) {
        digest_str(&h, c->url_map_urls[i], strlen(c->url_map_urls[i]));
        digest_str(&h, c->url_map_files[i], strlen(c->url_map_files[i]));
    }
    char tmp[16];
    snprintf(tmp, sizeof tmp, "u%d;", (int)rp->unused_sev);
    sha256_update(&h, tmp, strlen(tmp));
    unsigned char out[32];
    sha256_final(&h, out);
    sha256_hex(out, 32, rs->digest);
}
