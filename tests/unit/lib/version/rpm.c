/* Unit tests for the rpm comparator (src/lib/version/rpm.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vectors.h"

#define F VIGIL_VERSION_RPM

static void test_vectors(void **state)
{
	(void)state;
	assert_int_equal(check_vector_file(F, "rpm-vercmp.tsv"), 4472);
}

/*
 * rejected.tsv's rpm rows: "rpm-error" where rpm.vercmp refused a side (the
 * empty string), otherwise the result rpm 4.18 gave where the source
 * claimed another (EVR split at the last '-', a release above none).
 */
static void check_rejected(char **f, int n, unsigned long lineno, void *payload)
{
	int i, want, got;

	(void)payload;
	if (n < 5 || strcmp(f[0], "rpm") != 0)
		return;
	if (strcmp(f[4], "rpm-error") == 0) {
		for (i = 1; i <= 2; i++) {
			if (f[i][0])
				expect_valid(F, f[i]);
			else
				expect_invalid(F, f[i], "version '' is invalid");
		}
		assert_int_equal(vigil_version_cmp(F, f[1], f[2]), -vigil_version_cmp(F, f[2], f[1]));
		return;
	}
	want = (int)strtol(f[4], NULL, 10);
	got = vigil_version_cmp(F, f[1], f[2]);
	if (got != want || vigil_version_cmp(F, f[2], f[1]) != -want)
		fail_msg("rejected.tsv:%lu: cmp('%s', '%s') = %d, rpm says %d", lineno, f[1], f[2],
			 got, want);
}

static void test_rejected(void **state)
{
	(void)state;
	for_each_row("rejected.tsv", check_rejected, NULL);
}

static void test_check(void **state)
{
	(void)state;
	/* rpm.vercmp takes any non-empty string. */
	expect_valid(F, "1.0");
	expect_valid(F, "1:2.3-4.el9");
	expect_valid(F, "1.0^git1~rc2");
	expect_valid(F, " ");
	expect_valid(F, ":");
	expect_valid(F, "-");
	expect_valid(F, "1.0-");
	expect_valid(F, "a:b:c");
	expect_valid(F, "\xe9");
	expect_invalid(F, "", "version '' is invalid");
}

/* Orders rpm 4.18's rpm.vercmp gives (checked with rpm --eval lua). */
static void test_order(void **state)
{
	static const struct order_case cases[] = {
		{ "1.0", "1.0-", -1 },      /* an empty release is still a release */
		{ "1.0-", "1.0-0", -1 },
		{ "1.0-~", "1.0", 1 },
		{ "1:", "0:", 1 },
		{ ":1", "0:1", 0 },          /* an empty epoch is "0" */
		{ "00:1", "0:1", 0 },
		{ "-1", "0-1", -1 },
		{ "a:1", "1", -1 },          /* not an epoch: version "a:1" */
		{ "1.0^", "1.0", 1 },
		{ "1.0~", "1.0", -1 },
		{ "1.0^1", "1.0.1", -1 },
		{ "1.0~rc1", "1.0~rc1^1", -1 },
		{ "1-2:3", "1-2", 1 },
		{ " 1", "1", 0 },
		{ "1.0", "1_0", 0 },
		{ "1.0a", "1.0.a", 0 },
		{ "10000000000000000000000", "9999999999999999999999", 1 },
		{ "0001", "1", 0 },
		{ "1.\xe9", "1", 0 },        /* bytes >= 0x80 are separators */
		{ "", "~", 1 },
		{ "", "0", -1 },
	};

	(void)state;
	check_order(F, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_garbage(void **state)
{
	(void)state;
	check_garbage(F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors), cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_check),   cmocka_unit_test(test_order),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
