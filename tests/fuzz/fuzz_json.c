/* fuzz_json.c: json_read on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include "json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cfgval *v = NULL;
    char *err = NULL;
    if (json_read((const char *)data, size, &v, &err) == 0)
        cfgval_free(v);
    free(err);
    return 0;
}
