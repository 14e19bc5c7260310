/* source.h: where pages come from. Files, a revision's tree, the index and HTTP are
 * four implementations of this one interface; nothing downstream knows which it got,
 * except through the identity fields (path, url, blob, commit).
 *
 * Threading: source_list runs once on the main thread. Each worker opens its own
 * reader (libgit2 and curl handles are not shared across threads) and reads page
 * bytes through it. A source yields identity and bytes; it never parses. */
#ifndef PROVCHECK_SOURCE_H
#define PROVCHECK_SOURCE_H
#include <stddef.h>
#include "strpool.h"

/* One page found by a source. */
typedef struct page_ref {
    char *path;        /* report path, '/'-separated */
    char *site_path;   /* relative to the site root, for link resolution and globs */
    char *url;         /* NULL outside audits */
    char *blob;        /* 40 hex, or NULL when not from git */
    size_t size;       /* bytes, when known before reading (0 = unknown) */
    char *error;       /* non-NULL: the page was found but cannot be read (symlink
                          out of the root, over the size cap, submodule...): it is
                          reported as a page-error with this message */
    int pooled;        /* the strings live in the list's pool, not one malloc each */
} page_ref;

typedef struct page_ref_list {
    page_ref *items;
    size_t count, cap;
    /* NULL, or where page_ref_list_add copies the strings (check.c sets it: a
       large site's paths and blob ids then cost their bytes, not an allocation
       each); page_ref_list_free frees it unless someone took it */
    strpool *pool;
} page_ref_list;

int page_ref_list_add(page_ref_list *l, const char *path, const char *site_path,
                      const char *url, const char *blob, size_t size, const char *error);
void page_ref_list_free(page_ref_list *l);
/* Free one page_ref's strings (site_path may share path's copy: free them only
   through this or page_ref_list_free). */
void page_ref_clear(page_ref *r);

/* A read-only view of files relative to some folder (the config's folder): the
 * file system, or a tree/index in git modes. Used to load the config, rule_paths and
 * plugins from the same revision as the pages. */
typedef struct vfs vfs;
struct vfs {
    void *ctx;
    /* Read a whole file (path relative to the vfs root). 0, or -1 with err_set. *out
       is malloc'd. */
    int (*read)(void *ctx, const char *path, char **out, size_t *len_out);
    /* Names (not paths) of the regular files in a folder, sorted, malloc'd array of
       malloc'd strings. 0, or -1 when the folder does not exist (err_set). */
    int (*list)(void *ctx, const char *dir, char ***names_out, size_t *count_out);
    const char *root_label;   /* for messages, e.g. "/site" or "HEAD:" */
};
void vfs_free_names(char **names, size_t count);
/* A vfs over a folder of the file system. The returned vfs owns a copy of `dir`;
   vfs_fs_free releases it. */
int vfs_fs_open(vfs *out, const char *dir);
/* "dir/name" for the file system: dir NULL, "" or "." gives name alone, and a
   trailing '/' on dir is not doubled. malloc'd; NULL when out of memory. */
char *fs_path_join(const char *dir, const char *name);
void vfs_fs_close(vfs *v);

typedef struct source source;
typedef struct source_reader source_reader;

struct source {
    /* Fill `out` with every page in scope (after include/exclude), sorted by path. */
    int (*list)(source *s, page_ref_list *out);
    source_reader *(*reader_open)(source *s);            /* per worker; NULL = OOM */
    /* Read one page's bytes (malloc'd). 0, or -1 with *err_out (malloc'd message for a
       page-error). Must respect max_bytes. */
    int (*read)(source_reader *r, const page_ref *ref, char **bytes_out, size_t *len_out,
                char **err_out);
    /* Link resolution for page_set_resolver: site_path relative to the site root. */
    int (*target_exists)(void *reader, const char *site_path);
    void (*reader_close)(source_reader *r);
    void (*free)(source *s);
    size_t max_bytes;           /* page size cap */
    /* report target */
    const char *kind;           /* "files" | "rev" | "staged" | "audit" */
    char *root;                 /* target.root */
    char *rev;                  /* as given, or NULL */
    char commit[41];            /* "" when none */
    /* The real, absolute folder report paths are relative to (the git work tree
       root, or the site root outside a repository), for SARIF's %SRCROOT% and
       pasteable text paths; NULL when the source does not know it. */
    char *base_dir;
};

#endif
