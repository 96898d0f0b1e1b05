/*
 * `vigil db update` inside the library: fetch each feed's upstream sources
 * (feed.h, struct vigil_feed_source) and import what changed.
 * docs/internals/update.md describes the whole path.
 */
#ifndef VIGIL_FEED_UPDATE_H
#define VIGIL_FEED_UPDATE_H

#include "../store/store.h"
#include "vigil/db.h"

/** vigil_db_update() on a store (see vigil/db.h for the contract). */
int vigil_feed_update(struct vigil_store *store, const vigil_db_update_opts *opts,
                      vigil_db_update_cb cb, void *payload, vigil_db_progress_cb progress,
                      void *progress_payload);

#endif
