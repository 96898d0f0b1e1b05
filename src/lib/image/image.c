/*
 * vigil_image_load(): which source reads a reference (PRODUCT.md, "IMAGE").
 *
 *   PREFIX:PATH[:TAG]  an explicit source (docker-archive, oci, oci-archive,
 *                      rootfs); TAG only when PATH:TAG itself does not exist
 *   docker://REF       a registry reference
 *   PATH               an existing path: each source's probe in sources.def
 *                      order says whether it is of its kind
 *   anything else      a path that does not exist when it looks like one
 *                      (has '/', or ends in .tar .tgz .gz .zst), otherwise a
 *                      registry reference
 * Registry references are refused until a registry source exists (one more
 * line in sources.def).
 */
#include "image.h"

#include "vigil/alloc.h"
#include "vigil/error.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const struct vigil_image_source *const sources[] = {
#define VIGIL_IMAGE_SOURCE(n) &vigil_image_source_##n,
#include "sources.def"
#undef VIGIL_IMAGE_SOURCE
};

#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int looks_like_path(const char *ref)
{
	static const char *const ext[] = { ".tar", ".tgz", ".gz", ".zst" };
	size_t i;

	if (strchr(ref, '/'))
		return 1;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (has_suffix(ref, ext[i]))
			return 1;
	return 0;
}

static int not_found(const char *ref)
{
	return vigil_error_set(VIGIL_ENOTFOUND, "no such image '%s' (no such file or directory)",
			       ref);
}

static int registry(const char *ref)
{
	return vigil_error_set(VIGIL_EUNSUPPORTED, "registry pulls are not supported yet: '%s'",
			       ref);
}

/* The source named by the prefix of `ref` ("oci-archive:..."), and what follows it. */
static const struct vigil_image_source *by_prefix(const char *ref, const char **rest)
{
	size_t i, n;

	for (i = 0; i < NSOURCES; i++) {
		n = strlen(sources[i]->prefix);
		if (strncmp(ref, sources[i]->prefix, n) == 0 && ref[n] == ':') {
			*rest = ref + n + 1;
			return sources[i];
		}
	}
	return NULL;
}

/*
 * PATH or PATH:TAG: the whole when it exists, else the longest PATH before a
 * ':' that exists (a docker TAG may itself hold a ':', "name:latest").
 */
static int split_tag(const char *rest, char **path, char **tag)
{
	char *p = vigil_strdup(rest), *colon;

	*path = p;
	*tag = NULL;
	if (exists(p))
		return 0;
	while ((colon = strrchr(p, ':')) != NULL) {
		*colon = '\0';
		if (*p && colon[1] && exists(p)) {
			*tag = vigil_strdup(rest + (colon - p) + 1);
			return 0;
		}
	}
	return not_found(rest);
}

static int load_prefixed(struct vigil_image_data *out, const struct vigil_image_source *src,
			 const char *rest, const vigil_image_opts *opts,
			 const struct vigil_image_hooks *hooks)
{
	char *path, *tag;
	int err;

	if ((err = split_tag(rest, &path, &tag)) == 0)
		err = src->load(out, path, tag, opts, hooks);
	vigil_free(path);
	vigil_free(tag);
	return err;
}

static int load_probed(struct vigil_image_data *out, const char *path,
		       const vigil_image_opts *opts, const struct vigil_image_hooks *hooks)
{
	struct stat st;
	size_t i;
	int r;

	for (i = 0; i < NSOURCES; i++) {
		if ((r = sources[i]->probe(path)) < 0)
			return r;
		if (r)
			return sources[i]->load(out, path, NULL, opts, hooks);
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
		return vigil_error_set(VIGIL_EINVALID, "image '%s' is an empty file", path);
	return vigil_error_set(VIGIL_EINVALID,
			       "unrecognised image '%s': not a docker-save or OCI archive, "
			       "OCI layout or directory",
			       path);
}

int vigil_image_load(struct vigil_image_data *out, const char *ref, const vigil_image_opts *opts)
{
	return vigil_image_load_cached(out, ref, opts, NULL);
}

int vigil_image_load_cached(struct vigil_image_data *out, const char *ref,
			    const vigil_image_opts *opts, const struct vigil_image_hooks *hooks)
{
	const struct vigil_image_source *src;
	const char *rest;

	memset(out, 0, sizeof(*out));
	if (hooks && !hooks->cached)
		hooks = NULL;
	if (strncmp(ref, "docker://", 9) == 0)
		return registry(ref);
	if ((src = by_prefix(ref, &rest)) != NULL && !exists(ref))
		return load_prefixed(out, src, rest, opts, hooks);
	if (exists(ref))
		return load_probed(out, ref, opts, hooks);
	if (looks_like_path(ref))
		return not_found(ref);
	return registry(ref);
}

void vigil_image_data_release(struct vigil_image_data *d)
{
	size_t i;

	for (i = 0; i < d->nlayers; i++)
		vigil_layer_release(&d->layers[i]);
	vigil_free(d->layers);
	for (i = 0; i < d->nrepo_tags; i++)
		vigil_free(d->repo_tags[i]);
	vigil_free(d->repo_tags);
	vigil_free(d->config_digest);
	vigil_free(d->manifest_digest);
	memset(d, 0, sizeof(*d));
}
