/*
 * Prepared statements over the store's own connection, one SQL text for both
 * backends: for code that keeps its own tables in the store's database (the
 * Clair API state, src/lib/clair/state.c).
 *
 * - SQL is written with ?1..?N parameters (SQLite's spelling); the
 *   PostgreSQL side (sql_postgres.c) rewrites them to $1..$N outside quotes.
 *   Each backend sticks to the SQL both accept: ON CONFLICT, RETURNING,
 *   WITH RECURSIVE. Values travel as text or int64; a NULL text binds NULL.
 * - vigil_sql_step() gives 1 for a row, 0 when done; column strings are
 *   borrowed until the next step or reset.
 * - vigil_sql_begin() starts a write transaction serialised with the other
 *   writers of the database (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
 *   transaction lock), so a read-then-write inside it sees no other writer.
 *
 * Every int function returns 0 (or 1 for a row) or VIGIL_EDB with the
 * backend's message (its first line) set. A handle and its statements are
 * used by one thread at a time, the store's.
 */
#ifndef VIGIL_STORE_SQL_H
#define VIGIL_STORE_SQL_H

#include "store.h"

#include <stdint.h>

struct vigil_sql;
struct vigil_sql_stmt;

/* One backend; sql_sqlite.c and sql_postgres.c. */
struct vigil_sql_ops {
	const char *name; /* "sqlite", "postgres" */
	void (*close)(struct vigil_sql *db);
	int (*prepare)(struct vigil_sql *db, const char *sql, struct vigil_sql_stmt **out);
	void (*finalize)(struct vigil_sql_stmt *st);
	void (*reset)(struct vigil_sql_stmt *st);
	void (*bind_text)(struct vigil_sql_stmt *st, int i, const char *v);
	void (*bind_int64)(struct vigil_sql_stmt *st, int i, int64_t v);
	int (*step)(struct vigil_sql_stmt *st);
	const char *(*column_text)(struct vigil_sql_stmt *st, int i);
	/* optional: column_text() and strtoll() otherwise */
	int64_t (*column_int64)(struct vigil_sql_stmt *st, int i);
	int64_t (*changes)(struct vigil_sql_stmt *st);
	int (*exec)(struct vigil_sql *db, const char *sql);
	int (*begin)(struct vigil_sql *db);
	int (*end)(struct vigil_sql *db, int commit);
	int (*alive)(struct vigil_sql *db);
};

/* Every backend's handle and statement start with these. */
struct vigil_sql {
	const struct vigil_sql_ops *ops;
};

struct vigil_sql_stmt {
	struct vigil_sql *db;
};

/**
 * A handle on the connection of `store` (borrowed: close the store after
 * vigil_sql_free()). Returns 0 or VIGIL_EUNSUPPORTED (a backend without it).
 */
int vigil_sql_open(struct vigil_sql **out, struct vigil_store *store) VIGIL_WARN_UNUSED;
/** Free the handle (not the store); finalize its statements first. NULL is fine. */
void vigil_sql_free(struct vigil_sql *db);
/** "sqlite" or "postgres". Static. */
const char *vigil_sql_backend(const struct vigil_sql *db);

/** Prepare `sql` (?N parameters). *out is freed with vigil_sql_finalize(). */
int vigil_sql_prepare(struct vigil_sql *db, const char *sql, struct vigil_sql_stmt **out);
void vigil_sql_finalize(struct vigil_sql_stmt *st);
/** Forget the last run's rows and every binding: ready to bind and step again. */
void vigil_sql_reset(struct vigil_sql_stmt *st);

/** Bind parameter ?i (from 1): text (NULL binds NULL), an int64, NULL. */
void vigil_sql_bind_text(struct vigil_sql_stmt *st, int i, const char *v);
void vigil_sql_bind_int64(struct vigil_sql_stmt *st, int i, int64_t v);
void vigil_sql_bind_null(struct vigil_sql_stmt *st, int i);

/** Run (first call) and move to the next row: 1 a row, 0 done, or VIGIL_EDB. */
int vigil_sql_step(struct vigil_sql_stmt *st);
/** Column i (from 0) of the current row: text or NULL for NULL (borrowed). */
const char *vigil_sql_column_text(struct vigil_sql_stmt *st, int i);
/** Column i as an int64; 0 for NULL. */
int64_t vigil_sql_column_int64(struct vigil_sql_stmt *st, int i);
/** Rows the finished run inserted, updated or deleted. */
int64_t vigil_sql_changes(struct vigil_sql_stmt *st);

/**
 * 0 when the connection is known to be broken (PostgreSQL: libpq saw it fail,
 * e.g. a server restart): the store must be opened again. SQLite: always 1.
 */
int vigil_sql_alive(struct vigil_sql *db);

/** Run `sql` (no parameters, no rows wanted). */
int vigil_sql_exec(struct vigil_sql *db, const char *sql);
/** Start a write transaction, serialised with the database's other writers. */
int vigil_sql_begin(struct vigil_sql *db);
/** End it: commit when `err` is 0, else roll back. Returns `err`, or the commit's failure. */
int vigil_sql_finish(struct vigil_sql *db, int err);

/* The backends' openers (vigil_sql_open() picks one). */
int vigil_sql__sqlite_open(struct vigil_sql **out, void *sqlite3_handle);
#ifdef VIGIL_HAVE_POSTGRES
int vigil_sql__postgres_open(struct vigil_sql **out, void *pgconn);
#endif

#endif
