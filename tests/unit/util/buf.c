/* Unit tests for util: buf, path, error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vigil/vigil.h"
#include "util/path.h"

static void test_buf_basic(void **state)
{
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	assert_string_equal(b.ptr, "");
	assert_int_equal(vigil_buf_puts(&b, "abc"), 0);
	assert_int_equal(vigil_buf_printf(&b, "-%d", 42), 0);
	assert_string_equal(b.ptr, "abc-42");
	assert_int_equal(b.len, 6);
	vigil_buf_release(&b);
	assert_string_equal(b.ptr, "");
}

static void test_buf_max(void **state)
{
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	b.max = 4;
	assert_int_equal(vigil_buf_puts(&b, "abcd"), 0);
	assert_int_equal(vigil_buf_putc(&b, 'e'), VIGIL_ETOOBIG);
	assert_string_equal(b.ptr, "abcd");
	vigil_buf_release(&b);
}

static void check_clean(const char *in, const char *want)
{
	vigil_buf b = VIGIL_BUF_INIT;

	assert_int_equal(vigil_path_clean(&b, in), 0);
	assert_string_equal(b.ptr, want);
	vigil_buf_release(&b);
}

static void test_path_clean(void **state)
{
	(void)state;
	check_clean("/etc/os-release", "etc/os-release");
	check_clean("./etc//os-release", "etc/os-release");
	check_clean("../../x", "x");
	check_clean("a/../../../b/./c/", "b/c");
	check_clean("/", "");
	check_clean("a/b/..", "a");
}

static void check_link(const char *link, const char *target, const char *want)
{
	vigil_buf b = VIGIL_BUF_INIT;

	assert_int_equal(vigil_path_join_link(&b, link, target), 0);
	assert_string_equal(b.ptr, want);
	vigil_buf_release(&b);
}

static void test_path_link(void **state)
{
	(void)state;
	check_link("etc/os-release", "../usr/lib/os-release", "usr/lib/os-release");
	check_link("var/lib/rpm", "../../usr/lib/sysimage/rpm", "usr/lib/sysimage/rpm");
	check_link("etc/x", "/../../../etc/passwd", "etc/passwd");
	check_link("x", "../../y", "y");
	assert_true(vigil_path_under("a/b", "a"));
	assert_false(vigil_path_under("ab", "a"));
}

static void test_error(void **state)
{
	(void)state;
	assert_int_equal(vigil_error_set(VIGIL_EINVALID, "bad '%s'", "x"), VIGIL_EINVALID);
	assert_string_equal(vigil_error_last(), "bad 'x'");
	vigil_error_prefix(VIGIL_EINVALID, "layer %d", 2);
	assert_string_equal(vigil_error_last(), "layer 2: bad 'x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_basic), cmocka_unit_test(test_buf_max),
		cmocka_unit_test(test_path_clean), cmocka_unit_test(test_path_link),
		cmocka_unit_test(test_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
