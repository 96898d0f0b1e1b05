/*
 * Unit tests for the apk detector: the real installed databases of the
 * shared data give exactly their packages.txt; stanza rules; garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/detect/detect.h"
#include "helpers/tree.h"

extern const struct vigil_detector vigil_detector_apk;

#define INSTALLED "lib/apk/db/installed"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted "name version origin" lines (a format string picks the fields). */
static int run(const struct vigil_layer *l, char **out, int full)
{
	struct vigil_pkglist pl = { 0 };
	struct vigil_fsview v;
	vigil_buf b = VIGIL_BUF_INIT;
	char **lines;
	size_t i;
	int err;

	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, l), 0);
	err = vigil_detector_apk.packages(&pl, &v);
	lines = vigil_calloc(pl.n + 1, sizeof(*lines));
	for (i = 0; i < pl.n; i++) {
		const vigil_package *p = &pl.items[i];
		assert_int_equal(p->format, VIGIL_VERSION_APK);
		/* the origin's version is the package's */
		assert_string_equal(p->source_version, p->version);
		vigil_buf_reset(&b);
		if (full)
			assert_int_equal(vigil_buf_printf(&b, "%s %s %s %s", p->name, p->version,
							  p->source_name, p->arch), 0);
		else
			assert_int_equal(vigil_buf_printf(&b, "%s %s %s", p->name, p->version,
							  p->source_name), 0);
		lines[i] = vigil_strdup(b.ptr);
	}
	qsort(lines, pl.n, sizeof(*lines), cmp_str);
	vigil_buf_reset(&b);
	for (i = 0; i < pl.n; i++) {
		assert_int_equal(vigil_buf_printf(&b, "%s\n", lines[i]), 0);
		vigil_free(lines[i]);
	}
	vigil_free(lines);
	*out = vigil_buf_detach(&b, NULL);
	vigil_pkglist_release(&pl);
	vigil_fsview_release(&v);
	return err;
}

static char *sorted_file(const char *path)
{
	size_t len, n = 0, i;
	char *data = tree_slurp(path, &len), *p, **lines;
	vigil_buf b = VIGIL_BUF_INIT;

	assert_non_null(data);
	lines = vigil_calloc(len + 1, sizeof(*lines));
	for (p = strtok(data, "\n"); p; p = strtok(NULL, "\n"))
		lines[n++] = p;
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (i = 0; i < n; i++)
		assert_int_equal(vigil_buf_printf(&b, "%s\n", lines[i]), 0);
	vigil_free(lines);
	vigil_free(data);
	return vigil_buf_detach(&b, NULL);
}

static void test_fixtures(void **state)
{
	static const char *const dirs[] = { "alpine/3.9", "alpine/3.10", "alpine/3.11" };
	char path[4096], *want, *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct vigil_layer l = { 0 };

		assert_true(tree_add_dir(&l, tree_fixture(dirs[i]), "") > 0);
		assert_int_equal(run(&l, &got, 0), 0);
		snprintf(path, sizeof(path), "%s/packages.txt", tree_fixture(dirs[i]));
		want = sorted_file(path);
		if (strcmp(want, got) != 0)
			fail_msg("%s\n--- want\n%s--- got\n%s", dirs[i], want, got);
		vigil_free(want);
		vigil_free(got);
		vigil_layer_release(&l);
	}
}

static void expect_text(const char *text, size_t len, int err, const char *want)
{
	struct vigil_layer l = { 0 };
	char *got;

	assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, INSTALLED, text, len), 0);
	if (run(&l, &got, 1) != err)
		fail_msg("'%.40s': want code %d (%s)", text, err, vigil_error_last());
	if (err) {
		assert_non_null(strstr(vigil_error_last(), INSTALLED));
		assert_null(strchr(vigil_error_last(), '\n'));
	} else if (strcmp(want, got) != 0)
		fail_msg("'%.40s'\n--- want\n%s--- got\n%s", text, want, got);
	vigil_free(got);
	vigil_layer_release(&l);
}

#define T(s) s, sizeof(s) - 1

static void test_rules(void **state)
{
	(void)state;
	expect_text(T(""), 0, "");
	expect_text(T("\n\n"), 0, "");
	/* no trailing blank line; origin defaults to the name; arch may be absent */
	expect_text(T("P:a\nV:1-r0\nA:x86_64\no:b"), 0, "a 1-r0 b x86_64\n");
	expect_text(T("P:a\nV:1-r0\n\n\n\nC:Q1x=\nP:c\nV:2-r1\n"), 0, "a 1-r0 a \nc 2-r1 c \n");
	/* CRLF, keys in any order, unknown keys, a stanza without P: or V: */
	expect_text(T("V:1\r\nP:a\r\nZ:Q1=\r\nF:usr\r\n\r\nP:noversion\r\n\r\nV:9\r\n"), 0,
		    "a 1 a \n");
}

static void test_garbage(void **state)
{
	char *junk, *huge;
	size_t i, big = (size_t)8 << 20;

	(void)state;
	junk = vigil_malloc(65536);
	for (i = 0; i < 65536; i++)
		junk[i] = (char)((i * 2654435761u) >> 13);
	expect_text(junk, 65536, VIGIL_EINVALID, "");
	expect_text(T("\0"), VIGIL_EINVALID, "");
	expect_text(T("x"), VIGIL_EINVALID, "");
	expect_text(T("P:a\nV:1\nnot a line\n"), VIGIL_EINVALID, "");
	expect_text(T("P:a\nV:1\n:x\n"), VIGIL_EINVALID, "");
	expect_text(T("P:a\nV:1\0\n"), VIGIL_EINVALID, "");
	expect_text(T("\xff\xfe\n"), VIGIL_EINVALID, "");
	/* one key, no value, is still "X:" */
	expect_text(T("P:\nV:\n"), 0, "");
	huge = vigil_malloc(big);
	memcpy(huge, "P:p\nV:1\nT:", 10);
	memset(huge + 10, 'x', big - 10);
	expect_text(huge, big, 0, "p 1 p \n");
	memset(huge, 'y', big);
	expect_text(huge, big, VIGIL_EINVALID, "");
	vigil_free(huge);
	vigil_free(junk);
}

static void test_absent(void **state)
{
	struct vigil_layer l = { 0 };
	char *got;

	(void)state;
	assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, "etc/alpine-release", T("3.18.4\n")), 0);
	assert_int_equal(run(&l, &got, 0), 0);
	assert_string_equal(got, "");
	vigil_free(got);
	vigil_layer_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
