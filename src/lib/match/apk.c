/*
 * Alpine (PRODUCT.md, "Alpine"): the secdb's records name the package's
 * origin (apk's `o:`, the detector's source name; the binary name when
 * there is none) and compare with the installed version in apk order. A
 * fixed version "0" is stored by the feed as "not affected"; an ID listed
 * under several fixed versions is several records, of which the generic
 * matcher takes the lowest above the installed version. Every repository
 * (unit) of the branch counts alike.
 */
#include "matcher.h"

static const char *const os_ids[] = { "alpine", NULL };

static const struct vigil_match_source sources[] = {
	{ "alpine", NULL, VIGIL_MATCH_SOURCE },
	{ NULL, NULL, VIGIL_MATCH_SOURCE },
};

const struct vigil_match_family vigil_match_family_apk = {
	.name = "apk",
	.os_ids = os_ids,
	.format = VIGIL_VERSION_APK,
	.sources = sources,
	.feed_hint = "alpine",
	.default_key = VIGIL_MATCH_SOURCE,
};
