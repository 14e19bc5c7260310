/* fuzz_sitemap.c: sitemap_parse (plain XML or gzip) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include "sitemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sitemap sm = {0};
    char *err = NULL;
    if (sitemap_parse(&sm, (const char *)data, size, 1000, 1u << 20, &err) == 0)
        sitemap_free(&sm);
    free(err);
    return 0;
}
