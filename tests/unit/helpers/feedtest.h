/*
 * Test helper for the feed unit tests: a scratch directory, a fresh SQLite
 * store per test (cmocka setup/teardown), files written into the scratch
 * directory, and imports through one feed run.
 */
#ifndef VIGIL_TEST_FEEDTEST_H
#define VIGIL_TEST_FEEDTEST_H

#include "lib/feed/feed.h"
#include "lib/store/store.h"

/** The store of the running test (opened by feedtest_setup). */
extern struct vigil_store *feedtest_store;

/** The scratch directory, created on first use; removed by feedtest_cleanup(). */
const char *feedtest_dir(void);
/** Remove the scratch directory and everything in it. */
void feedtest_cleanup(void);
/** "$VIGIL_FIXTURES/feed/<name>" (static buffer); fails the test when unset. */
const char *feedtest_fixture(const char *name);
/** "$VIGIL_SHARED/<rel>" (static buffer), /work/shared by default. */
const char *feedtest_shared(const char *rel);
/** Write data[0..len) to <scratch>/<name>; its path (static buffer). */
const char *feedtest_write_bytes(const char *name, const char *data, size_t len);
/** feedtest_write_bytes() of a C string. */
const char *feedtest_write(const char *name, const char *data);

/** cmocka setup: a fresh store in the scratch directory. */
int feedtest_setup(void **state);
/** cmocka teardown: close it. */
int feedtest_teardown(void **state);

/**
 * Import `paths` with `feed` into the store in one run, committed when every
 * file imported. A copy of the run's counters goes to *out when not NULL.
 * Returns 0 or the first error.
 */
int feedtest_import(const struct vigil_feed *feed, const char *const *paths, size_t n,
		    struct vigil_feed_run *out);

/**
 * What the store holds for (ns, pkg), each record formatted by `fmt` into a
 * buffer (static: valid until the next call); fails the test on an error.
 */
const char *feedtest_lookup(const char *ns, const char *pkg, vigil_store_record_cb fmt);

/* Strings collected by the tests' independent counts; counted by distinct value. */
struct feedtest_set {
	char **v;
	size_t n, cap;
};

/** Add the string `fmt` formats. */
void feedtest_set_add(struct feedtest_set *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** The number of distinct strings added; the set is emptied. */
size_t feedtest_set_count(struct feedtest_set *s);

#endif
