/*
 * Image sources. Each kind of input is one file with a descriptor in
 * sources.def: archive.c (docker-save and OCI tarballs, streamed once),
 * oci_layout.c (an OCI layout directory), rootfs.c (a root filesystem
 * directory); a registry source is one more file.
 *
 * A source turns a reference into the image's layers, base first, each
 * streamed once through vigil_layer_read() and checked against the digests
 * that the manifest (blob digest) and config (diff_id) promise.
 */
#ifndef VIGIL_IMAGE_INTERNAL_H
#define VIGIL_IMAGE_INTERNAL_H

#include "vigil/image.h"
#include "../layer/layer.h"

struct vigil_image_data {
	const char *kind;           /* the source's prefix: "docker-archive", "oci", ... */
	struct vigil_layer *layers; /* base first; owned */
	size_t nlayers;
	char *config_digest;        /* "sha256:..." or NULL */
	char *manifest_digest;      /* "sha256:..." or NULL (docker-save has none) */
	char **repo_tags;           /* docker-save RepoTags, or the OCI ref.name; owned */
	size_t nrepo_tags;
	int has_digests;            /* 1 when layers[i].digest is a stored blob digest (OCI) */
};

struct vigil_image_hooks;

struct vigil_image_source {
	const char *prefix; /* "docker-archive", "oci", "oci-archive", "rootfs" */
	/*
	 * 1 when `path` (an existing file or directory) is of this kind, 0 when
	 * not, or a negative vigil_code (message set) when it cannot be read.
	 */
	int (*probe)(const char *path);
	/*
	 * Load the image at `path`; `tag` (may be NULL) is the TAG of
	 * "prefix:PATH:TAG", naming one image of several. `hooks` (may be
	 * NULL) is the layer cache, used where the source can skip blobs.
	 */
	int (*load)(struct vigil_image_data *out, const char *path, const char *tag,
		    const vigil_image_opts *opts, const struct vigil_image_hooks *hooks);
};

/* The registry, in sources.def order. */
#define VIGIL_IMAGE_SOURCE(n) extern const struct vigil_image_source vigil_image_source_##n;
#include "sources.def"
#undef VIGIL_IMAGE_SOURCE

/**
 * Open `ref` as PRODUCT.md's IMAGE rules say (explicit prefix, else by what
 * the path is) and load it. *out is released by vigil_image_data_release()
 * whatever the outcome. Returns 0, VIGIL_ENOTFOUND, VIGIL_EINVALID,
 * VIGIL_EUNSUPPORTED, VIGIL_ETOOBIG, VIGIL_EIO.
 */
int vigil_image_load(struct vigil_image_data *out, const char *ref,
		     const vigil_image_opts *opts) VIGIL_WARN_UNUSED;

/*
 * The layer cache's way in: before a layer's blob is read, `cached` is asked
 * for its entries by diff_id. When it fills `out` (entries, digest, diff_id)
 * and returns 1, the blob is not read at all where the source allows it (an
 * OCI layout, a plain uncompressed tar whose members can be skipped by
 * seeking); 0 means read the blob; a negative code (message set by the hook)
 * aborts the load with that code. A source that cannot know a layer's
 * diff_id before reading it (a compressed archive) still reads every blob
 * and never asks.
 *
 * `out` is zeroed before the call and released after a 0 or a negative
 * return. On a hit the blob must still exist (VIGIL_ENOTFOUND if the
 * manifest names a missing one), and the loader keeps the entries and
 * tar_size; it sets
 * diff_id when the hook left it "" (a different one is VIGIL_EINVALID), and
 * takes digest and stored_size from this image's manifest (OCI) or clears
 * digest (docker-save), since a layer of one diff_id may be stored
 * differently in another image. A cached blob is not read, so it is not
 * verified: the cache is keyed by the diff_id that the config promises, and
 * the config itself is still checked against the manifest.
 */
struct vigil_image_hooks {
	int (*cached)(struct vigil_layer *out, const char *diff_id, void *payload);
	void *payload;
};

/** vigil_image_load() that takes layers from `hooks` where it can (hooks may be NULL). */
int vigil_image_load_cached(struct vigil_image_data *out, const char *ref,
			    const vigil_image_opts *opts,
			    const struct vigil_image_hooks *hooks) VIGIL_WARN_UNUSED;

void vigil_image_data_release(struct vigil_image_data *d);

#endif
