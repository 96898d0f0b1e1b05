/*
 * The layer cache (cache.h). Serialization, all integers little-endian:
 *
 *   "VGLC" u32 version
 *   str digest, str diff_id, u64 stored_size, u64 tar_size, u64 n
 *   n x { u8 type, str path, u8 has_data, [u64 len, len bytes] }
 *   str = u32 length + bytes (no NUL)
 *
 * Decoding checks every length against what remains and the layer limits,
 * so a damaged row is a miss (with a warning), never a crash.
 */
#include "cache.h"

#include "../detect/detect.h"
#include "../limits.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"

#include <stdio.h>
#include <string.h>

#define COMPONENT "scan.cache"
#define FORMAT_VERSION 1u

static int put_u(vigil_buf *b, uint64_t v, int bytes)
{
	unsigned char x[8];
	int i;

	for (i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	return vigil_buf_add(b, x, (size_t)bytes);
}

static int put_str(vigil_buf *b, const char *s, size_t n)
{
	int err;

	if (n > UINT32_MAX)
		return vigil_error_set(VIGIL_ETOOBIG, "layer cache: string too long");
	if ((err = put_u(b, n, 4)) < 0)
		return err;
	return n ? vigil_buf_add(b, s, n) : 0;
}

int vigil_layer_cache__encode(vigil_buf *out, const struct vigil_layer *l)
{
	size_t i;
	int err;

	vigil_buf_reset(out);
	if ((err = vigil_buf_add(out, "VGLC", 4)) < 0 ||
	    (err = put_u(out, FORMAT_VERSION, 4)) < 0 ||
	    (err = put_str(out, l->digest, strlen(l->digest))) < 0 ||
	    (err = put_str(out, l->diff_id, strlen(l->diff_id))) < 0 ||
	    (err = put_u(out, l->stored_size, 8)) < 0 || (err = put_u(out, l->tar_size, 8)) < 0 ||
	    (err = put_u(out, l->n, 8)) < 0)
		return err;
	for (i = 0; i < l->n; i++) {
		const struct vigil_entry *e = &l->entries[i];
		if ((err = put_u(out, (uint64_t)e->type, 1)) < 0 ||
		    (err = put_str(out, e->path, strlen(e->path))) < 0 ||
		    (err = put_u(out, e->data ? 1 : 0, 1)) < 0)
			return err;
		if (e->data && ((err = put_u(out, e->len, 8)) < 0 ||
		                (e->len && (err = vigil_buf_add(out, e->data, e->len)) < 0)))
			return err;
	}
	return 0;
}

struct reader {
	const unsigned char *p;
	size_t left;
};

static int bad(void)
{
	return vigil_error_set(VIGIL_EINVALID, "layer cache: damaged entry");
}

static int get_u(struct reader *r, int bytes, uint64_t *v)
{
	int i;

	if (r->left < (size_t)bytes)
		return bad();
	*v = 0;
	for (i = 0; i < bytes; i++)
		*v |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	r->left -= (size_t)bytes;
	return 0;
}

/* A string of at most `max` bytes, into `out` (NUL-terminated, `outsz` bytes). */
static int get_str(struct reader *r, char *out, size_t outsz)
{
	uint64_t n = 0;
	int err;

	if ((err = get_u(r, 4, &n)) < 0)
		return err;
	if (n >= outsz || n > r->left)
		return bad();
	memcpy(out, r->p, (size_t)n);
	out[n] = '\0';
	r->p += n;
	r->left -= (size_t)n;
	return memchr(out, '\0', (size_t)n) ? bad() : 0;
}

int vigil_layer_cache__decode(struct vigil_layer *out, const void *p, size_t len)
{
	struct reader r = { p, len };
	char path[VIGIL_MAX_PATH + 1];
	uint64_t version = 0, n = 0, i, type = 0, has = 0, dlen;
	char *data;
	int err;

	if (len < 8 || memcmp(p, "VGLC", 4) != 0)
		return bad();
	r.p += 4;
	r.left -= 4;
	if ((err = get_u(&r, 4, &version)) < 0)
		return err;
	if (version != FORMAT_VERSION)
		return bad();
	if ((err = get_str(&r, out->digest, sizeof(out->digest))) < 0 ||
	    (err = get_str(&r, out->diff_id, sizeof(out->diff_id))) < 0 ||
	    (err = get_u(&r, 8, &out->stored_size)) < 0 ||
	    (err = get_u(&r, 8, &out->tar_size)) < 0 || (err = get_u(&r, 8, &n)) < 0)
		return err;
	if (n > VIGIL_MAX_LAYER_ENTRIES)
		return bad();
	for (i = 0; i < n; i++) {
		if ((err = get_u(&r, 1, &type)) < 0 ||
		    (err = get_str(&r, path, sizeof(path))) < 0 || (err = get_u(&r, 1, &has)) < 0)
			return err;
		if (type > VIGIL_ENTRY_DIR || has > 1)
			return bad();
		data = NULL;
		dlen = 0;
		if (has) {
			if ((err = get_u(&r, 8, &dlen)) < 0)
				return err;
			if (dlen > r.left)
				return bad();
			data = vigil_malloc((size_t)dlen + 1);
			memcpy(data, r.p, (size_t)dlen);
			data[dlen] = '\0';
			r.p += dlen;
			r.left -= (size_t)dlen;
		}
		if ((err = vigil_layer_add(out, (enum vigil_entry_type)type, path, data,
		                           (size_t)dlen)) < 0)
			return err;
	}
	return r.left == 0 ? 0 : bad();
}

/* sha256 over the format version and every detector's wanted paths. */
static void engine_of(char out[VIGIL_DIGEST_LEN])
{
	struct vigil_sha256 h;
	const char *const *p;
	size_t i;
	char v[16];

	vigil_sha256_init(&h);
	snprintf(v, sizeof(v), "v%u", FORMAT_VERSION);
	vigil_sha256_update(&h, v, strlen(v) + 1);
	for (i = 0; i < vigil_detect_count(); i++) {
		const struct vigil_detector *d = vigil_detect_get(i);
		vigil_sha256_update(&h, d->name, strlen(d->name) + 1);
		for (p = d->paths; p && *p; p++)
			vigil_sha256_update(&h, *p, strlen(*p) + 1);
	}
	vigil_sha256_final(&h, out);
}

void vigil_layer_cache__init(struct vigil_layer_cache *c, struct vigil_store *store)
{
	memset(c, 0, sizeof(*c));
	c->store = store;
	engine_of(c->engine);
}

void vigil_layer_cache__release(struct vigil_layer_cache *c)
{
	size_t i;

	for (i = 0; i < c->nserved; i++)
		vigil_free(c->served[i]);
	vigil_free(c->served);
	memset(c, 0, sizeof(*c));
}

static int served(const struct vigil_layer_cache *c, const char *diff_id)
{
	size_t i;

	for (i = 0; i < c->nserved; i++)
		if (strcmp(c->served[i], diff_id) == 0)
			return 1;
	return 0;
}

static int cached(struct vigil_layer *out, const char *diff_id, void *payload)
{
	struct vigil_layer_cache *c = payload;
	vigil_buf blob = VIGIL_BUF_INIT;
	int err;

	err = vigil_store_layer_entries_get(c->store, diff_id, c->engine, &blob);
	if (err == VIGIL_ENOTFOUND) {
		vigil_buf_release(&blob);
		return 0;
	}
	if (err == 0) {
		vigil_layer_release(out);
		err = vigil_layer_cache__decode(out, blob.ptr, blob.len);
		if (err == 0 && strcmp(out->diff_id, diff_id) != 0)
			err = bad();
	}
	vigil_buf_release(&blob);
	if (err < 0) {
		vigil_log(WARN, COMPONENT, "layer '%s': %s: reading it again", diff_id,
		          vigil_error_last());
		vigil_layer_release(out);
		return 0;
	}
	c->served = vigil_array_grow(c->served, &c->cap, c->nserved + 1, sizeof(*c->served));
	c->served[c->nserved++] = vigil_strdup(diff_id);
	vigil_log(DEBUG, COMPONENT, "layer '%s' from the cache", diff_id);
	return 1;
}

void vigil_layer_cache__hooks(struct vigil_layer_cache *c, struct vigil_image_hooks *out)
{
	out->cached = cached;
	out->payload = c;
}

void vigil_layer_cache__store(struct vigil_layer_cache *c, const struct vigil_image_data *img)
{
	vigil_buf blob = VIGIL_BUF_INIT;
	size_t i;
	int err;

	for (i = 0; i < img->nlayers; i++) {
		const struct vigil_layer *l = &img->layers[i];
		if (!l->diff_id[0] || served(c, l->diff_id))
			continue;
		/* Read anyway (a compressed archive, where the hook is not asked),
		 * but already kept: no need to write it again. */
		if (vigil_store_layer_entries_get(c->store, l->diff_id, c->engine, NULL) == 0)
			continue;
		if ((err = vigil_layer_cache__encode(&blob, l)) == 0)
			err = vigil_store_layer_entries_put(c->store, l->diff_id, c->engine,
			                                    blob.ptr, blob.len);
		if (err < 0)
			vigil_log(WARN, COMPONENT, "layer '%s' not cached: %s", l->diff_id,
			          vigil_error_last());
		else
			c->stored++;
	}
	vigil_buf_release(&blob);
}
