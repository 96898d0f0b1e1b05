/*
 * Unit tests for the layer reader: tars written here with libarchive (plain,
 * gzip, zstd) -> kept entries, whiteouts, links, cleaned names, caps,
 * truncation, and digests checked against an independent sha256.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "vigil/vigil.h"
#include "lib/layer/layer.h"
#include "lib/layer/whiteout.h"
#include "lib/limits.h"

enum { T_FILE, T_DIR, T_LINK, T_HARD };

struct tent {
	const char *name;
	int type;
	const char *data; /* file content, or link target */
};

/* Write a tar of `ents` into a fresh buffer. */
static unsigned char *make_tar(const struct tent *ents, size_t n, size_t *len)
{
	size_t cap = 1 << 20, used = 0, i;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_per_block(a, 10240);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i].name);
		archive_entry_set_mtime(e, 1, 0);
		switch (ents[i].type) {
		case T_FILE:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(ents[i].data));
			break;
		case T_DIR:
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case T_LINK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, ents[i].data);
			break;
		case T_HARD:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, ents[i].data);
			break;
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (ents[i].type == T_FILE)
			archive_write_data(a, ents[i].data, strlen(ents[i].data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

static unsigned char *gzip_bytes(const unsigned char *in, size_t n, size_t *len)
{
	z_stream z;
	size_t cap = n + 1024;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len = z.total_out;
	deflateEnd(&z);
	return out;
}

static unsigned char *zstd_bytes(const unsigned char *in, size_t n, size_t *len)
{
	size_t cap = ZSTD_compressBound(n);
	unsigned char *out = malloc(cap);

	*len = ZSTD_compress(out, cap, in, n, 3);
	assert_false(ZSTD_isError(*len));
	return out;
}

/* sha256 with OpenSSL directly, as "sha256:<hex>". */
static void ref_sha(const void *p, size_t n, char out[VIGIL_DIGEST_LEN])
{
	unsigned char md[32];
	unsigned int len = 0;
	int i;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

/* A vigil_read_fn over a buffer, in chunks of `chunk` bytes. */
struct mem {
	const unsigned char *p;
	size_t len, off, chunk;
};

static ssize_t mem_read(void *payload, const void **buf)
{
	struct mem *m = payload;
	size_t n = m->len - m->off;

	if (n > m->chunk)
		n = m->chunk;
	*buf = m->p + m->off;
	m->off += n;
	return (ssize_t)n;
}

static int read_mem(struct vigil_layer *l, const unsigned char *p, size_t n, size_t chunk,
		    uint64_t cap)
{
	struct mem m = { p, n, 0, chunk };
	struct vigil_layer_opts o = { cap, "test" };

	return vigil_layer_read(l, mem_read, &m, &o);
}

static const struct vigil_entry *find(const struct vigil_layer *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->entries[i].path, path) == 0)
			return &l->entries[i];
	return NULL;
}

static void expect(const struct vigil_layer *l, const char *path, enum vigil_entry_type t,
		   const char *data)
{
	const struct vigil_entry *e = find(l, path);

	if (!e)
		fail_msg("no entry '%s'", path);
	assert_int_equal(e->type, t);
	if (data) {
		assert_non_null(e->data);
		assert_int_equal(e->len, strlen(data));
		assert_memory_equal(e->data, data, e->len);
	} else {
		assert_null(e->data);
	}
}

static const struct tent sample[] = {
	{ "etc/", T_DIR, NULL },
	{ "etc/os-release", T_FILE, "ID=debian\n" },
	{ "usr/bin/ls", T_FILE, "not kept" },
	{ "usr/share/doc/", T_DIR, NULL },
	{ "lib", T_LINK, "usr/lib" },
	{ "/var/lib/dpkg/status", T_FILE, "Package: a\n" },
	{ "../../etc/debian_version", T_FILE, "12.0\n" },
	{ "./var/lib/dpkg/status.d/foo", T_FILE, "Package: foo\n" },
	{ "var/lib/dpkg/status.d/sub/deeper", T_FILE, "not kept" },
	{ "etc/lsb-release", T_HARD, "/etc/os-release" },
	{ "etc/.wh.alpine-release", T_FILE, "" },
	{ "var/lib/.wh..wh..opq", T_FILE, "" },
	{ ".wh.top", T_FILE, "" },
	{ "var/lib/rpm/", T_DIR, NULL },
	{ "usr/lib/os-release", T_LINK, "/etc/../../../os-release" },
};

static void check_sample(const struct vigil_layer *l)
{
	expect(l, "etc", VIGIL_ENTRY_DIR, NULL);
	expect(l, "etc/os-release", VIGIL_ENTRY_FILE, "ID=debian\n");
	expect(l, "lib", VIGIL_ENTRY_SYMLINK, "usr/lib");
	expect(l, "var/lib/dpkg/status", VIGIL_ENTRY_FILE, "Package: a\n");
	expect(l, "etc/debian_version", VIGIL_ENTRY_FILE, "12.0\n");
	expect(l, "var/lib/dpkg/status.d/foo", VIGIL_ENTRY_FILE, "Package: foo\n");
	expect(l, "etc/lsb-release", VIGIL_ENTRY_HARDLINK, "etc/os-release");
	expect(l, "etc/alpine-release", VIGIL_ENTRY_WHITEOUT, NULL);
	expect(l, "var/lib", VIGIL_ENTRY_OPAQUE, NULL);
	expect(l, "top", VIGIL_ENTRY_WHITEOUT, NULL);
	expect(l, "var/lib/rpm", VIGIL_ENTRY_DIR, NULL);
	expect(l, "usr/lib/os-release", VIGIL_ENTRY_SYMLINK, "/etc/../../../os-release");
	assert_null(find(l, "usr/bin/ls"));
	assert_null(find(l, "usr/share/doc"));
	assert_null(find(l, "var/lib/dpkg/status.d/sub/deeper"));
	assert_int_equal(l->n, 12);
}

static void test_compressions(void **state)
{
	size_t tlen, clen, i;
	unsigned char *tar = make_tar(sample, sizeof(sample) / sizeof(sample[0]), &tlen);
	unsigned char *blobs[3];
	size_t lens[3];
	char want[VIGIL_DIGEST_LEN], want_diff[VIGIL_DIGEST_LEN];

	(void)state;
	blobs[0] = tar;
	lens[0] = tlen;
	blobs[1] = gzip_bytes(tar, tlen, &clen);
	lens[1] = clen;
	blobs[2] = zstd_bytes(tar, tlen, &clen);
	lens[2] = clen;
	ref_sha(tar, tlen, want_diff);
	for (i = 0; i < 3; i++) {
		struct vigil_layer l = { 0 };
		/* odd chunk sizes cross every header boundary */
		size_t chunk = i == 0 ? 7 : i == 1 ? 333 : 1 << 20;
		assert_int_equal(read_mem(&l, blobs[i], lens[i], chunk, 0), 0);
		check_sample(&l);
		ref_sha(blobs[i], lens[i], want);
		assert_string_equal(l.digest, want);
		assert_string_equal(l.diff_id, want_diff);
		assert_int_equal(l.stored_size, lens[i]);
		assert_int_equal(l.tar_size, tlen);
		vigil_layer_release(&l);
	}
	for (i = 0; i < 3; i++)
		free(blobs[i]);
}

static void test_over_cap(void **state)
{
	static const struct tent big[] = { { "var/lib/dpkg/status", T_FILE, "0123456789" } };
	struct vigil_layer l = { 0 };
	size_t n;
	unsigned char *tar = make_tar(big, 1, &n);

	(void)state;
	assert_int_equal(read_mem(&l, tar, n, 4096, 9), VIGIL_ETOOBIG);
	assert_non_null(strstr(vigil_error_last(), "'var/lib/dpkg/status'"));
	assert_int_equal(l.n, 0);
	assert_int_equal(read_mem(&l, tar, n, 4096, 10), 0);
	expect(&l, "var/lib/dpkg/status", VIGIL_ENTRY_FILE, "0123456789");
	vigil_layer_release(&l);
	free(tar);
}

static void test_truncated(void **state)
{
	struct vigil_layer l = { 0 };
	size_t n, gz;
	unsigned char *tar = make_tar(sample, sizeof(sample) / sizeof(sample[0]), &n), *z;

	(void)state;
	/* cut inside the data of etc/os-release (second member, after its header) */
	assert_int_equal(read_mem(&l, tar, 512 + 512 + 5, 4096, 0), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "'test'"));
	/* cut a gzip stream in half */
	z = gzip_bytes(tar, n, &gz);
	assert_int_equal(read_mem(&l, z, gz / 2, 4096, 0), VIGIL_EINVALID);
	free(z);
	free(tar);
}

static void test_not_tar(void **state)
{
	static const unsigned char junk[2048] = "this is not a tar archive at all";
	struct vigil_layer l = { 0 };

	(void)state;
	assert_int_equal(read_mem(&l, junk, sizeof(junk), 4096, 0), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "not a tar"));
	assert_int_equal(read_mem(&l, junk, 0, 4096, 0), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "empty"));
}

/* An empty tar (the end-of-archive blocks only) is a valid, empty layer. */
static void test_empty_tar(void **state)
{
	static const unsigned char zeros[10240];
	struct vigil_layer l = { 0 };
	char want[VIGIL_DIGEST_LEN];

	(void)state;
	assert_int_equal(read_mem(&l, zeros, sizeof(zeros), 4096, 0), 0);
	assert_int_equal(l.n, 0);
	ref_sha(zeros, sizeof(zeros), want);
	assert_string_equal(l.diff_id, want);
	vigil_layer_release(&l);
}

/* Deflate `n` bytes at `in` as one gzip member into `out`; returns its length. */
static size_t gzip_member(unsigned char *out, size_t cap, const unsigned char *in, size_t n)
{
	z_stream z;
	size_t len;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	len = z.total_out;
	deflateEnd(&z);
	return len;
}

/*
 * A tar entry of 300 MiB of zeros, gzipped as 300 concatenated members of
 * 1 MiB each (cheap to build), is refused as a bomb.
 */
static void test_bomb(void **state)
{
	const size_t mib = 1 << 20, cap = 4 << 20;
	unsigned char *block = calloc(1, mib + 512), *out = malloc(cap);
	size_t one, len, i;
	unsigned sum = 0;
	struct vigil_layer l = { 0 };

	(void)state;
	/* a ustar header for "zeros", 300 MiB, built by hand */
	memcpy(block, "zeros", 5);
	memcpy(block + 100, "0000644", 7);
	snprintf((char *)block + 124, 12, "%011o", 300u << 20);
	memcpy(block + 257, "ustar\0" "00", 8);
	block[156] = '0';
	memset(block + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += block[i];
	snprintf((char *)block + 148, 8, "%06o", sum);
	len = gzip_member(out, cap, block, mib + 512);
	memset(block, 0, 512);
	one = gzip_member(out + len, cap - len, block, mib);
	for (i = 1; i < 299; i++)
		memcpy(out + len + i * one, out + len, one);
	len += 299 * one;
	assert_int_equal(read_mem(&l, out, len, 1 << 20, 0), VIGIL_ETOOBIG);
	assert_non_null(strstr(vigil_error_last(), "bomb"));
	free(block);
	free(out);
}

/* A name over VIGIL_MAX_PATH is skipped, not fatal. */
static void test_long_name(void **state)
{
	static char longname[VIGIL_MAX_PATH + 600];
	struct tent ents[2] = { { longname, T_FILE, "x" }, { "etc/os-release", T_FILE, "ID=a\n" } };
	struct vigil_layer l = { 0 };
	size_t n, i;
	unsigned char *tar;

	(void)state;
	for (i = 0; i + 2 < sizeof(longname); i += 2)
		memcpy(longname + i, "a/", 2);
	longname[i] = 'z';
	tar = make_tar(ents, 2, &n);
	assert_int_equal(read_mem(&l, tar, n, 4096, 0), 0);
	assert_int_equal(l.n, 1);
	expect(&l, "etc/os-release", VIGIL_ENTRY_FILE, "ID=a\n");
	vigil_layer_release(&l);
	free(tar);
}

static void test_whiteout_names(void **state)
{
	vigil_buf t = VIGIL_BUF_INIT;

	(void)state;
	assert_int_equal(vigil_whiteout_parse("a/b/.wh.c", &t), VIGIL_WHITEOUT_FILE);
	assert_string_equal(t.ptr, "a/b/c");
	assert_int_equal(vigil_whiteout_parse(".wh.c", &t), VIGIL_WHITEOUT_FILE);
	assert_string_equal(t.ptr, "c");
	assert_int_equal(vigil_whiteout_parse("a/.wh..wh..opq", &t), VIGIL_WHITEOUT_OPAQUE);
	assert_string_equal(t.ptr, "a");
	assert_int_equal(vigil_whiteout_parse(".wh..wh..opq", &t), VIGIL_WHITEOUT_OPAQUE);
	assert_string_equal(t.ptr, "");
	assert_int_equal(vigil_whiteout_parse("a/.wh..wh.plnk", &t), VIGIL_WHITEOUT_IGNORE);
	assert_int_equal(vigil_whiteout_parse("a/.wh..", &t), VIGIL_WHITEOUT_IGNORE);
	assert_int_equal(vigil_whiteout_parse("a/.wh.", &t), VIGIL_WHITEOUT_IGNORE);
	assert_int_equal(vigil_whiteout_parse("a/x.wh.y", &t), VIGIL_WHITEOUT_NONE);
	assert_int_equal(vigil_whiteout_parse("a/.whx", &t), VIGIL_WHITEOUT_NONE);
	vigil_buf_release(&t);
}

static const char *shared(void)
{
	const char *s = getenv("VIGIL_SHARED");
	return s && *s ? s : "/work/shared";
}

/* fanal's layer fixtures: opaque directories and file whiteouts, read from files. */
static void test_fanal_layers(void **state)
{
	char path[4096];
	struct vigil_layer l = { 0 };

	(void)state;
	snprintf(path, sizeof(path), "%s/images/fixtures/layers/fanal/opq.tar", shared());
	assert_int_equal(vigil_layer_read_file(&l, path, NULL), 0);
	expect(&l, "etc/test", VIGIL_ENTRY_OPAQUE, NULL);
	expect(&l, "var/foo", VIGIL_ENTRY_WHITEOUT, NULL);
	assert_int_equal(l.tar_size, l.stored_size);
	assert_string_equal(l.digest, l.diff_id);
	vigil_layer_release(&l);
	snprintf(path, sizeof(path), "%s/images/fixtures/layers/fanal/normal.tar", shared());
	assert_int_equal(vigil_layer_read_file(&l, path, NULL), 0);
	/* only the directories on the way to wanted files: etc/test and var/foo are not */
	assert_int_equal(l.n, 2);
	expect(&l, "etc", VIGIL_ENTRY_DIR, NULL);
	expect(&l, "var", VIGIL_ENTRY_DIR, NULL);
	vigil_layer_release(&l);
	assert_int_equal(vigil_layer_read_file(&l, "/nonexistent/blob", NULL), VIGIL_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compressions), cmocka_unit_test(test_over_cap),
		cmocka_unit_test(test_truncated),    cmocka_unit_test(test_not_tar),
		cmocka_unit_test(test_empty_tar),    cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_long_name),    cmocka_unit_test(test_whiteout_names),
		cmocka_unit_test(test_fanal_layers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
