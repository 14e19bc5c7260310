/* cli_util.c: helpers shared by the commands in cli_*.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli_util.h"
#include "datetime.h"
#include "json_write.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "provcheck %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'provcheck %s --help')\n", cmd);
    va_end(ap);
    return -1;
}

int cli_option_value(int argc, char **argv, int *i, const char *short_name,
                     const char *long_name, const char **value_out)
{
    const char *arg = argv[*i];
    size_t ll = strlen(long_name), sl = strlen(short_name);
    *value_out = NULL;
    if (strcmp(arg, long_name) == 0 || (sl && strcmp(arg, short_name) == 0)) {
        if (*i + 1 < argc)
            *value_out = argv[++*i];
        return 1;
    }
    if (strncmp(arg, long_name, ll) == 0 && arg[ll] == '=') {
        *value_out = arg + ll + 1;
        return 1;
    }
    if (sl == 2 && strncmp(arg, short_name, 2) == 0 && arg[2]) {
        *value_out = arg + 2;
        return 1;
    }
    return 0;
}

int cli_now_option(const char *cmd, const char *value)
{
    long long t;
    const char *msg = NULL;
    if (!value || datetime_parse_arg(value, &t, &msg) < 0)
        return cli_usage_error(cmd, "--now takes an ISO 8601 time (2026-08-02T00:00:00Z) or "
                               "@SECONDS, not '%s': %s", value ? value : "",
                               msg ? msg : "missing time");
    config_set_now_option(t);
    return 0;
}

void cli_json_string(buf *b, const char *s)
{
    json_write_string(b, s);
}

static void lua_string(buf *b, const char *s, size_t len)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c == '\n')
            buf_puts(b, "\\n");
        else if (c < 0x20)
            buf_printf(b, "\\%u", c);
        else
            buf_putc(b, c);
    }
    buf_putc(b, '"');
}

void cli_cfgval_lua(buf *b, const cfgval *v)
{
    if (!v) {
        buf_puts(b, "nil");
        return;
    }
    switch (v->kind) {
    case CV_NIL: buf_puts(b, "nil"); break;
    case CV_BOOL: buf_puts(b, v->b ? "true" : "false"); break;
    case CV_NUM: buf_printf(b, "%.15g", v->n); break;
    case CV_STR: lua_string(b, v->s, v->slen); break;
    case CV_LIST:
        buf_puts(b, "{");
        for (size_t i = 0; i < v->count; i++) {
            buf_puts(b, i ? ", " : " ");
            cli_cfgval_lua(b, v->items[i]);
        }
        buf_puts(b, v->count ? " }" : "}");
        break;
    case CV_MAP:
        buf_puts(b, "{");
        for (size_t i = 0; i < v->count; i++) {
            buf_printf(b, "%s[", i ? ", " : " ");
            lua_string(b, v->keys[i], strlen(v->keys[i]));
            buf_puts(b, "] = ");
            cli_cfgval_lua(b, v->items[i]);
        }
        buf_puts(b, v->count ? " }" : "}");
        break;
    }
}
