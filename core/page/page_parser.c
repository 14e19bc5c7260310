/* page_parser.c: the libxml2 HTML parser context every page parse uses, the DOM
 * one (page_parse.c) and the event one (page_stream.c) alike: same options, same
 * encoding handling, errors quiet. Each parse has its own context, and errors go
 * nowhere: libxml2's global handler is not thread safe and the HTML is expected
 * to be sloppy. */
#include <stdio.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include "page_priv.h"

static void quiet_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void quiet_structured(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

/* Quiet the parser: errors go nowhere. The generic and structured handlers are per
   thread in libxml2 (encoding errors are reported there). */
static void page_quiet_parser(xmlParserCtxtPtr ctxt)
{
    xmlSetGenericErrorFunc(NULL, quiet_error);
    xmlSetStructuredErrorFunc(NULL, quiet_structured);
    ctxt->sax->error = quiet_error;
    ctxt->sax->warning = quiet_error;
    ctxt->sax->serror = quiet_structured;
}

htmlParserCtxtPtr page_parser_new(page *p)
{
    /* Not htmlCtxtReadMemory: it drops XML_PARSE_BIG_LINES for HTML, and with it
       every line number past 65535. Set on the context, text nodes keep theirs.
       The memory context copies the bytes once. libxml2 2.9's in-place (static)
       input cannot be used: shrinking it moves the read position back, and the
       parser reads the end of a large page twice. */
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(p->bytes, (int)p->len);
    if (!ctxt || !ctxt->input) {
        if (ctxt)
            htmlFreeParserCtxt(ctxt);
        return NULL;
    }
    page_quiet_parser(ctxt);
    htmlCtxtUseOptions(ctxt, PAGE_PARSE_OPTIONS | HTML_PARSE_IGNORE_ENC);
    ctxt->options |= XML_PARSE_BIG_LINES;
    /* The bytes are UTF-8 already (page_parse.c decodes everything else): the
       parser reads them as they are. A UTF-8 decoder would copy the whole input
       again into a buffer twice its size; naming the encoding (and
       HTML_PARSE_IGNORE_ENC) keeps a <meta charset> from installing one. */
    ctxt->charset = XML_CHAR_ENCODING_UTF8;
    ctxt->input->encoding = xmlStrdup(BAD_CAST "UTF-8");
    if (!ctxt->input->filename)
        ctxt->input->filename = (char *)xmlStrdup(BAD_CAST p->path);
    return ctxt;
}

int page_conv_failed(xmlParserCtxtPtr ctxt)
{
    return ctxt->errNo == XML_I18N_CONV_FAILED || ctxt->errNo == XML_ERR_INVALID_ENCODING;
}

const char *page_conv_message(page *p)
{
    snprintf(p->conv_msg, sizeof p->conv_msg, "page cannot be decoded as %s", p->charset);
    return p->conv_msg;
}

