/*
 * clair-scanner's report JSON (spec/clients.md 1.4): {"image", "unapproved",
 * "vulnerabilities": [{featurename, featureversion, vulnerability, namespace,
 * description, link, severity, fixedby}]}, indented by four spaces.
 *
 * Rows are Clair v2 features, as clair-scanner got them from Clair: for dpkg
 * the source package and source version (so libssl3 and openssl give one
 * openssl row per vulnerability), for rpm and apk the package itself. One
 * row per (feature, vulnerability), sorted by severity (Defcon1 first), then
 * feature name and version, then vulnerability. "unapproved" names the rows
 * that are neither below opts->threshold nor whitelisted in opts->approved,
 * in the same order, an ID once per row as clair-scanner does.
 */
#include "writer.h"
#include "vigil/alloc.h"

#include <stdlib.h>
#include <string.h>

struct row {
	const vigil_finding *f;
	const char *name, *version;
};

static void feature_of(struct row *row, const vigil_finding *f)
{
	const vigil_package *p = f->package;

	row->f = f;
	row->name = p->name;
	row->version = p->version;
	if (p->format == VIGIL_VERSION_DPKG && p->source_name && *p->source_name) {
		row->name = p->source_name;
		if (p->source_version && *p->source_version)
			row->version = p->source_version;
	}
}

/* By feature (name, version), then vulnerability. */
static int key_cmp(const struct row *x, const struct row *y)
{
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if ((c = strcmp(x->version, y->version)) != 0)
		return c;
	return strcmp(x->f->id, y->f->id);
}

static int sev_cmp(const struct row *x, const struct row *y)
{
	return x->f->severity == y->f->severity ? 0 : x->f->severity > y->f->severity ? -1 : 1;
}

/* As key_cmp, the most severe first among equal keys (the one kept). */
static int dedup_cmp(const void *a, const void *b)
{
	int c = key_cmp(a, b);

	return c ? c : sev_cmp(a, b);
}

/* By severity, Defcon1 first, then as key_cmp. */
static int row_cmp(const void *a, const void *b)
{
	int c = sev_cmp(a, b);

	return c ? c : key_cmp(a, b);
}

/* Sorted rows with duplicate (feature, vulnerability) pairs dropped; returns how many. */
static size_t collect(struct row *rows, const vigil_scan_result *r)
{
	size_t i, j = 0, n = vigil_scan_result_count(r);

	for (i = 0; i < n; i++)
		feature_of(&rows[i], vigil_scan_result_finding(r, i));
	if (n > 1)
		qsort(rows, n, sizeof(*rows), dedup_cmp);
	for (i = 0; i < n; i++)
		if (!j || key_cmp(&rows[j - 1], &rows[i]) != 0)
			rows[j++] = rows[i];
	if (j > 1)
		qsort(rows, j, sizeof(*rows), row_cmp);
	return j;
}

static int approved(const vigil_finding *f, const vigil_report_opts *opts)
{
	size_t i;

	if (f->severity < opts->threshold)
		return 1;
	for (i = 0; opts->approved && i < opts->napproved; i++)
		if (opts->approved[i] && strcmp(opts->approved[i], f->id) == 0)
			return 1;
	return 0;
}

static json_t *row_json(const struct row *row)
{
	const vigil_finding *f = row->f;
	json_t *o = json_object();

	json_object_set_new(o, "featurename", vigil_report__jstr(row->name));
	json_object_set_new(o, "featureversion", vigil_report__jstr(row->version));
	json_object_set_new(o, "vulnerability", vigil_report__jstr(f->id));
	json_object_set_new(o, "namespace", vigil_report__jstr(f->namespace));
	json_object_set_new(o, "description", vigil_report__jstr(f->description));
	json_object_set_new(o, "link", vigil_report__jstr(f->link));
	json_object_set_new(o, "severity", json_string(vigil_severity_name(f->severity)));
	json_object_set_new(o, "fixedby", vigil_report__jstr(f->fixed_version));
	return o;
}

static int clair_write(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	size_t i, n = vigil_scan_result_count(r);
	struct row *rows = vigil_calloc(n ? n : 1, sizeof(*rows));
	json_t *root = json_object(), *unapproved = json_array(), *vulns = json_array();
	int err;

	n = collect(rows, r);
	for (i = 0; i < n; i++) {
		json_array_append_new(vulns, row_json(&rows[i]));
		if (!approved(rows[i].f, opts))
			json_array_append_new(unapproved, vigil_report__jstr(rows[i].f->id));
	}
	json_object_set_new(root, "image", vigil_report__jstr(vigil_scan_result_image(r)));
	json_object_set_new(root, "unapproved", unapproved);
	json_object_set_new(root, "vulnerabilities", vulns);
	err = vigil_report__dump(out, root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(root);
	vigil_free(rows);
	return err;
}

const struct vigil_report_writer vigil_report_clair = {
	.name = "clair",
	.write = clair_write,
};
