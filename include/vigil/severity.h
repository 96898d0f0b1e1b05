/*
 * Severity of a vulnerability, on Clair's scale (the store keeps its number),
 * with Trivy's names for the reports that use Trivy's scale.
 */
#ifndef VIGIL_SEVERITY_H
#define VIGIL_SEVERITY_H

#include "common.h"

typedef enum vigil_severity {
	VIGIL_SEVERITY_UNKNOWN = 0,
	VIGIL_SEVERITY_NEGLIGIBLE = 1,
	VIGIL_SEVERITY_LOW = 2,
	VIGIL_SEVERITY_MEDIUM = 3,
	VIGIL_SEVERITY_HIGH = 4,
	VIGIL_SEVERITY_CRITICAL = 5,
	VIGIL_SEVERITY_DEFCON1 = 6,
} vigil_severity;

#define VIGIL_SEVERITY_COUNT 7

/** Clair's name: "Unknown", "Negligible", "Low", "Medium", "High", "Critical", "Defcon1". Static. */
VIGIL_EXTERN const char *vigil_severity_name(vigil_severity sev);
/** Trivy's name: UNKNOWN, LOW (Negligible too), MEDIUM, HIGH, CRITICAL (Defcon1 too). Static. */
VIGIL_EXTERN const char *vigil_severity_trivy(vigil_severity sev);
/**
 * Parse a name on Clair's or Trivy's scale, case-insensitively ("negligible",
 * "HIGH", "Defcon1"). Returns 0 or VIGIL_EINVALID.
 */
VIGIL_EXTERN int vigil_severity_parse(vigil_severity *out, const char *name) VIGIL_WARN_UNUSED;

#endif
