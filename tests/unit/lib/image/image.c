/*
 * Unit tests for image loading: the shared Debian image in both archive
 * formats (digests from its layers.txt), the fanal and Alpine fixtures, OCI
 * layouts with two platforms and nested indexes built here (directory and
 * tar), references and prefixes, and broken inputs.
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
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "vigil/vigil.h"
#include "lib/image/image.h"
#include "lib/layer/fsview.h"

static char tmp[256];

static const char *shared(void)
{
	const char *s = getenv("VIGIL_SHARED");
	return s && *s ? s : "/work/shared";
}

/* ---- building blobs ---- */

struct blob {
	unsigned char *p;
	size_t n;
	char digest[VIGIL_DIGEST_LEN];
};

static void blob_set(struct blob *b, unsigned char *p, size_t n)
{
	b->p = p;
	b->n = n;
	vigil_sha256_buf(p, n, b->digest);
}

static void blob_str(struct blob *b, const char *s)
{
	blob_set(b, (unsigned char *)strdup(s), strlen(s));
}

/* A tar of one or two regular files: name/data pairs, NULL-terminated. */
static void make_tar(struct blob *b, const char *const *files)
{
	size_t cap = 1 << 16, used = 0;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, &used);
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
	archive_write_close(a);
	archive_write_free(a);
	blob_set(b, buf, used);
}

static void gzip_blob(struct blob *out, const struct blob *in)
{
	z_stream z;
	unsigned char *p = malloc(in->n + 1024);

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	z.next_in = in->p;
	z.avail_in = (uInt)in->n;
	z.next_out = p;
	z.avail_out = (uInt)(in->n + 1024);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	blob_set(out, p, z.total_out);
	deflateEnd(&z);
}

static void zstd_blob(struct blob *out, const struct blob *in)
{
	size_t cap = ZSTD_compressBound(in->n);
	unsigned char *p = malloc(cap);

	blob_set(out, p, ZSTD_compress(p, cap, in->p, in->n, 3));
}

/* ---- an OCI image for two platforms ---- */

struct img {
	struct blob layers[2], cfg, man;
	size_t nlayers;
	char diff_ids[2][VIGIL_DIGEST_LEN];
};

static void make_config(struct img *im, const char *arch)
{
	char s[1024];

	if (im->nlayers == 1)
		snprintf(s, sizeof(s),
			 "{\"architecture\":\"%s\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
			 "\"diff_ids\":[\"%s\"]}}",
			 arch, im->diff_ids[0]);
	else
		snprintf(s, sizeof(s),
			 "{\"architecture\":\"%s\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
			 "\"diff_ids\":[\"%s\",\"%s\"]}}",
			 arch, im->diff_ids[0], im->diff_ids[1]);
	blob_str(&im->cfg, s);
}

static void make_manifest(struct img *im)
{
	char s[4096];
	int n;
	size_t i;

	n = snprintf(s, sizeof(s),
		     "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		     "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		     "\"digest\":\"%s\",\"size\":%zu},\"layers\":[",
		     im->cfg.digest, im->cfg.n);
	for (i = 0; i < im->nlayers; i++)
		n += snprintf(s + n, sizeof(s) - (size_t)n,
			      "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
			      "\"digest\":\"%s\",\"size\":%zu}",
			      i ? "," : "", im->layers[i].digest, im->layers[i].n);
	snprintf(s + n, sizeof(s) - (size_t)n, "]}");
	blob_str(&im->man, s);
}

static struct img amd64, arm64;
static struct blob index_multi, index_nested, nested;

static void make_images(void)
{
	static const char *const l1[] = { "etc/os-release", "ID=amd64\n", NULL };
	static const char *const l2[] = { "var/lib/dpkg/status", "Package: p\n", NULL };
	static const char *const l3[] = { "etc/os-release", "ID=arm64\n", NULL };
	struct blob t;
	char s[2048];

	make_tar(&amd64.layers[0], l1); /* plain tar */
	memcpy(amd64.diff_ids[0], amd64.layers[0].digest, VIGIL_DIGEST_LEN);
	make_tar(&t, l2);
	memcpy(amd64.diff_ids[1], t.digest, VIGIL_DIGEST_LEN);
	zstd_blob(&amd64.layers[1], &t);
	free(t.p);
	amd64.nlayers = 2;
	make_config(&amd64, "amd64");
	make_manifest(&amd64);
	make_tar(&t, l3);
	memcpy(arm64.diff_ids[0], t.digest, VIGIL_DIGEST_LEN);
	gzip_blob(&arm64.layers[0], &t);
	free(t.p);
	arm64.nlayers = 1;
	make_config(&arm64, "arm64");
	make_manifest(&arm64);
	snprintf(s, sizeof(s),
		 "{\"schemaVersion\":2,\"manifests\":["
		 "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\","
		 "\"size\":%zu,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}},"
		 "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\","
		 "\"size\":%zu,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}",
		 arm64.man.digest, arm64.man.n, amd64.man.digest, amd64.man.n);
	blob_str(&index_multi, s);
	blob_str(&nested, s);
	snprintf(s, sizeof(s),
		 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		 "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"%s\",\"size\":%zu,"
		 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}",
		 nested.digest, nested.n);
	blob_str(&index_nested, s);
}

static void write_file(const char *dir, const char *rel, const struct blob *b)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/blobs", dir);
	mkdir(dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->n, f), b->n);
	fclose(f);
}

static void write_blob(const char *dir, const struct blob *b)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "blobs/sha256/%s", b->digest + 7);
	write_file(dir, rel, b);
}

static void write_layout(const char *dir, const struct blob *index, int with_nested)
{
	struct blob layout;

	blob_str(&layout, "{\"imageLayoutVersion\":\"1.0.0\"}");
	write_file(dir, "oci-layout", &layout);
	write_file(dir, "index.json", index);
	write_blob(dir, &amd64.layers[0]);
	write_blob(dir, &amd64.layers[1]);
	write_blob(dir, &amd64.cfg);
	write_blob(dir, &amd64.man);
	write_blob(dir, &arm64.layers[0]);
	write_blob(dir, &arm64.cfg);
	write_blob(dir, &arm64.man);
	if (with_nested)
		write_blob(dir, &nested);
	free(layout.p);
}

/* A tar archive of members (name, blob), in this order. */
static void write_tar(const char *path, const char *const *names, const struct blob *const *blobs,
		      size_t n)
{
	struct archive *a = archive_write_new();
	size_t i;

	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)blobs[i]->n);
		archive_write_header(a, e);
		archive_write_data(a, blobs[i]->p, blobs[i]->n);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static void blob_name(char *out, size_t n, const struct blob *b)
{
	snprintf(out, n, "blobs/sha256/%s", b->digest + 7);
}

/* The two-platform layout as a tar whose index and manifests come after the layers. */
static void write_oci_tar(const char *path)
{
	static char names[9][128];
	const struct blob *blobs[9] = { &amd64.layers[0], &arm64.layers[0], &amd64.layers[1],
					&amd64.cfg, &arm64.cfg, &amd64.man, &arm64.man,
					&index_multi, NULL };
	const char *nm[9];
	struct blob layout;
	size_t i;

	blob_str(&layout, "{\"imageLayoutVersion\":\"1.0.0\"}");
	blobs[8] = &layout;
	for (i = 0; i < 7; i++) {
		blob_name(names[i], sizeof(names[i]), blobs[i]);
		nm[i] = names[i];
	}
	nm[7] = "index.json";
	nm[8] = "oci-layout";
	write_tar(path, nm, blobs, 9);
	free(layout.p);
}

static int setup(void **state)
{
	char p[512];

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/vigil-image-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmp));
	make_images();
	snprintf(p, sizeof(p), "%s/multi", tmp);
	write_layout(p, &index_multi, 0);
	snprintf(p, sizeof(p), "%s/nested", tmp);
	write_layout(p, &index_nested, 1);
	snprintf(p, sizeof(p), "%s/multi.tar", tmp);
	write_oci_tar(p);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- checks ---- */

static int never_cached(struct vigil_layer *out, const char *diff_id, void *payload)
{
	(void)out;
	(void)diff_id;
	(*(int *)payload)++;
	return 0;
}

static void expect_same_layers(const struct vigil_image_data *a, const struct vigil_image_data *b)
{
	size_t i, j;

	assert_int_equal(a->nlayers, b->nlayers);
	for (i = 0; i < a->nlayers; i++) {
		assert_string_equal(a->layers[i].digest, b->layers[i].digest);
		assert_string_equal(a->layers[i].diff_id, b->layers[i].diff_id);
		assert_int_equal(a->layers[i].n, b->layers[i].n);
		for (j = 0; j < a->layers[i].n; j++)
			assert_string_equal(a->layers[i].entries[j].path,
					    b->layers[i].entries[j].path);
	}
}

/*
 * Load `ref`; every load is done twice, the second time with a layer cache
 * that holds nothing (plain tars then read layers on demand, see
 * cache.c): the outcome and the message must be the same.
 */
static int load(struct vigil_image_data *d, const char *ref, const char *platform)
{
	vigil_image_opts o = VIGIL_IMAGE_OPTS_INIT;
	int asked = 0;
	struct vigil_image_hooks h = { never_cached, NULL };
	struct vigil_image_data again;
	char msg[1024];
	int err, err2;

	h.payload = &asked;
	o.platform = platform;
	err = vigil_image_load(d, ref, &o);
	snprintf(msg, sizeof(msg), "%s", err ? vigil_error_last() : "");
	err2 = vigil_image_load_cached(&again, ref, &o, &h);
	if (err2 != err || (err && strcmp(msg, vigil_error_last()) != 0))
		fail_msg("'%s': %d '%s' uncached, %d '%s' with a cache", ref, err, msg, err2,
			 err2 ? vigil_error_last() : "");
	if (!err)
		expect_same_layers(d, &again);
	vigil_image_data_release(&again);
	if (err)
		vigil_error_set(err, "%s", msg);
	return err;
}

static const char *os_release(const struct vigil_image_data *d)
{
	static char out[64];
	struct vigil_fsview v;
	const char *p;
	size_t i, n;

	vigil_fsview_init(&v);
	for (i = 0; i < d->nlayers; i++)
		vigil_fsview_apply(&v, &d->layers[i]);
	assert_int_equal(vigil_fsview_read(&v, "etc/os-release", &p, &n), 0);
	snprintf(out, sizeof(out), "%.*s", (int)n, p);
	vigil_fsview_release(&v);
	return out;
}

static void expect_amd64(const struct vigil_image_data *d)
{
	assert_int_equal(d->nlayers, 2);
	assert_int_equal(d->has_digests, 1);
	assert_string_equal(d->layers[0].digest, amd64.layers[0].digest);
	assert_string_equal(d->layers[1].digest, amd64.layers[1].digest);
	assert_string_equal(d->layers[1].diff_id, amd64.diff_ids[1]);
	assert_string_equal(d->config_digest, amd64.cfg.digest);
	assert_string_equal(d->manifest_digest, amd64.man.digest);
	assert_string_equal(os_release(d), "ID=amd64\n");
}

static void expect_arm64(const struct vigil_image_data *d)
{
	assert_int_equal(d->nlayers, 1);
	assert_string_equal(d->layers[0].digest, arm64.layers[0].digest);
	assert_string_equal(d->layers[0].diff_id, arm64.diff_ids[0]);
	assert_string_equal(os_release(d), "ID=arm64\n");
}

static void test_platforms(void **state)
{
	static const char *const refs[][2] = { { "", "multi" }, { "oci:", "multi" },
					       { "", "multi.tar" }, { "oci-archive:", "multi.tar" } };
	struct vigil_image_data d;
	char ref[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		snprintf(ref, sizeof(ref), "%s%s/%s", refs[i][0], tmp, refs[i][1]);
		assert_int_equal(load(&d, ref, NULL), 0);
		assert_string_equal(d.kind, i < 2 ? "oci" : "oci-archive");
		expect_amd64(&d);
		vigil_image_data_release(&d);
		assert_int_equal(load(&d, ref, "linux/arm64"), 0);
		expect_arm64(&d);
		vigil_image_data_release(&d);
		assert_int_equal(load(&d, ref, "linux/arm64/v8"), 0);
		expect_arm64(&d);
		vigil_image_data_release(&d);
		assert_int_equal(load(&d, ref, "linux/s390x"), VIGIL_ENOTFOUND);
		assert_non_null(strstr(vigil_error_last(), "'linux/s390x'"));
		vigil_image_data_release(&d);
		assert_int_equal(load(&d, ref, "linux/arm64/v7"), VIGIL_ENOTFOUND);
		vigil_image_data_release(&d);
	}
}

static void test_nested_and_tags(void **state)
{
	struct vigil_image_data d;
	char ref[512];

	(void)state;
	snprintf(ref, sizeof(ref), "%s/nested", tmp);
	assert_int_equal(load(&d, ref, NULL), 0);
	expect_amd64(&d);
	vigil_image_data_release(&d);
	snprintf(ref, sizeof(ref), "oci:%s/nested:v1", tmp);
	assert_int_equal(load(&d, ref, "linux/arm64"), 0);
	expect_arm64(&d);
	vigil_image_data_release(&d);
	snprintf(ref, sizeof(ref), "oci:%s/nested:v2", tmp);
	assert_int_equal(load(&d, ref, NULL), VIGIL_ENOTFOUND);
	assert_non_null(strstr(vigil_error_last(), "'v2'"));
	vigil_image_data_release(&d);
}

/* A copy of the layout with one byte of a layer blob changed. */
static void test_digest_mismatch(void **state)
{
	struct vigil_image_data d;
	struct blob bad;
	char dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/flipped", tmp);
	write_layout(dir, &index_multi, 0);
	bad.n = amd64.layers[0].n;
	bad.p = malloc(bad.n);
	memcpy(bad.p, amd64.layers[0].p, bad.n);
	bad.p[512] ^= 0x20; /* inside etc/os-release's data: still a valid tar */
	memcpy(bad.digest, amd64.layers[0].digest, VIGIL_DIGEST_LEN);
	write_blob(dir, &bad);
	assert_int_equal(load(&d, dir, NULL), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "digest mismatch"));
	vigil_image_data_release(&d);
	free(bad.p);
}

/* Docker archives written here: missing, malformed and lying manifests. */
static void test_docker_broken(void **state)
{
	static const char *const files[] = { "etc/os-release", "ID=x\n", NULL };
	const char *names[3] = { "l/layer.tar", "c.json", "manifest.json" };
	const struct blob *blobs[3];
	struct blob layer, cfg, man, bad;
	struct vigil_image_data d;
	char path[512], s[512];

	(void)state;
	make_tar(&layer, files);
	snprintf(s, sizeof(s), "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
		 layer.digest);
	blob_str(&cfg, s);
	blob_str(&man, "[{\"Config\":\"c.json\",\"Layers\":[\"l/layer.tar\"]}]");
	blob_str(&bad, "[{\"Config\": ");
	blobs[0] = &layer;
	blobs[1] = &cfg;
	blobs[2] = &man;
	snprintf(path, sizeof(path), "%s/good.tar", tmp);
	write_tar(path, names, blobs, 3);
	assert_int_equal(load(&d, path, NULL), 0);
	assert_string_equal(d.kind, "docker-archive");
	assert_int_equal(d.has_digests, 0);
	assert_string_equal(d.layers[0].diff_id, layer.digest);
	assert_string_equal(d.layers[0].digest, "");
	vigil_image_data_release(&d);

	snprintf(path, sizeof(path), "%s/nomanifest.tar", tmp);
	write_tar(path, names, blobs, 2);
	assert_int_equal(load(&d, path, NULL), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "manifest.json"));
	vigil_image_data_release(&d);

	blobs[2] = &bad;
	snprintf(path, sizeof(path), "%s/badmanifest.tar", tmp);
	write_tar(path, names, blobs, 3);
	assert_int_equal(load(&d, path, NULL), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "malformed manifest"));
	vigil_image_data_release(&d);

	/* an OCI archive is not a docker archive when the prefix says so */
	snprintf(path, sizeof(path), "docker-archive:%s/multi.tar", tmp);
	assert_int_equal(load(&d, path, NULL), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "manifest.json"));
	vigil_image_data_release(&d);
	free(layer.p);
	free(cfg.p);
	free(man.p);
	free(bad.p);
}

/* A newer docker save: blobs/sha256/ members named in manifest.json, one layer used twice. */
static void test_docker_blobs(void **state)
{
	static const char *const files[] = { "etc/os-release", "ID=twice\n", NULL };
	char names[3][128], man_s[512], cfg_s[512], path[512];
	const char *nm[3];
	const struct blob *blobs[3];
	struct blob layer, cfg, man;
	struct vigil_image_data d;

	(void)state;
	make_tar(&layer, files);
	snprintf(cfg_s, sizeof(cfg_s),
		 "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}",
		 layer.digest, layer.digest);
	blob_str(&cfg, cfg_s);
	blob_name(names[0], sizeof(names[0]), &layer);
	blob_name(names[1], sizeof(names[1]), &cfg);
	snprintf(man_s, sizeof(man_s), "[{\"Config\":\"%s\",\"Layers\":[\"%s\",\"%s\"]}]",
		 names[1], names[0], names[0]);
	blob_str(&man, man_s);
	nm[0] = names[0];
	nm[1] = names[1];
	nm[2] = "manifest.json";
	blobs[0] = &layer;
	blobs[1] = &cfg;
	blobs[2] = &man;
	snprintf(path, sizeof(path), "%s/blobs.tar", tmp);
	write_tar(path, nm, blobs, 3);
	if (load(&d, path, NULL) != 0)
		fail_msg("%s", vigil_error_last());
	assert_int_equal(d.nlayers, 2);
	assert_int_equal(d.layers[0].n, 1);
	assert_int_equal(d.layers[1].n, 1);
	assert_ptr_not_equal(d.layers[0].entries, d.layers[1].entries);
	assert_string_equal(os_release(&d), "ID=twice\n");
	vigil_image_data_release(&d);

	/* the layer member's name no longer matches its content */
	layer.p[512] ^= 0x20;
	snprintf(path, sizeof(path), "%s/blobs-bad.tar", tmp);
	write_tar(path, nm, blobs, 3);
	assert_int_equal(load(&d, path, NULL), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "digest mismatch"));
	vigil_image_data_release(&d);
	free(layer.p);
	free(cfg.p);
	free(man.p);
}

static void test_refs(void **state)
{
	struct vigil_image_data d;

	(void)state;
	assert_int_equal(load(&d, "/nonexistent/image.tar", NULL), VIGIL_ENOTFOUND);
	assert_non_null(strstr(vigil_error_last(), "no such image '/nonexistent/image.tar'"));
	assert_int_equal(load(&d, "image.tar.zst", NULL), VIGIL_ENOTFOUND);
	assert_int_equal(load(&d, "alpine:3.18", NULL), VIGIL_EUNSUPPORTED);
	assert_non_null(strstr(vigil_error_last(), "registry pulls are not supported yet: 'alpine:3.18'"));
	assert_int_equal(load(&d, "docker://quay.io/x/y:1", NULL), VIGIL_EUNSUPPORTED);
	assert_int_equal(load(&d, "oci:/nonexistent/dir", NULL), VIGIL_ENOTFOUND);
	assert_int_equal(load(&d, "rootfs:/nonexistent/dir", NULL), VIGIL_ENOTFOUND);
	assert_int_equal(load(&d, "/dev/null", NULL), VIGIL_EINVALID);
	vigil_image_data_release(&d);
}

/* ---- the shared images ---- */

/* layers.txt: "  oci blob   sha256:..." and "  diff_id    sha256:..." lines. */
static size_t read_layers_txt(char digests[3][VIGIL_DIGEST_LEN], char diff_ids[3][VIGIL_DIGEST_LEN])
{
	char path[1024], line[512], d[VIGIL_DIGEST_LEN];
	size_t nd = 0, ni = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "%s/images/debian-bookworm-openssl/debian-bookworm-openssl.layers.txt", shared());
	f = fopen(path, "r");
	if (!f)
		fail_msg("missing %s", path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " oci blob %71s", d) == 1 && nd < 3)
			memcpy(digests[nd++], d, VIGIL_DIGEST_LEN);
		else if (sscanf(line, " diff_id %71s", d) == 1 && ni < 3)
			memcpy(diff_ids[ni++], d, VIGIL_DIGEST_LEN);
	}
	fclose(f);
	assert_int_equal(nd, ni);
	return nd;
}

static void test_debian(void **state)
{
	char digests[3][VIGIL_DIGEST_LEN], diff_ids[3][VIGIL_DIGEST_LEN], ref[1024];
	struct vigil_image_data d;
	size_t i;

	(void)state;
	assert_int_equal(read_layers_txt(digests, diff_ids), 3);
	snprintf(ref, sizeof(ref),
		 "%s/images/debian-bookworm-openssl/debian-bookworm-openssl.oci.tar", shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_string_equal(d.kind, "oci-archive");
	assert_int_equal(d.nlayers, 3);
	assert_int_equal(d.has_digests, 1);
	assert_string_equal(d.manifest_digest,
			    "sha256:d57122cc2e3d5b699ba4db567d84af85961e575fe5b56b87ca5742776f624b14");
	assert_string_equal(d.config_digest,
			    "sha256:9a8aa3662937a79002f8cabe10b9b5b9207f56d9609dd380891b37eeb1aef8b9");
	for (i = 0; i < 3; i++) {
		assert_string_equal(d.layers[i].digest, digests[i]);
		assert_string_equal(d.layers[i].diff_id, diff_ids[i]);
	}
	vigil_image_data_release(&d);
	snprintf(ref, sizeof(ref), "oci-archive:%s/images/debian-bookworm-openssl/"
		 "debian-bookworm-openssl.oci.tar:latest", shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_int_equal(d.nlayers, 3);
	vigil_image_data_release(&d);

	snprintf(ref, sizeof(ref),
		 "%s/images/debian-bookworm-openssl/debian-bookworm-openssl.docker.tar.zst",
		 shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_string_equal(d.kind, "docker-archive");
	assert_int_equal(d.nlayers, 3);
	assert_int_equal(d.has_digests, 0);
	assert_string_equal(d.config_digest,
			    "sha256:9a8aa3662937a79002f8cabe10b9b5b9207f56d9609dd380891b37eeb1aef8b9");
	for (i = 0; i < 3; i++) {
		assert_string_equal(d.layers[i].digest, "");
		assert_string_equal(d.layers[i].diff_id, diff_ids[i]);
	}
	vigil_image_data_release(&d);
}

static int has_entry(const struct vigil_layer *l, enum vigil_entry_type t, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->entries[i].type == t && strcmp(l->entries[i].path, path) == 0)
			return 1;
	return 0;
}

static void test_fixtures(void **state)
{
	struct vigil_image_data d;
	char ref[1024];

	(void)state;
	/* kaniko: config named sha256:..., gzip layers, leading '/' in member names */
	snprintf(ref, sizeof(ref), "%s/images/fixtures/layers/fanal/image3_gz_layers.tar", shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_string_equal(d.kind, "docker-archive");
	assert_int_equal(d.nlayers, 4);
	assert_true(has_entry(&d.layers[3], VIGIL_ENTRY_WHITEOUT, "home/app/Gemfile"));
	assert_true(has_entry(&d.layers[3], VIGIL_ENTRY_WHITEOUT, "home/app2"));
	assert_true(has_entry(&d.layers[0], VIGIL_ENTRY_FILE, "lib/apk/db/installed"));
	vigil_image_data_release(&d);

	snprintf(ref, sizeof(ref),
		 "%s/images/fixtures/alpine/trivy-integration/testdata/fixtures/images/alpine-39.tar.gz",
		 shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_int_equal(d.nlayers, 1);
	assert_true(strncmp(d.layers[0].diff_id, "sha256:f1b5933f", 15) == 0);
	assert_string_equal(d.config_digest + 7, "055936d3920576da37aa9bc460d70c5f212028bda1c08c0879aedf03d7a66ea1");
	assert_true(has_entry(&d.layers[0], VIGIL_ENTRY_FILE, "etc/alpine-release"));
	vigil_image_data_release(&d);

	snprintf(ref, sizeof(ref), "%s/images/fixtures/alpine/fanal/alpine-311.tar.gz", shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_int_equal(d.nlayers, 1);
	vigil_image_data_release(&d);

	snprintf(ref, sizeof(ref), "%s/images/fixtures/debian/bookworm", shared());
	assert_int_equal(load(&d, ref, NULL), 0);
	assert_string_equal(d.kind, "rootfs");
	assert_int_equal(d.nlayers, 1);
	assert_string_equal(d.layers[0].diff_id, "");
	/* (the shared copy holds etc/os-release as a file, not as the symlink it was) */
	assert_true(has_entry(&d.layers[0], VIGIL_ENTRY_FILE, "usr/lib/os-release"));
	assert_true(has_entry(&d.layers[0], VIGIL_ENTRY_FILE, "var/lib/dpkg/status"));
	vigil_image_data_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platforms),     cmocka_unit_test(test_nested_and_tags),
		cmocka_unit_test(test_digest_mismatch), cmocka_unit_test(test_docker_broken),
		cmocka_unit_test(test_docker_blobs),  cmocka_unit_test(test_refs),          cmocka_unit_test(test_debian),
		cmocka_unit_test(test_fixtures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
