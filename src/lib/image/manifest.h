/*
 * The JSON documents of an image and the walk from them to the layers,
 * shared by every source:
 *
 *   docker-save  manifest.json [{Config, RepoTags, Layers}] -> config -> layers
 *   OCI          index.json -> (nested indexes, by platform) -> manifest
 *                -> config -> layers
 *
 * A source only says how to get a small JSON document and how to stream a
 * layer (struct vigil_blob_store); this file parses, picks the manifest
 * (tag, platform), and checks every layer against the digests the manifest
 * (blob digest, size) and the config (rootfs.diff_ids) promise.
 */
#ifndef VIGIL_IMAGE_MANIFEST_H
#define VIGIL_IMAGE_MANIFEST_H

#include "image.h"

/*
 * Where a source's blobs come from. Keys are what the documents name: an
 * OCI digest ("sha256:<hex>"), a docker-save member name ("<id>/layer.tar",
 * "manifest.json"), or "index.json".
 */
struct vigil_blob_store {
	void *self;
	const char *name; /* the image, for messages */
	/*
	 * The JSON document stored under `key`, at most VIGIL_MAX_JSON_SIZE
	 * bytes; borrowed until the store goes away. A digest key is checked
	 * against the content. Returns 0, VIGIL_ENOTFOUND, VIGIL_EINVALID,
	 * VIGIL_ETOOBIG or VIGIL_EIO, the message set.
	 */
	int (*json)(void *self, const char *key, const char **data, size_t *len);
	/*
	 * The layer stored under `key`, streamed through vigil_layer_read()
	 * (digest and diff_id computed from the content, not checked). *out
	 * is zeroed first. Returns as vigil_layer_read(), or VIGIL_ENOTFOUND.
	 */
	int (*layer)(void *self, const char *key, struct vigil_layer *out);
	/*
	 * 0 when a layer is stored under `key`, without reading it (a layer
	 * the cache serves must still be there); else as layer() would fail.
	 */
	int (*has_layer)(void *self, const char *key);
	/*
	 * The layer cache, asked by diff_id before layer() is called; NULL
	 * when the source has read (or must read) every blob anyway.
	 */
	const struct vigil_image_hooks *hooks;
};

/**
 * Load a docker-save image: manifest.json (its one entry, or the one whose
 * RepoTags holds `tag`), the config it names, and its layers in order, each
 * checked against the config's diff_ids, or else served by s->hooks (not
 * read, not checked; see image.h). Digests stay "" (has_digests 0).
 * Returns 0, VIGIL_ENOTFOUND, VIGIL_EINVALID, VIGIL_ETOOBIG or VIGIL_EIO.
 */
int vigil_manifest_load_docker(struct vigil_image_data *out, const struct vigil_blob_store *s,
			       const char *tag) VIGIL_WARN_UNUSED;

/**
 * Load an OCI image: index.json, the entry named `tag`
 * (org.opencontainers.image.ref.name) or else the only one or the one for
 * `platform` ("os/arch[/variant]", NULL = linux/amd64), through nested
 * indexes, then manifest, config and layers, each checked against its blob
 * digest, size and diff_id, or else served by s->hooks (has_digests 1).
 * Returns 0, VIGIL_ENOTFOUND (no such tag or platform), VIGIL_EINVALID,
 * VIGIL_ETOOBIG or VIGIL_EIO.
 */
int vigil_manifest_load_oci(struct vigil_image_data *out, const struct vigil_blob_store *s,
			    const char *tag, const char *platform) VIGIL_WARN_UNUSED;

/** 1 when `s` is "sha256:<64 hex>"; then *hex points at the hex digits. */
int vigil_manifest_digest_hex(const char *s, const char **hex);

#endif
