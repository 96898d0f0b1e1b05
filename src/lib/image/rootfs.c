/*
 * rootfs: a plain root filesystem directory, read as one layer without
 * digests (vigil_layer_from_dir()). Any directory that is not an OCI layout
 * is one. The layer cache is never asked: a directory has no diff_id.
 */
#include "image.h"

#include "vigil/alloc.h"
#include "vigil/error.h"

#include <sys/stat.h>

static int probe_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int probe(const char *path)
{
	/* sources.def probes rootfs first, so an OCI layout must say no here */
	return probe_dir(path) && !vigil_image_source_oci.probe(path);
}

static int load(struct vigil_image_data *out, const char *path, const char *tag,
		const vigil_image_opts *opts, const struct vigil_image_hooks *hooks)
{
	struct vigil_layer_opts lo = { 0 };
	int err;

	out->kind = "rootfs";
	if (tag)
		return vigil_error_set(VIGIL_EINVALID, "a root filesystem has no tags: '%s'", tag);
	if (!probe_dir(path))
		return vigil_error_set(VIGIL_EINVALID, "'%s' is not a directory", path);
	lo.max_file_size = opts ? opts->max_file_size : 0;
	lo.name = path;
	out->layers = vigil_calloc(1, sizeof(*out->layers));
	if ((err = vigil_layer_from_dir(&out->layers[0], path, &lo)) < 0)
		return err;
	out->nlayers = 1;
	return 0;
}

const struct vigil_image_source vigil_image_source_rootfs = {
	.prefix = "rootfs",
	.probe = probe,
	.load = load,
};
