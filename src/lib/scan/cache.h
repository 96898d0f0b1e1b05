/*
 * The layer cache of `vigil scan`: each layer's kept entries (the files the
 * detectors read, symlinks, whiteouts, ...) stored by diff_id, so that an
 * image scanned again, or another image sharing its base layers, need not
 * read those layers' data (image/image.h, struct vigil_image_hooks).
 *
 * Entries are stored under an engine fingerprint of the detectors' wanted
 * paths and of the serialization format: when a detector starts reading
 * another file, every cached layer is a miss and is stored again.
 */
#ifndef VIGIL_SCAN_CACHE_H
#define VIGIL_SCAN_CACHE_H

#include "../image/image.h"
#include "../store/store.h"

struct vigil_layer_cache {
	struct vigil_store *store;
	char engine[VIGIL_DIGEST_LEN];
	char **served; /* diff_ids handed out by the hook */
	size_t nserved, cap;
	size_t stored; /* layers written by vigil_layer_cache__store() */
};

/** Set `c` up over `store` (borrowed). */
void vigil_layer_cache__init(struct vigil_layer_cache *c, struct vigil_store *store);
void vigil_layer_cache__release(struct vigil_layer_cache *c);

/** The hooks to pass to vigil_image_load_cached(); `c` is their payload. */
void vigil_layer_cache__hooks(struct vigil_layer_cache *c, struct vigil_image_hooks *out);

/**
 * Store every layer of `img` that has a diff_id, did not come from the
 * cache and is not kept yet (a compressed archive is read whole, cached or
 * not). A failed write is a warning, not an error (the scan goes on).
 */
void vigil_layer_cache__store(struct vigil_layer_cache *c, const struct vigil_image_data *img);

/** Serialize `l` (digests, sizes, entries) into `out`. Returns 0 or VIGIL_ETOOBIG. */
int vigil_layer_cache__encode(vigil_buf *out, const struct vigil_layer *l) VIGIL_WARN_UNUSED;
/**
 * Rebuild a layer from `len` bytes at `p` into `out` (zeroed; released by
 * vigil_layer_release() whatever the outcome). Returns 0 or VIGIL_EINVALID
 * for bytes that are not such a serialization.
 */
int vigil_layer_cache__decode(struct vigil_layer *out, const void *p, size_t len) VIGIL_WARN_UNUSED;

#endif
