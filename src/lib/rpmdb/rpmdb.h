/*
 * rpm package databases, read from memory: the three on-disk formats rpm has
 * used for its "Packages" store, and the header blobs they hold.
 *
 *   Berkeley DB hash  var/lib/rpm/Packages        rpm < 4.16 (RHEL/CentOS <= 8, AL2)
 *   sqlite            var/lib/rpm/rpmdb.sqlite    rpm >= 4.16 (Fedora 33+, RHEL 9, AL2023)
 *   ndb               var/lib/rpm/Packages.db     SUSE (SLES 15 SP3+, openSUSE)
 *
 * Every database yields the same thing: one rpm header blob per installed
 * package (the header as rpm stores it, without the 8-byte header magic).
 * docs/internals/rpmdb.md describes the formats and the checks made.
 *
 * Every offset and length read from the input is checked against the bytes
 * actually there and every loop is bounded by the input size; a database
 * that does not hold together is VIGIL_EINVALID with the path in the message.
 */
#ifndef VIGIL_RPMDB_H
#define VIGIL_RPMDB_H

#include "vigil/common.h"
#include "vigil/buf.h"

/* Header tags vigil reads (rpm's lib/rpmtag.h). */
#define VIGIL_RPMTAG_NAME 1000
#define VIGIL_RPMTAG_VERSION 1001
#define VIGIL_RPMTAG_RELEASE 1002
#define VIGIL_RPMTAG_EPOCH 1003
#define VIGIL_RPMTAG_ARCH 1022
#define VIGIL_RPMTAG_SOURCERPM 1044

enum vigil_rpmdb_format {
	VIGIL_RPMDB_UNKNOWN = 0,
	VIGIL_RPMDB_BDB,    /* Berkeley DB hash, either byte order */
	VIGIL_RPMDB_SQLITE, /* "SQLite format 3\0" */
	VIGIL_RPMDB_NDB,    /* "RpmP" */
};

/** Which format `data` is in, from its magic bytes; VIGIL_RPMDB_UNKNOWN when none matches. */
enum vigil_rpmdb_format vigil_rpmdb_detect(const char *data, size_t len);

/** "bdb", "sqlite", "ndb" or "unknown". Static. */
const char *vigil_rpmdb_format_name(enum vigil_rpmdb_format f);

/**
 * Called once per package header. `blob` is only valid during the call.
 * A non-zero return stops the walk and is returned by vigil_rpmdb_each().
 */
typedef int (*vigil_rpmdb_cb)(const unsigned char *blob, size_t len, void *payload);

/**
 * Call `cb` for each header blob of the database `data` (the whole file),
 * whatever its format. `path` names the file in error messages. A zero-length
 * file holds no packages (rpm itself treats an empty file as an empty
 * database). Returns 0, the callback's code, VIGIL_EINVALID (unknown format,
 * or a database that does not hold together), or VIGIL_ETOOBIG (a header or
 * a package count past the limits in limits.h).
 */
int vigil_rpmdb_each(const char *data, size_t len, const char *path, vigil_rpmdb_cb cb,
		     void *payload) VIGIL_WARN_UNUSED;

/* The per-format readers behind vigil_rpmdb_each(); same contract. */
int vigil_rpmdb_bdb_each(const unsigned char *data, size_t len, const char *path,
			 vigil_rpmdb_cb cb, void *payload) VIGIL_WARN_UNUSED;
int vigil_rpmdb_sqlite_each(const unsigned char *data, size_t len, const char *path,
			    vigil_rpmdb_cb cb, void *payload) VIGIL_WARN_UNUSED;
int vigil_rpmdb_ndb_each(const unsigned char *data, size_t len, const char *path,
			 vigil_rpmdb_cb cb, void *payload) VIGIL_WARN_UNUSED;

/*
 * The fields of one header that vigil uses. Strings point into the blob
 * given to vigil_rpm_header_parse() and live as long as it does.
 */
struct vigil_rpm_header {
	const char *name;      /* never NULL after a successful parse */
	const char *version;   /* never NULL */
	const char *release;   /* never NULL */
	const char *arch;      /* NULL when the header has no ARCH (gpg-pubkey) */
	const char *sourcerpm; /* NULL when there is no SOURCERPM (gpg-pubkey, source packages) */
	int has_epoch;         /* 1 when an EPOCH tag is present (even with value 0) */
	uint32_t epoch;
};

/**
 * Parse an rpm header blob as databases store it: entry count and data size
 * (32-bit big-endian), then the 16-byte index entries (tag, type, offset,
 * count), then the data. When a tag appears twice the later entry wins (rpm's
 * "dribble" entries replace those of the immutable region).
 * Returns 0 or VIGIL_EINVALID (message without a path: the caller adds it).
 */
int vigil_rpm_header_parse(const unsigned char *blob, size_t len,
			   struct vigil_rpm_header *out) VIGIL_WARN_UNUSED;

/** Append "[EPOCH:]VERSION-RELEASE" to `out`. Returns 0 or VIGIL_ETOOBIG. */
int vigil_rpm_header_evr(const struct vigil_rpm_header *h, vigil_buf *out) VIGIL_WARN_UNUSED;

/**
 * Split a SOURCERPM file name ("util-linux-2.32.1-42.el8.src.rpm") into its
 * name ("util-linux") and "VERSION-RELEASE" ("2.32.1-42.el8"), appended to
 * `name` and `evr`. A ".src.rpm" or ".nosrc.rpm" suffix is dropped; the
 * release starts after the last '-', the version after the one before it.
 * Returns 0, or VIGIL_EINVALID when the name does not have that shape (both
 * buffers are then left empty).
 */
int vigil_rpm_srpm_split(const char *srpm, vigil_buf *name, vigil_buf *evr) VIGIL_WARN_UNUSED;

#endif
