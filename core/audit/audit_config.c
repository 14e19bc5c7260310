/* audit_config.c: the `audit` table of the config (user agent, headers, cookies,
 * CA file), read and checked before any request. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audit_config.h"
#include "buf.h"
#include "err.h"
#include "source.h"

int audit_list_push(char ***list, size_t *count, char *value)
{
    char **grown = realloc(*list, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    grown[(*count)++] = value;
    *list = grown;
    return 0;
}

void audit_config_free(audit_config *c)
{
    free(c->user_agent);
    for (size_t i = 0; i < c->header_count; i++)
        free(c->headers[i]);
    free(c->headers);
    free(c->cookies);
    free(c->ca_file);
    memset(c, 0, sizeof *c);
}

static int add_header(audit_config *c, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    if (!line)
        return err_set("out of memory");
    snprintf(line, n, "%s: %s", name, value);
    if (audit_list_push(&c->headers, &c->header_count, line) < 0) {
        free(line);
        return err_set("out of memory");
    }
    return 0;
}

/* Header names and values must not smuggle a second header or request line. */
int header_safe(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            return 0;
    return 1;
}

/* Values are never quoted in messages: they may be credentials. */
int audit_config_read(audit_config *out, const config *cfg)
{
    memset(out, 0, sizeof *out);
    const cfgval *a = cfg ? cfg->audit : NULL;
    const char *file = cfg && cfg->path ? cfg->path : "provcheck.lua";
    if (!a)
        return 0;
    if (a->kind != CV_MAP && !(a->kind == CV_LIST && a->count == 0))
        return err_set("%s: audit: expected a table", file);
    for (size_t i = 0; a->kind == CV_MAP && i < a->count; i++) {
        const char *key = a->keys[i];
        const cfgval *v = a->items[i];
        if (strcmp(key, "user_agent") == 0) {
            if (v->kind != CV_STR || !v->slen || !header_safe(v->s))
                return err_set("%s: audit.user_agent: expected a non-empty string", file);
            if (!(out->user_agent = strdup(v->s)))
                return err_set("out of memory");
        } else if (strcmp(key, "headers") == 0) {
            if (v->kind == CV_MAP) {
                for (size_t j = 0; j < v->count; j++) {
                    if (v->items[j]->kind != CV_STR || !header_safe(v->items[j]->s) ||
                        !header_safe(v->keys[j]) || strchr(v->keys[j], ':'))
                        return err_set("%s: audit.headers[\"%s\"]: expected a string value",
                                       file, v->keys[j]);
                    if (add_header(out, v->keys[j], v->items[j]->s) < 0)
                        return -1;
                }
            } else if (v->kind != CV_LIST || v->count != 0) {
                return err_set("%s: audit.headers: expected a table of name = value", file);
            }
        } else if (strcmp(key, "cookies") == 0) {
            buf b = BUF_INIT;
            if (v->kind == CV_STR && header_safe(v->s)) {
                buf_puts(&b, v->s);
            } else if (v->kind == CV_MAP) {
                for (size_t j = 0; j < v->count; j++) {
                    if (v->items[j]->kind != CV_STR || !header_safe(v->items[j]->s) ||
                        strpbrk(v->keys[j], "=;\r\n")) {
                        buf_free(&b);
                        return err_set("%s: audit.cookies[\"%s\"]: expected a string value",
                                       file, v->keys[j]);
                    }
                    buf_printf(&b, "%s%s=%s", j ? "; " : "", v->keys[j], v->items[j]->s);
                }
            } else {
                buf_free(&b);
                return err_set("%s: audit.cookies: expected a string or a table of name = value",
                               file);
            }
            out->cookies = buf_detach(&b, NULL);
            if (!out->cookies)
                return err_set("out of memory");
        } else if (strcmp(key, "ca_file") == 0) {
            if (v->kind != CV_STR || !v->slen)
                return err_set("%s: audit.ca_file: expected the path of a PEM file", file);
            out->ca_file = v->s[0] == '/' ? strdup(v->s) : fs_path_join(cfg->dir, v->s);
            if (!out->ca_file)
                return err_set("out of memory");
            if (access(out->ca_file, R_OK) != 0)
                return err_set("%s: audit.ca_file: cannot read %s: %s", file, out->ca_file,
                               strerror(errno));
        } else {
            return err_set("%s: audit.%s: unknown key (known: user_agent, headers, cookies, "
                           "ca_file)", file, key);
        }
    }
    return 0;
}

