/* git_util.c: paths inside a repository and steps along its history, shared by
 * the git source (src_git.c) and the git commands (blame, history, log): joining
 * and normalizing '/'-separated paths, commit times, the first parent (telling a
 * shallow clone's boundary apart from a root commit), the blob at a path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "src_git.h"

char *git_path_join(const char *dir, const char *name)
{
    if (!dir || !*dir)
        return strdup(name);
    if (!*name)
        return strdup(dir);
    size_t dl = strlen(dir), nl = strlen(name);
    char *out = malloc(dl + nl + 2);
    if (!out)
        return NULL;
    memcpy(out, dir, dl);
    out[dl] = '/';
    memcpy(out + dl + 1, name, nl + 1);
    return out;
}

char *git_path_normalize(const char *path)
{
    size_t len = strlen(path);
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t at = 0;
    const char *p = path;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (at == 0) {
                free(out);
                return NULL;
            }
            while (at > 0 && out[at - 1] != '/')
                at--;
            if (at > 0)
                at--;   /* the '/' before the dropped segment */
        } else {
            if (at > 0)
                out[at++] = '/';
            memcpy(out + at, p, n);
            at += n;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    out[at] = '\0';
    return out;
}


void git_format_time(char *out, size_t size, git_time_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "1970-01-01T00:00:00Z");
}

/* Whether c is listed in the repository's shallow file (a boundary of a shallow
   clone, where libgit2 may show no parents). */
static int is_shallow_boundary(git_repository *repo, const git_commit *c)
{
    if (!git_repository_is_shallow(repo))
        return 0;
    char *file = git_path_join(git_repository_path(repo), "shallow");
    FILE *f = file ? fopen(file, "r") : NULL;
    free(file);
    if (!f)
        return 0;
    char hex[GIT_OID_HEXSZ + 1], line[128];
    git_oid_tostr(hex, sizeof hex, git_commit_id(c));
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, hex, GIT_OID_HEXSZ) == 0;
    fclose(f);
    return found;
}

int git_first_parent(git_repository *repo, git_commit *c, git_commit **out)
{
    *out = NULL;
    if (is_shallow_boundary(repo, c))
        return -1;
    if (git_commit_parentcount(c) == 0)
        return 0;
    if (git_commit_parent(out, c, 0) < 0) {
        *out = NULL;
        return -1;
    }
    return 1;
}

int git_tree_blob_at(git_tree *tree, const char *path, git_oid *out)
{
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, tree, path) < 0)
        return 0;
    git_filemode_t mode = git_tree_entry_filemode(e);
    int found = mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
    if (found)
        git_oid_cpy(out, git_tree_entry_id(e));
    git_tree_entry_free(e);
    return found;
}
