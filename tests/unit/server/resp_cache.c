/* Unit tests for src/server/resp_cache.c: an answer is served only at the
 * generation it was kept at; a newer generation drops every older entry and
 * an older one is never stored; the byte budget evicts the least recently
 * used entry; an answer over an eighth of the budget is not kept; a NULL
 * cache (clair.api.responsecache: 0) misses; threads share one cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"

static int get(struct resp_cache *c, const char *key, int64_t gen, const char *want)
{
	vigil_buf b = VIGIL_BUF_INIT;
	int hit;

	(void)vigil_buf_puts(&b, "left over");
	hit = resp_cache_get(c, key, gen, &b);
	resp_cache_count(c, hit);
	if (hit && want)
		assert_string_equal(b.ptr, want);
	if (!hit)
		assert_string_equal(b.ptr, "left over"); /* a miss leaves `out` alone */
	vigil_buf_release(&b);
	return hit;
}

static void put(struct resp_cache *c, const char *key, int64_t gen, const char *body)
{
	resp_cache_put(c, key, gen, body, strlen(body));
}

static void test_generations(void **state)
{
	struct resp_cache *c = resp_cache_new(1 << 20);
	struct resp_cache_stats st;

	(void)state;
	assert_false(get(c, "1/1", 5, NULL));
	put(c, "1/1", 5, "{\"a\":1}");
	put(c, "1/0", 5, "{\"b\":2}");
	assert_true(get(c, "1/1", 5, "{\"a\":1}"));
	assert_true(get(c, "1/0", 5, "{\"b\":2}"));
	assert_false(get(c, "2/1", 5, NULL));
	/* the data changed: nothing kept is served, and all of it goes */
	assert_false(get(c, "1/1", 6, NULL));
	resp_cache_stats(c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.hits, 2);
	assert_int_equal(st.misses, 3);
	/* an answer computed before the change is not kept after it */
	put(c, "1/1", 5, "old");
	assert_false(get(c, "1/1", 5, NULL));
	assert_false(get(c, "1/1", 6, NULL));
	put(c, "1/1", 6, "new");
	assert_true(get(c, "1/1", 6, "new"));
	/* the same key again replaces the entry */
	put(c, "1/1", 6, "newer");
	assert_true(get(c, "1/1", 6, "newer"));
	resp_cache_stats(c, &st);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.bytes, 5);
	resp_cache_free(c);
}

static void test_budget(void **state)
{
	struct resp_cache *c = resp_cache_new(800); /* answers of up to 100 bytes */
	struct resp_cache_stats st;
	char body[101], key[16];
	int i;

	(void)state;
	memset(body, 'x', 100);
	body[100] = '\0';
	put(c, "big", 1, body); /* 100 bytes: kept */
	assert_true(get(c, "big", 1, body));
	memset(body, 'y', 101);
	resp_cache_put(c, "huge", 1, body, 101); /* over an eighth: not kept */
	assert_false(get(c, "huge", 1, NULL));
	body[100] = '\0';
	/* 8 x 100 bytes fit; touching "big" keeps it when the 9th comes */
	for (i = 0; i < 7; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		put(c, key, 1, body);
	}
	resp_cache_stats(c, &st);
	assert_int_equal(st.bytes, 800);
	memset(body, 'x', 100);
	assert_true(get(c, "big", 1, body));
	memset(body, 'y', 100);
	put(c, "k7", 1, body);
	assert_true(get(c, "big", 1, NULL) == 1);
	assert_false(get(c, "k0", 1, NULL)); /* the least recently used went */
	assert_true(get(c, "k1", 1, body));
	assert_true(get(c, "k7", 1, body));
	resp_cache_stats(c, &st);
	assert_int_equal(st.entries, 8);
	assert_int_equal(st.bytes, 800);
	resp_cache_free(c);
}

static void test_disabled(void **state)
{
	struct resp_cache *c = resp_cache_new(0);
	struct resp_cache_stats st;

	(void)state;
	assert_null(c);
	put(c, "1/1", 1, "x");
	assert_false(get(c, "1/1", 1, NULL));
	resp_cache_stats(c, &st);
	assert_int_equal(st.hits + st.misses + st.entries + st.bytes, 0);
	resp_cache_free(c);
}

struct worker {
	struct resp_cache *c;
	int id, hits;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char key[16], body[32];
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "%d/%d", w->id, i % 7);
		snprintf(body, sizeof(body), "%d:%d", w->id, i % 7);
		if (get(w->c, key, 1, body))
			w->hits++;
		else
			put(w->c, key, 1, body);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct resp_cache *c = resp_cache_new(64); /* not room for all 28 answers */
	struct resp_cache_stats st;
	struct worker w[4];
	pthread_t t[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ c, i, 0 };
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	resp_cache_stats(c, &st);
	assert_int_equal(st.hits + st.misses, 4 * 20000);
	assert_true(st.hits > 0); /* each served body was checked */
	assert_true(st.bytes <= 64);
	for (i = 0; i < 4; i++)
		assert_true(w[i].hits > 0);
	resp_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generations),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("server/resp_cache", tests, NULL, NULL);
}
