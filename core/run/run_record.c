/* run_record.c: what a report records about its run (JSON "run"): the shard, and a
 * hash of everything besides the pages that decides the findings, so `merge` can
 * refuse shards that ran another config, other rules or another baseline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "sha256.h"

static void hash_str(sha256_ctx *h, const char *s)
{
    /* NUL-terminated pieces, "-" for absent ones, so no two lists hash alike */
    sha256_update(h, s ? s : "-", s ? strlen(s) + 1 : 1);
}

static void hash_list(sha256_ctx *h, const char *name, char **items, size_t count)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%s:%zu;", name, count);
    sha256_update(h, tmp, strlen(tmp));
    for (size_t i = 0; i < count; i++)
        hash_str(h, items[i]);
}

int report_record_run(report *r, const ruleset *rs, const config *cfg, int shard_index,
                      int shard_count, const char *baseline_path)
{
    sha256_ctx h;
    sha256_init(&h);
    static const char tag[] = "provcheck-run-1";
    sha256_update(&h, tag, sizeof tag);
    /* the ruleset digest covers the tool version, every rule and module source,
       the effective severities and options, overrides and --rule */
    hash_str(&h, rs ? rs->digest : NULL);
    if (cfg) {
        hash_str(&h, cfg->site_root);
        hash_list(&h, "include", cfg->include, cfg->include_count);
        hash_list(&h, "exclude", cfg->exclude, cfg->exclude_count);
        /* a set clock decides findings like options do: shards must agree on it. The
           start time does not enter (each shard starts at its own second). */
        if (cfg->now_origin != CONFIG_NOW_START) {
            char when[40];
            snprintf(when, sizeof when, "now:%lld", cfg->now);
            hash_str(&h, when);
        }
    }
    if (baseline_path) {
        char *text = NULL;
        size_t len = 0;
        if (file_read_all(baseline_path, 0, &text, &len) != 0)
            return -1;   /* err_set names the file */
        unsigned char d[32];
        char hex[65];
        sha256(text, len, d);
        sha256_hex(d, 32, hex);
        free(text);
        hash_str(&h, "baseline");
        hash_str(&h, hex);
    }
    unsigned char out[32];
    char hex[65];
    sha256_final(&h, out);
    sha256_hex(out, 32, hex);
    free(r->config_hash);
    free(r->shard);
    r->shard = NULL;
    r->config_hash = strdup(hex);
    if (!r->config_hash)
        return err_set("out of memory");
    if (shard_count > 0) {
        char shard[48];
        snprintf(shard, sizeof shard, "%d/%d", shard_index, shard_count);
        if (!(r->shard = strdup(shard)))
            return err_set("out of memory");
    }
    return 0;
}
