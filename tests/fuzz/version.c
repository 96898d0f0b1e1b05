/*
 * Fuzz the version comparators: the input is two versions separated by a NUL
 * byte; every format compares them both ways (antisymmetry is asserted) and
 * checks each.
 */
#include "fuzz.h"

#include "vigil/version.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 2), *b;
	int f;

	if (!a)
		abort();
	memcpy(a, data, size);
	a[size] = a[size + 1] = '\0';
	b = a + strlen(a) + 1;
	if (b > a + size)
		b = a + size + 1;
	for (f = VIGIL_VERSION_DPKG; f <= VIGIL_VERSION_APK; f++) {
		if (vigil_version_cmp(f, a, b) != -vigil_version_cmp(f, b, a))
			abort();
		(void)vigil_version_check(f, a);
		(void)vigil_version_check(f, b);
	}
	free(a);
	return 0;
}
