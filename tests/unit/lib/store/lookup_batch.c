/* The matcher's batched lookup: every record of the named packages of one
 * namespace in one call, whatever bytes the names hold (quotes, backslashes,
 * control characters, UTF-8; invalid UTF-8 is simply not found), duplicates
 * and an empty list; same records as the one-package lookup. On SQLite and,
 * with VIGIL_PG_DSN (tests/e2e/clair_state_pg.sh), on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/store/store.h"
#include "helpers/dbtest.h"

static const char *backend; /* of the group running */
static char path[1024];
static struct vigil_store *store;

static const char *const odd[] = { "plain",    "with \"quote\"", "back\\slash",      "tab\there",
	                           "ctl\001x", "caf\xc3\xa9",    "\xe2\x82\xac-euro" };
#define NODD (sizeof(odd) / sizeof(odd[0]))

static int setup(void **state)
{
	int64_t unit = 0;
	size_t i;

	(void)state;
	dbtest_fresh(backend, path, sizeof(path));
	if (vigil_store_open(&store, path, VIGIL_STORE_CREATE) < 0 ||
	    vigil_store_begin(store) < 0 ||
	    vigil_store_put_namespace(store, "alpine:v3.18", "apk") < 0 ||
	    vigil_store_put_namespace(store, "alpine:v3.17", "apk") < 0 ||
	    vigil_store_unit_replace(store, "alpine", "v3.18/main", NULL, &unit) < 0)
		return -1;
	for (i = 0; i < NODD; i++)
		if (vigil_store_put_affected(store, unit, "alpine:v3.18", "CVE-1", odd[i],
		                             VIGIL_AFFECTED_FIXED, "1-r0") < 0 ||
		    vigil_store_put_affected(store, unit, "alpine:v3.18", "CVE-2", odd[i],
		                             VIGIL_AFFECTED_NOT_AFFECTED, "") < 0)
			return -1;
	if (vigil_store_put_affected(store, unit, "alpine:v3.17", "CVE-3", "plain",
	                             VIGIL_AFFECTED_UNFIXED, "") < 0)
		return -1;
	return vigil_store_commit(store);
}

static int teardown(void **state)
{
	(void)state;
	vigil_store_close(store);
	store = NULL;
	return 0;
}

struct seen {
	char rows[64][96];
	size_t n;
};

static int collect(const struct vigil_store_record *r, void *payload)
{
	struct seen *s = payload;

	assert_true(s->n < 64);
	snprintf(s->rows[s->n++], 96, "%s|%s|%s|%d|%s|%s|%s", r->namespace_name, r->package,
	         r->vuln, (int)r->status, r->fixed_version, r->feed, r->unit);
	return 0;
}

static void batch_equals_single_lookups(void **state)
{
	struct seen batch = { 0 }, one = { 0 };
	const char *names[NODD + 3];
	size_t i;

	(void)state;
	for (i = 0; i < NODD; i++)
		names[i] = odd[NODD - 1 - i];
	names[NODD] = "plain"; /* a duplicate */
	names[NODD + 1] = "not-there";
	names[NODD + 2] = "bad\xff\xfeutf8";
	if (vigil_store_lookup_batch(store, "alpine:v3.18", names, NODD + 3, collect, &batch) != 0)
		fail_msg("%s", vigil_error_last());
	assert_int_equal(batch.n, 2 * NODD);
	/* ordered by package, then ID, and equal to the single lookups in that order */
	{
		const char *sorted[NODD];
		size_t j, k;
		memcpy(sorted, odd, sizeof(sorted));
		for (j = 0; j < NODD; j++)
			for (k = j + 1; k < NODD; k++)
				if (strcmp(sorted[k], sorted[j]) < 0) {
					const char *t = sorted[j];
					sorted[j] = sorted[k];
					sorted[k] = t;
				}
		for (j = 0; j < NODD; j++)
			assert_int_equal(
			        vigil_store_lookup(store, "alpine:v3.18", sorted[j], collect, &one),
			        0);
	}
	assert_int_equal(one.n, batch.n);
	for (i = 0; i < batch.n; i++)
		assert_string_equal(batch.rows[i], one.rows[i]);
	assert_non_null(strstr(batch.rows[0], "|alpine|v3.18/main"));
}

static void other_namespace_empty_list_and_stop(void **state)
{
	struct seen s = { 0 };
	const char *names[] = { "plain" };

	(void)state;
	assert_int_equal(vigil_store_lookup_batch(store, "alpine:v3.17", names, 1, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.rows[0], "alpine:v3.17|plain|CVE-3|1||alpine|v3.18/main");
	s.n = 0;
	assert_int_equal(vigil_store_lookup_batch(store, "alpine:v3.18", names, 0, collect, &s), 0);
	assert_int_equal(vigil_store_lookup_batch(store, "alpine:v9", names, 1, collect, &s), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_equals_single_lookups),
		cmocka_unit_test(other_namespace_empty_list_and_stop),
	};
	int rc = dbtest_run("lookup_batch", tests, sizeof(tests) / sizeof(tests[0]), setup,
	                    teardown, &backend);

	dbtest_cleanup();
	return rc;
}
