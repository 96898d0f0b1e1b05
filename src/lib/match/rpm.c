/*
 * The RHEL family (PRODUCT.md, "RHEL family", "Red Hat CSAF VEX"): records
 * name the binary package and compare with its EPOCH:VERSION-RELEASE in rpm
 * order (a missing epoch is 0). A record with an arch pattern (OVAL's
 * rpminfo_state arch, a POSIX extended regular expression) applies only to
 * packages whose arch it matches; a package without an arch matches every
 * pattern. Fixed versions are shown without a "0:" epoch, as the installed
 * ones are.
 *
 * CentOS and the other rebuilds of RHEL N (Rocky, Alma, Oracle, Scientific,
 * EuroLinux...) use rhel:N's data when no data of their own is loaded.
 * Amazon Linux is not a rebuild.
 *
 * Preference for one (binary package, ID): Red Hat's CSAF VEX over OVAL
 * (VEX also states "not affected" and "no fix yet"; OVAL only fixes).
 */
#include "matcher.h"

#include "vigil/log.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static const char *const os_ids[] = { "rhel",       "centos",    "rocky", "almalinux", "ol",
	                              "scientific", "eurolinux", "amzn",  "fedora",    NULL };

static const char *const rebuilds[] = { "centos",     "rocky",     "almalinux", "ol",
	                                "scientific", "eurolinux", NULL };

static const struct vigil_match_source sources[] = {
	{ "csaf", NULL, VIGIL_MATCH_BINARY },
	{ "oval", NULL, VIGIL_MATCH_BINARY },
	{ NULL, NULL, VIGIL_MATCH_BINARY },
};

static int arch_applies(const struct vigil_match_record *rec, const vigil_package *pkg)
{
	regex_t re;
	int rc;

	if (!rec->arch[0] || !pkg->arch || !pkg->arch[0])
		return 1;
	if (regcomp(&re, rec->arch, REG_EXTENDED | REG_NOSUB) != 0) {
		vigil_log(WARN, "match.rpm",
		          "%s of '%s': bad arch pattern '%s': applies to every arch", rec->vuln,
		          rec->package, rec->arch);
		return 1;
	}
	rc = regexec(&re, pkg->arch, 0, NULL, 0);
	regfree(&re);
	return rc == 0;
}

static const char *drop_zero_epoch(const char *v)
{
	return strncmp(v, "0:", 2) == 0 ? v + 2 : v;
}

static int rebuild_of_rhel(char *out, size_t n, const char *ns)
{
	const char *colon = strchr(ns, ':');
	const char *const *id;

	if (!colon)
		return 0;
	for (id = rebuilds; *id; id++)
		if (strlen(*id) == (size_t)(colon - ns) && strncmp(*id, ns, strlen(*id)) == 0) {
			snprintf(out, n, "rhel%s", colon);
			return 1;
		}
	return 0;
}

const struct vigil_match_family vigil_match_family_rpm = {
	.name = "rpm",
	.os_ids = os_ids,
	.format = VIGIL_VERSION_RPM,
	.sources = sources,
	.feed_hint = "oval",
	.default_key = VIGIL_MATCH_BINARY,
	.applies = arch_applies,
	.fixed_version = drop_zero_epoch,
	.fallback = rebuild_of_rhel,
};
