/*
 * Unit tests for the CycloneDX writer: the image as metadata.component, the
 * OS and every package of the image as components with purls, one
 * vulnerability per ID whose affects point at existing bom-refs, severity
 * mapping, CVSS ratings, advisories only from http(s) links.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The component whose bom-ref is `ref`, or NULL. */
static json_t *component(json_t *root, const char *ref)
{
	json_t *comps = json_object_get(root, "components");
	size_t i;

	for (i = 0; i < json_array_size(comps); i++)
		if (strcmp(str(json_array_get(comps, i), "bom-ref"), ref) == 0)
			return json_array_get(comps, i);
	return NULL;
}

static void test_components(void **state)
{
	vigil_scan_result *r = fixture_debian();
	char *text = fixture_render(r, "cyclonedx", NULL);
	json_t *root = fixture_json(text), *comps = json_object_get(root, "components"), *c;
	size_t npkgs = vigil_inspection_package_count(vigil_scan_result_inspection(r));

	(void)state;
	assert_string_equal(str(root, "bomFormat"), "CycloneDX");
	assert_string_equal(str(root, "specVersion"), "1.5");
	assert_null(json_object_get(json_object_get(root, "metadata"), "timestamp"));
	c = json_object_get(json_object_get(root, "metadata"), "component");
	assert_string_equal(str(c, "type"), "container");
	assert_string_equal(str(c, "name"), vigil_scan_result_image(r));
	assert_int_equal(json_array_size(comps), npkgs + 1);
	c = json_array_get(comps, 0);
	assert_string_equal(str(c, "type"), "operating-system");
	assert_string_equal(str(c, "name"), "debian");
	assert_string_equal(str(c, "version"), "12");
	c = component(root, "pkg:deb/debian/libssl3@3.0.22-1~deb12u2?arch=amd64&distro=debian-12");
	assert_non_null(c);
	assert_string_equal(str(c, "type"), "library");
	assert_string_equal(str(c, "name"), "libssl3");
	assert_string_equal(str(c, "purl"), str(c, "bom-ref"));
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_vulnerabilities(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char *text;
	json_t *root, *vulns, *v, *affects, *ratings;
	size_t i, k;

	(void)state;
	opts.created_at = "2026-01-02T03:04:05Z";
	text = fixture_render(r, "cyclonedx", &opts);
	root = fixture_json(text);
	assert_string_equal(str(json_object_get(root, "metadata"), "timestamp"),
	                    "2026-01-02T03:04:05Z");
	vulns = json_object_get(root, "vulnerabilities");
	assert_int_equal(json_array_size(vulns), 3); /* by ID */
	for (i = 0; i < json_array_size(vulns); i++) {
		affects = json_object_get(json_array_get(vulns, i), "affects");
		for (k = 0; k < json_array_size(affects); k++)
			assert_non_null(component(root, str(json_array_get(affects, k), "ref")));
	}
	v = json_array_get(vulns, 0);
	assert_string_equal(str(v, "id"), "CVE-2019-1547");
	assert_int_equal(json_array_size(json_object_get(v, "affects")), 2);
	assert_string_equal(str(v, "recommendation"),
	                    "Upgrade libcrypto1.1 to 1.1.1d-r0, libssl1.1 to 1.1.1d-r0");
	ratings = json_object_get(v, "ratings");
	assert_int_equal(json_array_size(ratings), 3);
	assert_string_equal(str(json_array_get(ratings, 0), "severity"), "medium");
	assert_string_equal(str(json_array_get(ratings, 1), "method"), "CVSSv31");
	assert_true(json_real_value(json_object_get(json_array_get(ratings, 1), "score")) == 9.8);
	assert_string_equal(str(json_array_get(ratings, 2), "method"), "CVSSv2");
	/* the hostile one: Defcon1 is critical, no advisory from a javascript: link */
	v = json_array_get(vulns, 1);
	assert_string_equal(str(v, "id"), HOSTILE_ID);
	assert_string_equal(str(json_array_get(json_object_get(v, "ratings"), 0), "severity"),
	                    "critical");
	assert_null(json_object_get(json_object_get(v, "source"), "url"));
	assert_int_equal(json_array_size(json_object_get(v, "advisories")), 1);
	assert_string_equal(str(json_array_get(json_object_get(v, "advisories"), 0), "url"),
	                    "https://example.invalid/a?b=1&c=2");
	v = json_array_get(vulns, 2);
	assert_string_equal(str(json_array_get(json_object_get(v, "ratings"), 0), "severity"),
	                    "info");
	assert_null(json_object_get(v, "recommendation"));
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_components),
		cmocka_unit_test(test_vulnerabilities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
