/* fuzz_suppress.c: the suppression comments of a page (page_suppressions) on
 * arbitrary bytes: the comment parser, the line of each comment and the column
 * found by the one-pass scan of its line, and the structure pre-scan in front of
 * the parse. Checks what the engine relies on: every rule id is a non-empty run
 * without white space or commas, lines and columns are in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *bytes = malloc(size + 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data, size);
    page_identity id = {"f.html", "f.html", NULL, NULL, NULL};
    page *p = page_new(&id, bytes, size);
    if (!p)
        return 0;
    /* small limits, so that the fuzzer reaches them too */
    page_set_limits(p, &(page_limits){64, 64, 0});
    if (page_parse(p) == 0) {
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n';
        size_t n = 0;
        const page_suppression *s = page_suppressions(p, &n);
        for (size_t i = 0; i < n; i++) {
            check(s[i].line >= 0 && (size_t)s[i].line <= lines);
            check(s[i].column >= 0 && (s[i].column == 0 || s[i].line > 0));
            check(!s[i].reason || s[i].reason[0]);
            for (size_t k = 0; k < s[i].rule_count; k++) {
                const char *r = s[i].rules[k];
                check(r && r[0] && !strpbrk(r, " \t\n\r\f,"));
            }
        }
        size_t again = 0;   /* a second call is the cached answer */
        check(page_suppressions(p, &again) == s && again == n);
    } else {
        check(page_error(p) && page_error(p)[0]);
    }
    page_free(p);
    return 0;
}
