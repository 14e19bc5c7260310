/* builtin.h: the built-in rules and helper modules compiled into the binary
 * (generated from rules/ by cmake/embed.cmake). Paths are relative to rules/:
 * "privacy-link.lua", "lib/text.lua". The table ends with a NULL path. */
#ifndef PROVCHECK_BUILTIN_H
#define PROVCHECK_BUILTIN_H
#include <stddef.h>

typedef struct builtin_file {
    const char *path;
    const char *data;   /* NUL-terminated */
    size_t len;
} builtin_file;

extern const builtin_file builtin_files[];

#endif
