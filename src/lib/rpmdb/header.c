/*
 * rpm header blobs, as the package databases store them:
 *
 *   u32 il              number of index entries        (big-endian)
 *   u32 dl              bytes of data                  (big-endian)
 *   il x { u32 tag, u32 type, u32 offset, u32 count }  (big-endian)
 *   dl bytes of data; `offset` is relative to its start
 *
 * A package's header starts with a region entry (tag 63, HEADER_IMMUTABLE)
 * covering the header as it was in the package; entries rpm added or changed
 * at install time follow it. We only look up a handful of tags and take the
 * last entry of each, which is what rpm does when a changed entry duplicates
 * one of the region.
 */
#include "rpmdb.h"
#include "vigil/error.h"

#include <string.h>

/* Header data types (rpm's rpmTagType). */
#define RPM_INT32_TYPE 4
#define RPM_STRING_TYPE 6
#define RPM_STRING_ARRAY_TYPE 8
#define RPM_I18NSTRING_TYPE 9

#define ENTRY_SIZE 16
/* rpm's own format limits (hdrchkTags, hdrchkData in lib/header.c): a header
 * past them is corrupt, not merely big. */
#define RPM_HEADER_TAGS_MAX 0xffffu
#define RPM_HEADER_DATA_MAX 0x0fffffffu

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The NUL-terminated string at `off` in the data store, or NULL when it runs off the end. */
static const char *data_string(const unsigned char *data, size_t dl, uint32_t off)
{
	if (off >= dl || !memchr(data + off, '\0', dl - off))
		return NULL;
	return (const char *)data + off;
}

static int string_entry(const unsigned char *data, size_t dl, uint32_t tag, uint32_t type,
			uint32_t off, uint32_t count, const char **out)
{
	/* STRING has count 1; I18NSTRING/STRING_ARRAY: the first string is ours. */
	if (type != RPM_STRING_TYPE && type != RPM_I18NSTRING_TYPE &&
	    type != RPM_STRING_ARRAY_TYPE)
		return vigil_error_set(VIGIL_EINVALID, "tag %u has type %u, not a string", tag,
				       type);
	if (count < 1)
		return vigil_error_set(VIGIL_EINVALID, "tag %u has no value", tag);
	if (!(*out = data_string(data, dl, off)))
		return vigil_error_set(VIGIL_EINVALID,
				       "tag %u: string at offset %u runs past the data (%zu bytes)",
				       tag, off, dl);
	return 0;
}

int vigil_rpm_header_parse(const unsigned char *blob, size_t len, struct vigil_rpm_header *out)
{
	uint32_t il, dl, i;
	const unsigned char *index, *data;
	int err;

	memset(out, 0, sizeof(*out));
	if (len < 8)
		return vigil_error_set(VIGIL_EINVALID, "header of %zu bytes is too short", len);
	il = be32(blob);
	dl = be32(blob + 4);
	if (il < 1 || il > RPM_HEADER_TAGS_MAX)
		return vigil_error_set(VIGIL_EINVALID, "header has %u index entries", il);
	if (dl > RPM_HEADER_DATA_MAX)
		return vigil_error_set(VIGIL_EINVALID, "header has %u bytes of data", dl);
	/* il < 2^16 and dl < 2^28: no overflow in 64 bits. */
	if ((uint64_t)8 + (uint64_t)il * ENTRY_SIZE + dl != (uint64_t)len)
		return vigil_error_set(VIGIL_EINVALID,
				       "header size %zu is not 8 + 16 * %u entries + %u data bytes",
				       len, il, dl);
	index = blob + 8;
	data = index + (size_t)il * ENTRY_SIZE;

	for (i = 0; i < il; i++) {
		const unsigned char *e = index + (size_t)i * ENTRY_SIZE;
		uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);
		const char **str = NULL;

		switch (tag) {
		case VIGIL_RPMTAG_NAME: str = &out->name; break;
		case VIGIL_RPMTAG_VERSION: str = &out->version; break;
		case VIGIL_RPMTAG_RELEASE: str = &out->release; break;
		case VIGIL_RPMTAG_ARCH: str = &out->arch; break;
		case VIGIL_RPMTAG_SOURCERPM: str = &out->sourcerpm; break;
		case VIGIL_RPMTAG_EPOCH:
			if (type != RPM_INT32_TYPE || count < 1)
				return vigil_error_set(VIGIL_EINVALID,
						       "EPOCH has type %u and count %u", type,
						       count);
			if (off > dl || dl - off < 4)
				return vigil_error_set(VIGIL_EINVALID,
						       "EPOCH at offset %u is past the data (%u bytes)",
						       off, dl);
			out->has_epoch = 1;
			out->epoch = be32(data + off);
			continue;
		default: continue;
		}
		if ((err = string_entry(data, dl, tag, type, off, count, str)) < 0)
			return err;
	}
	if (!out->name || !*out->name)
		return vigil_error_set(VIGIL_EINVALID, "header has no NAME");
	if (!out->version || !out->release)
		return vigil_error_set(VIGIL_EINVALID, "header of '%s' has no VERSION or RELEASE",
				       out->name);
	return 0;
}

int vigil_rpm_header_evr(const struct vigil_rpm_header *h, vigil_buf *out)
{
	if (h->has_epoch)
		return vigil_buf_printf(out, "%u:%s-%s", (unsigned)h->epoch, h->version,
					h->release);
	return vigil_buf_printf(out, "%s-%s", h->version, h->release);
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int vigil_rpm_srpm_split(const char *srpm, vigil_buf *name, vigil_buf *evr)
{
	size_t n = strlen(srpm), rel, ver;
	int err;

	if (ends_with(srpm, n, ".src.rpm"))
		n -= strlen(".src.rpm");
	else if (ends_with(srpm, n, ".nosrc.rpm"))
		n -= strlen(".nosrc.rpm");
	/* release: after the last '-'; version: after the '-' before it */
	for (rel = n; rel > 0 && srpm[rel - 1] != '-'; rel--)
		;
	if (rel < 2 || rel == n)
		goto bad;
	for (ver = rel - 1; ver > 0 && srpm[ver - 1] != '-'; ver--)
		;
	if (ver < 2 || ver == rel - 1)
		goto bad;
	if ((err = vigil_buf_add(name, srpm, ver - 1)) < 0 ||
	    (err = vigil_buf_add(evr, srpm + ver, n - ver)) < 0) {
		vigil_buf_reset(name);
		vigil_buf_reset(evr);
		return err;
	}
	return 0;
bad:
	return vigil_error_set(VIGIL_EINVALID, "source rpm '%s' is not NAME-VERSION-RELEASE",
			       srpm);
}
