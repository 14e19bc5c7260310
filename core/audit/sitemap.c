/* sitemap.c: urlset and sitemapindex parsing (see sitemap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/xmlreader.h>
#include "buf.h"
#include "sitemap.h"

/* One <loc> of 2,048 characters is the protocol's limit; allow some slack. */
#define FIELD_MAX 8192

enum field { FIELD_NONE, FIELD_LOC, FIELD_LASTMOD };

static char *trimmed_copy(const buf *b)
{
    const char *s = b->data ? b->data : "";
    size_t len = b->len;
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                   s[len - 1] == '\r'))
        len--;
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    return out;
}

static int add_entry(sitemap *sm, const buf *loc, const buf *lastmod)
{
    if (sm->count == sm->cap) {
        size_t cap = sm->cap ? sm->cap * 2 : 64;
        sitemap_entry *e = realloc(sm->entries, cap * sizeof *e);
        if (!e)
            return -1;
        sm->entries = e;
        sm->cap = cap;
    }
    sitemap_entry *e = &sm->entries[sm->count];
    e->loc = trimmed_copy(loc);
    e->lastmod = lastmod->len ? trimmed_copy(lastmod) : NULL;
    if (!e->loc || (lastmod->len && !e->lastmod)) {
        free(e->loc);
        free(e->lastmod);
        return -1;
    }
    sm->count++;
    return 0;
}

static char *message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *message(const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return strdup(tmp);
}

static void quiet_errors(void *ctx, const char *msg, xmlParserSeverities sev,
                         xmlTextReaderLocatorPtr loc)
{
    (void)msg;
    (void)loc;
    if (sev == XML_PARSER_SEVERITY_ERROR || sev == XML_PARSER_SEVERITY_VALIDITY_ERROR)
        *(int *)ctx = 1;
}

/* Walk the reader's nodes into `out`. 0, or -1 with *err_out. */
static int walk(xmlTextReaderPtr r, sitemap *out, size_t max_entries, size_t max_bytes,
                char **err_out)
{
    int depth_root = -1, in_item = 0, xml_error = 0, rc = -1;
    enum field field = FIELD_NONE;
    buf loc, lastmod;
    buf_init(&loc, FIELD_MAX);
    buf_init(&lastmod, FIELD_MAX);
    xmlTextReaderSetErrorHandler(r, quiet_errors, &xml_error);
    int step;
    while ((step = xmlTextReaderRead(r)) == 1) {
        if ((size_t)xmlTextReaderByteConsumed(r) > max_bytes) {
            *err_out = message("%s", "sitemap larger than the size cap after inflating");
            goto done;
        }
        int type = xmlTextReaderNodeType(r);
        const char *name = (const char *)xmlTextReaderConstLocalName(r);
        if (type == XML_READER_TYPE_ELEMENT) {
            if (depth_root < 0) {
                if (strcmp(name, "urlset") == 0)
                    out->is_index = 0;
                else if (strcmp(name, "sitemapindex") == 0)
                    out->is_index = 1;
                else {
                    *err_out = message("not a sitemap (root element <%.100s>)", name);
                    goto done;
                }
                depth_root = xmlTextReaderDepth(r);
                continue;
            }
            if (strcmp(name, out->is_index ? "sitemap" : "url") == 0 && !xmlTextReaderIsEmptyElement(r)) {
                in_item = 1;
                buf_reset(&loc);
                buf_reset(&lastmod);
            } else if (in_item && strcmp(name, "loc") == 0) {
                field = FIELD_LOC;
            } else if (in_item && strcmp(name, "lastmod") == 0) {
                field = FIELD_LASTMOD;
            }
            if (xmlTextReaderIsEmptyElement(r))
                field = FIELD_NONE;
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            buf *target = field == FIELD_LOC ? &loc : field == FIELD_LASTMOD ? &lastmod : NULL;
            if (target && v && buf_puts(target, v) < 0) {
                *err_out = message("%s", "a sitemap field is too long");
                goto done;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (strcmp(name, "loc") == 0 || strcmp(name, "lastmod") == 0) {
                field = FIELD_NONE;
            } else if (in_item && strcmp(name, out->is_index ? "sitemap" : "url") == 0) {
                in_item = 0;
                if (out->count < max_entries && add_entry(out, &loc, &lastmod) < 0) {
                    *err_out = message("%s", "out of memory");
                    goto done;
                }
            }
        }
    }
    if ((size_t)xmlTextReaderByteConsumed(r) > max_bytes) {
        *err_out = message("%s", "sitemap larger than the size cap after inflating");
        goto done;
    }
    if (step < 0 || xml_error) {
        *err_out = message("%s", depth_root < 0 ? "not XML" : "malformed XML in the sitemap");
        goto done;
    }
    if (depth_root < 0) {
        *err_out = message("%s", "not a sitemap (empty document)");
        goto done;
    }
    rc = 0;
done:
    buf_free(&loc);
    buf_free(&lastmod);
    return rc;
}

/* libxml2 inflates gzip when it reads a file (with zlib, bounded by streaming):
   a gzipped sitemap goes through a private temporary file. */
static xmlTextReaderPtr reader_for_gzip(const char *data, size_t len, char *path,
                                        size_t path_size, char **err_out)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, path_size, "%s/provcheck-sitemap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        *err_out = message("%s", "cannot create a temporary file for a gzipped sitemap");
        path[0] = '\0';
        return NULL;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n <= 0) {
            close(fd);
            *err_out = message("%s", "cannot write a temporary file for a gzipped sitemap");
            return NULL;
        }
        done += (size_t)n;
    }
    close(fd);
    return xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING);
}

int sitemap_parse(sitemap *out, const char *data, size_t len, size_t max_entries,
                  size_t max_bytes, char **err_out)
{
    memset(out, 0, sizeof *out);
    *err_out = NULL;
    char tmp_path[4096] = "";
    xmlTextReaderPtr r;
    int gz = len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b;
    if (gz)
        r = reader_for_gzip(data, len, tmp_path, sizeof tmp_path, err_out);
    else
        r = xmlReaderForMemory(data, (int)(len > 0x7fffffff ? 0x7fffffff : len), NULL,
                               NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                         XML_PARSE_NOWARNING);
    int rc = -1;
    if (!r) {
        if (!*err_out)
            *err_out = message("%s", "cannot read the sitemap");
        goto done;
    }
    rc = walk(r, out, max_entries, max_bytes, err_out);
done:
    if (r)
        xmlFreeTextReader(r);
    if (tmp_path[0])
        unlink(tmp_path);
    if (rc < 0)
        sitemap_free(out);
    return rc;
}

void sitemap_free(sitemap *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->entries[i].loc);
        free(s->entries[i].lastmod);
    }
    free(s->entries);
    memset(s, 0, sizeof *s);
}
