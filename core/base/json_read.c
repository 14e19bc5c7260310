/* json_read.c: strict JSON into cfgval (json_read.h).
 *
 * A recursive-descent reader whose recursion is bounded by JSON_READ_MAX_DEPTH.
 * Lists and maps are filled directly with doubling arrays: cfgval_push grows by one
 * item per call, which would make big reports quadratic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_read.h"
#include "word_scan.h"

/* Below this many keys a repeated key replaces the earlier value, as cfgval_set
 * does; larger objects skip the linear check to stay linear. */
#define DEDUPE_KEYS 64

typedef struct {
    const unsigned char *s;
    size_t len, pos;
    int depth;
    char err[160];
    size_t err_pos;
} jreader;

static int jfail(jreader *r, const char *msg)
{
    if (!r->err[0]) {
        snprintf(r->err, sizeof r->err, "%s", msg);
        r->err_pos = r->pos;
    }
    return -1;
}

static void skip_ws(jreader *r)
{
    while (r->pos < r->len) {
        unsigned char c = r->s[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        r->pos++;
    }
}

static int parse_value(jreader *r, cfgval **out);

/* Append to a list or map being built, doubling its arrays. */
static int container_add(cfgval *c, size_t *cap, char *key, cfgval *v)
{
    if (c->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        cfgval **items = realloc(c->items, ncap * sizeof *items);
        if (!items)
            return -1;
        c->items = items;
        if (c->kind == CV_MAP) {
            char **keys = realloc(c->keys, ncap * sizeof *keys);
            if (!keys)
                return -1;
            c->keys = keys;
        }
        *cap = ncap;
    }
    if (c->kind == CV_MAP)
        c->keys[c->count] = key;
    c->items[c->count++] = v;
    return 0;
}

static void put_utf8(char *o, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        o[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        o[(*n)++] = (char)(0xC0 | (cp >> 6));
        o[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        o[(*n)++] = (char)(0xE0 | (cp >> 12));
        o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        o[(*n)++] = (char)(0xF0 | (cp >> 18));
        o[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(jreader *r, unsigned *out)
{
    if (r->len - r->pos < 4)
        return jfail(r, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = r->s[r->pos + (size_t)i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return jfail(r, "bad \\u escape");
    }
    r->pos += 4;
    *out = v;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
            return 0;   /* overlong, surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

/* A string at r->pos (just after the opening quote). The decoded text is never
 * longer than the source, so one allocation of the source span suffices. */
static int parse_string(jreader *r, char **out, size_t *len_out)
{
    size_t start = r->pos, end = start;
    int plain = 1;
    /* eight bytes a step over what needs no work: printable ASCII without a quote
       or a backslash (most of a JSON-LD block); the byte loops below take the rest */
    while (end + 8 <= r->len) {
        uint64_t w = word_load(r->s + end);
        if ((w & WORD_HIGH) || word_has_below(w, 0x20) || word_equal_mask(w, '"') ||
            word_equal_mask(w, '\\'))
            break;
        end += 8;
    }
    size_t simple_end = end;
    while (end < r->len && r->s[end] != '"') {
        if (r->s[end] == '\\') {
            plain = 0;
            end++;
        }
        end++;
    }
    if (end >= r->len)
        return jfail(r, "unterminated string");
    char *o = malloc(end - start + 1);
    if (!o)
        return jfail(r, "out of memory");
    size_t n = simple_end - start;
    memcpy(o, r->s + start, n);
    r->pos = simple_end;
    while (r->pos < end) {
        unsigned char c = r->s[r->pos];
        if (c < 0x20) {
            free(o);
            return jfail(r, "control character in string");
        }
        if (c >= 0x80) {
            size_t k = utf8_seq_len(r->s + r->pos, end - r->pos);
            if (!k) {
                free(o);
                return jfail(r, "invalid UTF-8 in string");
            }
            memcpy(o + n, r->s + r->pos, k);
            n += k;
            r->pos += k;
            continue;
        }
        if (plain || c != '\\') {
            o[n++] = (char)c;
            r->pos++;
            continue;
        }
        r->pos++;
        c = r->s[r->pos++];
        switch (c) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(r, &cp) < 0) {
                free(o);
                return -1;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF && r->pos + 6 <= end &&
                r->s[r->pos] == '\\' && r->s[r->pos + 1] == 'u') {
                size_t save = r->pos;
                r->pos += 2;
                if (hex4(r, &lo) < 0) {
                    free(o);
                    return -1;
                }
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else
                    r->pos = save;
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;   /* a lone surrogate has no UTF-8 form */
            put_utf8(o, &n, cp);
            break;
        }
        default:
            free(o);
            r->pos--;
            return jfail(r, "bad escape in string");
        }
    }
    r->pos = end + 1;
    o[n] = '\0';
    *out = o;
    *len_out = n;
    return 0;
}

static int parse_number(jreader *r, cfgval **out)
{
    size_t p = r->pos;
    const unsigned char *s = r->s;
    if (p < r->len && s[p] == '-')
        p++;
    if (p < r->len && s[p] == '0') {
        p++;
    } else if (p < r->len && s[p] >= '1' && s[p] <= '9') {
        while (p < r->len && s[p] >= '0' && s[p] <= '9')
            p++;
    } else {
        return jfail(r, "invalid number");
    }
    if (p < r->len && s[p] == '.') {
        p++;
        if (p >= r->len || s[p] < '0' || s[p] > '9')
            return jfail(r, "invalid number");
        while (p < r->len && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    if (p < r->len && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < r->len && (s[p] == '+' || s[p] == '-'))
            p++;
        if (p >= r->len || s[p] < '0' || s[p] > '9')
            return jfail(r, "invalid number");
        while (p < r->len && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    char tmp[64], *big = NULL, *num = tmp;
    size_t n = p - r->pos;
    if (n >= sizeof tmp) {
        big = malloc(n + 1);
        if (!big)
            return jfail(r, "out of memory");
        num = big;
    }
    memcpy(num, s + r->pos, n);
    num[n] = '\0';
    double d = strtod(num, NULL);
    free(big);
    r->pos = p;
    *out = cfgval_num(d);
    return *out ? 0 : jfail(r, "out of memory");
}

static int parse_literal(jreader *r, const char *word, cfgval **out, cfgval *v)
{
    size_t n = strlen(word);
    if (!v)
        return jfail(r, "out of memory");
    if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0) {
        cfgval_free(v);
        return jfail(r, "invalid literal");
    }
    r->pos += n;
    *out = v;
    return 0;
}

static int parse_array(jreader *r, cfgval **out)
{
    cfgval *list = cfgval_list();
    size_t cap = 0;
    if (!list)
        return jfail(r, "out of memory");
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == ']') {
        r->pos++;
        *out = list;
        return 0;
    }
    for (;;) {
        cfgval *v = NULL;
        if (parse_value(r, &v) < 0)
            goto fail;
        if (container_add(list, &cap, NULL, v) < 0) {
            cfgval_free(v);
            jfail(r, "out of memory");
            goto fail;
        }
        skip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->s[r->pos] == ']') {
            r->pos++;
            *out = list;
            return 0;
        }
        jfail(r, "expected ',' or ']'");
        goto fail;
    }
fail:
    cfgval_free(list);
    return -1;
}

/* Replace an earlier entry with the same key, in small objects. 1 when replaced. */
static int replace_dup(cfgval *map, const char *key, cfgval *v)
{
    if (map->count >= DEDUPE_KEYS)
        return 0;
    for (size_t i = 0; i < map->count; i++) {
        if (strcmp(map->keys[i], key) == 0) {
            cfgval_free(map->items[i]);
            map->items[i] = v;
            return 1;
        }
    }
    return 0;
}

static int parse_object(jreader *r, cfgval **out)
{
    cfgval *map = cfgval_map();
    size_t cap = 0;
    if (!map)
        return jfail(r, "out of memory");
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == '}') {
        r->pos++;
        *out = map;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        size_t klen;
        cfgval *v = NULL;
        skip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != '"') {
            jfail(r, "expected a string key");
            goto fail;
        }
        r->pos++;
        if (parse_string(r, &key, &klen) < 0)
            goto fail;
        if (memchr(key, '\0', klen)) {
            free(key);
            jfail(r, "NUL in object key");
            goto fail;
        }
        skip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != ':') {
            free(key);
            jfail(r, "expected ':'");
            goto fail;
        }
        r->pos++;
        if (parse_value(r, &v) < 0) {
            free(key);
            goto fail;
        }
        if (replace_dup(map, key, v)) {
            free(key);
        } else if (container_add(map, &cap, key, v) < 0) {
            free(key);
            cfgval_free(v);
            jfail(r, "out of memory");
            goto fail;
        }
        skip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->s[r->pos] == '}') {
            r->pos++;
            *out = map;
            return 0;
        }
        jfail(r, "expected ',' or '}'");
        goto fail;
    }
fail:
    cfgval_free(map);
    return -1;
}

static int parse_value(jreader *r, cfgval **out)
{
    skip_ws(r);
    if (r->pos >= r->len)
        return jfail(r, "unexpected end of input");
    int rc;
    switch (r->s[r->pos]) {
    case '{':
    case '[':
        if (++r->depth > JSON_READ_MAX_DEPTH)
            return jfail(r, "nesting too deep");
        rc = r->s[r->pos] == '{' ? parse_object(r, out) : parse_array(r, out);
        r->depth--;
        return rc;
    case '"': {
        char *s;
        size_t n;
        r->pos++;
        if (parse_string(r, &s, &n) < 0)
            return -1;
        cfgval *v = cfgval_nil();
        if (!v) {
            free(s);
            return jfail(r, "out of memory");
        }
        v->kind = CV_STR;   /* take the decoded buffer as is: no second copy */
        v->s = s;
        v->slen = n;
        *out = v;
        return 0;
    }
    case 't': return parse_literal(r, "true", out, cfgval_bool(1));
    case 'f': return parse_literal(r, "false", out, cfgval_bool(0));
    case 'n': return parse_literal(r, "null", out, cfgval_nil());
    default:
        if (r->s[r->pos] != '-' && (r->s[r->pos] < '0' || r->s[r->pos] > '9'))
            return jfail(r, "unexpected character");
        return parse_number(r, out);
    }
}

/* 1-based line and column (in bytes) of a byte offset. */
static void where(const unsigned char *s, size_t pos, size_t *line, size_t *col)
{
    size_t l = 1, line_start = 0;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            l++;
            line_start = i + 1;
        }
    }
    *line = l;
    *col = pos - line_start + 1;
}

int json_read(const char *text, size_t len, cfgval **out, char **err_out)
{
    jreader r = {(const unsigned char *)text, len, 0, 0, "", 0};
    cfgval *v = NULL;
    *out = NULL;
    if (err_out)
        *err_out = NULL;
    if (!text)
        len = r.len = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r.pos = 3;   /* tolerate a UTF-8 byte order mark, as editors write one */
    if (parse_value(&r, &v) == 0) {
        skip_ws(&r);
        if (r.pos == r.len) {
            *out = v;
            return 0;
        }
        jfail(&r, "unexpected data after the JSON value");
        cfgval_free(v);
    }
    if (err_out) {
        size_t line, col;
        where(r.s, r.err_pos, &line, &col);
        char msg[256];
        snprintf(msg, sizeof msg, "line %zu, column %zu: %s", line, col, r.err);
        *err_out = strdup(msg);
    }
    return -1;
}
