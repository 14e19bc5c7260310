/* report_write.c: a report rendered straight into its output file (stdout, a
 * device, or a file replaced atomically) in pieces, so it never sits whole in
 * memory (report.h: report_emit). */
#include "err.h"
#include "fileio.h"
#include "report.h"

int report_emit(const report *r, report_writer w, const report_options *o, const char *path)
{
    out_file f;
    if (out_file_open(&f, path) < 0)
        return -1;
    buf b = BUF_INIT;
    b.sink = out_file_write;
    b.sink_ctx = &f;
    int rc = w(r, o, &b);
    if (rc == 0)
        rc = buf_drain(&b);
    buf_free(&b);
    if (rc < 0) {
        if (!f.write_failed)   /* the file's own message (disk full...) stays */
            err_set("out of memory while writing the report");
        out_file_abort(&f);
        return -1;
    }
    return out_file_commit(&f);
}
