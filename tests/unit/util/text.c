/* Unit tests for util/text: lines, trimming, KEY=value, os-release quoting, stanzas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "vigil/vigil.h"
#include "util/text.h"

static struct vigil_span span(const char *s)
{
	struct vigil_span sp = { s, strlen(s) };
	return sp;
}

/* Join the lines of `in` with '|' into `out`. */
static void lines(const char *in, size_t len, char *out)
{
	struct vigil_span line;
	size_t pos = 0;

	out[0] = '\0';
	while (vigil_text_next_line(in, len, &pos, &line)) {
		strncat(out, line.ptr, line.len);
		strcat(out, "|");
	}
}

static void test_lines(void **state)
{
	char out[256];
	const char nonul[3] = { 'a', '\n', 'b' }; /* not NUL-terminated */

	(void)state;
	lines("", 0, out);
	assert_string_equal(out, "");
	lines("a\nb\n", 4, out);
	assert_string_equal(out, "a|b|");
	lines("a\r\n\nb", 6, out);
	assert_string_equal(out, "a||b|");
	lines("\n", 1, out);
	assert_string_equal(out, "|");
	lines(nonul, sizeof(nonul), out);
	assert_string_equal(out, "a|b|");
	assert_false(vigil_text_has_nul("abc", 3));
	assert_true(vigil_text_has_nul("a\0c", 3));
	assert_false(vigil_text_has_nul(NULL, 0));
}

static void test_trim_split(void **state)
{
	struct vigil_span k, v, t;

	(void)state;
	t = vigil_text_trim(span(" \t x y \r\n"));
	assert_int_equal(t.len, 3);
	assert_true(vigil_text_eq(t, "x y"));
	assert_int_equal(vigil_text_trim(span("   ")).len, 0);
	assert_true(vigil_text_split(span("ID = debian "), '=', &k, &v));
	assert_true(vigil_text_eq(k, "ID"));
	assert_true(vigil_text_eq(v, "debian"));
	assert_true(vigil_text_split(span("A=b=c"), '=', &k, &v));
	assert_true(vigil_text_eq(v, "b=c"));
	assert_false(vigil_text_split(span("no separator"), '=', &k, &v));
	assert_true(vigil_text_eq_nocase(span("PACKAGE"), "package"));
	assert_false(vigil_text_eq_nocase(span("Packages"), "package"));
	assert_true(vigil_text_starts_with(span("Red Hat Linux"), "Red Hat"));
	assert_false(vigil_text_starts_with(span("Red"), "Red Hat"));
}

static void check_unquote(const char *in, const char *want)
{
	vigil_buf b = VIGIL_BUF_INIT;

	assert_int_equal(vigil_text_unquote(&b, span(in)), 0);
	assert_string_equal(b.ptr, want);
	vigil_buf_release(&b);
}

static void test_unquote(void **state)
{
	(void)state;
	check_unquote("debian", "debian");
	check_unquote("\"12\"", "12");
	check_unquote("'12 (bookworm)'", "12 (bookworm)");
	check_unquote("\"a \\\"quoted\\\" \\\\ \\$x\"", "a \"quoted\" \\ $x");
	check_unquote("'a \\\" b'", "a \\\" b");
	check_unquote("\"unterminated", "\"unterminated");
	check_unquote("\"\"", "");
	check_unquote("\"", "\"");
	check_unquote(" \"x\" ", "x");
	check_unquote("a\\", "a\\");
}

/* Render a stanza stream: "name=value;" per field, "/" per stanza end, "!N" on error at line N. */
static void stanzas(const char *in, char *out)
{
	struct vigil_stanza_reader r;
	struct vigil_span n, v;
	char tmp[32];
	int rc;

	out[0] = '\0';
	vigil_stanza_init(&r, in, strlen(in));
	while ((rc = vigil_stanza_next(&r, &n, &v)) != VIGIL_ITEROVER) {
		if (rc == VIGIL_EINVALID) {
			snprintf(tmp, sizeof(tmp), "!%zu", r.line);
			strcat(out, tmp);
			assert_non_null(r.error);
			return;
		}
		if (rc == 0) {
			strcat(out, "/");
			continue;
		}
		strncat(out, n.ptr, n.len);
		strcat(out, "=");
		strncat(out, v.ptr, v.len);
		strcat(out, ";");
	}
}

static void test_stanza(void **state)
{
	char out[512];

	(void)state;
	stanzas("", out);
	assert_string_equal(out, "");
	stanzas("\n\n \n", out);
	assert_string_equal(out, "");
	stanzas("Package: a\nVersion: 1\n\nPackage: b\n", out);
	assert_string_equal(out, "Package=a;Version=1;/Package=b;/");
	stanzas("\n\nPackage:  a  \n\n\n\nPackage:b\n\n\n", out);
	assert_string_equal(out, "Package=a;/Package=b;/");
	stanzas("Description: x\n more\n .\n end\nVersion: 2\n", out);
	assert_string_equal(out, "Description=x\n more\n .\n end;Version=2;/");
	stanzas("Conffiles:\n /etc/a 123\nEmpty:\n", out);
	assert_string_equal(out, "Conffiles=/etc/a 123;Empty=;/");
	stanzas("# comment\nPackage: a\r\n \t \nPackage: b", out);
	assert_string_equal(out, "Package=a;/Package=b;/");
	/* errors: no colon, empty name, a name with a space, a stray continuation */
	stanzas("Package: a\nInsterface to the settings\n", out);
	assert_string_equal(out, "Package=a;!2");
	stanzas(": value\n", out);
	assert_string_equal(out, "!1");
	stanzas("Bad name: value\n", out);
	assert_string_equal(out, "!1");
	stanzas(" continuation first\n", out);
	assert_string_equal(out, "!1");
	stanzas("x", out);
	assert_string_equal(out, "!1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_trim_split),
		cmocka_unit_test(test_unquote),
		cmocka_unit_test(test_stanza),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
