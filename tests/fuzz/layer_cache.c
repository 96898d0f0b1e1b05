/*
 * Fuzz the layer cache's decoder (src/lib/scan/cache.c): the input is decoded
 * as a cache row (anything may come back from a damaged database). When the
 * input is a layer blob that the layer reader accepts, its entries are also
 * encoded and decoded again, and must come back the same, byte for byte.
 */
#include "fuzz.h"

#include "lib/layer/layer.h"
#include "lib/scan/cache.h"

#include <stdlib.h>
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

static void round_trip(const struct vigil_layer *l)
{
	vigil_buf a = VIGIL_BUF_INIT, b = VIGIL_BUF_INIT;
	struct vigil_layer back;

	memset(&back, 0, sizeof(back));
	if (vigil_layer_cache__encode(&a, l) == 0) {
		if (vigil_layer_cache__decode(&back, a.ptr, a.len) != 0 ||
		    vigil_layer_cache__encode(&b, &back) != 0 || a.len != b.len ||
		    memcmp(a.ptr, b.ptr, a.len) != 0)
			abort();
	}
	vigil_layer_release(&back);
	vigil_buf_release(&a);
	vigil_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_layer l;
	struct vigil_layer_opts opts = { 1 << 20, "fuzz" };
	struct src s = { data, size };

	memset(&l, 0, sizeof(l));
	(void)!vigil_layer_cache__decode(&l, data, size);
	vigil_layer_release(&l);
	memset(&l, 0, sizeof(l));
	if (vigil_layer_read(&l, next, &s, &opts) == 0)
		round_trip(&l);
	vigil_layer_release(&l);
	return 0;
}
