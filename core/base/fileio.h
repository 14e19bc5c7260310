/* fileio.h: whole-file reads with a size cap, and files written atomically. */
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

/* A report file written piece by piece: to a temporary file beside `path` that
 * out_file_commit renames over it (so readers never see half a report, and a
 * failed run leaves the old file as it was); in place when `path` is a device or
 * FIFO; to stdout when `path` is NULL or "-". */
typedef enum { OUT_STDOUT, OUT_IN_PLACE, OUT_ATOMIC } out_file_kind;
typedef struct out_file {
    out_file_kind kind;
    int fd;
    int write_failed;     /* a write failed; err_last() says why */
    char *path, *tmp;
} out_file;

int out_file_open(out_file *o, const char *path);            /* 0, or -1 with err_set */
int out_file_write(void *o, const char *data, size_t len);    /* a buf_sink_fn */
int out_file_commit(out_file *o);    /* 0, or -1 with err_set (the output is dropped) */
void out_file_abort(out_file *o);    /* drops the output; safe after commit */

/* Write bytes to `path` atomically (temp file in the same folder, fsync, rename), or
 * to stdout when path is NULL or "-". 0, or -1 with err_set. */
int write_file_atomic(const char *path, const char *data, size_t len);

#endif
