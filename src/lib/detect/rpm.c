/* PLACEHOLDER: replaced by the real detector (keep these paths). */
#include "detect.h"

static const char *const paths[] = {
	"var/lib/rpm/Packages",
	"var/lib/rpm/rpmdb.sqlite",
	"var/lib/rpm/Packages.db",
	"usr/lib/sysimage/rpm/Packages",
	"usr/lib/sysimage/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/Packages.db",
	NULL,
};

const struct vigil_detector vigil_detector_rpm = {
	.name = "rpm",
	.paths = paths,
};
