/*
 * Unit tests for the writer registry and the shared helpers: format names,
 * unknown formats, write failures, UTF-8 repair, namespaces to OS names,
 * package URLs for dpkg, rpm (epoch as a qualifier) and apk, URL checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "lib/report/writer.h"

static void test_registry(void **state)
{
	vigil_scan_result *r = fixture_clean();
	static const char *const names[] = {
		"table", "json", "sarif", "cyclonedx", "html", "clair"
	};
	FILE *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_true(vigil_report_format_known(names[i]));
		assert_non_null(strstr(vigil_report_formats(), names[i]));
	}
	assert_string_equal(vigil_report_formats(), "clair, cyclonedx, html, json, sarif, table");
	assert_false(vigil_report_format_known("xml"));
	assert_false(vigil_report_format_known(NULL));
	f = tmpfile();
	assert_int_equal(vigil_report_write(f, "xml", r, NULL), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "unknown report format 'xml'"));
	fclose(f);
	/* a stream that cannot be written */
	f = fopen("/dev/full", "w");
	if (f) {
		assert_int_equal(vigil_report_write(f, "cyclonedx", r, NULL), VIGIL_EIO);
		assert_non_null(strstr(vigil_error_last(), "cannot write the cyclonedx report"));
		fclose(f);
	}
	vigil_scan_result_free(r);
}

static void test_utf8(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9b",
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9b" },
		{ "\xff", "\xef\xbf\xbd" },
		{ "a\xc3", "a\xef\xbf\xbd" },                               /* truncated */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },                 /* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = vigil_report__utf8(cases[i].in);
		assert_string_equal(s, cases[i].out);
		vigil_free(s);
	}
	s = vigil_report__utf8(NULL);
	assert_string_equal(s, "");
	vigil_free(s);
}

static void purl_is(const char *ns, const char *name, const char *version, const char *arch,
                    vigil_version_format fmt, const char *want)
{
	struct vigil_report_os os;
	vigil_package p = { name, version, name, version, arch, fmt, NULL };
	vigil_buf b = VIGIL_BUF_INIT;

	vigil_report__os(&os, ns);
	vigil_report__purl(&b, &p, &os);
	assert_string_equal(b.ptr, want);
	vigil_buf_release(&b);
}

static void test_os_and_purl(void **state)
{
	struct vigil_report_os os;

	(void)state;
	vigil_report__os(&os, "alpine:v3.18");
	assert_string_equal(os.id, "alpine");
	assert_string_equal(os.version, "3.18");
	vigil_report__os(&os, "rhel:9");
	assert_string_equal(os.family, "redhat");
	assert_string_equal(os.version, "9");
	vigil_report__os(&os, "ol:8");
	assert_string_equal(os.family, "oracle");
	vigil_report__os(&os, "newos:1");
	assert_string_equal(os.family, "newos");
	vigil_report__os(&os, NULL);
	assert_string_equal(os.id, "");

	purl_is("debian:12", "libc6", "2.36-9+deb12u4", "amd64", VIGIL_VERSION_DPKG,
	        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
	purl_is("ubuntu:22.04", "bash", "5.1-6ubuntu1", "", VIGIL_VERSION_DPKG,
	        "pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=ubuntu-22.04");
	purl_is("rhel:8", "openssl-libs", "1:1.1.1k-7.el8_6", "x86_64", VIGIL_VERSION_RPM,
	        "pkg:rpm/redhat/openssl-libs@1.1.1k-7.el8_6?arch=x86_64&distro=redhat-8&epoch=1");
	purl_is("alpine:v3.10", "musl", "1.1.22-r3", "x86_64", VIGIL_VERSION_APK,
	        "pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10");
	purl_is(NULL, "we/ird name", "1 0", "", VIGIL_VERSION_RPM, "pkg:rpm/we%2Fird%20name@1%200");
}

static void test_urls(void **state)
{
	(void)state;
	assert_true(vigil_report__is_url("https://security-tracker.debian.org/tracker/CVE-2024-1"));
	assert_true(vigil_report__is_url("http://example.com:8080/a?b=c&d=%20#frag"));
	assert_false(vigil_report__is_url("javascript:alert(1)"));
	assert_false(vigil_report__is_url("https://"));
	assert_false(vigil_report__is_url("https://a b"));
	assert_false(vigil_report__is_url("https://x/\"onmouseover=\"alert(1)"));
	assert_false(vigil_report__is_url("https://x/<script>"));
	assert_false(vigil_report__is_url("https://host:port/"));
	assert_false(vigil_report__is_url("https://x/%zz"));
	assert_false(vigil_report__is_url("https://x/\xc3\xa9"));
	assert_false(vigil_report__is_url(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_os_and_purl),
		cmocka_unit_test(test_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
