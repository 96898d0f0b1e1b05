/*
 * STUB: deleted when report/ lands.
 *
 * Stands in for the report writers (src/lib/report/, written in parallel)
 * so that `vigil scan` links and its e2e tests run: every format name is
 * accepted and every format writes the same minimal Trivy-shaped JSON,
 * {"SchemaVersion": 2, "ArtifactName", "Results": [{"Target", "Vulnerabilities":
 * [{"VulnerabilityID", "PkgName", "InstalledVersion", "FixedVersion",
 * "Severity"}]}]}, the fields the real json writer also has.
 */
#include "vigil/report.h"
#include "vigil/error.h"

#include <jansson.h>
#include <string.h>

static const char *const names[] = { "table", "json", "sarif", "cyclonedx", "html", "clair" };

int vigil_report_format_known(const char *format)
{
	size_t i;

	for (i = 0; format && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(format, names[i]) == 0)
			return 1;
	return 0;
}

const char *vigil_report_formats(void)
{
	return "table, json, sarif, cyclonedx, html, clair";
}

int vigil_report_write(FILE *out, const char *format, const vigil_scan_result *r,
                       const vigil_report_opts *opts)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);
	const char *ns = vigil_inspection_namespace(in);
	json_t *root, *res, *vulns = json_array();
	size_t i;
	int rc;

	(void)opts;
	if (!vigil_report_format_known(format))
		return vigil_error_set(VIGIL_EINVALID, "unknown report format '%s'", format);
	for (i = 0; i < vigil_scan_result_count(r); i++) {
		const vigil_finding *f = vigil_scan_result_finding(r, i);
		json_t *v = json_object();
		json_object_set_new(v, "VulnerabilityID", json_string(f->id));
		json_object_set_new(v, "PkgName", json_string(f->package->name));
		json_object_set_new(v, "InstalledVersion", json_string(f->package->version));
		if (f->fixed_version[0])
			json_object_set_new(v, "FixedVersion", json_string(f->fixed_version));
		json_object_set_new(v, "Severity", json_string(vigil_severity_trivy(f->severity)));
		json_array_append_new(vulns, v);
	}
	res = json_pack("{s:s,s:o}", "Target", ns ? ns : vigil_scan_result_image(r),
	                "Vulnerabilities", vulns);
	root = json_pack("{s:i,s:s,s:[o]}", "SchemaVersion", 2, "ArtifactName",
	                 vigil_scan_result_image(r), "Results", res);
	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
	return rc == 0 && !ferror(out) ? 0 : vigil_error_set(VIGIL_EIO, "cannot write the report");
}
