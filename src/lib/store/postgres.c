/*
 * The PostgreSQL backend of the store (libpq), for several vigil instances
 * sharing one database.
 *
 * - Every statement is prepared once per connection, right after the schema
 *   is brought up to date, and run with bound parameters (text format).
 * - A feed import is one transaction. It starts by taking a transaction-level
 *   advisory lock (IMPORT_LOCK), so importers queue up as SQLite's
 *   BEGIN IMMEDIATE makes them; readers never wait and see the previous data
 *   until the commit (MVCC). A killed importer's connection closes and the
 *   server rolls its transaction back.
 * - Inside the transaction the connection is in pipeline mode: writes are
 *   sent without waiting for their results, which are read (and checked) at
 *   the next statement that needs a row back (a unit's id, a read), every
 *   PIPE_DEPTH statements, and at the commit. A failed write is therefore
 *   reported by a later call of the same transaction, at the latest by
 *   vigil_store_commit(); the message names the statement that failed.
 * - Migrations run under another advisory lock (MIGRATE_LOCK), so instances
 *   started together apply each migration once.
 *
 * Messages name the DSN with its password removed, and give libpq's message
 * (its first line).
 */
#ifdef VIGIL_HAVE_POSTGRES

#include "store.h"
#include "../../util/text.h"
#include "migrations.h"
#include "../limits.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../../util/strmap.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* pg_advisory_xact_lock(LOCK_CLASS, n): "vigl" and what is serialised
 * (n = 3: the writers of sql.h, sql_postgres.c). */
#define LOCK_CLASS "1986619244"
#define MIGRATE_LOCK "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", 1)"
#define IMPORT_LOCK "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", 2)"

/* Statements sent in pipeline mode before their results are read. */
#define PIPE_DEPTH 1024

enum stmt_id {
	ST_NS_UPSERT,
	ST_NS_ID,
	ST_FEED_INSERT,
	ST_B_UNIT,
	ST_DEL_AFFECTED,
	ST_DEL_RANGE,
	ST_DEL_ALIAS,
	ST_DEL_VULN,
	ST_DEL_NS,
	ST_B_UNIT_NS,
	ST_B_VULN,
	ST_B_AFF,
	ST_FEED_CLEAR_AFFECTED,
	ST_FEED_CLEAR_VULN,
	ST_FEED_CLEAR_NS,
	ST_FEED_CLEAR_UNITS,
	ST_FEED_FINISH,
	ST_LOOKUP,
	ST_LOOKUP_BATCH,
	ST_NS_KNOWN,
	ST_STATUS_FEEDS,
	ST_STATUS_NS,
	ST_LAYER_GET,
	ST_LAYER_PUT,
	ST_SOURCES,
	ST_SOURCE_PUT,
	ST_AFF_INSERT_ARCH,
	ST_B_RANGE,
	ST_B_ALIAS,
	ST_FEED_CLEAR_RANGE,
	ST_FEED_CLEAR_ALIAS,
	ST_RANGE_LOOKUP,
	ST_ENTRIES_GET,
	ST_ENTRIES_PUT,
	ST_COUNT
};

#define FEED_UNITS                                                                                 \
	"(SELECT u.id FROM feed_unit u JOIN feed f ON f.id = u.feed_id WHERE f.name = $1)"

/*
 * The SQLite backend's statements in PostgreSQL's dialect: $N parameters
 * (typed with a cast where nothing else gives the type), strpos() for instr(),
 * no `+col` index hints (PostgreSQL's planner chooses), and two RETURNINGs
 * that spare a round trip: the namespace upsert returns the id, and the unit
 * upsert tells a new unit (nothing to delete) from a replaced one.
 */
static const char *const stmt_sql[ST_COUNT] = {
	[ST_NS_UPSERT] =
	        "INSERT INTO namespace (name, version_format) VALUES ($1, $2) "
	        "ON CONFLICT (name) DO UPDATE SET version_format = excluded.version_format "
	        "RETURNING id",
	[ST_NS_ID] = "SELECT id FROM namespace WHERE name = $1",
	[ST_FEED_INSERT] = "INSERT INTO feed (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
	/* Upsert a batch of units; says which are new (xmax = 0: nothing to delete). */
	[ST_B_UNIT] =
	        "WITH b AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
	        "$5::text[], $6::text[], $7::text[]) "
	        "AS b (feed, key, source, upstream_date, etag, digest, imported_at)), "
	        "u AS (INSERT INTO feed_unit (feed_id, key, source, upstream_date, etag, digest, "
	        "imported_at) "
	        "SELECT f.id, b.key, b.source, b.upstream_date, b.etag, b.digest, b.imported_at "
	        "FROM b JOIN feed f ON f.name = b.feed "
	        "ON CONFLICT (feed_id, key) DO UPDATE SET source = excluded.source, "
	        "upstream_date = excluded.upstream_date, etag = excluded.etag, "
	        "digest = excluded.digest, imported_at = excluded.imported_at "
	        "RETURNING feed_id, key, id, xmax = 0 AS fresh) "
	        "SELECT f.name, u.key, u.id, u.fresh FROM u JOIN feed f ON f.id = u.feed_id",
	/* The rows of the replaced units. */
	[ST_DEL_AFFECTED] = "DELETE FROM affected WHERE unit_id = ANY ($1::bigint[])",
	[ST_DEL_RANGE] = "DELETE FROM affected_range WHERE unit_id = ANY ($1::bigint[])",
	[ST_DEL_ALIAS] = "DELETE FROM vulnerability_alias WHERE unit_id = ANY ($1::bigint[])",
	[ST_DEL_VULN] = "DELETE FROM vulnerability WHERE unit_id = ANY ($1::bigint[])",
	[ST_DEL_NS] = "DELETE FROM unit_namespace WHERE unit_id = ANY ($1::bigint[])",
	/* The batched inserts: one row per element of the parameter arrays. */
	[ST_B_UNIT_NS] = "INSERT INTO unit_namespace (unit_id, namespace_id) "
	                 "SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING",
	/* A batch never holds two rows of one key (pg_put_vulnerability). */
	[ST_B_VULN] =
	        "INSERT INTO vulnerability (unit_id, namespace_id, name, description, link, "
	        "severity, metadata) "
	        "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], "
	        "$5::text[], $6::integer[], $7::text[]) "
	        "ON CONFLICT (unit_id, namespace_id, name) DO UPDATE SET "
	        "description = CASE WHEN excluded.description <> '' THEN excluded.description "
	        "ELSE vulnerability.description END, "
	        "link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE vulnerability.link "
	        "END, "
	        "severity = CASE WHEN excluded.severity <> 0 THEN excluded.severity "
	        "ELSE vulnerability.severity END, "
	        "metadata = COALESCE(excluded.metadata, vulnerability.metadata)",
	[ST_B_AFF] = "INSERT INTO affected (namespace_id, package, name, unit_id, status, "
	             "fixed_version) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], "
	             "$4::bigint[], $5::integer[], $6::text[]) ON CONFLICT DO NOTHING",
	[ST_FEED_CLEAR_AFFECTED] =
	        "DELETE FROM affected WHERE namespace_id IN "
	        "(SELECT namespace_id FROM unit_namespace WHERE unit_id IN " FEED_UNITS
	        ") AND unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_VULN] = "DELETE FROM vulnerability WHERE unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_NS] = "DELETE FROM unit_namespace WHERE unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_UNITS] = "DELETE FROM feed_unit WHERE id IN " FEED_UNITS,
	[ST_FEED_FINISH] =
	        "UPDATE feed SET source = $2, imported_at = $3, "
	        "vulnerabilities = (SELECT COUNT(*) FROM ("
	        "  SELECT name FROM affected WHERE unit_id IN " FEED_UNITS
	        "  UNION SELECT name FROM vulnerability WHERE unit_id IN " FEED_UNITS
	        "  UNION SELECT name FROM affected_range WHERE unit_id IN " FEED_UNITS ") AS t), "
	        "records = (SELECT COUNT(*) FROM ("
	        "  SELECT namespace_id, package, name FROM affected WHERE unit_id IN " FEED_UNITS
	        "  UNION SELECT namespace_id, package, name FROM affected_range "
	        "  WHERE unit_id IN " FEED_UNITS ") AS t) "
	        "WHERE name = $1",
	[ST_LOOKUP] = "SELECT n.name, a.package, a.name, a.status, a.fixed_version, f.name, "
	              "COALESCE(v.description, ''), COALESCE(v.link, ''), COALESCE(v.severity, 0), "
	              "v.metadata, u.key, a.arch FROM affected a JOIN namespace n ON n.id = "
	              "a.namespace_id "
	              "JOIN feed_unit u ON u.id = a.unit_id JOIN feed f ON f.id = u.feed_id "
	              "LEFT JOIN vulnerability v ON v.unit_id = a.unit_id "
	              "AND v.namespace_id = a.namespace_id AND v.name = a.name "
	              "WHERE n.name = $1 AND a.package = $2 "
	              "ORDER BY a.name, f.name, a.status, a.fixed_version",
	/* $2: a text array literal of the package names ({"a","b"}). */
	[ST_LOOKUP_BATCH] = "SELECT n.name, a.package, a.name, a.status, a.fixed_version, f.name, "
	                    "COALESCE(v.description, ''), COALESCE(v.link, ''), "
	                    "COALESCE(v.severity, 0), v.metadata, u.key, a.arch FROM affected a "
	                    "JOIN namespace n ON n.id = a.namespace_id "
	                    "JOIN feed_unit u ON u.id = a.unit_id JOIN feed f ON f.id = u.feed_id "
	                    "LEFT JOIN vulnerability v ON v.unit_id = a.unit_id "
	                    "AND v.namespace_id = a.namespace_id AND v.name = a.name "
	                    "WHERE n.name = $1 AND a.package = ANY ($2::text[]) "
	                    "ORDER BY a.package, a.name, f.name, a.status, a.fixed_version",
	[ST_NS_KNOWN] =
	        "SELECT 1 FROM unit_namespace un JOIN namespace n ON n.id = un.namespace_id "
	        "WHERE n.name = $1 LIMIT 1",
	[ST_STATUS_FEEDS] =
	        "SELECT f.id, f.name, f.source, f.imported_at, f.vulnerabilities, f.records, "
	        "COALESCE((SELECT MAX(u.upstream_date) FROM feed_unit u WHERE u.feed_id = f.id), "
	        "'') "
	        "FROM feed f ORDER BY f.name",
	[ST_STATUS_NS] = "SELECT DISTINCT n.name FROM unit_namespace un "
	                 "JOIN feed_unit u ON u.id = un.unit_id "
	                 "JOIN namespace n ON n.id = un.namespace_id WHERE u.feed_id = $1",
	[ST_LAYER_GET] = "SELECT COALESCE(namespace, ''), packages, engine FROM layer_analysis "
	                 "WHERE diff_id = $1",
	[ST_LAYER_PUT] =
	        "INSERT INTO layer_analysis (diff_id, parent, namespace, packages, engine, "
	        "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (diff_id) DO UPDATE "
	        "SET parent = excluded.parent, namespace = excluded.namespace, "
	        "packages = excluded.packages, engine = excluded.engine, "
	        "created_at = excluded.created_at",
	/* bytea travels as hex text ('\\x...') both ways: the statements take text params */
	[ST_ENTRIES_GET] = "SELECT entries FROM layer_entries WHERE diff_id = $1 AND engine = $2",
	[ST_ENTRIES_PUT] = "INSERT INTO layer_entries (diff_id, engine, entries, created_at) "
	                   "VALUES ($1, $2, $3::bytea, $4) ON CONFLICT (diff_id) DO UPDATE SET "
	                   "engine = excluded.engine, entries = excluded.entries, "
	                   "created_at = excluded.created_at",
	[ST_SOURCES] = "SELECT key, location, etag, last_modified, digest FROM feed_source "
	               "WHERE feed = $1 ORDER BY key",
	[ST_SOURCE_PUT] =
	        "INSERT INTO feed_source (feed, key, location, etag, last_modified, digest, "
	        "recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed, key) DO "
	        "UPDATE "
	        "SET location = excluded.location, etag = excluded.etag, "
	        "last_modified = excluded.last_modified, digest = excluded.digest, "
	        "recorded_at = excluded.recorded_at",
	[ST_AFF_INSERT_ARCH] =
	        "INSERT INTO affected (namespace_id, package, name, unit_id, status, "
	        "fixed_version, arch) VALUES ($1, $2, $3, $4, $5, $6, $7) "
	        "ON CONFLICT (namespace_id, package, name, unit_id, status, fixed_version) "
	        "DO UPDATE SET arch = CASE "
	        "WHEN affected.arch = '' OR excluded.arch = '' THEN '' "
	        "WHEN affected.arch = excluded.arch "
	        "OR strpos('|' || affected.arch || '|', '|' || excluded.arch || '|') > 0 "
	        "THEN affected.arch ELSE affected.arch || '|' || excluded.arch END",
	[ST_B_RANGE] =
	        "INSERT INTO affected_range (namespace_id, package, name, unit_id, seq, "
	        "ranges, versions) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], "
	        "$4::bigint[], $5::integer[], $6::text[], $7::text[]) ON CONFLICT DO NOTHING",
	[ST_B_ALIAS] = "INSERT INTO vulnerability_alias (unit_id, name, alias) "
	               "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) "
	               "ON CONFLICT DO NOTHING",
	[ST_FEED_CLEAR_RANGE] = "DELETE FROM affected_range WHERE unit_id IN " FEED_UNITS,
	[ST_FEED_CLEAR_ALIAS] = "DELETE FROM vulnerability_alias WHERE unit_id IN " FEED_UNITS,
	[ST_RANGE_LOOKUP] =
	        "SELECT n.name, r.package, r.name, r.seq, r.ranges, r.versions, f.name, "
	        "COALESCE(v.description, ''), COALESCE(v.link, ''), COALESCE(v.severity, 0), "
	        "v.metadata FROM affected_range r JOIN namespace n ON n.id = r.namespace_id "
	        "JOIN feed_unit u ON u.id = r.unit_id JOIN feed f ON f.id = u.feed_id "
	        "LEFT JOIN vulnerability v ON v.unit_id = r.unit_id "
	        "AND v.namespace_id = r.namespace_id AND v.name = r.name "
	        "WHERE n.name = $1 AND r.package = $2 ORDER BY r.name, f.name, r.seq",
};

/* A namespace id known in the current transaction; fmt NULL when only looked up. */
struct ns_entry {
	char *name;
	char *fmt;
	int64_t id;
};

/*
 * Batched inserts. Rows are gathered as PostgreSQL array literals, one per
 * column, and sent as one INSERT ... SELECT FROM unnest(...) per table. The
 * unit column is kept as unit handles and written at the flush, once the
 * units' ids are known.
 */
enum batch_id { B_UNIT, B_UNIT_NS, B_VULN, B_AFF, B_RANGE, B_ALIAS, B_COUNT };

#define BATCH_MAX_COLS 7

static const struct batch_def {
	enum stmt_id st;
	int ncols;
	int unit_col; /* the parameter holding unit ids, or -1 */
	const char *what;
} batch_defs[B_COUNT] = {
	[B_UNIT] = { ST_B_UNIT, 7, -1, "cannot store a feed unit" },
	[B_UNIT_NS] = { ST_B_UNIT_NS, 2, 0, "cannot store a unit's namespace" },
	[B_VULN] = { ST_B_VULN, 7, 0, "cannot store a vulnerability" },
	[B_AFF] = { ST_B_AFF, 6, 3, "cannot store an affected record" },
	[B_RANGE] = { ST_B_RANGE, 7, 3, "cannot store an affected range" },
	[B_ALIAS] = { ST_B_ALIAS, 3, 0, "cannot store an alias" },
};

struct batch {
	vigil_buf cols[BATCH_MAX_COLS];
	int64_t *units;
	size_t rows, cap;
};

/* Rows (of all tables) or bytes gathered before they are sent. */
#define BATCH_ROWS 8192
#define BATCH_BYTES (8u << 20)

struct pg_store {
	struct vigil_store base;
	PGconn *conn;
	char *dsn; /* for messages: the password removed */
	/* Pipeline mode (inside a transaction). */
	int pipeline;
	size_t queued;                 /* statements sent since the last sync */
	const char *whats[PIPE_DEPTH]; /* what each was doing, for the message */
	int pipe_err;                  /* first failure of this transaction, message set */
	/* Batches of this transaction. */
	struct batch batches[B_COUNT];
	size_t batch_rows, batch_bytes;
	/*
	 * Units of this transaction. vigil_store_unit_replace() adds the unit
	 * to the B_UNIT batch and returns a handle, -(index + 1), at once;
	 * units[index] gets the id when the batch is sent (0 until then), and
	 * the ids of replaced units wait in `dels` for their rows' deletion.
	 */
	int64_t *units;
	size_t nunits, unitcap;
	struct vigil_strmap unit_keys; /* "feed\nkey" -> index + 1 */
	struct vigil_strmap vuln_keys; /* "unit namespace name" of the B_VULN rows */
	vigil_buf dels;                /* array literal of replaced unit ids */
	char *feed_ok;                 /* the feed whose row this transaction ensured */
	/* Namespace ids of this transaction, and the last (unit, namespace) recorded. */
	struct ns_entry *ns;
	size_t nns, nscap, ns_last;
	int64_t aff_unit;
	int64_t *unit_nss; /* namespaces of aff_unit recorded in unit_namespace */
	size_t nunit_nss, unit_nsscap;
};

static struct pg_store *P(struct vigil_store *s)
{
	return (struct pg_store *)s;
}

/* ---- DSN and messages ---- */

static int is_url(const char *dsn)
{
	return strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0;
}

static int is_secret_key(const char *k, size_t n)
{
	return (n == 8 && strncmp(k, "password", 8) == 0) ||
	       (n == 11 && strncmp(k, "sslpassword", 11) == 0);
}

/* A URL without the password of its user info and of its query. */
static void redact_url(vigil_buf *out, const char *dsn)
{
	const char *auth = strstr(dsn, "://") + 3, *end = auth + strcspn(auth, "/?"), *at = NULL;
	const char *p, *q;
	int first = 1;

	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	vigil_buf_add(out, dsn, (size_t)(auth - dsn));
	if (at && (p = memchr(auth, ':', (size_t)(at - auth))) != NULL) {
		vigil_buf_add(out, auth, (size_t)(p - auth));
		auth = at;
	}
	q = strchr(end, '?');
	vigil_buf_add(out, auth, (size_t)((q ? q : end + strlen(end)) - auth));
	for (p = q ? q + 1 : end + strlen(end); *p;) {
		size_t n = strcspn(p, "&"), k = strcspn(p, "=&");
		if (n && !is_secret_key(p, k)) {
			vigil_buf_puts(out, first ? "?" : "&");
			vigil_buf_add(out, p, n);
			first = 0;
		}
		p += n + (p[n] == '&');
	}
}

/* key=value pairs without password= (values may be quoted with '' and \ escapes). */
static void redact_kv(vigil_buf *out, const char *dsn)
{
	const char *p = dsn;

	while (*p) {
		const char *start = p, *key;
		size_t klen;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		key = p;
		klen = strcspn(p, "= \t\n");
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '=')
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else {
			for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++)
				if (*p == '\\' && p[1])
					p++;
		}
		if (klen && !is_secret_key(key, klen))
			vigil_buf_add(out, start, (size_t)(p - start));
		if (p == start)
			break;
	}
}

/**
 * `dsn` as it may appear in messages and logs: its password (URL user info,
 * `password=` of a query or a key=value DSN) removed. Returns a string the
 * caller frees with vigil_free().
 */
static char *redact_dsn(const char *dsn)
{
	vigil_buf b = VIGIL_BUF_INIT;

	if (is_url(dsn))
		redact_url(&b, dsn);
	else
		redact_kv(&b, dsn);
	while (b.len && b.ptr[0] == ' ') /* a password= first left a blank */
		memmove(b.ptr, b.ptr + 1, b.len--);
	return vigil_buf_detach(&b, NULL);
}

static int fail_msg(struct pg_store *s, const char *what, const char *msg)
{
	size_t n = msg ? strcspn(msg, "\n") : 0;

	if (!n)
		msg = "connection lost", n = strlen(msg);
	return vigil_error_set(VIGIL_EDB, "database '%s': %s: %.*s", s->dsn, what, (int)n, msg);
}

static int conn_fail(struct pg_store *s, const char *what)
{
	return fail_msg(s, what, PQerrorMessage(s->conn));
}

static int res_fail(struct pg_store *s, const char *what, const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	return fail_msg(s, what, m && *m ? m : PQerrorMessage(s->conn));
}

/* Server notices (CREATE TABLE IF NOT EXISTS ... skipping) go to the log, never stderr. */
static void on_notice(void *payload, const char *msg)
{
	(void)payload;
	vigil_log(DEBUG, "store.pg", "%.*s", (int)strcspn(msg, "\n"), msg);
}

/* ---- running statements ---- */

static const char *i64(char *buf, int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

static int64_t get_i64(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static const char *get_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static void stmt_name(char *buf, size_t n, enum stmt_id id)
{
	snprintf(buf, n, "vigil_%d", (int)id);
}

static int res_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Run `sql` outside pipeline mode (no parameters). */
static int exec_sql(struct pg_store *s, const char *sql, const char *what)
{
	PGresult *res = PQexec(s->conn, sql);
	int err = res_ok(res) ? 0 : res_fail(s, what, res);

	PQclear(res);
	return err;
}

/*
 * Send a sync and read every result queued since the last one, checking
 * each. With `last`, the result of the last statement queued is kept there
 * (the caller PQclear()s it). The first failure is remembered for the
 * transaction: the server skips everything after it until the rollback.
 */
static int pipe_drain(struct pg_store *s, PGresult **last)
{
	size_t i, n = s->queued;
	PGresult *r;
	int err = 0;

	s->queued = 0;
	if (!PQpipelineSync(s->conn))
		return s->pipe_err = conn_fail(s, "cannot send to the server");
	for (i = 0; i < n; i++) {
		int first = 1;
		while ((r = PQgetResult(s->conn)) != NULL) {
			ExecStatusType st = PQresultStatus(r);
			if (st == PGRES_FATAL_ERROR && !err && !s->pipe_err)
				err = res_fail(s, s->whats[i], r);
			else if (first && last && i == n - 1 && res_ok(r)) {
				*last = r;
				r = NULL;
			}
			PQclear(r);
			first = 0;
		}
		if (PQstatus(s->conn) == CONNECTION_BAD) {
			err = err ? err : conn_fail(s, s->whats[i]);
			break;
		}
	}
	if (i == n && (r = PQgetResult(s->conn)) != NULL) { /* the sync's */
		if (PQresultStatus(r) != PGRES_PIPELINE_SYNC && !err)
			err = res_fail(s, "cannot sync with the server", r);
		PQclear(r);
	}
	if (err && last && *last) {
		PQclear(*last);
		*last = NULL;
	}
	if (err && !s->pipe_err)
		s->pipe_err = err;
	return s->pipe_err;
}

/* Queue a prepared statement in pipeline mode; reads results every PIPE_DEPTH. */
static int pipe_send(struct pg_store *s, enum stmt_id id, int n, const char *const *vals,
                     const char *what)
{
	char name[16];

	if (s->pipe_err)
		return s->pipe_err;
	stmt_name(name, sizeof(name), id);
	if (!PQsendQueryPrepared(s->conn, name, n, vals, NULL, NULL, 0))
		return s->pipe_err = conn_fail(s, what);
	s->whats[s->queued++] = what;
	return s->queued == PIPE_DEPTH ? pipe_drain(s, NULL) : 0;
}

/* Run statement `id` whose result is not needed (queued in a transaction). */
static int run(struct pg_store *s, enum stmt_id id, int n, const char *const *vals,
               const char *what)
{
	char name[16];
	PGresult *res;
	int err;

	if (s->pipeline)
		return pipe_send(s, id, n, vals, what);
	stmt_name(name, sizeof(name), id);
	res = PQexecPrepared(s->conn, name, n, vals, NULL, NULL, 0);
	err = res_ok(res) ? 0 : res_fail(s, what, res);
	PQclear(res);
	return err;
}

/* Append `v` (NULL for SQL NULL) to an array literal being built ("{" first). */
static void arr_add(vigil_buf *b, const char *v)
{
	const char *p, *q;

	vigil_buf_add(b, b->len ? "," : "{", 1);
	if (!v) {
		vigil_buf_add(b, "NULL", 4);
		return;
	}
	vigil_buf_add(b, "\"", 1);
	for (p = v; *p; p = q) {
		q = p + strcspn(p, "\"\\");
		vigil_buf_add(b, p, (size_t)(q - p));
		if (*q) {
			vigil_buf_add(b, "\\", 1);
			vigil_buf_add(b, q++, 1);
		}
	}
	vigil_buf_add(b, "\"", 1);
}

static void batches_reset(struct pg_store *s)
{
	size_t i, c;

	for (i = 0; i < B_COUNT; i++) {
		for (c = 0; c < BATCH_MAX_COLS; c++)
			vigil_buf_reset(&s->batches[i].cols[c]);
		s->batches[i].rows = 0;
	}
	s->batch_rows = s->batch_bytes = 0;
	vigil_buf_reset(&s->dels);
	vigil_strmap_release(&s->vuln_keys);
}

static int query_now(struct pg_store *s, enum stmt_id id, int n, const char *const *vals,
                     const char *what, PGresult **out);

/* The id of unit handle `unit` (sent with the units batch before). */
static int unit_id(struct pg_store *s, int64_t unit, int64_t *out)
{
	if (unit >= 0 || (size_t)(-unit - 1) >= s->nunits)
		*out = unit; /* an id already */
	else
		*out = s->units[-unit - 1];
	if (*out > 0)
		return 0;
	return s->pipe_err ? s->pipe_err
	                   : vigil_error_set(VIGIL_EDB, "database '%s': unit not stored", s->dsn);
}

/* Send batch `id` (not B_UNIT): its unit column is written now that the ids are known. */
static int batch_send(struct pg_store *s, enum batch_id id)
{
	const struct batch_def *d = &batch_defs[id];
	struct batch *b = &s->batches[id];
	const char *vals[BATCH_MAX_COLS];
	char num[24];
	int64_t uid;
	size_t r;
	int c, err = 0;

	for (r = 0; r < b->rows && !err; r++)
		if ((err = unit_id(s, b->units[r], &uid)) == 0)
			arr_add(&b->cols[d->unit_col], i64(num, uid));
	if (err)
		return err;
	for (c = 0; c < d->ncols; c++) {
		vigil_buf_add(&b->cols[c], "}", 1);
		vals[c] = b->cols[c].ptr;
	}
	return run(s, d->st, d->ncols, vals, d->what);
}

/*
 * Send the units batch and wait for its result (the only round trip of a
 * flush): each unit's id goes to its handle, and a replaced unit's id to
 * `dels`.
 */
static int units_send(struct pg_store *s)
{
	struct batch *b = &s->batches[B_UNIT];
	const char *vals[7];
	vigil_buf k = VIGIL_BUF_INIT;
	PGresult *res = NULL;
	int c, i, n, err;

	for (c = 0; c < 7; c++) {
		vigil_buf_add(&b->cols[c], "}", 1);
		vals[c] = b->cols[c].ptr;
	}
	if ((err = query_now(s, ST_B_UNIT, 7, vals, batch_defs[B_UNIT].what, &res)) < 0)
		return err;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		size_t h;
		vigil_buf_reset(&k);
		vigil_buf_printf(&k, "%s\n%s", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
		if ((h = (size_t)(uintptr_t)vigil_strmap_get(&s->unit_keys, k.ptr)) != 0)
			s->units[h - 1] = get_i64(res, i, 2);
		if (PQgetvalue(res, i, 3)[0] != 't')
			arr_add(&s->dels, PQgetvalue(res, i, 2));
	}
	PQclear(res);
	vigil_buf_release(&k);
	return 0;
}

/* Delete the rows of the units replaced since the last flush. */
static int dels_send(struct pg_store *s)
{
	static const enum stmt_id dels[] = { ST_DEL_AFFECTED, ST_DEL_RANGE, ST_DEL_ALIAS,
		                             ST_DEL_VULN, ST_DEL_NS };
	const char *v[1];
	size_t i;
	int err = 0;

	vigil_buf_add(&s->dels, "}", 1);
	v[0] = s->dels.ptr;
	for (i = 0; i < sizeof(dels) / sizeof(dels[0]) && !err; i++)
		err = run(s, dels[i], 1, v, "cannot delete a unit's rows");
	vigil_buf_reset(&s->dels);
	return err;
}

/*
 * Send everything gathered, in an order that gives the result of running
 * the writes one by one: the units (one round trip, for their ids), the
 * deletion of the replaced units' rows, then the other batches.
 */
static int batches_flush(struct pg_store *s)
{
	size_t i;
	int err = 0;

	if (!s->batch_rows)
		return 0;
	if (s->batches[B_UNIT].rows)
		err = units_send(s);
	if (!err && s->dels.len)
		err = dels_send(s);
	for (i = B_UNIT + 1; i < B_COUNT && !err; i++)
		if (s->batches[i].rows)
			err = batch_send(s, (enum batch_id)i);
	batches_reset(s);
	return err;
}

/* Add a row to batch `id`; vals[unit_col] is ignored (`unit` is used). */
static int batch_add(struct pg_store *s, enum batch_id id, int64_t unit, const char *const *vals)
{
	const struct batch_def *d = &batch_defs[id];
	struct batch *b = &s->batches[id];
	int c;

	if (s->pipe_err)
		return s->pipe_err;
	for (c = 0; c < d->ncols; c++) {
		if (c == d->unit_col)
			continue;
		s->batch_bytes -= b->cols[c].len;
		arr_add(&b->cols[c], vals[c]);
		s->batch_bytes += b->cols[c].len;
	}
	b->units = vigil_array_grow(b->units, &b->cap, b->rows + 1, sizeof(*b->units));
	b->units[b->rows++] = unit;
	s->batch_rows++;
	/* Outside a transaction each write is sent at once. */
	if (!s->pipeline || s->batch_rows >= BATCH_ROWS || s->batch_bytes >= BATCH_BYTES)
		return batches_flush(s);
	return 0;
}

/* Run statement `id` and return its result in *out (the caller PQclear()s it). */
static int query_now(struct pg_store *s, enum stmt_id id, int n, const char *const *vals,
                     const char *what, PGresult **out)
{
	char name[16];
	int err = 0;

	*out = NULL;
	stmt_name(name, sizeof(name), id);
	if (s->pipeline) {
		if (s->pipe_err)
			return s->pipe_err;
		if (!PQsendQueryPrepared(s->conn, name, n, vals, NULL, NULL, 0))
			return s->pipe_err = conn_fail(s, what);
		s->whats[s->queued++] = what;
		return pipe_drain(s, out);
	}
	*out = PQexecPrepared(s->conn, name, n, vals, NULL, NULL, 0);
	if (!res_ok(*out)) {
		err = res_fail(s, what, *out);
		PQclear(*out);
		*out = NULL;
	}
	return err;
}

/* Run statement `id` after every write before it; its result in *out (PQclear() it). */
static int query(struct pg_store *s, enum stmt_id id, int n, const char *const *vals,
                 const char *what, PGresult **out)
{
	int err;

	*out = NULL;
	if ((err = batches_flush(s)) < 0)
		return err;
	return query_now(s, id, n, vals, what, out);
}

/* Prepare every statement: one round trip, in a pipeline of its own. */
static int prepare_all(struct pg_store *s)
{
	char name[16];
	int i, err;

	if (!PQenterPipelineMode(s->conn))
		return conn_fail(s, "cannot enter pipeline mode");
	s->pipe_err = 0;
	for (i = 0; i < ST_COUNT; i++) {
		stmt_name(name, sizeof(name), (enum stmt_id)i);
		if (!PQsendPrepare(s->conn, name, stmt_sql[i], 0, NULL)) {
			s->pipe_err = conn_fail(s, "cannot prepare a statement");
			break;
		}
		s->whats[s->queued++] = "cannot prepare a statement";
	}
	err = pipe_drain(s, NULL);
	s->pipe_err = 0;
	if (!PQexitPipelineMode(s->conn) && !err)
		err = conn_fail(s, "cannot leave pipeline mode");
	return err;
}

static void now_rfc3339(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- namespace ids of the transaction ---- */

static void ns_forget(struct pg_store *s)
{
	size_t i;

	for (i = 0; i < s->nns; i++) {
		vigil_free(s->ns[i].name);
		vigil_free(s->ns[i].fmt);
	}
	s->nns = s->ns_last = 0;
	s->aff_unit = 0;
}

static struct ns_entry *ns_find(struct pg_store *s, const char *name)
{
	size_t i;

	if (s->ns_last < s->nns && strcmp(s->ns[s->ns_last].name, name) == 0)
		return &s->ns[s->ns_last];
	for (i = 0; i < s->nns; i++)
		if (strcmp(s->ns[i].name, name) == 0) {
			s->ns_last = i;
			return &s->ns[i];
		}
	return NULL;
}

static void ns_remember(struct pg_store *s, const char *name, const char *fmt, int64_t id)
{
	struct ns_entry *e = ns_find(s, name);

	if (!e) {
		s->ns = vigil_array_grow(s->ns, &s->nscap, s->nns + 1, sizeof(*s->ns));
		e = &s->ns[s->nns++];
		e->name = vigil_strdup(name);
		e->fmt = NULL;
	}
	vigil_free(e->fmt);
	e->fmt = fmt ? vigil_strdup(fmt) : NULL;
	e->id = id;
}

/* The id of namespace `name` (put before). */
static int ns_id(struct pg_store *s, const char *name, int64_t *out)
{
	const struct ns_entry *e = ns_find(s, name);
	const char *v[1] = { name };
	PGresult *res = NULL;
	int err;

	if (e) {
		*out = e->id;
		return 0;
	}
	if ((err = query_now(s, ST_NS_ID, 1, v, "cannot look a namespace up", &res)) < 0)
		return err;
	if (PQntuples(res) != 1)
		err = vigil_error_set(VIGIL_EDB, "database '%s': unknown namespace '%s'", s->dsn,
		                      name);
	else
		ns_remember(s, name, NULL, *out = get_i64(res, 0, 0));
	PQclear(res);
	return err;
}

/* ---- open, close, migrations ---- */

static void txn_forget(struct pg_store *s);

static void pg_close(struct vigil_store *base)
{
	struct pg_store *s = P(base);
	size_t i, c;

	if (!s)
		return;
	PQfinish(s->conn);
	txn_forget(s);
	for (i = 0; i < B_COUNT; i++) {
		for (c = 0; c < BATCH_MAX_COLS; c++)
			vigil_buf_release(&s->batches[i].cols[c]);
		vigil_free(s->batches[i].units);
	}
	vigil_free(s->units);
	vigil_free(s->unit_nss);
	vigil_buf_release(&s->dels);
	vigil_free(s->ns);
	vigil_free(s->dsn);
	vigil_free(s);
}

/* Current schema version: 0 when there is no schema_version table. */
static int read_version(struct pg_store *s, int *out)
{
	PGresult *res = PQexec(s->conn, "SELECT to_regclass('schema_version') IS NOT NULL");
	int err = 0, has;

	*out = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		err = res_fail(s, "cannot read the schema", res);
		PQclear(res);
		return err;
	}
	has = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!has)
		return 0;
	res = PQexec(s->conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		*out = (int)get_i64(res, 0, 0);
	else
		err = res_fail(s, "cannot read the schema version", res);
	PQclear(res);
	return err;
}

static int pg_open(struct vigil_store **out, const char *dsn, unsigned flags)
{
	/* Defaults first: the DSN (expanded from dbname) overrides them. */
	static const char *const keys[] = { "connect_timeout", "fallback_application_name",
		                            "client_encoding", "dbname", NULL };
	char timeout[16];
	const char *vals[5] = { timeout, "vigil", "UTF8", dsn, NULL };
	struct pg_store *s;
	size_t i, c;
	int have, err;

	*out = NULL;
	snprintf(timeout, sizeof(timeout), "%d", VIGIL_PG_CONNECT_TIMEOUT);
	s = vigil_calloc(1, sizeof(*s));
	s->base.ops = &vigil_store_postgres_ops;
	for (i = 0; i < B_COUNT; i++)
		for (c = 0; c < BATCH_MAX_COLS; c++)
			s->batches[i].cols[c] = (vigil_buf)VIGIL_BUF_INIT;
	s->dels = (vigil_buf)VIGIL_BUF_INIT;
	s->dsn = redact_dsn(dsn);
	s->conn = PQconnectdbParams(keys, vals, 1);
	if (!s->conn) {
		err = vigil_error_set(VIGIL_EDB, "database '%s': cannot connect: out of memory",
		                      s->dsn);
		goto fail;
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		err = conn_fail(s, "cannot connect");
		goto fail;
	}
	PQsetNoticeProcessor(s->conn, on_notice, NULL);
	if (!(flags & VIGIL_STORE_CREATE)) {
		if ((err = read_version(s, &have)) < 0)
			goto fail;
		if (have == 0) {
			err = vigil_error_set(
			        VIGIL_EDB,
			        "no vigil database in '%s' (run 'vigil db import' first)", s->dsn);
			goto fail;
		}
	}
	*out = &s->base;
	return 0;
fail:
	pg_close(&s->base);
	return err;
}

static int pg_schema_version(struct vigil_store *base, int *out)
{
	return read_version(P(base), out);
}

static int too_new(struct pg_store *s, int have, int know)
{
	return vigil_error_set(VIGIL_EDB,
	                       "database '%s' has schema version %d, newer than this vigil "
	                       "understands (%d): upgrade vigil or use another --db",
	                       s->dsn, have, know);
}

static int apply(struct pg_store *s, const struct vigil_store_migration *m)
{
	char ver[16], now[32];
	const char *v[3] = { ver, m->name, now };
	PGresult *res;
	int err;

	vigil_log(INFO, "store", "database '%s': migration %d (%s)", s->dsn, m->version, m->name);
	if ((err = exec_sql(s, m->sql, "migration failed")) < 0)
		return err;
	snprintf(ver, sizeof(ver), "%d", m->version);
	now_rfc3339(now, sizeof(now));
	res = PQexecParams(s->conn,
	                   "INSERT INTO schema_version (version, name, applied_at) "
	                   "VALUES ($1::integer, $2, $3)",
	                   3, NULL, v, NULL, NULL, 0);
	err = res_ok(res) ? 0 : res_fail(s, "cannot record the migration", res);
	PQclear(res);
	return err;
}

static int migrate_locked(struct pg_store *s)
{
	size_t i, n = vigil_store_postgres_migration_count;
	int have, know = vigil_store_postgres_migrations[n - 1].version, err;

	if ((err = exec_sql(s, MIGRATE_LOCK, "cannot lock the schema")) < 0 ||
	    (err = exec_sql(s,
	                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY "
	                    "KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	                    "cannot create schema_version")) < 0 ||
	    (err = read_version(s, &have)) < 0)
		return err;
	if (have > know)
		return too_new(s, have, know);
	for (i = 0; i < n && !err; i++)
		if (vigil_store_postgres_migrations[i].version > have)
			err = apply(s, &vigil_store_postgres_migrations[i]);
	return err;
}

/*
 * Bring the schema up to date, then prepare the statements. An up-to-date
 * database is only read. Otherwise the migrations run in one transaction
 * under MIGRATE_LOCK, re-reading the version once the lock is held: of
 * several instances started together, one migrates and the others find
 * nothing left to do.
 */
static int pg_migrate(struct vigil_store *base)
{
	struct pg_store *s = P(base);
	size_t n = vigil_store_postgres_migration_count;
	int have, know = vigil_store_postgres_migrations[n - 1].version, err;

	if ((err = read_version(s, &have)) < 0)
		return err;
	if (have > know)
		return too_new(s, have, know);
	if (have < know) {
		if ((err = exec_sql(s, "BEGIN", "cannot start the migration")) < 0)
			return err;
		if ((err = migrate_locked(s)) < 0) {
			PQclear(PQexec(s->conn, "ROLLBACK"));
			return err;
		}
		if ((err = exec_sql(s, "COMMIT", "cannot commit the migration")) < 0)
			return err;
	}
	return prepare_all(s);
}

/* ---- transactions ---- */

/* Forget what only this transaction knew: batches, unit handles, ids. */
static void txn_forget(struct pg_store *s)
{
	batches_reset(s);
	s->nunits = 0;
	vigil_strmap_release(&s->unit_keys);
	vigil_free(s->feed_ok);
	s->feed_ok = NULL;
	ns_forget(s);
}

static int pg_begin(struct vigil_store *base)
{
	struct pg_store *s = P(base);
	int err;

	txn_forget(s);
	if ((err = exec_sql(s, "BEGIN", "cannot start a transaction")) < 0)
		return err;
	/* Importers queue here, as SQLite's BEGIN IMMEDIATE makes them. */
	if ((err = exec_sql(s, IMPORT_LOCK, "cannot take the import lock")) < 0 ||
	    (err = exec_sql(s, "SET LOCAL work_mem = '64MB'", "cannot set work_mem")) < 0) {
		PQclear(PQexec(s->conn, "ROLLBACK"));
		return err;
	}
	if (!PQenterPipelineMode(s->conn)) {
		err = conn_fail(s, "cannot enter pipeline mode");
		PQclear(PQexec(s->conn, "ROLLBACK"));
		return err;
	}
	s->pipeline = 1;
	s->queued = 0;
	s->pipe_err = 0;
	return 0;
}

/* Read and drop whatever the pipeline still holds and leave pipeline mode. */
static void pipe_end(struct pg_store *s)
{
	PGresult *r;
	size_t i, n = s->queued;

	if (!s->pipeline)
		return;
	s->queued = 0;
	if (n && PQpipelineSync(s->conn)) {
		for (i = 0; i < n && PQstatus(s->conn) == CONNECTION_OK; i++)
			while ((r = PQgetResult(s->conn)) != NULL)
				PQclear(r);
		if (PQstatus(s->conn) == CONNECTION_OK)
			PQclear(PQgetResult(s->conn)); /* the sync's */
	}
	PQexitPipelineMode(s->conn);
	s->pipeline = 0;
}

/* Roll back without replacing the message of the failure that led here. */
static int rollback_quiet(struct pg_store *s)
{
	pipe_end(s);
	txn_forget(s);
	s->pipe_err = 0;
	/* A lost connection's transaction is rolled back by the server. */
	if (PQstatus(s->conn) != CONNECTION_OK || PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return 0;
	return exec_sql(s, "ROLLBACK", "cannot roll back");
}

static int pg_commit(struct vigil_store *base)
{
	struct pg_store *s = P(base);
	int err = s->pipe_err;

	if (!err && s->pipeline && (err = batches_flush(s)) == 0) {
		if (!PQsendQueryParams(s->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)) {
			err = conn_fail(s, "cannot commit");
		} else {
			s->whats[s->queued++] = "cannot commit";
			err = pipe_drain(s, NULL);
		}
	}
	if (err) {
		rollback_quiet(s);
		return err;
	}
	pipe_end(s);
	txn_forget(s);
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE) /* not in pipeline mode: commit now */
		return exec_sql(s, "COMMIT", "cannot commit");
	return 0;
}

static int pg_rollback(struct vigil_store *base)
{
	return rollback_quiet(P(base));
}

/* ---- writes ---- */

static int pg_put_namespace(struct vigil_store *base, const char *name, const char *fmt)
{
	struct pg_store *s = P(base);
	const struct ns_entry *e = ns_find(s, name);
	const char *v[2] = { name, fmt };
	PGresult *res = NULL;
	int err;

	if (e && e->fmt && strcmp(e->fmt, fmt) == 0)
		return 0; /* upserted in this transaction already */
	if ((err = query_now(s, ST_NS_UPSERT, 2, v, "cannot store a namespace", &res)) < 0)
		return err;
	if (PQntuples(res) == 1)
		ns_remember(s, name, fmt, get_i64(res, 0, 0));
	PQclear(res);
	return 0;
}

/*
 * The unit joins the units batch and its handle is returned at once; the
 * batch is sent (its ids read, the replaced units' rows deleted) before any
 * row that uses them. A unit replaced a second time in the transaction has
 * its rows sent first, so that the replacement deletes them. Outside a
 * transaction the batch is sent at once and the id returned.
 */
static int pg_unit_replace(struct vigil_store *base, const char *feed, const char *key,
                           const struct vigil_store_unit_meta *meta, int64_t *unit)
{
	struct pg_store *s = P(base);
	char now[32];
	const char *v[7] = { feed,
		             key,
		             meta && meta->source ? meta->source : "",
		             meta && meta->upstream_date ? meta->upstream_date : "",
		             meta && meta->etag ? meta->etag : "",
		             meta && meta->digest ? meta->digest : "",
		             now };
	vigil_buf k = VIGIL_BUF_INIT;
	int64_t h;
	int err = 0;

	now_rfc3339(now, sizeof(now));
	s->aff_unit = 0; /* its unit_namespace rows go */
	if (!s->feed_ok || strcmp(s->feed_ok, feed) != 0) {
		if ((err = run(s, ST_FEED_INSERT, 1, v, "cannot store a feed")) < 0)
			return err;
		vigil_free(s->feed_ok);
		s->feed_ok = s->pipeline ? vigil_strdup(feed) : NULL;
	}
	vigil_buf_printf(&k, "%s\n%s", feed, key);
	if (vigil_strmap_has(&s->unit_keys, k.ptr))
		err = batches_flush(s);
	s->units = vigil_array_grow(s->units, &s->unitcap, s->nunits + 1, sizeof(*s->units));
	s->units[s->nunits++] = 0;
	h = -(int64_t)s->nunits;
	vigil_strmap_put(&s->unit_keys, k.ptr, (void *)(uintptr_t)s->nunits);
	vigil_buf_release(&k);
	if (err || (err = batch_add(s, B_UNIT, h, v)) < 0)
		return err;
	*unit = h;
	return s->pipeline ? 0 : unit_id(s, h, unit);
}

static int pg_unit_namespace(struct vigil_store *base, int64_t unit, const char *ns)
{
	struct pg_store *s = P(base);
	char n[24];
	const char *v[2] = { NULL, n };
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, ns, &nid)) < 0)
		return err;
	i64(n, nid);
	return batch_add(s, B_UNIT_NS, unit, v);
}

static int pg_put_vulnerability(struct vigil_store *base, int64_t unit,
                                const struct vigil_store_vuln *vu)
{
	struct pg_store *s = P(base);
	char n[24], sev[16];
	const char *v[7] = { NULL,
		             n,
		             vu->name,
		             vu->description ? vu->description : "",
		             vu->link ? vu->link : "",
		             sev,
		             vu->metadata };
	vigil_buf k = VIGIL_BUF_INIT;
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, vu->namespace_name, &nid)) < 0)
		return err;
	i64(n, nid);
	snprintf(sev, sizeof(sev), "%d", (int)vu->severity);
	/* One statement cannot update a row twice: a second row of a key in
	 * the batch sends the batch first (the merge is then the upsert's). */
	vigil_buf_printf(&k, "%lld %lld %s", (long long)unit, (long long)nid, vu->name);
	if (vigil_strmap_has(&s->vuln_keys, k.ptr))
		err = batches_flush(s);
	vigil_strmap_put(&s->vuln_keys, k.ptr, NULL);
	vigil_buf_release(&k);
	return err ? err : batch_add(s, B_VULN, unit, v);
}

/* Record (unit, namespace) in unit_namespace once per run of puts. */
static int note_unit_ns(struct pg_store *s, int64_t unit, const char *ns, int64_t *nid)
{
	int err;

	size_t i;

	if ((err = ns_id(s, ns, nid)) < 0)
		return err;
	/* Every namespace a unit writes is in unit_namespace (what it covers);
	 * those already recorded for the unit are skipped. */
	if (unit != s->aff_unit)
		s->nunit_nss = 0;
	s->aff_unit = unit;
	for (i = 0; i < s->nunit_nss; i++)
		if (s->unit_nss[i] == *nid)
			return 0;
	if ((err = pg_unit_namespace(&s->base, unit, ns)) < 0)
		return err;
	s->unit_nss = vigil_array_grow(s->unit_nss, &s->unit_nsscap, s->nunit_nss + 1,
	                               sizeof(*s->unit_nss));
	s->unit_nss[s->nunit_nss++] = *nid;
	return 0;
}

/*
 * The insert of put_affected (arch NULL, batched) or put_affected_arch (one
 * statement each: statements of one key merge their arch, in order, so the
 * batch is sent first).
 */
static int put_affected(struct vigil_store *base, int64_t unit, const char *ns, const char *vuln,
                        const char *package, enum vigil_affected_status status,
                        const char *fixed_version, const char *arch)
{
	struct pg_store *s = P(base);
	char n[24], u[24], st[8];
	const char *v[7] = {
		n,   package, vuln,
		u,   st,      status == VIGIL_AFFECTED_FIXED && fixed_version ? fixed_version : "",
		arch
	};
	int64_t nid = 0, uid = 0;
	int err;

	if ((err = note_unit_ns(s, unit, ns, &nid)) < 0)
		return err;
	i64(n, nid);
	snprintf(st, sizeof(st), "%d", (int)status);
	if (!arch)
		return batch_add(s, B_AFF, unit, v);
	if ((err = batches_flush(s)) < 0 || (err = unit_id(s, unit, &uid)) < 0)
		return err; /* the flush sent the unit: its id is known */
	i64(u, uid);
	return run(s, ST_AFF_INSERT_ARCH, 7, v, "cannot store an affected record");
}

static int pg_put_affected(struct vigil_store *base, int64_t unit, const char *ns, const char *vuln,
                           const char *package, enum vigil_affected_status status,
                           const char *fixed_version)
{
	return put_affected(base, unit, ns, vuln, package, status, fixed_version, NULL);
}

static int pg_put_affected_arch(struct vigil_store *base, int64_t unit, const char *ns,
                                const char *vuln, const char *package,
                                enum vigil_affected_status status, const char *fixed_version,
                                const char *arch)
{
	return put_affected(base, unit, ns, vuln, package, status, fixed_version, arch ? arch : "");
}

static int pg_feed_clear(struct vigil_store *base, const char *feed)
{
	static const enum stmt_id dels[] = { ST_FEED_CLEAR_AFFECTED, ST_FEED_CLEAR_RANGE,
		                             ST_FEED_CLEAR_ALIAS,    ST_FEED_CLEAR_VULN,
		                             ST_FEED_CLEAR_NS,       ST_FEED_CLEAR_UNITS };
	struct pg_store *s = P(base);
	const char *v[1] = { feed };
	size_t i;
	int err;

	s->aff_unit = 0;
	if ((err = batches_flush(s)) < 0)
		return err;
	for (i = 0; i < sizeof(dels) / sizeof(dels[0]); i++)
		if ((err = run(s, dels[i], 1, v, "cannot clear a feed")) < 0)
			return err;
	return 0;
}

static int pg_feed_finish(struct vigil_store *base, const char *feed, const char *source,
                          const char *imported_at)
{
	struct pg_store *s = P(base);
	const char *v[3] = { feed, source ? source : "", imported_at ? imported_at : "" };
	int err;

	if ((err = batches_flush(s)) < 0 ||
	    (err = run(s, ST_FEED_INSERT, 1, v, "cannot store a feed")) < 0)
		return err;
	return run(s, ST_FEED_FINISH, 3, v, "cannot count a feed's records");
}

/* ---- reads ---- */

static const char *text_or_empty(const PGresult *res, int row, int col)
{
	return PQgetvalue(res, row, col); /* "" for NULL too */
}

/* Call `cb` for each row of a lookup (ST_LOOKUP's columns). */
static int walk_records(PGresult *res, vigil_store_record_cb cb, void *payload)
{
	struct vigil_store_record r;
	int i, n = PQntuples(res), err = 0;

	for (i = 0; i < n && !err; i++) {
		r.namespace_name = text_or_empty(res, i, 0);
		r.package = text_or_empty(res, i, 1);
		r.vuln = text_or_empty(res, i, 2);
		r.status = (enum vigil_affected_status)get_i64(res, i, 3);
		r.fixed_version = text_or_empty(res, i, 4);
		r.feed = text_or_empty(res, i, 5);
		r.description = text_or_empty(res, i, 6);
		r.link = text_or_empty(res, i, 7);
		r.severity = (enum vigil_severity)get_i64(res, i, 8);
		r.metadata = get_text(res, i, 9);
		r.unit = text_or_empty(res, i, 10);
		r.arch = text_or_empty(res, i, 11);
		err = cb(&r, payload);
	}
	return err;
}

static int pg_lookup(struct vigil_store *base, const char *ns, const char *package,
                     vigil_store_record_cb cb, void *payload)
{
	struct pg_store *s = P(base);
	const char *v[2] = { ns, package };
	PGresult *res = NULL;
	int err;

	if (!vigil_text_utf8_ok(package) || !vigil_text_utf8_ok(ns))
		return 0; /* not text: in no feed, and the server would refuse it */
	if ((err = query(s, ST_LOOKUP, 2, v, "cannot look records up", &res)) < 0)
		return err;
	err = walk_records(res, cb, payload);
	PQclear(res);
	return err;
}

/*
 * A text[] literal of `names`: {"a","b\"c"}. A name that is not valid UTF-8
 * cannot be in the store (every feed format is text; the server would refuse
 * the parameter) and is left out.
 */
static int array_literal(vigil_buf *out, const char *const *names, size_t n)
{
	const char *p;
	size_t i, k = 0;
	int err = vigil_buf_putc(out, '{');

	for (i = 0; i < n && !err; i++) {
		if (!vigil_text_utf8_ok(names[i]))
			continue;
		err = vigil_buf_puts(out, k++ ? ",\"" : "\"");
		for (p = names[i]; *p && !err; p++)
			err = (*p == '"' || *p == '\\') ? vigil_buf_printf(out, "\\%c", *p)
			                                : vigil_buf_putc(out, *p);
		if (!err)
			err = vigil_buf_putc(out, '"');
	}
	return err ? err : vigil_buf_putc(out, '}');
}

/* Every record of `ns` for any of `packages`: one round trip. */
static int pg_lookup_batch(struct vigil_store *base, const char *ns, const char *const *packages,
                           size_t npackages, vigil_store_record_cb cb, void *payload)
{
	struct pg_store *s = P(base);
	vigil_buf names = VIGIL_BUF_INIT;
	const char *v[2] = { ns, NULL };
	PGresult *res = NULL;
	int err;

	if (npackages == 0)
		return 0;
	if ((err = array_literal(&names, packages, npackages)) < 0)
		goto out;
	v[1] = names.ptr;
	if ((err = query(s, ST_LOOKUP_BATCH, 2, v, "cannot look records up", &res)) < 0)
		goto out;
	err = walk_records(res, cb, payload);
	PQclear(res);
out:
	vigil_buf_release(&names);
	return err;
}

static int pg_namespace_known(struct vigil_store *base, const char *ns, int *out)
{
	struct pg_store *s = P(base);
	const char *v[1] = { ns };
	PGresult *res = NULL;
	int err;

	if ((err = query(s, ST_NS_KNOWN, 1, v, "cannot look a namespace up", &res)) < 0)
		return err;
	*out = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

static int status_namespaces(struct pg_store *s, const char *feed_id,
                             struct vigil_store_feed_status *f)
{
	const char *v[1] = { feed_id };
	PGresult *res = NULL;
	int i, n, err;

	if ((err = query(s, ST_STATUS_NS, 1, v, "cannot read a feed's namespaces", &res)) < 0)
		return err;
	n = PQntuples(res);
	f->namespaces = n ? vigil_calloc((size_t)n, sizeof(char *)) : NULL;
	for (i = 0; i < n; i++)
		f->namespaces[f->nnamespaces++] = vigil_strdup(text_or_empty(res, i, 0));
	PQclear(res);
	if (f->nnamespaces > 1)
		qsort(f->namespaces, f->nnamespaces, sizeof(char *), vigil_store__natural_cmp);
	return 0;
}

static int pg_status(struct vigil_store *base, struct vigil_store_status *out)
{
	struct pg_store *s = P(base);
	PGresult *res = NULL;
	int i, n, err;

	if ((err = query(s, ST_STATUS_FEEDS, 0, NULL, "cannot read the feeds", &res)) < 0)
		return err;
	n = PQntuples(res);
	out->feeds = n ? vigil_calloc((size_t)n, sizeof(*out->feeds)) : NULL;
	for (i = 0; i < n; i++) {
		struct vigil_store_feed_status *f = &out->feeds[out->nfeeds++];
		f->name = vigil_strdup(text_or_empty(res, i, 1));
		f->source = vigil_strdup(text_or_empty(res, i, 2));
		f->imported_at = vigil_strdup(text_or_empty(res, i, 3));
		f->vulnerabilities = (uint64_t)get_i64(res, i, 4);
		f->records = (uint64_t)get_i64(res, i, 5);
		f->upstream_date = vigil_strdup(text_or_empty(res, i, 6));
	}
	for (i = 0; !err && i < n; i++)
		err = status_namespaces(s, PQgetvalue(res, i, 0), &out->feeds[i]);
	PQclear(res);
	if (err)
		vigil_store_status_release(out);
	return err;
}

static int pg_layer_get(struct vigil_store *base, const char *diff_id, vigil_buf *ns,
                        vigil_buf *packages, int *engine)
{
	struct pg_store *s = P(base);
	const char *v[1] = { diff_id };
	PGresult *res = NULL;
	int err;

	if ((err = query(s, ST_LAYER_GET, 1, v, "cannot read a layer analysis", &res)) < 0)
		return err;
	if (PQntuples(res) == 1) {
		vigil_buf_reset(ns);
		vigil_buf_reset(packages);
		if ((err = vigil_buf_puts(ns, text_or_empty(res, 0, 0))) == 0)
			err = vigil_buf_puts(packages, text_or_empty(res, 0, 1));
		*engine = (int)get_i64(res, 0, 2);
	} else {
		err = vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' is not in the cache", diff_id);
	}
	PQclear(res);
	return err;
}

static int pg_layer_put(struct vigil_store *base, const struct vigil_store_layer *l)
{
	struct pg_store *s = P(base);
	char engine[16], now[32];
	const char *v[6] = {
		l->diff_id, l->parent, l->namespace_name, l->packages ? l->packages : "[]",
		engine,     now
	};

	snprintf(engine, sizeof(engine), "%d", l->engine);
	now_rfc3339(now, sizeof(now));
	return run(s, ST_LAYER_PUT, 6, v, "cannot store a layer analysis");
}

/* "\x" + lowercase hex of p[0..n): PostgreSQL's text form of a bytea. */
static char *bytea_hex(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *out = vigil_malloc(2 * n + 3), *o = out;
	size_t i;

	*o++ = '\\';
	*o++ = 'x';
	for (i = 0; i < n; i++) {
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	*o = '\0';
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a bytea's hex text form into `out`. Returns 0 or VIGIL_EDB. */
static int bytea_unhex(vigil_buf *out, const char *t)
{
	size_t i, n = strlen(t);
	int hi, lo, err = 0;

	if (n < 2 || t[0] != '\\' || t[1] != 'x' || n % 2)
		return vigil_error_set(VIGIL_EDB, "unexpected bytea text from the database");
	vigil_buf_reset(out);
	for (i = 2; i < n && !err; i += 2) {
		if ((hi = hexval(t[i])) < 0 || (lo = hexval(t[i + 1])) < 0)
			return vigil_error_set(VIGIL_EDB,
			                       "unexpected bytea text from the database");
		err = vigil_buf_putc(out, (char)(hi << 4 | lo));
	}
	return err;
}

static int pg_layer_entries_get(struct vigil_store *base, const char *diff_id, const char *engine,
                                vigil_buf *blob)
{
	struct pg_store *s = P(base);
	const char *v[2] = { diff_id, engine };
	PGresult *res = NULL;
	int err;

	if ((err = query(s, ST_ENTRIES_GET, 2, v, "cannot read a cached layer", &res)) < 0)
		return err;
	if (PQntuples(res) != 1)
		err = vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' is not in the cache", diff_id);
	else if (blob)
		err = bytea_unhex(blob, PQgetvalue(res, 0, 0));
	PQclear(res);
	return err;
}

static int pg_layer_entries_put(struct vigil_store *base, const char *diff_id, const char *engine,
                                const void *blob, size_t len)
{
	struct pg_store *s = P(base);
	char now[32], *hex = bytea_hex(blob, len);
	const char *v[4] = { diff_id, engine, hex, now };
	int err;

	now_rfc3339(now, sizeof(now));
	err = run(s, ST_ENTRIES_PUT, 4, v, "cannot store a cached layer");
	vigil_free(hex);
	return err;
}

static int pg_sources(struct vigil_store *base, const char *feed, vigil_store_source_cb cb,
                      void *payload)
{
	struct pg_store *s = P(base);
	const char *v[1] = { feed };
	struct vigil_store_source src;
	PGresult *res = NULL;
	int i, n, err;

	if ((err = query(s, ST_SOURCES, 1, v, "cannot read a feed's sources", &res)) < 0)
		return err;
	n = PQntuples(res);
	for (i = 0; i < n && !err; i++) {
		src.key = text_or_empty(res, i, 0);
		src.location = text_or_empty(res, i, 1);
		src.etag = text_or_empty(res, i, 2);
		src.last_modified = text_or_empty(res, i, 3);
		src.digest = text_or_empty(res, i, 4);
		err = cb(&src, payload);
	}
	PQclear(res);
	return err;
}

static int pg_source_put(struct vigil_store *base, const char *feed,
                         const struct vigil_store_source *src)
{
	struct pg_store *s = P(base);
	char now[32];
	const char *v[7] = { feed,
		             src->key,
		             src->location ? src->location : "",
		             src->etag ? src->etag : "",
		             src->last_modified ? src->last_modified : "",
		             src->digest ? src->digest : "",
		             now };

	now_rfc3339(now, sizeof(now));
	return run(s, ST_SOURCE_PUT, 7, v, "cannot record a feed source");
}

/* ---- csaf and osv feeds ---- */

static int pg_put_range(struct vigil_store *base, int64_t unit, const char *ns, const char *vuln,
                        const char *package, int seq, const char *ranges, const char *versions)
{
	struct pg_store *s = P(base);
	char n[24], sq[16];
	const char *v[7] = {
		n, package, vuln, NULL, sq, ranges ? ranges : "[]", versions ? versions : "[]"
	};
	int64_t nid = 0;
	int err;

	if ((err = note_unit_ns(s, unit, ns, &nid)) < 0)
		return err;
	i64(n, nid);
	snprintf(sq, sizeof(sq), "%d", seq);
	return batch_add(s, B_RANGE, unit, v);
}

static int pg_put_alias(struct vigil_store *base, int64_t unit, const char *vuln, const char *alias)
{
	const char *v[3] = { NULL, vuln, alias };

	return batch_add(P(base), B_ALIAS, unit, v);
}

static int pg_lookup_ranges(struct vigil_store *base, const char *ns, const char *package,
                            vigil_store_range_cb cb, void *payload)
{
	struct pg_store *s = P(base);
	const char *v[2] = { ns, package };
	struct vigil_store_range r;
	PGresult *res = NULL;
	int i, n, err;

	if ((err = query(s, ST_RANGE_LOOKUP, 2, v, "cannot look ranges up", &res)) < 0)
		return err;
	n = PQntuples(res);
	for (i = 0; i < n && !err; i++) {
		r.namespace_name = text_or_empty(res, i, 0);
		r.package = text_or_empty(res, i, 1);
		r.vuln = text_or_empty(res, i, 2);
		r.seq = (int)get_i64(res, i, 3);
		r.ranges = text_or_empty(res, i, 4);
		r.versions = text_or_empty(res, i, 5);
		r.feed = text_or_empty(res, i, 6);
		r.description = text_or_empty(res, i, 7);
		r.link = text_or_empty(res, i, 8);
		r.severity = (enum vigil_severity)get_i64(res, i, 9);
		r.metadata = get_text(res, i, 10);
		err = cb(&r, payload);
	}
	PQclear(res);
	return err;
}

const struct vigil_store_ops vigil_store_postgres_ops = {
	.version = VIGIL_STORE_OPS_VERSION,
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.schema_version = pg_schema_version,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.put_namespace = pg_put_namespace,
	.unit_replace = pg_unit_replace,
	.unit_namespace = pg_unit_namespace,
	.put_vulnerability = pg_put_vulnerability,
	.put_affected = pg_put_affected,
	.feed_clear = pg_feed_clear,
	.feed_finish = pg_feed_finish,
	.lookup = pg_lookup,
	.lookup_batch = pg_lookup_batch,
	.namespace_known = pg_namespace_known,
	.status = pg_status,
	.layer_get = pg_layer_get,
	.layer_put = pg_layer_put,
	.sources = pg_sources,
	.source_put = pg_source_put,
	.put_affected_arch = pg_put_affected_arch,
	.put_range = pg_put_range,
	.put_alias = pg_put_alias,
	.lookup_ranges = pg_lookup_ranges,
	.layer_entries_get = pg_layer_entries_get,
	.layer_entries_put = pg_layer_entries_put,
};

void *vigil_store__postgres_handle(struct vigil_store *base)
{
	if (!base || base->ops != &vigil_store_postgres_ops)
		return NULL;
	return P(base)->conn;
}

#endif /* VIGIL_HAVE_POSTGRES */
