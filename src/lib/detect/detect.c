/*
 * The detector registry (detectors.def) and the package list they fill.
 */
#include "detect.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../limits.h"
#include "../../util/path.h"

#include <stdlib.h>
#include <string.h>

#define VIGIL_DETECTOR(n) extern const struct vigil_detector vigil_detector_##n;
#include "detectors.def"
#undef VIGIL_DETECTOR

static const struct vigil_detector *const detectors[] = {
#define VIGIL_DETECTOR(n) &vigil_detector_##n,
#include "detectors.def"
#undef VIGIL_DETECTOR
};

#define NDETECTORS (sizeof(detectors) / sizeof(detectors[0]))

size_t vigil_detect_count(void)
{
	return NDETECTORS;
}

const struct vigil_detector *vigil_detect_get(size_t i)
{
	return i < NDETECTORS ? detectors[i] : NULL;
}

/* Does the wanted pattern `w` cover `path`? "dir/" covers files directly in dir. */
static int pattern_covers(const char *w, const char *path)
{
	size_t n = strlen(w);

	if (n && w[n - 1] == '/')
		return strncmp(path, w, n) == 0 && path[n] && !strchr(path + n, '/');
	return strcmp(w, path) == 0;
}

int vigil_detect_wants(const char *path)
{
	size_t i;
	const char *const *p;

	for (i = 0; i < NDETECTORS; i++)
		for (p = detectors[i]->paths; p && *p; p++)
			if (pattern_covers(*p, path))
				return 1;
	return 0;
}

int vigil_detect_wants_dir(const char *path)
{
	size_t i, n = strlen(path);
	const char *const *p;

	for (i = 0; i < NDETECTORS; i++)
		for (p = detectors[i]->paths; p && *p; p++)
			if (strncmp(*p, path, n) == 0 && (*p)[n] == '/' )
				return 1;
	return 0;
}

int vigil_detect_os(struct vigil_os *out, const struct vigil_fsview *view)
{
	size_t i;
	int err;

	for (i = 0; i < NDETECTORS; i++) {
		if (!detectors[i]->os)
			continue;
		if ((err = detectors[i]->os(out, view)) < 0)
			return err;
		if (out->name)
			return 0;
	}
	return 0;
}

int vigil_detect_packages(struct vigil_pkglist *out, const struct vigil_fsview *view)
{
	size_t i;
	int err;

	for (i = 0; i < NDETECTORS; i++) {
		if (!detectors[i]->packages)
			continue;
		if ((err = detectors[i]->packages(out, view)) < 0)
			return err;
	}
	return 0;
}

void vigil_os_release(struct vigil_os *os)
{
	vigil_free(os->id);
	vigil_free(os->version);
	vigil_free(os->codename);
	vigil_free(os->name);
	memset(os, 0, sizeof(*os));
}

static char *dup_or(const char *s, const char *dflt)
{
	return vigil_strdup(s ? s : (dflt ? dflt : ""));
}

int vigil_pkglist_add(struct vigil_pkglist *l, vigil_version_format fmt, const char *name,
		      const char *version, const char *source_name, const char *source_version,
		      const char *arch)
{
	vigil_package *p;

	if (l->n >= VIGIL_MAX_PACKAGES)
		return vigil_error_set(VIGIL_ETOOBIG, "more than %d packages", VIGIL_MAX_PACKAGES);
	l->items = vigil_array_grow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	p = &l->items[l->n++];
	p->name = dup_or(name, NULL);
	p->version = dup_or(version, NULL);
	p->source_name = dup_or(source_name && *source_name ? source_name : NULL, name);
	p->source_version =
		dup_or(source_version && *source_version ? source_version : NULL, version);
	p->arch = dup_or(arch, NULL);
	p->format = fmt;
	p->layer = NULL;
	return 0;
}

static int pkg_cmp(const void *a, const void *b)
{
	const vigil_package *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->format == y->format && (c = vigil_version_cmp(x->format, x->version, y->version)))
		return c;
	if ((c = strcmp(x->version, y->version)) != 0)
		return c;
	return strcmp(x->arch, y->arch);
}

void vigil_pkglist_sort(struct vigil_pkglist *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), pkg_cmp);
}

void vigil_pkglist_release(struct vigil_pkglist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		vigil_free((char *)l->items[i].name);
		vigil_free((char *)l->items[i].version);
		vigil_free((char *)l->items[i].source_name);
		vigil_free((char *)l->items[i].source_version);
		vigil_free((char *)l->items[i].arch);
		vigil_free((char *)l->items[i].layer);
	}
	vigil_free(l->items);
	memset(l, 0, sizeof(*l));
}
