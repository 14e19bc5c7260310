/* cli_fixture.c: see cli_fixture.h. */
#include "cli_fixture.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "cfgval_lua.h"
#include "cli_util.h"
#include "datetime.h"
#include "err.h"
#include "fileio.h"
#include "sandbox.h"

#define FIXTURE_FILE_MAX_BYTES (1u << 20)
#define FIXTURE_MARK "<!-- provcheck-fixture"
/* a settings table is a literal: the config's budget is plenty */
#define FIXTURE_INSTRUCTIONS 10000000LL
#define FIXTURE_MEMORY ((size_t)16 * 1024 * 1024)
#define FIXTURE_TIME_MS 5000L

void fixture_settings_free(fixture_settings *s)
{
    if (!s)
        return;
    cfgval_free(s->options);
    for (size_t i = 0; i < s->message_count; i++)
        free(s->messages[i]);
    free(s->messages);
    memset(s, 0, sizeof *s);
}

typedef struct read_ud {
    const char *label;
    cfgval **out;
    char *err;
} read_ud;

static int read_table_l(lua_State *L)
{
    read_ud *ud = lua_touserdata(L, 1);
    if (!lua_istable(L, 2)) {
        ud->err = strdup("must be a table { options = {...}, now = \"TIME\" }");
        return 0;
    }
    if (cfgval_lua_read(L, 2, "fixture", ud->out, &ud->err) < 0 && !ud->err)
        ud->err = strdup("out of memory");
    return 0;
}

/* The line of `key =` in text (counted from first_line), or first_line. */
static int key_line(const char *text, size_t len, const char *key, int first_line)
{
    size_t k = strlen(key);
    int line = first_line;
    for (size_t i = 0; i + k <= len; i++) {
        if (text[i] == '\n')
            line++;
        if (memcmp(text + i, key, k) == 0 && (i == 0 || !isalnum((unsigned char)text[i - 1]))) {
            size_t j = i + k;
            while (j < len && (text[j] == ' ' || text[j] == '\t'))
                j++;
            if (j < len && text[j] == '=')
                return line;
        }
    }
    return first_line;
}

/* Run `text` (a Lua chunk returning the settings table, with line numbers as in
   the file) and check its keys. */
static int eval_settings(fixture_settings *out, const char *label, const char *text,
                         size_t len, int first_line, int allow_message)
{
    memset(out, 0, sizeof *out);
    out->line = first_line;
    cfgval *v = NULL;
    char *msg = NULL;
    int rc = -1;
    char chunk[1100];
    snprintf(chunk, sizeof chunk, "@%s", label);
    sandbox *sb = sandbox_new(FIXTURE_INSTRUCTIONS, FIXTURE_MEMORY);
    if (!sb)
        return err_set("out of memory");
    sandbox_set_time_limit(sb, FIXTURE_TIME_MS);
    if (sandbox_load(sb, text, len, chunk, &msg) < 0) {
        err_set("%s", msg ? msg : "cannot load the fixture settings");
        goto cleanup;
    }
    sandbox_run_begin(sb);
    if (sandbox_pcall(sb, 0, 1, &msg) < 0) {
        err_set("%s:%d: %s", label, first_line, msg ? msg : "the fixture settings failed");
        goto cleanup;
    }
    read_ud ud = {label, &v, NULL};
    if (sandbox_cpcall(sb, read_table_l, &ud, -1, &msg) < 0 || ud.err) {
        err_set("%s:%d: %s", label, first_line, ud.err ? ud.err : msg ? msg : "unreadable");
        free(ud.err);
        goto cleanup;
    }
    if (v->kind != CV_MAP && !(v->kind == CV_LIST && v->count == 0)) {
        err_set("%s:%d: the settings must be a table with keys options, now%s", label,
                first_line, allow_message ? ", message" : "");
        goto cleanup;
    }
    for (size_t i = 0; v->kind == CV_MAP && i < v->count; i++) {
        const char *k = v->keys[i];
        const cfgval *x = v->items[i];
        int line = key_line(text, len, k, 1);
        if (strcmp(k, "options") == 0) {
            if (x->kind == CV_LIST && x->count == 0)
                continue;   /* {} reads as an empty list */
            if (x->kind != CV_MAP) {
                err_set("%s:%d: options must be a table of option = value", label, line);
                goto cleanup;
            }
            if (!(out->options = cfgval_clone(x))) {
                err_set("out of memory");
                goto cleanup;
            }
        } else if (strcmp(k, "now") == 0) {
            const char *why = "must be a string";
            if (x->kind != CV_STR || datetime_parse_arg(x->s, &out->now, &why) < 0) {
                if (x->kind == CV_STR)
                    err_set("%s:%d: now: '%s' is not a time: %s (an ISO 8601 time such as "
                            "2026-08-02T00:00:00Z, or @SECONDS)", label, line, x->s, why);
                else
                    err_set("%s:%d: now: %s (an ISO 8601 time such as "
                            "2026-08-02T00:00:00Z, or @SECONDS)", label, line, why);
                goto cleanup;
            }
            out->has_now = 1;
        } else if (strcmp(k, "message") == 0 && allow_message) {
            size_t n = x->kind == CV_STR ? 1 : x->kind == CV_LIST ? x->count : 0;
            for (size_t j = 0; x->kind == CV_LIST && j < x->count; j++)
                if (x->items[j]->kind != CV_STR)
                    n = 0;
            if (n == 0) {
                err_set("%s:%d: message must be a string or a list of strings", label, line);
                goto cleanup;
            }
            if (!(out->messages = calloc(n, sizeof *out->messages))) {
                err_set("out of memory");
                goto cleanup;
            }
            for (size_t j = 0; j < n; j++) {
                const cfgval *m = x->kind == CV_STR ? x : x->items[j];
                if (!(out->messages[out->message_count++] = strdup(m->s))) {
                    err_set("out of memory");
                    goto cleanup;
                }
            }
        } else {
            err_set("%s:%d: unknown key '%s' (expected options, now%s)", label, line, k,
                    allow_message ? ", message" : "");
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    if (rc < 0)
        fixture_settings_free(out);
    out->line = first_line;
    cfgval_free(v);
    free(msg);
    sandbox_free(sb);
    return rc;
}

int fixture_file_read(fixture_settings *out, const char *path, const char *label)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fclose(f);
    char *text = NULL;
    size_t len = 0;
    if (file_read_all(path, FIXTURE_FILE_MAX_BYTES, &text, &len) < 0)
        return -1;
    int rc = eval_settings(out, label, text, len, 1, 0);
    free(text);
    return rc;
}

int fixture_comment_read(fixture_settings *out, const char *path, const char *label)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    if (file_read_all(path, FIXTURE_FILE_MAX_BYTES * 16, &text, &len) < 0)
        return -1;
    size_t i = 0;
    int line = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (; i < len && isspace((unsigned char)text[i]); i++)
        line += text[i] == '\n';
    size_t mark = strlen(FIXTURE_MARK);
    if (len - i < mark || memcmp(text + i, FIXTURE_MARK, mark) != 0 ||
        (len - i > mark && !isspace((unsigned char)text[i + mark]))) {
        free(text);
        return 0;
    }
    const char *body = text + i + mark;
    const char *end = strstr(body, "-->");
    if (!end) {
        free(text);
        return err_set("%s:%d: the provcheck-fixture comment has no end (-->)", label, line);
    }
    /* "return" and as many newlines as come before the comment, so Lua's line
       numbers are the file's */
    buf chunk = BUF_INIT;
    for (int l = 1; l < line; l++)
        buf_putc(&chunk, '\n');
    buf_puts(&chunk, "return ");
    buf_append(&chunk, body, (size_t)(end - body));
    size_t clen = 0;
    char *ctext = buf_detach(&chunk, &clen);
    free(text);
    if (!ctext)
        return err_set("out of memory");
    int rc = eval_settings(out, label, ctext, clen, line, 1);
    free(ctext);
    return rc;
}

int fixture_settings_merge(fixture_settings *out, const fixture_settings *base,
                           const fixture_settings *over)
{
    memset(out, 0, sizeof *out);
    out->line = over->line ? over->line : base->line;
    if (base->options || over->options) {
        if (!(out->options = cfgval_merge(base->options, over->options)))
            return err_set("out of memory");
    }
    const fixture_settings *n = over->has_now ? over : base;
    out->has_now = n->has_now;
    out->now = n->now;
    const fixture_settings *m = over->message_count ? over : base;
    if (m->message_count) {
        if (!(out->messages = calloc(m->message_count, sizeof *out->messages)))
            return err_set("out of memory");
        for (size_t i = 0; i < m->message_count; i++)
            if (!(out->messages[out->message_count++] = strdup(m->messages[i])))
                return err_set("out of memory");
    }
    return 0;
}

void fixture_settings_describe(buf *b, const fixture_settings *s)
{
    int opts = s->options && s->options->kind == CV_MAP && s->options->count;
    if (!s->has_now && !opts)
        return;
    buf_puts(b, " (");
    if (s->has_now) {
        char when[40];
        datetime_format(s->now, when);
        buf_printf(b, "now=%s", when);
    }
    if (opts) {
        buf_puts(b, s->has_now ? ", options: " : "options: ");
        for (size_t i = 0; i < s->options->count; i++) {
            buf_printf(b, "%s%s=", i ? ", " : "", s->options->keys[i]);
            cli_cfgval_lua(b, s->options->items[i]);
        }
    }
    buf_putc(b, ')');
}
