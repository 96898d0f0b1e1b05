/* Test helper for the feed unit tests (see feedtest.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/feedtest.h"

struct vigil_store *feedtest_store;
static char dir[] = "/tmp/vigil-feed-test.XXXXXX";
static int made;

const char *feedtest_dir(void)
{
	if (!made && !mkdtemp(dir))
		fail_msg("cannot create a scratch directory");
	made = 1;
	return dir;
}

void feedtest_cleanup(void)
{
	char cmd[128];

	if (!made)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

const char *feedtest_fixture(const char *name)
{
	static char path[1024];
	const char *fx = getenv("VIGIL_FIXTURES");

	if (!fx)
		fail_msg("VIGIL_FIXTURES is not set (run through ctest)");
	snprintf(path, sizeof(path), "%s/feed/%s", fx, name);
	return path;
}

const char *feedtest_shared(const char *rel)
{
	static char path[1024];
	const char *sh = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "/work/shared";

	snprintf(path, sizeof(path), "%s/%s", sh, rel);
	return path;
}

const char *feedtest_write_bytes(const char *name, const char *data, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", feedtest_dir(), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

const char *feedtest_write(const char *name, const char *data)
{
	return feedtest_write_bytes(name, data, strlen(data));
}

int feedtest_setup(void **state)
{
	static int n;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/db%d.sqlite", feedtest_dir(), n++);
	return vigil_store_open(&feedtest_store, path, VIGIL_STORE_CREATE);
}

int feedtest_teardown(void **state)
{
	(void)state;
	vigil_store_close(feedtest_store);
	feedtest_store = NULL;
	return 0;
}

int feedtest_import(const struct vigil_feed *feed, const char *const *paths, size_t n,
		    struct vigil_feed_run *out)
{
	struct vigil_feed_run run;
	size_t i;
	int err;

	assert_int_equal(vigil_feed_run_begin(&run, feed, feedtest_store), 0);
	for (i = 0, err = 0; i < n && !err; i++)
		err = vigil_feed_run_file(&run, paths[i]);
	if (!err)
		err = vigil_feed_run_commit(&run);
	if (out)
		*out = run;
	vigil_feed_run_release(&run);
	return err;
}

void feedtest_set_add(struct feedtest_set *s, const char *fmt, ...)
{
	va_list ap;
	char *k;

	va_start(ap, fmt);
	if (vasprintf(&k, fmt, ap) < 0)
		fail_msg("out of memory");
	va_end(ap);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(char *));
		assert_non_null(s->v);
	}
	s->v[s->n++] = k;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t feedtest_set_count(struct feedtest_set *s)
{
	size_t i, n = 0;

	if (s->n)
		qsort(s->v, s->n, sizeof(char *), str_cmp);
	for (i = 0; i < s->n; i++)
		if (i == 0 || strcmp(s->v[i], s->v[i - 1]) != 0)
			n++;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
	return n;
}

const char *feedtest_lookup(const char *ns, const char *pkg, vigil_store_record_cb fmt)
{
	static vigil_buf b = VIGIL_BUF_INIT;

	vigil_buf_reset(&b);
	assert_int_equal(vigil_store_lookup(feedtest_store, ns, pkg, fmt, &b), 0);
	return b.ptr;
}
