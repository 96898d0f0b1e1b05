/*
 * The statement layer (sql.h) on SQLite: sqlite3 prepared statements,
 * which already speak ?N.
 *
 * Writers of this process take turns on a mutex before BEGIN IMMEDIATE:
 * SQLite's busy handler would make them poll with sleeps of up to 100 ms
 * (long tails under concurrent layer POSTs). Other processes sharing the
 * file still meet the busy timeout.
 */
#include "sql.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <pthread.h>
#include <stdlib.h>
#include <sqlite3.h>

struct sq_sql {
	struct vigil_sql base;
	sqlite3 *db;
};

struct sq_stmt {
	struct vigil_sql_stmt base;
	sqlite3_stmt *st;
	int64_t changes;
};

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static sqlite3 *DB(struct vigil_sql *db)
{
	return ((struct sq_sql *)db)->db;
}

static struct sq_stmt *ST(struct vigil_sql_stmt *st)
{
	return (struct sq_stmt *)st;
}

static int fail(struct vigil_sql *db)
{
	return vigil_error_set(VIGIL_EDB, "%s", sqlite3_errmsg(DB(db)));
}

static void sq_close(struct vigil_sql *db)
{
	vigil_free(db);
}

static int sq_prepare(struct vigil_sql *db, const char *sql, struct vigil_sql_stmt **out)
{
	struct sq_stmt *s = vigil_calloc(1, sizeof(*s));

	if (sqlite3_prepare_v3(DB(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) !=
	    SQLITE_OK) {
		vigil_free(s);
		return fail(db);
	}
	s->base.db = db;
	*out = &s->base;
	return 0;
}

static void sq_finalize(struct vigil_sql_stmt *st)
{
	sqlite3_finalize(ST(st)->st);
	vigil_free(st);
}

static void sq_reset(struct vigil_sql_stmt *st)
{
	sqlite3_reset(ST(st)->st);
	sqlite3_clear_bindings(ST(st)->st);
	ST(st)->changes = 0;
}

static void sq_bind_text(struct vigil_sql_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(ST(st)->st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(ST(st)->st, i);
}

static void sq_bind_int64(struct vigil_sql_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(ST(st)->st, i, v);
}

static int sq_step(struct vigil_sql_stmt *st)
{
	int rc = sqlite3_step(ST(st)->st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		ST(st)->changes = sqlite3_changes64(DB(st->db));
		return 0;
	}
	return fail(st->db);
}

static const char *sq_column_text(struct vigil_sql_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(ST(st)->st, i);
}

/*
 * An INTEGER value as it is, without the text form column_text() would
 * make; any other value through that text, as the backends without this op.
 */
static int64_t sq_column_int64(struct vigil_sql_stmt *st, int i)
{
	const char *t;

	if (sqlite3_column_type(ST(st)->st, i) == SQLITE_INTEGER)
		return sqlite3_column_int64(ST(st)->st, i);
	t = sq_column_text(st, i);
	return t ? strtoll(t, NULL, 10) : 0;
}

static int64_t sq_changes(struct vigil_sql_stmt *st)
{
	return ST(st)->changes;
}

static int sq_exec(struct vigil_sql *db, const char *sql)
{
	return sqlite3_exec(DB(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(db);
}

static int sq_begin(struct vigil_sql *db)
{
	int err;

	pthread_mutex_lock(&write_lock);
	if ((err = sq_exec(db, "BEGIN IMMEDIATE")) < 0)
		pthread_mutex_unlock(&write_lock);
	return err;
}

static int sq_end(struct vigil_sql *db, int commit)
{
	int err = 0;

	if (!commit || (err = sq_exec(db, "COMMIT")) < 0)
		sqlite3_exec(DB(db), "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&write_lock);
	return err;
}

static int sq_alive(struct vigil_sql *db)
{
	return 1;
}

static const struct vigil_sql_ops sqlite_sql_ops = {
	.name = "sqlite",
	.close = sq_close,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.step = sq_step,
	.column_text = sq_column_text,
	.column_int64 = sq_column_int64,
	.changes = sq_changes,
	.exec = sq_exec,
	.begin = sq_begin,
	.end = sq_end,
	.alive = sq_alive,
};

int vigil_sql__sqlite_open(struct vigil_sql **out, void *sqlite3_handle)
{
	struct sq_sql *db = vigil_calloc(1, sizeof(*db));

	db->base.ops = &sqlite_sql_ops;
	db->db = sqlite3_handle;
	*out = &db->base;
	return 0;
}
