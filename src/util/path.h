/*
 * Paths inside an image. Every path is relative to the image root, with no
 * leading '/', no '.', no empty components and no '..' (which can never climb
 * above the root). The root itself is "".
 */
#ifndef VIGIL_UTIL_PATH_H
#define VIGIL_UTIL_PATH_H

#include "vigil/buf.h"

/**
 * Normalise `in` (an archive member name or a symlink target already joined
 * to its directory) into `out`: strip leading '/' and "./", fold "//" and
 * ".", and apply ".." without ever climbing above the root.
 * Returns 0 or VIGIL_ETOOBIG (longer than VIGIL_MAX_PATH).
 */
int vigil_path_clean(vigil_buf *out, const char *in);

/**
 * Resolve a symlink found at `link_path` whose target is `target` into a
 * clean image path in `out` (absolute targets start from the image root,
 * relative ones from the link's directory). Returns 0 or VIGIL_ETOOBIG.
 */
int vigil_path_join_link(vigil_buf *out, const char *link_path, const char *target);

/** The final component of `path` (borrowed, points into it). */
const char *vigil_path_base(const char *path);

/** 1 when `path` equals `dir` or lies below it ("a/b" is under "a"); "" holds everything. */
int vigil_path_under(const char *path, const char *dir);

#endif
