/* Unit tests for src/server/json.c's writing side: json_str() escapes as Go's
 * encoding/json does (HTML-safe: < > & as \u003c \u003e \u0026; controls as
 * \n \r \t or \u00XX; U+2028/U+2029 escaped, other multi-byte text kept),
 * appends to what the buffer holds, and copes with long strings, strings
 * ending inside a sequence and NULL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

static const char *str(const char *s)
{
	static vigil_buf b = VIGIL_BUF_INIT;

	vigil_buf_reset(&b);
	json_str(&b, s);
	assert_int_equal(strlen(b.ptr), b.len);
	return b.ptr;
}

static void test_go_escapes(void **state)
{
	(void)state;
	assert_string_equal(str("plain text"), "\"plain text\"");
	assert_string_equal(str(""), "\"\"");
	assert_string_equal(str(NULL), "\"\"");
	assert_string_equal(str("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(str("l1\nl2\r\tx"), "\"l1\\nl2\\r\\tx\"");
	assert_string_equal(str("\x01\x08\x0c\x1f"), "\"\\u0001\\u0008\\u000c\\u001f\"");
	assert_string_equal(str("<a href=\"x\">&</a>"),
	                    "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\"");
	assert_string_equal(str("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c"), "\"a\\u2028b\\u2029c\"");
	/* other sequences starting with 0xe2 (the euro sign, U+2026) are kept */
	assert_string_equal(str("\xe2\x82\xac 1\xe2\x80\xa6"), "\"\xe2\x82\xac 1\xe2\x80\xa6\"");
	/* a string that ends inside such a sequence: nothing read past the end */
	assert_string_equal(str("x\xe2"), "\"x\xe2\"");
	assert_string_equal(str("x\xe2\x80"), "\"x\xe2\x80\"");
	assert_string_equal(str("\x7f\xc3\xa9"), "\"\x7f\xc3\xa9\"");
}

static void test_appends(void **state)
{
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	(void)vigil_buf_puts(&b, "{\"k\":");
	json_str(&b, "v<");
	(void)vigil_buf_putc(&b, '}');
	assert_string_equal(b.ptr, "{\"k\":\"v\\u003c\"}");
	vigil_buf_release(&b);
}

/* Long strings, escapes everywhere or at the end: the buffer grows as needed. */
static void test_long(void **state)
{
	size_t n = 100000, i;
	char *s = malloc(n + 1), *want = malloc(6 * n + 3);
	const char *got;

	(void)state;
	for (i = 0; i < n; i++)
		s[i] = i % 3 == 0 ? '<' : 'a';
	s[n] = '\0';
	want[0] = '"';
	for (i = 0, n = 1; s[i]; i++) {
		if (s[i] == '<') {
			memcpy(want + n, "\\u003c", 6);
			n += 6;
		} else {
			want[n++] = s[i];
		}
	}
	memcpy(want + n, "\"", 2);
	got = str(s);
	assert_string_equal(got, want);
	memset(s, 'a', 99999);
	s[99999] = '\n';
	got = str(s);
	assert_int_equal(strlen(got), 99999 + 4);
	assert_memory_equal(got + 99999 + 1, "\\n\"", 3);
	free(s);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_escapes),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_long),
	};
	return cmocka_run_group_tests_name("server/json", tests, NULL, NULL);
}
