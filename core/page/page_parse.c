/* page_parse.c: charset sniffing and the libxml2 HTML parse.
 *
 * The charset is decided here, not by libxml2, so that every page is decoded the
 * same way whatever libxml2's own heuristics do: byte order mark, then a <meta>
 * prescan of the first 1024 bytes (as browsers do), then UTF-8 when the bytes are
 * valid UTF-8, else windows-1252. Other encodings are converted to UTF-8 here with
 * iconv, every undecodable sequence becoming U+FFFD: libxml2's own conversion stops
 * at the first bad byte and silently drops the rest of the page. Each parse has its own parser context, and errors
 * go nowhere: libxml2's global handler is not thread safe and the HTML is expected
 * to be sloppy. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parserInternals.h>
#include "word_scan.h"
#include "page_guard.h"
#include "page_priv.h"

#define PRESCAN_BYTES 1024
#define BINARY_SCAN_BYTES 8192

static int set_error(page *p, const char *msg)
{
    snprintf(p->error, sizeof p->error, "%s", msg);
    p->parse_rc = -1;
    return -1;
}

/* Length of the valid UTF-8 prefix of s; *controls is set when that prefix holds
   a C0 control character other than white space (libxml2 reports and skips
   those, in ways the event path does not mirror). One pass does both because it
   runs over every page. */
static size_t utf8_scan(const unsigned char *s, size_t len, int *controls)
{
    size_t i = 0;
    while (i < len) {
        /* eight printable ASCII bytes at a time: most pages are mostly ASCII */
        while (i + 8 <= len) {
            uint64_t w = word_load(s + i);
            if ((w & WORD_HIGH) || word_has_below(w, 0x20))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
                *controls = 1;
            i++;
            continue;
        }
        size_t n;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
        } else {
            return i;
        }
        if (i + n > len)
            return i;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return i;
        i += n;
    }
    return i;
}

static size_t utf8_valid_prefix(const unsigned char *s, size_t len)
{
    int controls = 0;
    return utf8_scan(s, len, &controls);
}

/* A copy of s with every invalid UTF-8 byte replaced by U+FFFD, as browsers
 * show it (libxml2 would switch to Latin-1 for the rest of the page instead). */
static char *utf8_sanitize(const unsigned char *s, size_t len, size_t *len_out)
{
    char *o = malloc(len * 3 + 1);
    if (!o)
        return NULL;
    size_t n = 0, i = 0;
    while (i < len) {
        size_t ok = utf8_valid_prefix(s + i, len - i);
        memcpy(o + n, s + i, ok);
        n += ok;
        i += ok;
        if (i < len) {
            memcpy(o + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
        }
    }
    *len_out = n;
    return o;
}

/* WHATWG-style label to the name we report and the name libxml2/iconv uses.
 * NULL when the label is unknown (then it is ignored, as browsers do). */
static const char *charset_from_label(const char *label, char *report, size_t rsize)
{
    static const struct {
        const char *label, *name;
    } aliases[] = {
        {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
        /* a <meta> cannot declare UTF-16: the bytes it was read in were ASCII */
        {"utf-16", "UTF-8"}, {"utf-16le", "UTF-8"}, {"utf-16be", "UTF-8"},
        {"iso-8859-1", "windows-1252"}, {"iso8859-1", "windows-1252"},
        {"iso_8859-1", "windows-1252"}, {"latin1", "windows-1252"},
        {"l1", "windows-1252"}, {"us-ascii", "windows-1252"}, {"ascii", "windows-1252"},
        {"windows-1252", "windows-1252"}, {"cp1252", "windows-1252"},
        {"x-cp1252", "windows-1252"},
        {"shift_jis", "Shift_JIS"}, {"shift-jis", "Shift_JIS"}, {"sjis", "Shift_JIS"},
        {"x-sjis", "Shift_JIS"}, {"ms_kanji", "Shift_JIS"}, {"windows-31j", "Shift_JIS"},
        {"csshiftjis", "Shift_JIS"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
        if (strcasecmp(label, aliases[i].label) == 0) {
            snprintf(report, rsize, "%s", aliases[i].name);
            return report;
        }
    }
    /* anything else libxml2 (through iconv) can decode, e.g. EUC-JP, KOI8-R */
    xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(label);
    if (!h)
        return NULL;
    xmlCharEncCloseFunc(h);
    snprintf(report, rsize, "%s", label);
    for (char *c = report; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 32);
    return report;
}

/* Copy an attribute-ish value (quoted or bare) at s into out; returns its end. */
static const char *read_value(const char *s, const char *end, char *out, size_t osize)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f'))
        s++;
    char quote = 0;
    if (s < end && (*s == '"' || *s == '\'')) {
        quote = *s++;
    }
    size_t n = 0;
    while (s < end && *s != '>' && (quote ? *s != quote :
                                     (*s != ' ' && *s != '\t' && *s != '\n' &&
                                      *s != '\r' && *s != ';' && *s != '/'))) {
        if (n + 1 < osize)
            out[n++] = *s;
        s++;
    }
    out[n] = '\0';
    return s;
}

/* "charset=" inside a content attribute value. */
static int charset_in_content(const char *content, char *out, size_t osize)
{
    const char *c = content;
    for (; *c; c++) {
        if (strncasecmp(c, "charset", 7) == 0) {
            const char *v = c + 7;
            while (*v == ' ')
                v++;
            if (*v != '=')
                continue;
            v++;
            read_value(v, v + strlen(v), out, osize);
            return out[0] != '\0';
        }
    }
    return 0;
}

/* Look for <meta charset=X> or <meta http-equiv=... content="...charset=X"> in the
 * first bytes. Fills label; 1 when found. */
static int prescan_meta(const char *s, size_t len, char *label, size_t lsize)
{
    const char *end = s + (len < PRESCAN_BYTES ? len : PRESCAN_BYTES);
    for (const char *c = s; c + 5 < end; c++) {
        if (c[0] != '<' || strncasecmp(c + 1, "meta", 4) != 0)
            continue;
        const char *tag_end = memchr(c, '>', (size_t)(end - c));
        if (!tag_end)
            tag_end = end;
        char content[256] = "";
        for (const char *a = c + 5; a < tag_end; a++) {
            if (*a == '"' || *a == '\'') {   /* a value of another attribute */
                const char *close = memchr(a + 1, *a, (size_t)(tag_end - a - 1));
                if (!close)
                    break;
                a = close;
                continue;
            }
            /* the page's bytes need not end in a NUL: compare within the tag only */
            size_t left = (size_t)(tag_end - a);
            if (left >= 7 && strncasecmp(a, "charset", 7) == 0 && a > c + 5 &&
                (a[-1] == ' ' || a[-1] == '\t' || a[-1] == '\n' || a[-1] == '\r')) {
                const char *v = a + 7;
                while (v < tag_end && *v == ' ')
                    v++;
                if (v < tag_end && *v == '=') {
                    read_value(v + 1, tag_end, label, lsize);
                    if (label[0])
                        return 1;
                }
            } else if (left >= 7 && strncasecmp(a, "content", 7) == 0 && a > c + 5) {
                const char *v = a + 7;
                while (v < tag_end && *v == ' ')
                    v++;
                if (v < tag_end && *v == '=') {
                    v++;
                    while (v < tag_end && *v == ' ')
                        v++;
                    char q = (v < tag_end && (*v == '"' || *v == '\'')) ? *v++ : 0;
                    size_t n = 0;
                    while (v < tag_end && (q ? *v != q : *v != ' ') && n + 1 < sizeof content)
                        content[n++] = *v++;
                    content[n] = '\0';
                    a = v;
                }
            }
        }
        if (content[0] && charset_in_content(content, label, lsize))
            return 1;
        c = tag_end - 1;
    }
    return 0;
}

/* Decide the encoding; *skip is the length of a byte order mark. Returns the name
 * for libxml2, or NULL for "undecodable". */
static const char *sniff_charset(page *p, size_t *skip)
{
    const unsigned char *b = (const unsigned char *)p->bytes;
    *skip = 0;
    if (p->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *skip = 3;
        snprintf(p->charset, sizeof p->charset, "UTF-8");
        return p->charset;
    }
    if (p->len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        *skip = 2;
        snprintf(p->charset, sizeof p->charset, b[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
        return p->charset;
    }
    char label[64];
    if (prescan_meta(p->bytes, p->len, label, sizeof label) &&
        charset_from_label(label, p->charset, sizeof p->charset))
        return p->charset;
    if (utf8_valid_prefix(b, p->len) == p->len)
        snprintf(p->charset, sizeof p->charset, "UTF-8");
    else
        snprintf(p->charset, sizeof p->charset, "windows-1252");
    return p->charset;
}

/* Convert to UTF-8 with iconv, U+FFFD for each undecodable sequence (skipping
 * `unit` bytes). NULL when out of memory or iconv does not know the encoding. */
static char *decode_to_utf8(const char *enc, const char *in, size_t len, size_t unit,
                            size_t *len_out, size_t *bad_out)
{
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 16, bad = 0;
    char *out = malloc(cap);
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = cap - 1;
    while (out && il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == E2BIG || ol < 4) {
            size_t used = (size_t)(op - out);
            char *n = realloc(out, cap * 2);
            if (!n) {
                free(out);
                out = NULL;
                break;
            }
            out = n;
            cap *= 2;
            op = out + used;
            ol = cap - 1 - used;
            continue;
        }
        /* EILSEQ, or EINVAL for a sequence cut at the end */
        memcpy(op, "\xEF\xBF\xBD", 3);
        op += 3;
        ol -= 3;
        size_t skip = unit < il ? unit : il;
        ip += skip;
        il -= skip;
        bad++;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    if (!out)
        return NULL;
    *op = '\0';
    *len_out = (size_t)(op - out);
    *bad_out = bad;
    return out;
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f')
            return 0;
    return 1;
}

/* The page's (UTF-8) bytes into a libxml2 document. */
static int parse_dom(page *p)
{
    htmlParserCtxtPtr ctxt = page_parser_new(p);
    if (!ctxt)
        return set_error(p, "out of memory");
    page_guard guard;
    page_guard_install(&guard, ctxt, &p->limits);
    htmlParseDocument(ctxt);
    p->doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (guard.stopped) {
        htmlFreeParserCtxt(ctxt);
        if (p->doc)
            xmlFreeDoc(p->doc);
        p->doc = NULL;
        p->error_line = guard.line;
        return set_error(p, guard.why);
    }
    int conv_failed = page_conv_failed(ctxt);
    htmlFreeParserCtxt(ctxt);
    if (!p->doc || !xmlDocGetRootElement(p->doc)) {
        if (p->doc) {
            xmlFreeDoc(p->doc);
            p->doc = NULL;
        }
        if (conv_failed)
            return set_error(p, page_conv_message(p));
        return set_error(p, "page has no HTML content");
    }
    if (conv_failed) {
        xmlFreeDoc(p->doc);
        p->doc = NULL;
        return set_error(p, page_conv_message(p));
    }
    p->parse_rc = 0;
    return 0;
}

/* Whether the event path may read s: well-formed UTF-8 without control characters. */
static int stream_readable(const char *s, size_t len)
{
    int controls = 0;
    return utf8_scan((const unsigned char *)s, len, &controls) == len && !controls;
}

int page_parse(page *p)
{
    if (p->parsed)
        return p->parse_rc;
    p->parsed = 1;
    if (p->len == 0 || is_blank(p->bytes, p->len))
        return set_error(p, "page is empty");
    size_t skip;
    const char *enc = sniff_charset(p, &skip);
    int utf16 = strncmp(enc, "UTF-16", 6) == 0;
    if (!utf16) {
        size_t scan = p->len < BINARY_SCAN_BYTES ? p->len : BINARY_SCAN_BYTES;
        if (memchr(p->bytes, '\0', scan))
            return set_error(p, "page looks binary (NUL bytes), not HTML");
    }
    const char *input = p->bytes + skip;
    size_t input_len = p->len - skip;
    char *utf8 = NULL;
    int readable = -1;   /* unknown until the bytes are final */
    if (strcmp(enc, "UTF-8") == 0) {
        int controls = 0;
        if (utf8_scan((const unsigned char *)input, input_len, &controls) != input_len) {
            utf8 = utf8_sanitize((const unsigned char *)input, input_len, &input_len);
            if (!utf8)
                return set_error(p, "out of memory");
        } else {
            readable = !controls;
        }
        if (!utf8 && skip) {
            /* drop the byte order mark so that columns on line 1 are right */
            memmove(p->bytes, p->bytes + skip, input_len);
            p->len = input_len;
            input = p->bytes;
        }
    } else {
        /* iconv's names for what browsers decode as windows-1252 and Shift_JIS */
        const char *iconv_name = strcmp(enc, "windows-1252") == 0 ? "CP1252"
                                 : strcmp(enc, "Shift_JIS") == 0  ? "CP932" : enc;
        size_t bad = 0;
        utf8 = decode_to_utf8(iconv_name, input, input_len, utf16 ? 2 : 1, &input_len, &bad);
        if (!utf8 || (bad > 16 && bad > (p->len - skip) / 10)) {
            free(utf8);
            char msg[120];
            snprintf(msg, sizeof msg, "page cannot be decoded as %s", enc);
            return set_error(p, msg);
        }
    }
    if (utf8) {
        /* the page keeps the decoded bytes: columns are counted in them */
        free(p->bytes);
        p->bytes = utf8;
        p->len = input_len;
        input = utf8;
    }

    /* the bytes end in a NUL, as libxml2's own buffers do; this also gives back
       the sanitizer's reserve (three times the page) */
    char *ended = realloc(p->bytes, p->len + 1);
    if (!ended)
        return set_error(p, "out of memory");
    ended[p->len] = '\0';
    p->bytes = ended;
    input = ended;

    char over[200];
    if (page_guard_prescan(input, input_len, &p->limits, over, sizeof over,
                           &p->error_line) < 0)
        return set_error(p, over);

    /* Bytes that are not UTF-8, and control characters, make libxml2 recover in
       ways the event path does not mirror yet (found by fuzz_page): such pages
       take the tree. */
    if (p->stream_wanted && !page_stream_off() &&
        (readable < 0 ? stream_readable(input, input_len) : readable)) {
        int rc = page_stream_parse(p);
        if (rc != PAGE_STREAM_FALLBACK) {
            page_path_trace(p, "stream");
            return p->parse_rc = rc < 0 ? -1 : 0;
        }
    }
    page_path_trace(p, "dom");
    return parse_dom(p);
}

const char *page_error(const page *p)
{
    return p->parse_rc < 0 ? p->error : NULL;
}

int page_error_line(const page *p)
{
    return p->parse_rc < 0 ? p->error_line : 0;
}

const char *page_charset(const page *p)
{
    return p->charset[0] ? p->charset : NULL;
}

void page_path_trace(const page *p, const char *path)
{
    if (getenv("PROVCHECK_PAGE_PATH"))
        fprintf(stderr, "page-path: %s %s\n", path, p->path ? p->path : "");
}

xmlDocPtr page_doc(page *p)
{
    if (!p->parsed)
        page_parse(p);
    /* a page read from parser events builds its tree only when a view needs it
       (page:hidden_text when a text is missing, say) */
    if (p->streamed && !p->doc && !p->lazy_dom_tried) {
        p->lazy_dom_tried = 1;
        int rc = p->parse_rc;
        parse_dom(p);
        p->parse_rc = rc;
    }
    return p->doc;
}
