/* datetime.c: see datetime.h. The civil-date arithmetic is Howard Hinnant's
 * days_from_civil / civil_from_days, exact over the whole range of years. */
#include "datetime.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long datetime_days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long long y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Exactly n digits at *p (advanced past them); -1 when they are not there. */
static int digits(const char **p, const char *end, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || !isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

static int fail(const char **msg, const char *text)
{
    *msg = text;
    return -1;
}

/* The zone after a time: Z, +HH:MM, +HHMM, +HH (or -), or nothing (UTC). */
static int parse_zone(const char **p, const char *end, long long *offset, const char **msg)
{
    *offset = 0;
    if (*p == end)
        return 0;
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return fail(msg, "unexpected text after the time (a zone is Z, +HH:MM, +HHMM or +HH)");
    int sign = **p == '-' ? -1 : 1;
    (*p)++;
    int hh = digits(p, end, 2), mm = 0;
    if (hh < 0)
        return fail(msg, "a zone offset needs two digits of hours (+HH, +HH:MM or +HHMM)");
    if (*p < end && **p == ':') {
        (*p)++;
        if ((mm = digits(p, end, 2)) < 0)
            return fail(msg, "a zone offset +HH: needs two digits of minutes");
    } else if (*p < end && isdigit((unsigned char)**p)) {
        if ((mm = digits(p, end, 2)) < 0)
            return fail(msg, "a zone offset +HHMM needs four digits");
    }
    if (hh > 23 || mm > 59)
        return fail(msg, "zone offset out of range (at most 23:59)");
    *offset = sign * (hh * 3600LL + mm * 60LL);
    return 0;
}

int datetime_parse(const char *s, size_t len, long long *t, dt_precision *prec,
                   const char **msg)
{
    const char *p = s, *end = s + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p == end)
        return fail(msg, "empty date");
    int year = digits(&p, end, 4), month = 1, day = 1, hour = 0, min = 0, sec = 0;
    long long offset = 0;
    if (year < 0 || (p < end && isdigit((unsigned char)*p)))
        return fail(msg, "a date starts with a four-digit year (YYYY, YYYY-MM, YYYY-MM-DD)");
    if (year < 1)
        return fail(msg, "year out of range (0001..9999)");
    dt_precision pr = DT_YEAR;
    if (p < end) {
        if (*p != '-' || (p++, month = digits(&p, end, 2)) < 0)
            return fail(msg, "expected -MM after the year");
        if (month < 1 || month > 12)
            return fail(msg, "month out of range (01..12)");
        pr = DT_MONTH;
    }
    if (p < end) {
        if (*p != '-' || (p++, day = digits(&p, end, 2)) < 0)
            return fail(msg, "expected -DD after the month");
        if (day < 1 || day > days_in_month(year, month))
            return fail(msg, "no such day in that month");
        pr = DT_DAY;
    }
    if (p < end) {
        if (*p != 'T' && *p != 't' && *p != ' ')
            return fail(msg, "expected T or one space and a time HH:MM after the date");
        p++;
        if ((hour = digits(&p, end, 2)) < 0 || p >= end || *p++ != ':' ||
            (min = digits(&p, end, 2)) < 0)
            return fail(msg, "expected a time HH:MM after the date");
        if (hour > 23)
            return fail(msg, "hour out of range (00..23)");
        if (min > 59)
            return fail(msg, "minute out of range (00..59)");
        pr = DT_MINUTE;
        if (p < end && *p == ':') {
            p++;
            if ((sec = digits(&p, end, 2)) < 0)
                return fail(msg, "expected two digits of seconds after HH:MM:");
            if (sec > 59)
                return fail(msg, "second out of range (00..59)");
            pr = DT_SECOND;
            if (p < end && *p == '.') {
                p++;
                if (p >= end || !isdigit((unsigned char)*p))
                    return fail(msg, "expected digits after the decimal point");
                while (p < end && isdigit((unsigned char)*p))
                    p++;
            }
        }
        if (parse_zone(&p, end, &offset, msg) < 0)
            return -1;
        if (p != end)
            return fail(msg, "unexpected text after the zone");
    }
    *t = datetime_days_from_civil(year, month, day) * 86400LL + hour * 3600LL + min * 60LL +
         sec - offset;
    *prec = pr;
    return 0;
}

int datetime_parse_arg(const char *s, long long *t, const char **msg)
{
    if (!s)
        return fail(msg, "missing time");
    if (s[0] == '@') {
        const char *q = s + 1;
        if (*q == '-')
            q++;
        if (!isdigit((unsigned char)*q))
            return fail(msg, "@SECONDS needs an integer number of seconds since 1970-01-01T00:00:00Z");
        char *stop = NULL;
        errno = 0;
        long long v = strtoll(s + 1, &stop, 10);
        if (errno || *stop)
            return fail(msg, "@SECONDS needs an integer number of seconds since 1970-01-01T00:00:00Z");
        if (v < DATETIME_MIN || v > DATETIME_MAX)
            return fail(msg, "@SECONDS out of range (years 0001..9999)");
        *t = v;
        return 0;
    }
    dt_precision prec;
    return datetime_parse(s, strlen(s), t, &prec, msg);
}

const char *datetime_precision_name(dt_precision p)
{
    static const char *const names[] = {"year", "month", "day", "minute", "second"};
    return names[p];
}

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void datetime_parts_of(long long t, dt_parts *out)
{
    long long days = floor_div(t, 86400);
    long long secs = t - days * 86400;
    long long y;
    civil_from_days(days, &y, &out->month, &out->day);
    out->year = (int)y;
    out->hour = (int)(secs / 3600);
    out->min = (int)(secs / 60 % 60);
    out->sec = (int)(secs % 60);
    out->yday = (int)(days - datetime_days_from_civil(y, 1, 1)) + 1;
    long long w = (days + 4) % 7;   /* 1970-01-01 was a Thursday */
    out->wday = (int)(w < 0 ? w + 7 : w) + 1;
}

void datetime_format(long long t, char out[40])
{
    dt_parts d;
    datetime_parts_of(t, &d);
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, d.hour,
             d.min, d.sec);
}
