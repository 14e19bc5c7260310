/* fileio.c: capped whole-file reads and the atomic file writer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "err.h"
#include "fileio.h"

int fd_read_all(int fd, const char *label, size_t max, char **out, size_t *len_out)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return err_set("%s: %s", label, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return err_set("%s: is a folder", label);
    if (max && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
        err_set("%s: %lld bytes, over the limit of %zu bytes", label,
                (long long)st.st_size, max);
        return FILEIO_TOO_LARGE;
    }
    /* The size may change while we read, so the cap is enforced on the bytes read. */
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
    size_t len = 0;
    char *data = malloc(cap + 1);
    if (!data)
        return err_set("%s: out of memory", label);
    for (;;) {
        if (len == cap) {
            size_t grown = cap * 2;
            char *p = realloc(data, grown + 1);
            if (!p) {
                free(data);
                return err_set("%s: out of memory", label);
            }
            data = p;
            cap = grown;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(data);
            return err_set("%s: %s", label, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (max && len > max) {
            free(data);
            err_set("%s: over the limit of %zu bytes", label, max);
            return FILEIO_TOO_LARGE;
        }
    }
    data[len] = '\0';
    *out = data;
    if (len_out)
        *len_out = len;
    return 0;
}

int file_read_all(const char *path, size_t max, char **out, size_t *len_out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set("%s: %s", path, strerror(errno));
    int rc = fd_read_all(fd, path, max, out, len_out);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The mode a new report file gets: the old file's, else what umask allows. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return st.st_mode & 07777;
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

int out_file_open(out_file *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (!path || strcmp(path, "-") == 0) {
        fflush(stdout);   /* whatever stdio holds goes first */
        o->fd = STDOUT_FILENO;
        o->kind = OUT_STDOUT;
        return 0;
    }
    o->path = strdup(path);
    if (!o->path)
        return err_set("%s: out of memory", path);
    /* A device or pipe (-o /dev/stdout, a FIFO) is written in place: renaming
     * over it would replace the device node with a regular file. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            int e = errno;
            out_file_abort(o);
            return err_set("%s: %s", path, strerror(e));
        }
        o->kind = OUT_IN_PLACE;
        return 0;
    }
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t tmp_len = dir_len + strlen(base) + 32;
    o->tmp = malloc(tmp_len);
    if (!o->tmp) {
        out_file_abort(o);
        return err_set("%s: out of memory", path);
    }
    /* Same folder as the target, so rename() never crosses file systems. */
    snprintf(o->tmp, tmp_len, "%.*s.%s.tmpXXXXXX", (int)dir_len, path, base);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0 || fchmod(o->fd, target_mode(path)) < 0) {
        int e = errno;
        out_file_abort(o);
        return err_set("%s: cannot create a temporary file: %s", path, strerror(e));
    }
    o->kind = OUT_ATOMIC;
    return 0;
}

int out_file_write(void *ctx, const char *data, size_t len)
{
    out_file *o = ctx;
    if (write_all(o->fd, data, len) < 0) {
        o->write_failed = 1;
        return err_set("%s: %s", o->path ? o->path : "standard output", strerror(errno));
    }
    return 0;
}

int out_file_commit(out_file *o)
{
    int e = 0;
    switch (o->kind) {
    case OUT_STDOUT:
        return 0;
    case OUT_IN_PLACE:
        if (close(o->fd) < 0)
            e = errno;
        o->fd = -1;
        break;
    case OUT_ATOMIC:
        if (fsync(o->fd) < 0)
            e = errno;
        if (close(o->fd) < 0 && !e)
            e = errno;
        o->fd = -1;
        if (!e && rename(o->tmp, o->path) < 0)
            e = errno;
        if (!e) {
            free(o->tmp);
            o->tmp = NULL;   /* renamed: nothing left to remove */
            /* Make the rename itself durable; failure here leaves a complete file. */
            const char *slash = strrchr(o->path, '/');
            char *dir = slash ? strndup(o->path, (size_t)(slash - o->path) + 1) : strdup(".");
            int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
            free(dir);
        }
        break;
    }
    if (e) {
        err_set("%s: %s", o->path, strerror(e));
        out_file_abort(o);
        return -1;
    }
    out_file_abort(o);   /* frees what is left */
    return 0;
}

void out_file_abort(out_file *o)
{
    if (o->kind != OUT_STDOUT && o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = NULL;
    o->path = NULL;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    out_file o;
    if (out_file_open(&o, path) < 0)
        return -1;
    if (out_file_write(&o, data, len) < 0) {
        out_file_abort(&o);
        return -1;
    }
    return out_file_commit(&o);
}
