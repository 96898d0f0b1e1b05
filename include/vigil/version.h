/*
 * Package version comparison, with each distribution's own algorithm:
 * dpkg (Debian, Ubuntu), rpm (the RHEL family, SUSE, Amazon) and apk
 * (Alpine, apk-tools v3 rules).
 *
 * Comparison never fails: a version the distribution's tool would reject is
 * still ordered deterministically. vigil_version_check() says whether the
 * tool itself would accept it.
 */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#include "common.h"

typedef enum {
	VIGIL_VERSION_UNKNOWN = 0,
	VIGIL_VERSION_DPKG = 1,
	VIGIL_VERSION_RPM = 2,
	VIGIL_VERSION_APK = 3,
} vigil_version_format;

/** The format called `name` ("dpkg", "rpm", "apk"), or VIGIL_VERSION_UNKNOWN. */
VIGIL_EXTERN vigil_version_format vigil_version_format_from_name(const char *name);
/** "dpkg", "rpm", "apk", or "unknown". Static. */
VIGIL_EXTERN const char *vigil_version_format_name(vigil_version_format fmt);

/** Compare `a` and `b` in `fmt`: -1, 0 or 1 (a<b, a=b, a>b). Total and deterministic. */
VIGIL_EXTERN int vigil_version_cmp(vigil_version_format fmt, const char *a, const char *b);

/**
 * Whether the distribution's tool accepts `v`. Returns 0, or VIGIL_EINVALID
 * with the reason in vigil_error_last(), in the tool's words where it has them
 * (dpkg: "version '1:' has bad syntax: nothing after colon in version number").
 * Versions dpkg accepts with only a warning are accepted.
 */
VIGIL_EXTERN int vigil_version_check(vigil_version_format fmt, const char *v);

#endif
