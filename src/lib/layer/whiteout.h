/*
 * Whiteout names in layer tars (the OCI image spec's "whiteouts", the
 * AUFS convention Docker and overlay exporters use):
 *   DIR/.wh.NAME        NAME, and everything under it, is removed from the
 *                       layers below
 *   DIR/.wh..wh..opq    DIR is opaque: everything below it in lower layers
 *                       is hidden (DIR itself stays)
 * Other ".wh..wh." names (AUFS bookkeeping such as ".wh..wh.plnk") are
 * ignored.
 */
#ifndef VIGIL_WHITEOUT_H
#define VIGIL_WHITEOUT_H

#include "vigil/buf.h"

enum vigil_whiteout {
	VIGIL_WHITEOUT_NONE,   /* an ordinary name */
	VIGIL_WHITEOUT_FILE,   /* ".wh.NAME": *target = "DIR/NAME" */
	VIGIL_WHITEOUT_OPAQUE, /* ".wh..wh..opq": *target = "DIR" */
	VIGIL_WHITEOUT_IGNORE, /* other ".wh..wh." bookkeeping: drop the entry */
};

/**
 * Classify the clean path `path` of a layer entry. For FILE and OPAQUE the
 * path the marker stands for is written to `target` (clean, possibly "" for
 * the root). Returns the kind, or VIGIL_ETOOBIG (negative) on an over-long path.
 */
int vigil_whiteout_parse(const char *path, vigil_buf *target);

#endif
