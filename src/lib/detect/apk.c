/* PLACEHOLDER: replaced by the real detector (keep these paths). */
#include "detect.h"

static const char *const paths[] = {
	"lib/apk/db/installed",
	NULL,
};

const struct vigil_detector vigil_detector_apk = {
	.name = "apk",
	.paths = paths,
};
