/*
 * The store contract: the same cases run against every backend, so that
 * SQLite and PostgreSQL behave alike (migrations, refusing a newer schema,
 * writes and lookups, unit replacement, rollback, status, the layer cache,
 * feed sources, arch merging, ranges, isolation of readers from an open
 * import, writes across many batches, failed writes).
 *
 * SQLite always runs. PostgreSQL runs when VIGIL_PG_DSN names a database
 * (tests/e2e/store_contract_pg.sh starts a throwaway cluster and runs this
 * program with it): each case gets a schema of its own, selected with
 * search_path in the DSN, dropped at the end. VIGIL_STORE_BACKENDS=postgres
 * skips the SQLite run. Backend-independent checks of store.c (DSN
 * dispatch, passwords kept out of messages) run first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef VIGIL_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#include "vigil/vigil.h"
#include "lib/store/store.h"
#include "lib/store/migrations.h"

/* How the cases reach a fresh database of the backend under test. */
struct backend {
	const char *name;
	int last_migration;
	void (*fresh)(void);               /* dsn = a new, empty database */
	void (*raw_exec)(const char *sql); /* run SQL in it, behind the store's back */
};

static const struct backend *be;
static char dsn[1024];
static char dir[] = "/tmp/vigil-contract.XXXXXX";
static int seq;

/* ---- SQLite ---- */

static void sqlite_fresh(void)
{
	snprintf(dsn, sizeof(dsn), "%s/t%d/vigil.db", dir, seq++);
}

static void sqlite_raw_exec(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dsn, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static const struct backend sqlite_backend = { "sqlite", 0, sqlite_fresh, sqlite_raw_exec };

/* ---- PostgreSQL ---- */

#ifdef VIGIL_HAVE_POSTGRES
static const char *pg_base;
static char pg_schema[64];

static void quiet(void *payload, const char *msg)
{
	(void)payload;
	(void)msg;
}

static void pg_exec_on(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQsetNoticeProcessor(c, quiet, NULL);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* A schema per case: the DSN selects it with options=-csearch_path=... */
static void pg_fresh(void)
{
	char sql[128];
	int url = strstr(pg_base, "://") != NULL;

	snprintf(pg_schema, sizeof(pg_schema), "vigil_contract_%d_%d", (int)getpid(), seq++);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", pg_schema);
	pg_exec_on(pg_base, sql);
	if (url)
		snprintf(dsn, sizeof(dsn), "%s%coptions=-csearch_path%%3D%s", pg_base,
		         strchr(pg_base, '?') ? '&' : '?', pg_schema);
	else
		snprintf(dsn, sizeof(dsn), "%s options='-csearch_path=%s'", pg_base, pg_schema);
}

static void pg_raw_exec(const char *sql)
{
	pg_exec_on(dsn, sql);
}

static const struct backend pg_backend = { "postgres", 0, pg_fresh, pg_raw_exec };

static int pg_group_teardown(void **state)
{
	char sql[160];
	int i;

	(void)state;
	for (i = 0; i < seq; i++) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS vigil_contract_%d_%d CASCADE",
		         (int)getpid(), i);
		pg_exec_on(pg_base, sql);
	}
	return 0;
}
#endif

static int setup(void **state)
{
	(void)state;
	be->fresh();
	return 0;
}

static struct vigil_store *open_new(void)
{
	struct vigil_store *s = NULL;

	if (vigil_store_open(&s, dsn, VIGIL_STORE_CREATE) != 0)
		fail_msg("open '%s': %s", dsn, vigil_error_last());
	return s;
}

static struct vigil_store *reopen(void)
{
	struct vigil_store *s = NULL;

	if (vigil_store_open(&s, dsn, 0) != 0)
		fail_msg("open '%s': %s", dsn, vigil_error_last());
	return s;
}

/* Accumulate lookup results as "ID status fixed feed sev;" */
static int collect(const struct vigil_store_record *r, void *payload)
{
	vigil_buf *b = payload;

	return vigil_buf_printf(b, "%s %d %s %s %s;", r->vuln, (int)r->status, r->fixed_version,
	                        r->feed, vigil_severity_name(r->severity));
}

static const char *lookup(struct vigil_store *s, const char *ns, const char *pkg)
{
	static vigil_buf b = VIGIL_BUF_INIT;

	vigil_buf_reset(&b);
	assert_int_equal(vigil_store_lookup(s, ns, pkg, collect, &b), 0);
	return b.ptr;
}

#define OK(call)                                                                                   \
	do {                                                                                       \
		if ((call) != 0)                                                                   \
			fail_msg("%s: %s", #call, vigil_error_last());                             \
	} while (0)

/* One committed import of feed "test", unit `key`: openssl fixed in `fix`. */
static void import_unit(struct vigil_store *s, const char *key, const char *fix)
{
	struct vigil_store_unit_meta meta = { "file:///x", "2024-01-02T03:04:05Z", "", "" };
	int64_t unit;

	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "alpine:v3.18", "apk"));
	OK(vigil_store_unit_replace(s, "test", key, &meta, &unit));
	OK(vigil_store_unit_namespace(s, unit, "alpine:v3.18"));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-2", "openssl",
	                            VIGIL_AFFECTED_FIXED, fix));
	OK(vigil_store_feed_finish(s, "test", "https://example.test/", "T"));
	OK(vigil_store_commit(s));
}

static void test_migrations(void **state)
{
	struct vigil_store *s = open_new();
	int v = -1;

	(void)state;
	OK(vigil_store_schema_version(s, &v));
	assert_int_equal(v, be->last_migration);
	vigil_store_close(s);
	/* Reopening an up-to-date database applies nothing and keeps the version. */
	s = reopen();
	OK(vigil_store_schema_version(s, &v));
	assert_int_equal(v, be->last_migration);
	vigil_store_close(s);
}

static void test_refuses_newer_schema(void **state)
{
	struct vigil_store *s = open_new();

	(void)state;
	vigil_store_close(s);
	be->raw_exec("INSERT INTO schema_version VALUES (999, 'future', 'now')");
	s = NULL;
	assert_int_equal(vigil_store_open(&s, dsn, 0), VIGIL_EDB);
	assert_null(s);
	assert_non_null(strstr(vigil_error_last(), "schema version 999"));
	assert_non_null(strstr(vigil_error_last(), "newer"));
	assert_int_equal(vigil_store_open(&s, dsn, VIGIL_STORE_CREATE), VIGIL_EDB);
	assert_null(s);
}

static void test_missing_database(void **state)
{
	struct vigil_store *s = NULL;

	(void)state;
	assert_int_equal(vigil_store_open(&s, dsn, 0), VIGIL_EDB);
	assert_null(s);
	assert_non_null(strstr(vigil_error_last(), "run 'vigil db import' first"));
	/* Nothing was created: a second try fails the same way. */
	assert_int_equal(vigil_store_open(&s, dsn, 0), VIGIL_EDB);
}

static void test_insert_lookup(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_vuln v = { "alpine:v3.18",      "CVE-1",       "desc", "https://x/CVE-1",
		                      VIGIL_SEVERITY_HIGH, "{\"cvss\":9}" };
	int64_t unit;
	int known;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "alpine:v3.18", "apk"));
	OK(vigil_store_unit_replace(s, "alpine", "v3.18/main", NULL, &unit));
	OK(vigil_store_unit_namespace(s, unit, "alpine:v3.18"));
	OK(vigil_store_put_vulnerability(s, unit, &v));
	/* A later statement without details keeps them. */
	v.description = "";
	v.severity = VIGIL_SEVERITY_UNKNOWN;
	v.metadata = NULL;
	OK(vigil_store_put_vulnerability(s, unit, &v));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "openssl",
	                            VIGIL_AFFECTED_FIXED, "3.1.4-r1"));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "openssl",
	                            VIGIL_AFFECTED_FIXED, "3.0.12-r1"));
	/* An identical statement is ignored. */
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "openssl",
	                            VIGIL_AFFECTED_FIXED, "3.1.4-r1"));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-0", "openssl",
	                            VIGIL_AFFECTED_NOT_AFFECTED, "ignored"));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-3", "openssl",
	                            VIGIL_AFFECTED_UNFIXED, NULL));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "curl", VIGIL_AFFECTED_FIXED,
	                            "8.0-r0"));
	OK(vigil_store_feed_finish(s, "alpine", "https://secdb/", "T"));
	OK(vigil_store_commit(s));

	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"),
	                    "CVE-0 2  alpine Unknown;"
	                    "CVE-1 0 3.0.12-r1 alpine High;CVE-1 0 3.1.4-r1 alpine High;"
	                    "CVE-3 1  alpine Unknown;");
	assert_string_equal(lookup(s, "alpine:v3.18", "nothing"), "");
	assert_string_equal(lookup(s, "alpine:v3.17", "openssl"), "");
	OK(vigil_store_namespace_known(s, "alpine:v3.18", &known));
	assert_int_equal(known, 1);
	OK(vigil_store_namespace_known(s, "alpine:v3.17", &known));
	assert_int_equal(known, 0);
	vigil_store_close(s);
}

/* Byte order, whatever the server's locale: "B" < "a", "CVE-10" < "CVE-9". */
static void test_lookup_order(void **state)
{
	struct vigil_store *s = open_new();
	const char *ids[] = { "a-1", "CVE-9", "B-1", "CVE-10", "_x" };
	int64_t unit;
	size_t i;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "debian:12", "dpkg"));
	OK(vigil_store_unit_replace(s, "debian", "json", NULL, &unit));
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		OK(vigil_store_put_affected(s, unit, "debian:12", ids[i], "p",
		                            VIGIL_AFFECTED_UNFIXED, ""));
	OK(vigil_store_commit(s));
	assert_string_equal(lookup(s, "debian:12", "p"),
	                    "B-1 1  debian Unknown;CVE-10 1  debian Unknown;"
	                    "CVE-9 1  debian Unknown;_x 1  debian Unknown;a-1 1  debian Unknown;");
	vigil_store_close(s);
}

static int collect_full(const struct vigil_store_record *r, void *payload)
{
	vigil_buf *b = payload;

	return vigil_buf_printf(b, "%s|%s|%s|%s|%s|%s|%s|%s;", r->namespace_name, r->package,
	                        r->description, r->link, r->metadata ? r->metadata : "(null)",
	                        r->unit, r->arch, vigil_severity_name(r->severity));
}

static void test_details_and_metadata(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_vuln v = {
		"debian:12",    "CVE-9", "d \"q\" \\ {x,y}", "l", VIGIL_SEVERITY_CRITICAL,
		"{\"a\":[1,2]}"
	};
	vigil_buf b = VIGIL_BUF_INIT;
	int64_t unit;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "debian:12", "dpkg"));
	OK(vigil_store_unit_replace(s, "debian", "json", NULL, &unit));
	OK(vigil_store_put_vulnerability(s, unit, &v));
	OK(vigil_store_put_affected(s, unit, "debian:12", "CVE-9", "glibc", VIGIL_AFFECTED_UNFIXED,
	                            ""));
	/* No metadata: NULL comes back as NULL. */
	v.name = "CVE-8";
	v.metadata = NULL;
	v.description = "";
	OK(vigil_store_put_vulnerability(s, unit, &v));
	OK(vigil_store_put_affected(s, unit, "debian:12", "CVE-8", "glibc", VIGIL_AFFECTED_UNFIXED,
	                            ""));
	OK(vigil_store_commit(s));
	assert_int_equal(vigil_store_lookup(s, "debian:12", "glibc", collect, &b), 0);
	assert_string_equal(b.ptr, "CVE-8 1  debian Critical;CVE-9 1  debian Critical;");
	vigil_buf_reset(&b);
	assert_int_equal(vigil_store_lookup(s, "debian:12", "glibc", collect_full, &b), 0);
	assert_string_equal(b.ptr,
	                    "debian:12|glibc||l|(null)|json||Critical;"
	                    "debian:12|glibc|d \"q\" \\ {x,y}|l|{\"a\":[1,2]}|json||Critical;");
	vigil_buf_release(&b);
	vigil_store_close(s);
}

/* Details merge over several puts of one key in one transaction, and across imports. */
static void test_vulnerability_merge(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_vuln v = { "debian:12", "CVE-5", "first", "", VIGIL_SEVERITY_LOW, NULL };
	vigil_buf b = VIGIL_BUF_INIT;
	int64_t unit;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "debian:12", "dpkg"));
	OK(vigil_store_unit_replace(s, "debian", "json", NULL, &unit));
	OK(vigil_store_put_affected(s, unit, "debian:12", "CVE-5", "p", VIGIL_AFFECTED_UNFIXED,
	                            ""));
	OK(vigil_store_put_vulnerability(s, unit, &v));
	v.description = "";
	v.link = "https://l";
	v.severity = VIGIL_SEVERITY_UNKNOWN;
	v.metadata = "{\"m\":1}";
	OK(vigil_store_put_vulnerability(s, unit, &v));
	v.description = "second";
	v.link = "";
	v.severity = VIGIL_SEVERITY_MEDIUM;
	v.metadata = NULL;
	OK(vigil_store_put_vulnerability(s, unit, &v));
	OK(vigil_store_commit(s));
	assert_int_equal(vigil_store_lookup(s, "debian:12", "p", collect_full, &b), 0);
	assert_string_equal(b.ptr, "debian:12|p|second|https://l|{\"m\":1}|json||Medium;");
	vigil_buf_release(&b);
	vigil_store_close(s);
}

static void test_rollback_keeps_old_data(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;
	int64_t unit;

	(void)state;
	import_unit(s, "u1", "1.0-r0");
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	/* Replace the unit, write new rows, then roll back. */
	OK(vigil_store_begin(s));
	OK(vigil_store_unit_replace(s, "test", "u1", NULL, &unit));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-7", "openssl",
	                            VIGIL_AFFECTED_FIXED, "9"));
	/* The transaction reads its own writes. */
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-7 0 9 test Unknown;");
	OK(vigil_store_rollback(s));
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	/* Closing with an open transaction rolls back too. */
	OK(vigil_store_begin(s));
	OK(vigil_store_feed_clear(s, "test"));
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "");
	vigil_store_close(s);
	s = reopen();
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	OK(vigil_store_status(s, &st));
	assert_int_equal(st.nfeeds, 1);
	assert_int_equal(st.feeds[0].records, 1);
	vigil_store_status_release(&st);
	vigil_store_close(s);
}

static void test_unit_replacement_and_status(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;

	(void)state;
	import_unit(s, "u1", "1.0-r0");
	import_unit(s, "u2", "2.0-r0");
	/* u1 again: its old row goes, u2's stays. */
	import_unit(s, "u1", "1.5-r0");
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"),
	                    "CVE-2 0 1.5-r0 test Unknown;CVE-2 0 2.0-r0 test Unknown;");
	OK(vigil_store_status(s, &st));
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "test");
	assert_string_equal(st.feeds[0].source, "https://example.test/");
	assert_string_equal(st.feeds[0].upstream_date, "2024-01-02T03:04:05Z");
	assert_string_equal(st.feeds[0].imported_at, "T");
	assert_int_equal(st.feeds[0].vulnerabilities, 1);
	assert_int_equal(st.feeds[0].records, 1); /* one (namespace, package, ID) */
	assert_int_equal(st.feeds[0].nnamespaces, 1);
	assert_string_equal(st.feeds[0].namespaces[0], "alpine:v3.18");
	vigil_store_status_release(&st);
	/* Clearing the feed removes both units. */
	OK(vigil_store_begin(s));
	OK(vigil_store_feed_clear(s, "test"));
	OK(vigil_store_feed_finish(s, "test", "", "T2"));
	OK(vigil_store_commit(s));
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "");
	OK(vigil_store_status(s, &st));
	assert_int_equal(st.feeds[0].records, 0);
	assert_int_equal(st.feeds[0].nnamespaces, 0);
	vigil_store_status_release(&st);
	vigil_store_close(s);
}

/* A unit replaced twice in one transaction keeps only what followed the second. */
static void test_unit_replaced_twice_in_one_transaction(void **state)
{
	struct vigil_store *s = open_new();
	int64_t unit;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "alpine:v3.18", "apk"));
	OK(vigil_store_unit_replace(s, "test", "u1", NULL, &unit));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-A", "p", VIGIL_AFFECTED_FIXED,
	                            "1"));
	OK(vigil_store_unit_replace(s, "test", "u1", NULL, &unit));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-B", "p", VIGIL_AFFECTED_FIXED,
	                            "2"));
	OK(vigil_store_feed_finish(s, "test", "", "T"));
	OK(vigil_store_commit(s));
	assert_string_equal(lookup(s, "alpine:v3.18", "p"), "CVE-B 0 2 test Unknown;");
	vigil_store_close(s);
}

/* Records in a namespace the unit never declared still go when it is replaced. */
static void test_replace_finds_undeclared_namespace(void **state)
{
	struct vigil_store *s = open_new();
	int64_t unit;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "alpine:v3.1", "apk"));
	OK(vigil_store_put_namespace(s, "alpine:v3.2", "apk"));
	OK(vigil_store_unit_replace(s, "f", "k", NULL, &unit));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.1", "CVE-1", "a", VIGIL_AFFECTED_UNFIXED,
	                            ""));
	OK(vigil_store_put_affected(s, unit, "alpine:v3.2", "CVE-1", "a", VIGIL_AFFECTED_UNFIXED,
	                            ""));
	OK(vigil_store_commit(s));
	assert_string_equal(lookup(s, "alpine:v3.2", "a"), "CVE-1 1  f Unknown;");
	OK(vigil_store_begin(s));
	OK(vigil_store_unit_replace(s, "f", "k", NULL, &unit));
	OK(vigil_store_commit(s));
	assert_string_equal(lookup(s, "alpine:v3.1", "a"), "");
	assert_string_equal(lookup(s, "alpine:v3.2", "a"), "");
	vigil_store_close(s);
}

static void test_status_natural_order(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;
	const char *ns[] = { "alpine:v3.10", "alpine:edge", "alpine:v3.9", "alpine:v3.2" };
	int64_t unit;
	size_t i;

	(void)state;
	OK(vigil_store_begin(s));
	for (i = 0; i < 4; i++) {
		OK(vigil_store_put_namespace(s, ns[i], "apk"));
		OK(vigil_store_unit_replace(s, "alpine", ns[i], NULL, &unit));
		OK(vigil_store_unit_namespace(s, unit, ns[i]));
	}
	OK(vigil_store_feed_finish(s, "alpine", "", ""));
	OK(vigil_store_commit(s));
	OK(vigil_store_status(s, &st));
	assert_int_equal(st.feeds[0].nnamespaces, 4);
	assert_string_equal(st.feeds[0].namespaces[0], "alpine:edge");
	assert_string_equal(st.feeds[0].namespaces[1], "alpine:v3.2");
	assert_string_equal(st.feeds[0].namespaces[2], "alpine:v3.9");
	assert_string_equal(st.feeds[0].namespaces[3], "alpine:v3.10");
	vigil_store_status_release(&st);
	vigil_store_close(s);
}

static void test_layer_cache(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_layer l = { "sha256:aa", NULL, "alpine:v3.18", "[{\"Name\":\"musl\"}]",
		                       3 };
	vigil_buf ns = VIGIL_BUF_INIT, pk = VIGIL_BUF_INIT;
	int engine = 0;

	(void)state;
	assert_int_equal(vigil_store_layer_get(s, "sha256:aa", &ns, &pk, &engine), VIGIL_ENOTFOUND);
	OK(vigil_store_layer_put(s, &l));
	OK(vigil_store_layer_get(s, "sha256:aa", &ns, &pk, &engine));
	assert_string_equal(ns.ptr, "alpine:v3.18");
	assert_string_equal(pk.ptr, "[{\"Name\":\"musl\"}]");
	assert_int_equal(engine, 3);
	l.namespace_name = NULL;
	l.packages = "[]";
	l.parent = "sha256:bb";
	OK(vigil_store_layer_put(s, &l));
	OK(vigil_store_layer_get(s, "sha256:aa", &ns, &pk, &engine));
	assert_string_equal(ns.ptr, "");
	assert_string_equal(pk.ptr, "[]");
	vigil_buf_release(&ns);
	vigil_buf_release(&pk);
	vigil_store_close(s);
}

static int collect_source(const struct vigil_store_source *src, void *payload)
{
	vigil_buf *b = payload;

	return vigil_buf_printf(b, "%s %s %s %s %s;", src->key, src->location, src->etag,
	                        src->last_modified, src->digest);
}

static void test_sources(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_source a = { "b/x.json", "https://h/x", "\"e1\"", "2024-01-01T00:00:00Z",
		                        "sha256:1" };
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_source_put(s, "alpine", &a));
	a.key = "a/y.json";
	OK(vigil_store_source_put(s, "alpine", &a));
	a.etag = "\"e2\"";
	OK(vigil_store_source_put(s, "alpine", &a)); /* replaces */
	OK(vigil_store_commit(s));
	OK(vigil_store_sources(s, "alpine", collect_source, &b));
	assert_string_equal(b.ptr, "a/y.json https://h/x \"e2\" 2024-01-01T00:00:00Z sha256:1;"
	                           "b/x.json https://h/x \"e1\" 2024-01-01T00:00:00Z sha256:1;");
	vigil_buf_reset(&b);
	OK(vigil_store_sources(s, "debian", collect_source, &b));
	assert_string_equal(b.ptr, "");
	vigil_buf_release(&b);
	vigil_store_close(s);
}

static int collect_arch(const struct vigil_store_record *r, void *payload)
{
	vigil_buf *b = payload;

	return vigil_buf_printf(b, "%s %s [%s];", r->vuln, r->fixed_version, r->arch);
}

static void test_affected_arch_merge(void **state)
{
	struct vigil_store *s = open_new();
	vigil_buf b = VIGIL_BUF_INIT;
	int64_t unit;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "rhel:9", "rpm"));
	OK(vigil_store_unit_replace(s, "oval", "rhel-9", NULL, &unit));
	OK(vigil_store_put_affected_arch(s, unit, "rhel:9", "CVE-1", "k", VIGIL_AFFECTED_FIXED, "1",
	                                 "x86_64"));
	OK(vigil_store_put_affected_arch(s, unit, "rhel:9", "CVE-1", "k", VIGIL_AFFECTED_FIXED, "1",
	                                 "aarch64"));
	OK(vigil_store_put_affected_arch(s, unit, "rhel:9", "CVE-1", "k", VIGIL_AFFECTED_FIXED, "1",
	                                 "x86_64"));
	OK(vigil_store_put_affected_arch(s, unit, "rhel:9", "CVE-2", "k", VIGIL_AFFECTED_FIXED, "1",
	                                 "s390x"));
	OK(vigil_store_put_affected_arch(s, unit, "rhel:9", "CVE-2", "k", VIGIL_AFFECTED_FIXED, "1",
	                                 NULL));
	OK(vigil_store_put_affected_arch(s, unit, "rhel:9", "CVE-2", "k", VIGIL_AFFECTED_FIXED, "1",
	                                 "ppc64le"));
	/* A plain put of the same key after an arch one changes nothing. */
	OK(vigil_store_put_affected(s, unit, "rhel:9", "CVE-1", "k", VIGIL_AFFECTED_FIXED, "1"));
	OK(vigil_store_commit(s));
	OK(vigil_store_lookup(s, "rhel:9", "k", collect_arch, &b));
	assert_string_equal(b.ptr, "CVE-1 1 [x86_64|aarch64];CVE-2 1 [];");
	vigil_buf_release(&b);
	vigil_store_close(s);
}

static int collect_range(const struct vigil_store_range *r, void *payload)
{
	vigil_buf *b = payload;

	return vigil_buf_printf(b, "%s %d %s %s %s %s;", r->vuln, r->seq, r->ranges, r->versions,
	                        r->feed, vigil_severity_name(r->severity));
}

static void test_ranges_and_aliases(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_vuln v = { "pypi", "GHSA-1", "d", "l", VIGIL_SEVERITY_HIGH, NULL };
	struct vigil_store_status st;
	vigil_buf b = VIGIL_BUF_INIT;
	int64_t unit;

	(void)state;
	OK(vigil_store_begin(s));
	OK(vigil_store_put_namespace(s, "pypi", "pep440"));
	OK(vigil_store_unit_replace(s, "osv", "GHSA-1.json", NULL, &unit));
	OK(vigil_store_put_vulnerability(s, unit, &v));
	OK(vigil_store_put_range(s, unit, "pypi", "GHSA-1", "django", 1,
	                         "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]",
	                         NULL));
	OK(vigil_store_put_range(s, unit, "pypi", "GHSA-1", "django", 0, NULL, "[\"1.0\"]"));
	OK(vigil_store_put_range(s, unit, "pypi", "GHSA-1", "django", 0, "[]", "[\"ignored\"]"));
	OK(vigil_store_put_alias(s, unit, "GHSA-1", "CVE-2024-1"));
	OK(vigil_store_put_alias(s, unit, "GHSA-1", "CVE-2024-1"));
	OK(vigil_store_feed_finish(s, "osv", "", "T"));
	OK(vigil_store_commit(s));
	OK(vigil_store_lookup_ranges(s, "pypi", "django", collect_range, &b));
	assert_string_equal(
	        b.ptr, "GHSA-1 0 [] [\"1.0\"] osv High;"
	               "GHSA-1 1 [{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}] "
	               "[] osv High;");
	OK(vigil_store_status(s, &st));
	assert_int_equal(st.feeds[0].records, 1);
	assert_int_equal(st.feeds[0].vulnerabilities, 1);
	vigil_store_status_release(&st);
	/* Replacing the unit drops its ranges. */
	OK(vigil_store_begin(s));
	OK(vigil_store_unit_replace(s, "osv", "GHSA-1.json", NULL, &unit));
	OK(vigil_store_commit(s));
	vigil_buf_reset(&b);
	OK(vigil_store_lookup_ranges(s, "pypi", "django", collect_range, &b));
	assert_string_equal(b.ptr, "");
	vigil_buf_release(&b);
	vigil_store_close(s);
}

/* A reader on another handle sees the old data until the import commits. */
static void test_reader_sees_old_data_during_import(void **state)
{
	struct vigil_store *w = open_new(), *r;
	struct vigil_store_status st;
	int64_t unit;

	(void)state;
	import_unit(w, "u1", "1.0-r0");
	r = reopen();
	OK(vigil_store_begin(w));
	OK(vigil_store_feed_clear(w, "test"));
	OK(vigil_store_unit_replace(w, "test", "u1", NULL, &unit));
	OK(vigil_store_put_affected(w, unit, "alpine:v3.18", "CVE-2", "openssl",
	                            VIGIL_AFFECTED_FIXED, "2.0-r0"));
	OK(vigil_store_feed_finish(w, "test", "https://new/", "T2"));
	assert_string_equal(lookup(w, "alpine:v3.18", "openssl"), "CVE-2 0 2.0-r0 test Unknown;");
	assert_string_equal(lookup(r, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	OK(vigil_store_status(r, &st));
	assert_string_equal(st.feeds[0].imported_at, "T");
	vigil_store_status_release(&st);
	OK(vigil_store_commit(w));
	assert_string_equal(lookup(r, "alpine:v3.18", "openssl"), "CVE-2 0 2.0-r0 test Unknown;");
	OK(vigil_store_status(r, &st));
	assert_string_equal(st.feeds[0].imported_at, "T2");
	vigil_store_status_release(&st);
	vigil_store_close(r);
	vigil_store_close(w);
}

static int count_second_pass(const struct vigil_store_record *r, void *payload)
{
	int *n = payload;

	if (strncmp(r->fixed_version, "1.", 2) != 0 || strcmp(r->package, "p7") != 0)
		return -1;
	++*n;
	return 0;
}

/* Enough rows for several batches, then every unit replaced. */
static void test_many_rows(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;
	char key[32], id[32], pkg[32], fix[32];
	int pass, i, j, n = 0;
	int64_t unit;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		OK(vigil_store_begin(s));
		OK(vigil_store_put_namespace(s, "ubuntu:22.04", "dpkg"));
		OK(vigil_store_put_namespace(s, "ubuntu:24.04", "dpkg"));
		for (i = 0; i < 3000; i++) {
			struct vigil_store_vuln v = { "ubuntu:22.04",     id,  "d", "l",
				                      VIGIL_SEVERITY_LOW, NULL };
			snprintf(key, sizeof(key), "CVE-%d/p%d", i, i % 50);
			snprintf(id, sizeof(id), "CVE-%d", i);
			OK(vigil_store_unit_replace(s, "ubuntu", key, NULL, &unit));
			OK(vigil_store_put_vulnerability(s, unit, &v));
			for (j = 0; j < 4; j++) {
				snprintf(pkg, sizeof(pkg), "p%d", i % 50);
				snprintf(fix, sizeof(fix), "%d.%d-%d", pass, j, i);
				OK(vigil_store_put_affected(s, unit,
				                            j % 2 ? "ubuntu:24.04" : "ubuntu:22.04",
				                            id, pkg, VIGIL_AFFECTED_FIXED, fix));
			}
		}
		OK(vigil_store_feed_finish(s, "ubuntu", "", "T"));
		OK(vigil_store_commit(s));
		OK(vigil_store_status(s, &st));
		assert_int_equal(st.feeds[0].records, 6000);
		assert_int_equal(st.feeds[0].vulnerabilities, 3000);
		assert_int_equal(st.feeds[0].nnamespaces, 2);
		vigil_store_status_release(&st);
	}
	/* i % 50 == 7: 60 IDs, two 24.04 statements each, all of the second pass. */
	OK(vigil_store_lookup(s, "ubuntu:24.04", "p7", count_second_pass, &n));
	assert_int_equal(n, 120);
	vigil_store_close(s);
}

/* A write the database refuses fails the put or the commit; the old data stays. */
static void test_failed_write_keeps_old_data(void **state)
{
	struct vigil_store *s = open_new();
	int64_t unit;
	int err;

	(void)state;
	import_unit(s, "u1", "1.0-r0");
	OK(vigil_store_begin(s));
	OK(vigil_store_unit_replace(s, "test", "u1", NULL, &unit));
	err = vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-9", "openssl",
	                               (enum vigil_affected_status)7, "");
	if (err == 0)
		err = vigil_store_commit(s);
	else
		vigil_store_rollback(s);
	assert_int_equal(err, VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "cannot store an affected record"));
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	/* The handle is usable again. */
	import_unit(s, "u1", "1.1-r0");
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.1-r0 test Unknown;");
	/* An unknown namespace is refused at once. */
	OK(vigil_store_begin(s));
	OK(vigil_store_unit_replace(s, "test", "u1", NULL, &unit));
	assert_int_equal(vigil_store_put_affected(s, unit, "nowhere:1", "CVE-9", "p",
	                                          VIGIL_AFFECTED_UNFIXED, ""),
	                 VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "unknown namespace 'nowhere:1'"));
	OK(vigil_store_rollback(s));
	vigil_store_close(s);
}

/* ---- store.c: DSN dispatch and messages ---- */

static void test_dsn_dispatch(void **state)
{
	(void)state;
	assert_true(vigil_store_dsn_is_postgres("postgres://u@h/db"));
	assert_true(vigil_store_dsn_is_postgres("postgresql://h/db?sslmode=disable"));
	assert_true(vigil_store_dsn_is_postgres("host=db dbname=vigil"));
	assert_true(vigil_store_dsn_is_postgres("dbname=vigil"));
	assert_true(vigil_store_dsn_is_postgres("host=/var/run/postgresql dbname=vigil"));
	assert_false(vigil_store_dsn_is_postgres("/var/lib/vigil/vigil.db"));
	assert_false(vigil_store_dsn_is_postgres("./a=b/vigil.db"));
	assert_false(vigil_store_dsn_is_postgres("vigil.db"));
	assert_false(vigil_store_dsn_is_postgres("postgres.db"));
	assert_false(vigil_store_dsn_is_postgres(""));
	assert_false(vigil_store_dsn_is_postgres(NULL));
}

/* A schema version means the same tables on both backends. */
static void test_migration_sets_match(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(vigil_store_sqlite_migration_count, vigil_store_postgres_migration_count);
	for (i = 0; i < vigil_store_sqlite_migration_count; i++) {
		assert_int_equal(vigil_store_sqlite_migrations[i].version, (int)i + 1);
		assert_int_equal(vigil_store_postgres_migrations[i].version, (int)i + 1);
		assert_string_equal(vigil_store_sqlite_migrations[i].name,
		                    vigil_store_postgres_migrations[i].name);
	}
}

#ifdef VIGIL_HAVE_POSTGRES
/* Nothing listens on port 1: the connection fails, and the message keeps no password. */
static void expect_refused(const char *d, const char *shown)
{
	struct vigil_store *s = NULL;

	assert_int_equal(vigil_store_open(&s, d, VIGIL_STORE_CREATE), VIGIL_EDB);
	assert_null(s);
	assert_null(strstr(vigil_error_last(), "secret"));
	assert_null(strchr(vigil_error_last(), '\n'));
	if (!strstr(vigil_error_last(), shown))
		fail_msg("'%s' not in '%s'", shown, vigil_error_last());
}

static void test_postgres_messages(void **state)
{
	(void)state;
	expect_refused("postgres://u:secret@127.0.0.1:1/db",
	               "database 'postgres://u@127.0.0.1:1/db': cannot connect: ");
	expect_refused("postgresql://u:secret@127.0.0.1:1/db?password=secret&connect_timeout=5",
	               "database 'postgresql://u@127.0.0.1:1/db?connect_timeout=5'");
	expect_refused("host=127.0.0.1 port=1 user=u password=secret dbname=x",
	               "database 'host=127.0.0.1 port=1 user=u dbname=x'");
	expect_refused("password='a secret' host=127.0.0.1 port=1 dbname=x",
	               "database 'host=127.0.0.1 port=1 dbname=x'");
	expect_refused("host=127.0.0.1 port=1 dbname=x", "connection to server at");
}

/* The key=value form of VIGIL_PG_KV reaches the same database as the URL. */
static void test_postgres_key_value_dsn(void **state)
{
	const char *kv = getenv("VIGIL_PG_KV");
	struct vigil_store *s = NULL;
	int v = 0;

	(void)state;
	if (!kv || !*kv)
		skip();
	OK(vigil_store_open(&s, kv, VIGIL_STORE_CREATE));
	OK(vigil_store_schema_version(s, &v));
	assert_int_equal(v, (int)vigil_store_postgres_migration_count);
	vigil_store_close(s);
}
#endif

#define CASES                                                                                      \
	cmocka_unit_test_setup(test_migrations, setup),                                            \
	        cmocka_unit_test_setup(test_refuses_newer_schema, setup),                          \
	        cmocka_unit_test_setup(test_missing_database, setup),                              \
	        cmocka_unit_test_setup(test_insert_lookup, setup),                                 \
	        cmocka_unit_test_setup(test_lookup_order, setup),                                  \
	        cmocka_unit_test_setup(test_details_and_metadata, setup),                          \
	        cmocka_unit_test_setup(test_vulnerability_merge, setup),                           \
	        cmocka_unit_test_setup(test_rollback_keeps_old_data, setup),                       \
	        cmocka_unit_test_setup(test_unit_replacement_and_status, setup),                   \
	        cmocka_unit_test_setup(test_unit_replaced_twice_in_one_transaction, setup),        \
	        cmocka_unit_test_setup(test_replace_finds_undeclared_namespace, setup),            \
	        cmocka_unit_test_setup(test_status_natural_order, setup),                          \
	        cmocka_unit_test_setup(test_layer_cache, setup),                                   \
	        cmocka_unit_test_setup(test_sources, setup),                                       \
	        cmocka_unit_test_setup(test_affected_arch_merge, setup),                           \
	        cmocka_unit_test_setup(test_ranges_and_aliases, setup),                            \
	        cmocka_unit_test_setup(test_reader_sees_old_data_during_import, setup),            \
	        cmocka_unit_test_setup(test_many_rows, setup),                                     \
	        cmocka_unit_test_setup(test_failed_write_keeps_old_data, setup)

static int wanted(const char *name)
{
	const char *only = getenv("VIGIL_STORE_BACKENDS");

	return !only || !*only || strstr(only, name) != NULL;
}

int main(void)
{
	const struct CMUnitTest store_tests[] = {
		cmocka_unit_test(test_dsn_dispatch),
		cmocka_unit_test(test_migration_sets_match),
#ifdef VIGIL_HAVE_POSTGRES
		cmocka_unit_test(test_postgres_messages),
#endif
	};
	const struct CMUnitTest sqlite_tests[] = { CASES };
	struct backend sq = sqlite_backend;
	char cmd[300];
	int rc = 0;

	if (!mkdtemp(dir))
		return 1;
	rc |= cmocka_run_group_tests_name("store", store_tests, NULL, NULL);
	if (wanted("sqlite")) {
		sq.last_migration =
		        vigil_store_sqlite_migrations[vigil_store_sqlite_migration_count - 1]
		                .version;
		be = &sq;
		rc |= cmocka_run_group_tests_name("contract/sqlite", sqlite_tests, NULL, NULL);
	}
#ifdef VIGIL_HAVE_POSTGRES
	pg_base = getenv("VIGIL_PG_DSN");
	if (pg_base && *pg_base && wanted("postgres")) {
		const struct CMUnitTest pg_tests[] = {
			CASES,
			cmocka_unit_test(test_postgres_key_value_dsn),
		};
		struct backend pg = pg_backend;

		pg.last_migration =
		        vigil_store_postgres_migrations[vigil_store_postgres_migration_count - 1]
		                .version;
		be = &pg;
		seq = 0;
		rc |= cmocka_run_group_tests_name("contract/postgres", pg_tests, NULL,
		                                  pg_group_teardown);
	}
#endif
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
