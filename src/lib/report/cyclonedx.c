/*
 * CycloneDX 1.5 JSON: the image as metadata.component (type "container"),
 * its OS and every package as components (a package is a "library" with
 * its purl as bom-ref and purl), and one vulnerability per ID whose
 * "affects" point at the bom-refs of the packages it was found in, with a
 * rating on CycloneDX's severity scale (plus CVSS ratings when the feed
 * gave Trivy-style CVSS metadata), the feed as source, advisories from the
 * links and vigil's match explanation as properties.
 */
#include "writer.h"
#include "vigil/alloc.h"
#include "vigil/vigil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CDX_SCHEMA "http://cyclonedx.org/schema/bom-1.5.schema.json"

struct pkgref {
	const vigil_package *p;
	char *ref; /* bom-ref: the purl, "#N" added when two packages share one */
};

struct idref {
	const char *id;
	size_t i;
};

static const char *cdx_severity(vigil_severity s)
{
	static const char *const names[VIGIL_SEVERITY_COUNT] = {
		"unknown", "info", "low", "medium", "high", "critical", "critical",
	};

	return (unsigned)s < VIGIL_SEVERITY_COUNT ? names[s] : names[0];
}

static int by_ref(const void *a, const void *b)
{
	return strcmp(((const struct pkgref *)a)->ref, ((const struct pkgref *)b)->ref);
}

static int by_pointer(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct pkgref *)a)->p;
	uintptr_t y = (uintptr_t)((const struct pkgref *)b)->p;

	return (x > y) - (x < y);
}

static int by_id(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* bom-refs of every package (unique), sorted by package pointer for lookup. */
static struct pkgref *package_refs(const vigil_inspection *in, size_t n,
                                   const struct vigil_report_os *os)
{
	struct pkgref *refs = vigil_calloc(n ? n : 1, sizeof(*refs));
	vigil_buf b = VIGIL_BUF_INIT;
	size_t i, base = 0;

	for (i = 0; i < n; i++) {
		refs[i].p = vigil_inspection_package(in, i);
		vigil_report__purl(&b, refs[i].p, os);
		refs[i].ref = vigil_report__utf8(b.ptr);
		vigil_buf_reset(&b);
	}
	vigil_buf_release(&b);
	if (n > 1)
		qsort(refs, n, sizeof(*refs), by_ref);
	for (i = 1; i < n; i++) {
		if (strcmp(refs[base].ref, refs[i].ref) != 0) {
			base = i;
			continue;
		}
		(void)vigil_buf_printf(&b, "%s#%zu", refs[i].ref, i - base + 1);
		vigil_free(refs[i].ref);
		refs[i].ref = vigil_buf_detach(&b, NULL);
	}
	if (n > 1)
		qsort(refs, n, sizeof(*refs), by_pointer);
	return refs;
}

static const char *ref_of(const struct pkgref *refs, size_t n, const vigil_package *p)
{
	struct pkgref key = { p, NULL };
	const struct pkgref *hit = n ? bsearch(&key, refs, n, sizeof(*refs), by_pointer) : NULL;

	return hit ? hit->ref : "";
}

static json_t *property(const char *name, const char *value)
{
	return json_pack("{s:s,s:o}", "name", name, "value", vigil_report__jstr(value));
}

static json_t *metadata(const vigil_scan_result *r, const vigil_report_opts *opts)
{
	const char *ns = vigil_report__namespace(r);
	json_t *m = json_object(), *image;

	if (opts->created_at)
		json_object_set_new(m, "timestamp", vigil_report__jstr(opts->created_at));
	json_object_set_new(m, "tools",
	                    json_pack("{s:[{s:s,s:s,s:s}]}", "components", "type", "application",
	                              "name", "vigil", "version", vigil_version()));
	image = json_pack("{s:s,s:s,s:o}", "bom-ref", "image", "type", "container", "name",
	                  vigil_report__jstr(vigil_scan_result_image(r)));
	if (ns)
		json_object_set_new(image, "properties",
		                    json_pack("[o]", property("vigil:namespace", ns)));
	json_object_set_new(m, "component", image);
	return m;
}

/* A package: bom-ref, type, name, version, purl (the bom-ref less any "#N"), properties. */
static json_t *package_component(const vigil_package *p, const char *ref)
{
	json_t *c = json_object(), *props = json_array();
	char *purl = vigil_strndup(ref, strcspn(ref, "#"));

	json_object_set_new(c, "bom-ref", vigil_report__jstr(ref));
	json_object_set_new(c, "type", json_string("library"));
	json_object_set_new(c, "name", vigil_report__jstr(p->name));
	json_object_set_new(c, "version", vigil_report__jstr(p->version));
	json_object_set_new(c, "purl", vigil_report__jstr(purl));
	vigil_free(purl);
	if (p->source_name && *p->source_name)
		json_array_append_new(props, property("vigil:source_name", p->source_name));
	if (p->source_version && *p->source_version)
		json_array_append_new(props, property("vigil:source_version", p->source_version));
	if (p->layer)
		json_array_append_new(props, property("vigil:layer_diff_id", p->layer));
	json_array_append_new(
	        props, property("vigil:version_format", vigil_version_format_name(p->format)));
	json_object_set_new(c, "properties", props);
	return c;
}

static json_t *components(const vigil_scan_result *r, const struct pkgref *refs, size_t n,
                          const struct vigil_report_os *os)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);
	json_t *a = json_array();
	size_t i;

	if (os->id[0])
		json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:o}", "bom-ref", "os", "type",
		                                   "operating-system", "name",
		                                   vigil_report__jstr(os->family), "version",
		                                   vigil_report__jstr(os->version)));
	/* in the inspection's order (by name, then version), not the lookup order */
	for (i = 0; i < n; i++) {
		const vigil_package *p = vigil_inspection_package(in, i);
		json_array_append_new(a, package_component(p, ref_of(refs, n, p)));
	}
	return a;
}

/* Trivy-style CVSS metadata {"source": {"V3Vector", "V3Score", "V2Vector", "V2Score"}}. */
static void cvss_ratings(json_t *ratings, const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL, *v;
	const char *source;

	json_object_foreach(json_is_object(j) ? j : NULL, source, v)
	{
		json_t *s3 = json_object_get(v, "V3Score"), *v3 = json_object_get(v, "V3Vector");
		json_t *s2 = json_object_get(v, "V2Score"), *v2 = json_object_get(v, "V2Vector");

		if (json_is_number(s3))
			json_array_append_new(
			        ratings,
			        json_pack("{s:{s:s},s:f,s:s,s:O*}", "source", "name", source,
			                  "score", json_number_value(s3), "method",
			                  json_is_string(v3) && strncmp(json_string_value(v3),
			                                                "CVSS:3.1", 8) == 0
			                          ? "CVSSv31"
			                          : "CVSSv3",
			                  "vector", json_is_string(v3) ? v3 : NULL));
		if (json_is_number(s2))
			json_array_append_new(ratings,
			                      json_pack("{s:{s:s},s:f,s:s,s:O*}", "source", "name",
			                                source, "score", json_number_value(s2),
			                                "method", "CVSSv2", "vector",
			                                json_is_string(v2) ? v2 : NULL));
	}
	json_decref(j);
}

static json_t *ratings(const vigil_finding *f)
{
	json_t *a = json_array();

	json_array_append_new(
	        a, json_pack("{s:{s:o},s:s}", "source", "name",
	                     vigil_report__jstr(*f->severity_source ? f->severity_source : f->feed),
	                     "severity", cdx_severity(f->severity)));
	cvss_ratings(a, f->cvss);
	return a;
}

static void add_advisory(json_t *advisories, const char *url)
{
	size_t i;

	if (!vigil_report__is_url(url))
		return;
	for (i = 0; i < json_array_size(advisories); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(advisories, i), "url")),
		           url) == 0)
			return;
	json_array_append_new(advisories, json_pack("{s:s}", "url", url));
}

/* One vulnerability for the findings ids[0..n) (same ID, result order). */
static json_t *vulnerability(const vigil_scan_result *r, const struct idref *ids, size_t n,
                             const struct pkgref *refs, size_t nrefs)
{
	const vigil_finding *f = vigil_scan_result_finding(r, ids[0].i), *g;
	json_t *v = json_object(), *affects = json_array(), *props = json_array();
	json_t *advisories = json_array(), *source = json_object();
	vigil_buf fix = VIGIL_BUF_INIT, why = VIGIL_BUF_INIT;
	size_t i, k;

	json_object_set_new(v, "id", vigil_report__jstr(f->id));
	json_object_set_new(source, "name", vigil_report__jstr(f->feed));
	if (vigil_report__is_url(f->link))
		json_object_set_new(source, "url", json_string(f->link));
	json_object_set_new(v, "source", source);
	json_object_set_new(v, "ratings", ratings(f));
	if (*f->description || *f->title)
		json_object_set_new(
		        v, "description",
		        vigil_report__jstr(*f->description ? f->description : f->title));
	for (i = 0; i < n; i++) {
		g = vigil_scan_result_finding(r, ids[i].i);
		json_array_append_new(affects,
		                      json_pack("{s:o,s:[{s:o,s:s}]}", "ref",
		                                vigil_report__jstr(ref_of(refs, nrefs, g->package)),
		                                "versions", "version",
		                                vigil_report__jstr(g->package->version), "status",
		                                "affected"));
		if (*g->fixed_version)
			(void)vigil_buf_printf(&fix, "%s%s to %s", fix.len ? ", " : "Upgrade ",
			                       g->package->name, g->fixed_version);
		(void)vigil_buf_printf(&why, "%s@%s: %s %s %s: %s", g->package->name,
		                       g->package->version, g->feed, g->namespace, g->matched_name,
		                       g->reason);
		json_array_append_new(props, property("vigil:match", why.ptr));
		vigil_buf_reset(&why);
		add_advisory(advisories, g->link);
		for (k = 0; k < g->nreferences; k++)
			add_advisory(advisories, g->references[k]);
	}
	if (fix.len)
		json_object_set_new(v, "recommendation", vigil_report__jstr(fix.ptr));
	if (json_array_size(advisories))
		json_object_set_new(v, "advisories", advisories);
	else
		json_decref(advisories);
	json_object_set_new(v, "affects", affects);
	json_object_set_new(v, "properties", props);
	vigil_buf_release(&fix);
	vigil_buf_release(&why);
	return v;
}

static json_t *vulnerabilities(const vigil_scan_result *r, const struct pkgref *refs, size_t nrefs)
{
	size_t i, start, n = vigil_scan_result_count(r);
	struct idref *ids = vigil_calloc(n ? n : 1, sizeof(*ids));
	json_t *a = json_array();

	for (i = 0; i < n; i++) {
		ids[i].id = vigil_scan_result_finding(r, i)->id;
		ids[i].i = i;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), by_id);
	for (start = 0; start < n; start = i) {
		for (i = start + 1; i < n && strcmp(ids[i].id, ids[start].id) == 0; i++)
			;
		json_array_append_new(a, vulnerability(r, ids + start, i - start, refs, nrefs));
	}
	vigil_free(ids);
	return a;
}

static int cyclonedx_write(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);
	size_t i, n = in ? vigil_inspection_package_count(in) : 0;
	struct vigil_report_os os;
	struct pkgref *refs;
	json_t *root = json_object();
	int err;

	vigil_report__result_os(&os, r);
	refs = package_refs(in, n, &os);
	json_object_set_new(root, "$schema", json_string(CDX_SCHEMA));
	json_object_set_new(root, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(root, "specVersion", json_string("1.5"));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "metadata", metadata(r, opts));
	json_object_set_new(root, "components", components(r, refs, n, &os));
	json_object_set_new(root, "vulnerabilities", vulnerabilities(r, refs, n));
	err = vigil_report__dump(out, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	for (i = 0; i < n; i++)
		vigil_free(refs[i].ref);
	vigil_free(refs);
	return err;
}

const struct vigil_report_writer vigil_report_cyclonedx = {
	.name = "cyclonedx",
	.write = cyclonedx_write,
};
