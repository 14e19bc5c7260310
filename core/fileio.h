/* fileio.h: whole-file reads with a size cap. (write_file_atomic, the atomic
 * writer, is declared in report.h and lives in fileio.c.) */
#ifndef PROVCHECK_FILEIO_H
#define PROVCHECK_FILEIO_H
#include <stddef.h>

#define FILEIO_TOO_LARGE (-2)

/* Read all of `path` (at most `max` bytes; 0 = no cap) into a malloc'd,
 * NUL-terminated buffer. 0; -1 with err_set ("PATH: reason") when it cannot be
 * read; FILEIO_TOO_LARGE with err_set when it holds more than `max` bytes. */
int file_read_all(const char *path, size_t max, char **out, size_t *len_out);

/* The same for an already open descriptor (not closed here); `label` names it in
 * messages. */
int fd_read_all(int fd, const char *label, size_t max, char **out, size_t *len_out);

#endif
