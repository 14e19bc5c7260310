/* git_notes.h: check results kept as git notes on the checked commits. */
#ifndef PROVCHECK_GIT_NOTES_H
#define PROVCHECK_GIT_NOTES_H
#include "buf.h"
#include "report.h"
#include "target.h"

#define PROVCHECK_NOTES_REF "refs/notes/provcheck"

/* --record: store the JSON report as a git note on the commit a --rev target
 * checked (replacing an older note). 0, or -1 with err_set. */
int git_target_record(const check_target *t, const report *r);

/* Compliance per commit from the notes, newest first along the first-parent
 * history of RANGE (a revision or A..B) of the repository around the current
 * folder, at most `limit` commits (0 = all), as text or JSON into *out (a new
 * buffer the caller frees). An invalid note is named on stderr and listed as
 * such. 0, or -1 with err_set. */
int git_notes_log(buf *out, const char *range, long limit, int json);

#endif
