/*
 * Detectors: what an image's files say about its OS and installed packages.
 *
 * Each detector is one file (os_release.c, dpkg.c, apk.c, rpm.c) ending with
 * a `const struct vigil_detector vigil_detector_<name>` descriptor, plus one
 * line in detectors.def. A detector declares the paths it reads; the layer
 * reader keeps only those files. A path ending in '/' means every file
 * directly in that directory.
 *
 * Detectors read a merged view (layer/fsview.h) and never fail on a missing
 * file: no database means no packages. A database that is present but is
 * garbage is VIGIL_EINVALID, its path named in the message.
 */
#ifndef VIGIL_DETECT_H
#define VIGIL_DETECT_H

#include "vigil/image.h"
#include "../layer/fsview.h"

/* A list of packages; it owns its strings. */
struct vigil_pkglist {
	vigil_package *items;
	size_t n, cap;
};

/* What the release files say. All strings owned; NULL when unknown. */
struct vigil_os {
	char *id;         /* os-release ID as Clair names it: "debian", "rhel", "alpine", "amzn" */
	char *version;    /* the version part of the namespace: "12", "18.04", "v3.10", "15.3" */
	char *codename;   /* "bookworm", "bionic"; NULL for distributions without one */
	char *name;       /* the namespace "id:version", or NULL when no OS was recognised */
	vigil_version_format format; /* the package version format of this OS */
};

struct vigil_detector {
	const char *name;         /* "dpkg", "os-release" */
	const char *const *paths; /* NULL-terminated list of wanted paths */
	/* OS detectors: fill *out when the files name an OS; leave it empty otherwise. */
	int (*os)(struct vigil_os *out, const struct vigil_fsview *view);
	/* Package detectors: append every installed package. */
	int (*packages)(struct vigil_pkglist *out, const struct vigil_fsview *view);
};

/* The registry, in detectors.def order. */
size_t vigil_detect_count(void);
const struct vigil_detector *vigil_detect_get(size_t i);

/** 1 when some detector wants the file at clean path `path` kept. */
int vigil_detect_wants(const char *path);
/** 1 when `path` is a directory on the way to a wanted path ("var", "var/lib"). */
int vigil_detect_wants_dir(const char *path);

/** Run the OS detectors in registry order; the first that names an OS wins. Returns 0 or an error. */
int vigil_detect_os(struct vigil_os *out, const struct vigil_fsview *view) VIGIL_WARN_UNUSED;
/** Run every package detector on `view`, appending to *out. Returns 0 or the first error. */
int vigil_detect_packages(struct vigil_pkglist *out,
			  const struct vigil_fsview *view) VIGIL_WARN_UNUSED;

void vigil_os_release(struct vigil_os *os);

/**
 * Append a package; every string is copied (NULL becomes ""; a NULL
 * source_name/source_version defaults to name/version). `layer` starts NULL.
 * Returns 0 or VIGIL_ETOOBIG past VIGIL_MAX_PACKAGES.
 */
int vigil_pkglist_add(struct vigil_pkglist *l, vigil_version_format fmt, const char *name,
		      const char *version, const char *source_name, const char *source_version,
		      const char *arch) VIGIL_WARN_UNUSED;
/** Sort by name, then version (in the package's format), then arch. */
void vigil_pkglist_sort(struct vigil_pkglist *l);
void vigil_pkglist_release(struct vigil_pkglist *l);

#endif
