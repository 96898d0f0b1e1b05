/*
 * Test helper for unit tests that run on both store backends: a fresh,
 * empty database per call. SQLite always runs (files in a scratch
 * directory). PostgreSQL runs when VIGIL_PG_DSN names a database (the e2e
 * scripts *_pg.sh start a throwaway cluster and run the unit program with
 * it): each fresh database is a schema of its own, selected with search_path
 * in the DSN. VIGIL_STORE_BACKENDS=postgres (or sqlite) runs only that one.
 */
#ifndef VIGIL_TEST_DBTEST_H
#define VIGIL_TEST_DBTEST_H

#include <stddef.h>

/** 1 when backend "sqlite" or "postgres" is to run in this process. */
int dbtest_wanted(const char *backend);
/** A DSN of a new, empty database of `backend` into dsn[0..n). Fails the test on error. */
void dbtest_fresh(const char *backend, char *dsn, size_t n);
/** Drop the PostgreSQL schemas and remove the scratch directory. */
void dbtest_cleanup(void);

struct CMUnitTest;
/**
 * Run tests[0..n) once per wanted backend, as the cmocka group
 * "<name>/<backend>", with *backend set to the backend's name ("sqlite",
 * "postgres") for dbtest_fresh(); `setup`/`teardown` are the group's (NULL
 * for none). Returns non-zero when a case failed.
 */
int dbtest_run(const char *name, const struct CMUnitTest *tests, size_t n,
               int (*setup)(void **state), int (*teardown)(void **state), const char **backend);

#endif
