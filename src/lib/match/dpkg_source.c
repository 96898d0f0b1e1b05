/*
 * Debian and Ubuntu (PRODUCT.md, "Debian", "Ubuntu"): records name the
 * source package (dpkg `Source:`, else the binary name) and compare with
 * the source version (the version in `Source: name (version)`, else the
 * binary version: a binNMU "1.2-3+b1" of source 1.2-3 compares as 1.2-3),
 * in dpkg order. The codename -> namespace mapping and the statuses
 * (resolved 0, open, undetermined, released, needed, ...) are the feeds'
 * work: the records say fixed, no fix yet or not affected.
 *
 * Preference for one (binary package, ID):
 *   debian: the JSON export's statement (unit "json") over the tracker's
 *           text lists (DSA/DLA/DTSA/CVE lists). Among the lists' records,
 *           the lowest fix decides ("the lowest such version wins for (R,
 *           SRC, ID)"), a fix beats "not affected", which beats "no fix
 *           yet" (VIGIL_MATCH_FIX_LOWEST);
 *   ubuntu: the ubuntu-cve-tracker's statement (feed "ubuntu", by source
 *           package) over USN OVAL (feed "ubuntu-oval", by binary package and
 *           binary version).
 */
#include "matcher.h"

static const char *const debian_ids[] = { "debian", NULL };

static const struct vigil_match_source debian_sources[] = {
	{ "debian", "json", VIGIL_MATCH_SOURCE },
	{ "debian", NULL, VIGIL_MATCH_SOURCE },
	{ NULL, NULL, VIGIL_MATCH_SOURCE },
};

const struct vigil_match_family vigil_match_family_debian = {
	.name = "debian",
	.os_ids = debian_ids,
	.format = VIGIL_VERSION_DPKG,
	.sources = debian_sources,
	.feed_hint = "debian",
	.fix_rule = VIGIL_MATCH_FIX_LOWEST,
	.default_key = VIGIL_MATCH_SOURCE,
};

static const char *const ubuntu_ids[] = { "ubuntu", NULL };

static const struct vigil_match_source ubuntu_sources[] = {
	{ "ubuntu", NULL, VIGIL_MATCH_SOURCE },
	{ "ubuntu-oval", NULL, VIGIL_MATCH_BINARY },
	{ NULL, NULL, VIGIL_MATCH_SOURCE },
};

const struct vigil_match_family vigil_match_family_ubuntu = {
	.name = "ubuntu",
	.os_ids = ubuntu_ids,
	.format = VIGIL_VERSION_DPKG,
	.sources = ubuntu_sources,
	.feed_hint = "ubuntu",
	.default_key = VIGIL_MATCH_SOURCE,
};
