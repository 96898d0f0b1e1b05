/*
 * Fuzz the detectors: the input becomes one kept file of a one-layer image, at
 * the path its first byte picks (release files, dpkg, apk, the three rpm
 * databases), and every OS and package detector runs on the merged view.
 */
#include "fuzz.h"

#include "lib/detect/detect.h"
#include "vigil/alloc.h"

#include <string.h>

static const char *const paths[] = {
	"etc/os-release",       "etc/lsb-release",          "etc/redhat-release",
	"etc/alpine-release",   "etc/debian_version",       "var/lib/dpkg/status",
	"var/lib/dpkg/status.d/pkg", "lib/apk/db/installed", "var/lib/rpm/Packages",
	"var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages.db", "etc/system-release-cpe",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_layer l = { 0 };
	struct vigil_fsview v;
	struct vigil_pkglist pkgs = { 0 };
	struct vigil_os os;
	char *copy;

	if (size < 1)
		return 0;
	copy = vigil_malloc(size);
	memcpy(copy, data + 1, size - 1);
	if (vigil_layer_add(&l, VIGIL_ENTRY_FILE, paths[data[0] % (sizeof(paths) / sizeof(*paths))],
			    copy, size - 1) < 0)
		return 0;
	memset(&os, 0, sizeof(os));
	vigil_fsview_init(&v);
	if (vigil_fsview_apply(&v, &l) == 0) {
		(void)!vigil_detect_os(&os, &v);
		(void)!vigil_detect_packages(&pkgs, &v);
	}
	vigil_os_release(&os);
	vigil_pkglist_release(&pkgs);
	vigil_fsview_release(&v);
	vigil_layer_release(&l);
	return 0;
}
