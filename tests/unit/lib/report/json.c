/*
 * Unit tests for the Trivy-style JSON report: top-level members, the OS
 * result, every Vulnerability field for a fixed finding, omitted members,
 * hostile strings (valid UTF-8, invalid bytes replaced), determinism.
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

static json_t *vuln(json_t *root, size_t i)
{
	json_t *res = json_array_get(json_object_get(root, "Results"), 0);

	return json_array_get(json_object_get(res, "Vulnerabilities"), i);
}

static void test_top(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char *text = fixture_render(r, "json", &opts);
	json_t *root = fixture_json(text), *res, *os;

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(root, "SchemaVersion")), 2);
	assert_null(json_object_get(root, "CreatedAt"));
	assert_string_equal(str(root, "ArtifactName"), vigil_scan_result_image(r));
	assert_string_equal(str(root, "ArtifactType"), "container_image");
	os = json_object_get(json_object_get(root, "Metadata"), "OS");
	assert_string_equal(str(os, "Family"), "alpine");
	assert_string_equal(str(os, "Name"), "3.10");
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(root, "Metadata"), "DiffIDs")), 1);
	/* ImageID as in Trivy's own golden for this archive; RepoTags from its manifest.json */
	assert_string_equal(
	        str(json_object_get(root, "Metadata"), "ImageID"),
	        "sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4");
	assert_string_equal(json_string_value(json_array_get(
	                            json_object_get(json_object_get(root, "Metadata"), "RepoTags"), 0)),
	                    "alpine:3.10");
	res = json_array_get(json_object_get(root, "Results"), 0);
	assert_non_null(strstr(str(res, "Target"), "alpine-310.tar.gz (alpine 3.10)"));
	assert_string_equal(str(res, "Class"), "os-pkgs");
	assert_string_equal(str(res, "Type"), "alpine");
	assert_int_equal(json_array_size(json_object_get(res, "Vulnerabilities")), 4);
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_fixed_finding(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	char *text = fixture_render(r, "json", NULL);
	json_t *root = fixture_json(text), *v = vuln(root, 0), *m, *cvss;

	(void)state;
	/* sorted by package: libcrypto1.1 first */
	assert_string_equal(str(v, "VulnerabilityID"), "CVE-2019-1547");
	assert_string_equal(str(v, "PkgID"), "libcrypto1.1@1.1.1c-r0");
	assert_string_equal(str(v, "PkgName"), "libcrypto1.1");
	assert_string_equal(str(json_object_get(v, "PkgIdentifier"), "PURL"),
	                    "pkg:apk/alpine/libcrypto1.1@1.1.1c-r0?arch=x86_64&distro=alpine-3.10");
	assert_string_equal(str(v, "InstalledVersion"), "1.1.1c-r0");
	assert_string_equal(str(v, "FixedVersion"), "1.1.1d-r0");
	assert_string_equal(str(v, "Status"), "fixed");
	assert_string_equal(
	        str(json_object_get(v, "Layer"), "DiffID"),
	        "sha256:03901b4a2ea88eeaad62dbe59b072b28b6efa00491962b8741081c5df50c65e0");
	assert_null(json_object_get(v, "SeveritySource")); /* empty: omitted */
	assert_string_equal(str(v, "PrimaryURL"),
	                    "https://security.alpinelinux.org/vuln/CVE-2019-1547");
	assert_string_equal(str(v, "Title"), "openssl: side-channel in ECDSA");
	assert_string_equal(str(v, "Severity"), "MEDIUM");
	assert_string_equal(str(v, "ClairSeverity"), "Medium");
	cvss = json_object_get(json_object_get(v, "CVSS"), "nvd");
	assert_true(json_real_value(json_object_get(cvss, "V3Score")) == 9.8);
	assert_int_equal(json_array_size(json_object_get(v, "References")), 1);
	m = json_object_get(v, "VigilMatch");
	assert_string_equal(str(m, "Feed"), "alpine");
	assert_string_equal(str(m, "Namespace"), "alpine:v3.10");
	assert_string_equal(str(m, "MatchedName"), "openssl");
	assert_string_equal(str(m, "Reason"), "installed 1.1.1c-r0 < fixed 1.1.1d-r0");
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_hostile(void **state)
{
	vigil_scan_result *r = fixture_alpine();
	char *text = fixture_render(r, "json", NULL);
	json_t *root = fixture_json(text), *v = vuln(root, 2);

	(void)state;
	assert_string_equal(str(v, "VulnerabilityID"), HOSTILE_ID);
	assert_string_equal(str(v, "Title"), HOSTILE_TITLE);
	assert_string_equal(
	        str(v, "Description"),
	        "bad bytes \xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd( here & <b>bold</b>");
	assert_string_equal(str(v, "SeveritySource"), "nvd\xef\xbf\xbd");
	assert_string_equal(str(v, "Status"), "affected");
	assert_null(json_object_get(v, "FixedVersion"));
	assert_null(json_object_get(v, "CVSS")); /* not JSON: left out */
	assert_string_equal(str(v, "Severity"), "CRITICAL");
	assert_string_equal(str(v, "ClairSeverity"), "Defcon1");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "References"), 1)),
	                    "\xef\xbf\xbd\xef\xbf\xbd");
	/* negligible is LOW on Trivy's scale */
	v = vuln(root, 3);
	assert_string_equal(str(v, "Severity"), "LOW");
	assert_string_equal(str(v, "ClairSeverity"), "Negligible");
	assert_null(json_object_get(v, "Title"));
	assert_null(json_object_get(v, "References"));
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

static void test_created_and_deterministic(void **state)
{
	vigil_scan_result *r = fixture_debian();
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char *a, *b;
	json_t *root, *v;

	(void)state;
	opts.created_at = "2026-01-02T03:04:05Z";
	a = fixture_render(r, "json", &opts);
	b = fixture_render(r, "json", &opts);
	assert_string_equal(a, b);
	root = fixture_json(a);
	assert_string_equal(str(root, "CreatedAt"), "2026-01-02T03:04:05Z");
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(root, "Metadata"), "DiffIDs")), 3);
	v = vuln(root, 0);
	assert_string_equal(str(v, "PkgName"), "libssl3");
	assert_string_equal(str(json_object_get(v, "PkgIdentifier"), "PURL"),
	                    "pkg:deb/debian/libssl3@3.0.22-1~deb12u2?arch=amd64&distro=debian-12");
	assert_string_equal(str(v, "SeveritySource"), "debian");
	assert_string_equal(str(json_array_get(json_object_get(root, "Results"), 0), "Type"),
	                    "debian");
	/* zlib1g's epoch is percent-encoded in the purl */
	v = vuln(root, 2);
	assert_string_equal(str(json_object_get(v, "PkgIdentifier"), "PURL"),
	                    "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12");
	json_decref(root);
	free(a);
	free(b);
	vigil_scan_result_free(r);
}

static void test_clean(void **state)
{
	vigil_scan_result *r = fixture_clean();
	char *text = fixture_render(r, "json", NULL);
	json_t *root = fixture_json(text),
	       *res = json_array_get(json_object_get(root, "Results"), 0);
	const char *target, *image;

	(void)state;
	assert_non_null(res);
	target = str(res, "Target");
	image = vigil_scan_result_image(r);
	assert_memory_equal(target, image, strlen(image));
	assert_string_equal(target + strlen(image), " (debian 12)");
	assert_null(json_object_get(res, "Vulnerabilities"));
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

/*
 * No OS: a result with the bare image as Target and no Type; no DiffIDs, no
 * Layer; a directory is Trivy's "filesystem" artifact with no ImageID or RepoTags.
 */
static void test_rootfs(void **state)
{
	vigil_scan_result *r = fixture_rootfs();
	char *text = fixture_render(r, "json", NULL);
	json_t *root = fixture_json(text), *res, *v;

	(void)state;
	assert_null(json_object_get(json_object_get(root, "Metadata"), "OS"));
	assert_null(json_object_get(json_object_get(root, "Metadata"), "DiffIDs"));
	assert_null(json_object_get(json_object_get(root, "Metadata"), "ImageID"));
	assert_null(json_object_get(json_object_get(root, "Metadata"), "RepoTags"));
	assert_string_equal(str(root, "ArtifactType"), "filesystem");
	res = json_array_get(json_object_get(root, "Results"), 0);
	assert_string_equal(str(res, "Target"), vigil_scan_result_image(r));
	assert_null(json_object_get(res, "Type"));
	v = vuln(root, 0);
	assert_string_equal(str(v, "PkgID"), "gdbm-libs@1:1.19-2.amzn2023.0.2");
	assert_string_equal(str(json_object_get(v, "PkgIdentifier"), "PURL"),
	                    "pkg:rpm/gdbm-libs@1.19-2.amzn2023.0.2?arch=x86_64&epoch=1");
	assert_null(json_object_get(v, "Layer"));
	assert_string_equal(str(v, "Severity"), "LOW");
	json_decref(root);
	free(text);
	vigil_scan_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top),     cmocka_unit_test(test_fixed_finding),
		cmocka_unit_test(test_hostile), cmocka_unit_test(test_created_and_deterministic),
		cmocka_unit_test(test_clean),   cmocka_unit_test(test_rootfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
