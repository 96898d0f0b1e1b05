/*
 * vigil_inspect(): image -> layers -> merged view -> detectors, with the
 * layer that added each package (Clair's AddedBy): walking the layers base
 * first, a package keeps the layer where its current version first appeared;
 * a layer that rewrites a database without changing a package does not take
 * it over, and a package a later layer removes is gone.
 */
#include "inspect.h"
#include "vigil/vigil.h"
#include "detect/detect.h"
#include "image/image.h"
#include "layer/fsview.h"

#include <stdlib.h>
#include <string.h>

struct vigil_inspection {
	struct vigil_os os;
	const char *source; /* static: the image source's prefix */
	char *image_id;
	char **repo_tags;
	size_t nrepo_tags;
	vigil_layer_info *layers;
	size_t nlayers;
	struct vigil_pkglist pkgs;
};

/* Order by identity (format, name, arch): the key a package keeps across layers. */
static int ident_cmp(const void *a, const void *b)
{
	const vigil_package *x = a, *y = b;
	int c;

	if (x->format != y->format)
		return x->format < y->format ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->arch, y->arch);
}

/*
 * Give every package of `now` (the view after layer `diff_id`) its adding
 * layer: the one recorded in `prev` (sorted by ident_cmp) when the same
 * version was already there, else this layer.
 */
static void attribute(struct vigil_pkglist *now, const struct vigil_pkglist *prev,
		      const char *diff_id)
{
	size_t i;

	for (i = 0; i < now->n; i++) {
		vigil_package *p = &now->items[i];
		const vigil_package *old =
			prev->n ? bsearch(p, prev->items, prev->n, sizeof(*p), ident_cmp) : NULL;
		const char *layer = diff_id;

		if (old && strcmp(old->version, p->version) == 0)
			layer = old->layer;
		vigil_free((char *)p->layer);
		p->layer = layer ? vigil_strdup(layer) : NULL;
	}
	if (now->n) /* items is NULL for an empty list, which qsort must not get */
		qsort(now->items, now->n, sizeof(*now->items), ident_cmp);
}

static int detect_layers(struct vigil_inspection *in, const struct vigil_image_data *img)
{
	struct vigil_fsview view;
	struct vigil_pkglist now = { 0 };
	size_t i;
	int err = 0;

	vigil_fsview_init(&view);
	for (i = 0; i < img->nlayers; i++) {
		const struct vigil_layer *l = &img->layers[i];
		if ((err = vigil_fsview_apply(&view, l)) < 0)
			goto out;
		if (l->n == 0 && i > 0)
			continue; /* touches nothing we read: the package set is unchanged */
		if ((err = vigil_detect_packages(&now, &view)) < 0)
			goto out;
		attribute(&now, &in->pkgs, l->diff_id[0] ? l->diff_id : NULL);
		vigil_pkglist_release(&in->pkgs);
		in->pkgs = now;
		memset(&now, 0, sizeof(now));
	}
	err = vigil_detect_os(&in->os, &view);
out:
	vigil_pkglist_release(&now);
	vigil_fsview_release(&view);
	return err;
}

static void copy_layers(struct vigil_inspection *in, const struct vigil_image_data *img)
{
	size_t i;

	in->nlayers = img->nlayers;
	in->layers = vigil_calloc(img->nlayers ? img->nlayers : 1, sizeof(*in->layers));
	for (i = 0; i < img->nlayers; i++) {
		const struct vigil_layer *l = &img->layers[i];
		in->layers[i].diff_id = l->diff_id[0] ? vigil_strdup(l->diff_id) : NULL;
		in->layers[i].digest = l->digest[0] ? vigil_strdup(l->digest) : NULL;
	}
}

static void copy_names(struct vigil_inspection *in, const struct vigil_image_data *img)
{
	size_t i;

	in->source = img->kind;
	in->image_id = img->config_digest ? vigil_strdup(img->config_digest) : NULL;
	in->nrepo_tags = img->nrepo_tags;
	in->repo_tags = vigil_calloc(img->nrepo_tags ? img->nrepo_tags : 1, sizeof(char *));
	for (i = 0; i < img->nrepo_tags; i++)
		in->repo_tags[i] = vigil_strdup(img->repo_tags[i]);
}

int vigil_inspection__from_image(vigil_inspection **out, const struct vigil_image_data *img)
{
	struct vigil_inspection *in = vigil_calloc(1, sizeof(*in));
	int err;

	*out = NULL;
	copy_names(in, img);
	copy_layers(in, img);
	if ((err = detect_layers(in, img)) < 0) {
		vigil_inspection_free(in);
		return err;
	}
	vigil_pkglist_sort(&in->pkgs);
	*out = in;
	return 0;
}

int vigil_inspect(vigil_inspection **out, const char *ref, const vigil_image_opts *opts)
{
	vigil_image_opts dflt = VIGIL_IMAGE_OPTS_INIT;
	struct vigil_image_data img;
	int err;

	*out = NULL;
	memset(&img, 0, sizeof(img));
	if ((err = vigil_image_load(&img, ref, opts ? opts : &dflt)) == 0)
		err = vigil_inspection__from_image(out, &img);
	vigil_image_data_release(&img);
	return err;
}

const char *vigil_inspection_namespace(const vigil_inspection *in)
{
	return in->os.name;
}

const char *vigil_inspection_codename(const vigil_inspection *in)
{
	return in->os.codename;
}

const char *vigil_inspection_source(const vigil_inspection *in)
{
	return in->source;
}

const char *vigil_inspection_image_id(const vigil_inspection *in)
{
	return in->image_id;
}

size_t vigil_inspection_repo_tag_count(const vigil_inspection *in)
{
	return in->nrepo_tags;
}

const char *vigil_inspection_repo_tag(const vigil_inspection *in, size_t i)
{
	return i < in->nrepo_tags ? in->repo_tags[i] : NULL;
}

size_t vigil_inspection_layer_count(const vigil_inspection *in)
{
	return in->nlayers;
}

const vigil_layer_info *vigil_inspection_layer(const vigil_inspection *in, size_t i)
{
	return i < in->nlayers ? &in->layers[i] : NULL;
}

size_t vigil_inspection_package_count(const vigil_inspection *in)
{
	return in->pkgs.n;
}

const vigil_package *vigil_inspection_package(const vigil_inspection *in, size_t i)
{
	return i < in->pkgs.n ? &in->pkgs.items[i] : NULL;
}

void vigil_inspection_free(vigil_inspection *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->nlayers; i++) {
		vigil_free((char *)in->layers[i].diff_id);
		vigil_free((char *)in->layers[i].digest);
	}
	vigil_free(in->layers);
	for (i = 0; i < in->nrepo_tags; i++)
		vigil_free(in->repo_tags[i]);
	vigil_free(in->repo_tags);
	vigil_free(in->image_id);
	vigil_pkglist_release(&in->pkgs);
	vigil_os_release(&in->os);
	vigil_free(in);
}
