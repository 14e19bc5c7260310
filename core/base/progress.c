/* progress.c: the terminal progress line shared by check and audit. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "progress.h"

#define DRAW_INTERVAL 0.1   /* seconds: faster redraws only cost time */

int progress_wanted(int quiet)
{
    return !quiet && isatty(STDERR_FILENO);
}

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_draw(const char *label, size_t done, size_t remaining, double elapsed)
{
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    if (remaining)
        fprintf(stderr, "\r%s %zu, queued %zu, %.1f pages/s, ETA %.0f s   ", label, done,
                remaining, rate, rate > 0 ? (double)remaining / rate : 0.0);
    else
        fprintf(stderr, "\r%s %zu in %.1f s%30s\n", label, done, elapsed, "");
}

void progress_init(progress_meter *m, const char *label)
{
    m->label = label;
    m->started = progress_now();
    m->last_draw = m->started;
    m->drawn = 0;
    pthread_mutex_init(&m->lock, NULL);
}

void progress_update(progress_meter *m, size_t done, size_t remaining)
{
    /* a worker that finds another one drawing goes back to work */
    if (pthread_mutex_trylock(&m->lock) != 0)
        return;
    double now = progress_now();
    if (remaining && now - m->last_draw >= DRAW_INTERVAL) {
        progress_draw(m->label, done, remaining, now - m->started);
        m->last_draw = now;
        m->drawn = 1;
    }
    pthread_mutex_unlock(&m->lock);
}

void progress_finish(progress_meter *m, size_t done)
{
    pthread_mutex_lock(&m->lock);
    if (m->drawn)
        progress_draw(m->label, done, 0, progress_now() - m->started);
    m->drawn = 0;
    pthread_mutex_unlock(&m->lock);
}

void progress_destroy(progress_meter *m)
{
    pthread_mutex_destroy(&m->lock);
}
