/* finding.h: findings as plain values, and the list that holds them.
 *
 * Findings are copied out of Lua at once into these structs; everything after the
 * rule engine (suppression, baselines, shards, sorting, reporters) works on them.
 * A finding owns all its strings; finding_list owns its findings. */
#ifndef PROVCHECK_FINDING_H
#define PROVCHECK_FINDING_H
#include <stddef.h>

typedef enum { SEV_OFF = 0, SEV_INFO = 1, SEV_WARNING = 2, SEV_ERROR = 3 } severity;
typedef enum { SUPP_NONE = 0, SUPP_INLINE, SUPP_BASELINE } suppression_kind;

/* Rule ids the core itself reports. */
#define RULE_PAGE_ERROR "page-error"
#define RULE_RULE_ERROR "rule-error"
#define RULE_FETCH_ERROR "fetch-error"
#define RULE_UNUSED_SUPPRESSION "unused-suppression"
#define RULE_DRIFT "drift"   /* audit --against-rev */

typedef struct finding {
    char *rule;
    char *message;           /* never contains line numbers: fingerprints hash it */
    char *path;              /* report path (see docs/cli.md) */
    char *url;               /* NULL outside audits */
    char *commit;            /* 40 hex or NULL */
    char *blob;              /* 40 hex or NULL */
    severity sev;
    int line;                /* 1-based; 0 = null */
    int column;              /* 1-based; 0 = null */
    char fingerprint[33];    /* 32 hex + NUL; see finding_fingerprint_page */
    /* 1: path, commit and blob are not this finding's own copies but its report's
       strings (the page's path and blob, the run's commit), shared by the
       findings of a run (check.c): finding_free leaves them to the report.
       Here, it takes no room (the padding after fingerprint). */
    unsigned char shares_ids;
    /* 1: rule and message live in a string pool of the report's (text_pools,
       check.c), not in allocations of their own: finding_free leaves them. Kept
       apart from the heap the pages are parsed in, the run-long messages do not
       scatter the parser's memory (cache misses grew with the finding count). */
    unsigned char pooled_text;
    suppression_kind suppression;
    char *suppress_reason;   /* inline suppression reason, or NULL */
    char *extra_json;        /* NULL, or JSON object members ("\"introduced\":{...}")
                                that the JSON reporter appends verbatim (blame) */
} finding;

typedef struct finding_list {
    finding *items;
    size_t count, cap;
} finding_list;

const char *severity_name(severity s);           /* "off" "info" "warning" "error" */
int severity_parse(const char *name, severity *out); /* 0, or -1 when unknown */

/* What is wrong with a finding read back from a file or database (a cache, a
 * note, a baseline, an audit database, a report to merge), or NULL when it is one
 * provcheck could have written: a rule id, a severity of info, warning or error,
 * a message, a position, a fingerprint of 32 hex digits, a known suppression.
 * Whatever fails this is never trusted: a wrong value could turn a fail into a
 * pass. */
const char *finding_invalid(const finding *f);
int finding_fingerprint_valid(const char *fp);   /* 32 lowercase hex digits */

/* Append a copy of the strings in f (the list owns the copies). 0 or -1 (OOM). */
int finding_list_add(finding_list *list, const finding *f);
/* Append f, taking ownership of its strings (f is zeroed). 0 or -1. */
int finding_list_take(finding_list *list, finding *f);
/* Move every finding of src to the end of dst; src is left empty. */
int finding_list_splice(finding_list *dst, finding_list *src);
void finding_free(finding *f);          /* frees the strings, not f */
/* A message of `len` bytes as a C string (malloc'd, NULL when out of memory): an
   embedded NUL becomes U+FFFD instead of cutting the message short. */
char *finding_message_dup(const char *s, size_t len);
void finding_list_free(finding_list *list);

/* Fingerprint the findings of ONE page: a hash of rule, path, message and the
 * occurrence number of that (rule, path, message) among the page's findings in
 * document order (line, column). Independent of line numbers, so it survives lines
 * inserted above. Call after all findings of the page are in. */
void finding_fingerprint_page(finding *items, size_t count);

/* The report order: path (bytewise), line (null first), column (null first), rule,
 * then message, so the order is total and any -j prints the same bytes. */
int finding_compare(const finding *a, const finding *b);
void finding_list_sort(finding_list *list);

#endif
