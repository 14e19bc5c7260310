/* main.c: global options and dispatch to a command of the `commands` table. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include "cli.h"
#include "suggest.h"
#include "err.h"

static void print_usage(FILE *to)
{
    fputs("usage: provcheck COMMAND [options] [ARGS...]\n"
          "       provcheck --version | --help | COMMAND --help\n"
          "\n"
          "Checks published web pages for content provenance: source attribution,\n"
          "a privacy link and the third-party disclaimer (plus any rules you add).\n"
          "\n"
          "commands:\n", to);
    for (const command *c = commands; c->name; c++)
        fprintf(to, "  %-14s %s\n", c->name, c->summary);
    fputs("\nexit status: 0 clean, 1 findings, 2 usage or setup error\n"
          "every option: man provcheck, or docs/cli.md\n", to);
}

/* What went to stdout must have arrived: `provcheck rules > /dev/full` (or a closed
   pipe, a full disk) is a failure with a message, not a silent exit 0. */
static int stdout_written(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "provcheck: cannot write to standard output: %s\n",
            errno ? strerror(errno) : "write error");
    return EXIT_SETUP;
}

static const command *command_find(const char *name)
{
    for (const command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static const char *command_guess(const char *typed)
{
    suggestion s;
    suggestion_init(&s, typed);
    for (const command *c = commands; c->name; c++)
        suggestion_offer(&s, c->name);
    return suggestion_best(&s);
}

/* Every page allocates and frees the same few buffers. With glibc's defaults the
   heap's top is given back to the kernel after each page and taken again for the
   next (brk thousands of times a run), and every page of it comes back zeroed by
   a page fault: a third of the CPU time of a check went to the kernel. Keeping
   freed memory (up to 64 MiB above what is in use) makes the buffers reused from
   page to page. Buffers of 1 MiB and more (large pages only) still get their own
   mapping: they grow with mremap and go back whole when freed, where on the heap
   each doubling would leave its old copy behind as a hole. */
static void tune_allocator(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int main(int argc, char **argv)
{
    tune_allocator();
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_SETUP;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_usage(stdout);
        return stdout_written(EXIT_CLEAN);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("provcheck %s\n", PROVCHECK_VERSION);
        return stdout_written(EXIT_CLEAN);
    }
    const command *cmd = command_find(name);
    if (!cmd) {
        if (name[0] == '-')
            fprintf(stderr, "provcheck: unknown option '%s'\n\n", name);
        else
            fprintf(stderr, "provcheck: unknown command '%s'%s%s%s\n\n", name,
                    command_guess(name) ? " (did you mean '" : "",
                    command_guess(name) ? command_guess(name) : "",
                    command_guess(name) ? "'?)" : "");
        print_usage(stderr);
        return EXIT_SETUP;
    }

    /* Both libraries keep global state that must be set up once, before any
       worker thread starts. */
    xmlInitParser();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    config_clock_start();   /* page:now(): one value for the whole run */

    err_clear();
    int rc = cmd->run(argc - 1, argv + 1);
    /* Setup errors travel up as err_set messages; they are printed once, here. */
    if (rc == EXIT_SETUP && err_last()[0])
        fprintf(stderr, "provcheck %s: %s\n", name, err_last());

    curl_global_cleanup();
    xmlCleanupParser();
    return stdout_written(rc);
}
