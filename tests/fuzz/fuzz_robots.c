/* fuzz_robots.c: robots_parse on arbitrary bytes, then matching paths drawn from
 * the same bytes (the pattern matcher is the part that could go quadratic). The
 * user agent comes from the input too (a first line "#ua NAME"), so the group
 * selection and merging are fuzzed, not only the '*' and provcheck groups; every
 * Allow/Disallow value is also matched as a path, which drives the matcher
 * through its own wildcards, anchors and percent-escapes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value of a "Allow:" or "Disallow:" line, as a malloc'd path, or NULL. */
static char *rule_value(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    if (!colon)
        return NULL;
    size_t key = (size_t)(colon - s);
    if (!((key == 5 && strncasecmp(s, "allow", 5) == 0) ||
          (key == 8 && strncasecmp(s, "disallow", 8) == 0)))
        return NULL;
    const char *v = colon + 1, *end = s + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    return v < end && end - v < 4096 ? strndup(v, (size_t)(end - v)) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    char agent[128] = "provcheck/0.1.0";
    if (size > 4 && memcmp(s, "#ua ", 4) == 0) {
        const char *nl = memchr(s, '\n', size);
        size_t n = (size_t)((nl ? nl : end) - (s + 4));
        n = n < sizeof agent - 1 ? n : sizeof agent - 1;
        memcpy(agent, s + 4, n);
        agent[n] = '\0';
        if (memchr(agent, '\0', n))
            agent[0] = '\0';
    }
    robots *r = robots_parse(s, size, agent);
    if (!r)
        return 0;
    /* paths: the input's lines that start with '/', and the rules' values, capped */
    for (int n = 0; s < end && n < 128; n++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = (size_t)((nl ? nl : end) - s);
        char *path = NULL;
        if (len && s[0] == '/' && len < 4096)
            path = strndup(s, len);
        else if (len)
            path = rule_value(s, len);
        if (path) {
            robots_allowed(r, path);
            free(path);
        }
        s += len + 1;
    }
    robots_allowed(r, "/");
    robots_allowed(r, "");
    robots_crawl_delay(r);
    robots_free(r);
    return 0;
}
