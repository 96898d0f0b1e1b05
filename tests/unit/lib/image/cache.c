/*
 * Unit tests for the layer-cache hook (vigil_image_load_cached()): a cache
 * kept here (diff_id -> entries captured from a first load) serves a second
 * load, which must give the same image without reading the cached blobs.
 * Proof that a blob was not read: its bytes are garbage and the load still
 * succeeds, and /proc/self/io's rchar grows by less than the blob's size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "vigil/alloc.h"
#include "lib/image/image.h"

static char tmp[256];

static const char *shared(void)
{
	const char *s = getenv("VIGIL_SHARED");
	return s && *s ? s : "/work/shared";
}

static void debian(char *out, size_t n, const char *ext)
{
	snprintf(out, n, "%s/images/debian-bookworm-openssl/debian-bookworm-openssl.%s", shared(),
		 ext);
}

/* ---- the cache ---- */

#define MAX_CACHED 16

struct cache {
	struct vigil_layer l[MAX_CACHED];
	size_t n;
	const char *miss;  /* a diff_id answered 0 even when held */
	int all_miss;      /* answer 0 to everything */
	int fail;          /* answer this error */
	int wrong;         /* answer another layer's diff_id */
	size_t calls, hits;
};

static void copy_layer(struct vigil_layer *out, const struct vigil_layer *l)
{
	size_t i;
	char *data;

	memset(out, 0, sizeof(*out));
	memcpy(out->digest, l->digest, sizeof(out->digest));
	memcpy(out->diff_id, l->diff_id, sizeof(out->diff_id));
	out->stored_size = l->stored_size;
	out->tar_size = l->tar_size;
	for (i = 0; i < l->n; i++) {
		data = NULL;
		if (l->entries[i].data) {
			data = vigil_malloc(l->entries[i].len + 1);
			memcpy(data, l->entries[i].data, l->entries[i].len + 1);
		}
		assert_int_equal(vigil_layer_add(out, l->entries[i].type, l->entries[i].path, data,
						 l->entries[i].len),
				 0);
	}
}

static void cache_fill(struct cache *c, const struct vigil_image_data *d)
{
	size_t i;

	for (i = 0; i < d->nlayers; i++) {
		assert_true(c->n < MAX_CACHED);
		copy_layer(&c->l[c->n++], &d->layers[i]);
	}
}

static void cache_release(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		vigil_layer_release(&c->l[i]);
	memset(c, 0, sizeof(*c));
}

static int cached(struct vigil_layer *out, const char *diff_id, void *payload)
{
	struct cache *c = payload;
	size_t i;

	c->calls++;
	if (c->fail)
		return vigil_error_set(c->fail, "layer cache: database is locked");
	if (c->all_miss || (c->miss && strcmp(c->miss, diff_id) == 0))
		return 0;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->l[i].diff_id, diff_id) != 0)
			continue;
		copy_layer(out, &c->l[i]);
		if (c->wrong)
			memcpy(out->diff_id, c->l[(i + 1) % c->n].diff_id, sizeof(out->diff_id));
		c->hits++;
		return 1;
	}
	return 0;
}

static int load_cached(struct vigil_image_data *d, const char *ref, struct cache *c)
{
	struct vigil_image_hooks h = { cached, NULL };

	h.payload = c;
	c->calls = c->hits = 0;
	return vigil_image_load_cached(d, ref, NULL, &h);
}

static int load_plain(struct vigil_image_data *d, const char *ref)
{
	int err = vigil_image_load(d, ref, NULL);

	if (err)
		print_message("load '%s': %s\n", ref, vigil_error_last());
	return err;
}

/* ---- comparing ---- */

static void expect_same_layer(const struct vigil_layer *a, const struct vigil_layer *b)
{
	size_t i;

	assert_string_equal(a->digest, b->digest);
	assert_string_equal(a->diff_id, b->diff_id);
	assert_int_equal(a->tar_size, b->tar_size);
	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->entries[i].type, b->entries[i].type);
		assert_string_equal(a->entries[i].path, b->entries[i].path);
		assert_int_equal(a->entries[i].len, b->entries[i].len);
		assert_true((a->entries[i].data == NULL) == (b->entries[i].data == NULL));
		if (a->entries[i].data)
			assert_memory_equal(a->entries[i].data, b->entries[i].data, a->entries[i].len);
	}
}

static void expect_same(const struct vigil_image_data *a, const struct vigil_image_data *b)
{
	size_t i;

	assert_string_equal(a->kind, b->kind);
	assert_int_equal(a->nlayers, b->nlayers);
	assert_int_equal(a->has_digests, b->has_digests);
	assert_true((a->config_digest == NULL) == (b->config_digest == NULL));
	if (a->config_digest)
		assert_string_equal(a->config_digest, b->config_digest);
	assert_true((a->manifest_digest == NULL) == (b->manifest_digest == NULL));
	if (a->manifest_digest)
		assert_string_equal(a->manifest_digest, b->manifest_digest);
	for (i = 0; i < a->nlayers; i++)
		expect_same_layer(&a->layers[i], &b->layers[i]);
}

/* Bytes this process has read so far (rchar), or -1 where /proc does not say. */
static long long bytes_read(void)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/self/io", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "rchar: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ---- building inputs ---- */

static void run(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* Overwrite the file at `path` with `n` bytes of garbage. */
static void garbage_file(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");
	char block[4096];
	size_t k;

	assert_non_null(f);
	memset(block, 'G', sizeof(block));
	for (; n; n -= k) {
		k = n < sizeof(block) ? n : sizeof(block);
		assert_int_equal(fwrite(block, 1, k, f), k);
	}
	fclose(f);
}

struct member {
	const char *name;
	const void *p;
	size_t n;
	int garbage; /* write n bytes of garbage instead of p */
};

static void write_tar(const char *path, const struct member *m, size_t n, int gzip)
{
	struct archive *a = archive_write_new();
	static char block[65536];
	size_t i, left, k;

	memset(block, 'G', sizeof(block));
	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)m[i].n);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (!m[i].garbage)
			assert_int_equal(archive_write_data(a, m[i].p, m[i].n), (la_ssize_t)m[i].n);
		for (left = m[i].garbage ? m[i].n : 0; left; left -= k) {
			k = left < sizeof(block) ? left : sizeof(block);
			assert_int_equal(archive_write_data(a, block, k), (la_ssize_t)k);
		}
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

/* A layer tar in memory: name/data pairs, NULL-terminated; *n its size. */
static unsigned char *make_layer(size_t *n, const char *const *files, size_t big)
{
	struct archive *a = archive_write_new();
	size_t cap = big + (1 << 16);
	unsigned char *buf = malloc(cap);
	char *zeros;

	*n = 0;
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, n);
	for (; files[0]; files += 2) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, files[0]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(files[1]));
		archive_write_header(a, e);
		archive_write_data(a, files[1], strlen(files[1]));
		archive_entry_free(e);
	}
	if (big) {
		/* a file nobody wants, making the member bigger than any JSON document */
		struct archive_entry *e = archive_entry_new();
		zeros = calloc(1, big);
		archive_entry_set_pathname(e, "usr/share/big.bin");
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)big);
		archive_write_header(a, e);
		archive_write_data(a, zeros, big);
		archive_entry_free(e);
		free(zeros);
	}
	archive_write_close(a);
	archive_write_free(a);
	return buf;
}

/*
 * A classic docker-save tar of two layers (the second one over
 * VIGIL_MAX_JSON_SIZE), manifest.json last. garbage[i]: layer i's bytes are
 * garbage. Layer diff_ids in diff_ids[2].
 */
static void write_docker(const char *path, const int garbage[2], int gzip,
			 char diff_ids[2][VIGIL_DIGEST_LEN])
{
	static const char *const l1[] = { "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n",
					  "var/lib/dpkg/status",
					  "Package: base\nStatus: install ok installed\nVersion: 1\n\n",
					  NULL };
	static const char *const l2[] = { "var/lib/dpkg/status",
					  "Package: top\nStatus: install ok installed\nVersion: 2\n\n",
					  NULL };
	unsigned char *t1, *t2;
	size_t n1, n2;
	char cfg[1024], man[512];
	struct member m[4];

	t1 = make_layer(&n1, l1, 0);
	t2 = make_layer(&n2, l2, (size_t)20 << 20);
	vigil_sha256_buf(t1, n1, diff_ids[0]);
	vigil_sha256_buf(t2, n2, diff_ids[1]);
	snprintf(cfg, sizeof(cfg),
		 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"%s\",\"%s\"]}}",
		 diff_ids[0], diff_ids[1]);
	snprintf(man, sizeof(man),
		 "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"t:1\"],"
		 "\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]");
	m[0] = (struct member){ "l1/layer.tar", t1, n1, garbage[0] };
	m[1] = (struct member){ "l2/layer.tar", t2, n2, garbage[1] };
	m[2] = (struct member){ "cfg.json", cfg, strlen(cfg), 0 };
	m[3] = (struct member){ "manifest.json", man, strlen(man), 0 };
	write_tar(path, m, 4, gzip);
	free(t1);
	free(t2);
}

/*
 * The shared Debian OCI tar copied member by member, the layer blobs named
 * in `garbage` (hex digests, NULL-terminated) replaced by garbage, the one
 * named `drop` (may be NULL) left out.
 */
static void copy_oci_tar(const char *to, const char *const *garbage, const char *drop)
{
	char from[1024];
	struct archive *in = archive_read_new(), *out = archive_write_new();
	struct archive_entry *e;
	static char block[65536];
	const void *buf;
	size_t size, i;
	la_int64_t off, left, k;
	int bad;

	debian(from, sizeof(from), "oci.tar");
	memset(block, 'G', sizeof(block));
	archive_read_support_format_tar(in);
	assert_int_equal(archive_read_open_filename(in, from, 1 << 16), ARCHIVE_OK);
	archive_write_set_format_pax_restricted(out);
	assert_int_equal(archive_write_open_filename(out, to), ARCHIVE_OK);
	while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
		if (drop && strstr(archive_entry_pathname(e), drop))
			continue;
		bad = 0;
		for (i = 0; garbage[i]; i++)
			bad |= strstr(archive_entry_pathname(e), garbage[i]) != NULL;
		assert_int_equal(archive_write_header(out, e), ARCHIVE_OK);
		if (!bad) {
			while (archive_read_data_block(in, &buf, &size, &off) == ARCHIVE_OK)
				archive_write_data(out, buf, size);
			continue;
		}
		for (left = archive_entry_size(e); left > 0; left -= k) {
			k = left < (la_int64_t)sizeof(block) ? left : (la_int64_t)sizeof(block);
			archive_write_data(out, block, (size_t)k);
		}
	}
	archive_read_free(in);
	archive_write_close(out);
	archive_write_free(out);
}

/* The three layer blobs of the Debian image, by hex digest, base first. */
static const char *const debian_blobs[] = {
	"3cb506a81e1a56c8f19fa9efafbb74591c314daacbf912e528077ba32f7da1c1",
	"a5953e7f06899864f8b6e7096963385e502741ac2d05bfa8021dc4abd1dffd98",
	"fa7f85a3c94bd6859bdca2a590874635edcd8cfa2fed8263e0bce8ef0a88a968",
};

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/vigil-cache-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmp));
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- tests ---- */

/*
 * Every shared image: a warm load equals the cold one. Plain tars ask the
 * cache for each layer; compressed ones never do (they read every blob).
 */
static void test_shared_images(void **state)
{
	static const struct {
		const char *rel;
		int plain;
	} imgs[] = {
		{ "debian-bookworm-openssl/debian-bookworm-openssl.oci.tar", 1 },
		{ "debian-bookworm-openssl/debian-bookworm-openssl.docker.tar.zst", 0 },
		{ "fixtures/layers/fanal/image3_gz_layers.tar", 1 },
		{ "fixtures/alpine/fanal/alpine-311.tar.gz", 0 },
	};
	struct vigil_image_data cold, warm;
	struct cache c;
	char ref[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(imgs) / sizeof(imgs[0]); i++) {
		memset(&c, 0, sizeof(c));
		snprintf(ref, sizeof(ref), "%s/images/%s", shared(), imgs[i].rel);
		assert_int_equal(load_plain(&cold, ref), 0);
		cache_fill(&c, &cold);
		assert_int_equal(load_cached(&warm, ref, &c), 0);
		expect_same(&cold, &warm);
		assert_int_equal(c.calls, imgs[i].plain ? cold.nlayers : 0);
		assert_int_equal(c.hits, c.calls);
		vigil_image_data_release(&warm);
		/* nothing cached: every layer read on demand, the same image */
		c.all_miss = 1;
		assert_int_equal(load_cached(&warm, ref, &c), 0);
		expect_same(&cold, &warm);
		assert_int_equal(c.hits, 0);
		vigil_image_data_release(&warm);
		vigil_image_data_release(&cold);
		cache_release(&c);
	}
}

/* The Debian OCI tar: cold vs warm load times, and how little a warm load reads. */
static void test_debian_warm(void **state)
{
	enum { RUNS = 20 };
	struct vigil_image_data cold, warm;
	struct cache c = { 0 };
	double t0, cold_ms, ms[RUNS];
	long long before, delta = -1;
	char ref[1024];
	size_t i;

	(void)state;
	debian(ref, sizeof(ref), "oci.tar");
	t0 = now_ms();
	assert_int_equal(load_plain(&cold, ref), 0);
	cold_ms = now_ms() - t0;
	cache_fill(&c, &cold);
	for (i = 0; i < RUNS; i++) {
		before = bytes_read();
		t0 = now_ms();
		assert_int_equal(load_cached(&warm, ref, &c), 0);
		ms[i] = now_ms() - t0;
		if (before >= 0)
			delta = bytes_read() - before;
		assert_int_equal(c.hits, 3);
		expect_same(&cold, &warm);
		vigil_image_data_release(&warm);
	}
	qsort(ms, RUNS, sizeof(ms[0]), cmp_double);
	print_message("cache: debian oci.tar load cold %.2f ms, warm %.3f ms (median of %d, "
		      "min %.3f), warm read %lld bytes of %lld\n",
		      cold_ms, ms[RUNS / 2], RUNS, ms[0], delta,
		      (long long)(cold.layers[0].stored_size + cold.layers[1].stored_size +
				  cold.layers[2].stored_size));
	/* the layers are 33 MB; headers, the JSON members and libarchive's reads are not */
	if (delta >= 0)
		assert_true(delta < (1 << 20));
	vigil_image_data_release(&cold);
	cache_release(&c);
}

/* An OCI tar whose cached layer blobs are garbage loads; one miss reads that layer only. */
static void test_oci_tar_garbage(void **state)
{
	static const char *const all[] = { debian_blobs[0], debian_blobs[1], debian_blobs[2],
					   NULL };
	static const char *const two[] = { debian_blobs[0], debian_blobs[1], NULL };
	struct vigil_image_data cold, warm;
	struct cache c = { 0 };
	char ref[1024], bad[512];
	long long before;

	(void)state;
	debian(ref, sizeof(ref), "oci.tar");
	assert_int_equal(load_plain(&cold, ref), 0);
	cache_fill(&c, &cold);
	snprintf(bad, sizeof(bad), "%s/garbage.oci.tar", tmp);
	copy_oci_tar(bad, all, NULL);
	assert_int_equal(load_cached(&warm, bad, &c), 0);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	assert_int_not_equal(vigil_image_load(&warm, bad, NULL), 0);
	vigil_image_data_release(&warm);

	/* layer 3 not cached (and real): read, the other two not */
	snprintf(bad, sizeof(bad), "%s/garbage2.oci.tar", tmp);
	copy_oci_tar(bad, two, NULL);
	c.miss = cold.layers[2].diff_id;
	before = bytes_read();
	assert_int_equal(load_cached(&warm, bad, &c), 0);
	if (before >= 0)
		assert_true(bytes_read() - before < (2 << 20));
	assert_int_equal(c.calls, 3);
	assert_int_equal(c.hits, 2);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	/* layer 1 (garbage) not cached: read and refused */
	c.miss = cold.layers[0].diff_id;
	assert_int_equal(load_cached(&warm, bad, &c), VIGIL_EINVALID);
	vigil_image_data_release(&warm);
	/* a layer the manifest names is not in the archive: cached or not, refused */
	c.miss = NULL;
	snprintf(bad, sizeof(bad), "%s/missing.oci.tar", tmp);
	copy_oci_tar(bad, all, debian_blobs[1]);
	assert_int_equal(load_cached(&warm, bad, &c), VIGIL_ENOTFOUND);
	assert_non_null(strstr(vigil_error_last(), debian_blobs[1]));
	vigil_image_data_release(&warm);
	vigil_image_data_release(&cold);
	cache_release(&c);
}

/* An OCI layout directory: garbage blobs still load when cached; a miss reads one blob. */
static void test_layout_garbage(void **state)
{
	struct vigil_image_data cold, warm, dir;
	struct cache c = { 0 };
	char ref[512], d[512], blob[700], cmd[2048];
	long long before;
	size_t i;

	(void)state;
	debian(ref, sizeof(ref), "oci.tar");
	snprintf(d, sizeof(d), "%s/layout", tmp);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && tar -xf '%s' -C '%s'", d, ref, d);
	run(cmd);
	assert_int_equal(load_plain(&cold, d), 0);
	assert_string_equal(cold.kind, "oci");
	cache_fill(&c, &cold);

	/* real blobs, layer 2 missing from the cache: only its 4.8 MB are read */
	c.miss = cold.layers[1].diff_id;
	before = bytes_read();
	assert_int_equal(load_cached(&warm, d, &c), 0);
	if (before >= 0) {
		assert_true(bytes_read() - before >= (long long)cold.layers[1].stored_size);
		assert_true(bytes_read() - before <
			    (long long)cold.layers[1].stored_size + (1 << 20));
	}
	assert_int_equal(c.hits, 2);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	c.miss = NULL;

	for (i = 0; i < 3; i++) {
		snprintf(blob, sizeof(blob), "%s/blobs/sha256/%s", d, debian_blobs[i]);
		garbage_file(blob, 4096);
	}
	assert_int_equal(load_cached(&warm, d, &c), 0);
	assert_int_equal(c.hits, 3);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	assert_int_equal(vigil_image_load(&dir, d, NULL), VIGIL_EINVALID);
	vigil_image_data_release(&dir);
	/* a miss on a garbage blob reads it and fails as a cold load does */
	c.miss = cold.layers[2].diff_id;
	assert_int_equal(load_cached(&warm, d, &c), VIGIL_EINVALID);
	vigil_image_data_release(&warm);
	/* a blob the manifest names is gone: cached or not, refused */
	c.miss = NULL;
	snprintf(blob, sizeof(blob), "%s/blobs/sha256/%s", d, debian_blobs[0]);
	assert_int_equal(unlink(blob), 0);
	assert_int_equal(load_cached(&warm, d, &c), VIGIL_ENOTFOUND);
	assert_non_null(strstr(vigil_error_last(), "not found"));
	vigil_image_data_release(&warm);
	vigil_image_data_release(&cold);
	cache_release(&c);
}

/* A docker-save tar built here: garbage layers load when cached, a miss reads one layer. */
static void test_docker_garbage(void **state)
{
	static const int real[2] = { 0, 0 }, none[2] = { 1, 1 }, first[2] = { 1, 0 };
	char ids[2][VIGIL_DIGEST_LEN], good[512], bad[512], half[512], tagged[600];
	struct vigil_image_data cold, warm;
	struct cache c = { 0 };
	long long before;

	(void)state;
	snprintf(good, sizeof(good), "%s/docker.tar", tmp);
	snprintf(bad, sizeof(bad), "%s/docker-garbage.tar", tmp);
	snprintf(half, sizeof(half), "%s/docker-half.tar", tmp);
	write_docker(good, real, 0, ids);
	write_docker(bad, none, 0, ids);
	write_docker(half, first, 0, ids);
	assert_int_equal(load_plain(&cold, good), 0);
	assert_string_equal(cold.kind, "docker-archive");
	assert_int_equal(cold.nlayers, 2);
	assert_string_equal(cold.layers[1].diff_id, ids[1]);
	cache_fill(&c, &cold);

	before = bytes_read();
	assert_int_equal(load_cached(&warm, bad, &c), 0);
	if (before >= 0)
		assert_true(bytes_read() - before < (1 << 20)); /* layer 2 is 20 MiB */
	assert_int_equal(c.hits, 2);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	assert_int_equal(vigil_image_load(&warm, bad, NULL), VIGIL_EINVALID);
	vigil_image_data_release(&warm);

	/* tagged reference, the big real layer not cached: read and checked */
	snprintf(tagged, sizeof(tagged), "docker-archive:%s:t:1", half);
	c.miss = ids[1];
	before = bytes_read();
	assert_int_equal(load_cached(&warm, tagged, &c), 0);
	if (before >= 0)
		assert_true(bytes_read() - before >= (20 << 20));
	assert_int_equal(c.hits, 1);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	vigil_image_data_release(&cold);
	cache_release(&c);
}

/* A tar compressed as a whole reads (and checks) every blob; the cache is not asked. */
static void test_compressed(void **state)
{
	static const int real[2] = { 0, 0 }, none[2] = { 1, 1 };
	char ids[2][VIGIL_DIGEST_LEN], good[512], bad[512];
	struct vigil_image_data cold, warm;
	struct cache c = { 0 };

	(void)state;
	snprintf(good, sizeof(good), "%s/docker.tar.gz", tmp);
	snprintf(bad, sizeof(bad), "%s/docker-garbage.tar.gz", tmp);
	write_docker(good, real, 1, ids);
	write_docker(bad, none, 1, ids);
	assert_int_equal(load_plain(&cold, good), 0);
	cache_fill(&c, &cold);
	assert_int_equal(load_cached(&warm, good, &c), 0);
	assert_int_equal(c.calls, 0);
	expect_same(&cold, &warm);
	vigil_image_data_release(&warm);
	assert_int_equal(load_cached(&warm, bad, &c), VIGIL_EINVALID);
	assert_int_equal(c.calls, 0);
	vigil_image_data_release(&warm);
	vigil_image_data_release(&cold);
	cache_release(&c);
}

/* A hook's error aborts the load with that code and message; a wrong answer is refused. */
static void test_hook_errors(void **state)
{
	static const int real[2] = { 0, 0 };
	char ids[2][VIGIL_DIGEST_LEN], refs[3][512], cmd[2048];
	struct vigil_image_data cold, warm;
	struct cache c = { 0 };
	size_t i;

	(void)state;
	snprintf(refs[0], sizeof(refs[0]), "%s/errors.tar", tmp);
	write_docker(refs[0], real, 0, ids);
	debian(refs[1], sizeof(refs[1]), "oci.tar");
	snprintf(refs[2], sizeof(refs[2]), "%s/errors-layout", tmp);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && tar -xf '%s' -C '%s'", refs[2], refs[1],
		 refs[2]);
	run(cmd);
	for (i = 0; i < 3; i++) {
		assert_int_equal(load_plain(&cold, refs[i]), 0);
		cache_fill(&c, &cold);
		c.fail = VIGIL_EDB;
		assert_int_equal(load_cached(&warm, refs[i], &c), VIGIL_EDB);
		assert_string_equal(vigil_error_last(), "layer cache: database is locked");
		assert_int_equal(c.calls, 1);
		vigil_image_data_release(&warm);
		c.fail = 0;
		c.wrong = 1;
		assert_int_equal(load_cached(&warm, refs[i], &c), VIGIL_EINVALID);
		assert_non_null(strstr(vigil_error_last(), "layer cache answered"));
		vigil_image_data_release(&warm);
		vigil_image_data_release(&cold);
		cache_release(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_images),  cmocka_unit_test(test_debian_warm),
		cmocka_unit_test(test_oci_tar_garbage), cmocka_unit_test(test_layout_garbage),
		cmocka_unit_test(test_docker_garbage), cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_hook_errors),
	};

	/* bench/cache.sh runs test_debian_warm alone for its timing line */
	if (getenv("VIGIL_TEST_FILTER"))
		cmocka_set_test_filter(getenv("VIGIL_TEST_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
