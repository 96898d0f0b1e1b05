/* The layer cache: serialization round trip, damaged rows are misses, the
 * hook hands back what __store() wrote, and only layers it did not serve
 * are written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/scan/cache.h"

static char dir[64];
static struct vigil_store *store;

static int setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-cache-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/db.sqlite", dir);
	return vigil_store_open(&store, path, VIGIL_STORE_CREATE);
}

static int teardown(void **state)
{
	char path[128];
	static const char *const sfx[] = { "", "-wal", "-shm" };
	size_t i;

	(void)state;
	vigil_store_close(store);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/db.sqlite%s", dir, sfx[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static void make_layer(struct vigil_layer *l, const char *diff_id)
{
	char *data = malloc(6);

	memset(l, 0, sizeof(*l));
	snprintf(l->diff_id, sizeof(l->diff_id), "%s", diff_id);
	snprintf(l->digest, sizeof(l->digest), "sha256:%064d", 7);
	l->stored_size = 1234;
	l->tar_size = 5678;
	memcpy(data, "a\0b\nc", 6);
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_FILE, "lib/apk/db/installed",
	                                 vigil_strndup(data, 5), 5),
	                 0);
	free(data);
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_SYMLINK, "etc/os-release",
	                                 vigil_strdup("../usr/lib/os-release"), 21),
	                 0);
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_WHITEOUT, "var/lib/dpkg/status", NULL, 0),
	                 0);
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_OPAQUE, "var/lib/rpm", NULL, 0), 0);
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_FILE, "etc/empty", vigil_strdup(""), 0), 0);
}

static void assert_same(const struct vigil_layer *a, const struct vigil_layer *b)
{
	size_t i;

	assert_string_equal(a->diff_id, b->diff_id);
	assert_string_equal(a->digest, b->digest);
	assert_int_equal(a->stored_size, b->stored_size);
	assert_int_equal(a->tar_size, b->tar_size);
	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->entries[i].type, b->entries[i].type);
		assert_string_equal(a->entries[i].path, b->entries[i].path);
		assert_int_equal(a->entries[i].len, b->entries[i].len);
		assert_int_equal(!a->entries[i].data, !b->entries[i].data);
		if (a->entries[i].data)
			assert_memory_equal(a->entries[i].data, b->entries[i].data,
			                    a->entries[i].len);
	}
}

static void round_trip_and_damage(void **state)
{
	struct vigil_layer l, back;
	vigil_buf b = VIGIL_BUF_INIT;
	size_t cut;
	char *copy;
	int rc;

	(void)state;
	make_layer(&l, "sha256:1111111111111111111111111111111111111111111111111111111111111111");
	assert_int_equal(vigil_layer_cache__encode(&b, &l), 0);
	memset(&back, 0, sizeof(back));
	assert_int_equal(vigil_layer_cache__decode(&back, b.ptr, b.len), 0);
	assert_same(&l, &back);
	vigil_layer_release(&back);
	/* Every truncation, and one flipped byte per position, fails or decodes: never crashes. */
	for (cut = 0; cut < b.len; cut++) {
		memset(&back, 0, sizeof(back));
		assert_int_equal(vigil_layer_cache__decode(&back, b.ptr, cut), VIGIL_EINVALID);
		vigil_layer_release(&back);
	}
	copy = malloc(b.len);
	for (cut = 0; cut < b.len; cut++) {
		memcpy(copy, b.ptr, b.len);
		copy[cut] = (char)(copy[cut] ^ 0xff);
		memset(&back, 0, sizeof(back));
		rc = vigil_layer_cache__decode(&back, copy, b.len);
		assert_true(rc == 0 || rc == VIGIL_EINVALID || rc == VIGIL_ETOOBIG);
		vigil_layer_release(&back);
	}
	free(copy);
	vigil_buf_release(&b);
	vigil_layer_release(&l);
}

static void hook_serves_what_was_stored(void **state)
{
	struct vigil_layer_cache c;
	struct vigil_image_hooks hooks;
	struct vigil_image_data img;
	struct vigil_layer got;
	const char *id1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	const char *id2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

	(void)state;
	memset(&img, 0, sizeof(img));
	img.nlayers = 3;
	img.layers = vigil_calloc(3, sizeof(*img.layers));
	make_layer(&img.layers[0], id1);
	make_layer(&img.layers[1], id2);
	make_layer(&img.layers[2], ""); /* a rootfs layer: no diff_id, never cached */

	vigil_layer_cache__init(&c, store);
	vigil_layer_cache__hooks(&c, &hooks);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hooks.cached(&got, id1, hooks.payload), 0); /* empty cache: miss */
	vigil_layer_cache__store(&c, &img);
	assert_int_equal(c.stored, 2);
	vigil_layer_cache__release(&c);

	/* A new scan: both layers come from the cache, and nothing is written again. */
	vigil_layer_cache__init(&c, store);
	vigil_layer_cache__hooks(&c, &hooks);
	assert_int_equal(hooks.cached(&got, id2, hooks.payload), 1);
	assert_same(&img.layers[1], &got);
	vigil_layer_release(&got);
	assert_int_equal(hooks.cached(&got, id1, hooks.payload), 1);
	vigil_layer_release(&got);
	vigil_layer_cache__store(&c, &img);
	assert_int_equal(c.stored, 0);
	vigil_layer_cache__release(&c);

	/* Read again without asking the hook (a compressed archive): kept already, not rewritten. */
	vigil_layer_cache__init(&c, store);
	vigil_layer_cache__store(&c, &img);
	assert_int_equal(c.stored, 0);
	vigil_layer_cache__release(&c);

	/* Kept under another engine (other detectors): a miss. */
	assert_int_equal(vigil_store_layer_entries_put(store, id1, "sha256:other", "x", 1), 0);
	vigil_layer_cache__init(&c, store);
	vigil_layer_cache__hooks(&c, &hooks);
	assert_int_equal(hooks.cached(&got, id1, hooks.payload), 0);
	/* A damaged row: a miss (with a warning), not an error. */
	assert_int_equal(vigil_store_layer_entries_put(store, id2, c.engine, "VGLC\1\0\0\0xx", 10),
	                 0);
	assert_int_equal(hooks.cached(&got, id2, hooks.payload), 0);
	assert_int_equal(got.n, 0);
	vigil_layer_cache__release(&c);
	vigil_image_data_release(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_and_damage),
		cmocka_unit_test_setup_teardown(hook_serves_what_was_stored, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
