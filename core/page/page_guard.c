/* page_guard.c: the structure and time limits of a page parse (page.h,
 * page_limits).
 *
 * libxml2's HTML parser checks every attribute of a start tag against the ones
 * before it, so one element with n attributes costs n^2 (40,000 of them take
 * seconds, 500,000 minutes), all before the parser hands the element to us. So the
 * attributes are counted first, by a scan of the bytes that splits tags the way
 * libxml2 does (comments, bogus comments, end tags, script and style content) and
 * counts every name-like token of a start tag, which is never fewer than libxml2
 * parses. Depth and time are watched from the SAX callbacks during the parse: an
 * element nested deeper than the limit, or a parse past its deadline, stops the
 * parser. Views that walk ancestors (visibility, links) are linear in the page
 * times the depth, so the depth limit keeps them linear. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "page_guard.h"
#include "word_scan.h"

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Not a character of XML 1.0: libxml2 reports it and may end a comment or raw
   text early, so a skip stops there and the scan goes on as markup (which can only
   count more). */
static int is_bad_char(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

const char *page_first_bad_char(const char *s, const char *e)
{
    for (; e - s >= 8; s += 8)
        if (word_has_below(word_load(s), 0x20))
            for (int i = 0; i < 8; i++)
                if (is_bad_char((unsigned char)s[i]))
                    return s + i;
    for (; s < e; s++)
        if (is_bad_char((unsigned char)*s))
            return s;
    return NULL;
}

/* Where a skip over a comment (to just past `close`) or over raw text (to the
   "</" of `close`, case-insensitive) ends: there, at a bad character, or at end.
   Candidates are found with memchr: this runs over every script and comment. */
static const char *skip_to(const char *s, const char *end, const char *close, int raw)
{
    size_t n = strlen(close);
    char lead = raw ? '<' : close[0];
    while (s < end) {
        const char *c = memchr(s, lead, (size_t)(end - s));
        const char *bad = page_first_bad_char(s, c ? c : end);
        if (bad)
            return bad;
        if (!c)
            return end;
        if (raw ? ((size_t)(end - c) >= n + 2 && c[1] == '/' &&
                   strncasecmp(c + 2, close, n) == 0)
                : ((size_t)(end - c) >= n && memcmp(c, close, n) == 0))
            return raw ? c : c + n;
        s = c + 1;
    }
    return end;
}

/* Scan the attributes of the start tag whose name ends at s; returns where the
   tag ends and sets *count. Quoted values run to their closing quote, bare ones to
   a blank or '>', as in libxml2. */
static const char *scan_start_tag(const char *s, const char *end, long *count)
{
    *count = 0;
    while (s < end && *s != '>') {
        if (is_blank((unsigned char)*s) || *s == '/') {
            s++;
            continue;
        }
        /* a name (or a bogus token libxml2 skips: counting it too only over-counts) */
        const char *name = s;
        while (s < end && !is_blank((unsigned char)*s) && *s != '>' && *s != '=' &&
               !(*s == '/' && s + 1 < end && s[1] == '>'))
            s++;
        if (s > name)
            (*count)++;
        while (s < end && is_blank((unsigned char)*s))
            s++;
        if (s >= end || *s != '=') {
            if (s == name)
                s++;   /* a lone '=': step over it */
            continue;
        }
        s++;
        while (s < end && is_blank((unsigned char)*s))
            s++;
        if (s < end && (*s == '"' || *s == '\'')) {
            const char *close = memchr(s + 1, *s, (size_t)(end - s - 1));
            s = close ? close + 1 : end;
        } else {
            while (s < end && !is_blank((unsigned char)*s) && *s != '>')
                s++;
        }
    }
    return s < end ? s + 1 : end;
}

static int line_of(const char *start, const char *at)
{
    int line = 1;
    for (const char *q = start; (q = memchr(q, '\n', (size_t)(at - q))); q++)
        line++;
    return line;
}

int page_guard_prescan(const char *bytes, size_t len, const page_limits *lim, char *msg,
                       size_t msize, int *line_out)
{
    if (!lim || lim->max_attributes <= 0)
        return 0;
    const char *s = bytes, *end = bytes + len;
    while (s < end) {
        s = memchr(s, '<', (size_t)(end - s));
        if (!s || s + 1 >= end)
            break;
        if (end - s >= 4 && memcmp(s, "<!--", 4) == 0) {
            s = skip_to(s + 4, end, "-->", 0);
            continue;
        }
        /* end tags, doctypes, bogus comments: libxml2 skips them to '>', but a start
           tag inside one is counted as well, should libxml2 see it after all */
        if (s[1] == '!' || s[1] == '?' || s[1] == '/') {
            s += 2;
            continue;
        }
        if (!is_letter((unsigned char)s[1])) {
            s++;
            continue;
        }
        const char *tag = s, *name = s + 1;
        s = name;
        while (s < end && !is_blank((unsigned char)*s) && *s != '>' && *s != '/')
            s++;
        size_t nlen = (size_t)(s - name);
        long count;
        s = scan_start_tag(s, end, &count);
        if (count > lim->max_attributes) {
            snprintf(msg, msize, "page is over limits.attributes: an element has more "
                     "than %ld attributes", lim->max_attributes);
            *line_out = line_of(bytes, tag);
            return -1;
        }
        if (nlen == 6 && strncasecmp(name, "script", 6) == 0)
            s = skip_to(s, end, "script", 1);
        else if (nlen == 5 && strncasecmp(name, "style", 5) == 0)
            s = skip_to(s, end, "style", 1);
    }
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Stop the parse with `why` (the first reason wins). */
static void stop(page_guard *g, xmlParserCtxtPtr ctxt, const char *why)
{
    if (!g->stopped) {
        g->stopped = 1;
        snprintf(g->why, sizeof g->why, "%s", why);
    }
    xmlStopParser(ctxt);
}

/* Every event checks the clock now and then: reading it costs a few ns, an event a
   few hundred. */
static void tick(page_guard *g, xmlParserCtxtPtr ctxt)
{
    if (g->stopped || g->deadline_ms <= 0 || ++g->events % 16 != 0)
        return;
    if (now_ms() > g->deadline_ms) {
        char why[160];
        snprintf(why, sizeof why, "page is over limits.parse_seconds: parsing it took "
                 "more than %ld s", g->limits.parse_seconds);
        stop(g, ctxt, why);
    }
}

static void guard_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    xmlParserCtxtPtr ctxt = ctx;
    page_guard *g = ctxt->_private;
    if (g->stopped)
        return;
    if (g->limits.max_depth > 0 && ctxt->nameNr > g->limits.max_depth) {
        char why[160];
        snprintf(why, sizeof why, "page is over limits.depth: elements are nested more "
                 "than %ld deep", g->limits.max_depth);
        stop(g, ctxt, why);
        g->line = ctxt->input->line;
        return;
    }
    g->start(ctx, name, atts);
    tick(g, ctxt);
}

static void guard_end(void *ctx, const xmlChar *name)
{
    xmlParserCtxtPtr ctxt = ctx;
    page_guard *g = ctxt->_private;
    if (g->stopped)
        return;
    g->end(ctx, name);
    tick(g, ctxt);
}

static void guard_characters(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr ctxt = ctx;
    page_guard *g = ctxt->_private;
    if (g->stopped)
        return;
    g->characters(ctx, ch, len);
    tick(g, ctxt);
}

static void guard_comment(void *ctx, const xmlChar *value)
{
    xmlParserCtxtPtr ctxt = ctx;
    page_guard *g = ctxt->_private;
    if (g->stopped)
        return;
    g->comment(ctx, value);
    tick(g, ctxt);
}

void page_guard_install(page_guard *g, xmlParserCtxtPtr ctxt, const page_limits *lim)
{
    memset(g, 0, sizeof *g);
    if (lim)
        g->limits = *lim;
    g->deadline_ms = g->limits.parse_seconds > 0
                         ? now_ms() + (long long)g->limits.parse_seconds * 1000 : 0;
    xmlSAXHandlerPtr sax = ctxt->sax;
    ctxt->_private = g;
    if (sax->startElement) {
        g->start = sax->startElement;
        sax->startElement = guard_start;
    }
    if (sax->endElement) {
        g->end = sax->endElement;
        sax->endElement = guard_end;
    }
    if (sax->characters) {
        g->characters = sax->characters;
        sax->characters = guard_characters;
    }
    if (sax->comment) {
        g->comment = sax->comment;
        sax->comment = guard_comment;
    }
}
