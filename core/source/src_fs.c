/* src_fs.c: the files-mode source (see src_fs.h), plus the file system vfs and
 * the page_ref_list helpers of source.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "buf.h"
#include "err.h"
#include "fileio.h"
#include "path_escape.h"
#include "src_fs.h"

#define DEFAULT_MAX_PAGE_BYTES (16u * 1024 * 1024)
/* Deep enough for any real site, shallow enough that link mazes stay cheap. */
#define MAX_WALK_DEPTH 64
#define MSG_OUTSIDE "symbolic link leads outside the site root"
#define MSG_OUTSIDE_FOLDER "symbolic link to a folder outside the site root: its pages " \
                           "are not checked"

/* ---- page_ref_list ---- */

void page_ref_clear(page_ref *r)
{
    if (r->pooled) {   /* the list's pool frees them */
        memset(r, 0, sizeof *r);
        return;
    }
    if (r->site_path != r->path)
        free(r->site_path);
    free(r->path);
    free(r->url);
    free(r->error);
    free(r->blob);
    r->path = r->site_path = r->url = r->error = r->blob = NULL;
}

int page_ref_list_add(page_ref_list *l, const char *path, const char *site_path,
                      const char *url, const char *blob, size_t size, const char *error)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        page_ref *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    page_ref *r = &l->items[l->count];
    memset(r, 0, sizeof *r);
    if (!blob || !*blob)
        blob = NULL;
    if (l->pool) {
        r->pooled = 1;
        r->path = strpool_dup(l->pool, path);
        r->site_path = !site_path || strcmp(site_path, path) == 0
                           ? r->path : strpool_dup(l->pool, site_path);
        r->url = strpool_dup(l->pool, url);
        r->error = strpool_dup(l->pool, error);
        r->blob = strpool_dup(l->pool, blob);
    } else {
        r->path = strdup(path);
        /* In most sources the two are the same: one copy keeps big lists small. */
        if (!site_path || strcmp(site_path, path) == 0)
            r->site_path = r->path;
        else
            r->site_path = strdup(site_path);
        r->url = url ? strdup(url) : NULL;
        r->error = error ? strdup(error) : NULL;
        r->blob = blob ? strdup(blob) : NULL;
    }
    if (!r->path || !r->site_path || (url && !r->url) || (error && !r->error) ||
        (blob && !r->blob)) {
        page_ref_clear(r);
        return -1;
    }
    r->size = size;
    l->count++;
    return 0;
}

void page_ref_list_free(page_ref_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        page_ref_clear(&l->items[i]);
    free(l->items);
    strpool_free(l->pool);
    l->items = NULL;
    l->pool = NULL;
    l->count = l->cap = 0;
}

/* ---- vfs over a folder ---- */

void vfs_free_names(char **names, size_t count)
{
    if (!names)
        return;
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

char *fs_path_join(const char *dir, const char *name)
{
    size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
    if (!dl || (dl == 1 && dir[0] == '.'))
        return strdup(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    size_t at = dl;
    if (dir[dl - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, nl + 1);
    return p;
}

static int vfs_fs_read(void *ctx, const char *path, char **out, size_t *len_out)
{
    char *full = fs_path_join(ctx, path);
    if (!full)
        return err_set("out of memory");
    /* Configs, rules and plugin manifests are small; the cap guards against mistakes. */
    int rc = file_read_all(full, 64u * 1024 * 1024, out, len_out);
    free(full);
    return rc < 0 ? -1 : 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int vfs_fs_list(void *ctx, const char *dir, char ***names_out, size_t *count_out)
{
    char *full = fs_path_join(ctx, dir && dir[0] ? dir : ".");
    if (!full)
        return err_set("out of memory");
    DIR *d = opendir(full);
    if (!d) {
        int e = errno;
        err_set("%s: %s", full, strerror(e));
        free(full);
        return -1;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
            continue;
        char *p = fs_path_join(full, de->d_name);
        struct stat st;
        int regular = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
        free(p);
        if (!regular)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
        }
        if (!(names[count] = strdup(de->d_name))) {
            rc = -1;
            break;
        }
        count++;
    }
    closedir(d);
    free(full);
    if (rc < 0) {
        vfs_free_names(names, count);
        return err_set("out of memory");
    }
    if (count)
        qsort(names, count, sizeof *names, name_cmp);
    *names_out = names;
    *count_out = count;
    return 0;
}

int vfs_fs_open(vfs *out, const char *dir)
{
    char *copy = strdup(dir ? dir : ".");
    if (!copy)
        return err_set("out of memory");
    out->ctx = copy;
    out->read = vfs_fs_read;
    out->list = vfs_fs_list;
    out->root_label = copy;
    return 0;
}

void vfs_fs_close(vfs *v)
{
    if (!v)
        return;
    free(v->ctx);
    v->ctx = NULL;
    v->root_label = NULL;
}

/* ---- the files source ---- */

typedef struct fs_source {
    source base;              /* first, so a source * is an fs_source * */
    char *root_real;          /* realpath of the site root */
    size_t root_len;
    const config *cfg;        /* borrowed */
    char **starts;            /* site paths to walk ("" = the whole root) */
    size_t start_count;
    char *report_prefix;      /* prepended to site paths in the report ("" = none) */
} fs_source;

struct source_reader {
    fs_source *src;
};

/* Whether the real path p is the root or inside it. */
static int inside_root(const fs_source *s, const char *p)
{
    if (strncmp(p, s->root_real, s->root_len) != 0)
        return 0;
    /* root "/" is a prefix of everything */
    return p[s->root_len] == '\0' || p[s->root_len] == '/' || s->root_len == 1;
}

static int in_scope(const fs_source *s, const char *site_path)
{
    if (s->cfg)
        return config_path_included(s->cfg, site_path);
    const char *dot = strrchr(site_path, '.');
    return dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm"));
}

/* The walk: the chain of real folder paths from the root to here, for loops. */
typedef struct walk {
    fs_source *src;
    page_ref_list *out;
    char *chain[MAX_WALK_DEPTH + 1];
    int depth;
} walk;

static int walk_dir(walk *w, const char *site_dir, const char *real_dir);

/* The report path of a site path: under the report prefix, file-name bytes that are
   not UTF-8 escaped (path_escape.h). */
static int add_ref(walk *w, const char *site_path, size_t size, const char *error)
{
    const char *prefix = w->src->report_prefix;
    char *joined = prefix && *prefix ? fs_path_join(prefix, site_path) : NULL;
    if (prefix && *prefix && !joined)
        return -1;
    const char *plain = joined ? joined : site_path;
    int escape = path_needs_escape(plain);
    char *escaped = escape ? path_escape(plain) : NULL;
    int rc = escape && !escaped ? -1
                                : page_ref_list_add(w->out, escaped ? escaped : plain,
                                                    site_path, NULL, NULL, size, error);
    free(escaped);
    free(joined);
    return rc;
}

/* A folder that cannot be walked (unreadable, too deep, a link leaving the root)
   is accounted for as one page-error at its own path, unless the config could not
   have any page below it. */
static int list_folder_error(walk *w, const char *site_dir, const char *error)
{
    if (!site_dir[0]) {
        err_set("site root %s: %s", w->src->base.root, error);
        return -2;
    }
    if (w->src->cfg && !config_folder_in_scope(w->src->cfg, site_dir))
        return 0;
    return add_ref(w, site_dir, 0, error);
}

static const char *special_file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "not a regular file (a FIFO): not read";
    if (S_ISSOCK(mode))
        return "not a regular file (a socket): not read";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "not a regular file (a device): not read";
    return "not a regular file: not read";
}

static int list_file(walk *w, const char *site_path, const char *full,
                     const struct stat *st, const char *error)
{
    if (!in_scope(w->src, site_path))
        return 0;
    char msg[160];
    if (!error && (size_t)st->st_size > w->src->base.max_bytes) {
        snprintf(msg, sizeof msg, "page is %lld bytes, over the limit of %zu bytes "
                 "(max_page_bytes)", (long long)st->st_size, w->src->base.max_bytes);
        error = msg;
    }
    if (!error && access(full, R_OK) != 0) {
        snprintf(msg, sizeof msg, "cannot read the page: %s", strerror(errno));
        error = msg;
    }
    size_t size = error ? 0 : (size_t)st->st_size;
    return add_ref(w, site_path, size, error);
}

/* One entry found at site path `site_path` (full path `full`). */
static int walk_entry(walk *w, const char *site_path, const char *full)
{
    struct stat lst, st;
    if (lstat(full, &lst) < 0)
        return 0;   /* vanished while we walked */
    if (!S_ISLNK(lst.st_mode)) {
        /* Below the real root and without links, the full path is the real one. */
        if (S_ISDIR(lst.st_mode))
            return walk_dir(w, site_path, full);
        if (S_ISREG(lst.st_mode))
            return list_file(w, site_path, full, &lst, NULL);
        /* fifos, sockets, devices are never read, but one matching include is a
           page we cannot check: say so rather than drop it */
        return list_file(w, site_path, full, &lst, special_file_kind(lst.st_mode));
    }
    errno = 0;
    char *real = realpath(full, NULL);
    if (!real || stat(real, &st) < 0) {
        int e = errno;
        free(real);
        struct stat none = {0};
        return list_file(w, site_path, full, &none,
                         e == ELOOP ? "symbolic link loop: the link never reaches a file"
                                    : "symbolic link target does not exist");
    }
    int rc = 0;
    if (!inside_root(w->src, real)) {
        if (!S_ISDIR(st.st_mode))
            rc = list_file(w, site_path, full, &st, MSG_OUTSIDE);
        else
            rc = list_folder_error(w, site_path, MSG_OUTSIDE_FOLDER);
    } else if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(w, site_path, real);
    } else if (S_ISREG(st.st_mode)) {
        rc = list_file(w, site_path, full, &st, NULL);
    } else {
        rc = list_file(w, site_path, full, &st, special_file_kind(st.st_mode));
    }
    free(real);
    return rc;
}

static int walk_dir(walk *w, const char *site_dir, const char *real_dir)
{
    /* A folder already on the chain from the root is a link loop. */
    for (int i = 0; i <= w->depth; i++)
        if (w->chain[i] && strcmp(w->chain[i], real_dir) == 0)
            return 0;
    char msg[200];
    if (w->depth >= MAX_WALK_DEPTH) {
        snprintf(msg, sizeof msg, "folder nested deeper than %d levels: its pages are not "
                 "checked", MAX_WALK_DEPTH);
        return list_folder_error(w, site_dir, msg);
    }
    DIR *d = opendir(real_dir);
    if (!d) {
        /* its pages exist but cannot be listed: never a silent "0 pages" */
        snprintf(msg, sizeof msg, "cannot read the folder: %s", strerror(errno));
        return list_folder_error(w, site_dir, msg);
    }
    w->chain[++w->depth] = (char *)real_dir;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        const char *name = de->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git"))
            continue;
        char *site_path = fs_path_join(site_dir, name);
        char *full = fs_path_join(real_dir, name);
        rc = site_path && full ? walk_entry(w, site_path, full) : -1;
        free(site_path);
        free(full);
    }
    w->depth--;
    closedir(d);
    return rc;
}

static int page_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const page_ref *)a)->path, ((const page_ref *)b)->path);
}

static int fs_list(source *base, page_ref_list *out)
{
    fs_source *s = (fs_source *)base;
    walk w = {.src = s, .out = out, .depth = 0};
    w.chain[0] = s->root_real;
    w.depth = 0;
    for (size_t i = 0; i < s->start_count; i++) {
        const char *start = s->starts[i];
        int rc;
        if (!start[0]) {
            w.depth = -1;   /* walk_dir pushes the root itself */
            rc = walk_dir(&w, "", s->root_real);
            w.depth = 0;
        } else {
            char *full = fs_path_join(s->root_real, start);
            rc = full ? walk_entry(&w, start, full) : -1;
            free(full);
        }
        if (rc == -2)
            return -1;   /* the site root itself cannot be walked: err_set said why */
        if (rc < 0)
            return err_set("out of memory while listing %s", s->base.root);
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, page_ref_cmp);
    /* Overlapping PATHs name a page twice; keep it once. */
    size_t kept = 0;
    for (size_t i = 0; i < out->count; i++) {
        if (kept && strcmp(out->items[kept - 1].path, out->items[i].path) == 0) {
            page_ref_clear(&out->items[i]);
            continue;
        }
        out->items[kept++] = out->items[i];
    }
    out->count = kept;
    return 0;
}

static source_reader *fs_reader_open(source *base)
{
    source_reader *r = malloc(sizeof *r);
    if (r)
        r->src = (fs_source *)base;
    return r;
}

static void fs_reader_close(source_reader *r)
{
    free(r);
}

static char *fs_error_message(const char *what)
{
    return strdup(what);
}

static int fs_read(source_reader *r, const page_ref *ref, char **bytes_out,
                   size_t *len_out, char **err_out)
{
    fs_source *s = r->src;
    *err_out = NULL;
    char *full = fs_path_join(s->root_real, ref->site_path);
    if (!full) {
        *err_out = fs_error_message("out of memory");
        return -1;
    }
    /* Non-blocking, so a fifo swapped in after listing cannot hang a worker. */
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    free(full);
    char msg[200];
    if (fd < 0) {
        snprintf(msg, sizeof msg, "cannot read the page: %s", strerror(errno));
        *err_out = fs_error_message(msg);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *err_out = fs_error_message("cannot read the page: not a regular file");
        return -1;
    }
    int rc = fd_read_all(fd, ref->path, s->base.max_bytes, bytes_out, len_out);
    close(fd);
    if (rc == FILEIO_TOO_LARGE) {
        snprintf(msg, sizeof msg, "page is over the limit of %zu bytes (max_page_bytes)",
                 s->base.max_bytes);
        *err_out = fs_error_message(msg);
        return -1;
    }
    if (rc < 0) {
        snprintf(msg, sizeof msg, "cannot read the page: %s", err_last());
        *err_out = fs_error_message(msg);
        return -1;
    }
    return 0;
}

/* Whether a site path names a regular file inside the root, a folder meaning its
 * index.html. Never looks outside the root, whatever the links say. */
static int fs_target_exists(void *reader, const char *site_path)
{
    fs_source *s = ((source_reader *)reader)->src;
    const char *p = site_path ? site_path : "";
    while (*p == '/')
        p++;
    /* ".." segments could climb out before realpath sees the root. */
    for (const char *seg = p; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 2 && seg[0] == '.' && seg[1] == '.')
            return 0;
        seg += n;
        while (*seg == '/')
            seg++;
    }
    char *full = fs_path_join(s->root_real, p);
    if (!full)
        return 0;
    char *real = realpath(full, NULL);
    free(full);
    int exists = 0;
    struct stat st;
    if (real && inside_root(s, real) && stat(real, &st) == 0) {
        if (S_ISREG(st.st_mode)) {
            exists = 1;
        } else if (S_ISDIR(st.st_mode)) {
            char *index = fs_path_join(real, "index.html");
            char *index_real = index ? realpath(index, NULL) : NULL;
            exists = index_real && inside_root(s, index_real) &&
                     stat(index_real, &st) == 0 && S_ISREG(st.st_mode);
            free(index);
            free(index_real);
        }
    }
    free(real);
    return exists;
}

static void fs_free(source *base)
{
    fs_source *s = (fs_source *)base;
    if (!s)
        return;
    free(s->root_real);
    for (size_t i = 0; i < s->start_count; i++)
        free(s->starts[i]);
    free(s->starts);
    free(s->base.root);
    free(s->base.rev);
    free(s->base.base_dir);
    free(s->report_prefix);
    free(s);
}

/* The site path of a user's PATH: its real path relative to the root. */
static int start_for_path(fs_source *s, const char *path, char **out)
{
    char *real = realpath(path, NULL);
    if (!real)
        return err_set("%s: %s", path, strerror(errno));
    if (!inside_root(s, real)) {
        free(real);
        return err_set("%s: not inside the site root %s", path, s->base.root);
    }
    const char *rel = real + s->root_len;
    while (*rel == '/')
        rel++;
    *out = strdup(rel);
    free(real);
    return *out ? 0 : err_set("out of memory");
}

int src_fs_open(source **out, const char *site_root, char **paths, size_t path_count,
                const config *cfg)
{
    *out = NULL;
    const char *root = site_root && site_root[0] ? site_root : ".";
    fs_source *s = calloc(1, sizeof *s);
    if (!s)
        return err_set("out of memory");
    s->cfg = cfg;
    s->base.list = fs_list;
    s->base.reader_open = fs_reader_open;
    s->base.read = fs_read;
    s->base.target_exists = fs_target_exists;
    s->base.reader_close = fs_reader_close;
    s->base.free = fs_free;
    s->base.kind = "files";
    s->base.max_bytes = cfg && cfg->max_page_bytes ? cfg->max_page_bytes
                                                   : DEFAULT_MAX_PAGE_BYTES;
    s->base.root = strdup(root);
    s->root_real = realpath(root, NULL);
    struct stat st;
    if (!s->base.root) {
        fs_free(&s->base);
        return err_set("out of memory");
    }
    if (!s->root_real || stat(s->root_real, &st) < 0 || !S_ISDIR(st.st_mode)) {
        err_set("site root %s: %s", root, s->root_real ? "not a folder" : strerror(errno));
        fs_free(&s->base);
        return -1;
    }
    s->root_len = strlen(s->root_real);
    size_t n = path_count ? path_count : 1;
    s->starts = calloc(n, sizeof *s->starts);
    if (!s->starts) {
        fs_free(&s->base);
        return err_set("out of memory");
    }
    if (!path_count) {
        s->starts[0] = strdup("");
        s->start_count = s->starts[0] ? 1 : 0;
    }
    for (size_t i = 0; i < path_count; i++) {
        if (start_for_path(s, paths[i], &s->starts[i]) < 0) {
            fs_free(&s->base);
            return -1;
        }
        s->start_count++;
    }
    if (!s->start_count) {
        fs_free(&s->base);
        return err_set("out of memory");
    }
    *out = &s->base;
    return 0;
}

int src_fs_set_report_base(source *src, const char *prefix, const char *base_dir)
{
    fs_source *s = (fs_source *)src;
    char *p = strdup(prefix ? prefix : "");
    char *b = base_dir ? strdup(base_dir) : NULL;
    if (!p || (base_dir && !b)) {
        free(p);
        free(b);
        return err_set("out of memory");
    }
    free(s->report_prefix);
    free(s->base.base_dir);
    s->report_prefix = p;
    s->base.base_dir = b;
    return 0;
}
