/* fuzz_robots.c: robots_parse on arbitrary bytes, then matching paths drawn from
 * the same bytes (the pattern matcher is the part that could go quadratic). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    robots *r = robots_parse((const char *)data, size, "provcheck/0.1.0");
    if (!r)
        return 0;
    /* paths: the input's lines that start with '/', capped */
    const char *s = (const char *)data, *end = s + size;
    for (int n = 0; s < end && n < 64; n++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = (size_t)((nl ? nl : end) - s);
        if (len && s[0] == '/' && len < 4096) {
            char *path = strndup(s, len);
            if (path) {
                robots_allowed(r, path);
                free(path);
            }
        }
        s += len + 1;
    }
    robots_allowed(r, "/");
    robots_crawl_delay(r);
    robots_free(r);
    return 0;
}
