/*
 * Unit tests for the HTML page: self-contained (CSP, no external asset),
 * every hostile string escaped, invalid bytes replaced, only http(s) links,
 * one table row per finding with its severity, the summary counts.
 * (Rendering and the script are checked in tests/e2e/report_validate.sh.)
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

/* 1 when text[0..len) is valid UTF-8 (jansson's decoder checks it). */
static int valid_utf8(const char *text)
{
	json_t *j = json_string(text);
	int ok = j != NULL;

	json_decref(j);
	return ok;
}

static void test_escaping(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	char *html = fixture_render(r, "html", NULL);

	(void)state;
	assert_true(valid_utf8(html));
	assert_int_equal(strncmp(html, "<!DOCTYPE html>\n", 16), 0);
	assert_non_null(strstr(html, "Content-Security-Policy\" content=\"default-src 'none';"));
	/* only our own script element */
	assert_int_equal(count(html, "<script"), 1);
	assert_int_equal(count(html, "</script>"), 1);
	assert_non_null(strstr(html, "CVE-2099-0001&quot;&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "Title &quot;quoted&quot; &lt;script&gt;alert(&#39;x&#39;)"
	                             "&lt;/script&gt;\nnext line  [31mred"));
	assert_non_null(strstr(html, "bad bytes \xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd( here "
	                             "&amp; &lt;b&gt;bold&lt;/b&gt;"));
	assert_null(strstr(html, "javascript:"));
	assert_null(strchr(html, '\033'));
	assert_non_null(
	        strstr(html, "<a href=\"https://security.alpinelinux.org/vuln/CVE-2019-1547\""));
	/* no external assets */
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "url("));
	free(html);
	vigil_scan_result_free(r);
}

static void test_rows_and_summary(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char *html;

	(void)state;
	opts.created_at = "2026-01-02T03:04:05Z";
	html = fixture_render(r, "html", &opts);
	assert_int_equal(count(html, "<tr data-sev="), 4);
	assert_int_equal(count(html, "<tr data-sev=\"Medium\">"), 2);
	assert_int_equal(count(html, "<tr data-sev=\"Defcon1\">"), 1);
	assert_non_null(strstr(html, "<strong id=\"total\">4</strong> vulnerabilities in "
	                             "<strong>3</strong> packages"));
	assert_non_null(strstr(html, "<li class=\"sev-Medium\">Medium: <b>2</b></li>"));
	assert_non_null(strstr(html, "<li class=\"zero\">High: <b>0</b></li>"));
	assert_non_null(strstr(html, "<dd id=\"namespace\">alpine:v3.10</dd>"));
	assert_non_null(strstr(html, "<dt>Generated</dt><dd>2026-01-02T03:04:05Z</dd>"));
	assert_int_equal(count(html, "class=\"sevbox\""), VIGIL_SEVERITY_COUNT);
	free(html);
	vigil_scan_result_free(r);
}

static void test_clean(void **state)
{
	vigil_scan_result *r = fixture_clean();
	char *html = fixture_render(r, "html", NULL);

	(void)state;
	assert_int_equal(count(html, "<tr data-sev="), 0);
	assert_non_null(strstr(html, "No vulnerabilities found."));
	assert_null(strstr(html, "Generated"));
	free(html);
	vigil_scan_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_rows_and_summary),
		cmocka_unit_test(test_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
