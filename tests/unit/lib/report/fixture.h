/*
 * Test fixture for the report writers (header-only, included by each test
 * of tests/unit/lib/report): scan results built on real images from the
 * shared data, inspected with vigil_inspect(), with hand-made findings that
 * point at the images' real packages, some of them hostile (quotes,
 * <script>, newlines, terminal escapes, invalid UTF-8, javascript: links).
 */
#ifndef VIGIL_TEST_REPORT_FIXTURE_H
#define VIGIL_TEST_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vigil/vigil.h"
#include "helpers/tree.h"
#include "lib/scan/result.h"

#define ALPINE_IMAGE "alpine/trivy-integration/testdata/fixtures/images/alpine-310.tar.gz"
#define DEBIAN_IMAGE "/images/debian-bookworm-openssl/debian-bookworm-openssl.docker.tar.zst"

#define HOSTILE_ID "CVE-2099-0001\"<script>alert(1)</script>"
#define HOSTILE_TITLE "Title \"quoted\" <script>alert('x')</script>\nnext line \033[31mred"
#define HOSTILE_DESC "bad bytes \xff\xfe and \xc3\x28 here & <b>bold</b>"
#define CVSS_TEXT                                                                                  \
	"{\"nvd\": {\"V3Vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", "              \
	"\"V3Score\": 9.8, \"V2Vector\": \"AV:N/AC:L/Au:N/C:P/I:P/A:P\", \"V2Score\": 7.5}}"

static inline const vigil_package *fixture_package(const vigil_inspection *in, const char *name)
{
	size_t i;

	for (i = 0; i < vigil_inspection_package_count(in); i++)
		if (strcmp(vigil_inspection_package(in, i)->name, name) == 0)
			return vigil_inspection_package(in, i);
	fprintf(stderr, "fixture: no package '%s'\n", name);
	abort();
}

static inline vigil_scan_result *fixture_open(const char *path)
{
	vigil_inspection *in = NULL;
	struct vigil_scan_result *r = NULL;

	if (vigil_inspect(&in, path, NULL) != 0 || vigil_scan_result__new(&r, path, in) != 0) {
		fprintf(stderr, "fixture: cannot inspect '%s': %s\n", path, vigil_error_last());
		abort();
	}
	return r;
}

static inline void fixture_add(struct vigil_scan_result *r, const vigil_finding *f)
{
	if (vigil_scan_result__add(r, f) != 0)
		abort();
}

/* alpine:v3.10 with four findings on three packages, two of them hostile. */
static inline vigil_scan_result *fixture_alpine(void)
{
	struct vigil_scan_result *r = fixture_open(tree_fixture(ALPINE_IMAGE));
	const vigil_inspection *in = r->inspection;
	static const char *const refs[] = { "https://example.invalid/a?b=1&c=2", "\xff\xfe" };
	vigil_finding f = { 0 };

	f.package = fixture_package(in, "libcrypto1.1");
	f.id = "CVE-2019-1547";
	f.fixed_version = "1.1.1d-r0";
	f.status = VIGIL_FINDING_FIXED;
	f.severity = VIGIL_SEVERITY_MEDIUM;
	f.feed = "alpine";
	f.namespace = "alpine:v3.10";
	f.matched_name = "openssl";
	f.reason = "installed 1.1.1c-r0 < fixed 1.1.1d-r0";
	f.title = "openssl: side-channel in ECDSA";
	f.description = "Normally in OpenSSL EC groups always have a co-factor present.";
	f.link = "https://security.alpinelinux.org/vuln/CVE-2019-1547";
	f.references = refs;
	f.nreferences = 1;
	f.cvss = CVSS_TEXT;
	fixture_add(r, &f);

	f.package = fixture_package(in, "libssl1.1");
	fixture_add(r, &f);

	f.package = fixture_package(in, "musl");
	f.id = HOSTILE_ID;
	f.fixed_version = "";
	f.status = VIGIL_FINDING_AFFECTED;
	f.severity = VIGIL_SEVERITY_DEFCON1;
	f.severity_source = "nvd\xff";
	f.matched_name = "musl";
	f.reason = "no fix yet\n<b>";
	f.title = HOSTILE_TITLE;
	f.description = HOSTILE_DESC;
	f.link = "javascript:alert(1)";
	f.references = refs;
	f.nreferences = 2;
	f.cvss = "{not json";
	fixture_add(r, &f);

	f.id = "CVE-2099-0002";
	f.severity = VIGIL_SEVERITY_NEGLIGIBLE;
	f.title = "";
	f.description = "";
	f.link = "";
	f.references = NULL;
	f.nreferences = 0;
	f.cvss = NULL;
	f.severity_source = "";
	fixture_add(r, &f);

	vigil_scan_result__sort(r);
	return r;
}

/* debian:12 with findings on libssl3 and openssl (one source: openssl) and zlib1g. */
static inline vigil_scan_result *fixture_debian(void)
{
	char path[4096];
	struct vigil_scan_result *r;
	const vigil_inspection *in;
	vigil_finding f = { 0 };

	snprintf(path, sizeof(path), "%s%s", tree_shared(), DEBIAN_IMAGE);
	r = fixture_open(path);
	in = r->inspection;
	f.package = fixture_package(in, "libssl3");
	f.id = "CVE-2024-0727";
	f.fixed_version = "3.0.99-1";
	f.status = VIGIL_FINDING_FIXED;
	f.severity = VIGIL_SEVERITY_HIGH;
	f.severity_source = "debian";
	f.feed = "debian";
	f.namespace = "debian:12";
	f.matched_name = "openssl";
	f.reason = "installed 3.0.22-1~deb12u2 < fixed 3.0.99-1";
	f.title = "openssl: denial of service via null dereference";
	f.description = "Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash.";
	f.link = "https://security-tracker.debian.org/tracker/CVE-2024-0727";
	fixture_add(r, &f);
	f.package = fixture_package(in, "openssl");
	fixture_add(r, &f);
	f.package = fixture_package(in, "zlib1g");
	f.id = "CVE-2023-45853";
	f.fixed_version = "";
	f.status = VIGIL_FINDING_AFFECTED;
	f.severity = VIGIL_SEVERITY_CRITICAL;
	f.matched_name = "zlib";
	f.reason = "no fix yet";
	f.title = "zlib: integer overflow in zipOpenNewFileInZip4_6";
	f.link = "https://security-tracker.debian.org/tracker/CVE-2023-45853";
	fixture_add(r, &f);
	vigil_scan_result__sort(r);
	return r;
}

/*
 * A root filesystem without an OS release file (no namespace, one layer
 * without a diff_id): an rpm finding on gdbm-libs, whose version has an epoch.
 */
static inline vigil_scan_result *fixture_rootfs(void)
{
	char path[4096];
	struct vigil_scan_result *r;
	vigil_finding f = { 0 };

	snprintf(path, sizeof(path), "rootfs:%s", tree_fixture("rpm/amazonlinux2023"));
	r = fixture_open(path);
	f.package = fixture_package(r->inspection, "gdbm-libs");
	f.id = "ALAS2023-2099-001";
	f.fixed_version = "1:1.23-1.amzn2023.0.1";
	f.status = VIGIL_FINDING_FIXED;
	f.severity = VIGIL_SEVERITY_LOW;
	f.feed = "oval";
	f.namespace = "amzn:2023";
	f.matched_name = "gdbm-libs";
	f.reason = "installed 1:1.19-2.amzn2023.0.2 < fixed 1:1.23-1.amzn2023.0.1";
	fixture_add(r, &f);
	vigil_scan_result__sort(r);
	return r;
}

/* The Debian image with no findings. */
static inline vigil_scan_result *fixture_clean(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s", tree_shared(), DEBIAN_IMAGE);
	return fixture_open(path);
}

/* The report of `r` in `format` as a NUL-terminated string (free()). Aborts on error. */
static inline char *fixture_render(const vigil_scan_result *r, const char *format,
                                   const vigil_report_opts *opts)
{
	FILE *f = tmpfile();
	char *text;
	long len;

	if (!f)
		abort();
	if (vigil_report_write(f, format, r, opts) != 0) {
		fprintf(stderr, "fixture: %s report failed: %s\n", format, vigil_error_last());
		abort();
	}
	len = ftell(f);
	text = malloc((size_t)len + 1);
	rewind(f);
	if (len < 0 || !text || fread(text, 1, (size_t)len, f) != (size_t)len)
		abort();
	text[len] = '\0';
	fclose(f);
	return text;
}

/* Parse `text` as JSON (it must be valid UTF-8 and JSON). */
static inline json_t *fixture_json(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);

	if (!j) {
		fprintf(stderr, "fixture: not JSON: %s (line %d)\n", e.text, e.line);
		abort();
	}
	return j;
}

#endif
