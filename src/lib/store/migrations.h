/*
 * Numbered schema migrations, one set per backend (migrations/<backend>.c).
 *
 * Migration N brings a database from schema version N-1 to N. They are
 * applied in order, each recorded in the `schema_version` table, and never
 * edited once released: a change to the schema is a new migration appended
 * to the set. A database whose version is above the last migration this
 * binary knows is refused (it was written by a newer vigil).
 */
#ifndef VIGIL_STORE_MIGRATIONS_H
#define VIGIL_STORE_MIGRATIONS_H

#include <stddef.h>

struct vigil_store_migration {
	int version;      /* 1, 2, ... without gaps */
	const char *name; /* short description, stored with the version */
	const char *sql;  /* one or more statements */
};

/* The SQLite set, ordered by version. */
extern const struct vigil_store_migration vigil_store_sqlite_migrations[];
extern const size_t vigil_store_sqlite_migration_count;

/* The PostgreSQL set: the same versions and names in PostgreSQL's dialect. */
extern const struct vigil_store_migration vigil_store_postgres_migrations[];
extern const size_t vigil_store_postgres_migration_count;

#endif
