/*
 * oci: an OCI image layout directory (oci-layout, index.json,
 * blobs/sha256/<hex>). Documents are read whole (capped), layers are
 * streamed from their blob files in manifest order; manifest.c does the
 * walk and the checks. Every blob is its own file, so a layer the cache
 * holds is simply never opened.
 */
#include "image.h"
#include "manifest.h"

#include "../limits.h"
#include "vigil/alloc.h"
#include "vigil/buf.h"
#include "vigil/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct layout {
	const char *dir;
	const vigil_image_opts *opts;
	char **docs; /* documents handed out, freed with the layout */
	size_t ndocs, cap;
};

/* dir/blobs/sha256/<hex> for a digest, dir/<key> for "index.json". */
static int blob_path(vigil_buf *out, const struct layout *l, const char *key)
{
	const char *hex;

	vigil_buf_reset(out);
	if (vigil_manifest_digest_hex(key, &hex))
		return vigil_buf_printf(out, "%s/blobs/sha256/%s", l->dir, hex);
	if (strcmp(key, "index.json") != 0)
		return vigil_error_set(VIGIL_EINVALID, "bad blob name '%s' in '%s'", key, l->dir);
	return vigil_buf_printf(out, "%s/%s", l->dir, key);
}

static int read_small(vigil_buf *out, const char *path, const char *key, const char *dir)
{
	char block[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return vigil_error_set(errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "'%s' not found in '%s'", key, dir);
	out->max = VIGIL_MAX_JSON_SIZE;
	while ((n = read(fd, block, sizeof(block))) > 0) {
		if (vigil_buf_add(out, block, (size_t)n) < 0) {
			err = vigil_error_set(VIGIL_ETOOBIG, "'%s' in '%s' is over %zu bytes", key,
					      dir, VIGIL_MAX_JSON_SIZE);
			break;
		}
	}
	if (n < 0 && !err)
		err = vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", path, strerror(errno));
	close(fd);
	return err;
}

static int layout_json(void *self, const char *key, const char **data, size_t *len)
{
	struct layout *l = self;
	vigil_buf path = VIGIL_BUF_INIT, doc = VIGIL_BUF_INIT;
	char digest[VIGIL_DIGEST_LEN];
	int err;

	if ((err = blob_path(&path, l, key)) < 0 ||
	    (err = read_small(&doc, path.ptr, key, l->dir)) < 0)
		goto out;
	if (vigil_manifest_digest_hex(key, NULL)) {
		vigil_sha256_buf(doc.ptr, doc.len, digest);
		if (strcmp(digest, key) != 0) {
			err = vigil_error_set(VIGIL_EINVALID,
					      "blob '%s' in '%s': digest mismatch: content is %s",
					      key, l->dir, digest);
			goto out;
		}
	}
	l->docs = vigil_array_grow(l->docs, &l->cap, l->ndocs + 1, sizeof(*l->docs));
	l->docs[l->ndocs] = vigil_buf_detach(&doc, len);
	*data = l->docs[l->ndocs++];
out:
	vigil_buf_release(&path);
	vigil_buf_release(&doc);
	return err;
}

static int layout_layer(void *self, const char *key, struct vigil_layer *out)
{
	struct layout *l = self;
	struct vigil_layer_opts lo = { 0 };
	vigil_buf path = VIGIL_BUF_INIT;
	int err;

	memset(out, 0, sizeof(*out));
	lo.max_file_size = l->opts ? l->opts->max_file_size : 0;
	lo.name = key;
	if ((err = blob_path(&path, l, key)) == 0) {
		err = vigil_layer_read_file(out, path.ptr, &lo);
		if (err == VIGIL_ENOTFOUND)
			err = vigil_error_set(err, "layer '%s' not found in '%s'", key, l->dir);
	}
	vigil_buf_release(&path);
	return err;
}

static int layout_has_layer(void *self, const char *key)
{
	struct layout *l = self;
	vigil_buf path = VIGIL_BUF_INIT;
	struct stat st;
	int err;

	if ((err = blob_path(&path, l, key)) == 0 && stat(path.ptr, &st) != 0)
		err = vigil_error_set(errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				      "layer '%s' not found in '%s'", key, l->dir);
	vigil_buf_release(&path);
	return err;
}

static int exists_in(const char *dir, const char *name)
{
	vigil_buf p = VIGIL_BUF_INIT;
	struct stat st;
	int ok;

	ok = vigil_buf_printf(&p, "%s/%s", dir, name) == 0 && stat(p.ptr, &st) == 0;
	vigil_buf_release(&p);
	return ok;
}

static int probe(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	return exists_in(path, "index.json") || exists_in(path, "oci-layout");
}

static int load(struct vigil_image_data *out, const char *path, const char *tag,
		const vigil_image_opts *opts, const struct vigil_image_hooks *hooks)
{
	struct layout l = { 0 };
	struct vigil_blob_store s = { 0 };
	struct stat st;
	size_t i;
	int err;

	out->kind = "oci";
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return vigil_error_set(VIGIL_EINVALID, "'%s' is not an OCI layout directory", path);
	l.dir = path;
	l.opts = opts;
	s.self = &l;
	s.name = path;
	s.json = layout_json;
	s.layer = layout_layer;
	s.hooks = hooks;
	s.has_layer = layout_has_layer;
	err = vigil_manifest_load_oci(out, &s, tag, opts ? opts->platform : NULL);
	for (i = 0; i < l.ndocs; i++)
		vigil_free(l.docs[i]);
	vigil_free(l.docs);
	return err;
}

const struct vigil_image_source vigil_image_source_oci = {
	.prefix = "oci",
	.probe = probe,
	.load = load,
};
