/*
 * The result of a scan, as the matcher builds it and the report writers read
 * it. The result owns its inspection (image, namespace, layers, packages) and
 * a copy of every string of its findings; a finding's `package` points into
 * the inspection's package list.
 */
#ifndef VIGIL_SCAN_RESULT_H
#define VIGIL_SCAN_RESULT_H

#include "vigil/scan.h"

struct vigil_scan_result {
	char *image;                 /* the argument as given */
	vigil_inspection *inspection;
	vigil_finding *findings;     /* every string owned */
	size_t n, cap;
};

/**
 * A new result for `image`, taking over `in` (freed with the result, also on
 * failure). *out is the caller's (vigil_scan_result_free()). Returns 0.
 */
int vigil_scan_result__new(struct vigil_scan_result **out, const char *image,
			   vigil_inspection *in) VIGIL_WARN_UNUSED;

/**
 * Append a copy of `f` (its strings and references are copied; NULL strings
 * become "", a NULL cvss stays NULL). f->package must be one of the
 * inspection's packages. Returns 0 or VIGIL_ETOOBIG.
 */
int vigil_scan_result__add(struct vigil_scan_result *r, const vigil_finding *f) VIGIL_WARN_UNUSED;

/** Sort the findings by package name, package version, then ID. */
void vigil_scan_result__sort(struct vigil_scan_result *r);

#endif
