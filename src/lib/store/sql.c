/*
 * The statement layer's dispatch (sql.h): picks the backend from the store
 * and forwards each call to its ops.
 */
#include "sql.h"
#include "vigil/error.h"

#include <stdlib.h>

int vigil_sql_open(struct vigil_sql **out, struct vigil_store *store)
{
	void *h;

	*out = NULL;
	if ((h = vigil_store__sqlite_handle(store)) != NULL)
		return vigil_sql__sqlite_open(out, h);
#ifdef VIGIL_HAVE_POSTGRES
	if ((h = vigil_store__postgres_handle(store)) != NULL)
		return vigil_sql__postgres_open(out, h);
#endif
	return vigil_error_set(VIGIL_EUNSUPPORTED, "no SQL access to this store's backend");
}

void vigil_sql_free(struct vigil_sql *db)
{
	if (db)
		db->ops->close(db);
}

const char *vigil_sql_backend(const struct vigil_sql *db)
{
	return db->ops->name;
}

int vigil_sql_prepare(struct vigil_sql *db, const char *sql, struct vigil_sql_stmt **out)
{
	*out = NULL;
	return db->ops->prepare(db, sql, out);
}

void vigil_sql_finalize(struct vigil_sql_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

void vigil_sql_reset(struct vigil_sql_stmt *st)
{
	st->db->ops->reset(st);
}

void vigil_sql_bind_text(struct vigil_sql_stmt *st, int i, const char *v)
{
	st->db->ops->bind_text(st, i, v);
}

void vigil_sql_bind_int64(struct vigil_sql_stmt *st, int i, int64_t v)
{
	st->db->ops->bind_int64(st, i, v);
}

void vigil_sql_bind_null(struct vigil_sql_stmt *st, int i)
{
	st->db->ops->bind_text(st, i, NULL);
}

int vigil_sql_step(struct vigil_sql_stmt *st)
{
	return st->db->ops->step(st);
}

const char *vigil_sql_column_text(struct vigil_sql_stmt *st, int i)
{
	return st->db->ops->column_text(st, i);
}

int64_t vigil_sql_column_int64(struct vigil_sql_stmt *st, int i)
{
	const char *t;

	if (st->db->ops->column_int64)
		return st->db->ops->column_int64(st, i);
	t = st->db->ops->column_text(st, i);
	return t ? strtoll(t, NULL, 10) : 0;
}

int64_t vigil_sql_changes(struct vigil_sql_stmt *st)
{
	return st->db->ops->changes(st);
}

int vigil_sql_alive(struct vigil_sql *db)
{
	return db->ops->alive(db);
}

int vigil_sql_exec(struct vigil_sql *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int vigil_sql_begin(struct vigil_sql *db)
{
	return db->ops->begin(db);
}

int vigil_sql_finish(struct vigil_sql *db, int err)
{
	int e = db->ops->end(db, err >= 0);

	return err < 0 ? err : e;
}
