/* Unit tests for the apk comparator and validator (src/lib/version/apk.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vectors.h"

#define F VIGIL_VERSION_APK

static void test_vectors(void **state)
{
	(void)state;
	assert_int_equal(check_vector_file(F, "apk-vercmp.tsv"), 712);
}

/*
 * Every version of the vector file is valid for apk v3 except the two the
 * README names (compared all the same by test_vectors).
 */
static void check_row_valid(char **f, int n, unsigned long lineno, void *payload)
{
	int i;

	(void)n, (void)lineno, (void)payload;
	for (i = 0; i < 2; i++) {
		if (strcmp(f[i], "23_foo") == 0)
			expect_invalid(F, f[i], "unknown suffix");
		else if (strcmp(f[i], "1.0bc") == 0)
			expect_invalid(F, f[i], "a letter may only follow a number");
		else
			expect_valid(F, f[i]);
	}
}

static void test_vector_validity(void **state)
{
	(void)state;
	for_each_row("apk-vercmp.tsv", check_row_valid, NULL);
}

/*
 * rejected.tsv's apk rows were dropped because apk 2.12 disagrees with v3;
 * the reference column is "(2.12 result, v3 result)": we follow v3.
 */
static void check_rejected(char **f, int n, unsigned long lineno, void *payload)
{
	const char *comma;
	int want, got;

	(void)payload;
	if (n < 5 || strcmp(f[0], "apk") != 0)
		return;
	if ((comma = strchr(f[4], ',')) == NULL)
		fail_msg("rejected.tsv:%lu: unexpected reference '%s'", lineno, f[4]);
	want = (int)strtol(comma + 1, NULL, 10);
	got = vigil_version_cmp(F, f[1], f[2]);
	if (got != want || vigil_version_cmp(F, f[2], f[1]) != -want)
		fail_msg("rejected.tsv:%lu: cmp('%s', '%s') = %d, apk v3 says %d", lineno, f[1],
			 f[2], got, want);
	expect_valid(F, f[1]);
	expect_valid(F, f[2]);
}

static void test_rejected(void **state)
{
	(void)state;
	for_each_row("rejected.tsv", check_rejected, NULL);
}

static void test_check(void **state)
{
	static const char *const valid[] = {
		"0", "1.0", "24.08-r0", "1.0a", "2.12r-r4", "087-r1", "1.0_alpha3",
		"1.0_git20240101_pre1", "1.0_p1_rc2-r3", "1.0a_beta", "1.0~deadbeef",
		"1.0~abc-r1", "1.0_rc1~0a1-r10", "1.2.3.4.5.6.7", "1-r0",
		"18446744073709551616",
	};
	static const struct {
		const char *v, *why;
	} invalid[] = {
		{ "", "does not start with a digit at offset 0" },
		{ "a", "does not start with a digit" },
		{ "v1.0", "does not start with a digit" },
		{ " 1", "does not start with a digit" },
		{ "1 ", "unexpected character at offset 1" },
		{ "1.", "'.' is not followed by a number at offset 1" },
		{ "1..2", "'.' is not followed by a number" },
		{ "1.a", "'.' is not followed by a number" },
		{ "1_", "unknown suffix" },
		{ "1_foo", "unknown suffix" },
		{ "1_Alpha", "unknown suffix" },
		{ "1_alpha.1", "'.' may only follow a number" },
		{ "1~", "commit hash" },
		{ "1~xyz", "commit hash" },
		{ "1~ABC", "commit hash" },
		{ "1~ab_p", "a suffix may not follow a commit hash" },
		{ "1-r", "'-r' is not followed by a number" },
		{ "1-x1", "'-' is not followed by 'r'" },
		{ "1.0-1", "'-' is not followed by 'r'" },
		{ "1-r1-r2", "only one -r revision" },
		{ "1-r1~ab", "a commit hash may not follow a revision" },
		{ "1-r1a", "a letter may only follow a number" },
		{ "1.0bc", "a letter may only follow a number at offset 4" },
		{ "1a2", "a number may not follow a letter" },
		{ "1a.2", "'.' may only follow a number" },
		{ "1A", "unexpected character" },
		{ "1:2", "unexpected character" },
		{ "1.0\xe9", "unexpected character" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		expect_valid(F, valid[i]);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		expect_invalid(F, invalid[i].v, invalid[i].why);
	expect_invalid(F, "1.0bc", "version '1.0bc' is invalid: ");
}

/* Orders apk-tools v3's apk_version_compare() gives, by its rules. */
static void test_order(void **state)
{
	static const struct order_case cases[] = {
		{ "1.6-r0", "1.6_rc1-r0", 1 },  /* jq: an _rc is a pre-release */
		{ "1.0_alpha", "1.0_beta", -1 },
		{ "1.0_rc9", "1.0", -1 },
		{ "1.0", "1.0_cvs", -1 },
		{ "1.0_hg", "1.0_p", -1 },
		{ "1.0_p9", "1.0_p10", -1 },
		{ "1.0", "1.0-r0", -1 },
		{ "1.0-r01", "1.0-r1", 0 },
		{ "1.0", "1.0~abc", -1 },
		{ "1.0~abc", "1.0-r0", 1 },     /* a hash comes before a revision: newer */
		{ "1.0~1234-r1", "1.0~1234-r0", 1 },
		{ "1.02", "1.1", -1 },          /* a leading zero: string order */
		{ "1.10", "1.9", 1 },
		{ "8.2.0", "8.2.001", -1 },
		{ "087-r1", "103", -1 },        /* the first number is always numeric */
		{ "2.12r-r4", "2.12-r4", 1 },
		{ "1.0", "1.0bc", -1 },         /* compared up to where it turns invalid */
		{ "abc", "xyz", 0 },            /* both invalid from the start: a tie, as in apk */
		{ "", "0", -1 },
		{ "0.1.0_alpha_pre2", "0.1.0_alpha", -1 },
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
		cmocka_unit_test(test_vectors), cmocka_unit_test(test_vector_validity),
		cmocka_unit_test(test_rejected), cmocka_unit_test(test_check),
		cmocka_unit_test(test_order),   cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
