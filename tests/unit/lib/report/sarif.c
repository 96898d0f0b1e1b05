/*
 * Unit tests for the SARIF writer: one run, the vigil driver with one rule
 * per vulnerability ID, results pointing at their rule, levels from
 * severity, locations, properties, and no invalid URI from a hostile link.
 * (Schema validation is tests/e2e/report_validate.sh's job.)
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

static json_t *run0(json_t *root)
{
	return json_array_get(json_object_get(root, "runs"), 0);
}

static void test_rules_and_results(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	char *text = fixture_render(r, "sarif", NULL);
	json_t *root = fixture_json(text), *run = run0(root), *driver, *rules, *results, *res,
	       *rule;
	size_t i;

	(void)state;
	assert_string_equal(str(root, "version"), "2.1.0");
	assert_int_equal(json_array_size(json_object_get(root, "runs")), 1);
	driver = json_object_get(json_object_get(run, "tool"), "driver");
	assert_string_equal(str(driver, "name"), "vigil");
	assert_string_equal(str(driver, "version"), vigil_version());
	rules = json_object_get(driver, "rules");
	results = json_object_get(run, "results");
	/* three IDs (CVE-2019-1547 twice), four findings */
	assert_int_equal(json_array_size(rules), 3);
	assert_int_equal(json_array_size(results), 4);
	assert_null(json_object_get(run, "invocations"));
	for (i = 0; i < json_array_size(results); i++) {
		res = json_array_get(results, i);
		rule = json_array_get(
		        rules, (size_t)json_integer_value(json_object_get(res, "ruleIndex")));
		assert_string_equal(str(res, "ruleId"), str(rule, "id"));
	}
	res = json_array_get(results, 0);
	assert_string_equal(str(res, "ruleId"), "CVE-2019-1547");
	assert_string_equal(str(res, "level"), "warning");
	assert_non_null(
	        strstr(str(json_object_get(res, "message"), "text"), "Package: libcrypto1.1\n"));
	assert_string_equal(str(json_object_get(res, "properties"), "ClairSeverity"), "Medium");
	assert_string_equal(str(json_object_get(json_object_get(res, "properties"), "VigilMatch"),
	                        "MatchedName"),
	                    "openssl");
	rule = json_array_get(rules, 0);
	assert_string_equal(str(rule, "helpUri"),
	                    "https://security.alpinelinux.org/vuln/CVE-2019-1547");
	assert_string_equal(str(json_object_get(rule, "properties"), "security-severity"), "5.5");
	/* the Defcon1 finding: level error, its javascript: link is not a helpUri */
	res = json_array_get(results, 2);
	assert_string_equal(str(res, "level"), "error");
	rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(res, "ruleIndex")));
	assert_string_equal(str(rule, "id"), HOSTILE_ID);
	assert_null(json_object_get(rule, "helpUri"));
	/* negligible: note */
	assert_string_equal(str(json_array_get(results, 3), "level"), "note");
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_location(void **state)
{
	vigil_scan_result *r = fixture_debian();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char *text;
	json_t *root, *loc, *logical;
	const char *uri;

	(void)state;
	opts.created_at = "2026-01-02T03:04:05Z";
	text = fixture_render(r, "sarif", &opts);
	root = fixture_json(text);
	loc = json_array_get(
	        json_object_get(json_array_get(json_object_get(run0(root), "results"), 2),
	                        "locations"),
	        0);
	uri = str(json_object_get(json_object_get(loc, "physicalLocation"), "artifactLocation"),
	          "uri");
	assert_non_null(strstr(uri, "/debian-bookworm-openssl.docker.tar.zst"));
	logical = json_array_get(json_object_get(loc, "logicalLocations"), 0);
	assert_string_equal(str(logical, "fullyQualifiedName"), "zlib1g@1:1.2.13.dfsg-1");
	assert_string_equal(str(logical, "kind"), "package");
	assert_string_equal(
	        str(json_array_get(json_object_get(run0(root), "invocations"), 0), "startTimeUtc"),
	        "2026-01-02T03:04:05Z");
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_and_results),
		cmocka_unit_test(test_location),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
