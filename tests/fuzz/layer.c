/*
 * Fuzz the layer reader: the input is a layer blob (tar, gzip or zstd),
 * streamed from memory in small chunks.
 */
#include "fuzz.h"

#include "lib/layer/layer.h"

#include <string.h>

struct src {
	const uint8_t *p;
	size_t left;
};

static ssize_t next(void *payload, const void **buf)
{
	struct src *s = payload;
	size_t n = s->left < 4096 ? s->left : 4096;

	*buf = s->p;
	s->p += n;
	s->left -= n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_layer l;
	struct vigil_layer_opts opts = { 1 << 20, "fuzz" };
	struct src s = { data, size };

	memset(&l, 0, sizeof(l));
	(void)!vigil_layer_read(&l, next, &s, &opts);
	vigil_layer_release(&l);
	return 0;
}
