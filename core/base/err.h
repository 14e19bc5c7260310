/* err.h: exit codes and the thread-local "last setup error".
 *
 * Three kinds of failure travel on three channels (docs/style.md):
 *  - setup errors (bad config, unknown rule, bad revision): a function returns -1
 *    after err_set(); callers pass -1 up unchanged; main prints err_last() and
 *    exits EXIT_SETUP;
 *  - page problems: a `page-error` finding (data, not control flow);
 *  - rule problems: a `rule-error` finding; the other rules still run.
 */
#ifndef PROVCHECK_ERR_H
#define PROVCHECK_ERR_H

enum exit_code {
    EXIT_CLEAN = 0,    /* nothing at or above --fail-on */
    EXIT_FINDINGS = 1, /* findings at or above --fail-on, or too many warnings */
    EXIT_SETUP = 2     /* usage or setup error; no report written */
};

/* Record the last error of this thread (printf-style). Always returns -1 so a
 * caller can write `return err_set("...")`. */
int err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The message set last on this thread, or "" when none. Borrowed. */
const char *err_last(void);
void err_clear(void);

#endif
