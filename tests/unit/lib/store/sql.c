/*
 * The statement layer (src/lib/store/sql.h) on both backends (SQLite always,
 * PostgreSQL with VIGIL_PG_DSN: tests/e2e/clair_state_pg.sh): ?N parameters
 * (a '?1' inside quotes stays text), text, int64 and NULL values, rows,
 * changes, RETURNING, a rolled-back transaction; and the schema of the Clair
 * tables (migrations 7 and 8), column by column and index by index, the same
 * on both backends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/store/store.h"
#include "lib/store/sql.h"
#include "helpers/dbtest.h"

static const char *backend;

struct conn {
	struct vigil_store *store;
	struct vigil_sql *db;
};

static void conn_open(struct conn *c)
{
	char dsn[1024];

	dbtest_fresh(backend, dsn, sizeof(dsn));
	assert_int_equal(vigil_store_open(&c->store, dsn, VIGIL_STORE_CREATE), 0);
	assert_int_equal(vigil_sql_open(&c->db, c->store), 0);
	assert_string_equal(vigil_sql_backend(c->db), backend);
}

static void conn_close(struct conn *c)
{
	vigil_sql_free(c->db);
	vigil_store_close(c->store);
}

static void test_values_and_rows(void **state)
{
	struct conn c;
	struct vigil_sql_stmt *ins, *sel;
	int i;

	(void)state;
	conn_open(&c);
	assert_int_equal(vigil_sql_exec(c.db, "CREATE TABLE t (id INTEGER PRIMARY KEY, "
	                                      "a TEXT, b BIGINT)"),
	                 0);
	assert_int_equal(vigil_sql_prepare(c.db,
	                                   "INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3) "
	                                   "ON CONFLICT (id) DO NOTHING RETURNING id",
	                                   &ins),
	                 0);
	for (i = 1; i <= 3; i++) {
		vigil_sql_reset(ins);
		vigil_sql_bind_int64(ins, 1, i);
		vigil_sql_bind_text(ins, 2, i == 2 ? NULL : "x'?1\"");
		vigil_sql_bind_int64(ins, 3, (int64_t)i << 40);
		assert_int_equal(vigil_sql_step(ins), 1);
		assert_int_equal(vigil_sql_column_int64(ins, 0), i);
		assert_int_equal(vigil_sql_step(ins), 0);
	}
	vigil_sql_reset(ins); /* a conflict: no row back */
	vigil_sql_bind_int64(ins, 1, 1);
	vigil_sql_bind_null(ins, 2);
	vigil_sql_bind_int64(ins, 3, 0);
	assert_int_equal(vigil_sql_step(ins), 0);
	assert_int_equal(vigil_sql_changes(ins), 0);

	/* '?1' in quotes is text, not a parameter */
	assert_int_equal(vigil_sql_prepare(c.db,
	                                   "SELECT id, a, b, '?1' FROM t WHERE b >= ?1 "
	                                   "ORDER BY id",
	                                   &sel),
	                 0);
	vigil_sql_bind_int64(sel, 1, (int64_t)2 << 40);
	assert_int_equal(vigil_sql_step(sel), 1);
	assert_int_equal(vigil_sql_column_int64(sel, 0), 2);
	assert_null(vigil_sql_column_text(sel, 1));
	assert_string_equal(vigil_sql_column_text(sel, 3), "?1");
	assert_int_equal(vigil_sql_step(sel), 1);
	assert_string_equal(vigil_sql_column_text(sel, 1), "x'?1\"");
	assert_int_equal(vigil_sql_column_int64(sel, 2), (int64_t)3 << 40);
	assert_int_equal(vigil_sql_step(sel), 0);
	vigil_sql_reset(sel);

	/* a failed transaction leaves nothing */
	assert_int_equal(vigil_sql_begin(c.db), 0);
	assert_int_equal(vigil_sql_exec(c.db, "DELETE FROM t"), 0);
	assert_int_equal(vigil_sql_finish(c.db, VIGIL_EINVALID), VIGIL_EINVALID);
	vigil_sql_bind_int64(sel, 1, 0);
	for (i = 0; vigil_sql_step(sel) == 1; i++)
		;
	assert_int_equal(i, 3);

	/* errors carry the backend's message */
	assert_int_equal(vigil_sql_exec(c.db, "SELECT * FROM nope"), VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "nope"));
	vigil_sql_finalize(ins);
	vigil_sql_finalize(sel);
	conn_close(&c);
}

/* One row's names, comma-separated, of a one-column query about table `t`. */
static void names(struct conn *c, const char *sql, const char *t, char *out, size_t n)
{
	struct vigil_sql_stmt *st;

	out[0] = '\0';
	assert_int_equal(vigil_sql_prepare(c->db, sql, &st), 0);
	vigil_sql_bind_text(st, 1, t);
	while (vigil_sql_step(st) == 1) {
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s,", vigil_sql_column_text(st, 0));
	}
	vigil_sql_finalize(st);
}

static void test_clair_schema(void **state)
{
	static const char *const want[][3] = {
		{ "clair_layer", "id,name,parent_id,namespace,engine,created_at,",
		  "clair_layer_parent," },
		{ "clair_layer_feature",
		  "layer_id,namespace,name,version,version_format,added_by,source_name,added_by_"
		  "name,",
		  "clair_layer_feature_name," },
		{ "clair_vulnerability",
		  "id,namespace,name,description,link,severity,metadata,created_at,deleted_at,",
		  "clair_vulnerability_name," },
		{ "clair_fixedin", "vulnerability_id,namespace,name,version,version_format,",
		  "clair_fixedin_feature," },
		{ "clair_notification", "id,name,created_at,notified_at,deleted_at,old_id,new_id,",
		  "" },
		{ "clair_kv", "key,value,", "" },
		{ "clair_lease", "name,owner,expires_at,", "" },
	};
	int pg = strcmp(backend, "postgres") == 0;
	const char *cols = pg ? "SELECT column_name FROM information_schema.columns WHERE "
	                        "table_name = ?1 AND table_schema = current_schema() "
	                        "ORDER BY ordinal_position"
	                      : "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
	/* Named indexes only: not the ones of PRIMARY KEY and UNIQUE. */
	const char *idx = pg ? "SELECT indexname FROM pg_indexes WHERE tablename = ?1 AND "
	                       "schemaname = current_schema() AND indexname NOT LIKE '%_pkey' "
	                       "AND indexname NOT LIKE '%_key' ORDER BY indexname"
	                     : "SELECT name FROM sqlite_master WHERE type = 'index' AND "
	                       "tbl_name = ?1 AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY name";
	struct conn c;
	char got[512];
	size_t i;

	(void)state;
	conn_open(&c);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		names(&c, cols, want[i][0], got, sizeof(got));
		assert_string_equal(got, want[i][1]);
		names(&c, idx, want[i][0], got, sizeof(got));
		assert_string_equal(got, want[i][2]);
	}
	conn_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_rows),
		cmocka_unit_test(test_clair_schema),
	};
	int rc = dbtest_run("sql", tests, sizeof(tests) / sizeof(tests[0]), NULL, NULL, &backend);

	dbtest_cleanup();
	return rc;
}
