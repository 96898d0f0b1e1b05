/*
 * The statement layer (sql.h) on PostgreSQL (libpq), on the store's
 * connection, outside its transactions (so never in pipeline mode).
 *
 * - ?N parameters become $N (outside quotes); each statement is prepared
 *   once, as vigil_sql_<n>, with the parameter types left to the server.
 * - Parameters and results travel as text; a run's rows are read whole
 *   (PQexecPrepared) and stepped through.
 * - vigil_sql_begin() takes pg_advisory_xact_lock(LOCK_CLASS, 3) after
 *   BEGIN: the writers of several vigil serve sharing the database queue up
 *   as SQLite's BEGIN IMMEDIATE makes them, so a read-then-write (a
 *   vulnerability's new version) never interleaves with another's. Readers
 *   do not wait (MVCC). The lock goes with the transaction, also when a
 *   killed process's connection closes.
 */
#ifdef VIGIL_HAVE_POSTGRES

#include "sql.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/buf.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The class of postgres.c's advisory locks ("vigl"); 3 = the writers of sql.h. */
#define WRITE_LOCK "SELECT pg_advisory_xact_lock(1986619244, 3)"

/* Most parameters one statement takes (a 64-row INSERT of 6 columns: 384). */
#define MAX_PARAMS 1024

struct pg_sql {
	struct vigil_sql base;
	PGconn *conn;
	int nstmts; /* statements prepared so far: the next name */
};

struct pg_stmt {
	struct vigil_sql_stmt base;
	char name[32];
	int nparams;
	char **vals;   /* nparams values, owned; NULL = SQL NULL */
	PGresult *res; /* the run's rows, NULL before the first step */
	int row;
};

static struct pg_sql *DB(struct vigil_sql *db)
{
	return (struct pg_sql *)db;
}

static struct pg_stmt *ST(struct vigil_sql_stmt *st)
{
	return (struct pg_stmt *)st;
}

static int fail_msg(const char *msg)
{
	size_t n = msg ? strcspn(msg, "\n") : 0;

	if (!n)
		msg = "connection lost", n = strlen(msg);
	return vigil_error_set(VIGIL_EDB, "%.*s", (int)n, msg);
}

static int res_fail(struct vigil_sql *db, const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	return fail_msg(m && *m ? m : PQerrorMessage(DB(db)->conn));
}

static int res_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* `sql` with ?N as $N, quoted text ('...', "...") left alone; *n = the highest N. */
static char *translate(const char *sql, int *n)
{
	vigil_buf b = VIGIL_BUF_INIT;
	const char *p = sql;

	*n = 0;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			const char *e = strchr(p + 1, *p);
			size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
			vigil_buf_add(&b, p, len);
			p += len;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			int v = (int)strtol(p + 1, (char **)&p, 10);
			*n = v > *n ? v : *n;
			vigil_buf_printf(&b, "$%d", v);
		} else {
			vigil_buf_add(&b, p++, 1);
		}
	}
	return vigil_buf_detach(&b, NULL);
}

static void pq_close(struct vigil_sql *db)
{
	vigil_free(db);
}

static int pq_prepare(struct vigil_sql *db, const char *sql, struct vigil_sql_stmt **out)
{
	struct pg_stmt *s = vigil_calloc(1, sizeof(*s));
	char *text = translate(sql, &s->nparams);
	PGresult *res;
	int err = 0;

	snprintf(s->name, sizeof(s->name), "vigil_sql_%d", DB(db)->nstmts++);
	if (s->nparams > MAX_PARAMS)
		err = vigil_error_set(VIGIL_EDB, "a statement with %d parameters", s->nparams);
	else
		s->vals = vigil_calloc((size_t)s->nparams + 1, sizeof(*s->vals));
	if (!err) {
		res = PQprepare(DB(db)->conn, s->name, text, 0, NULL);
		if (!res_ok(res))
			err = res_fail(db, res);
		PQclear(res);
	}
	vigil_free(text);
	if (err) {
		vigil_free(s->vals);
		vigil_free(s);
		return err;
	}
	s->base.db = db;
	*out = &s->base;
	return 0;
}

static void pq_reset(struct vigil_sql_stmt *st)
{
	struct pg_stmt *s = ST(st);
	int i;

	PQclear(s->res);
	s->res = NULL;
	for (i = 0; i < s->nparams; i++) {
		vigil_free(s->vals[i]);
		s->vals[i] = NULL;
	}
}

/* The statement stays prepared on the connection: it lives as long as the store. */
static void pq_finalize(struct vigil_sql_stmt *st)
{
	pq_reset(st);
	vigil_free(ST(st)->vals);
	vigil_free(st);
}

static void pq_bind_text(struct vigil_sql_stmt *st, int i, const char *v)
{
	struct pg_stmt *s = ST(st);

	if (i < 1 || i > s->nparams)
		return;
	vigil_free(s->vals[i - 1]);
	s->vals[i - 1] = v ? vigil_strdup(v) : NULL;
}

static void pq_bind_int64(struct vigil_sql_stmt *st, int i, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	pq_bind_text(st, i, buf);
}

static int pq_step(struct vigil_sql_stmt *st)
{
	struct pg_stmt *s = ST(st);

	if (!s->res) {
		s->res = PQexecPrepared(DB(st->db)->conn, s->name, s->nparams,
		                        (const char *const *)s->vals, NULL, NULL, 0);
		s->row = -1;
		if (!res_ok(s->res)) {
			int err = res_fail(st->db, s->res);
			PQclear(s->res);
			s->res = NULL;
			return err;
		}
	}
	if (s->row + 1 >= PQntuples(s->res)) {
		s->row = PQntuples(s->res);
		return 0;
	}
	s->row++;
	return 1;
}

static const char *pq_column_text(struct vigil_sql_stmt *st, int i)
{
	struct pg_stmt *s = ST(st);

	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || i >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int64_t pq_changes(struct vigil_sql_stmt *st)
{
	struct pg_stmt *s = ST(st);

	return s->res ? strtoll(PQcmdTuples(s->res), NULL, 10) : 0;
}

static int pq_exec(struct vigil_sql *db, const char *sql)
{
	PGresult *res = PQexec(DB(db)->conn, sql);
	int err = res_ok(res) ? 0 : res_fail(db, res);

	PQclear(res);
	return err;
}

static int pq_begin(struct vigil_sql *db)
{
	int err;

	/* One round trip: a failed lock leaves the transaction aborted, rolled back here. */
	if ((err = pq_exec(db, "BEGIN; " WRITE_LOCK)) < 0)
		PQclear(PQexec(DB(db)->conn, "ROLLBACK"));
	return err;
}

static int pq_end(struct vigil_sql *db, int commit)
{
	int err = 0;

	if (!commit || (err = pq_exec(db, "COMMIT")) < 0)
		PQclear(PQexec(DB(db)->conn, "ROLLBACK"));
	return err;
}

static int pq_alive(struct vigil_sql *db)
{
	return PQstatus(DB(db)->conn) == CONNECTION_OK;
}

static const struct vigil_sql_ops postgres_sql_ops = {
	.name = "postgres",
	.close = pq_close,
	.prepare = pq_prepare,
	.finalize = pq_finalize,
	.reset = pq_reset,
	.bind_text = pq_bind_text,
	.bind_int64 = pq_bind_int64,
	.step = pq_step,
	.column_text = pq_column_text,
	.changes = pq_changes,
	.exec = pq_exec,
	.begin = pq_begin,
	.end = pq_end,
	.alive = pq_alive,
};

int vigil_sql__postgres_open(struct vigil_sql **out, void *pgconn)
{
	struct pg_sql *db = vigil_calloc(1, sizeof(*db));

	db->base.ops = &postgres_sql_ops;
	db->conn = pgconn;
	*out = &db->base;
	return 0;
}

#endif /* VIGIL_HAVE_POSTGRES */
