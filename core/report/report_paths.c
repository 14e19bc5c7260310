/* report_paths.c: report paths as a person pastes them (report.h). Report paths are
 * relative to the repository root, but a user who ran provcheck from public/ wants
 * `provcheck check news/a.html` to work when pasted back, so the text report shows
 * them relative to the folder the run started in. */
#include <string.h>
#include "report.h"

/* Number of leading '/'-separated components a and b share; *a_n and *b_n get the
   component counts of each. */
static size_t shared_components(const char *a, const char *b, size_t *a_n, size_t *b_n)
{
    size_t shared = 0, na = 0, nb = 0;
    int same = 1;
    while (*a == '/')
        a++;
    while (*b == '/')
        b++;
    while (*a || *b) {
        size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
        if (la)
            na++;
        if (lb)
            nb++;
        if (same && la && la == lb && memcmp(a, b, la) == 0)
            shared++;
        else
            same = 0;
        a += la;
        b += lb;
        while (*a == '/')
            a++;
        while (*b == '/')
            b++;
    }
    *a_n = na;
    *b_n = nb;
    return shared;
}

/* The part of `path` after its first n components. */
static const char *skip_components(const char *path, size_t n)
{
    while (*path == '/')
        path++;
    for (; n && *path; n--) {
        path += strcspn(path, "/");
        while (*path == '/')
            path++;
    }
    return path;
}

/* path with "%25" shown as the '%' of the file name it stands for. */
static int put_unescaped_percent(buf *out, const char *path)
{
    int rc = 0;
    for (const char *p = path; *p; p++) {
        rc |= buf_putc(out, *p);
        if (p[0] == '%' && p[1] == '2' && p[2] == '5')
            p += 2;
    }
    return rc;
}

int report_put_display_path(buf *out, const report_options *o, const char *path)
{
    if (!o || !o->path_base || !o->cwd || path[0] == '/')
        return put_unescaped_percent(out, path);
    buf full = BUF_INIT;
    int rc = buf_puts(&full, o->path_base);
    rc |= buf_putc(&full, '/');
    rc |= buf_puts(&full, path);
    if (rc < 0) {
        buf_free(&full);
        return -1;
    }
    size_t base_n, cwd_n, full_n;
    size_t base_shared = shared_components(o->path_base, o->cwd, &base_n, &cwd_n);
    size_t shared = shared_components(full.data, o->cwd, &full_n, &cwd_n);
    if (base_shared < base_n && base_shared < cwd_n) {
        /* unrelated folders: "../../.." up to / says less than the absolute path */
        rc = put_unescaped_percent(out, full.data);
    } else {
        for (size_t i = shared; i < cwd_n; i++)
            rc |= buf_puts(out, "../");
        const char *rest = skip_components(full.data, shared);
        rc |= put_unescaped_percent(out, *rest ? rest : ".");
    }
    buf_free(&full);
    return rc;
}
