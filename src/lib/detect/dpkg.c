/* PLACEHOLDER: replaced by the real detector (keep these paths). */
#include "detect.h"

static const char *const paths[] = {
	"var/lib/dpkg/status",
	"var/lib/dpkg/status.d/",
	NULL,
};

const struct vigil_detector vigil_detector_dpkg = {
	.name = "dpkg",
	.paths = paths,
};
