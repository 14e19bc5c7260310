/* report_sarif.c: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
 *
 * - tool.driver.rules: every rule that ran (report->rules), plus any rule id a
 *   finding names that is not among them (core ids such as page-error, or the
 *   rules of a merged report, which carries no rule metadata);
 * - results point at paths relative to the repository root (uriBaseId %SRCROOT%), or
 *   at the URL in audits; partialFingerprints carry the report's line-independent
 *   fingerprint, so a dismissed alert stays dismissed when lines shift;
 * - suppressed findings carry `suppressions` (inSource for inline comments,
 *   external for the baseline);
 * - GitHub takes at most 25,000 results and 10 MB gzipped per upload: over either,
 *   results are cut (errors kept before warnings before notes, unsuppressed before
 *   suppressed) and the cut is announced on stderr.
 * See docs/ci.md for the environment variables read here. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/xmlIO.h>
#include <libxml/parser.h>
#include "json_write.h"
#include "report.h"

#ifndef PROVCHECK_VERSION
#define PROVCHECK_VERSION "0.0.0"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_URI PROVCHECK_HOMEPAGE
#define FINGERPRINT_KEY "provcheck/v1"
/* GitHub code scanning limits per uploaded run. */
#define GITHUB_MAX_RESULTS 25000
#define GITHUB_MAX_GZIP_BYTES ((size_t)10 * 1000 * 1000)

/* ---- rule descriptors ---------------------------------------------------- */

typedef struct sarif_rule {
    const char *id, *summary, *docs, *url;
    severity sev;
} sarif_rule;

/* Rules the core reports itself: they are never in a ruleset. */
static const struct {
    const char *id, *summary;
    severity sev;
} core_rules[] = {
    {RULE_FETCH_ERROR, "A page could not be fetched.", SEV_ERROR},
    {RULE_PAGE_ERROR, "A page could not be read or parsed.", SEV_ERROR},
    {RULE_RULE_ERROR, "A rule failed or ran out of its limits on a page.", SEV_ERROR},
    {RULE_UNUSED_SUPPRESSION, "A provcheck-disable comment names a rule that found nothing "
                              "on the page.", SEV_WARNING},
    {RULE_DRIFT, "The live page differs from the page committed at the revision.",
     SEV_WARNING},
};

static int sarif_rule_cmp(const void *a, const void *b)
{
    return strcmp(((const sarif_rule *)a)->id, ((const sarif_rule *)b)->id);
}

static const sarif_rule *rule_lookup(const sarif_rule *rules, size_t count, const char *id)
{
    sarif_rule key = {id, NULL, NULL, NULL, SEV_OFF};
    return bsearch(&key, rules, count, sizeof *rules, sarif_rule_cmp);
}

static void describe_unknown(sarif_rule *r)
{
    for (size_t i = 0; i < sizeof core_rules / sizeof core_rules[0]; i++) {
        if (strcmp(core_rules[i].id, r->id) == 0) {
            r->summary = core_rules[i].summary;
            r->sev = core_rules[i].sev;
            return;
        }
    }
}

/* report->rules plus every other id the findings name, sorted by id (the ids are
   borrowed from the report). NULL when out of memory. */
static sarif_rule *collect_rules(const report *r, size_t *count_out)
{
    size_t cap = r->rule_count + r->findings.count + 1, n = 0;
    sarif_rule *rules = calloc(cap, sizeof *rules);
    if (!rules)
        return NULL;
    for (size_t i = 0; i < r->rule_count; i++) {
        rules[n].id = r->rules[i].id;
        rules[n].summary = r->rules[i].summary;
        rules[n].docs = r->rules[i].docs;
        rules[n].url = r->rules[i].url;
        rules[n].sev = r->rules[i].sev;
        n++;
    }
    qsort(rules, n, sizeof *rules, sarif_rule_cmp);
    size_t known = n;
    for (size_t i = 0; i < r->findings.count; i++) {
        const finding *f = &r->findings.items[i];
        const char *id = f->rule ? f->rule : "";
        if (rule_lookup(rules, known, id))
            continue;
        int seen = 0;
        for (size_t j = known; j < n && !seen; j++)
            seen = strcmp(rules[j].id, id) == 0;
        if (seen)
            continue;
        rules[n].id = id;
        rules[n].sev = f->sev;
        describe_unknown(&rules[n]);
        n++;
    }
    qsort(rules, n, sizeof *rules, sarif_rule_cmp);
    *count_out = n;
    return rules;
}

static const char *sarif_level(severity s)
{
    switch (s) {
    case SEV_ERROR: return "error";
    case SEV_WARNING: return "warning";
    case SEV_INFO: return "note";
    default: return "none";
    }
}

/* SARIF viewers want sentences: text that does not end in '.', '!' or '?' gets a
   full stop (SARIF2001). */
static int put_sentence(buf *out, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n'))
        len--;
    int rc = buf_putc(out, '"');
    rc |= json_write_escaped(out, s ? s : "", len);
    if (len == 0 || !strchr(".!?", s[len - 1]))
        rc |= buf_putc(out, '.');
    rc |= buf_putc(out, '"');
    return rc;
}

/* "privacy-link" -> "PrivacyLink", the reportingDescriptor's friendly name. */
static int put_pascal_name(buf *out, const char *id)
{
    int rc = buf_putc(out, '"'), upper = 1;
    for (const char *p = id; *p; p++) {
        if (*p == '-' || *p == '_' || *p == '.' || *p == '/') {
            upper = 1;
            continue;
        }
        char c = *p;
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == '"' || c == '\\' || (unsigned char)c < 0x20)
            continue;
        rc |= buf_putc(out, c);
        upper = 0;
    }
    return rc | buf_putc(out, '"');
}

/* The first paragraph of a rule's docs that is prose (not a markdown heading), for
   fullDescription: *start_out and its length. */
static size_t first_paragraph(const char *docs, const char **start_out)
{
    const char *p = docs;
    for (;;) {
        while (*p == '\n' || *p == ' ')
            p++;
        const char *end = strstr(p, "\n\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (*p != '#' || !end) {
            *start_out = *p == '#' ? docs : p;
            return *p == '#' ? strlen(docs) : len;
        }
        p = end;
    }
}

static int put_rule(buf *out, const sarif_rule *rule)
{
    const char *summary = rule->summary && *rule->summary ? rule->summary : rule->id;
    const char *docs = rule->docs && *rule->docs ? rule->docs : summary;
    int rc = buf_puts(out, "{ \"id\": ");
    rc |= json_write_string(out, rule->id);
    rc |= buf_puts(out, ", \"name\": ");
    rc |= put_pascal_name(out, rule->id);
    rc |= buf_puts(out, ", \"shortDescription\": { \"text\": ");
    rc |= put_sentence(out, summary);
    rc |= buf_puts(out, " }, \"fullDescription\": { \"text\": ");
    const char *para_start = docs;
    size_t para_len = first_paragraph(docs, &para_start);
    char *para = strndup(para_start, para_len);
    rc |= para ? put_sentence(out, para) : -1;
    free(para);
    rc |= buf_puts(out, " }, \"help\": { \"text\": ");
    rc |= json_write_string(out, docs);
    rc |= buf_puts(out, ", \"markdown\": ");
    rc |= json_write_string(out, docs);
    rc |= buf_puts(out, " }, \"helpUri\": ");
    if (rule->url) {
        rc |= json_write_string(out, rule->url);
    } else {
        rc |= buf_puts(out, "\"" RULE_DOCS_BASE);
        rc |= json_write_escaped(out, rule->id, strlen(rule->id));
        rc |= buf_puts(out, ".md\"");
    }
    rc |= buf_printf(out, ", \"defaultConfiguration\": { \"level\": \"%s\" } }",
                     sarif_level(rule->sev));
    return rc;
}

/* ---- results ------------------------------------------------------------- */

/* A path as a relative URI reference: unreserved characters and '/' as they are,
   every other byte percent-encoded (spaces, '#', '%', non-ASCII...). */
static int put_uri_path_as(buf *out, const char *path, int report_path)
{
    int rc = buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        /* a report path's %XX already stands for one byte of the file name */
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || strchr("-._~/", c) ||
                    (report_path && c == '%' && isxdigit(p[1]) && isxdigit(p[2]));
        rc |= plain ? buf_putc(out, c) : buf_printf(out, "%%%02X", c);
    }
    return rc | buf_putc(out, '"');
}

static int put_uri_path(buf *out, const char *path)
{
    return put_uri_path_as(out, path, 0);
}

static int put_location(buf *out, const finding *f)
{
    int rc = buf_puts(out, ", \"locations\": [ { \"physicalLocation\": { "
                           "\"artifactLocation\": { \"uri\": ");
    if (f->url) {
        rc |= json_write_string(out, f->url);
    } else {
        rc |= put_uri_path_as(out, f->path ? f->path : "", 1);
        rc |= buf_puts(out, ", \"uriBaseId\": \"%SRCROOT%\"");
    }
    rc |= buf_puts(out, " }");
    if (f->line > 0) {
        rc |= buf_printf(out, ", \"region\": { \"startLine\": %d", f->line);
        if (f->column > 0)
            rc |= buf_printf(out, ", \"startColumn\": %d", f->column);
        rc |= buf_puts(out, " }");
    }
    return rc | buf_puts(out, " } } ]");
}

static int put_suppression(buf *out, const finding *f)
{
    int rc = 0;
    if (f->suppression == SUPP_INLINE) {
        rc |= buf_puts(out, ", \"suppressions\": [ { \"kind\": \"inSource\", \"status\": "
                            "\"accepted\", \"justification\": ");
        rc |= json_write_string(out, f->suppress_reason && *f->suppress_reason
                                         ? f->suppress_reason
                                         : "provcheck-disable comment in the page");
    } else {
        rc |= buf_puts(out, ", \"suppressions\": [ { \"kind\": \"external\", \"status\": "
                            "\"accepted\", \"justification\": \"listed in the provcheck "
                            "baseline\"");
    }
    return rc | buf_puts(out, " } ]");
}

static int put_result(buf *out, const finding *f, const sarif_rule *rules, size_t rule_count)
{
    const char *id = f->rule ? f->rule : "";
    const sarif_rule *rule = rule_lookup(rules, rule_count, id);
    int rc = buf_puts(out, "{ \"ruleId\": ");
    rc |= json_write_string(out, id);
    if (rule)
        rc |= buf_printf(out, ", \"ruleIndex\": %zu", (size_t)(rule - rules));
    rc |= buf_printf(out, ", \"level\": \"%s\", \"message\": { \"text\": ",
                     sarif_level(f->sev));
    rc |= put_sentence(out, f->message);
    rc |= buf_puts(out, " }");
    rc |= put_location(out, f);
    rc |= buf_puts(out, ", \"partialFingerprints\": { \"" FINGERPRINT_KEY "\": ");
    rc |= json_write_string(out, f->fingerprint);
    rc |= buf_puts(out, " }");
    if (f->suppression != SUPP_NONE)
        rc |= put_suppression(out, f);
    return rc | buf_puts(out, " }");
}

/* ---- the run ------------------------------------------------------------- */

static const char *automation_id(const report *r, const report_options *o, buf *scratch)
{
    if (o && o->automation_id && *o->automation_id)
        return o->automation_id;
    const char *env = getenv("PROVCHECK_AUTOMATION_ID");
    if (env && *env)
        return env;
    /* "category/" with an empty run id: one category per kind of check, and per
       shard, since GitHub closes the alerts a category's newest upload lacks. */
    buf_reset(scratch);
    int rc = buf_printf(scratch, "provcheck/%s/", r->kind ? r->kind : "files");
    if (o && o->shard_count > 1)
        rc |= buf_printf(scratch, "shard-%d-of-%d/", o->shard_index, o->shard_count);
    return rc < 0 ? "provcheck/" : scratch->data;
}

/* The repository the commit belongs to: set by CI (GitHub's variables), else the
   checked folder as a file URI. */
static int put_repository_uri(buf *out, const report *r, const report_options *o)
{
    const char *server = getenv("GITHUB_SERVER_URL"), *repo = getenv("GITHUB_REPOSITORY");
    const char *explicit_uri = getenv("PROVCHECK_REPOSITORY_URI");
    if (explicit_uri && *explicit_uri)
        return json_write_string(out, explicit_uri);
    if (server && *server && repo && *repo) {
        int rc = buf_putc(out, '"');
        rc |= json_write_escaped(out, server, strlen(server));
        rc |= buf_putc(out, '/');
        rc |= json_write_escaped(out, repo, strlen(repo));
        return rc | buf_putc(out, '"');
    }
    const char *root = o && o->path_base ? o->path_base
                       : r->root && r->root[0] == '/' ? r->root : "/";
    int rc = buf_puts(out, "\"file://");
    buf path = BUF_INIT;
    rc |= put_uri_path(&path, root);   /* quoted: strip the quotes below */
    if (rc == 0 && path.len >= 2)
        rc |= buf_append(out, path.data + 1, path.len - 2);
    buf_free(&path);
    return rc | buf_putc(out, '"');
}

static int put_run_header(buf *out, const report *r, const report_options *o,
                          const sarif_rule *rules, size_t rule_count)
{
    int rc = buf_puts(out, "{\n  \"$schema\": \"" SARIF_SCHEMA "\",\n  \"version\": \"2.1.0\",\n"
                           "  \"runs\": [ {\n    \"tool\": { \"driver\": { \"name\": "
                           "\"provcheck\", \"version\": ");
    rc |= json_write_string(out, PROVCHECK_VERSION);
    rc |= buf_puts(out, ", \"semanticVersion\": ");
    rc |= json_write_string(out, PROVCHECK_VERSION);
    rc |= buf_puts(out, ", \"informationUri\": \"" TOOL_URI "\", \"rules\": [");
    for (size_t i = 0; i < rule_count; i++) {
        rc |= buf_puts(out, i ? ",\n      " : "\n      ");
        rc |= put_rule(out, &rules[i]);
    }
    rc |= buf_puts(out, rule_count ? "\n    ] } },\n" : "] } },\n");
    buf scratch = BUF_INIT;
    rc |= buf_puts(out, "    \"automationDetails\": { \"id\": ");
    rc |= json_write_string(out, automation_id(r, o, &scratch));
    buf_free(&scratch);
    rc |= buf_puts(out, " },\n");
    if (r->commit && r->commit[0]) {
        rc |= buf_puts(out, "    \"versionControlProvenance\": [ { \"repositoryUri\": ");
        rc |= put_repository_uri(out, r, o);
        rc |= buf_puts(out, ", \"revisionId\": ");
        rc |= json_write_string(out, r->commit);
        /* result paths are relative to the repository root: %SRCROOT% */
        rc |= buf_puts(out, ", \"mappedTo\": { \"uriBaseId\": \"%SRCROOT%\" } } ],\n");
    }
    /* %SRCROOT%: the folder result paths are relative to (the repository root) */
    const char *base = o && o->path_base ? o->path_base
                       : r->root && r->root[0] == '/' ? r->root : NULL;
    if (base) {
        rc |= buf_puts(out, "    \"originalUriBaseIds\": { \"%SRCROOT%\": { \"uri\": \"file://");
        buf path = BUF_INIT;
        rc |= put_uri_path(&path, base);
        if (rc == 0 && path.len >= 2)
            rc |= buf_append(out, path.data + 1, path.len - 2);
        if (path.len < 3 || path.data[path.len - 2] != '/')
            rc |= buf_putc(out, '/');   /* a base URI must end in '/' */
        buf_free(&path);
        rc |= buf_puts(out, "\" } },\n");
    }
    return rc;
}

static int render(buf *out, const report *r, const report_options *o, const sarif_rule *rules,
                  size_t rule_count, const unsigned char *keep)
{
    int rc = put_run_header(out, r, o, rules, rule_count);
    rc |= buf_puts(out, "    \"results\": [");
    size_t written = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        if (!keep[i])
            continue;
        rc |= buf_puts(out, written++ ? ",\n      " : "\n      ");
        rc |= put_result(out, &r->findings.items[i], rules, rule_count);
    }
    rc |= buf_puts(out, written ? "\n    ]\n  } ]\n}\n" : "]\n  } ]\n}\n");
    return rc;
}

/* ---- the caps ------------------------------------------------------------ */

/* Lower rank is kept first when results must be cut. */
static int cut_rank(const finding *f)
{
    int rank = f->sev == SEV_ERROR ? 0 : f->sev == SEV_WARNING ? 1 : 2;
    return f->suppression == SUPP_NONE ? rank : rank + 3;
}

/* Mark the first `limit` findings by rank (report order within a rank). */
static void choose_results(const report *r, size_t limit, unsigned char *keep)
{
    memset(keep, 0, r->findings.count ? r->findings.count : 1);
    size_t kept = 0;
    for (int rank = 0; rank < 6 && kept < limit; rank++)
        for (size_t i = 0; i < r->findings.count && kept < limit; i++)
            if (cut_rank(&r->findings.items[i]) == rank) {
                keep[i] = 1;
                kept++;
            }
}

static size_t env_size(const char *name, size_t fallback)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return fallback;
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n == 0)
        return fallback;
    return (size_t)n;
}

/* The gzipped size of the bytes, measured with the zlib that libxml2 is built with
   (its gzip output buffer), through a temporary file. Returns the uncompressed
   length when that is not possible: an overestimate, so the cap still holds. */
static size_t gzip_size(const char *data, size_t len)
{
    if (!xmlHasFeature(XML_WITH_ZLIB))
        return len;
    const char *tmpdir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/provcheck-sarif-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return len;
    close(fd);
    size_t size = len;
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFilename(path, NULL, 6);
    if (ob) {
        int ok = 1;
        for (size_t off = 0; off < len && ok;) {
            int chunk = len - off > (1u << 20) ? (1 << 20) : (int)(len - off);
            ok = xmlOutputBufferWrite(ob, chunk, data + off) >= 0;
            off += (size_t)chunk;
        }
        struct stat st;
        if (xmlOutputBufferClose(ob) >= 0 && ok && stat(path, &st) == 0 && st.st_size > 0)
            size = (size_t)st.st_size;
    }
    unlink(path);
    return size;
}

static void announce_cut(size_t kept, size_t total, size_t max_results, size_t gz_bytes,
                         size_t max_gz)
{
    fprintf(stderr, "provcheck: the SARIF report was cut to %zu of %zu results: GitHub code "
            "scanning accepts at most %zu results and %zu bytes gzipped per run%s. Errors were "
            "kept before warnings and notes, unsuppressed findings before suppressed ones; "
            "use -f json (or shards with separate automation ids) for every finding.\n",
            kept, total, max_results, max_gz,
            gz_bytes ? " (the full report was over the size limit)" : "");
}

int report_write_sarif(const report *r, const report_options *o, buf *out)
{
    size_t start = out->len, rule_count = 0, total = r->findings.count;
    size_t max_results = env_size("PROVCHECK_SARIF_MAX_RESULTS", GITHUB_MAX_RESULTS);
    size_t max_gz = env_size("PROVCHECK_SARIF_MAX_GZIP_BYTES", GITHUB_MAX_GZIP_BYTES);
    sarif_rule *rules = collect_rules(r, &rule_count);
    unsigned char *keep = malloc(total ? total : 1);
    int rc = -1;
    if (!rules || !keep)
        goto cleanup;

    size_t limit = total < max_results ? total : max_results, over_size = 0;
    for (;;) {
        choose_results(r, limit, keep);
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        if (render(out, r, o, rules, rule_count, keep) < 0)
            goto cleanup;
        size_t len = out->len - start;
        /* JSON compresses well; only a report near the cap is worth compressing. */
        size_t gz = len + 64 > max_gz ? gzip_size(out->data + start, len) : len;
        if (gz <= max_gz || limit == 0)
            break;
        over_size = gz;
        /* Shrink in proportion, with a margin, and measure again. */
        size_t next = (size_t)((double)limit * (double)max_gz / (double)gz * 0.95);
        limit = next < limit ? next : limit - 1;
    }
    if (limit < total)
        announce_cut(limit, total, max_results, over_size, max_gz);
    rc = 0;
cleanup:
    if (rc < 0) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    free(keep);
    free(rules);
    return rc;
}
