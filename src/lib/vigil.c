/* Library-wide odds and ends. */
#include "vigil/vigil.h"

const char *vigil_version(void)
{
	return VIGIL_VERSION_STRING;
}
