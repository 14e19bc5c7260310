/* parse_floor.c: the benchmark's floor. Reads every page and parses it with
 * libxml2 exactly as provcheck does (a parser context per page, the same options),
 * then frees it: nothing else. provcheck's own cost is what it spends above this.
 *
 * usage: parse_floor FILE...      or      parse_floor < list-of-files
 * prints: pages N seconds S pages_per_s P */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/HTMLparser.h>
#include "page_priv.h"   /* PAGE_PARSE_OPTIONS */

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

static int parse_one(const char *path)
{
    size_t len;
    char *bytes = read_file(path, &len);
    if (!bytes) {
        fprintf(stderr, "parse_floor: cannot read %s\n", path);
        return -1;
    }
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (ctxt) {
        ctxt->sax->error = quiet;
        ctxt->sax->warning = quiet;
        xmlDocPtr doc = htmlCtxtReadMemory(ctxt, bytes, (int)len, path, NULL,
                                           PAGE_PARSE_OPTIONS);
        xmlFreeDoc(doc);
        htmlFreeParserCtxt(ctxt);
    }
    free(bytes);
    return 0;
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    size_t pages = 0;
    xmlSetGenericErrorFunc(NULL, quiet);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (parse_one(argv[i]) == 0)
                pages++;
    } else {
        char line[4096];
        while (fgets(line, sizeof line, stdin)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] && parse_one(line) == 0)
                pages++;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("pages %zu seconds %.3f pages_per_s %.1f\n", pages, secs,
           secs > 0 ? (double)pages / secs : 0.0);
    return 0;
}
