/*
 * Test helper: real files from the shared test data loaded into hand-built
 * layers (as the layer reader would keep them), so detectors can be run on
 * them through a merged view. Paths are read from disk, never copied.
 */
#ifndef VIGIL_TEST_TREE_H
#define VIGIL_TEST_TREE_H

#include "lib/layer/layer.h"

/** The shared test data directory: $VIGIL_SHARED, else /work/shared. Static. */
const char *tree_shared(void);

/** "$VIGIL_SHARED/images/fixtures/<rel>" in a static buffer (valid until the next call). */
const char *tree_fixture(const char *rel);

/**
 * The contents of the file at `disk_path`, NUL-terminated, in memory from
 * vigil_malloc() (free with vigil_free()); *len excludes the NUL. NULL when
 * it cannot be read.
 */
char *tree_slurp(const char *disk_path, size_t *len);

/** Add the file at `disk_path` as a FILE entry at image path `path`. Returns 0 or -1. */
int tree_add_file(struct vigil_layer *l, const char *disk_path, const char *path);

/** Add a FILE (or SYMLINK: data = target) entry holding a copy of data[0..len). Returns 0 or -1. */
int tree_add(struct vigil_layer *l, enum vigil_entry_type type, const char *path,
	     const char *data, size_t len);

/**
 * Add every regular file and symlink under directory `dir`, recursively, at
 * `prefix` + its path relative to `dir` ("" puts them at the root). Returns
 * the number of entries added, or -1 when `dir` cannot be read.
 */
int tree_add_dir(struct vigil_layer *l, const char *dir, const char *prefix);

#endif
