/* cli_fixture.h: the settings a test-rules fixture runs with: DIR/ID/fixture.lua
 * (`{ options = {...}, now = "TIME" }`) for every page of a rule, and a leading
 * `<!-- provcheck-fixture { ... } -->` comment for one page (also `message`, the
 * text a finding of a fail/ fixture must contain). Both are Lua table constructors,
 * evaluated in the rule sandbox like the config. */
#ifndef PROVCHECK_CLI_FIXTURE_H
#define PROVCHECK_CLI_FIXTURE_H
#include <stddef.h>
#include "buf.h"
#include "cfgval.h"

typedef struct fixture_settings {
    cfgval *options;            /* CV_MAP or NULL */
    int has_now;
    long long now;
    char **messages; size_t message_count;   /* expected message parts */
    int line;                   /* where they were written (1 for fixture.lua) */
} fixture_settings;

void fixture_settings_free(fixture_settings *s);

/* DIR/ID/fixture.lua, `label` naming it in messages. 0 (nothing there leaves *out
   empty), or -1 with err_set naming file and line. */
int fixture_file_read(fixture_settings *out, const char *path, const char *label);

/* The page's leading provcheck-fixture comment, if any (white space may precede it).
   0 (no comment: *out empty), or -1 with err_set naming file and line. */
int fixture_comment_read(fixture_settings *out, const char *path, const char *label);

/* `over` on top of `base`: options key by key, now and messages when set. 0 or -1
   (out of memory, err_set). */
int fixture_settings_merge(fixture_settings *out, const fixture_settings *base,
                           const fixture_settings *over);

/* " (now=..., options: k=v, ...)" for what differs from the defaults; nothing when
   nothing does. */
void fixture_settings_describe(buf *b, const fixture_settings *s);

#endif
