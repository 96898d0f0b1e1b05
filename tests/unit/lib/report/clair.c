/*
 * Unit tests for clair-scanner's report JSON: exact member names and order,
 * dpkg findings as Clair features (source package, one row per feature and
 * vulnerability), severity order, and "unapproved" under the threshold and
 * whitelist semantics of clients.md 1.3.
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

static void test_fields(void **state)
{
	vigil_scan_result *r = fixture_debian();
	char *text = fixture_render(r, "clair", NULL);
	json_t *root = fixture_json(text), *vulns = json_object_get(root, "vulnerabilities"), *v;
	static const char *const keys[] = { "featurename", "featureversion", "vulnerability",
		                            "namespace",   "description",    "link",
		                            "severity",    "fixedby" };
	const char *key;
	json_t *value;
	size_t i = 0;

	(void)state;
	assert_int_equal(json_object_size(root), 3);
	assert_string_equal(str(root, "image"), vigil_scan_result_image(r));
	/* libssl3 and openssl share the source openssl: one row; Critical first */
	assert_int_equal(json_array_size(vulns), 2);
	v = json_array_get(vulns, 0);
	json_object_foreach(v, key, value)
	{
		assert_string_equal(key, keys[i]);
		assert_true(json_is_string(value));
		i++;
	}
	assert_int_equal(i, 8);
	assert_string_equal(str(v, "featurename"), "zlib");
	assert_string_equal(str(v, "featureversion"), "1:1.2.13.dfsg-1");
	assert_string_equal(str(v, "vulnerability"), "CVE-2023-45853");
	assert_string_equal(str(v, "severity"), "Critical");
	assert_string_equal(str(v, "fixedby"), "");
	v = json_array_get(vulns, 1);
	assert_string_equal(str(v, "featurename"), "openssl");
	assert_string_equal(str(v, "featureversion"), "3.0.22-1~deb12u2");
	assert_string_equal(str(v, "namespace"), "debian:12");
	assert_string_equal(str(v, "severity"), "High");
	assert_string_equal(str(v, "fixedby"), "3.0.99-1");
	assert_string_equal(str(v, "link"),
	                    "https://security-tracker.debian.org/tracker/CVE-2024-0727");
	/* default threshold Unknown: nothing approved */
	assert_int_equal(json_array_size(json_object_get(root, "unapproved")), 2);
	/* four-space indent, as clair-scanner writes it */
	assert_non_null(strstr(text, "{\n    \"image\": "));
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_apk_rows_and_approval(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	static const char *const whitelist[] = { HOSTILE_ID };
	char *text;
	json_t *root, *un;

	(void)state;
	/* apk features are binary packages: libcrypto1.1 and libssl1.1 both listed */
	text = fixture_render(r, "clair", NULL);
	root = fixture_json(text);
	assert_int_equal(json_array_size(json_object_get(root, "vulnerabilities")), 4);
	un = json_object_get(root, "unapproved");
	assert_int_equal(json_array_size(un), 4);
	assert_string_equal(json_string_value(json_array_get(un, 0)), HOSTILE_ID);
	assert_string_equal(json_string_value(json_array_get(un, 1)), "CVE-2019-1547");
	assert_string_equal(json_string_value(json_array_get(un, 2)), "CVE-2019-1547");
	json_decref(root);
	free(text);

	/* threshold High approves Medium and Negligible; the whitelist the Defcon1 one */
	opts.threshold = VIGIL_SEVERITY_HIGH;
	opts.approved = whitelist;
	opts.napproved = 1;
	text = fixture_render(r, "clair", &opts);
	root = fixture_json(text);
	assert_int_equal(json_array_size(json_object_get(root, "vulnerabilities")), 4);
	assert_int_equal(json_array_size(json_object_get(root, "unapproved")), 0);
	json_decref(root);
	free(text);

	/* threshold Medium: the two Medium rows stay unapproved */
	opts.threshold = VIGIL_SEVERITY_MEDIUM;
	text = fixture_render(r, "clair", &opts);
	root = fixture_json(text);
	assert_int_equal(json_array_size(json_object_get(root, "unapproved")), 2);
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_clean(void **state)
{
	vigil_scan_result *r = fixture_clean();
	char *text = fixture_render(r, "clair", NULL);
	json_t *root = fixture_json(text);

	(void)state;
	assert_true(json_is_array(json_object_get(root, "unapproved")));
	assert_int_equal(json_array_size(json_object_get(root, "unapproved")), 0);
	assert_int_equal(json_array_size(json_object_get(root, "vulnerabilities")), 0);
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_apk_rows_and_approval),
		cmocka_unit_test(test_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
