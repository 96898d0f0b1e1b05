/*
 * Unit tests for util/hasher: the digests computed on the hashing thread
 * equal one-shot sha256 over the same bytes, for pieces smaller and larger
 * than a ring chunk, more bytes than the whole ring holds, two streams
 * interleaved, an empty stream, a worker started in the middle of the
 * bytes (or never), and a hasher freed with work still queued.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vigil/alloc.h"
#include "util/hasher.h"

#define BIG (VIGIL_HASHER_SLOTS * VIGIL_HASHER_CHUNK * 3 + 12345)

static unsigned char *pattern(size_t n, unsigned seed)
{
	unsigned char *p = vigil_malloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131 + seed) ^ (i >> 9));
	return p;
}

/* Feed `p` in pieces of 1, 7, ..., a chunk and a half: uneven edges everywhere. */
static void feed(struct vigil_hasher *h, unsigned stream, const unsigned char *p, size_t n)
{
	static const size_t steps[] = {
		1, 7, 511, 4096, VIGIL_HASHER_CHUNK, VIGIL_HASHER_CHUNK * 3 / 2
	};
	size_t at = 0, i = 0, k;

	while (at < n) {
		k = steps[i++ % (sizeof(steps) / sizeof(steps[0]))];
		if (k > n - at)
			k = n - at;
		vigil_hasher_update(h, stream, p + at, k);
		at += k;
	}
}

static void test_one_stream(void **state)
{
	unsigned char *p = pattern(BIG, 1);
	char want[VIGIL_DIGEST_LEN], got[VIGIL_DIGEST_LEN];
	struct vigil_hasher *h = vigil_hasher_new();

	(void)state;
	vigil_sha256_buf(p, BIG, want);
	vigil_hasher_start(h);
	vigil_hasher_start(h); /* a second start is a no-op */
	feed(h, 0, p, BIG);
	vigil_hasher_final(h, 0, got);
	assert_string_equal(got, want);
	vigil_hasher_free(h);

	/* inline throughout, and inline for the first 1000 bytes only */
	h = vigil_hasher_new();
	feed(h, 0, p, BIG);
	vigil_hasher_final(h, 0, got);
	assert_string_equal(got, want);
	vigil_hasher_free(h);
	h = vigil_hasher_new();
	feed(h, 0, p, 1000);
	vigil_hasher_start(h);
	feed(h, 0, p + 1000, BIG - 1000);
	vigil_hasher_final(h, 0, got);
	assert_string_equal(got, want);
	vigil_hasher_free(h);
	vigil_free(p);
}

static void test_two_streams_and_empty(void **state)
{
	unsigned char *a = pattern(BIG, 2), *b = pattern(BIG / 3, 3);
	char wa[VIGIL_DIGEST_LEN], wb[VIGIL_DIGEST_LEN], ga[VIGIL_DIGEST_LEN], gb[VIGIL_DIGEST_LEN];
	struct vigil_hasher *h = vigil_hasher_new();
	size_t i, na = BIG / 100, nb = BIG / 3 / 100;

	(void)state;
	vigil_sha256_buf(a, BIG, wa);
	vigil_sha256_buf(b, BIG / 3, wb);
	vigil_hasher_start(h);
	for (i = 0; i < 100; i++) {
		vigil_hasher_update(h, 0, a + i * na, na);
		vigil_hasher_update(h, 1, b + i * nb, nb);
	}
	vigil_hasher_update(h, 0, a + 100 * na, BIG - 100 * na);
	vigil_hasher_update(h, 1, b + 100 * nb, BIG / 3 - 100 * nb);
	vigil_hasher_final(h, 1, gb);
	vigil_hasher_final(h, 0, ga);
	assert_string_equal(ga, wa);
	assert_string_equal(gb, wb);
	vigil_hasher_free(h);

	h = vigil_hasher_new();
	vigil_hasher_start(h);
	vigil_hasher_update(h, 0, "", 0);
	vigil_hasher_final(h, 0, ga);
	assert_string_equal(
	        ga, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* less than half a ring queued: the final must still get it hashed */
	vigil_hasher_update(h, 1, "abc", 3);
	vigil_hasher_final(h, 1, gb);
	assert_string_equal(
	        gb, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vigil_hasher_free(h);
	vigil_free(a);
	vigil_free(b);
}

/* An error path: free without final, the ring possibly full. */
static void test_free_queued(void **state)
{
	unsigned char *p = pattern(BIG, 4);
	struct vigil_hasher *h = vigil_hasher_new();

	(void)state;
	vigil_hasher_start(h);
	feed(h, 1, p, BIG);
	vigil_hasher_free(h);
	vigil_hasher_free(NULL);
	vigil_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_stream),
		cmocka_unit_test(test_two_streams_and_empty),
		cmocka_unit_test(test_free_queued),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
