/*
 * Severity names on Clair's scale and Trivy's.
 */
#include "vigil/severity.h"
#include "vigil/error.h"

#include <strings.h>

static const char *const clair_names[VIGIL_SEVERITY_COUNT] = {
	"Unknown", "Negligible", "Low", "Medium", "High", "Critical", "Defcon1",
};

static const char *const trivy_names[VIGIL_SEVERITY_COUNT] = {
	"UNKNOWN", "LOW", "LOW", "MEDIUM", "HIGH", "CRITICAL", "CRITICAL",
};

const char *vigil_severity_name(vigil_severity sev)
{
	return (unsigned)sev < VIGIL_SEVERITY_COUNT ? clair_names[sev] : clair_names[0];
}

const char *vigil_severity_trivy(vigil_severity sev)
{
	return (unsigned)sev < VIGIL_SEVERITY_COUNT ? trivy_names[sev] : trivy_names[0];
}

int vigil_severity_parse(vigil_severity *out, const char *name)
{
	unsigned i;

	/* Clair's names include every Trivy name but UNKNOWN's spelling, which is the same word. */
	for (i = 0; i < VIGIL_SEVERITY_COUNT; i++) {
		if (strcasecmp(name, clair_names[i]) == 0) {
			*out = (vigil_severity)i;
			return 0;
		}
	}
	return vigil_error_set(VIGIL_EINVALID, "unknown severity '%s' (use %s)", name,
			       "unknown, negligible, low, medium, high, critical or defcon1");
}
