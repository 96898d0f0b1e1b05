/*
 * Shared by the rpm database tests: the fixture table, reading fixture files
 * and package lists, and sorted line sets. Include after <cmocka.h>.
 */
#ifndef VIGIL_TEST_RPMFIXTURES_H
#define VIGIL_TEST_RPMFIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/rpmdb/rpmdb.h"

struct rpm_fixture {
	const char *dir;  /* under images/fixtures/rpm */
	const char *db;   /* the database, under dir */
	enum vigil_rpmdb_format format;
	size_t npkgs;
};

static const struct rpm_fixture rpm_fixtures[] = {
	{ "amazonlinux2023", "var/lib/rpm/rpmdb.sqlite", VIGIL_RPMDB_SQLITE, 103 },
	{ "amazonlinux2023-bdb", "var/lib/rpm/Packages", VIGIL_RPMDB_BDB, 103 },
	{ "centos-grype", "var/lib/rpm/Packages", VIGIL_RPMDB_BDB, 1 },
	{ "rhel8-libuuid", "var/lib/rpm/Packages", VIGIL_RPMDB_BDB, 1 },
	{ "sles15-bci", "var/lib/rpm/Packages.db", VIGIL_RPMDB_NDB, 36 },
};
#define N_RPM_FIXTURES (sizeof(rpm_fixtures) / sizeof(rpm_fixtures[0]))

/* A sorted list of owned strings. */
struct lines {
	char **v;
	size_t n, cap;
};

static inline void lines_add(struct lines *l, const char *s)
{
	l->v = vigil_array_grow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = vigil_strdup(s);
}

static inline int lines_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void lines_sort(struct lines *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), lines_cmp);
}

static inline void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		vigil_free(l->v[i]);
	vigil_free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Both sorted; print the differences and fail when they differ. */
static inline void lines_assert_equal(const struct lines *want, const struct lines *got,
				      const char *what)
{
	size_t i = 0, j = 0, diffs = 0;

	while (i < want->n || j < got->n) {
		int c = i == want->n ? 1 : j == got->n ? -1 : strcmp(want->v[i], got->v[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		if (diffs++ < 20)
			print_error("%s: %s '%s'\n", what, c < 0 ? "missing" : "unexpected",
				    c < 0 ? want->v[i] : got->v[j]);
		if (c < 0)
			i++;
		else
			j++;
	}
	if (diffs)
		fail_msg("%s: %zu differences (%zu expected, %zu found)", what, diffs, want->n,
			 got->n);
}

static inline const char *shared_dir(void)
{
	const char *s = getenv("VIGIL_SHARED");

	return s && *s ? s : "/work/shared";
}

static inline char *fixture_path(const struct rpm_fixture *f, const char *rel)
{
	vigil_buf b = VIGIL_BUF_INIT;

	assert_int_equal(vigil_buf_printf(&b, "%s/images/fixtures/rpm/%s/%s", shared_dir(),
					  f->dir, rel),
			 0);
	return vigil_buf_detach(&b, NULL);
}

/* The whole file; fails the test when it cannot be read. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		fail_msg("cannot open fixture '%s' (set VIGIL_SHARED)", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = vigil_malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static inline char *fixture_db(const struct rpm_fixture *f, size_t *len)
{
	char *p = fixture_path(f, f->db), *data = slurp(p, len);

	vigil_free(p);
	return data;
}

/* packages.txt: one line per package. */
static inline void fixture_packages(const struct rpm_fixture *f, struct lines *out)
{
	char *p = fixture_path(f, "packages.txt"), *line, *save = NULL;
	size_t len;
	char *text = slurp(p, &len);

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		lines_add(out, line);
	lines_sort(out);
	vigil_free(text);
	vigil_free(p);
}

/*
 * A header as one line in rpm's query format `qf`:
 * 'E' = "%{EPOCHNUM}:%{VERSION}-%{RELEASE}" (packages.txt),
 * 'R' = "%{EPOCH} %{VERSION}-%{RELEASE}" (EPOCH prints "(none)" when absent).
 */
static inline void header_line(const struct vigil_rpm_header *h, char qf, vigil_buf *out)
{
	const char *arch = h->arch ? h->arch : "(none)";
	const char *srpm = h->sourcerpm ? h->sourcerpm : "(none)";

	vigil_buf_reset(out);
	if (qf == 'E')
		assert_int_equal(vigil_buf_printf(out, "%s %u:%s-%s %s %s", h->name,
						  h->has_epoch ? (unsigned)h->epoch : 0u,
						  h->version, h->release, arch, srpm),
				 0);
	else if (h->has_epoch)
		assert_int_equal(vigil_buf_printf(out, "%s %u %s-%s %s %s", h->name,
						  (unsigned)h->epoch, h->version, h->release,
						  arch, srpm),
				 0);
	else
		assert_int_equal(vigil_buf_printf(out, "%s (none) %s-%s %s %s", h->name,
						  h->version, h->release, arch, srpm),
				 0);
}

struct collect_lines {
	struct lines *out;
	char qf;
};

static inline int collect_line(const unsigned char *blob, size_t len, void *payload)
{
	struct collect_lines *c = payload;
	struct vigil_rpm_header h;
	vigil_buf line = VIGIL_BUF_INIT;
	int err = vigil_rpm_header_parse(blob, len, &h);

	if (err < 0)
		return err;
	header_line(&h, c->qf, &line);
	lines_add(c->out, line.ptr);
	vigil_buf_release(&line);
	return 0;
}

/* Every header of a database, as sorted lines; returns vigil_rpmdb_each()'s code. */
static inline int db_lines(const char *data, size_t len, const char *path, char qf,
			   struct lines *out)
{
	struct collect_lines c = { out, qf };
	int err = vigil_rpmdb_each(data, len, path, collect_line, &c);

	lines_sort(out);
	return err;
}

/* ---- byte-level helpers for little-endian fixture files ---- */

static inline uint32_t rd32le(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t rd16le(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void wr32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void swap32(unsigned char *p)
{
	unsigned char t = p[0];
	p[0] = p[3], p[3] = t;
	t = p[1];
	p[1] = p[2], p[2] = t;
}

static inline void swap16(unsigned char *p)
{
	unsigned char t = p[0];
	p[0] = p[1], p[1] = t;
}

/* Rewrite a little-endian Berkeley DB hash file as a big-endian machine writes it. */
static inline void bdb_to_big_endian(unsigned char *d, size_t len)
{
	uint32_t ps = rd32le(d + 20), last = rd32le(d + 32), pg, off;

	assert_true((size_t)(last + 1) * ps <= len);
	for (off = 0; off < 72; off += 4)
		if (off != 24) /* encrypt_alg, type, metaflags, unused: bytes */
			swap32(d + off);
	for (off = 72; off < 96 + 32 * 4; off += 4)
		swap32(d + off);
	for (pg = 1; pg <= last; pg++) {
		unsigned char *p = d + (size_t)pg * ps;
		uint16_t n = rd16le(p + 20), i;
		if (p[25] == 13 || p[25] == 2) {
			for (i = 0; i < n; i++) {
				uint16_t o = rd16le(p + 26 + 2 * i);
				if (i % 2 && p[o] == 3) {
					swap32(p + o + 4);
					swap32(p + o + 8);
				}
				swap16(p + 26 + 2 * i);
			}
		}
		for (off = 0; off < 20; off += 4)
			swap32(p + off);
		swap16(p + 20);
		swap16(p + 22);
	}
}

#endif
