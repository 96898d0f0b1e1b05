/*
 * Unit tests for the terminal table: header, package groups, one line per
 * finding with severity and fix, the summary, colour only when asked, and
 * hostile strings kept on one line without control characters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

static void test_plain(void **state)
{
	vigil_scan_result *r = fixture_debian();
	char *text = fixture_render(r, "table", NULL);

	(void)state;
	assert_non_null(strstr(text, "Namespace: debian:12\n"));
	assert_non_null(
	        strstr(text, "\nlibssl3 3.0.22-1~deb12u2  (layer 2 sha256:0964509b901c)\n"));
	assert_non_null(strstr(text, "\nzlib1g 1:1.2.13.dfsg-1  (layer 1 sha256:1d2206e38e50)\n"));
	assert_non_null(strstr(text, "  CVE-2024-0727   High        3.0.99-1  openssl: denial"));
	assert_non_null(strstr(text, "  CVE-2023-45853  Critical    no fix    zlib: integer"));
	assert_non_null(strstr(text, "\nTotal: 3 (Defcon1: 0, Critical: 1, High: 2, Medium: 0, "
	                             "Low: 0, Negligible: 0, Unknown: 0)\n"));
	assert_null(strchr(text, '\033'));
	free(text);
	vigil_scan_result_free(r);
}

static void test_color_and_hostile(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char *text, *line, *end;
	const unsigned char *p;

	(void)state;
	opts.color = 1;
	text = fixture_render(r, "table", &opts);
	assert_non_null(strstr(text, "\033[33mMedium\033[0m"));
	assert_non_null(strstr(text, "\033[1;35mDefcon1\033[0m"));
	/* the hostile finding: one line, its escape and newline turned into spaces */
	line = strstr(text, "  CVE-2099-0001\"<script>");
	assert_non_null(line);
	end = strchr(line, '\n');
	assert_non_null(end);
	assert_non_null(strstr(line, "</script> next line  [31mred\n"));
	for (p = (const unsigned char *)text; *p; p++)
		if (*p == '\033')
			assert_true(p[1] == '[' &&
			            (p[2] == '0' || p[2] == '1' || p[2] == '2' || p[2] == '3'));
	assert_non_null(strstr(text, "Total: 4 ("));
	free(text);
	vigil_scan_result_free(r);
	(void)count;
}

static void test_clean(void **state)
{
	vigil_scan_result *r = fixture_clean();
	char *text = fixture_render(r, "table", NULL);

	(void)state;
	assert_non_null(strstr(text, "No vulnerabilities found."));
	assert_non_null(strstr(text, "Total: 0 ("));
	assert_int_equal(count(text, "\n"), 6);
	free(text);
	vigil_scan_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_color_and_hostile),
		cmocka_unit_test(test_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
