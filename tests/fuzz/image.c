/*
 * Fuzz the image sources: the input is written to a file and opened as an
 * image (docker-save or OCI archive, plain or compressed), so manifest,
 * index and config parsing and the archive walk all see it.
 */
#include "fuzz.h"

#include "lib/image/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct vigil_image_data img;
	vigil_image_opts opts = VIGIL_IMAGE_OPTS_INIT;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/vigil-fuzz-image-%d.tar", (int)getpid());
	if (!(f = fopen(path, "wb")))
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	opts.max_file_size = 1 << 20;
	(void)!vigil_image_load(&img, path, &opts);
	vigil_image_data_release(&img);
	unlink(path);
	return 0;
}
