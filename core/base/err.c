/* err.c: the thread-local last setup error of err.h. A fixed buffer per thread
 * keeps it allocation-free, so setting an error can never fail or leak. */
#include <stdarg.h>
#include <stdio.h>
#include "err.h"

static _Thread_local char last_error[1024];

int err_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return -1;
}

const char *err_last(void)
{
    return last_error;
}

void err_clear(void)
{
    last_error[0] = '\0';
}
