/*
 * Berkeley DB hash databases: the "Packages" file of rpm < 4.16.
 *
 * The file is an array of pages of one size. Page 0 is the hash metadata
 * page; every other page starts with a 26-byte header:
 *
 *    0  lsn (8)   8 pgno   12 prev_pgno   16 next_pgno
 *   20  u16 entries   22 u16 hf_offset   24 u8 level   25 u8 type
 *
 * Hash pages (type 13, or 2 written by Berkeley DB < 4.6) hold `entries`
 * u16 item offsets right after the header, in pairs: key, then data. Items
 * are packed from the end of the page downwards, so item i ends where item
 * i-1 starts (item 0 at the end of the page). The first byte of an item is
 * its kind: H_KEYDATA (1) with the bytes inline, or H_OFFPAGE (3): 3 unused
 * bytes, u32 first overflow page, u32 total length. Overflow pages (type 7)
 * carry `hf_offset` bytes of the value after their header and chain through
 * next_pgno until 0.
 *
 * rpm's keys are 4-byte header numbers; key 0 holds a counter, not a header.
 * Integers are in the byte order of the machine that wrote the file, told by
 * how the magic at offset 12 reads.
 *
 * Instead of following hash buckets we walk every page once and take the
 * pairs of the hash pages (free pages are type 0), as rpm's own read-only
 * reader does.
 */
#include "rpmdb.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HASH_MAGIC 0x061561u
#define P_HASH_UNSORTED 2
#define P_OVERFLOW 7
#define P_HASHMETA 8
#define P_HASH 13
#define H_KEYDATA 1
#define H_OFFPAGE 3
#define PAGE_HEADER 26
#define DBMETA_CHKSUM 0x01
#define HOFFPAGE_SIZE 12

struct bdb {
	const unsigned char *data;
	const char *path;
	int swap; /* 1: file integers are big-endian */
	uint32_t pagesize;
	uint32_t npages;
	uint32_t overhead; /* page header bytes before the item offsets */
	unsigned char *buf; /* an overflow value being put together */
	size_t bufcap;
};

static int bad(const struct bdb *db, const char *fmt, ...) VIGIL_PRINTF(2, 3);

static int bad(const struct bdb *db, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return vigil_error_set(VIGIL_EINVALID, "bad Berkeley DB rpm database '%s': %s", db->path,
			       why);
}

static uint32_t rd32(const struct bdb *db, const unsigned char *p)
{
	if (db->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const struct bdb *db, const unsigned char *p)
{
	return db->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static const unsigned char *page(const struct bdb *db, uint32_t pgno)
{
	return db->data + (size_t)pgno * db->pagesize;
}

/* Put together the value of an H_OFFPAGE item: `tlen` bytes from page `pgno` on. */
static int overflow(struct bdb *db, uint32_t pgno, uint32_t tlen, size_t *len)
{
	size_t have = 0;
	uint32_t steps = 0, first = pgno;

	if ((uint64_t)tlen > (uint64_t)db->npages * (db->pagesize - db->overhead))
		return bad(db, "overflow item of %u bytes is larger than the file", tlen);
	if (tlen > VIGIL_MAX_RPM_HEADER_SIZE)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "rpm database '%s': a header of %u bytes is over the "
				       "limit of %zu",
				       db->path, tlen, VIGIL_MAX_RPM_HEADER_SIZE);
	if (tlen > db->bufcap) {
		vigil_free(db->buf);
		db->buf = vigil_malloc(tlen);
		db->bufcap = tlen;
	}
	while (have < tlen) {
		const unsigned char *p;
		uint16_t n;

		/* Each page is used once at most: more steps than pages is a loop. */
		if (++steps > db->npages)
			return bad(db, "overflow chain from page %u loops", first);
		if (pgno == 0 || pgno >= db->npages)
			return bad(db, "overflow page %u out of range (%u pages)", pgno,
				   db->npages);
		p = page(db, pgno);
		if (p[25] != P_OVERFLOW)
			return bad(db, "page %u is not an overflow page (type %u)", pgno, p[25]);
		if (rd32(db, p + 8) != pgno)
			return bad(db, "page %u says it is page %u", pgno, rd32(db, p + 8));
		n = rd16(db, p + 22);
		if (n > db->pagesize - db->overhead || n > tlen - have)
			return bad(db, "overflow page %u holds %u bytes", pgno, n);
		if (n == 0)
			return bad(db, "overflow page %u is empty", pgno);
		memcpy(db->buf + have, p + db->overhead, n);
		have += n;
		pgno = rd32(db, p + 16);
	}
	if (pgno != 0)
		return bad(db, "overflow chain goes on past its %u bytes", tlen);
	*len = have;
	return 0;
}

/* Start and length of item `i` of a hash page (kind byte included). */
static int item(const struct bdb *db, const unsigned char *p, uint32_t pgno, uint16_t i,
		uint16_t n, const unsigned char **at, size_t *len)
{
	uint32_t lo = db->overhead + 2u * n;
	uint32_t end = i == 0 ? db->pagesize : rd16(db, p + db->overhead + 2u * (i - 1));
	uint32_t off = rd16(db, p + db->overhead + 2u * i);

	if (off < lo || off >= end || end > db->pagesize)
		return bad(db, "item %u of page %u at offset %u is out of place", i, pgno, off);
	*at = p + off;
	*len = end - off;
	return 0;
}

static int hash_page(struct bdb *db, uint32_t pgno, vigil_rpmdb_cb cb, void *payload,
		     size_t *count)
{
	const unsigned char *p = page(db, pgno);
	uint16_t n = rd16(db, p + 20), i;
	int err;

	if (rd32(db, p + 8) != pgno)
		return bad(db, "page %u says it is page %u", pgno, rd32(db, p + 8));
	if (n % 2 || db->overhead + 2u * n > db->pagesize)
		return bad(db, "page %u has %u items", pgno, n);
	for (i = 0; i < n; i += 2) {
		const unsigned char *k, *d, *blob;
		size_t klen, dlen, blen = 0;

		if ((err = item(db, p, pgno, i, n, &k, &klen)) < 0 ||
		    (err = item(db, p, pgno, i + 1, n, &d, &dlen)) < 0)
			return err;
		if (k[0] != H_KEYDATA || klen != 5)
			return bad(db, "key %u of page %u is not a 4-byte record number", i / 2,
				   pgno);
		if (memcmp(k + 1, "\0\0\0\0", 4) == 0)
			continue; /* record 0: rpm's counter */
		if (d[0] == H_KEYDATA) {
			blob = d + 1;
			blen = dlen - 1; /* within one page: below any limit */
		} else if (d[0] == H_OFFPAGE) {
			if (dlen < HOFFPAGE_SIZE)
				return bad(db, "short off-page item on page %u", pgno);
			if ((err = overflow(db, rd32(db, d + 4), rd32(db, d + 8), &blen)) < 0)
				return err;
			blob = db->buf;
		} else {
			return bad(db, "value %u of page %u has kind %u (duplicates?)", i / 2,
				   pgno, d[0]);
		}
		if (++*count > VIGIL_MAX_RPM_PACKAGES)
			return vigil_error_set(VIGIL_ETOOBIG,
					       "rpm database '%s' has more than %d packages",
					       db->path, VIGIL_MAX_RPM_PACKAGES);
		if ((err = cb(blob, blen, payload)) != 0)
			return err;
	}
	return 0;
}

int vigil_rpmdb_bdb_each(const unsigned char *data, size_t len, const char *path,
			 vigil_rpmdb_cb cb, void *payload)
{
	struct bdb db = { .data = data, .path = path };
	uint32_t last, pgno, version;
	size_t count = 0;
	int err = 0;

	if (len < 512)
		return bad(&db, "%zu bytes is shorter than a metadata page", len);
	db.swap = data[12] == 0x00 && data[13] == 0x06 && data[14] == 0x15 && data[15] == 0x61;
	if (rd32(&db, data + 12) != HASH_MAGIC)
		return bad(&db, "no hash magic");
	version = rd32(&db, data + 16);
	if (version < 7 || version > 10)
		return bad(&db, "hash version %u", version);
	if (data[25] != P_HASHMETA)
		return bad(&db, "page 0 has type %u, not hash metadata", data[25]);
	if (data[24] != 0)
		return bad(&db, "encrypted databases are not supported");
	db.pagesize = rd32(&db, data + 20);
	if (db.pagesize < 512 || db.pagesize > 65536 || (db.pagesize & (db.pagesize - 1)))
		return bad(&db, "page size %u", db.pagesize);
	db.overhead = PAGE_HEADER + (data[26] & DBMETA_CHKSUM ? 6 : 0);
	last = rd32(&db, data + 32);
	if (((uint64_t)last + 1) * db.pagesize > len)
		return bad(&db, "truncated: %llu pages of %u bytes in %zu bytes",
			   (unsigned long long)last + 1, db.pagesize, len);
	if (last >= VIGIL_MAX_RPM_BDB_PAGES)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "rpm database '%s' has more than %u pages", path,
				       VIGIL_MAX_RPM_BDB_PAGES);
	db.npages = last + 1;

	for (pgno = 1; pgno < db.npages; pgno++) {
		uint8_t type = page(&db, pgno)[25];

		if (type != P_HASH && type != P_HASH_UNSORTED)
			continue;
		if ((err = hash_page(&db, pgno, cb, payload, &count)) != 0)
			break;
	}
	vigil_free(db.buf);
	return err;
}
