/*
 * rpm databases: every fixture (sqlite, Berkeley DB, ndb) read from disk and
 * compared as a set with its packages.txt; header fields; and garbage of
 * every kind (truncations, random bytes, flipped bytes, overflow loops, ndb
 * slots past the end), which must give 0 or VIGIL_EINVALID and never crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rpmfixtures.h"

/* ---- helpers ---------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: seeded, so every run tries the same inputs */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

struct count {
	size_t n;
	const char *path; /* names the database in header errors, as the detector does */
};

static int count_cb(const unsigned char *blob, size_t len, void *payload)
{
	struct count *c = payload;
	struct vigil_rpm_header h;
	int err = vigil_rpm_header_parse(blob, len, &h);

	if (err < 0)
		return vigil_error_prefix(err, "'%s'", c->path ? c->path : "?");
	/* touch every string: ASan sees any read past the blob */
	assert_true(strlen(h.name) + strlen(h.version) + strlen(h.release) > 0);
	if (h.arch)
		(void)strlen(h.arch);
	if (h.sourcerpm)
		(void)strlen(h.sourcerpm);
	c->n++;
	return 0;
}

/* Run the reader on exactly `len` bytes of a fresh allocation (so ASan catches
 * the smallest over-read) and check the outcome is 0 or EINVALID naming the path. */
static int run_garbage(const void *bytes, size_t len, const char *path)
{
	char *copy = vigil_malloc(len ? len : 1);
	struct count c = { 0, path };
	int err;

	if (len)
		memcpy(copy, bytes, len);
	vigil_error_clear();
	err = vigil_rpmdb_each(copy, len, path, count_cb, &c);
	if (err != 0 && err != VIGIL_EINVALID)
		fail_msg("%s (%zu bytes): code %d (%s)", path, len, err, vigil_error_last());
	if (err == VIGIL_EINVALID && !strstr(vigil_error_last(), path))
		fail_msg("error does not name '%s': %s", path, vigil_error_last());
	vigil_free(copy);
	return err;
}

/* ---- fixtures --------------------------------------------------------- */

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		struct lines want = { 0 }, got = { 0 };
		size_t len;
		char *data = fixture_db(f, &len);
		int err;

		assert_int_equal(vigil_rpmdb_detect(data, len), f->format);
		fixture_packages(f, &want);
		assert_int_equal(want.n, f->npkgs);
		err = db_lines(data, len, f->db, 'E', &got);
		if (err)
			fail_msg("%s: %s", f->dir, vigil_error_last());
		lines_assert_equal(&want, &got, f->dir);
		lines_free(&want);
		lines_free(&got);
		vigil_free(data);
	}
}

static void test_big_endian_bdb(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		struct lines want = { 0 }, got = { 0 };
		size_t len;
		char *data;

		if (f->format != VIGIL_RPMDB_BDB)
			continue;
		data = fixture_db(f, &len);
		bdb_to_big_endian((unsigned char *)data, len);
		assert_int_equal(vigil_rpmdb_detect(data, len), VIGIL_RPMDB_BDB);
		fixture_packages(f, &want);
		if (db_lines(data, len, f->db, 'E', &got))
			fail_msg("%s big-endian: %s", f->dir, vigil_error_last());
		lines_assert_equal(&want, &got, f->dir);
		lines_free(&want);
		lines_free(&got);
		vigil_free(data);
	}
}

/* tests/fixtures/rpm: Berkeley DB settings rpm itself mostly does not use (README.md there). */
static const struct {
	const char *file;
	size_t fixture; /* the shared fixture it was made from */
} variants[] = {
	{ "centos-512.Packages", 2 },
	{ "centos-512-be.Packages", 2 },
	{ "centos-chksum.Packages", 2 },
	{ "rhel8-512-be-chksum.Packages", 3 },
};

static char *variant_db(const char *file, size_t *len)
{
	const char *dir = getenv("VIGIL_FIXTURES");
	vigil_buf p = VIGIL_BUF_INIT;
	char *data;

	assert_int_equal(vigil_buf_printf(&p, "%s/rpm/%s", dir && *dir ? dir : "tests/fixtures",
					  file),
			 0);
	data = slurp(p.ptr, len);
	vigil_buf_release(&p);
	return data;
}

static void test_bdb_variants(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const struct rpm_fixture *f = &rpm_fixtures[variants[i].fixture];
		struct lines want = { 0 }, got = { 0 };
		size_t len, cut;
		char *data = variant_db(variants[i].file, &len);

		assert_int_equal(vigil_rpmdb_detect(data, len), VIGIL_RPMDB_BDB);
		fixture_packages(f, &want);
		if (db_lines(data, len, variants[i].file, 'E', &got))
			fail_msg("%s: %s", variants[i].file, vigil_error_last());
		lines_assert_equal(&want, &got, variants[i].file);
		lines_free(&want);
		lines_free(&got);
		/* every truncation, and a flip in every page header */
		for (cut = 1; cut < len; cut += cut < 1024 ? 1 : 37)
			run_garbage(data, cut, variants[i].file);
		for (size_t at = 512; at < len; at += 512)
			for (size_t k = 8; k < 32; k++) {
				data[at + k] ^= 0x41;
				run_garbage(data, len, variants[i].file);
				data[at + k] ^= 0x41;
			}
		vigil_free(data);
	}
}

struct first {
	struct vigil_rpm_header h;
	char name[64], version[64], release[64], arch[64], srpm[128];
	int seen;
};

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "(null)");
}

static int first_cb(const unsigned char *blob, size_t len, void *payload)
{
	struct first *f = payload;

	assert_int_equal(vigil_rpm_header_parse(blob, len, &f->h), 0);
	copy_str(f->name, sizeof(f->name), f->h.name);
	copy_str(f->version, sizeof(f->version), f->h.version);
	copy_str(f->release, sizeof(f->release), f->h.release);
	copy_str(f->arch, sizeof(f->arch), f->h.arch);
	copy_str(f->srpm, sizeof(f->srpm), f->h.sourcerpm);
	f->seen++;
	return 0;
}

static void test_header_fields(void **state)
{
	struct first got = { 0 };
	vigil_buf evr = VIGIL_BUF_INIT;
	size_t len;
	char *data = fixture_db(&rpm_fixtures[3], &len); /* rhel8-libuuid */

	(void)state;
	assert_int_equal(vigil_rpmdb_each(data, len, "Packages", first_cb, &got), 0);
	assert_int_equal(got.seen, 1);
	assert_string_equal(got.name, "libuuid");
	assert_string_equal(got.version, "2.32.1");
	assert_string_equal(got.release, "42.el8_8");
	assert_string_equal(got.arch, "x86_64");
	assert_string_equal(got.srpm, "util-linux-2.32.1-42.el8_8.src.rpm");
	assert_int_equal(got.h.has_epoch, 0);
	vigil_free(data);

	/* EVR formatting: the epoch only when the tag is there, even when 0 */
	{
		struct vigil_rpm_header h = { "n", "1.0", "2.el9", "x86_64", NULL, 0, 0 };
		assert_int_equal(vigil_rpm_header_evr(&h, &evr), 0);
		assert_string_equal(evr.ptr, "1.0-2.el9");
		vigil_buf_reset(&evr);
		h.has_epoch = 1;
		assert_int_equal(vigil_rpm_header_evr(&h, &evr), 0);
		assert_string_equal(evr.ptr, "0:1.0-2.el9");
		vigil_buf_reset(&evr);
		h.epoch = 3;
		assert_int_equal(vigil_rpm_header_evr(&h, &evr), 0);
		assert_string_equal(evr.ptr, "3:1.0-2.el9");
	}
	vigil_buf_release(&evr);
}

static void check_split(const char *srpm, int ok, const char *name, const char *evr)
{
	vigil_buf n = VIGIL_BUF_INIT, e = VIGIL_BUF_INIT;
	int err = vigil_rpm_srpm_split(srpm, &n, &e);

	if (!ok) {
		assert_int_equal(err, VIGIL_EINVALID);
		assert_string_equal(n.ptr, "");
		assert_string_equal(e.ptr, "");
	} else {
		assert_int_equal(err, 0);
		assert_string_equal(n.ptr, name);
		assert_string_equal(e.ptr, evr);
	}
	vigil_buf_release(&n);
	vigil_buf_release(&e);
}

static void test_srpm_split(void **state)
{
	(void)state;
	check_split("util-linux-2.32.1-42.el8.src.rpm", 1, "util-linux", "2.32.1-42.el8");
	check_split("openssl-3.0.8-1.amzn2023.0.4.src.rpm", 1, "openssl",
		    "3.0.8-1.amzn2023.0.4");
	check_split("kernel-5.14.0-70.nosrc.rpm", 1, "kernel", "5.14.0-70");
	check_split("a-1-2.src.rpm", 1, "a", "1-2");
	check_split("python3-pip-wheel-21.3.1-2.el9", 1, "python3-pip-wheel", "21.3.1-2.el9");
	check_split("nodash.src.rpm", 0, NULL, NULL);
	check_split("one-dash.src.rpm", 0, NULL, NULL);
	check_split("-1-2.src.rpm", 0, NULL, NULL);
	check_split("a--2.src.rpm", 0, NULL, NULL);
	check_split("a-1-.src.rpm", 0, NULL, NULL);
	check_split(".src.rpm", 0, NULL, NULL);
	check_split("", 0, NULL, NULL);
}

/* A hand-made header: NAME, VERSION, RELEASE, EPOCH, then a dribble NAME. */
static size_t make_header(unsigned char *b, int variant)
{
	/* pkg@0 1.0@4 1@8, padding, EPOCH@12, new@16 */
	static const char strs[] = "pkg\0" "1.0\0" "1\0" "\0\0" "\0\0\0\0" "new\0";
	struct {
		uint32_t tag, type, off, count;
	} e[] = {
		{ 1000, 6, 0, 1 }, { 1001, 6, 4, 1 }, { 1002, 6, 8, 1 },
		{ 1003, 4, 12, 1 }, { 1000, 6, 16, 1 },
	};
	uint32_t il = variant == 1 ? 4 : 5, dl = sizeof(strs) - 1, i;
	unsigned char *p = b;

	for (int k = 0; k < 2; k++) {
		uint32_t v = k ? dl : il;
		*p++ = (unsigned char)(v >> 24), *p++ = (unsigned char)(v >> 16);
		*p++ = (unsigned char)(v >> 8), *p++ = (unsigned char)v;
	}
	for (i = 0; i < il; i++) {
		uint32_t f[4] = { e[i].tag, e[i].type, e[i].off, e[i].count };
		for (int k = 0; k < 4; k++) {
			*p++ = (unsigned char)(f[k] >> 24), *p++ = (unsigned char)(f[k] >> 16);
			*p++ = (unsigned char)(f[k] >> 8), *p++ = (unsigned char)f[k];
		}
	}
	memcpy(p, strs, sizeof(strs) - 1);
	p[15] = 7; /* EPOCH 7 */
	p += dl;
	return (size_t)(p - b);
}

static void test_header_parse(void **state)
{
	unsigned char b[256];
	struct vigil_rpm_header h;
	size_t n;

	(void)state;
	n = make_header(b, 0);
	assert_int_equal(vigil_rpm_header_parse(b, n, &h), 0);
	assert_string_equal(h.name, "new"); /* the later entry wins */
	assert_string_equal(h.version, "1.0");
	assert_string_equal(h.release, "1");
	assert_null(h.arch);
	assert_null(h.sourcerpm);
	assert_int_equal(h.has_epoch, 1);
	assert_int_equal(h.epoch, 7);
	n = make_header(b, 1);
	assert_int_equal(vigil_rpm_header_parse(b, n, &h), 0);
	assert_string_equal(h.name, "pkg");

	/* size must be exact; every truncation fails */
	n = make_header(b, 0);
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(vigil_rpm_header_parse(b, cut, &h), VIGIL_EINVALID);
	/* string offset past the data */
	n = make_header(b, 0);
	b[8 + 16 * 4 + 11] = 200;
	assert_int_equal(vigil_rpm_header_parse(b, n, &h), VIGIL_EINVALID);
	/* string not terminated before the end of the data */
	n = make_header(b, 0);
	b[8 + 16 * 4 + 11] = (unsigned char)(n - 8 - 80 - 1);
	b[n - 1] = 'x';
	assert_int_equal(vigil_rpm_header_parse(b, n, &h), VIGIL_EINVALID);
	/* EPOCH of the wrong type */
	n = make_header(b, 0);
	b[8 + 16 * 3 + 7] = 6;
	assert_int_equal(vigil_rpm_header_parse(b, n, &h), VIGIL_EINVALID);
	/* EPOCH past the data */
	n = make_header(b, 0);
	b[8 + 16 * 3 + 11] = 30;
	assert_int_equal(vigil_rpm_header_parse(b, n, &h), VIGIL_EINVALID);
	/* no index entries; too many */
	memset(b, 0, 8);
	assert_int_equal(vigil_rpm_header_parse(b, 8, &h), VIGIL_EINVALID);
	b[1] = 1;
	assert_int_equal(vigil_rpm_header_parse(b, 8, &h), VIGIL_EINVALID);
}

static void test_empty_and_unknown(void **state)
{
	struct count c = { 0, NULL };

	(void)state;
	assert_int_equal(vigil_rpmdb_each("", 0, "var/lib/rpm/Packages", count_cb, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(vigil_rpmdb_each("hello, world, not a db", 22, "var/lib/rpm/Packages",
					  count_cb, &c),
			 VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "'var/lib/rpm/Packages'"));
	assert_int_equal(vigil_rpmdb_detect("RpmP", 4), VIGIL_RPMDB_NDB);
	assert_int_equal(vigil_rpmdb_detect("SQLite format 3", 16), VIGIL_RPMDB_SQLITE);
	assert_int_equal(vigil_rpmdb_detect("SQLite format 3\0", 16), VIGIL_RPMDB_SQLITE);
	assert_string_equal(vigil_rpmdb_format_name(VIGIL_RPMDB_BDB), "bdb");
	/* the magic alone is not a database */
	run_garbage("RpmP", 4, "Packages.db");
	run_garbage("SQLite format 3", 16, "rpmdb.sqlite");
}

/* ---- garbage ---------------------------------------------------------- */

static void test_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		size_t len, cut, step;
		char *data = fixture_db(f, &len);

		for (cut = 1; cut <= 128; cut++)
			run_garbage(data, cut, f->db);
		for (cut = 256; cut < len && cut <= 65536; cut *= 2) {
			run_garbage(data, cut - 1, f->db);
			run_garbage(data, cut, f->db);
			run_garbage(data, cut + 1, f->db);
		}
		step = len / 150 + 1;
		for (cut = 129; cut < len; cut += step + (cut % 7))
			run_garbage(data, cut, f->db);
		run_garbage(data, len - 1, f->db);
		vigil_free(data);
	}
}

static void test_random_bytes(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 31, 32, 100, 511, 512, 4096, 8192, 65536 };
	unsigned char *b = vigil_malloc(65536);

	(void)state;
	rng_state = 0x9E3779B97F4A7C15ULL;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		for (int round = 0; round < 40; round++) {
			for (size_t k = 0; k < n; k++)
				b[k] = (unsigned char)rng();
			run_garbage(b, n, "random");
			/* with each format's magic, so the readers go further */
			if (n >= 16) {
				memcpy(b, "SQLite format 3", 16);
				run_garbage(b, n, "random.sqlite");
			}
			if (n >= 32) {
				memcpy(b, "RpmP\0\0\0\0", 8);
				wr32le(b + 12, 1 + rng() % 2);
				run_garbage(b, n, "random.ndb");
				/* all slot magics right, the rest random */
				for (size_t o = 32; o + 16 <= n && o < 8192; o += 16)
					memcpy(b + o, "Slot", 4);
				run_garbage(b, n, "random.ndb");
			}
			if (n >= 512) {
				uint32_t ps = n >= 8192 ? 4096 : 512;
				wr32le(b + 12, 0x061561);
				wr32le(b + 16, 9);
				wr32le(b + 20, ps);
				b[24] = 0, b[25] = 8, b[26] = (unsigned char)(rng() % 2);
				wr32le(b + 32, (uint32_t)(n / ps) - 1);
				/* random hash and overflow pages */
				for (size_t pg = 1; pg < n / ps; pg++) {
					unsigned char *p = b + pg * ps;
					p[25] = (unsigned char)(rng() % 3 == 0 ? 7 : 13);
					wr32le(p + 8, (uint32_t)pg);
					p[20] = (unsigned char)(rng() % 16), p[21] = 0;
				}
				run_garbage(b, n, "random.bdb");
			}
		}
	}
	vigil_free(b);
}

/* RPMDB_FUZZ_SCALE=N multiplies the flipped-byte rounds (a longer local run). */
static int fuzz_scale(void)
{
	const char *s = getenv("RPMDB_FUZZ_SCALE");
	int n = s ? (int)strtol(s, NULL, 10) : 1;

	return n > 0 ? n : 1;
}

static void test_flipped(void **state)
{
	int scale = fuzz_scale();

	(void)state;
	rng_state = 0xC0FFEE1234567ULL;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		size_t len;
		char *data = fixture_db(f, &len);
		unsigned char *copy = vigil_malloc(len);
		int rounds = (len > (1 << 20) ? 150 : 600) * scale;

		for (int r = 0; r < rounds; r++) {
			int flips = 1 + (int)(rng() % 4);
			memcpy(copy, data, len);
			for (int k = 0; k < flips; k++) {
				size_t at;
				/* a third anywhere, a third in the metadata/slot area,
				 * a third in the header of some 4 KiB page */
				if (r % 3 == 1)
					at = rng() % (len < 8192 ? len : 8192);
				else if (r % 3 == 2)
					at = (rng() % (len / 4096 + 1)) * 4096 + rng() % 64;
				else
					at = (((size_t)rng() << 16) ^ rng()) % len;
				if (at >= len)
					at = len - 1;
				copy[at] ^= (unsigned char)(1u << (rng() % 8));
				if (r % 5 == 0)
					copy[at] = (unsigned char)rng();
			}
			run_garbage(copy, len, f->db);
		}
		vigil_free(copy);
		vigil_free(data);
	}
}

/* The overflow chain of the first off-page value in a little-endian BDB file. */
static size_t overflow_chain(const unsigned char *d, uint32_t *chain, size_t max)
{
	uint32_t ps = rd32le(d + 20), last = rd32le(d + 32), pg, pgno;
	size_t n = 0;

	for (pg = 1; pg <= last; pg++) {
		const unsigned char *p = d + (size_t)pg * ps;
		uint16_t items = rd16le(p + 20), i;
		if (p[25] != 13 && p[25] != 2)
			continue;
		for (i = 1; i < items; i += 2) {
			uint16_t o = rd16le(p + 26 + 2 * i);
			if (p[o] != 3)
				continue;
			for (pgno = rd32le(p + o + 4); pgno && n < max;
			     pgno = rd32le(d + (size_t)pgno * ps + 16))
				chain[n++] = pgno;
			return n;
		}
	}
	return 0;
}

static void test_bdb_overflow_loop(void **state)
{
	uint32_t chain[64];
	size_t len, n;
	char *orig = fixture_db(&rpm_fixtures[3], &len); /* rhel8-libuuid: 20 overflow pages */
	unsigned char *d = vigil_malloc(len);
	uint32_t ps = rd32le((unsigned char *)orig + 20);

	(void)state;
	n = overflow_chain((unsigned char *)orig, chain, 64);
	assert_int_equal(n, 20);

	/* the last page points back to the first */
	memcpy(d, orig, len);
	wr32le(d + (size_t)chain[n - 1] * ps + 16, chain[0]);
	assert_int_equal(run_garbage(d, len, "loop/Packages"), VIGIL_EINVALID);
	/* the first page points to itself */
	memcpy(d, orig, len);
	wr32le(d + (size_t)chain[0] * ps + 16, chain[0]);
	assert_int_equal(run_garbage(d, len, "self/Packages"), VIGIL_EINVALID);
	/* every page empty and looping: bounded by the page count */
	memcpy(d, orig, len);
	for (size_t k = 0; k < n; k++) {
		d[(size_t)chain[k] * ps + 22] = 0, d[(size_t)chain[k] * ps + 23] = 0;
	}
	wr32le(d + (size_t)chain[n - 1] * ps + 16, chain[0]);
	assert_int_equal(run_garbage(d, len, "empty/Packages"), VIGIL_EINVALID);
	/* a chain link past the last page */
	memcpy(d, orig, len);
	wr32le(d + (size_t)chain[3] * ps + 16, 100000);
	assert_int_equal(run_garbage(d, len, "far/Packages"), VIGIL_EINVALID);
	/* a chain link to the metadata page */
	memcpy(d, orig, len);
	wr32le(d + (size_t)chain[3] * ps + 16, 0);
	assert_int_equal(run_garbage(d, len, "short/Packages"), VIGIL_EINVALID);
	/* an overflow page claiming more bytes than a page holds */
	memcpy(d, orig, len);
	d[(size_t)chain[2] * ps + 22] = 0xff, d[(size_t)chain[2] * ps + 23] = 0xff;
	assert_int_equal(run_garbage(d, len, "long/Packages"), VIGIL_EINVALID);
	/* last_pgno past the end of the file */
	memcpy(d, orig, len);
	wr32le(d + 32, (uint32_t)(len / ps));
	assert_int_equal(run_garbage(d, len, "last/Packages"), VIGIL_EINVALID);
	/* page size not a power of two */
	memcpy(d, orig, len);
	wr32le(d + 20, 4000);
	assert_int_equal(run_garbage(d, len, "ps/Packages"), VIGIL_EINVALID);
	vigil_free(d);
	vigil_free(orig);
}

static void test_ndb_bad_slots(void **state)
{
	size_t len;
	char *orig = fixture_db(&rpm_fixtures[4], &len); /* sles15-bci */
	unsigned char *d = vigil_malloc(len);
	uint32_t blks = (uint32_t)(len / 16), blkoff, blkcnt;

	(void)state;
	memcpy(d, orig, len);
	assert_int_equal(memcmp(d + 32, "Slot", 4), 0);
	blkoff = rd32le(d + 40);
	blkcnt = rd32le(d + 44);

	/* a slot pointing beyond the end */
	wr32le(d + 40, blks);
	assert_int_equal(run_garbage(d, len, "end/Packages.db"), VIGIL_EINVALID);
	memcpy(d, orig, len);
	wr32le(d + 40, 0xfffffff0u);
	assert_int_equal(run_garbage(d, len, "wrap/Packages.db"), VIGIL_EINVALID);
	memcpy(d, orig, len);
	wr32le(d + 44, 0xffffffffu);
	assert_int_equal(run_garbage(d, len, "count/Packages.db"), VIGIL_EINVALID);
	memcpy(d, orig, len);
	wr32le(d + 44, blks - blkoff);
	assert_int_equal(run_garbage(d, len, "tail/Packages.db"), VIGIL_EINVALID);
	/* a slot pointing into the slot pages */
	memcpy(d, orig, len);
	wr32le(d + 40, 1);
	assert_int_equal(run_garbage(d, len, "slots/Packages.db"), VIGIL_EINVALID);
	/* blob length larger than its blocks */
	memcpy(d, orig, len);
	wr32le(d + (size_t)blkoff * 16 + 12, blkcnt * 16);
	assert_int_equal(run_garbage(d, len, "blob/Packages.db"), VIGIL_EINVALID);
	/* checksum */
	memcpy(d, orig, len);
	d[(size_t)blkoff * 16 + 100] ^= 1;
	assert_int_equal(run_garbage(d, len, "adler/Packages.db"), VIGIL_EINVALID);
	/* slot pages beyond the file */
	memcpy(d, orig, len);
	wr32le(d + 12, 0x7fffffff);
	assert_int_equal(run_garbage(d, len, "pages/Packages.db"), VIGIL_EINVALID);
	/* a freed slot is skipped */
	memcpy(d, orig, len);
	wr32le(d + 40, 0);
	{
		struct count c = { 0, "x" };
		assert_int_equal(vigil_rpmdb_each((char *)d, len, "x", count_cb, &c), 0);
		assert_int_equal(c.n, 35);
	}
	vigil_free(d);
	vigil_free(orig);
}

static int stop_cb(const unsigned char *blob, size_t len, void *payload)
{
	(void)blob, (void)len;
	return ++*(int *)payload == 2 ? VIGIL_EUSER : 0;
}

static void test_callback_stops(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		size_t len;
		char *data = fixture_db(f, &len);
		int calls = 0;
		int err = vigil_rpmdb_each(data, len, f->db, stop_cb, &calls);

		assert_int_equal(err, f->npkgs >= 2 ? VIGIL_EUSER : 0);
		assert_int_equal(calls, f->npkgs >= 2 ? 2 : 1);
		vigil_free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_big_endian_bdb),
		cmocka_unit_test(test_bdb_variants),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_srpm_split),
		cmocka_unit_test(test_header_parse),
		cmocka_unit_test(test_empty_and_unknown),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_flipped),
		cmocka_unit_test(test_bdb_overflow_loop),
		cmocka_unit_test(test_ndb_bad_slots),
		cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
