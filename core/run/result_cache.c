/* result_cache.c: the SQLite result cache (result_cache.h).
 *
 * Values are a compact binary encoding (little-endian u32 counts and lengths,
 * 0xffffffff for a NULL string): findings without path, commit and blob (those
 * come from the page being checked), and the dependency list. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "buf.h"
#include "result_cache.h"
#include "sha256.h"

#define BATCH_SIZE 256
#define BUSY_TIMEOUT_MS 15000
#define NULL_LEN 0xffffffffu

typedef struct pending {
    char *blob, *path, *site;
    char *findings; size_t findings_len;
    char *deps; size_t deps_len;
} pending;

struct result_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
    pthread_mutex_t lock;
    char run_key[65];
    pending *queue; size_t queued, cap;
    size_t hits, misses, stores;
    int stats;
};

void result_cache_run_key(char out[65], const char *ruleset_digest, char **rules,
                          size_t rule_count)
{
    sha256_ctx c;
    sha256_init(&c);
    static const char tag[] = "provcheck-result-cache-1";
    sha256_update(&c, tag, sizeof tag);
    sha256_update(&c, PROVCHECK_VERSION, sizeof PROVCHECK_VERSION);
    sha256_update(&c, ruleset_digest, strlen(ruleset_digest) + 1);
    /* --rule order does not change the result, so the ids are hashed sorted. */
    char **sorted = rule_count ? malloc(rule_count * sizeof *sorted) : NULL;
    if (sorted) {
        memcpy(sorted, rules, rule_count * sizeof *sorted);
        for (size_t i = 1; i < rule_count; i++)
            for (size_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
                char *t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
            }
        for (size_t i = 0; i < rule_count; i++)
            sha256_update(&c, sorted[i], strlen(sorted[i]) + 1);
        free(sorted);
    } else if (rule_count) {
        sha256_update(&c, "unsorted", 8);
        for (size_t i = 0; i < rule_count; i++)
            sha256_update(&c, rules[i], strlen(rules[i]) + 1);
    }
    unsigned char d[32];
    sha256_final(&c, d);
    sha256_hex(d, 32, out);
}

/* ---- encoding ---- */

static int put_u32(buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    return buf_append(b, x, 4);
}

static int put_str(buf *b, const char *s)
{
    if (!s)
        return put_u32(b, NULL_LEN);
    size_t n = strlen(s);
    return put_u32(b, (uint32_t)n) < 0 || buf_append(b, s, n) < 0 ? -1 : 0;
}

typedef struct reader {
    const unsigned char *p;
    size_t left;
    int bad;
} reader;

static uint32_t get_u32(reader *r)
{
    if (r->left < 4) {
        r->bad = 1;
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                 (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return v;
}

/* malloc'd; *is_null set for a NULL string. NULL with r->bad on damage or OOM. */
static char *get_str(reader *r, int *is_null)
{
    *is_null = 0;
    uint32_t n = get_u32(r);
    if (r->bad)
        return NULL;
    if (n == NULL_LEN) {
        *is_null = 1;
        return NULL;
    }
    if (n > r->left) {
        r->bad = 1;
        return NULL;
    }
    char *s = strndup((const char *)r->p, n);
    if (!s)
        r->bad = 1;
    r->p += n;
    r->left -= n;
    return s;
}

static int encode_findings(buf *b, const finding *items, size_t count)
{
    if (put_u32(b, (uint32_t)count) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const finding *f = &items[i];
        if (put_u32(b, (uint32_t)f->sev) < 0 || put_u32(b, (uint32_t)f->suppression) < 0 ||
            put_u32(b, (uint32_t)f->line) < 0 || put_u32(b, (uint32_t)f->column) < 0 ||
            put_str(b, f->rule) < 0 || put_str(b, f->message) < 0 ||
            put_str(b, f->fingerprint) < 0 || put_str(b, f->suppress_reason) < 0 ||
            put_str(b, f->extra_json) < 0)
            return -1;
    }
    return 0;
}

static int encode_deps(buf *b, const dep_log *deps)
{
    size_t n = deps ? deps->count : 0;
    if (put_u32(b, (uint32_t)n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (put_u32(b, (uint32_t)deps->items[i].exists) < 0 ||
            put_str(b, deps->items[i].site_path) < 0)
            return -1;
    return 0;
}

/* Whether every recorded answer is still the answer in the current tree. */
static int deps_hold(const void *data, size_t len, result_cache_exists_fn exists, void *ctx,
                     dep_log *deps_out)
{
    reader r = {data, len, 0};
    uint32_t n = get_u32(&r);
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        int was = (int)get_u32(&r);
        int is_null;
        char *path = get_str(&r, &is_null);
        if (r.bad || !path) {
            free(path);
            return 0;
        }
        int now = exists ? exists(ctx, path) : -1;
        if (now != was || (deps_out && dep_log_add(deps_out, path, was) < 0)) {
            free(path);
            return 0;
        }
        free(path);
    }
    return !r.bad;
}

static int decode_findings(const void *data, size_t len, const char *path,
                           const char *commit, const char *blob, finding_list *out)
{
    reader r = {data, len, 0};
    uint32_t n = get_u32(&r);
    size_t start = out->count;
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        finding f = {0};
        int is_null;
        f.sev = (severity)get_u32(&r);
        f.suppression = (suppression_kind)get_u32(&r);
        f.line = (int)get_u32(&r);
        f.column = (int)get_u32(&r);
        f.rule = get_str(&r, &is_null);
        f.message = get_str(&r, &is_null);
        char *fp = get_str(&r, &is_null);
        f.suppress_reason = get_str(&r, &is_null);
        f.extra_json = get_str(&r, &is_null);
        if (!r.bad && fp)
            snprintf(f.fingerprint, sizeof f.fingerprint, "%s", fp);
        free(fp);
        f.path = strdup(path);
        f.commit = commit && *commit ? strdup(commit) : NULL;
        f.blob = blob && *blob ? strdup(blob) : NULL;
        /* A shared cache (CI caches) is read back, not trusted: a value provcheck
           never stores could turn a finding into a pass. Such an entry is a miss, and
           the page is checked again. Baseline suppression is applied after the
           check and blame's extra JSON after that, so neither is ever stored. */
        if (r.bad || !f.rule || !f.message || !f.path || finding_invalid(&f) ||
            f.suppression == SUPP_BASELINE || f.extra_json ||
            (f.suppress_reason && f.suppression != SUPP_INLINE) ||
            finding_list_take(out, &f) < 0) {
            finding_free(&f);
            r.bad = 1;
        }
    }
    if (r.left)
        r.bad = 1;   /* trailing bytes: not what put wrote */
    if (r.bad) {
        while (out->count > start)
            finding_free(&out->items[--out->count]);
        return -1;
    }
    return 0;
}

/* ---- SQLite ---- */

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Setting up a new database (WAL switch, schema) can meet SQLITE_BUSY without
   the busy handler being asked, when two runs create it at once: retry a while. */
static int exec_setup(sqlite3 *db, const char *sql)
{
    for (int attempt = 0; attempt < 500; attempt++) {
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            return -1;
        usleep(10000);
    }
    return -1;
}

result_cache *result_cache_open(const char *gitdir, const char *run_key)
{
    const char *stats = getenv("PROVCHECK_CACHE_STATS");
    size_t gl = strlen(gitdir);
    char *dir = malloc(gl + 32), *file = malloc(gl + 64);
    result_cache *c = calloc(1, sizeof *c);
    if (!dir || !file || !c)
        goto fail;
    snprintf(dir, gl + 32, "%s%sprovcheck", gitdir,
             gl && gitdir[gl - 1] == '/' ? "" : "/");
    snprintf(file, gl + 64, "%s/cache.sqlite", dir);
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        goto fail;
    if (sqlite3_open_v2(file, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                          SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    if (exec_setup(c->db, "PRAGMA journal_mode=WAL") < 0 ||
        exec_setup(c->db, "PRAGMA synchronous=NORMAL") < 0 ||
        exec_setup(c->db, "CREATE TABLE IF NOT EXISTS results ("
                    " run TEXT NOT NULL, blob TEXT NOT NULL, path TEXT NOT NULL,"
                    " site TEXT NOT NULL, findings BLOB NOT NULL, deps BLOB NOT NULL,"
                    " PRIMARY KEY (run, blob, path, site)) WITHOUT ROWID") < 0)
        goto fail;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT findings, deps FROM results WHERE run = ?1 AND blob = ?2"
                           " AND path = ?3 AND site = ?4", -1, &c->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO results (run, blob, path, site, findings,"
                           " deps) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &c->put,
                           NULL) != SQLITE_OK)
        goto fail;
    pthread_mutex_init(&c->lock, NULL);
    snprintf(c->run_key, sizeof c->run_key, "%s", run_key);
    c->stats = stats && *stats && strcmp(stats, "0") != 0;
    free(dir);
    free(file);
    return c;
fail:
    if (stats && *stats && strcmp(stats, "0") != 0)
        fprintf(stderr, "provcheck cache: not available (%s)\n",
                c && c->db ? sqlite3_errmsg(c->db) : "cannot create it");
    if (c) {
        sqlite3_finalize(c->get);
        sqlite3_finalize(c->put);
        sqlite3_close(c->db);
    }
    free(c);
    free(dir);
    free(file);
    return NULL;
}

static void pending_free(pending *p)
{
    free(p->blob);
    free(p->path);
    free(p->site);
    free(p->findings);
    free(p->deps);
}

static void flush_locked(result_cache *c)
{
    if (!c->queued)
        return;
    int ok = exec(c->db, "BEGIN IMMEDIATE") == 0;
    for (size_t i = 0; ok && i < c->queued; i++) {
        pending *p = &c->queue[i];
        sqlite3_bind_text(c->put, 1, c->run_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(c->put, 2, p->blob, -1, SQLITE_STATIC);
        sqlite3_bind_text(c->put, 3, p->path, -1, SQLITE_STATIC);
        sqlite3_bind_text(c->put, 4, p->site, -1, SQLITE_STATIC);
        sqlite3_bind_blob(c->put, 5, p->findings, (int)p->findings_len, SQLITE_STATIC);
        sqlite3_bind_blob(c->put, 6, p->deps, (int)p->deps_len, SQLITE_STATIC);
        ok = sqlite3_step(c->put) == SQLITE_DONE;
        sqlite3_reset(c->put);
        sqlite3_clear_bindings(c->put);
    }
    if (ok && exec(c->db, "COMMIT") == 0)
        c->stores += c->queued;
    else
        exec(c->db, "ROLLBACK");
    /* A batch that could not be written is dropped: the cache is best effort. */
    for (size_t i = 0; i < c->queued; i++)
        pending_free(&c->queue[i]);
    c->queued = 0;
}

void result_cache_flush(result_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    flush_locked(c);
    pthread_mutex_unlock(&c->lock);
}

void result_cache_close(result_cache *c)
{
    if (!c)
        return;
    result_cache_flush(c);
    if (c->stats)
        fprintf(stderr, "provcheck cache: %zu hits, %zu misses, %zu stored\n", c->hits,
                c->misses, c->stores);
    free(c->queue);
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int result_cache_get(result_cache *c, const char *blob, const char *path,
                     const char *site_path, const char *commit,
                     result_cache_exists_fn exists, void *exists_ctx, finding_list *out,
                     dep_log *deps_out)
{
    if (deps_out)
        dep_log_reset(deps_out);
    if (!c || !blob || !*blob)
        return 0;
    void *findings = NULL, *deps = NULL;
    size_t flen = 0, dlen = 0;
    pthread_mutex_lock(&c->lock);
    sqlite3_bind_text(c->get, 1, c->run_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->get, 2, blob, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->get, 3, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->get, 4, site_path, -1, SQLITE_STATIC);
    int found = sqlite3_step(c->get) == SQLITE_ROW;
    if (found) {
        flen = (size_t)sqlite3_column_bytes(c->get, 0);
        findings = malloc(flen ? flen : 1);
        if (findings && flen)
            memcpy(findings, sqlite3_column_blob(c->get, 0), flen);
        dlen = (size_t)sqlite3_column_bytes(c->get, 1);
        deps = malloc(dlen ? dlen : 1);
        if (deps && dlen)
            memcpy(deps, sqlite3_column_blob(c->get, 1), dlen);
        found = findings && deps;
    }
    sqlite3_reset(c->get);
    sqlite3_clear_bindings(c->get);
    pthread_mutex_unlock(&c->lock);

    int hit = found && deps_hold(deps, dlen, exists, exists_ctx, deps_out) &&
              decode_findings(findings, flen, path, commit, blob, out) == 0;
    free(findings);
    free(deps);
    pthread_mutex_lock(&c->lock);
    if (hit)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void result_cache_put(result_cache *c, const char *blob, const char *path,
                      const char *site_path, const finding *items, size_t count,
                      const dep_log *deps)
{
    if (!c || !blob || !*blob)
        return;
    buf fb = BUF_INIT, db = BUF_INIT;
    pending p = {0};
    if (encode_findings(&fb, items, count) < 0 || encode_deps(&db, deps) < 0)
        goto drop;
    p.blob = strdup(blob);
    p.path = strdup(path);
    p.site = strdup(site_path);
    p.findings = buf_detach(&fb, &p.findings_len);
    p.deps = buf_detach(&db, &p.deps_len);
    if (!p.blob || !p.path || !p.site || !p.findings || !p.deps)
        goto drop;
    pthread_mutex_lock(&c->lock);
    if (c->queued == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        pending *q = realloc(c->queue, cap * sizeof *q);
        if (!q) {
            pthread_mutex_unlock(&c->lock);
            goto drop;
        }
        c->queue = q;
        c->cap = cap;
    }
    c->queue[c->queued++] = p;
    if (c->queued >= BATCH_SIZE)
        flush_locked(c);
    pthread_mutex_unlock(&c->lock);
    return;
drop:
    buf_free(&fb);
    buf_free(&db);
    pending_free(&p);
}
