/* progress.h: the one-line progress meter on stderr (pages done, rate, ETA) that
 * check and audit show to a person at a terminal. Safe to call from many threads:
 * updates are throttled and one thread draws at a time. */
#ifndef PROVCHECK_PROGRESS_H
#define PROVCHECK_PROGRESS_H
#include <pthread.h>
#include <stddef.h>

typedef struct progress_meter {
    const char *label;     /* "provcheck check: checked" */
    double started, last_draw;
    int drawn;             /* a line is on screen and needs ending */
    pthread_mutex_t lock;
} progress_meter;

/* Whether to show progress: stderr is a terminal and the user did not ask for -q. */
int progress_wanted(int quiet);
/* The clock the meter uses (monotonic seconds). */
double progress_now(void);

void progress_init(progress_meter *m, const char *label);
/* `done` of `done + remaining` finished; drawn at most ten times a second. */
void progress_update(progress_meter *m, size_t done, size_t remaining);
/* The final line ("checked N in S s"), only when a line was drawn before. */
void progress_finish(progress_meter *m, size_t done);
void progress_destroy(progress_meter *m);

/* Draw one line now: "LABEL N, queued Q, R pages/s, ETA E s" (or the final one
   when remaining is 0). */
void progress_draw(const char *label, size_t done, size_t remaining, double elapsed);

#endif
