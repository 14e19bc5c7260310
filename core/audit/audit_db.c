/* audit_db.c: the audit history in SQLite (see audit_db.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "audit_db.h"
#include "buf.h"
#include "err.h"

/* findings.suppressed: 0 no, 1 inline (what every older file holds), 2 baseline. */
#define SUPPRESSED_INLINE 1
#define SUPPRESSED_BASELINE 2

struct audit_db {
    sqlite3 *db;
    char *path;
    int has_reason;          /* findings.reason exists (a read-only old file may lack it) */
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS audits("
    " id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL,"
    " site TEXT NOT NULL, pages INTEGER NOT NULL, compliant INTEGER NOT NULL,"
    " findings INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,"
    " suppressed INTEGER NOT NULL, ruleset TEXT, shard TEXT);"
    "CREATE INDEX IF NOT EXISTS audits_site ON audits(site, id);"
    "CREATE TABLE IF NOT EXISTS pages("
    " audit_id INTEGER NOT NULL REFERENCES audits(id), url TEXT NOT NULL,"
    " path TEXT NOT NULL, status INTEGER, findings INTEGER NOT NULL, lastmod TEXT, links TEXT,"
    " targets TEXT);"
    "CREATE INDEX IF NOT EXISTS pages_audit ON pages(audit_id, url);"
    "CREATE TABLE IF NOT EXISTS findings("
    " audit_id INTEGER NOT NULL REFERENCES audits(id), rule TEXT NOT NULL,"
    " severity TEXT NOT NULL, message TEXT NOT NULL, path TEXT NOT NULL, url TEXT,"
    " line INTEGER, col INTEGER, fingerprint TEXT NOT NULL, suppressed INTEGER NOT NULL,"
    " reason TEXT);"
    "CREATE INDEX IF NOT EXISTS findings_audit ON findings(audit_id, url);"
    "CREATE TABLE IF NOT EXISTS http_cache("
    " url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, ruleset TEXT,"
    " audit_id INTEGER, checked TEXT);";

static int db_error(audit_db *db, const char *what)
{
    return err_set("%s: %s: %s", db->path, what, sqlite3_errmsg(db->db));
}

/* 1 when `table` has `column`, 0 when not, -1 on error. */
static int has_column(audit_db *db, const char *table, const char *column)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "reading the schema");
    int found = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 1);
        if (name && strcmp((const char *)name, column) == 0)
            found = 1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? found : db_error(db, "reading the schema");
}

/* Files written before pages.links, pages.targets and findings.reason existed gain
   them (NULL: not recorded, no reason), in one transaction. 0, or -1 with err_set. */
static int migrate(audit_db *db)
{
    static const struct { const char *table, *column, *type; } added[] = {
        {"pages", "links", "TEXT"},
        {"pages", "targets", "TEXT"},
        {"findings", "reason", "TEXT"},
    };
    if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(db, "upgrading the schema");
    for (size_t i = 0; i < sizeof added / sizeof added[0]; i++) {
        int has = has_column(db, added[i].table, added[i].column);
        char sql[160];
        snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", added[i].table,
                 added[i].column, added[i].type);
        if (has < 0 || (!has && sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK)) {
            if (has == 0)
                db_error(db, "upgrading the schema");
            sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    if (sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        db_error(db, "upgrading the schema");
        sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int audit_db_open(audit_db **out, const char *path, int readonly)
{
    *out = NULL;
    audit_db *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return err_set("out of memory");
    }
    int flags = readonly ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        err_set("%s: cannot open the audit database: %s", path,
                db->db ? sqlite3_errmsg(db->db) : "out of memory");
        audit_db_close(db);
        return -1;
    }
    /* Shards of one audit may share a file: wait for each other's transactions. */
    sqlite3_busy_timeout(db->db, 30000);
    if (!readonly) {
        char *msg = NULL;
        if (sqlite3_exec(db->db, "PRAGMA journal_mode=WAL;", NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
            err_set("%s: not a provcheck audit database: %s", path, msg ? msg : "");
            sqlite3_free(msg);
            audit_db_close(db);
            return -1;
        }
        if (migrate(db) < 0) {
            audit_db_close(db);
            return -1;
        }
    } else {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db->db, "SELECT id FROM audits LIMIT 1", -1, &st, NULL) !=
            SQLITE_OK) {
            err_set("%s: not a provcheck audit database: %s", path, sqlite3_errmsg(db->db));
            audit_db_close(db);
            return -1;
        }
        sqlite3_finalize(st);
    }
    int reason = has_column(db, "findings", "reason");
    if (reason < 0) {
        audit_db_close(db);
        return -1;
    }
    db->has_reason = reason;
    *out = db;
    return 0;
}

void audit_db_close(audit_db *db)
{
    if (!db)
        return;
    if (db->db)
        sqlite3_close(db->db);
    free(db->path);
    free(db);
}

static char *col_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? strdup((const char *)s) : NULL;
}

int audit_db_cache_get(audit_db *db, const char *url, const char *ruleset,
                       char **etag_out, char **last_modified_out, long long *audit_out)
{
    *etag_out = *last_modified_out = NULL;
    *audit_out = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db,
                           "SELECT etag, last_modified, audit_id FROM http_cache"
                           " WHERE url = ?1 AND ruleset = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "reading the HTTP cache");
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ruleset, -1, SQLITE_STATIC);
    int found = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *etag_out = col_dup(st, 0);
        *last_modified_out = col_dup(st, 1);
        *audit_out = sqlite3_column_int64(st, 2);
        found = *etag_out || *last_modified_out;
    }
    sqlite3_finalize(st);
    return found;
}

/* What the columns of a finding row hold that provcheck never writes, or NULL. */
static const char *finding_row_invalid(sqlite3_stmt *st)
{
    /* types first: sqlite3_column_type means nothing after a conversion */
    for (int c = 0; c < 10; c++) {
        int type = sqlite3_column_type(st, c);
        int may_be_null = c == 4 || c == 5 || c == 6 || c == 9;   /* url, line, col, reason */
        int integer = c == 5 || c == 6 || c == 8;
        if (type == SQLITE_NULL ? !may_be_null : (integer ? type != SQLITE_INTEGER
                                                          : type != SQLITE_TEXT))
            return "a column has the wrong type";
    }
    sqlite3_int64 suppressed = sqlite3_column_int64(st, 8);
    sqlite3_int64 line = sqlite3_column_int64(st, 5), col = sqlite3_column_int64(st, 6);
    if (suppressed < 0 || suppressed > SUPPRESSED_BASELINE)
        return "suppressed is not 0 (no), 1 (inline) or 2 (baseline)";
    if (sqlite3_column_bytes(st, 7) != 32)
        return "its fingerprint is not 32 hex digits";
    if (line < 0 || line > 2147483647 || col < 0 || col > 2147483647)
        return "its line and column are not a position";
    return NULL;
}

/* Read finding rows (rule, severity, message, path, url, line, col, fingerprint,
   suppressed, reason) from a prepared statement into `out`. */
static int read_findings(audit_db *db, sqlite3_stmt *st, finding_list *out)
{
    int rc;
    size_t row = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        finding f;
        memset(&f, 0, sizeof f);
        row++;
        const char *bad = finding_row_invalid(st);
        f.rule = col_dup(st, 0);
        const unsigned char *sev = sqlite3_column_text(st, 1);
        /* read back, not trusted: a row provcheck never writes is an error (see
           finding_invalid), never a finding that passes */
        if (!sev || severity_parse((const char *)sev, &f.sev) < 0)
            f.sev = SEV_OFF;
        f.message = col_dup(st, 2);
        f.path = col_dup(st, 3);
        f.url = col_dup(st, 4);
        f.line = sqlite3_column_int(st, 5);
        f.column = sqlite3_column_int(st, 6);
        const unsigned char *fp = sqlite3_column_text(st, 7);
        snprintf(f.fingerprint, sizeof f.fingerprint, "%s", fp ? (const char *)fp : "");
        int supp = sqlite3_column_int(st, 8);
        f.suppression = supp == SUPPRESSED_BASELINE ? SUPP_BASELINE
                        : supp ? SUPP_INLINE : SUPP_NONE;
        int reason_null = sqlite3_column_type(st, 9) == SQLITE_NULL;
        f.suppress_reason = reason_null ? NULL : col_dup(st, 9);
        if (!bad && f.rule && f.message && f.path)
            bad = finding_invalid(&f);
        if (bad) {
            err_set("audit database %s: finding %zu%s%s%s is invalid: %s", db->path, row,
                    f.rule ? " (" : "", f.rule ? f.rule : "", f.rule ? ")" : "", bad);
            finding_free(&f);
            return -1;
        }
        if (!f.rule || !f.message || !f.path || (!reason_null && !f.suppress_reason) ||
            finding_list_take(out, &f) < 0) {
            finding_free(&f);
            return err_set("out of memory");
        }
    }
    return rc == SQLITE_DONE ? 0 : db_error(db, "reading findings");
}

#define FINDING_COLS "rule, severity, message, path, url, line, col, fingerprint, suppressed"

/* "SELECT <finding columns> " + from_where, the reason NULL where an old read-only
   file has no such column. */
static int prepare_findings(audit_db *db, const char *from_where, sqlite3_stmt **st)
{
    buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT " FINDING_COLS ", %s %s", db->has_reason ? "reason" : "NULL",
               from_where);
    int rc = sql.data && sqlite3_prepare_v2(db->db, sql.data, -1, st, NULL) == SQLITE_OK
             ? 0 : db_error(db, "reading findings");
    buf_free(&sql);
    return rc;
}

int audit_db_findings_for_url(audit_db *db, long long audit_id, const char *url,
                              finding_list *out)
{
    /* Suppressed findings too: a page reused after a 304 reports what it had. */
    sqlite3_stmt *st = NULL;
    if (prepare_findings(db, "FROM findings WHERE audit_id = ?1 AND url = ?2 ORDER BY rowid",
                         &st) < 0)
        return -1;
    sqlite3_bind_int64(st, 1, audit_id);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    int rc = read_findings(db, st, out);
    sqlite3_finalize(st);
    return rc;
}

int audit_db_page_memory(audit_db *db, long long audit_id, const char *url,
                         char **links_out, char **targets_out)
{
    *links_out = *targets_out = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db,
                           "SELECT links, targets FROM pages WHERE audit_id = ?1 AND url = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "reading pages");
    sqlite3_bind_int64(st, 1, audit_id);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        found = 1;
        for (int c = 0; c < 2 && found > 0; c++) {
            char **out = c ? targets_out : links_out;
            if (sqlite3_column_type(st, c) != SQLITE_NULL && !(*out = col_dup(st, c)))
                found = err_set("out of memory");
        }
    } else if (rc != SQLITE_DONE) {
        found = db_error(db, "reading pages");
    }
    sqlite3_finalize(st);
    if (found < 0) {
        free(*links_out);
        free(*targets_out);
        *links_out = *targets_out = NULL;
    }
    return found;
}

int audit_db_findings(audit_db *db, long long audit_id, finding_list *out)
{
    sqlite3_stmt *st = NULL;
    if (prepare_findings(db, "FROM findings WHERE audit_id = ?1 ORDER BY rowid", &st) < 0)
        return -1;
    sqlite3_bind_int64(st, 1, audit_id);
    int rc = read_findings(db, st, out);
    sqlite3_finalize(st);
    return rc;
}

static void iso_now(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const audit_page_info *info_for(const audit_page_info *info, size_t count,
                                       const char *url)
{
    for (size_t i = 0; url && i < count; i++)
        if (info[i].url && strcmp(info[i].url, url) == 0)
            return &info[i];
    return NULL;
}

static int insert_audit(audit_db *db, const audit_meta *meta, const report *r,
                        long long *id_out)
{
    size_t compliant = 0;
    for (size_t i = 0; i < r->page_count; i++)
        if (r->pages[i].findings == 0)
            compliant++;
    char finished[32];
    iso_now(finished, sizeof finished);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db,
                           "INSERT INTO audits(started, finished, site, pages, compliant,"
                           " findings, errors, warnings, suppressed, ruleset, shard)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "storing the audit");
    sqlite3_bind_text(st, 1, meta->started, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, finished, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, meta->site ? meta->site : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)r->page_count);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)compliant);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)r->unsuppressed);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)r->errors);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)r->warnings);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)r->suppressed);
    sqlite3_bind_text(st, 10, meta->ruleset, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, meta->shard, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "storing the audit");
    sqlite3_finalize(st);
    *id_out = sqlite3_last_insert_rowid(db->db);
    return rc;
}

static int insert_pages(audit_db *db, long long id, const report *r,
                        const audit_page_info *info, size_t info_count)
{
    sqlite3_stmt *st = NULL, *cache = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db->db,
                           "INSERT INTO pages(audit_id, url, path, status, findings, lastmod,"
                           " links, targets) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db->db,
                           "INSERT OR REPLACE INTO http_cache(url, etag, last_modified,"
                           " ruleset, audit_id, checked) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &cache, NULL) != SQLITE_OK) {
        db_error(db, "storing pages");
        goto done;
    }
    char now[32];
    iso_now(now, sizeof now);
    for (size_t i = 0; i < r->page_count; i++) {
        const page_result *p = &r->pages[i];
        const char *url = p->url ? p->url : p->path;
        const audit_page_info *pi = info_for(info, info_count, p->url);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, p->path, -1, SQLITE_STATIC);
        if (pi && pi->status)
            sqlite3_bind_int64(st, 4, pi->status);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)p->findings);
        sqlite3_bind_text(st, 6, pi ? pi->lastmod : NULL, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, pi ? pi->links : NULL, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, pi ? pi->targets : NULL, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            db_error(db, "storing pages");
            goto done;
        }
        if (!pi || (!pi->etag && !pi->last_modified))
            continue;
        sqlite3_reset(cache);
        sqlite3_bind_text(cache, 1, url, -1, SQLITE_STATIC);
        sqlite3_bind_text(cache, 2, pi->etag, -1, SQLITE_STATIC);
        sqlite3_bind_text(cache, 3, pi->last_modified, -1, SQLITE_STATIC);
        sqlite3_bind_text(cache, 4, NULL, -1, SQLITE_STATIC);
        sqlite3_bind_int64(cache, 5, id);
        sqlite3_bind_text(cache, 6, now, -1, SQLITE_STATIC);
        if (sqlite3_step(cache) != SQLITE_DONE) {
            db_error(db, "storing the HTTP cache");
            goto done;
        }
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    sqlite3_finalize(cache);
    return rc;
}

static int insert_findings(audit_db *db, long long id, const report *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, "INSERT INTO findings(audit_id, " FINDING_COLS ", reason)"
                                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "storing findings");
    int rc = 0;
    for (size_t i = 0; i < r->findings.count && rc == 0; i++) {
        const finding *f = &r->findings.items[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, f->rule, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, severity_name(f->sev), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, f->message, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, f->path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, f->url, -1, SQLITE_STATIC);
        if (f->line)
            sqlite3_bind_int(st, 7, f->line);
        else
            sqlite3_bind_null(st, 7);
        if (f->column)
            sqlite3_bind_int(st, 8, f->column);
        else
            sqlite3_bind_null(st, 8);
        sqlite3_bind_text(st, 9, f->fingerprint, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 10, f->suppression == SUPP_BASELINE ? SUPPRESSED_BASELINE
                                 : f->suppression != SUPP_NONE ? SUPPRESSED_INLINE : 0);
        sqlite3_bind_text(st, 11, f->suppression == SUPP_INLINE ? f->suppress_reason : NULL,
                          -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(db, "storing findings");
    }
    sqlite3_finalize(st);
    return rc;
}

int audit_db_store(audit_db *db, const audit_meta *meta, const report *r,
                   const audit_page_info *info, size_t info_count, long long *id_out)
{
    *id_out = 0;
    if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(db, "starting a transaction");
    long long id = 0;
    if (insert_audit(db, meta, r, &id) < 0 || insert_pages(db, id, r, info, info_count) < 0 ||
        insert_findings(db, id, r) < 0)
        goto rollback;
    /* The ruleset digest of the cache rows written above. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, "UPDATE http_cache SET ruleset = ?1 WHERE audit_id = ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        db_error(db, "storing the HTTP cache");
        goto rollback;
    }
    sqlite3_bind_text(st, 1, meta->ruleset, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        db_error(db, "storing the HTTP cache");
        goto rollback;
    }
    if (sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        db_error(db, "committing the audit");
        goto rollback;
    }
    *id_out = id;
    return 0;
rollback:
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int audit_db_previous(audit_db *db, const char *site, const char *shard, long long before,
                      long long *id_out)
{
    *id_out = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db,
                           "SELECT id FROM audits WHERE site = ?1 AND (?2 = 0 OR id < ?2)"
                           " AND shard IS ?3 ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "reading audits");
    sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_text(st, 3, shard, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        *id_out = sqlite3_column_int64(st, 0);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_error(db, "reading audits");
    }
    sqlite3_finalize(st);
    return found;
}

static int compare_query(audit_db *db, const char *from_where, long long a, long long b,
                         finding_list *out)
{
    sqlite3_stmt *st = NULL;
    if (prepare_findings(db, from_where, &st) < 0)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int rc = read_findings(db, st, out);
    sqlite3_finalize(st);
    return rc;
}

int audit_db_compare(audit_db *db, long long prev, long long cur, audit_compare *out)
{
    memset(out, 0, sizeof *out);
    /* Findings of ?1 with no twin in ?2; "fixed" also needs the page audited in ?2
       (a page outside this run's shard or sitemap is not fixed). */
    static const char missing_in[] =
        "FROM findings AS f WHERE f.audit_id = ?1 AND f.suppressed = 0"
        " AND NOT EXISTS (SELECT 1 FROM findings AS g WHERE g.audit_id = ?2"
        "  AND g.suppressed = 0 AND g.fingerprint = f.fingerprint"
        "  AND COALESCE(g.url, g.path) = COALESCE(f.url, f.path))";
    static const char fixed_sql[] =
        "FROM findings AS f WHERE f.audit_id = ?1 AND f.suppressed = 0"
        " AND NOT EXISTS (SELECT 1 FROM findings AS g WHERE g.audit_id = ?2"
        "  AND g.suppressed = 0 AND g.fingerprint = f.fingerprint"
        "  AND COALESCE(g.url, g.path) = COALESCE(f.url, f.path))"
        " AND EXISTS (SELECT 1 FROM pages AS p WHERE p.audit_id = ?2"
        "  AND p.url = COALESCE(f.url, f.path))";
    static const char open_sql[] =
        "FROM findings AS f WHERE f.audit_id = ?1 AND f.suppressed = 0"
        " AND EXISTS (SELECT 1 FROM findings AS g WHERE g.audit_id = ?2"
        "  AND g.suppressed = 0 AND g.fingerprint = f.fingerprint"
        "  AND COALESCE(g.url, g.path) = COALESCE(f.url, f.path))";
    if (compare_query(db, missing_in, cur, prev, &out->added) < 0 ||
        compare_query(db, fixed_sql, prev, cur, &out->fixed) < 0 ||
        compare_query(db, open_sql, cur, prev, &out->still_open) < 0) {
        audit_compare_free(out);
        return -1;
    }
    finding_list_sort(&out->added);
    finding_list_sort(&out->fixed);
    finding_list_sort(&out->still_open);
    return 0;
}

void audit_compare_free(audit_compare *c)
{
    if (!c)
        return;
    finding_list_free(&c->added);
    finding_list_free(&c->fixed);
    finding_list_free(&c->still_open);
}

int audit_db_list(audit_db *db, const char *site, audit_row **out, size_t *count_out)
{
    *out = NULL;
    *count_out = 0;
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT id, started, site, shard, pages, compliant, findings, errors, warnings,"
        " suppressed FROM audits WHERE site = COALESCE(?1,"
        " (SELECT site FROM audits ORDER BY id DESC LIMIT 1)) ORDER BY id";
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "reading audits");
    sqlite3_bind_text(st, 1, site, -1, SQLITE_STATIC);
    audit_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            audit_row *grown = realloc(rows, cap * sizeof *grown);
            if (!grown) {
                rc = SQLITE_NOMEM;
                break;
            }
            rows = grown;
        }
        audit_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->started = col_dup(st, 1);
        r->site = col_dup(st, 2);
        r->shard = col_dup(st, 3);
        r->pages = (long)sqlite3_column_int64(st, 4);
        r->compliant = (long)sqlite3_column_int64(st, 5);
        r->findings = (long)sqlite3_column_int64(st, 6);
        r->errors = (long)sqlite3_column_int64(st, 7);
        r->warnings = (long)sqlite3_column_int64(st, 8);
        r->suppressed = (long)sqlite3_column_int64(st, 9);
        if (!r->started || !r->site) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        audit_rows_free(rows, n);
        return rc == SQLITE_NOMEM ? err_set("out of memory") : db_error(db, "reading audits");
    }
    *out = rows;
    *count_out = n;
    return 0;
}

void audit_rows_free(audit_row *rows, size_t count)
{
    for (size_t i = 0; rows && i < count; i++) {
        free(rows[i].started);
        free(rows[i].site);
        free(rows[i].shard);
    }
    free(rows);
}
