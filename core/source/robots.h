/* robots.h: robots.txt (RFC 9309) for one user agent.
 *
 * The group for our product token (the user agent up to its first '/', compared
 * case-insensitively) is used when the file has one, else the '*' group, else
 * everything is allowed. Several groups naming the same agent are merged. Rules
 * match by longest pattern ('*' any run, '$' end anchor); on a tie Allow wins. */
#ifndef PROVCHECK_ROBOTS_H
#define PROVCHECK_ROBOTS_H
#include <stddef.h>

typedef struct robots robots;

/* Parse `text` for `user_agent`. NULL only when out of memory. Input is bounded by
 * the caller (robots.txt is fetched with a size cap). */
robots *robots_parse(const char *text, size_t len, const char *user_agent);
/* A robots that allows everything (robots.txt missing: 4xx) or nothing
 * (unreachable: 5xx or a network error). NULL only when out of memory. */
robots *robots_allow_all(void);
robots *robots_disallow_all(void);
/* Whether `path` (the URL path plus query, starting with '/') may be fetched. */
int robots_allowed(const robots *r, const char *path);
/* Seconds between requests asked for by Crawl-delay, 0 when none. */
double robots_crawl_delay(const robots *r);
void robots_free(robots *r);

#endif
