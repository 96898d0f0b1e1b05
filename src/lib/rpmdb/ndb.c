/*
 * ndb: rpm's own package store, "Packages.db" (SUSE). All integers are
 * 32-bit little-endian; the file is made of 16-byte blocks.
 *
 *   header (32 bytes)  "RpmP", version 0, generation, slot pages, next index
 *   slots              from byte 32 to the end of the slot pages (4096 bytes
 *                      each): 16 bytes each, "Slot", package index, first
 *                      block, block count. First block 0: a free slot.
 *   blobs              at block `first`, `count` blocks long:
 *                        "BlbS", package index, timestamp, blob length,
 *                        the header blob, zero padding,
 *                        adler32 (of everything before it), blob length, "BlbE"
 *
 * Packages are listed in the order of their blobs in the file, as rpm does.
 */
#include "rpmdb.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NDB_HEADER_SIZE 32
#define NDB_PAGE_SIZE 4096
#define NDB_SLOT_SIZE 16
#define NDB_BLK_SIZE 16
#define BLOB_HEAD 16
#define BLOB_TAIL 12

struct slot {
	uint32_t pkgidx, blkoff, blkcnt;
};

static int bad(const char *path, const char *fmt, ...) VIGIL_PRINTF(2, 3);

static int bad(const char *path, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return vigil_error_set(VIGIL_EINVALID, "bad ndb rpm database '%s': %s", path, why);
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int by_blkoff(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

/* Check the blob of slot `s` and hand its header to the callback. */
static int blob(const unsigned char *data, const char *path, const struct slot *s,
		vigil_rpmdb_cb cb, void *payload)
{
	const unsigned char *b = data + (size_t)s->blkoff * NDB_BLK_SIZE;
	size_t total = (size_t)s->blkcnt * NDB_BLK_SIZE;
	const unsigned char *tail;
	uint32_t bloblen;

	if (total < BLOB_HEAD + BLOB_TAIL)
		return bad(path, "package %u: %u blocks is too short for a blob", s->pkgidx,
			   s->blkcnt);
	if (memcmp(b, "BlbS", 4) != 0 || le32(b + 4) != s->pkgidx)
		return bad(path, "package %u: no blob at block %u", s->pkgidx, s->blkoff);
	bloblen = le32(b + 12);
	if (((uint64_t)BLOB_HEAD + bloblen + BLOB_TAIL + NDB_BLK_SIZE - 1) / NDB_BLK_SIZE !=
	    s->blkcnt)
		return bad(path, "package %u: blob of %u bytes does not fill %u blocks",
			   s->pkgidx, bloblen, s->blkcnt);
	tail = b + total - BLOB_TAIL;
	if (memcmp(tail + 8, "BlbE", 4) != 0 || le32(tail + 4) != bloblen)
		return bad(path, "package %u: blob trailer does not match", s->pkgidx);
	if (adler32_z(1, b, total - BLOB_TAIL) != le32(tail))
		return bad(path, "package %u: blob checksum mismatch", s->pkgidx);
	if (bloblen > VIGIL_MAX_RPM_HEADER_SIZE)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "rpm database '%s': a header of %u bytes is over the "
				       "limit of %zu",
				       path, bloblen, VIGIL_MAX_RPM_HEADER_SIZE);
	return cb(b + BLOB_HEAD, bloblen, payload);
}

int vigil_rpmdb_ndb_each(const unsigned char *data, size_t len, const char *path,
			 vigil_rpmdb_cb cb, void *payload)
{
	uint32_t version, npages, minblk;
	uint64_t fileblks, slotend;
	struct slot *slots = NULL;
	size_t nslots = 0, cap = 0, i, off;
	int err = 0;

	if (len < NDB_HEADER_SIZE)
		return bad(path, "%zu bytes is shorter than the header", len);
	if (memcmp(data, "RpmP", 4) != 0)
		return bad(path, "no RpmP magic");
	if ((version = le32(data + 4)) != 0)
		return bad(path, "version %u", version);
	if (len % NDB_BLK_SIZE)
		return bad(path, "%zu bytes is not a whole number of blocks", len);
	fileblks = len / NDB_BLK_SIZE;
	npages = le32(data + 12);
	slotend = (uint64_t)npages * NDB_PAGE_SIZE;
	if (npages == 0 || slotend > len)
		return bad(path, "%u slot pages in %zu bytes", npages, len);
	minblk = npages * (NDB_PAGE_SIZE / NDB_BLK_SIZE);

	/* Bounded by the file: at most len / 16 slots. */
	for (off = NDB_HEADER_SIZE; off < slotend; off += NDB_SLOT_SIZE) {
		const unsigned char *p = data + off;
		struct slot s;

		if (memcmp(p, "Slot", 4) != 0) {
			err = bad(path, "no slot magic at byte %zu", off);
			goto out;
		}
		s.blkoff = le32(p + 8);
		if (s.blkoff == 0)
			continue; /* free slot */
		s.pkgidx = le32(p + 4);
		s.blkcnt = le32(p + 12);
		if (s.pkgidx == 0 || s.blkcnt == 0 || s.blkoff < minblk ||
		    (uint64_t)s.blkoff + s.blkcnt > fileblks) {
			err = bad(path, "slot %zu (package %u, blocks %u+%u) points outside the "
					"data (%llu blocks)",
				  off / NDB_SLOT_SIZE, s.pkgidx, s.blkoff, s.blkcnt,
				  (unsigned long long)fileblks);
			goto out;
		}
		if (nslots >= VIGIL_MAX_RPM_PACKAGES) {
			err = vigil_error_set(VIGIL_ETOOBIG,
					      "rpm database '%s' has more than %d packages", path,
					      VIGIL_MAX_RPM_PACKAGES);
			goto out;
		}
		slots = vigil_array_grow(slots, &cap, nslots + 1, sizeof(*slots));
		slots[nslots++] = s;
	}
	if (nslots > 1)
		qsort(slots, nslots, sizeof(*slots), by_blkoff);
	for (i = 0; i < nslots; i++)
		if ((err = blob(data, path, &slots[i], cb, payload)) != 0)
			break;
out:
	vigil_free(slots);
	return err;
}
