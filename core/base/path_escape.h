/* path_escape.h: file names as report paths. A report path is text (JSON, SARIF,
 * terminals), but file names are bytes: two names differing only in bytes that are
 * not valid UTF-8 would both print as U+FFFD and share one path and fingerprint.
 * So each byte outside a valid UTF-8 sequence is written %XX (uppercase hex), and
 * '%' itself as %25, which keeps the mapping one-to-one (reversible). Names that
 * are valid UTF-8 without '%' are unchanged. */
#ifndef PROVCHECK_PATH_ESCAPE_H
#define PROVCHECK_PATH_ESCAPE_H

/* The report form of a file-system or tree path; malloc'd, NULL when out of
   memory. */
char *path_escape(const char *raw);
/* Whether path_escape would change raw. */
int path_needs_escape(const char *raw);

#endif
