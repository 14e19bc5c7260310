/* rule_clock.c: the key under which results may be reused across runs by caches that
 * cannot tell, page by page, whether a rule read the clock (the audit database).
 * The git result cache knows per page (engine_page_reusable) and needs none of this. */
#include <stdio.h>
#include <string.h>
#include "rules.h"
#include "sha256.h"

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* Whether `now` appears as a word in the text (page:now(), page["now"]...). Broad on
   purpose: a false yes only costs a cache hit, a false no could reuse a stale result. */
static int mentions_now(const char *s, size_t len)
{
    for (size_t i = 0; i + 3 <= len; i++)
        if (s[i] == 'n' && s[i + 1] == 'o' && s[i + 2] == 'w' &&
            (i == 0 || !ident_char(s[i - 1])) && (i + 3 == len || !ident_char(s[i + 3])))
            return 1;
    return 0;
}

int ruleset_may_read_clock(const ruleset *rs)
{
    for (size_t i = 0; i < rs->count; i++)
        if (rs->base_sev[i] != SEV_OFF && mentions_now(rs->rules[i].source,
                                                       rs->rules[i].source_len))
            return 1;
    for (size_t i = 0; i < rs->module_count; i++)
        if (mentions_now(rs->module_sources[i], rs->module_lens[i]))
            return 1;
    return 0;
}

void ruleset_reuse_key(const ruleset *rs, char out[65])
{
    const config *c = rs->cfg;
    int fixed = c && c->now_origin != CONFIG_NOW_START;
    if (!fixed && !ruleset_may_read_clock(rs)) {
        memcpy(out, rs->digest, 65);
        return;
    }
    char material[128];
    snprintf(material, sizeof material, "%s;now:%lld", rs->digest, c ? c->now : config_now());
    unsigned char d[32];
    sha256(material, strlen(material), d);
    sha256_hex(d, 32, out);
}
