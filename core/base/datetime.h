/* datetime.h: ISO 8601 / HTML <time datetime> dates as seconds since the Unix epoch
 * (UTC), without the C library's time zone state (rules must not depend on the
 * machine's TZ, and timegm is not C11).
 *
 * Accepted forms (leading and trailing white space ignored): YYYY, YYYY-MM,
 * YYYY-MM-DD, YYYY-MM-DD[T| ]HH:MM, ...:SS, ...:SS.f+ (fraction dropped), the time
 * forms followed by an optional zone Z, +HH:MM, +HHMM or +HH (- alike; none: UTC).
 * Years 0001..9999; hours 00..23 (no 24:00, which HTML does not allow either),
 * seconds 00..59 (no leap second), zone offsets up to 23:59. A date alone carries
 * no zone. */
#ifndef PROVCHECK_DATETIME_H
#define PROVCHECK_DATETIME_H
#include <stddef.h>

/* The first and last second of years 0001..9999. */
#define DATETIME_MIN (-62135596800LL)
#define DATETIME_MAX 253402300799LL

typedef enum { DT_YEAR, DT_MONTH, DT_DAY, DT_MINUTE, DT_SECOND } dt_precision;

typedef struct dt_parts {
    int year, month, day, hour, min, sec;
    int yday;   /* 1..366 */
    int wday;   /* 1..7, Sunday = 1 (as Lua's os.date("*t")) */
} dt_parts;

/* 0 with *t and *prec set, or -1 with *msg a static sentence saying what is wrong. */
int datetime_parse(const char *s, size_t len, long long *t, dt_precision *prec,
                   const char **msg);
/* A TIME argument (--now, config `now`, fixtures): what datetime_parse accepts, or
   @SECONDS (an integer, optionally negative), within years 0001..9999. 0, or -1
   with *msg. */
int datetime_parse_arg(const char *s, long long *t, const char **msg);
const char *datetime_precision_name(dt_precision p);
/* "YYYY-MM-DDTHH:MM:SSZ" (a year beyond 9999 or before 1 is printed as it is). */
void datetime_format(long long t, char out[40]);
void datetime_parts_of(long long t, dt_parts *out);
/* Days from 1970-01-01 to the civil date (proleptic Gregorian). */
long long datetime_days_from_civil(long long y, int m, int d);

#endif
