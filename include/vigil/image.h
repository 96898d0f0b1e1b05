/*
 * Container images: opening one and seeing what it holds.
 *
 * vigil_inspect() reads an image (docker-save tarball, OCI layout directory
 * or tarball, root filesystem directory) once, streaming each layer, and
 * returns the OS namespace, the layers and every installed package with the
 * layer that added it.
 */
#ifndef VIGIL_IMAGE_H
#define VIGIL_IMAGE_H

#include "common.h"
#include "version.h"

/** Default cap on one kept file (package database, release file). */
#define VIGIL_DEFAULT_MAX_FILE_SIZE ((uint64_t)256 << 20)

typedef struct vigil_image_opts {
	unsigned version;
	const char *platform;    /* "os/arch[/variant]"; NULL = "linux/amd64" */
	uint64_t max_file_size;  /* cap on each kept file; 0 = VIGIL_DEFAULT_MAX_FILE_SIZE */
} vigil_image_opts;

#define VIGIL_IMAGE_OPTS_VERSION 1
#define VIGIL_IMAGE_OPTS_INIT { VIGIL_IMAGE_OPTS_VERSION, NULL, 0 }

typedef struct vigil_layer_info {
	const char *diff_id; /* "sha256:..." of the uncompressed layer; NULL for a rootfs */
	const char *digest;  /* "sha256:..." of the stored blob where the input has one; else NULL */
} vigil_layer_info;

typedef struct vigil_package {
	const char *name;
	const char *version;        /* rpm: [EPOCH:]VERSION-RELEASE */
	const char *source_name;    /* dpkg Source, rpm SOURCERPM name, apk origin */
	const char *source_version;
	const char *arch;           /* may be "" */
	vigil_version_format format;
	const char *layer;          /* diff_id of the layer that added this version; NULL for a rootfs */
} vigil_package;

typedef struct vigil_inspection vigil_inspection;

/**
 * Read the image named by `ref` (see PRODUCT.md, "IMAGE"). *out belongs to
 * the caller; free it with vigil_inspection_free(). Returns 0, VIGIL_ENOTFOUND,
 * VIGIL_EINVALID, VIGIL_EUNSUPPORTED, VIGIL_ETOOBIG or VIGIL_EIO.
 */
VIGIL_EXTERN int vigil_inspect(vigil_inspection **out, const char *ref,
			       const vigil_image_opts *opts) VIGIL_WARN_UNUSED;

/** "debian:12", or NULL when no OS was recognised. Borrowed. */
VIGIL_EXTERN const char *vigil_inspection_namespace(const vigil_inspection *in);
/** Release codename ("bookworm") where the distribution has one, else NULL. Borrowed. */
VIGIL_EXTERN const char *vigil_inspection_codename(const vigil_inspection *in);
/** What the image was read from: "docker-archive", "oci", "oci-archive" or "rootfs". Borrowed. */
VIGIL_EXTERN const char *vigil_inspection_source(const vigil_inspection *in);
/** The image ID: its config blob's digest ("sha256:..."), or NULL (rootfs). Borrowed. */
VIGIL_EXTERN const char *vigil_inspection_image_id(const vigil_inspection *in);
/**
 * The image's names: docker-save's RepoTags ("name:tag"), or an OCI index
 * entry's org.opencontainers.image.ref.name. Borrowed; NULL past the end.
 */
VIGIL_EXTERN size_t vigil_inspection_repo_tag_count(const vigil_inspection *in);
VIGIL_EXTERN const char *vigil_inspection_repo_tag(const vigil_inspection *in, size_t i);
VIGIL_EXTERN size_t vigil_inspection_layer_count(const vigil_inspection *in);
VIGIL_EXTERN const vigil_layer_info *vigil_inspection_layer(const vigil_inspection *in, size_t i);
/** Packages sorted by name, then version. */
VIGIL_EXTERN size_t vigil_inspection_package_count(const vigil_inspection *in);
VIGIL_EXTERN const vigil_package *vigil_inspection_package(const vigil_inspection *in, size_t i);
VIGIL_EXTERN void vigil_inspection_free(vigil_inspection *in);

#endif
