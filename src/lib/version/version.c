/* PLACEHOLDER: replaced by the real comparators. */
#include "vigil/version.h"
#include <string.h>

vigil_version_format vigil_version_format_from_name(const char *name)
{
	return VIGIL_VERSION_UNKNOWN;
}

const char *vigil_version_format_name(vigil_version_format fmt)
{
	return "unknown";
}

int vigil_version_cmp(vigil_version_format fmt, const char *a, const char *b)
{
	int c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

int vigil_version_check(vigil_version_format fmt, const char *v)
{
	return 0;
}
