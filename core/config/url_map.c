/* url_map.c: URL paths <-> site files (clean_urls, url_map). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "url_map.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_folder_entry(const char *s)
{
    return *s && s[strlen(s) - 1] == '/';
}

static const char *last_segment(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int url_path_extensionless(const char *url_path)
{
    const char *seg = last_segment(url_path);
    return *seg && !strchr(seg, '.');
}

/* prefix + rest + suffix, malloc'd. */
static char *join3(const char *prefix, const char *rest, size_t rest_len, const char *suffix)
{
    size_t n = strlen(prefix) + rest_len + strlen(suffix) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%.*s%s", prefix, (int)rest_len, rest, suffix);
    return out;
}

char *url_map_file_for(const config *c, const char *url_path)
{
    size_t len = strcspn(url_path, "?#");
    const char *prefix = "";
    const char *rest = url_path;
    size_t best = 0;
    for (size_t i = 0; c && i < c->url_map_count; i++) {
        const char *u = c->url_map_urls[i];
        size_t ul = strlen(u);
        if (!is_folder_entry(c->url_map_files[i])) {
            if (ul == len && strncmp(u, url_path, len) == 0)
                return strdup(c->url_map_files[i]);
        } else if (ul <= len && ul > best && strncmp(u, url_path, ul) == 0) {
            best = ul;
            prefix = c->url_map_files[i];
            rest = url_path + ul;
        }
    }
    while (!best && *rest == '/')
        rest++;
    size_t rest_len = len - (size_t)(rest - url_path);
    char *mapped = join3(prefix, rest, rest_len, "");
    if (!mapped)
        return NULL;
    const char *suffix = "";
    if (!*mapped || mapped[strlen(mapped) - 1] == '/')
        suffix = "index.html";
    else if (c && c->clean_urls && url_path_extensionless(mapped))
        suffix = ".html";
    char *out = join3(mapped, "", 0, suffix);
    free(mapped);
    return out;
}

char *url_map_url_for(const config *c, const char *site_path)
{
    const char *prefix = "/";
    const char *rest = site_path;
    size_t best = 0;
    for (size_t i = 0; c && i < c->url_map_count; i++) {
        const char *f = c->url_map_files[i];
        size_t fl = strlen(f);
        if (!is_folder_entry(f)) {
            if (strcmp(f, site_path) == 0)
                return strdup(c->url_map_urls[i]);
        } else if (fl > best && strncmp(f, site_path, fl) == 0) {
            best = fl;
            prefix = c->url_map_urls[i];
            rest = site_path + fl;
        }
    }
    size_t rest_len = strlen(rest);
    if (strcmp(last_segment(rest), "index.html") == 0)
        rest_len -= strlen("index.html");
    else if (c && c->clean_urls && ends_with(rest, ".html"))
        rest_len -= strlen(".html");
    return join3(prefix, rest, rest_len, "");
}

static int any_glob_matches(char **globs, size_t count, const char *path)
{
    for (size_t k = 0; path && k < count; k++)
        if (glob_match(globs[k], path))
            return 1;
    return 0;
}

int config_override_matches(const config *c, size_t o, const char *file,
                            const char *url_path)
{
    const config_override *ov = &c->overrides[o];
    return any_glob_matches(ov->files, ov->file_count, file) ||
           any_glob_matches(ov->urls, ov->url_count, url_path);
}
