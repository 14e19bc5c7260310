/* url_map.h: the one mapping between a site's files and its URL paths, so that a
 * config gives the same verdict on the built site (files) and the live site (URLs).
 *
 * URL path -> file: an exact url_map entry; else the longest url_map folder entry
 * ("/blog/" = "posts/") rewrites the prefix; then a folder is its index.html, and
 * with clean_urls an extensionless last segment is NAME.html ("/news/x" ->
 * "news/x.html"). File -> URL path is the reverse ("news/index.html" -> "/news/",
 * with clean_urls "news/x.html" -> "/news/x"). */
#ifndef PROVCHECK_URL_MAP_H
#define PROVCHECK_URL_MAP_H
#include "config.h"

/* url_path starts with '/' (a query is ignored). Returns the site path relative to
   the site root, malloc'd; NULL when out of memory. */
char *url_map_file_for(const config *c, const char *url_path);
/* site_path is relative to the site root. Returns the URL path, malloc'd; NULL
   when out of memory. */
char *url_map_url_for(const config *c, const char *site_path);
/* Whether a URL path's last segment has no extension ("/privacy", not "/a.html"
   or "/news/"): the pages an include of "**.html" style globs misses without clean_urls. */
int url_path_extensionless(const char *url_path);

/* Whether override o applies to the page with this file (site path) and URL path:
   one of its `files` globs matches the file, or one of its `urls` globs the URL. */
int config_override_matches(const config *c, size_t o, const char *file,
                            const char *url_path);

#endif
