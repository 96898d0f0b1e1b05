/*
 * The merged view of an image's wanted files after some number of layers:
 * layers are applied in order (whiteouts and opaque directories first, then
 * the layer's entries), and lookups follow symlinks and hard links, always
 * inside the image.
 *
 * The view borrows entry data from the layers applied to it: they must
 * outlive it.
 */
#ifndef VIGIL_FSVIEW_H
#define VIGIL_FSVIEW_H

#include "layer.h"

struct vigil_fsview {
	const struct vigil_entry **entries; /* live entries, one per path */
	size_t n, cap;
	int sorted;
};

void vigil_fsview_init(struct vigil_fsview *v);
void vigil_fsview_release(struct vigil_fsview *v);

/** Apply layer `l` on top of the view. Returns 0. */
int vigil_fsview_apply(struct vigil_fsview *v, const struct vigil_layer *l);

/**
 * The contents of the regular file at `path`, symlinks and hard links
 * followed (at most VIGIL_MAX_SYMLINKS, never above the root).
 * The data and length it stores are borrowed. Returns 0, VIGIL_ENOTFOUND, or VIGIL_EINVALID
 * ("too many levels of symbolic links in 'etc/os-release'").
 */
int vigil_fsview_read(const struct vigil_fsview *v, const char *path, const char **data,
		      size_t *len);

/** 1 when vigil_fsview_read() would find `path`. */
int vigil_fsview_exists(const struct vigil_fsview *v, const char *path);

typedef int (*vigil_fsview_cb)(const char *path, const char *data, size_t len, void *payload);

/**
 * Call `cb` for each kept regular file directly in directory `dir` (the
 * directory itself may be reached through symlinks), in name order. `path`
 * passed to cb is the file's name under `dir`'s spelling ("dir/name").
 * A non-zero return from cb stops the walk and is returned.
 * Returns 0 (also when the directory is absent) or the callback's code.
 */
int vigil_fsview_list(const struct vigil_fsview *v, const char *dir, vigil_fsview_cb cb,
		      void *payload);

#endif
