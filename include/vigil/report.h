/*
 * Reports of a scan, one writer per format: table (Clair's severity scale,
 * colour on a terminal), json (Trivy's report schema, SchemaVersion 2, with
 * ClairSeverity beside Severity), sarif (2.1.0), cyclonedx (1.5 JSON), html
 * (one self-contained page), clair (clair-scanner's report JSON).
 */
#ifndef VIGIL_REPORT_H
#define VIGIL_REPORT_H

#include "common.h"
#include "scan.h"

#include <stdio.h>

typedef struct vigil_report_opts {
	unsigned version;
	int color;               /* table: ANSI colours (the CLI sets it for a terminal) */
	const char *created_at;  /* RFC 3339 time stamped into formats that carry one; NULL = none */
	/*
	 * clair: clair-scanner lists every finding under "vulnerabilities" and the
	 * unapproved ones under "unapproved". Approved are those whose severity is
	 * below `threshold` (the default, Unknown, approves none by severity) and
	 * those whose ID is one of `approved` (its whitelist). Other formats ignore these.
	 */
	vigil_severity threshold;
	const char *const *approved;
	size_t napproved;
} vigil_report_opts;

#define VIGIL_REPORT_OPTS_VERSION 1
#define VIGIL_REPORT_OPTS_INIT \
	{ VIGIL_REPORT_OPTS_VERSION, 0, NULL, VIGIL_SEVERITY_UNKNOWN, NULL, 0 }

/** 1 when `format` names a writer ("table", "json", "sarif", "cyclonedx", "html", "clair"). */
VIGIL_EXTERN int vigil_report_format_known(const char *format);
/** The writers' names, comma-separated, for usage text. Static. */
VIGIL_EXTERN const char *vigil_report_formats(void);

/**
 * Write the report of `r` in `format` to `out`. Returns 0, VIGIL_EINVALID
 * (unknown format) or VIGIL_EIO (a write failed).
 */
VIGIL_EXTERN int vigil_report_write(FILE *out, const char *format, const vigil_scan_result *r,
				    const vigil_report_opts *opts) VIGIL_WARN_UNUSED;

#endif
