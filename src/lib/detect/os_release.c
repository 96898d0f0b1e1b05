/* PLACEHOLDER: replaced by the real detector (keep these paths). */
#include "detect.h"

static const char *const paths[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/lsb-release",
	"etc/redhat-release",
	"etc/centos-release",
	"etc/alpine-release",
	"etc/debian_version",
	"etc/oracle-release",
	"etc/system-release",
	"etc/rocky-release",
	"etc/almalinux-release",
	"etc/fedora-release",
	"etc/SuSE-release",
	NULL,
};

const struct vigil_detector vigil_detector_os_release = {
	.name = "os-release",
	.paths = paths,
};
