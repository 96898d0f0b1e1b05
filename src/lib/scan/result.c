/*
 * Scan results: building (for the matcher), reading and filtering (for the
 * CLI and the report writers), freeing.
 */
#include "result.h"

#include "../limits.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/version.h"

#include <stdlib.h>
#include <string.h>

int vigil_scan_result__new(struct vigil_scan_result **out, const char *image,
			   vigil_inspection *in)
{
	struct vigil_scan_result *r = vigil_calloc(1, sizeof(*r));

	r->image = vigil_strdup(image);
	r->inspection = in;
	*out = r;
	return 0;
}

static const char *dup0(const char *s)
{
	return vigil_strdup(s ? s : "");
}

int vigil_scan_result__add(struct vigil_scan_result *r, const vigil_finding *f)
{
	vigil_finding *c;
	const char **refs = NULL;
	size_t i;

	if (r->n >= VIGIL_MAX_FINDINGS)
		return vigil_error_set(VIGIL_ETOOBIG, "more than %d findings", VIGIL_MAX_FINDINGS);
	r->findings = vigil_array_grow(r->findings, &r->cap, r->n + 1, sizeof(*r->findings));
	c = &r->findings[r->n++];
	*c = *f;
	c->id = dup0(f->id);
	c->fixed_version = dup0(f->fixed_version);
	c->severity_source = dup0(f->severity_source);
	c->feed = dup0(f->feed);
	c->namespace = dup0(f->namespace);
	c->matched_name = dup0(f->matched_name);
	c->reason = dup0(f->reason);
	c->title = dup0(f->title);
	c->description = dup0(f->description);
	c->link = dup0(f->link);
	c->cvss = f->cvss ? vigil_strdup(f->cvss) : NULL;
	if (f->nreferences) {
		refs = vigil_calloc(f->nreferences, sizeof(*refs));
		for (i = 0; i < f->nreferences; i++)
			refs[i] = dup0(f->references[i]);
	}
	c->references = refs;
	return 0;
}

static int finding_cmp(const void *a, const void *b)
{
	const vigil_finding *x = a, *y = b;
	int c;

	if ((c = strcmp(x->package->name, y->package->name)) != 0)
		return c;
	if ((c = vigil_version_cmp(x->package->format, x->package->version,
				   y->package->version)) != 0)
		return c;
	if ((c = strcmp(x->package->arch, y->package->arch)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

void vigil_scan_result__sort(struct vigil_scan_result *r)
{
	if (r->n > 1)
		qsort(r->findings, r->n, sizeof(*r->findings), finding_cmp);
}

const vigil_inspection *vigil_scan_result_inspection(const vigil_scan_result *r)
{
	return r->inspection;
}

const char *vigil_scan_result_image(const vigil_scan_result *r)
{
	return r->image;
}

size_t vigil_scan_result_count(const vigil_scan_result *r)
{
	return r->n;
}

const vigil_finding *vigil_scan_result_finding(const vigil_scan_result *r, size_t i)
{
	return i < r->n ? &r->findings[i] : NULL;
}

static void finding_release(vigil_finding *f)
{
	size_t i;

	vigil_free((char *)f->id);
	vigil_free((char *)f->fixed_version);
	vigil_free((char *)f->severity_source);
	vigil_free((char *)f->feed);
	vigil_free((char *)f->namespace);
	vigil_free((char *)f->matched_name);
	vigil_free((char *)f->reason);
	vigil_free((char *)f->title);
	vigil_free((char *)f->description);
	vigil_free((char *)f->link);
	vigil_free((char *)f->cvss);
	for (i = 0; i < f->nreferences; i++)
		vigil_free((char *)f->references[i]);
	vigil_free((void *)f->references);
}

static int dropped(const vigil_finding *f, const vigil_scan_filter *flt)
{
	size_t i;

	if (flt->severities && !(flt->severities & (1u << f->severity)))
		return 1;
	if (flt->ignore_unfixed && f->status == VIGIL_FINDING_AFFECTED)
		return 1;
	for (i = 0; i < flt->nignore; i++)
		if (strcmp(flt->ignore[i], f->id) == 0)
			return 1;
	return 0;
}

size_t vigil_scan_result_filter(vigil_scan_result *r, const vigil_scan_filter *flt)
{
	size_t i, j = 0, before = r->n;

	for (i = 0; i < r->n; i++) {
		if (dropped(&r->findings[i], flt))
			finding_release(&r->findings[i]);
		else
			r->findings[j++] = r->findings[i];
	}
	r->n = j;
	return before - j;
}

void vigil_scan_result_free(vigil_scan_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		finding_release(&r->findings[i]);
	vigil_free(r->findings);
	vigil_inspection_free(r->inspection);
	vigil_free(r->image);
	vigil_free(r);
}
