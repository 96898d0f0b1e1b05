/*
 * vigil_clair_analyze(): one layer blob, alone, into Clair's features.
 *
 * Clair v2 analyses each layer by itself (no merged view of the layers
 * below): the layer is streamed once through the layer reader, the merged
 * view is built from this layer only, and the detectors run on it. dpkg
 * packages become their source package at its source version (Clair's
 * feature); rpm and apk packages are themselves. Duplicates collapse.
 */
#include "vigil/clair.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/version.h"

#include "../detect/detect.h"
#include "../layer/fsview.h"
#include "../layer/layer.h"

#include <stdlib.h>
#include <string.h>

struct vigil_clair_analysis {
	char *namespace_name;
	const char *format;
	vigil_clair_feature *items;
	size_t n, cap;
};

static int feature_cmp(const void *pa, const void *pb)
{
	const vigil_clair_feature *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->version, b->version);
}

static void add_features(struct vigil_clair_analysis *a, const struct vigil_pkglist *pkgs,
                         const char *ns)
{
	size_t i, j;

	for (i = 0; i < pkgs->n; i++) {
		const vigil_package *p = &pkgs->items[i];
		int dpkg = p->format == VIGIL_VERSION_DPKG;
		int origin = p->format == VIGIL_VERSION_APK && p->source_name &&
		             p->source_name[0] && strcmp(p->source_name, p->name) != 0;
		vigil_clair_feature *f;

		a->items = vigil_array_grow(a->items, &a->cap, a->n + 1, sizeof(*a->items));
		f = &a->items[a->n++];
		memset(f, 0, sizeof(*f));
		f->name = vigil_strdup(dpkg && p->source_name[0] ? p->source_name : p->name);
		f->version =
		        vigil_strdup(dpkg && p->source_version[0] ? p->source_version : p->version);
		f->namespace_name = vigil_strdup(ns ? ns : "");
		f->version_format = vigil_version_format_name(p->format);
		f->added_by = NULL;
		f->source_name = vigil_strdup(origin ? p->source_name : "");
	}
	if (a->n < 2)
		return;
	qsort(a->items, a->n, sizeof(*a->items), feature_cmp);
	for (i = 1, j = 1; i < a->n; i++) {
		if (feature_cmp(&a->items[i], &a->items[j - 1]) == 0) {
			vigil_free((char *)a->items[i].name);
			vigil_free((char *)a->items[i].version);
			vigil_free((char *)a->items[i].namespace_name);
			vigil_free((char *)a->items[i].source_name);
			continue;
		}
		a->items[j++] = a->items[i];
	}
	a->n = j;
}

int vigil_clair_analyze(vigil_clair_analysis **out, vigil_clair_read_fn read, void *payload,
                        const char *name, uint64_t max_file_size)
{
	struct vigil_layer_opts lo = { max_file_size, name };
	struct vigil_layer layer;
	struct vigil_fsview view;
	struct vigil_os os;
	struct vigil_pkglist pkgs = { 0 };
	struct vigil_clair_analysis *a = vigil_calloc(1, sizeof(*a));
	int err;

	*out = NULL;
	memset(&layer, 0, sizeof(layer));
	memset(&os, 0, sizeof(os));
	vigil_fsview_init(&view);
	if ((err = vigil_layer_read(&layer, (vigil_read_fn)read, payload, &lo)) < 0)
		goto out;
	if ((err = vigil_fsview_apply(&view, &layer)) < 0)
		goto out;
	if ((err = vigil_detect_os(&os, &view)) < 0)
		goto out;
	if ((err = vigil_detect_packages(&pkgs, &view)) < 0)
		goto out;
	if (os.name) {
		a->namespace_name = vigil_strdup(os.name);
		a->format = vigil_version_format_name(os.format);
	}
	add_features(a, &pkgs, os.name);
	*out = a;
	a = NULL;
out:
	vigil_pkglist_release(&pkgs);
	vigil_os_release(&os);
	vigil_fsview_release(&view);
	vigil_layer_release(&layer);
	vigil_clair_analysis_free(a);
	return err;
}

const char *vigil_clair_analysis_namespace(const vigil_clair_analysis *a)
{
	return a->namespace_name;
}

const char *vigil_clair_analysis_format(const vigil_clair_analysis *a)
{
	return a->format ? a->format : "";
}

size_t vigil_clair_analysis_count(const vigil_clair_analysis *a)
{
	return a->n;
}

const vigil_clair_feature *vigil_clair_analysis_feature(const vigil_clair_analysis *a, size_t i)
{
	return i < a->n ? &a->items[i] : NULL;
}

void vigil_clair_analysis_free(vigil_clair_analysis *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		vigil_free((char *)a->items[i].name);
		vigil_free((char *)a->items[i].version);
		vigil_free((char *)a->items[i].namespace_name);
		vigil_free((char *)a->items[i].source_name);
	}
	vigil_free(a->items);
	vigil_free(a->namespace_name);
	vigil_free(a);
}
