/*
 * What the files of src/lib/clair share beyond the public API
 * (include/vigil/clair.h).
 */
#ifndef VIGIL_CLAIR_INTERNAL_H
#define VIGIL_CLAIR_INTERNAL_H

#include "vigil/clair.h"

struct vigil_store;

/** The store behind the handle (the feeds' records). Borrowed. */
struct vigil_store *vigil_clair__store(vigil_clair *c);

#endif
