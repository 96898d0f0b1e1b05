/* PLACEHOLDER: replaced by the real detector. */
#include "detect.h"

static const char *const paths[] = { NULL };

const struct vigil_detector vigil_detector_rpm = {
	.name = "rpm",
	.paths = paths,
};
