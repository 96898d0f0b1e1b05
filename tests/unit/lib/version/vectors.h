/*
 * Shared by the version comparator tests (dpkg.c, rpm.c, apk.c): the shared
 * test vector files, known-valid and known-invalid lists, and the
 * properties every scheme must have on garbage (no crash, antisymmetric,
 * transitive). Include after cmocka.h.
 */
#ifndef VIGIL_TEST_VERSION_VECTORS_H
#define VIGIL_TEST_VERSION_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

#define MAX_FIELDS 8

/* $VIGIL_SHARED/testvectors/<name>, or /work/shared when unset. */
static const char *vector_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("VIGIL_SHARED");

	snprintf(path, sizeof(path), "%s/testvectors/%s", dir && *dir ? dir : "/work/shared",
		 name);
	return path;
}

/* Split `line` (no '\n') on TABs in place; returns the number of fields. */
static int split_tabs(char *line, char **f)
{
	int n = 0;

	f[n++] = line;
	while (n < MAX_FIELDS && (line = strchr(line, '\t')) != NULL) {
		*line++ = '\0';
		f[n++] = line;
	}
	return n;
}

typedef void (*row_fn)(char **f, int n, unsigned long lineno, void *payload);

/* Call fn for every row of the vector file; the test fails when it is missing. */
static unsigned long for_each_row(const char *name, row_fn fn, void *payload)
{
	const char *path = vector_path(name);
	FILE *fp = fopen(path, "r");
	char line[8192], *f[MAX_FIELDS] = { NULL };
	unsigned long lineno = 0, rows = 0;

	if (!fp)
		fail_msg("cannot open test vectors '%s' (set VIGIL_SHARED)", path);
	while (fgets(line, sizeof(line), fp)) {
		size_t len = strlen(line);
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		fn(f, split_tabs(line, f), lineno, payload);
		rows++;
	}
	fclose(fp);
	return rows;
}

struct cmp_ctx {
	vigil_version_format fmt;
	const char *file;
};

static void cmp_row(char **f, int n, unsigned long lineno, void *payload)
{
	const struct cmp_ctx *c = payload;
	int want, got, back;

	if (n < 3)
		fail_msg("%s:%lu: fewer than 3 columns", c->file, lineno);
	want = (int)strtol(f[2], NULL, 10);
	got = vigil_version_cmp(c->fmt, f[0], f[1]);
	back = vigil_version_cmp(c->fmt, f[1], f[0]);
	if (got != want || back != -want)
		fail_msg("%s:%lu: cmp('%s', '%s') = %d and reversed %d, want %d", c->file, lineno,
			 f[0], f[1], got, back, want);
	if (vigil_version_cmp(c->fmt, f[0], f[0]) != 0 || vigil_version_cmp(c->fmt, f[1], f[1]))
		fail_msg("%s:%lu: a version is not equal to itself", c->file, lineno);
}

/* Every row of `file` (a<TAB>b<TAB>result) holds both ways; returns the row count. */
static unsigned long check_vector_file(vigil_version_format fmt, const char *file)
{
	struct cmp_ctx c = { fmt, file };

	return for_each_row(file, cmp_row, &c);
}

static void expect_valid(vigil_version_format fmt, const char *v)
{
	if (vigil_version_check(fmt, v) != 0)
		fail_msg("check('%s') rejected it: %s", v, vigil_error_last());
}

/* Rejected, and the reason contains `why` (NULL: any reason). */
static void expect_invalid(vigil_version_format fmt, const char *v, const char *why)
{
	vigil_error_clear();
	if (vigil_version_check(fmt, v) != VIGIL_EINVALID)
		fail_msg("check('%s') accepted it", v);
	if (!vigil_error_last()[0])
		fail_msg("check('%s') gave no reason", v);
	if (why && !strstr(vigil_error_last(), why))
		fail_msg("check('%s'): reason '%s' lacks '%s'", v, vigil_error_last(), why);
}

/* ---- properties on garbage ---- */

#define NGARBAGE 400

static const char *const garbage_fixed[] = {
	"", ":", "::", "-", "--", "~", "^", "_", ".", "+", " ", "\t", "  \t ", "0", "00", "0:",
	":0", "0:-", "-0", "-:", "1:", "1-", "a", "A", "~~", "^^", "~^", "^~", "1~", "1^", "1.",
	"1..2", "1_", "1-r", "1-r1-r2", "1~xyz", "1_foo", "1.0bc", "-0.6.5", "0foo-", "foo-",
	"9999999999999999999999999999:1", "-1:1", "+1:1", "1:2:3", "1-2-3-4", "1 2", " 1 ",
	"\x01", "1\x7f", "\x80", "1.\xff", "\xe9t\xe9", "1.0-\xc3\xa9", "1:\n", "\r1",
	"1.0~rc1", "1.0^post1", "1.0-~", "1.0-^", "1.0_alpha_beta", "1.0~abc-r0", "1.0-r01",
	"00000000000000000000000000000000000000000001",
	"18446744073709551616", "18446744073709551617", "4294967296", "4294967297",
	"1.18446744073709551616", "1.0_p18446744073709551617", "1-r18446744073709551616",
};

static unsigned long lcg_state = 12345;

static unsigned lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(lcg_state >> 33);
}

/* A fixed list of garbage plus seeded random strings; static storage. */
static const char *const *garbage_list(size_t *n)
{
	static char store[NGARBAGE][64];
	static char longdigits[3][1200];
	static const char *list[NGARBAGE + 100];
	static const char alphabet[] = "0123456789012345.-:~^_+abcrpz ABZ\x01\x7f\xe9\xff";
	size_t k = 0, i, j;

	for (i = 0; i < sizeof(garbage_fixed) / sizeof(garbage_fixed[0]); i++)
		list[k++] = garbage_fixed[i];
	/* Very long digit runs: overflow every integer type. */
	memset(longdigits[0], '9', 1000);
	memset(longdigits[1], '9', 1000);
	longdigits[1][999] = '8';
	memcpy(longdigits[2], "1:", 2);
	memset(longdigits[2] + 2, '0', 1000);
	for (i = 0; i < 3; i++)
		list[k++] = longdigits[i];
	lcg_state = 12345;
	for (i = 0; k < sizeof(list) / sizeof(list[0]) && i < NGARBAGE; i++) {
		size_t len = lcg() % 20;
		for (j = 0; j < len; j++)
			store[i][j] = alphabet[lcg() % (sizeof(alphabet) - 1)];
		store[i][len] = '\0';
		list[k++] = store[i];
	}
	*n = k;
	return list;
}

/* A pair and cmp()'s expected answer; the reversed pair must give its opposite. */
struct order_case {
	const char *a, *b;
	int want;
};

static void check_order(vigil_version_format fmt, const struct order_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int got = vigil_version_cmp(fmt, cases[i].a, cases[i].b);
		if (got != cases[i].want || vigil_version_cmp(fmt, cases[i].b, cases[i].a) != -got)
			fail_msg("cmp('%s', '%s') = %d, want %d", cases[i].a, cases[i].b, got,
				 cases[i].want);
	}
}

static vigil_version_format sort_fmt;

static int sort_cmp(const void *a, const void *b)
{
	return vigil_version_cmp(sort_fmt, *(const char *const *)a, *(const char *const *)b);
}

/*
 * On garbage: check() never crashes and rejects with a message or accepts;
 * cmp() is in {-1,0,1}, reflexive and antisymmetric on every pair; sorting
 * with it gives an order that holds between every pair (transitivity).
 */
static void check_garbage(vigil_version_format fmt)
{
	size_t n, i, j;
	const char *const *list = garbage_list(&n);
	const char **sorted = malloc(n * sizeof(*sorted));

	for (i = 0; i < n; i++) {
		int rc = vigil_version_check(fmt, list[i]);
		if (rc != 0 && rc != VIGIL_EINVALID)
			fail_msg("check(#%zu) returned %d", i, rc);
		if (rc && !vigil_error_last()[0])
			fail_msg("check(#%zu) rejected without a reason", i);
		for (j = 0; j < n; j++) {
			int ab = vigil_version_cmp(fmt, list[i], list[j]);
			int ba = vigil_version_cmp(fmt, list[j], list[i]);
			if (ab < -1 || ab > 1 || ab != -ba)
				fail_msg("cmp('%s', '%s') = %d but reversed %d", list[i], list[j], ab,
					 ba);
		}
		assert_int_equal(vigil_version_cmp(fmt, list[i], list[i]), 0);
	}
	memcpy(sorted, list, n * sizeof(*sorted));
	sort_fmt = fmt;
	qsort(sorted, n, sizeof(*sorted), sort_cmp);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (vigil_version_cmp(fmt, sorted[i], sorted[j]) > 0)
				fail_msg("not transitive: '%s' sorts before '%s' but compares greater",
					 sorted[i], sorted[j]);
	free(sorted);
}

#endif
