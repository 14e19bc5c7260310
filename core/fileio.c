/* fileio.c: capped whole-file reads and the atomic report writer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "err.h"
#include "fileio.h"
#include "report.h"

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

int write_file_atomic(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0)
            return err_set("cannot write to standard output: %s", strerror(errno));
        return 0;
    }
    /* A device or pipe (-o /dev/stdout, a FIFO) is written in place: renaming
     * over it would replace the device node with a regular file. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return err_set("%s: %s", path, strerror(errno));
        int e = write_all(fd, data, len) < 0 ? errno : 0;
        if (close(fd) < 0 && !e)
            e = errno;
        return e ? err_set("%s: %s", path, strerror(e)) : 0;
    }
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t tmp_len = dir_len + strlen(base) + 32;
    char *tmp = malloc(tmp_len);
    if (!tmp)
        return err_set("%s: out of memory", path);
    /* Same folder as the target, so rename() never crosses file systems. */
    snprintf(tmp, tmp_len, "%.*s.%s.tmpXXXXXX", (int)dir_len, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return err_set("%s: cannot create a temporary file: %s", path, strerror(e));
    }
    int e = 0;
    if (fchmod(fd, target_mode(path)) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
        e = errno;
    if (close(fd) < 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) < 0)
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        return err_set("%s: %s", path, strerror(e));
    }
    free(tmp);
    /* Make the rename itself durable; failure here leaves a complete file anyway. */
    char *dir = dir_len ? strndup(path, dir_len) : strdup(".");
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return 0;
}
