/* Fresh databases of both store backends for unit tests (dbtest.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef VIGIL_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

#include "helpers/dbtest.h"

static char dir[] = "/tmp/vigil-dbtest.XXXXXX";
static int have_dir, seq, pg_schemas;

static const char *pg_base(void)
{
	const char *b = getenv("VIGIL_PG_DSN");

	return b && *b ? b : NULL;
}

int dbtest_wanted(const char *backend)
{
	const char *only = getenv("VIGIL_STORE_BACKENDS");

	if (only && *only && !strstr(only, backend))
		return 0;
	if (strcmp(backend, "sqlite") == 0)
		return 1;
#ifdef VIGIL_HAVE_POSTGRES
	return strcmp(backend, "postgres") == 0 && pg_base() != NULL;
#else
	return 0;
#endif
}

#ifdef VIGIL_HAVE_POSTGRES
static void quiet(void *payload, const char *msg)
{
	(void)payload;
	(void)msg;
}

static void pg_exec(const char *sql)
{
	PGconn *c = PQconnectdb(pg_base());
	PGresult *r;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQsetNoticeProcessor(c, quiet, NULL);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void pg_fresh(char *dsn, size_t n)
{
	const char *base = pg_base();
	char schema[64], sql[128];

	snprintf(schema, sizeof(schema), "vigil_dbtest_%d_%d", (int)getpid(), pg_schemas++);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	pg_exec(sql);
	if (strstr(base, "://"))
		snprintf(dsn, n, "%s%coptions=-csearch_path%%3D%s", base,
		         strchr(base, '?') ? '&' : '?', schema);
	else
		snprintf(dsn, n, "%s options='-csearch_path=%s'", base, schema);
}
#endif

void dbtest_fresh(const char *backend, char *dsn, size_t n)
{
#ifdef VIGIL_HAVE_POSTGRES
	if (strcmp(backend, "postgres") == 0) {
		pg_fresh(dsn, n);
		return;
	}
#endif
	assert_string_equal(backend, "sqlite");
	if (!have_dir)
		assert_non_null(mkdtemp(dir));
	have_dir = 1;
	snprintf(dsn, n, "%s/t%d/vigil.db", dir, seq++);
}

void dbtest_cleanup(void)
{
	char cmd[128];
	int i;

#ifdef VIGIL_HAVE_POSTGRES
	for (i = 0; i < pg_schemas; i++) {
		snprintf(cmd, sizeof(cmd), "DROP SCHEMA IF EXISTS vigil_dbtest_%d_%d CASCADE",
		         (int)getpid(), i);
		pg_exec(cmd);
	}
#endif
	(void)i;
	if (have_dir) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "dbtest: cannot remove %s\n", dir);
	}
	pg_schemas = 0;
	have_dir = 0;
}

int dbtest_run(const char *name, const struct CMUnitTest *tests, size_t n,
               int (*setup)(void **state), int (*teardown)(void **state), const char **backend)
{
	static const char *const backends[] = { "sqlite", "postgres" };
	char group[96];
	size_t i;
	int rc = 0;

	for (i = 0; i < 2; i++) {
		if (!dbtest_wanted(backends[i]))
			continue;
		*backend = backends[i];
		snprintf(group, sizeof(group), "%s/%s", name, backends[i]);
		rc |= _cmocka_run_group_tests(group, tests, n, setup, teardown);
	}
	return rc;
}
