/* report_formats.c: --format names to reporters. */
#include <string.h>
#include "report.h"

struct format_entry { const char *name; report_writer write; };

static const struct format_entry formats[] = {
    {"text", report_write_text},
    {"json", report_write_json},
    {"sarif", report_write_sarif},
    {"junit", report_write_junit},
    {"github", report_write_github},
    {"codequality", report_write_codequality},
};

report_writer report_writer_for(const char *format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, format) == 0)
            return formats[i].write;
    return NULL;
}
