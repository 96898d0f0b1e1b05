/* Unit tests for the dpkg comparator and validator (src/lib/version/dpkg.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vectors.h"

#define F VIGIL_VERSION_DPKG

static void test_vectors(void **state)
{
	(void)state;
	assert_int_equal(check_vector_file(F, "dpkg-vercmp.tsv"), 136);
}

/* Versions dpkg compares with only a warning: compared, and accepted. */
static void check_row_valid(char **f, int n, unsigned long lineno, void *payload)
{
	(void)n, (void)lineno, (void)payload;
	expect_valid(F, f[0]);
	expect_valid(F, f[1]);
}

static void test_badsyntax(void **state)
{
	(void)state;
	assert_int_equal(check_vector_file(F, "dpkg-vercmp-badsyntax.tsv"), 21);
	for_each_row("dpkg-vercmp-badsyntax.tsv", check_row_valid, NULL);
	for_each_row("dpkg-vercmp.tsv", check_row_valid, NULL);
}

/*
 * rejected.tsv's dpkg rows record dpkg's error for one side, e.g.
 * "dpkg-error: dpkg: error: version '0foo-' has bad syntax: revision number
 * is empty": check() must fail on that side with exactly that message.
 */
static void check_rejected(char **f, int n, unsigned long lineno, void *payload)
{
	static const char prefix[] = "dpkg-error: dpkg: error: ";
	const char *msg;
	int i, found = 0;

	(void)payload;
	if (n < 5 || strcmp(f[0], "dpkg") != 0)
		return;
	if (strncmp(f[4], prefix, sizeof(prefix) - 1) != 0)
		fail_msg("rejected.tsv:%lu: unexpected reference '%s'", lineno, f[4]);
	msg = f[4] + sizeof(prefix) - 1;
	for (i = 1; i <= 2; i++) {
		char quoted[512];
		snprintf(quoted, sizeof(quoted), "version '%s' ", f[i]);
		if (strncmp(msg, quoted, strlen(quoted)) != 0)
			continue;
		found = 1;
		if (vigil_version_check(F, f[i]) != VIGIL_EINVALID)
			fail_msg("rejected.tsv:%lu: check('%s') accepted it", lineno, f[i]);
		if (strcmp(vigil_error_last(), msg) != 0)
			fail_msg("rejected.tsv:%lu: '%s', want '%s'", lineno, vigil_error_last(),
				 msg);
	}
	if (!found)
		fail_msg("rejected.tsv:%lu: the error names neither version", lineno);
	/* The order is still defined, and antisymmetric. */
	assert_int_equal(vigil_version_cmp(F, f[1], f[2]), -vigil_version_cmp(F, f[2], f[1]));
}

static void test_rejected(void **state)
{
	(void)state;
	for_each_row("rejected.tsv", check_rejected, NULL);
}

static void test_check(void **state)
{
	(void)state;
	expect_valid(F, "1.0");
	expect_valid(F, "1:2.30-1+deb12u1");
	expect_valid(F, "0:0");
	expect_valid(F, "2.36-9+deb12u4");
	expect_valid(F, "1.0~rc1-1~bpo12+1");
	expect_valid(F, "9:1.18.36:5.4-20");    /* ':' in upstream after an epoch */
	expect_valid(F, "1.18.36-0.17.35-18");  /* '-' in upstream */
	expect_valid(F, "  1.0\t");             /* blanks around are trimmed */
	expect_valid(F, "+1:2");                /* strtol reads "+1" */
	expect_valid(F, "-0:2");                /* strtol reads "-0": not negative */
	expect_valid(F, "2147483647:1");
	/* Warnings only. */
	expect_valid(F, "foo");
	expect_valid(F, "1_2");
	expect_valid(F, "1-a_b");
	expect_valid(F, "1@");
	expect_valid(F, "1\xe9");
	expect_valid(F, "6.0-4.el6.x86_64");

	expect_invalid(F, "", "version string is empty");
	expect_invalid(F, "   ", "version '   ' has bad syntax: version string is empty");
	expect_invalid(F, "1 2", "version '1 2' has bad syntax: version string has embedded spaces");
	expect_invalid(F, "1:", "version '1:' has bad syntax: nothing after colon in version number");
	expect_invalid(F, "0:", "nothing after colon in version number");
	expect_invalid(F, "1: ", "version number is empty");
	expect_invalid(F, ":1", "epoch in version is empty");
	expect_invalid(F, "a:1", "epoch in version is empty");
	expect_invalid(F, "1.2:3", "epoch in version is not number");
	expect_invalid(F, "1-2:3", "epoch in version is not number");
	expect_invalid(F, "-1:1", "epoch in version is negative");
	expect_invalid(F, "2147483648:1", "epoch in version is too big");
	expect_invalid(F, "99999999999999999999999:1", "epoch in version is too big");
	expect_invalid(F, "0foo-", "version '0foo-' has bad syntax: revision number is empty");
	expect_invalid(F, "1:2-", "revision number is empty");
	expect_invalid(F, "-0.6.5", "version '-0.6.5' has bad syntax: version number is empty");
	expect_invalid(F, "1:-1", "version number is empty");
	/* Control bytes are escaped so the message stays on one line. */
	expect_invalid(F, "1\n2 3", "version '1\\x0a2 3'");
}

/* Orders dpkg itself gives (checked with dpkg 1.21.22 --compare-versions). */
static void test_order(void **state)
{
	static const struct order_case cases[] = {
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0", "1.0+b1", -1 },
		{ "1.0-1", "1.0-1~bpo1", 1 },
		{ "1:0.1", "2.0", 1 },
		{ "0:1.0", "1.0", 0 },
		{ "1.0", "1.00", 0 },
		{ "1.0a", "1.0+", -1 },      /* letters before other characters */
		{ "1.0\xe9", "1.0+", -1 },   /* bytes >= 0x80 weigh 128..255 */
		{ "1.0\xe9", "1.0z", 1 },
		{ "1.0", "1.0 ", 0 },
		{ "+1:2", "1:2", 0 },
		{ "-0:2", "2", 0 },
		{ "", "~", -1 },             /* the blank version is below everything */
		{ "", "   ", 0 },
		{ "1.99999999999999999999999", "1.99999999999999999999998", 1 },
		{ "0foo", "0foo-0", 0 },     /* a missing revision is "0" */
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
		cmocka_unit_test(test_vectors), cmocka_unit_test(test_badsyntax),
		cmocka_unit_test(test_rejected), cmocka_unit_test(test_check),
		cmocka_unit_test(test_order), cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
