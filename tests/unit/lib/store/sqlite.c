/* Unit tests for what only the SQLite backend does: a missing file is not
 * created without VIGIL_STORE_CREATE, a file that is not a database is
 * refused; the default path; severity names. Everything else the store
 * promises is in the shared contract suite (contract.c), run on both backends. */
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

static char dir[] = "/tmp/vigil-store-test.XXXXXX";
static char path[256];

static int setup(void **state)
{
	static int n;

	(void)state;
	snprintf(path, sizeof(path), "%s/t%d/sub/vigil.db", dir, n++);
	return 0;
}

static struct vigil_store *open_new(void)
{
	struct vigil_store *s = NULL;

	assert_int_equal(vigil_store_open(&s, path, VIGIL_STORE_CREATE), 0);
	return s;
}

static void test_missing_file(void **state)
{
	struct vigil_store *s = NULL;

	(void)state;
	assert_int_equal(vigil_store_open(&s, path, 0), VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "no database"));
	assert_int_equal(access(path, F_OK), -1); /* not created */
}

static void test_garbage_file(void **state)
{
	struct vigil_store *s = NULL;
	FILE *f;

	(void)state;
	vigil_store_close(open_new()); /* makes the directories */
	unlink(path);
	f = fopen(path, "w");
	fputs("this is not a database, just some words long enough to be a header....\n"
	      "this is not a database, just some words long enough to be a header....\n",
	      f);
	fclose(f);
	assert_int_equal(vigil_store_open(&s, path, VIGIL_STORE_CREATE), VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "not a database"));
}

static void test_default_path(void **state)
{
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	assert_int_equal(vigil_store_default_path(&b), 0);
	assert_string_equal(b.ptr, "/xdg/vigil/vigil.db");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(vigil_store_default_path(&b), 0);
	assert_string_equal(b.ptr, "/home/u/.cache/vigil/vigil.db");
	vigil_buf_release(&b);
}

static void test_severity(void **state)
{
	enum vigil_severity sev;

	(void)state;
	assert_string_equal(vigil_severity_name(VIGIL_SEVERITY_DEFCON1), "Defcon1");
	assert_string_equal(vigil_severity_name((enum vigil_severity)42), "Unknown");
	assert_int_equal(vigil_severity_parse(&sev, "negligible"), 0);
	assert_int_equal(sev, VIGIL_SEVERITY_NEGLIGIBLE);
	assert_int_equal(vigil_severity_parse(&sev, "CRITICAL"), 0);
	assert_int_equal(sev, VIGIL_SEVERITY_CRITICAL);
	assert_int_equal(vigil_severity_parse(&sev, "bad"), VIGIL_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_missing_file, setup),
		cmocka_unit_test_setup(test_garbage_file, setup),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_severity),
	};
	char cmd[300];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
