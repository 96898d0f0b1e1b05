/*
 * Trivy's JSON report, SchemaVersion 2 (spec/clients.md 6.2), so tools that
 * read Trivy's JSON read ours: one "os-pkgs" result for the image's OS whose
 * Vulnerabilities carry Trivy's fields (Severity on Trivy's scale), plus
 * ClairSeverity (Clair's scale) and VigilMatch (which feed record matched
 * and why). Members that would be empty are left out, as Trivy's omitempty
 * does. Keys come in a fixed order and findings in the result's order, so
 * the same scan always gives the same bytes.
 */
#include "writer.h"
#include "vigil/alloc.h"

#include <string.h>

static void set_str(json_t *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(o, key, vigil_report__jstr(value));
}

static void set_nonempty(json_t *o, const char *key, json_t *v)
{
	if (v && (json_is_object(v) ? json_object_size(v) : json_array_size(v)))
		json_object_set_new(o, key, v);
	else
		json_decref(v);
}

/* The diff_ids, or the repo tags: a JSON array of the n strings get(in, i) gives. */
static json_t *str_array(const vigil_inspection *in, size_t n,
                         const char *(*get)(const vigil_inspection *, size_t))
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		if (get(in, i))
			json_array_append_new(a, vigil_report__jstr(get(in, i)));
	return a;
}

static const char *diff_id(const vigil_inspection *in, size_t i)
{
	return vigil_inspection_layer(in, i)->diff_id;
}

/* Trivy's Metadata: OS, ImageID, DiffIDs, RepoTags (RepoDigests and ImageConfig unknown here). */
static json_t *metadata(const vigil_scan_result *r, const struct vigil_report_os *os)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);
	json_t *m = json_object();

	if (os->id[0])
		json_object_set_new(m, "OS",
		                    json_pack("{s:o,s:o}", "Family", vigil_report__jstr(os->family),
		                              "Name", vigil_report__jstr(os->version)));
	if (!in)
		return m;
	set_str(m, "ImageID", vigil_inspection_image_id(in));
	set_nonempty(m, "DiffIDs", str_array(in, vigil_inspection_layer_count(in), diff_id));
	set_nonempty(m, "RepoTags", str_array(in, vigil_inspection_repo_tag_count(in),
	                                      vigil_inspection_repo_tag));
	return m;
}

/* Trivy's ArtifactType: a root filesystem directory is "filesystem" (trivy rootfs). */
static const char *artifact_type(const vigil_scan_result *r)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);
	const char *src = in ? vigil_inspection_source(in) : NULL;

	return src && strcmp(src, "rootfs") == 0 ? "filesystem" : "container_image";
}

static json_t *layer(const vigil_scan_result *r, const vigil_package *p)
{
	const vigil_layer_info *l = vigil_report__layer(r, p->layer, NULL);
	json_t *o = json_object();

	if (l && l->digest)
		set_str(o, "Digest", l->digest);
	set_str(o, "DiffID", p->layer);
	return o;
}

/* The CVSS metadata as an object, or NULL when absent or not a JSON object. */
static json_t *cvss(const char *text)
{
	json_t *j = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;

	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static json_t *references(const vigil_finding *f)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < f->nreferences; i++)
		if (f->references[i] && *f->references[i])
			json_array_append_new(a, vigil_report__jstr(f->references[i]));
	return a;
}

static json_t *vigil_match(const vigil_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "Feed", vigil_report__jstr(f->feed));
	json_object_set_new(o, "Namespace", vigil_report__jstr(f->namespace));
	json_object_set_new(o, "MatchedName", vigil_report__jstr(f->matched_name));
	json_object_set_new(o, "Reason", vigil_report__jstr(f->reason));
	return o;
}

static json_t *vulnerability(const vigil_scan_result *r, const vigil_finding *f,
                             const struct vigil_report_os *os)
{
	const vigil_package *p = f->package;
	json_t *v = json_object();
	vigil_buf b = VIGIL_BUF_INIT;

	set_str(v, "VulnerabilityID", f->id);
	(void)vigil_buf_printf(&b, "%s@%s", p->name, p->version);
	set_str(v, "PkgID", b.ptr);
	json_object_set_new(v, "PkgName", vigil_report__jstr(p->name));
	vigil_buf_reset(&b);
	vigil_report__purl(&b, p, os);
	json_object_set_new(v, "PkgIdentifier",
	                    json_pack("{s:o}", "PURL", vigil_report__jstr(b.ptr)));
	vigil_buf_release(&b);
	json_object_set_new(v, "InstalledVersion", vigil_report__jstr(p->version));
	set_str(v, "FixedVersion", f->fixed_version);
	json_object_set_new(v, "Status",
	                    json_string(f->status == VIGIL_FINDING_FIXED ? "fixed" : "affected"));
	set_nonempty(v, "Layer", layer(r, p));
	set_str(v, "SeveritySource", f->severity_source);
	set_str(v, "PrimaryURL", f->link);
	set_str(v, "Title", f->title);
	set_str(v, "Description", f->description);
	json_object_set_new(v, "Severity", json_string(vigil_severity_trivy(f->severity)));
	json_object_set_new(v, "ClairSeverity", json_string(vigil_severity_name(f->severity)));
	set_nonempty(v, "CVSS", cvss(f->cvss));
	set_nonempty(v, "References", references(f));
	json_object_set_new(v, "VigilMatch", vigil_match(f));
	return v;
}

static json_t *os_result(const vigil_scan_result *r, const struct vigil_report_os *os)
{
	json_t *res = json_object(), *vulns = json_array();
	vigil_buf target = VIGIL_BUF_INIT;
	size_t i, n = vigil_scan_result_count(r);

	(void)vigil_buf_puts(&target, vigil_scan_result_image(r));
	if (os->id[0])
		(void)vigil_buf_printf(&target, " (%s %s)", os->family, os->version);
	json_object_set_new(res, "Target", vigil_report__jstr(target.ptr));
	vigil_buf_release(&target);
	json_object_set_new(res, "Class", json_string("os-pkgs"));
	set_str(res, "Type", os->family);
	for (i = 0; i < n; i++)
		json_array_append_new(vulns, vulnerability(r, vigil_scan_result_finding(r, i), os));
	set_nonempty(res, "Vulnerabilities", vulns);
	return res;
}

static int json_write(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	struct vigil_report_os os;
	json_t *root = json_object(), *results = json_array();
	int err;

	vigil_report__result_os(&os, r);
	json_object_set_new(root, "SchemaVersion", json_integer(2));
	set_str(root, "CreatedAt", opts->created_at);
	json_object_set_new(root, "ArtifactName", vigil_report__jstr(vigil_scan_result_image(r)));
	json_object_set_new(root, "ArtifactType", json_string(artifact_type(r)));
	json_object_set_new(root, "Metadata", metadata(r, &os));
	/* Trivy gives a result for a detected OS even when clean; none without an OS */
	if (os.id[0] || vigil_scan_result_count(r))
		json_array_append_new(results, os_result(r, &os));
	set_nonempty(root, "Results", results);
	err = vigil_report__dump(out, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return err;
}

const struct vigil_report_writer vigil_report_json = {
	.name = "json",
	.write = json_write,
};
