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
#include "migrations.h"
#include "../limits.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* pg_advisory_xact_lock(LOCK_CLASS, n): "vigl" and what is serialised. */
#define LOCK_CLASS "1986619244"
#define MIGRATE_LOCK "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", 1)"
#define IMPORT_LOCK "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", 2)"

/* Statements sent in pipeline mode before their results are read. */
#define PIPE_DEPTH 1024

enum stmt_id {
	ST_NS_UPSERT,
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
	ST_RANGE_INSERT,
	ST_ALIAS_INSERT,
	ST_UNIT_DEL_RANGE,
	ST_UNIT_DEL_ALIAS,
	ST_FEED_CLEAR_RANGE,
	ST_FEED_CLEAR_ALIAS,
	ST_RANGE_LOOKUP,
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
	[ST_NS_UPSERT] = "INSERT INTO namespace (name, version_format) VALUES ($1, $2) "
	                 "ON CONFLICT (name) DO UPDATE SET version_format = excluded.version_format "
	                 "RETURNING id",
	[ST_NS_ID] = "SELECT id FROM namespace WHERE name = $1",
	[ST_FEED_INSERT] = "INSERT INTO feed (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
	[ST_UNIT_UPSERT] =
	        "INSERT INTO feed_unit (feed_id, key, source, upstream_date, etag, digest, "
	        "imported_at) "
	        "SELECT id, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text "
	        "FROM feed WHERE name = $1 "
	        "ON CONFLICT (feed_id, key) DO UPDATE SET source = excluded.source, "
	        "upstream_date = excluded.upstream_date, etag = excluded.etag, "
	        "digest = excluded.digest, imported_at = excluded.imported_at "
	        "RETURNING id, xmax = 0",
	[ST_UNIT_DEL_AFFECTED] = "DELETE FROM affected WHERE unit_id = $1",
	[ST_UNIT_DEL_VULN] = "DELETE FROM vulnerability WHERE unit_id = $1",
	[ST_UNIT_DEL_NS] = "DELETE FROM unit_namespace WHERE unit_id = $1",
	[ST_UNIT_NS] = "INSERT INTO unit_namespace (unit_id, namespace_id) VALUES ($1, $2) "
	               "ON CONFLICT DO NOTHING",
	[ST_VULN_UPSERT] =
	        "INSERT INTO vulnerability (unit_id, namespace_id, name, description, link, "
	        "severity, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7) "
	        "ON CONFLICT (unit_id, namespace_id, name) DO UPDATE SET "
	        "description = CASE WHEN excluded.description <> '' THEN excluded.description "
	        "ELSE vulnerability.description END, "
	        "link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE vulnerability.link "
	        "END, "
	        "severity = CASE WHEN excluded.severity <> 0 THEN excluded.severity "
	        "ELSE vulnerability.severity END, "
	        "metadata = COALESCE(excluded.metadata, vulnerability.metadata)",
	[ST_AFF_INSERT] = "INSERT INTO affected (namespace_id, package, name, unit_id, status, "
	                  "fixed_version) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
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
	              "v.metadata, u.key, a.arch FROM affected a JOIN namespace n ON n.id = a.namespace_id "
	              "JOIN feed_unit u ON u.id = a.unit_id JOIN feed f ON f.id = u.feed_id "
	              "LEFT JOIN vulnerability v ON v.unit_id = a.unit_id "
	              "AND v.namespace_id = a.namespace_id AND v.name = a.name "
	              "WHERE n.name = $1 AND a.package = $2 "
	              "ORDER BY a.name, f.name, a.status, a.fixed_version",
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
	[ST_RANGE_INSERT] = "INSERT INTO affected_range (namespace_id, package, name, unit_id, seq, "
	                    "ranges, versions) VALUES ($1, $2, $3, $4, $5, $6, $7) "
	                    "ON CONFLICT DO NOTHING",
	[ST_ALIAS_INSERT] = "INSERT INTO vulnerability_alias (unit_id, name, alias) "
	                    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	[ST_UNIT_DEL_RANGE] = "DELETE FROM affected_range WHERE unit_id = $1",
	[ST_UNIT_DEL_ALIAS] = "DELETE FROM vulnerability_alias WHERE unit_id = $1",
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

struct pg_store {
	struct vigil_store base;
	PGconn *conn;
	char *dsn; /* for messages: the password removed */
	/* Pipeline mode (inside a transaction). */
	int pipeline;
	size_t queued;                  /* statements sent since the last sync */
	const char *whats[PIPE_DEPTH]; /* what each was doing, for the message */
	int pipe_err;                   /* first failure of this transaction, message set */
	/* Namespace ids of this transaction, and the last (unit, namespace) recorded. */
	struct ns_entry *ns;
	size_t nns, nscap, ns_last;
	int64_t aff_unit, aff_ns;
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

/* Run statement `id` and return its result in *out (the caller PQclear()s it). */
static int query(struct pg_store *s, enum stmt_id id, int n, const char *const *vals,
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
	s->aff_unit = s->aff_ns = 0;
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
	if ((err = query(s, ST_NS_ID, 1, v, "cannot look a namespace up", &res)) < 0)
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

static void pg_close(struct vigil_store *base)
{
	struct pg_store *s = P(base);

	if (!s)
		return;
	PQfinish(s->conn);
	ns_forget(s);
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
	int have, err;

	*out = NULL;
	snprintf(timeout, sizeof(timeout), "%d", VIGIL_PG_CONNECT_TIMEOUT);
	s = vigil_calloc(1, sizeof(*s));
	s->base.ops = &vigil_store_postgres_ops;
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
			err = vigil_error_set(VIGIL_EDB,
			                      "no vigil database in '%s' (run 'vigil db import' first)",
			                      s->dsn);
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

static int pg_begin(struct vigil_store *base)
{
	struct pg_store *s = P(base);
	int err;

	ns_forget(s);
	if ((err = exec_sql(s, "BEGIN", "cannot start a transaction")) < 0)
		return err;
	/* Importers queue here, as SQLite's BEGIN IMMEDIATE makes them. */
	if ((err = exec_sql(s, IMPORT_LOCK, "cannot take the import lock")) < 0) {
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

static int rollback_quiet(struct pg_store *s)
{
	pipe_end(s);
	ns_forget(s);
	if (PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return 0;
	return exec_sql(s, "ROLLBACK", "cannot roll back");
}

static int pg_commit(struct vigil_store *base)
{
	struct pg_store *s = P(base);
	int err = s->pipe_err;

	if (!err && s->pipeline) {
		if (!PQsendQueryParams(s->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0))
			err = conn_fail(s, "cannot commit");
		else
			s->whats[s->queued++] = "cannot commit";
		if (!err)
			err = pipe_drain(s, NULL);
	}
	if (err) {
		rollback_quiet(s);
		return err;
	}
	pipe_end(s);
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
	if ((err = query(s, ST_NS_UPSERT, 2, v, "cannot store a namespace", &res)) < 0)
		return err;
	if (PQntuples(res) == 1)
		ns_remember(s, name, fmt, get_i64(res, 0, 0));
	PQclear(res);
	return 0;
}

static int delete_unit_rows(struct pg_store *s, int64_t unit)
{
	static const enum stmt_id dels[] = { ST_UNIT_DEL_AFFECTED, ST_UNIT_DEL_RANGE,
		                             ST_UNIT_DEL_ALIAS, ST_UNIT_DEL_VULN,
		                             ST_UNIT_DEL_NS };
	char id[24];
	const char *v[1] = { i64(id, unit) };
	size_t i;
	int err;

	for (i = 0; i < sizeof(dels) / sizeof(dels[0]); i++)
		if ((err = run(s, dels[i], 1, v, "cannot delete a unit's rows")) < 0)
			return err;
	return 0;
}

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
	PGresult *res = NULL;
	int fresh, err;

	now_rfc3339(now, sizeof(now));
	if ((err = run(s, ST_FEED_INSERT, 1, v, "cannot store a feed")) < 0 ||
	    (err = query(s, ST_UNIT_UPSERT, 7, v, "cannot store a feed unit", &res)) < 0)
		return err;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return vigil_error_set(VIGIL_EDB, "database '%s': cannot store a feed unit: no row",
		                       s->dsn);
	}
	*unit = get_i64(res, 0, 0);
	fresh = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	s->aff_unit = s->aff_ns = 0; /* its unit_namespace rows go */
	/* A new unit has no rows yet: the deletes are for a replaced one. */
	return fresh ? 0 : delete_unit_rows(s, *unit);
}

static int pg_unit_namespace(struct vigil_store *base, int64_t unit, const char *ns)
{
	struct pg_store *s = P(base);
	char u[24], n[24];
	const char *v[2] = { i64(u, unit), n };
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, ns, &nid)) < 0)
		return err;
	i64(n, nid);
	return run(s, ST_UNIT_NS, 2, v, "cannot store a unit's namespace");
}

static int pg_put_vulnerability(struct vigil_store *base, int64_t unit,
                                const struct vigil_store_vuln *vu)
{
	struct pg_store *s = P(base);
	char u[24], n[24], sev[16];
	const char *v[7] = { i64(u, unit),
		             n,
		             vu->name,
		             vu->description ? vu->description : "",
		             vu->link ? vu->link : "",
		             sev,
		             vu->metadata };
	int64_t nid = 0;
	int err;

	if ((err = ns_id(s, vu->namespace_name, &nid)) < 0)
		return err;
	i64(n, nid);
	snprintf(sev, sizeof(sev), "%d", (int)vu->severity);
	return run(s, ST_VULN_UPSERT, 7, v, "cannot store a vulnerability");
}

/* Record (unit, namespace) in unit_namespace once per run of puts. */
static int note_unit_ns(struct pg_store *s, int64_t unit, const char *ns, int64_t *nid)
{
	int err;

	if ((err = ns_id(s, ns, nid)) < 0)
		return err;
	/* Every namespace a unit writes is in unit_namespace: deleting the
	 * unit finds its records through them. */
	if ((unit != s->aff_unit || *nid != s->aff_ns) &&
	    (err = pg_unit_namespace(&s->base, unit, ns)) < 0)
		return err;
	s->aff_unit = unit;
	s->aff_ns = *nid;
	return 0;
}

/* The insert of put_affected (arch NULL) or put_affected_arch. */
static int put_affected(struct vigil_store *base, int64_t unit, const char *ns, const char *vuln,
                        const char *package, enum vigil_affected_status status,
                        const char *fixed_version, const char *arch)
{
	struct pg_store *s = P(base);
	char n[24], u[24], st[8];
	const char *v[7] = { n,
		             package,
		             vuln,
		             i64(u, unit),
		             st,
		             status == VIGIL_AFFECTED_FIXED && fixed_version ? fixed_version : "",
		             arch };
	int64_t nid = 0;
	int err;

	if ((err = note_unit_ns(s, unit, ns, &nid)) < 0)
		return err;
	i64(n, nid);
	snprintf(st, sizeof(st), "%d", (int)status);
	return run(s, arch ? ST_AFF_INSERT_ARCH : ST_AFF_INSERT, arch ? 7 : 6, v,
	           "cannot store an affected record");
}

static int pg_put_affected(struct vigil_store *base, int64_t unit, const char *ns,
                           const char *vuln, const char *package,
                           enum vigil_affected_status status, const char *fixed_version)
{
	return put_affected(base, unit, ns, vuln, package, status, fixed_version, NULL);
}

static int pg_put_affected_arch(struct vigil_store *base, int64_t unit, const char *ns,
                                const char *vuln, const char *package,
                                enum vigil_affected_status status, const char *fixed_version,
                                const char *arch)
{
	return put_affected(base, unit, ns, vuln, package, status, fixed_version,
	                    arch ? arch : "");
}

static int pg_feed_clear(struct vigil_store *base, const char *feed)
{
	static const enum stmt_id dels[] = { ST_FEED_CLEAR_AFFECTED, ST_FEED_CLEAR_RANGE,
		                             ST_FEED_CLEAR_ALIAS, ST_FEED_CLEAR_VULN,
		                             ST_FEED_CLEAR_NS, ST_FEED_CLEAR_UNITS };
	struct pg_store *s = P(base);
	const char *v[1] = { feed };
	size_t i;
	int err;

	s->aff_unit = s->aff_ns = 0;
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

	if ((err = run(s, ST_FEED_INSERT, 1, v, "cannot store a feed")) < 0)
		return err;
	return run(s, ST_FEED_FINISH, 3, v, "cannot count a feed's records");
}

/* ---- reads ---- */

static const char *text_or_empty(const PGresult *res, int row, int col)
{
	return PQgetvalue(res, row, col); /* "" for NULL too */
}

static int pg_lookup(struct vigil_store *base, const char *ns, const char *package,
                     vigil_store_record_cb cb, void *payload)
{
	struct pg_store *s = P(base);
	const char *v[2] = { ns, package };
	struct vigil_store_record r;
	PGresult *res = NULL;
	int i, n, err;

	if ((err = query(s, ST_LOOKUP, 2, v, "cannot look records up", &res)) < 0)
		return err;
	n = PQntuples(res);
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
	PQclear(res);
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

/* Natural order: "alpine:v3.9" before "alpine:v3.10" (as the SQLite backend). */
static int natural_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;

	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
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
		qsort(f->namespaces, f->nnamespaces, sizeof(char *), natural_cmp);
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
	const char *v[6] = { l->diff_id,       l->parent, l->namespace_name,
		             l->packages ? l->packages : "[]", engine,    now };

	snprintf(engine, sizeof(engine), "%d", l->engine);
	now_rfc3339(now, sizeof(now));
	return run(s, ST_LAYER_PUT, 6, v, "cannot store a layer analysis");
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
	char n[24], u[24], sq[16];
	const char *v[7] = { n,  package, vuln, i64(u, unit), sq, ranges ? ranges : "[]",
		             versions ? versions : "[]" };
	int64_t nid = 0;
	int err;

	if ((err = note_unit_ns(s, unit, ns, &nid)) < 0)
		return err;
	i64(n, nid);
	snprintf(sq, sizeof(sq), "%d", seq);
	return run(s, ST_RANGE_INSERT, 7, v, "cannot store an affected range");
}

static int pg_put_alias(struct vigil_store *base, int64_t unit, const char *vuln,
                        const char *alias)
{
	struct pg_store *s = P(base);
	char u[24];
	const char *v[3] = { i64(u, unit), vuln, alias };

	return run(s, ST_ALIAS_INSERT, 3, v, "cannot store an alias");
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
};

#endif /* VIGIL_HAVE_POSTGRES */
