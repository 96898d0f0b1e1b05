/*
 * The SQLite backend of the store: one database file in WAL mode, a busy
 * timeout so readers and a writer of other processes wait for each other
 * instead of failing, and prepared statements kept for the life of the handle
 * (an import inserts hundreds of thousands of rows in one transaction, each
 * through an already prepared statement).
 */
#include "store.h"
#include "../../util/text.h"
#include "migrations.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 10000

enum stmt_id {
	ST_NS_INSERT,
	ST_NS_ID,
	ST_FEED_INSERT,
	ST_UNIT_UPSERT,
	ST_UNIT_DEL_AFFECTED,
	ST_UNIT_DEL_VULN,
	ST_UNIT_DEL_NS,
	ST_UNIT_NS,
	ST_VULN_UPSERT,
	ST_AFF_INSERT,
	ST_FEED_CLEAR_AFFECTED,
	ST_FEED_CLEAR_VULN,
	ST_FEED_CLEAR_NS,
	ST_FEED_CLEAR_UNITS,
	ST_FEED_FINISH,
	ST_LOOKUP,
	ST_NS_KNOWN,
	ST_STATUS_FEEDS,
	ST_STATUS_NS,
	ST_LAYER_GET,
	ST_LAYER_PUT,
	ST_SOURCES,
	ST_SOURCE_PUT,
	ST_AFF_INSERT_ARCH,
	/* csaf and osv feeds */
	ST_RANGE_INSERT,
	ST_ALIAS_INSERT,
	ST_UNIT_DEL_RANGE,
	ST_UNIT_DEL_ALIAS,
	ST_FEED_CLEAR_RANGE,
	ST_FEED_CLEAR_ALIAS,
	ST_RANGE_LOOKUP,
	ST_LOOKUP_BATCH,
	ST_ENTRIES_GET,
	ST_ENTRIES_PUT,
	ST_COUNT
};

#define FEED_UNITS                                                                                 \
	"(SELECT u.id FROM feed_unit u JOIN feed f ON f.id = u.feed_id WHERE f.name = ?1)"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_NS_INSERT] =
	        "INSERT INTO namespace (name, version_format) VALUES (?1, ?2) "
	        "ON CONFLICT (name) DO UPDATE SET version_format = excluded.version_format",
	[ST_NS_ID] = "SELECT id FROM namespace WHERE name = ?1",
	[ST_FEED_INSERT] = "INSERT INTO feed (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
	[ST_UNIT_UPSERT] =
	        "INSERT INTO feed_unit (feed_id, key, source, upstream_date, etag, digest, "
	        "imported_at) "
	        "SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM feed WHERE name = ?1 "
	        "ON CONFLICT (feed_id, key) DO UPDATE SET source = excluded.source, "
	        "upstream_date = excluded.upstream_date, etag = excluded.etag, "
	        "digest = excluded.digest, imported_at = excluded.imported_at RETURNING id",
	[ST_UNIT_DEL_AFFECTED] = "DELETE FROM affected WHERE unit_id = ?1",
	[ST_UNIT_DEL_VULN] = "DELETE FROM vulnerability WHERE unit_id = ?1",
	[ST_UNIT_DEL_NS] = "DELETE FROM unit_namespace WHERE unit_id = ?1",
	[ST_UNIT_NS] = "INSERT INTO unit_namespace (unit_id, namespace_id) VALUES (?1, ?2) "
	               "ON CONFLICT DO NOTHING",
	[ST_VULN_UPSERT] =
	        "INSERT INTO vulnerability (unit_id, namespace_id, name, description, link, "
	        "severity, metadata) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	        "ON CONFLICT (unit_id, namespace_id, name) DO UPDATE SET "
	        "description = CASE WHEN excluded.description <> '' THEN excluded.description "
	        "ELSE vulnerability.description END, "
	        "link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE vulnerability.link "
	        "END, "
	        "severity = CASE WHEN excluded.severity <> 0 THEN excluded.severity "
	        "ELSE vulnerability.severity END, "
	        "metadata = COALESCE(excluded.metadata, vulnerability.metadata)",
	[ST_AFF_INSERT] = "INSERT INTO affected (namespace_id, package, name, unit_id, status, "
	                  "fixed_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
	[ST_FEED_CLEAR_AFFECTED] =
	        "DELETE FROM affected WHERE namespace_id IN "
	        "(SELECT namespace_id FROM unit_namespace WHERE unit_id IN " FEED_UNITS
	        ") AND unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_VULN] = "DELETE FROM vulnerability WHERE unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_NS] = "DELETE FROM unit_namespace WHERE unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_UNITS] = "DELETE FROM feed_unit WHERE id IN " FEED_UNITS,
	[ST_FEED_FINISH] =
	        "UPDATE feed SET source = ?2, imported_at = ?3, "
	        "vulnerabilities = (SELECT COUNT(*) FROM ("
	        "  SELECT name FROM affected WHERE +unit_id IN " FEED_UNITS
	        "  UNION SELECT name FROM vulnerability WHERE unit_id IN " FEED_UNITS
	        "  UNION SELECT name FROM affected_range WHERE +unit_id IN " FEED_UNITS ") AS t), "
	        "records = (SELECT COUNT(*) FROM ("
	        "  SELECT namespace_id, package, name FROM affected WHERE +unit_id IN " FEED_UNITS
	        "  UNION SELECT namespace_id, package, name FROM affected_range "
	        "  WHERE +unit_id IN " FEED_UNITS ") AS t) "
	        "WHERE name = ?1",
	[ST_LOOKUP] = "SELECT n.name, a.package, a.name, a.status, a.fixed_version, f.name, "
	              "COALESCE(v.description, ''), COALESCE(v.link, ''), COALESCE(v.severity, 0), "
	              "v.metadata, u.key, a.arch FROM affected a JOIN namespace n ON n.id = "
	              "a.namespace_id "
	              "JOIN feed_unit u ON u.id = a.unit_id JOIN feed f ON f.id = u.feed_id "
	              "LEFT JOIN vulnerability v ON v.unit_id = a.unit_id "
	              "AND v.namespace_id = a.namespace_id AND v.name = a.name "
	              "WHERE n.name = ?1 AND a.package = ?2 "
	              "ORDER BY a.name, f.name, a.status, a.fixed_version",
	/*
	 * The same columns for a JSON array of distinct package names, in one
	 * query. The array drives the join (CROSS JOIN keeps that order): one
	 * primary key search per name, without the temporary index of the names
	 * that "a.package IN (SELECT value FROM json_each(?2))" builds first.
	 */
	[ST_LOOKUP_BATCH] =
	        "SELECT n.name, a.package, a.name, a.status, a.fixed_version, f.name, "
	        "COALESCE(v.description, ''), COALESCE(v.link, ''), COALESCE(v.severity, 0), "
	        "v.metadata, u.key, a.arch FROM namespace n CROSS JOIN json_each(?2) j "
	        "CROSS JOIN affected a ON a.namespace_id = n.id AND a.package = j.value "
	        "JOIN feed_unit u ON u.id = a.unit_id JOIN feed f ON f.id = u.feed_id "
	        "LEFT JOIN vulnerability v ON v.unit_id = a.unit_id "
	        "AND v.namespace_id = a.namespace_id AND v.name = a.name "
	        "WHERE n.name = ?1 "
	        "ORDER BY a.package, a.name, f.name, a.status, a.fixed_version",
	[ST_ENTRIES_GET] = "SELECT entries FROM layer_entries WHERE diff_id = ?1 AND engine = ?2",
	[ST_ENTRIES_PUT] = "INSERT INTO layer_entries (diff_id, engine, entries, created_at) "
	                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (diff_id) DO UPDATE SET "
	                   "engine = excluded.engine, entries = excluded.entries, "
	                   "created_at = excluded.created_at",
	[ST_NS_KNOWN] =
	        "SELECT 1 FROM unit_namespace un JOIN namespace n ON n.id = un.namespace_id "
	        "WHERE n.name = ?1 LIMIT 1",
	[ST_STATUS_FEEDS] =
	        "SELECT f.id, f.name, f.source, f.imported_at, f.vulnerabilities, f.records, "
	        "COALESCE((SELECT MAX(u.upstream_date) FROM feed_unit u WHERE u.feed_id = f.id), "
	        "'') "
	        "FROM feed f ORDER BY f.name",
	[ST_STATUS_NS] = "SELECT DISTINCT n.name FROM unit_namespace un "
	                 "JOIN feed_unit u ON u.id = un.unit_id "
	                 "JOIN namespace n ON n.id = un.namespace_id WHERE u.feed_id = ?1",
	[ST_LAYER_GET] = "SELECT COALESCE(namespace, ''), packages, engine FROM layer_analysis "
	                 "WHERE diff_id = ?1",
	[ST_LAYER_PUT] =
	        "INSERT INTO layer_analysis (diff_id, parent, namespace, packages, engine, "
	        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (diff_id) DO UPDATE "
	        "SET parent = excluded.parent, namespace = excluded.namespace, "
	        "packages = excluded.packages, engine = excluded.engine, "
	        "created_at = excluded.created_at",
	[ST_SOURCES] = "SELECT key, location, etag, last_modified, digest FROM feed_source "
	               "WHERE feed = ?1 ORDER BY key",
	[ST_SOURCE_PUT] =
	        "INSERT INTO feed_source (feed, key, location, etag, last_modified, digest, "
	        "recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (feed, key) DO "
	        "UPDATE "
	        "SET location = excluded.location, etag = excluded.etag, "
	        "last_modified = excluded.last_modified, digest = excluded.digest, "
	        "recorded_at = excluded.recorded_at",
	/* Same statement, other arch: widen to the union (a '' arch is every arch). */
	[ST_AFF_INSERT_ARCH] =
	        "INSERT INTO affected (namespace_id, package, name, unit_id, status, "
	        "fixed_version, arch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	        "ON CONFLICT (namespace_id, package, name, unit_id, status, fixed_version) "
	        "DO UPDATE SET arch = CASE "
	        "WHEN affected.arch = '' OR excluded.arch = '' THEN '' "
	        "WHEN affected.arch = excluded.arch "
	        "OR instr('|' || affected.arch || '|', '|' || excluded.arch || '|') > 0 "
	        "THEN affected.arch ELSE affected.arch || '|' || excluded.arch END",
	[ST_RANGE_INSERT] =
	        "INSERT INTO affected_range (namespace_id, package, name, unit_id, seq, "
	        "ranges, versions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	        "ON CONFLICT DO NOTHING",
	[ST_ALIAS_INSERT] = "INSERT INTO vulnerability_alias (unit_id, name, alias) "
	                    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[ST_UNIT_DEL_RANGE] = "DELETE FROM affected_range WHERE unit_id = ?1",
	[ST_UNIT_DEL_ALIAS] = "DELETE FROM vulnerability_alias WHERE unit_id = ?1",
	[ST_FEED_CLEAR_RANGE] = "DELETE FROM affected_range WHERE unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_ALIAS] = "DELETE FROM vulnerability_alias WHERE unit_id IN " FEED_UNITS,
	[ST_RANGE_LOOKUP] =
	        "SELECT n.name, r.package, r.name, r.seq, r.ranges, r.versions, f.name, "
	        "COALESCE(v.description, ''), COALESCE(v.link, ''), COALESCE(v.severity, 0), "
	        "v.metadata FROM affected_range r JOIN namespace n ON n.id = r.namespace_id "
	        "JOIN feed_unit u ON u.id = r.unit_id JOIN feed f ON f.id = u.feed_id "
	        "LEFT JOIN vulnerability v ON v.unit_id = r.unit_id "
	        "AND v.namespace_id = r.namespace_id AND v.name = r.name "
	        "WHERE n.name = ?1 AND r.package = ?2 ORDER BY r.name, f.name, r.seq",
};

struct sqlite_store {
	struct vigil_store base;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmts[ST_COUNT];
	/* One-entry caches for the import loop. */
	char *ns_name;
	int64_t ns_id;
	int64_t aff_unit, aff_ns; /* last (unit, namespace) of put_affected, recorded */
};

static struct sqlite_store *S(struct vigil_store *s)
{
	return (struct sqlite_store *)s;
}

static int db_fail(struct sqlite_store *s, const char *what)
{
	return vigil_error_set(VIGIL_EDB, "database '%s': %s: %s", s->path, what,
	                       sqlite3_errmsg(s->db));
}

/* The prepared statement `id`, reset and unbound, ready for binding. */
static int stmt(struct sqlite_store *s, enum stmt_id id, sqlite3_stmt **out)
{
	if (!s->stmts[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	                                        &s->stmts[id], NULL) != SQLITE_OK)
		return db_fail(s, "cannot prepare a statement");
	sqlite3_reset(s->stmts[id]);
	sqlite3_clear_bindings(s->stmts[id]);
	*out = s->stmts[id];
	return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement that returns no row (or ignores it). */
static int run(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(s, what);
	return 0;
}

/* Step a statement that returns one integer in its first column. */
static int run_id(struct sqlite_store *s, sqlite3_stmt *st, int64_t *out, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return vigil_error_set(VIGIL_EDB, "database '%s': %s: no row", s->path, what);
	return db_fail(s, what);
}

static int exec(struct sqlite_store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, what);
	return 0;
}

static void now_rfc3339(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* mkdir -p of the directory holding `path`. */
static int make_parent_dirs(const char *path)
{
	char *dir = vigil_strdup(path), *p;
	int err = 0;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			err = vigil_error_set(VIGIL_EDB, "cannot create directory '%s': %s", dir,
			                      strerror(errno));
		*p = '/';
		if (err)
			break;
	}
	vigil_free(dir);
	return err;
}

static void sqlite_close(struct vigil_store *base)
{
	struct sqlite_store *s = S(base);
	size_t i;

	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	vigil_free(s->ns_name);
	vigil_free(s->path);
	vigil_free(s);
}

static int configure(struct sqlite_store *s)
{
	int err;

	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	if ((err = exec(s, "PRAGMA journal_mode = WAL", "cannot use WAL mode")) < 0)
		return err;
	/* A page cache big enough that an import's transaction rarely spills
	 * to the WAL before its commit (32 MiB, allocated as used). 64 MiB
	 * put the Ubuntu tracker import (a 75 MB database, streamed out of an
	 * xz tarball whose decoder holds 64 MiB) at the 150 MiB RSS budget;
	 * spilling the rest costs no measurable CPU. */
	if ((err = exec(s, "PRAGMA cache_size = -32768", "cannot size the cache")) < 0 ||
	    (err = exec(s, "PRAGMA temp_store = MEMORY", "cannot set temp_store")) < 0)
		return err;
	/* In WAL mode NORMAL stays consistent after a crash; a power loss may
	 * only lose the last committed import. */
	return exec(s, "PRAGMA synchronous = NORMAL", "cannot set synchronous mode");
}

static int sqlite_open(struct vigil_store **out, const char *path, unsigned flags)
{
	struct sqlite_store *s;
	struct stat sb;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, err;

	if (stat(path, &sb) != 0) {
		if (!(flags & VIGIL_STORE_CREATE))
			return vigil_error_set(VIGIL_EDB,
			                       "no database at '%s' (run 'vigil db import' first)",
			                       path);
		if ((err = make_parent_dirs(path)) < 0)
			return err;
		oflags |= SQLITE_OPEN_CREATE;
	} else if (S_ISDIR(sb.st_mode)) {
		return vigil_error_set(VIGIL_EDB, "database '%s' is a directory", path);
	}
	s = vigil_calloc(1, sizeof(*s));
	s->base.ops = &vigil_store_sqlite_ops;
	s->path = vigil_strdup(path);
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		err = db_fail(s, "cannot open");
		sqlite_close(&s->base);
		return err;
	}
	if ((err = configure(s)) < 0) {
		sqlite_close(&s->base);
		return err;
	}
	*out = &s->base;
	return 0;
}

/* Current schema version: 0 for a database without the schema_version table. */
static int read_version(struct sqlite_store *s, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc, has_table = 0;

	rc = sqlite3_prepare_v2(s->db,
	                        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
	                        "AND name = 'schema_version'",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		has_table = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(s, "cannot read the schema");
	*out = 0;
	if (!has_table)
		return 0;
	rc = sqlite3_prepare_v2(s->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
	                        &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(s, "cannot read the schema version");
}

static int sqlite_schema_version(struct vigil_store *base, int *out)
{
	return read_version(S(base), out);
}

static int too_new(struct sqlite_store *s, int have, int know)
{
	return vigil_error_set(VIGIL_EDB,
	                       "database '%s' has schema version %d, newer than this vigil "
	                       "understands (%d): upgrade vigil or use another --db",
	                       s->path, have, know);
}

static int apply(struct sqlite_store *s, const struct vigil_store_migration *m)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int err;

	vigil_log(INFO, "store", "database '%s': migration %d (%s)", s->path, m->version, m->name);
	if ((err = exec(s, m->sql, "migration failed")) < 0)
		return err;
	now_rfc3339(now, sizeof(now));
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO schema_version (version, name, applied_at) "
	                       "VALUES (?1, ?2, ?3)",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, "cannot record the migration");
	sqlite3_bind_int(st, 1, m->version);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, "cannot record the migration");
	sqlite3_finalize(st);
	return err;
}

static int migrate_locked(struct sqlite_store *s)
{
	size_t i, n = vigil_store_sqlite_migration_count;
	int have, err;

	if ((err = exec(s,
	                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
	                "name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	                "cannot create schema_version")) < 0)
		return err;
	if ((err = read_version(s, &have)) < 0)
		return err;
	if (have > vigil_store_sqlite_migrations[n - 1].version)
		return too_new(s, have, vigil_store_sqlite_migrations[n - 1].version);
	for (i = 0; i < n && !err; i++)
		if (vigil_store_sqlite_migrations[i].version > have)
			err = apply(s, &vigil_store_sqlite_migrations[i]);
	return err;
}

/* Bring the schema up to date. An up-to-date database is only read, so a
 * `db status` never waits for an import that holds the write lock. */
static int sqlite_migrate(struct vigil_store *base)
{
	struct sqlite_store *s = S(base);
	int have, know, err;

	know = vigil_store_sqlite_migrations[vigil_store_sqlite_migration_count - 1].version;
	if ((err = read_version(s, &have)) < 0)
		return err;
	if (have > know)
		return too_new(s, have, know);
	if (have == know)
		return 0;
	if ((err = exec(s, "BEGIN IMMEDIATE", "cannot start the migration")) < 0)
		return err;
	if ((err = migrate_locked(s)) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	return exec(s, "COMMIT", "cannot commit the migration");
}

static int sqlite_begin(struct vigil_store *base)
{
	struct sqlite_store *s = S(base);

	/* IMMEDIATE: take the write lock now, so two importers queue up front. */
	return exec(s, "BEGIN IMMEDIATE", "cannot start a transaction");
}

static int sqlite_commit(struct vigil_store *base)
{
	struct sqlite_store *s = S(base);
	int err = exec(s, "COMMIT", "cannot commit");

	if (err < 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

static int sqlite_rollback(struct vigil_store *base)
{
	struct sqlite_store *s = S(base);

	vigil_free(s->ns_name); /* ids of rolled-back namespaces are gone */
	s->ns_name = NULL;
	s->aff_unit = s->aff_ns = 0;
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return exec(s, "ROLLBACK", "cannot roll back");
}

static int sqlite_put_namespace(struct vigil_store *base, const char *name, const char *fmt)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = stmt(s, ST_NS_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	bind_text(st, 2, fmt);
	return run(s, st, "cannot store a namespace");
}

/* The id of namespace `name` (put before). */
static int ns_id(struct sqlite_store *s, const char *name, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int err;

	if (s->ns_name && strcmp(s->ns_name, name) == 0) {
		*out = s->ns_id;
		return 0;
	}
	if ((err = stmt(s, ST_NS_ID, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return vigil_error_set(VIGIL_EDB, "database '%s': unknown namespace '%s'", s->path,
		                       name);
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	vigil_free(s->ns_name);
	s->ns_name = vigil_strdup(name);
	s->ns_id = *out;
	return 0;
}

static int delete_unit_rows(struct sqlite_store *s, int64_t unit)
{
	static const enum stmt_id dels[] = { ST_UNIT_DEL_AFFECTED, ST_UNIT_DEL_RANGE,
		                             ST_UNIT_DEL_ALIAS, ST_UNIT_DEL_VULN, ST_UNIT_DEL_NS };
	sqlite3_stmt *st = NULL;
	size_t i;
	int err;

	for (i = 0; i < sizeof(dels) / sizeof(dels[0]); i++) {
		if ((err = stmt(s, dels[i], &st)) < 0)
			return err;
		sqlite3_bind_int64(st, 1, unit);
		if ((err = run(s, st, "cannot delete a unit's rows")) < 0)
			return err;
	}
	return 0;
}

static int sqlite_unit_replace(struct vigil_store *base, const char *feed, const char *key,
                               const struct vigil_store_unit_meta *meta, int64_t *unit)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	char now[32];
	int err;

	if ((err = stmt(s, ST_FEED_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, feed);
	if ((err = run(s, st, "cannot store a feed")) < 0)
		return err;
	if ((err = stmt(s, ST_UNIT_UPSERT, &st)) < 0)
		return err;
	now_rfc3339(now, sizeof(now));
	bind_text(st, 1, feed);
	bind_text(st, 2, key);
	bind_text(st, 3, meta && meta->source ? meta->source : "");
	bind_text(st, 4, meta && meta->upstream_date ? meta->upstream_date : "");
	bind_text(st, 5, meta && meta->etag ? meta->etag : "");
	bind_text(st, 6, meta && meta->digest ? meta->digest : "");
	bind_text(st, 7, now);
	if ((err = run_id(s, st, unit, "cannot store a feed unit")) < 0)
		return err;
	s->aff_unit = s->aff_ns = 0; /* its unit_namespace rows go */
	return delete_unit_rows(s, *unit);
}

static int sqlite_unit_namespace(struct vigil_store *base, int64_t unit, const char *ns)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, ns, &nid)) < 0 || (err = stmt(s, ST_UNIT_NS, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, unit);
	sqlite3_bind_int64(st, 2, nid);
	return run(s, st, "cannot store a unit's namespace");
}

static int sqlite_put_vulnerability(struct vigil_store *base, int64_t unit,
                                    const struct vigil_store_vuln *v)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, v->namespace_name, &nid)) < 0 ||
	    (err = stmt(s, ST_VULN_UPSERT, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, unit);
	sqlite3_bind_int64(st, 2, nid);
	bind_text(st, 3, v->name);
	bind_text(st, 4, v->description ? v->description : "");
	bind_text(st, 5, v->link ? v->link : "");
	sqlite3_bind_int(st, 6, (int)v->severity);
	bind_text(st, 7, v->metadata);
	return run(s, st, "cannot store a vulnerability");
}

/* The insert of put_affected (arch NULL) or put_affected_arch. */
static int put_affected(struct vigil_store *base, int64_t unit, const char *ns, const char *vuln,
                        const char *package, enum vigil_affected_status status,
                        const char *fixed_version, const char *arch)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, ns, &nid)) < 0)
		return err;
	/* Every namespace a unit writes is in unit_namespace: deleting the
	 * unit finds its records through them. */
	if ((unit != s->aff_unit || nid != s->aff_ns) &&
	    (err = sqlite_unit_namespace(base, unit, ns)) < 0)
		return err;
	s->aff_unit = unit;
	s->aff_ns = nid;
	if ((err = stmt(s, arch ? ST_AFF_INSERT_ARCH : ST_AFF_INSERT, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, nid);
	bind_text(st, 2, package);
	bind_text(st, 3, vuln);
	sqlite3_bind_int64(st, 4, unit);
	sqlite3_bind_int(st, 5, (int)status);
	bind_text(st, 6, status == VIGIL_AFFECTED_FIXED && fixed_version ? fixed_version : "");
	if (arch)
		bind_text(st, 7, arch);
	return run(s, st, "cannot store an affected record");
}

static int sqlite_put_affected(struct vigil_store *base, int64_t unit, const char *ns,
                               const char *vuln, const char *package,
                               enum vigil_affected_status status, const char *fixed_version)
{
	return put_affected(base, unit, ns, vuln, package, status, fixed_version, NULL);
}

static int sqlite_put_affected_arch(struct vigil_store *base, int64_t unit, const char *ns,
                                    const char *vuln, const char *package,
                                    enum vigil_affected_status status, const char *fixed_version,
                                    const char *arch)
{
	return put_affected(base, unit, ns, vuln, package, status, fixed_version, arch ? arch : "");
}

static int sqlite_feed_clear(struct vigil_store *base, const char *feed)
{
	static const enum stmt_id dels[] = { ST_FEED_CLEAR_AFFECTED, ST_FEED_CLEAR_RANGE,
		                             ST_FEED_CLEAR_ALIAS,    ST_FEED_CLEAR_VULN,
		                             ST_FEED_CLEAR_NS,       ST_FEED_CLEAR_UNITS };
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	size_t i;
	int err;

	s->aff_unit = s->aff_ns = 0;
	for (i = 0; i < sizeof(dels) / sizeof(dels[0]); i++) {
		if ((err = stmt(s, dels[i], &st)) < 0)
			return err;
		bind_text(st, 1, feed);
		if ((err = run(s, st, "cannot clear a feed")) < 0)
			return err;
	}
	return 0;
}

static int sqlite_feed_finish(struct vigil_store *base, const char *feed, const char *source,
                              const char *imported_at)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = stmt(s, ST_FEED_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, feed);
	if ((err = run(s, st, "cannot store a feed")) < 0)
		return err;
	if ((err = stmt(s, ST_FEED_FINISH, &st)) < 0)
		return err;
	bind_text(st, 1, feed);
	bind_text(st, 2, source ? source : "");
	bind_text(st, 3, imported_at ? imported_at : "");
	return run(s, st, "cannot count a feed's records");
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

/* Walk the rows of a bound ST_LOOKUP or ST_LOOKUP_BATCH. */
static int walk_records(struct sqlite_store *s, sqlite3_stmt *st, vigil_store_record_cb cb,
                        void *payload)
{
	struct vigil_store_record r;
	int rc = SQLITE_DONE, err = 0;

	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.namespace_name = col_text(st, 0);
		r.package = col_text(st, 1);
		r.vuln = col_text(st, 2);
		r.status = (enum vigil_affected_status)sqlite3_column_int(st, 3);
		r.fixed_version = col_text(st, 4);
		r.feed = col_text(st, 5);
		r.description = col_text(st, 6);
		r.link = col_text(st, 7);
		r.severity = (enum vigil_severity)sqlite3_column_int(st, 8);
		r.metadata = (const char *)sqlite3_column_text(st, 9);
		r.unit = col_text(st, 10);
		r.arch = col_text(st, 11);
		err = cb(&r, payload);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, "cannot look records up");
	sqlite3_reset(st);
	return err;
}

static int sqlite_lookup(struct vigil_store *base, const char *ns, const char *package,
                         vigil_store_record_cb cb, void *payload)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = stmt(s, ST_LOOKUP, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	bind_text(st, 2, package);
	return walk_records(s, st, cb, payload);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* `names` sorted (a copy when they were not: the matcher gives them sorted). */
static const char *const *sorted_names(const char *const *names, size_t n, const char ***copy)
{
	size_t i;

	*copy = NULL;
	for (i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) > 0)
			break;
	if (i >= n)
		return names;
	*copy = vigil_calloc(n, sizeof(**copy));
	memcpy(*copy, names, n * sizeof(**copy));
	qsort(*copy, n, sizeof(**copy), name_cmp);
	return *copy;
}

/*
 * `names` (sorted) as a JSON array of distinct strings (the one parameter of
 * the batched query: a name given twice would give its records twice). A
 * name that is not valid UTF-8 cannot be in the store (every feed format is
 * text) and is left out.
 */
static int json_names(vigil_buf *out, const char *const *names, size_t n)
{
	size_t i, k = 0;
	const unsigned char *p;
	int err = vigil_buf_putc(out, '[');

	for (i = 0; i < n && !err; i++) {
		if ((i && strcmp(names[i - 1], names[i]) == 0) || !vigil_text_utf8_ok(names[i]))
			continue;
		err = vigil_buf_puts(out, k++ ? ",\"" : "\"");
		for (p = (const unsigned char *)names[i]; *p && !err;) {
			size_t run = 0; /* characters that need no escape, added at once */
			while (p[run] >= 0x20 && p[run] != '"' && p[run] != '\\')
				run++;
			if (run) {
				err = vigil_buf_add(out, p, run);
				p += run;
			} else if (*p == '"' || *p == '\\') {
				err = vigil_buf_printf(out, "\\%c", *p++);
			} else {
				err = vigil_buf_printf(out, "\\u%04x", *p++);
			}
		}
		if (!err)
			err = vigil_buf_putc(out, '"');
	}
	return err ? err : vigil_buf_putc(out, ']');
}

static int sqlite_lookup_batch(struct vigil_store *base, const char *ns,
                               const char *const *packages, size_t npackages,
                               vigil_store_record_cb cb, void *payload)
{
	struct sqlite_store *s = S(base);
	vigil_buf names = VIGIL_BUF_INIT;
	sqlite3_stmt *st = NULL;
	const char **copy;
	int err;

	if (npackages == 0)
		return 0;
	err = json_names(&names, sorted_names(packages, npackages, &copy), npackages);
	vigil_free(copy);
	if (err < 0 || (err = stmt(s, ST_LOOKUP_BATCH, &st)) < 0)
		goto out;
	bind_text(st, 1, ns);
	bind_text(st, 2, names.ptr);
	err = walk_records(s, st, cb, payload);
out:
	vigil_buf_release(&names);
	return err;
}

static int sqlite_layer_entries_get(struct vigil_store *base, const char *diff_id,
                                    const char *engine, vigil_buf *blob)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int rc, err;

	if ((err = stmt(s, ST_ENTRIES_GET, &st)) < 0)
		return err;
	bind_text(st, 1, diff_id);
	bind_text(st, 2, engine);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && blob) {
		const void *p = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		vigil_buf_reset(blob);
		err = n > 0 ? vigil_buf_add(blob, p, (size_t)n) : 0;
	} else if (rc == SQLITE_ROW) {
		err = 0;
	} else if (rc == SQLITE_DONE) {
		err = vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' is not in the cache", diff_id);
	} else {
		err = db_fail(s, "cannot read a cached layer");
	}
	sqlite3_reset(st);
	return err;
}

static int sqlite_layer_entries_put(struct vigil_store *base, const char *diff_id,
                                    const char *engine, const void *blob, size_t len)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	char now[32];
	int err;

	if (len > 0x7fffffff)
		return vigil_error_set(VIGIL_ETOOBIG, "layer '%s': cache entry too big", diff_id);
	if ((err = stmt(s, ST_ENTRIES_PUT, &st)) < 0)
		return err;
	now_rfc3339(now, sizeof(now));
	bind_text(st, 1, diff_id);
	bind_text(st, 2, engine);
	sqlite3_bind_blob(st, 3, len ? blob : "", (int)len, SQLITE_STATIC);
	bind_text(st, 4, now);
	return run(s, st, "cannot store a cached layer");
}

static int sqlite_namespace_known(struct vigil_store *base, const char *ns, int *out)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int rc, err;

	if ((err = stmt(s, ST_NS_KNOWN, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s, "cannot look a namespace up");
	*out = rc == SQLITE_ROW;
	return 0;
}

static int status_namespaces(struct sqlite_store *s, int64_t feed_id,
                             struct vigil_store_feed_status *f)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, err;

	if ((err = stmt(s, ST_STATUS_NS, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, feed_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f->namespaces =
		        vigil_array_grow(f->namespaces, &cap, f->nnamespaces + 1, sizeof(char *));
		f->namespaces[f->nnamespaces++] = vigil_strdup(col_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(s, "cannot read a feed's namespaces");
	if (f->nnamespaces > 1)
		qsort(f->namespaces, f->nnamespaces, sizeof(char *), vigil_store__natural_cmp);
	return 0;
}

static int sqlite_status(struct vigil_store *base, struct vigil_store_status *out)
{
	struct sqlite_store *s = S(base);
	int64_t *ids = NULL;
	size_t cap = 0, idcap = 0, i;
	sqlite3_stmt *st = NULL;
	int rc, err;

	if ((err = stmt(s, ST_STATUS_FEEDS, &st)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vigil_store_feed_status *f;
		out->feeds = vigil_array_grow(out->feeds, &cap, out->nfeeds + 1, sizeof(*f));
		ids = vigil_array_grow(ids, &idcap, out->nfeeds + 1, sizeof(*ids));
		f = &out->feeds[out->nfeeds];
		memset(f, 0, sizeof(*f));
		ids[out->nfeeds++] = sqlite3_column_int64(st, 0);
		f->name = vigil_strdup(col_text(st, 1));
		f->source = vigil_strdup(col_text(st, 2));
		f->imported_at = vigil_strdup(col_text(st, 3));
		f->vulnerabilities = (uint64_t)sqlite3_column_int64(st, 4);
		f->records = (uint64_t)sqlite3_column_int64(st, 5);
		f->upstream_date = vigil_strdup(col_text(st, 6));
	}
	sqlite3_reset(st);
	err = rc == SQLITE_DONE ? 0 : db_fail(s, "cannot read the feeds");
	for (i = 0; !err && i < out->nfeeds; i++)
		err = status_namespaces(s, ids[i], &out->feeds[i]);
	vigil_free(ids);
	if (err)
		vigil_store_status_release(out);
	return err;
}

static int sqlite_layer_get(struct vigil_store *base, const char *diff_id, vigil_buf *ns,
                            vigil_buf *packages, int *engine)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int rc, err;

	if ((err = stmt(s, ST_LAYER_GET, &st)) < 0)
		return err;
	bind_text(st, 1, diff_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		vigil_buf_reset(ns);
		vigil_buf_reset(packages);
		if ((err = vigil_buf_puts(ns, col_text(st, 0))) == 0)
			err = vigil_buf_puts(packages, col_text(st, 1));
		*engine = sqlite3_column_int(st, 2);
	} else if (rc == SQLITE_DONE) {
		err = vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' is not in the cache", diff_id);
	} else {
		err = db_fail(s, "cannot read a layer analysis");
	}
	sqlite3_reset(st);
	return err;
}

static int sqlite_layer_put(struct vigil_store *base, const struct vigil_store_layer *l)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	char now[32];
	int err;

	if ((err = stmt(s, ST_LAYER_PUT, &st)) < 0)
		return err;
	now_rfc3339(now, sizeof(now));
	bind_text(st, 1, l->diff_id);
	bind_text(st, 2, l->parent);
	bind_text(st, 3, l->namespace_name);
	bind_text(st, 4, l->packages ? l->packages : "[]");
	sqlite3_bind_int(st, 5, l->engine);
	bind_text(st, 6, now);
	return run(s, st, "cannot store a layer analysis");
}

static int sqlite_sources(struct vigil_store *base, const char *feed, vigil_store_source_cb cb,
                          void *payload)
{
	struct sqlite_store *s = S(base);
	struct vigil_store_source src;
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, err;

	if ((err = stmt(s, ST_SOURCES, &st)) < 0)
		return err;
	bind_text(st, 1, feed);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		src.key = col_text(st, 0);
		src.location = col_text(st, 1);
		src.etag = col_text(st, 2);
		src.last_modified = col_text(st, 3);
		src.digest = col_text(st, 4);
		err = cb(&src, payload);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, "cannot read a feed's sources");
	sqlite3_reset(st);
	return err;
}

static int sqlite_source_put(struct vigil_store *base, const char *feed,
                             const struct vigil_store_source *src)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	char now[32];
	int err;

	if ((err = stmt(s, ST_SOURCE_PUT, &st)) < 0)
		return err;
	now_rfc3339(now, sizeof(now));
	bind_text(st, 1, feed);
	bind_text(st, 2, src->key);
	bind_text(st, 3, src->location ? src->location : "");
	bind_text(st, 4, src->etag ? src->etag : "");
	bind_text(st, 5, src->last_modified ? src->last_modified : "");
	bind_text(st, 6, src->digest ? src->digest : "");
	bind_text(st, 7, now);
	return run(s, st, "cannot record a feed source");
}

/* ---- csaf and osv feeds ---- */

/* Record (unit, namespace) in unit_namespace once per run of puts, as put_affected. */
static int note_unit_ns(struct sqlite_store *s, int64_t unit, const char *ns, int64_t *nid)
{
	int err;

	if ((err = ns_id(s, ns, nid)) < 0)
		return err;
	if ((unit != s->aff_unit || *nid != s->aff_ns) &&
	    (err = sqlite_unit_namespace(&s->base, unit, ns)) < 0)
		return err;
	s->aff_unit = unit;
	s->aff_ns = *nid;
	return 0;
}

static int sqlite_put_range(struct vigil_store *base, int64_t unit, const char *ns,
                            const char *vuln, const char *package, int seq, const char *ranges,
                            const char *versions)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int64_t nid = 0;
	int err;

	if ((err = note_unit_ns(s, unit, ns, &nid)) < 0 ||
	    (err = stmt(s, ST_RANGE_INSERT, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, nid);
	bind_text(st, 2, package);
	bind_text(st, 3, vuln);
	sqlite3_bind_int64(st, 4, unit);
	sqlite3_bind_int(st, 5, seq);
	bind_text(st, 6, ranges ? ranges : "[]");
	bind_text(st, 7, versions ? versions : "[]");
	return run(s, st, "cannot store an affected range");
}

static int sqlite_put_alias(struct vigil_store *base, int64_t unit, const char *vuln,
                            const char *alias)
{
	struct sqlite_store *s = S(base);
	sqlite3_stmt *st = NULL;
	int err;

	if ((err = stmt(s, ST_ALIAS_INSERT, &st)) < 0)
		return err;
	sqlite3_bind_int64(st, 1, unit);
	bind_text(st, 2, vuln);
	bind_text(st, 3, alias);
	return run(s, st, "cannot store an alias");
}

static int sqlite_lookup_ranges(struct vigil_store *base, const char *ns, const char *package,
                                vigil_store_range_cb cb, void *payload)
{
	struct sqlite_store *s = S(base);
	struct vigil_store_range r;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if ((err = stmt(s, ST_RANGE_LOOKUP, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	bind_text(st, 2, package);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.namespace_name = col_text(st, 0);
		r.package = col_text(st, 1);
		r.vuln = col_text(st, 2);
		r.seq = sqlite3_column_int(st, 3);
		r.ranges = col_text(st, 4);
		r.versions = col_text(st, 5);
		r.feed = col_text(st, 6);
		r.description = col_text(st, 7);
		r.link = col_text(st, 8);
		r.severity = (enum vigil_severity)sqlite3_column_int(st, 9);
		r.metadata = (const char *)sqlite3_column_text(st, 10);
		err = cb(&r, payload);
	}
	if (!err && rc != SQLITE_DONE)
		err = db_fail(s, "cannot look ranges up");
	sqlite3_reset(st);
	return err;
}

const struct vigil_store_ops vigil_store_sqlite_ops = {
	.version = VIGIL_STORE_OPS_VERSION,
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.migrate = sqlite_migrate,
	.schema_version = sqlite_schema_version,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.put_namespace = sqlite_put_namespace,
	.unit_replace = sqlite_unit_replace,
	.unit_namespace = sqlite_unit_namespace,
	.put_vulnerability = sqlite_put_vulnerability,
	.put_affected = sqlite_put_affected,
	.feed_clear = sqlite_feed_clear,
	.feed_finish = sqlite_feed_finish,
	.lookup = sqlite_lookup,
	.namespace_known = sqlite_namespace_known,
	.status = sqlite_status,
	.layer_get = sqlite_layer_get,
	.layer_put = sqlite_layer_put,
	.sources = sqlite_sources,
	.source_put = sqlite_source_put,
	.put_affected_arch = sqlite_put_affected_arch,
	.put_range = sqlite_put_range,
	.put_alias = sqlite_put_alias,
	.lookup_ranges = sqlite_lookup_ranges,
	.lookup_batch = sqlite_lookup_batch,
	.layer_entries_get = sqlite_layer_entries_get,
	.layer_entries_put = sqlite_layer_entries_put,
};

void *vigil_store__sqlite_handle(struct vigil_store *base)
{
	if (!base || base->ops != &vigil_store_sqlite_ops)
		return NULL;
	return S(base)->db;
}
