/* text_escape.h: text for a terminal from data a page, a server or a repository
 * controls (hrefs, file names, messages, commit summaries). */
#ifndef PROVCHECK_TEXT_ESCAPE_H
#define PROVCHECK_TEXT_ESCAPE_H
#include "buf.h"

/* Append s with every control character made visible: C0 controls (ESC, CR, LF,
   TAB...) and DEL as \xNN, C1 controls and the bidirectional overrides as \uNNNN,
   bytes that are not UTF-8 as \xNN. A backslash stays itself. 0, or -1 when out of
   memory. */
int buf_put_visible(buf *out, const char *s);

#endif
