/* PLACEHOLDER: replaced by the image sources (archive.c, oci_layout.c, rootfs.c). */
#include "image.h"

#include "vigil/error.h"

#include <string.h>

int vigil_image_load(struct vigil_image_data *out, const char *ref, const vigil_image_opts *opts)
{
	(void)opts;
	memset(out, 0, sizeof(*out));
	return vigil_error_set(VIGIL_EUNSUPPORTED, "cannot read images yet: '%s'", ref);
}

void vigil_image_data_release(struct vigil_image_data *d)
{
	memset(d, 0, sizeof(*d));
}
