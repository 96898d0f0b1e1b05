/*
 * What vigil_inspect() and vigil_scan() share: an inspection built from an
 * image already loaded (the scan loads it through the layer cache).
 */
#ifndef VIGIL_INSPECT_INTERNAL_H
#define VIGIL_INSPECT_INTERNAL_H

#include "vigil/image.h"
#include "image/image.h"

/**
 * Detect the OS and packages of `img` (layers base first), attributing each
 * package to the layer that added its version. *out is the caller's
 * (vigil_inspection_free()). Returns 0 or the detectors' error.
 */
int vigil_inspection__from_image(vigil_inspection **out,
                                 const struct vigil_image_data *img) VIGIL_WARN_UNUSED;

#endif
