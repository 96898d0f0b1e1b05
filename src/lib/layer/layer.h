/*
 * One layer as it streamed past: its digests and the few entries the rest of
 * vigil cares about. Nothing is unpacked to disk; regular files are kept in
 * memory only when a detector asked for their path (vigil_detect_wants()).
 *
 * Entries, in archive order, are:
 *   FILE      a kept regular file; data/len hold its contents
 *   SYMLINK   data = the target exactly as stored in the archive
 *   HARDLINK  data = the clean image path of the entry it links to
 *   WHITEOUT  path = the path removed from lower layers (".wh." stripped)
 *   OPAQUE    path = the directory whose lower-layer contents are hidden
 *   DIR       a directory on the way to a wanted path (it hides a lower symlink)
 * Every path is clean (see util/path.h): relative to the root, never above it.
 */
#ifndef VIGIL_LAYER_H
#define VIGIL_LAYER_H

#include "vigil/common.h"
#include "../../util/sha256.h"

#include <sys/types.h>

enum vigil_entry_type {
	VIGIL_ENTRY_FILE,
	VIGIL_ENTRY_SYMLINK,
	VIGIL_ENTRY_HARDLINK,
	VIGIL_ENTRY_WHITEOUT,
	VIGIL_ENTRY_OPAQUE,
	VIGIL_ENTRY_DIR,
};

struct vigil_entry {
	enum vigil_entry_type type;
	char *path;
	char *data; /* owned; NULL for WHITEOUT, OPAQUE, DIR */
	size_t len;
};

struct vigil_layer {
	char digest[VIGIL_DIGEST_LEN];  /* sha256 of the bytes as stored; "" when unknown */
	char diff_id[VIGIL_DIGEST_LEN]; /* sha256 of the uncompressed tar; "" for a rootfs */
	uint64_t stored_size;           /* bytes as stored */
	uint64_t tar_size;              /* uncompressed bytes */
	struct vigil_entry *entries;
	size_t n, cap;
};

struct vigil_layer_opts {
	uint64_t max_file_size; /* cap on one kept file; 0 = VIGIL_DEFAULT_MAX_FILE_SIZE */
	const char *name;       /* names the layer in error messages (member name, digest) */
};

/**
 * Pull-style byte source, as libarchive's read callback: set *buf to the next
 * chunk and return its size, 0 at the end, or a negative vigil_code (with the
 * message set) on failure.
 */
typedef ssize_t (*vigil_read_fn)(void *payload, const void **buf);

/**
 * Stream one layer blob (a tar, raw or gzip/zstd-compressed: the compression
 * is recognised by its magic bytes) from `read`, once. Computes `digest` over
 * the bytes as read and `diff_id` over the uncompressed tar, and keeps the
 * entries described above. `out` must be zeroed (or released) first and is
 * released by vigil_layer_release() whatever the outcome.
 * Returns 0, VIGIL_EINVALID (corrupt/truncated/not a tar), VIGIL_ETOOBIG
 * (a kept file over the cap, too many entries, a decompression bomb) or VIGIL_EIO.
 */
int vigil_layer_read(struct vigil_layer *out, vigil_read_fn read, void *payload,
		     const struct vigil_layer_opts *opts) VIGIL_WARN_UNUSED;

/**
 * vigil_layer_read() for a `read` that itself decompresses (a member of a
 * compressed archive): the digests are computed on a second thread even
 * when the layer is plain, overlapping with that decompression.
 */
int vigil_layer_read_decompressed(struct vigil_layer *out, vigil_read_fn read, void *payload,
				  const struct vigil_layer_opts *opts) VIGIL_WARN_UNUSED;

/** vigil_layer_read() on a file (an OCI blob). Returns as vigil_layer_read(), or VIGIL_EIO. */
int vigil_layer_read_file(struct vigil_layer *out, const char *path,
			  const struct vigil_layer_opts *opts) VIGIL_WARN_UNUSED;

/**
 * Build a layer from a root filesystem directory: the wanted files, and the
 * symlinks met on the way to them, read from disk without ever leaving `root`.
 * Digests stay "". Returns 0, VIGIL_ENOTFOUND (no such directory), VIGIL_ETOOBIG or VIGIL_EIO.
 */
int vigil_layer_from_dir(struct vigil_layer *out, const char *root,
			 const struct vigil_layer_opts *opts) VIGIL_WARN_UNUSED;

/** Append an entry; `path` is copied, `data` (may be NULL) is taken over. Returns 0 or VIGIL_ETOOBIG. */
int vigil_layer_add(struct vigil_layer *l, enum vigil_entry_type type, const char *path,
		    char *data, size_t len) VIGIL_WARN_UNUSED;

/** Free the entries; the struct is zeroed. */
void vigil_layer_release(struct vigil_layer *l);

#endif
