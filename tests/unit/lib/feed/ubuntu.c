/* Unit tests for the Ubuntu feeds: small tracker and USN OVAL inputs written
 * here for every rule of PRODUCT.md ("Ubuntu") and for bad input, probing,
 * the tarball reader, and real files of ../shared (the tracker examples, an
 * OVAL file, the ignored/ tarball). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/feed/feed.h"
#include "lib/store/store.h"
#include "helpers/feedtest.h"

extern const struct vigil_feed vigil_feed_ubuntu;
extern const struct vigil_feed vigil_feed_ubuntu_oval;


static const char small[] = "PublicDateAtUSN: 2020-01-01\n"
                            "Candidate: CVE-2020-1000\n"
                            "PublicDate: 2020-01-01 10:00:00 UTC\n"
                            "References:\n"
                            " https://example.com/1\n"
                            "Description:\n"
                            " First line of the description,\n"
                            " second line.\n"
                            "\n"
                            " A second paragraph.\n"
                            "Ubuntu-Description:\n"
                            "Notes:\n"
                            " someone> a note: with a colon\n"
                            "Priority: medium (wrong-syntax)\n"
                            "\n"
                            "Patches_foo:\n"
                            " upstream: https://example.com/patch\n"
                            "Priority_foo: high\n"
                            "Priority_foo_bionic: low\n"
                            "Priority_foo_trusty/esm: critical\n"
                            "upstream_foo: released (1.0)\n"
                            "precise/esm_foo: released (0.9-1ubuntu0.1~esm1)\n"
                            "trusty_foo: released (0.9-1ubuntu0.1, 0.9-1ubuntu0.2)\n"
                            "xenial_foo: released (1:1.0-1ubuntu1\n"
                            "bionic_foo: released ( 1.0-2ubuntu1 ))\n"
                            "cosmic_foo: released ()\n"
                            "disco_foo: released (was needed)\n"
                            "eoan_foo: needed\n"
                            "focal_foo : pending (1.0-3)\n"
                            "groovy_foo: deferred\n"
                            "hirsute_foo: active (2021-01-01)\n"
                            "devel_foo: needed\n"
                            "\n"
                            "Patches_bar:\n"
                            "#artful_bar: needed\n"
                            "upstream_bar: needs-triage\n"
                            "precise_bar: DNE\n"
                            "trusty_bar: not-affected (code not present)\n"
                            "xenial_bar: ignored (end of life)\n"
                            "bionic_bar: needs-triage\n"
                            "cosmic_bar:\n"
                            "disco_bar: needed\n"
                            "gnarly_bar: needed\n"
                            "vivid/ubuntu-core_bar: needed\n";

static const char oval[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\" "
        "xmlns:linux=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#linux\">\n"
        "<generator><product_name>Canonical USN OVAL Generator</product_name></generator>\n"
        "<definitions>\n"
        " <definition class=\"inventory\" id=\"oval:com.ubuntu.jammy:def:100\">\n"
        "  <metadata><title>Check that Ubuntu 22.04 is installed.</title></metadata>\n"
        "  <criteria><criterion test_ref=\"oval:com.ubuntu.jammy:tst:1\"/></criteria>\n"
        " </definition>\n"
        " <definition class=\"patch\" id=\"oval:com.ubuntu.jammy:def:2\">\n"
        "  <metadata><title>USN-1-1 -- foo vulnerabilities</title>\n"
        "   <reference source=\"USN\" ref_id=\"USN-1-1\"/>\n"
        "   <reference source=\"CVE\" ref_id=\"CVE-2022-1\"/>\n"
        "   <reference source=\"CVE\" ref_id=\"CVE-2022-2\"/>\n"
        "   <description>Foo &amp; friends were fixed.</description>\n"
        "   <advisory><severity>Medium</severity>\n"
        "    <cve priority=\"high\">CVE-2022-1</cve><cve>CVE-2022-2</cve></advisory>\n"
        "  </metadata>\n"
        "  <criteria><extend_definition definition_ref=\"oval:com.ubuntu.jammy:def:100\"/>\n"
        "   <criteria operator=\"OR\"><criterion test_ref=\"oval:com.ubuntu.jammy:tst:10\"/>\n"
        "    <criterion test_ref=\"oval:com.ubuntu.jammy:tst:11\"/>\n"
        "    <criterion test_ref=\"oval:com.ubuntu.jammy:tst:12\"/>\n"
        "    <criterion test_ref=\"oval:com.ubuntu.jammy:tst:13\"/></criteria></criteria>\n"
        " </definition>\n"
        " <definition class=\"patch\" id=\"oval:com.ubuntu.jammy:def:3\">\n"
        "  <metadata><reference source=\"USN\" ref_id=\"USN-2-1\"/>\n"
        "   <advisory><severity>Low</severity></advisory></metadata>\n"
        "  <criteria><criterion test_ref=\"oval:com.ubuntu.jammy:tst:14\"/>"
        "<criterion test_ref=\"oval:com.ubuntu.jammy:tst:99\"/></criteria>\n"
        " </definition>\n"
        "</definitions>\n"
        "<tests>\n"
        " <linux:dpkginfo_test id=\"oval:com.ubuntu.jammy:tst:10\"><linux:object "
        "object_ref=\"o1\"/><linux:state state_ref=\"s1\"/></linux:dpkginfo_test>\n"
        " <linux:dpkginfo_test id=\"oval:com.ubuntu.jammy:tst:11\"><linux:object "
        "object_ref=\"o2\"/><linux:state state_ref=\"s2\"/></linux:dpkginfo_test>\n"
        " <linux:dpkginfo_test id=\"oval:com.ubuntu.jammy:tst:12\"><linux:object "
        "object_ref=\"o2\"/><linux:state state_ref=\"s3\"/></linux:dpkginfo_test>\n"
        " <linux:dpkginfo_test id=\"oval:com.ubuntu.jammy:tst:13\"><linux:object "
        "object_ref=\"nope\"/><linux:state state_ref=\"s1\"/></linux:dpkginfo_test>\n"
        " <linux:dpkginfo_test id=\"oval:com.ubuntu.jammy:tst:14\"><linux:object "
        "object_ref=\"o1\"/><linux:state state_ref=\"s1\"/></linux:dpkginfo_test>\n"
        "</tests>\n"
        "<objects>\n"
        " <linux:dpkginfo_object id=\"o1\"><linux:name var_ref=\"v1\"/></linux:dpkginfo_object>\n"
        " <linux:dpkginfo_object id=\"o2\"><linux:name>libbar1</linux:name>"
        "</linux:dpkginfo_object>\n"
        "</objects>\n"
        "<states>\n"
        " <linux:dpkginfo_state id=\"s1\"><linux:evr datatype=\"debian_evr_string\" "
        "operation=\"less than\">0:1.2-3ubuntu0.1</linux:evr></linux:dpkginfo_state>\n"
        " <linux:dpkginfo_state id=\"s2\"><linux:evr datatype=\"debian_evr_string\" "
        "operation=\"less than\">2:3.0-1</linux:evr></linux:dpkginfo_state>\n"
        " <linux:dpkginfo_state id=\"s3\"><linux:evr datatype=\"debian_evr_string\" "
        "operation=\"equals\">0:9</linux:evr></linux:dpkginfo_state>\n"
        "</states>\n"
        "<variables>\n"
        " <constant_variable id=\"v1\" datatype=\"string\"><value>foo</value>"
        "<value>foo-dev</value></constant_variable>\n"
        "</variables>\n"
        "</oval_definitions>\n";

static int import1(const struct vigil_feed *feed, const char *path)
{
	return feedtest_import(feed, &path, 1, NULL);
}

static int collect(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %d %s %s;", r->vuln, (int)r->status, r->fixed_version,
	                        vigil_severity_name(r->severity));
}

static const char *lookup(const char *ns, const char *pkg)
{
	return feedtest_lookup(ns, pkg, collect);
}

static int details(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s|%s", r->link, r->description);
}

static void check_small(void)
{
	vigil_buf b = VIGIL_BUF_INIT;
	struct vigil_store_status st;

	assert_string_equal(lookup("ubuntu:14.04", "foo"), "CVE-2020-1000 0 0.9-1ubuntu0.1 High;");
	assert_string_equal(lookup("ubuntu:16.04", "foo"), "CVE-2020-1000 0 1:1.0-1ubuntu1 High;");
	assert_string_equal(lookup("ubuntu:18.04", "foo"), "CVE-2020-1000 0 1.0-2ubuntu1 Low;");
	assert_string_equal(lookup("ubuntu:18.10", "foo"), ""); /* released () */
	assert_string_equal(lookup("ubuntu:19.04", "foo"), ""); /* released (was needed) */
	assert_string_equal(lookup("ubuntu:19.10", "foo"), "CVE-2020-1000 1  High;");
	assert_string_equal(lookup("ubuntu:20.04", "foo"), "CVE-2020-1000 1  High;");
	assert_string_equal(lookup("ubuntu:20.10", "foo"), "CVE-2020-1000 1  High;");
	assert_string_equal(lookup("ubuntu:21.04", "foo"), "CVE-2020-1000 1  High;");
	assert_string_equal(lookup("ubuntu:12.04", "foo"), ""); /* only precise/esm */
	assert_string_equal(lookup("ubuntu:19.04", "bar"), "CVE-2020-1000 1  Medium;");
	assert_string_equal(lookup("ubuntu:14.04", "bar"), "");
	assert_string_equal(lookup("ubuntu:17.10", "bar"), ""); /* a comment */
	assert_string_equal(lookup("ubuntu:18.04", "bar"), "");
	assert_int_equal(vigil_store_lookup(feedtest_store, "ubuntu:19.10", "foo", details, &b), 0);
	assert_string_equal(b.ptr, "https://ubuntu.com/security/CVE-2020-1000|"
	                           "First line of the description,\nsecond line.\n\n"
	                           "A second paragraph.");
	vigil_buf_release(&b);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "ubuntu");
	assert_int_equal(st.feeds[0].vulnerabilities, 1);
	assert_int_equal(st.feeds[0].records, 8);
	assert_int_equal(st.feeds[0].nnamespaces, 8);
	assert_string_equal(st.feeds[0].namespaces[0], "ubuntu:14.04");
	vigil_store_status_release(&st);
}

static void test_tracker_rules(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_write_bytes("CVE-2020-1000", small, sizeof(small) - 1);

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_ubuntu, &p, 1, &run), 0);
	assert_int_equal(run.files, 1);
	assert_int_equal(run.records, 8);
	assert_int_equal(run.skipped, 2); /* released (was needed), gnarly_ */
	check_small();
	/* Re-importing replaces: the same counts. */
	assert_int_equal(import1(&vigil_feed_ubuntu, p), 0);
	check_small();
}

/* A new version of the file replaces what the old one said of each package. */
static void test_tracker_replace(void **state)
{
	static const char v1[] = "Candidate: CVE-2021-1\nPriority: low\n"
	                         "bionic_foo: needed\nfocal_foo: needed\n";
	static const char v2[] = "Candidate: CVE-2021-1\nPriority: high\n"
	                         "bionic_foo: released (2.0)\nfocal_foo: not-affected\n";

	(void)state;
	assert_int_equal(import1(&vigil_feed_ubuntu, feedtest_write_bytes("CVE-2021-1", v1, strlen(v1))), 0);
	assert_string_equal(lookup("ubuntu:18.04", "foo"), "CVE-2021-1 1  Low;");
	assert_int_equal(import1(&vigil_feed_ubuntu, feedtest_write_bytes("CVE-2021-1", v2, strlen(v2))), 0);
	assert_string_equal(lookup("ubuntu:18.04", "foo"), "CVE-2021-1 0 2.0 High;");
	assert_string_equal(lookup("ubuntu:20.04", "foo"), "");
}

static void test_tracker_severity(void **state)
{
	static const char f[] = "Candidate: CVE-2021-2\nPriority: untriaged\n"
	                        "Priority_a: negligible\nPriority_b: critical\n"
	                        "Priority_c: bogus\nPriority_d_focal: HIGH\n"
	                        "focal_a: needed\nfocal_b: needed\nfocal_c: needed\n"
	                        "focal_d: needed\nbionic_d: needed\nfocal_e: needed\n";

	(void)state;
	assert_int_equal(import1(&vigil_feed_ubuntu, feedtest_write_bytes("CVE-2021-2", f, strlen(f))), 0);
	assert_string_equal(lookup("ubuntu:20.04", "a"), "CVE-2021-2 1  Negligible;");
	assert_string_equal(lookup("ubuntu:20.04", "b"), "CVE-2021-2 1  Critical;");
	assert_string_equal(lookup("ubuntu:20.04", "c"), "CVE-2021-2 1  Unknown;");
	assert_string_equal(lookup("ubuntu:20.04", "d"), "CVE-2021-2 1  High;");
	assert_string_equal(lookup("ubuntu:18.04", "d"), "CVE-2021-2 1  Unknown;");
	assert_string_equal(lookup("ubuntu:20.04", "e"), "CVE-2021-2 1  Unknown;");
}

static void test_tracker_bad_input(void **state)
{
	static const struct {
		const char *name, *data, *want;
	} bad[] = {
		{ "nocand", "Priority: low\nbionic_foo: needed\n", "no Candidate" },
		{ "emptycand", "Candidate:\nbionic_foo: needed\n", "no Candidate" },
		{ "badcand", "Candidate: CVE-1 x\nbionic_foo: needed\n", "bad Candidate" },
		{ "twocand", "Candidate: CVE-1\nCandidate: CVE-2\n", "line 2: a second Candidate" },
		{ "notfield", "Candidate: CVE-1\nhello world\n", "line 2: not a field" },
		{ "colon", "Candidate: CVE-1\n: x\n", "line 2: not a field" },
		{ "nul", "Candidate: CVE-1\nbionic_foo: needed\n\0\n", "binary data" },
		{ "empty", "", "empty file" },
	};
	const char *p = feedtest_write_bytes("CVE-2020-1000", small, sizeof(small) - 1), *paths[2];
	size_t i, len;

	(void)state;
	assert_int_equal(import1(&vigil_feed_ubuntu, p), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		paths[0] = feedtest_write_bytes("again", small, sizeof(small) - 1);
		len = strcmp(bad[i].name, "nul") == 0 ? 38 : strlen(bad[i].data);
		paths[1] = feedtest_write_bytes(bad[i].name, bad[i].data, len);
		assert_true(feedtest_import(&vigil_feed_ubuntu, paths, 2, NULL) < 0);
		assert_non_null(strstr(vigil_error_last(), bad[i].name));
		if (!strstr(vigil_error_last(), bad[i].want))
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, vigil_error_last(),
			         bad[i].want);
		check_small();
	}
}

static void test_oval(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_write_bytes("com.ubuntu.jammy.usn.oval.xml", oval, sizeof(oval) - 1);
	vigil_buf b = VIGIL_BUF_INIT;
	int known = 0;

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_ubuntu_oval, &p, 1, &run), 0);
	assert_int_equal(run.skipped, 1); /* tst:13 names an unknown object */
	assert_string_equal(lookup("ubuntu:22.04", "foo"),
	                    "CVE-2022-1 0 1.2-3ubuntu0.1 High;CVE-2022-2 0 1.2-3ubuntu0.1 Medium;"
	                    "USN-2-1 0 1.2-3ubuntu0.1 Low;");
	assert_string_equal(lookup("ubuntu:22.04", "foo-dev"),
	                    "CVE-2022-1 0 1.2-3ubuntu0.1 High;CVE-2022-2 0 1.2-3ubuntu0.1 Medium;"
	                    "USN-2-1 0 1.2-3ubuntu0.1 Low;");
	assert_string_equal(lookup("ubuntu:22.04", "libbar1"),
	                    "CVE-2022-1 0 2:3.0-1 High;CVE-2022-2 0 2:3.0-1 Medium;");
	assert_int_equal(vigil_store_lookup(feedtest_store, "ubuntu:22.04", "libbar1", details, &b), 0);
	assert_non_null(strstr(b.ptr, "https://ubuntu.com/security/CVE-2022-1|Foo & friends"));
	vigil_buf_release(&b);
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "ubuntu:22.04", &known), 0);
	assert_int_equal(known, 1);
}

static void test_oval_bad_input(void **state)
{
	static const char norel[] = "<oval_definitions><generator>Canonical USN OVAL"
	                            "</generator><definitions/></oval_definitions>";
	static const char newrel[] = "<oval_definitions><definitions><definition "
	                             "id=\"oval:com.ubuntu.zebra:def:1\"/></definitions>"
	                             "</oval_definitions>";
	struct vigil_feed_run run;
	const char *p;

	(void)state;
	p = feedtest_write_bytes("trunc.xml", oval, 900);
	assert_true(import1(&vigil_feed_ubuntu_oval, p) < 0);
	assert_non_null(strstr(vigil_error_last(), "'"));
	assert_non_null(strstr(vigil_error_last(), "trunc.xml': malformed XML at line"));
	p = feedtest_write_bytes("norel.xml", norel, strlen(norel));
	assert_true(import1(&vigil_feed_ubuntu_oval, p) < 0);
	assert_non_null(strstr(vigil_error_last(), "no Ubuntu release"));
	p = feedtest_write_bytes("newrel.xml", newrel, strlen(newrel));
	assert_int_equal(feedtest_import(&vigil_feed_ubuntu_oval, &p, 1, &run), 0);
	assert_int_equal(run.skipped, 1);
	p = feedtest_write_bytes("garbage.xml", "<<<>>>&&&", 9);
	assert_true(import1(&vigil_feed_ubuntu_oval, p) < 0);
}

static void test_probe(void **state)
{
	static const char boiler[] = "Candidate: \nPublicDate: \nPriority: untriaged\n";

	(void)state;
	assert_true(vigil_feed_probe("x", small, sizeof(small) - 1) == &vigil_feed_ubuntu);
	assert_true(vigil_feed_probe("x", oval, sizeof(oval) - 1) == &vigil_feed_ubuntu_oval);
	assert_null(vigil_feed_probe("x", boiler, sizeof(boiler) - 1));
	assert_null(vigil_feed_probe("x", "{\"Candidate\": 1}", 16));
	/* Red Hat's OVAL is the oval feed's, never Ubuntu's */
	assert_true(vigil_feed_probe("x", "<oval_definitions>rhel</oval_definitions>", 41) !=
		    &vigil_feed_ubuntu_oval);
	assert_true(vigil_feed_find("ubuntu") == &vigil_feed_ubuntu);
	assert_true(vigil_feed_find("ubuntu-oval") == &vigil_feed_ubuntu_oval);
}

static const char *shared(void)
{
	return getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "/work/shared";
}

static void test_real_examples(void **state)
{
	static const char *const names[] = { "active_CVE-2020-9760", "active_CVE-2019-1010022",
		                             "retired_CVE-2014-0160", "retired_CVE-2016-5195",
		                             "retired_CVE-2019-11043" };
	char paths[5][512];
	const char *pp[5];
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(paths[i], sizeof(paths[i]),
		         "%s/vulndata/ubuntu/ubuntu-cve-tracker/examples/%s", shared(), names[i]);
		pp[i] = paths[i];
	}
	if (feedtest_import(&vigil_feed_ubuntu, pp, 5, NULL) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_string_equal(lookup("ubuntu:12.04", "openssl"),
	                    "CVE-2014-0160 0 1.0.1-4ubuntu5.12 High;");
	assert_string_equal(lookup("ubuntu:18.04", "weechat"), "CVE-2020-9760 1  Medium;");
	/* Dirty COW: Priority_linux... per package; linux in xenial is fixed. */
	assert_non_null(strstr(lookup("ubuntu:16.04", "linux"), "CVE-2016-5195 0 "));
}

static void test_real_oval(void **state)
{
	struct vigil_store_status st;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path),
	         "%s/vulndata/ubuntu/usn-oval-normalized/com.ubuntu.oracular.usn.oval.xml.xz",
	         shared());
	if (import1(&vigil_feed_ubuntu_oval, path) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_string_equal(st.feeds[0].name, "ubuntu-oval");
	assert_string_equal(st.feeds[0].namespaces[0], "ubuntu:24.10");
	assert_true(st.feeds[0].records > 100);
	vigil_store_status_release(&st);
	assert_string_equal(lookup("ubuntu:24.10", "cups-browsed"),
	                    "CVE-2024-47176 0 2.0.1-0ubuntu2.1 Medium;");
}

/* The tarball reader: every regular member of ignored.tar.xz, once. */
static void test_archive(void **state)
{
	struct vigil_feed_archive *a = NULL;
	vigil_buf data = VIGIL_BUF_INIT;
	const char *name;
	char path[512], mtime[32];
	size_t members = 0, tracker = 0;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/vulndata/ubuntu/ubuntu-cve-tracker/ignored.tar.xz",
	         shared());
	assert_int_equal(vigil_feed_archive_open(&a, path), 0);
	while ((rc = vigil_feed_archive_next(a, &name, &data, mtime)) == 1) {
		members++;
		assert_int_equal(data.ptr[data.len], '\0');
		assert_true(strncmp(name, "ignored/", 8) == 0);
		assert_int_equal(strlen(mtime), 20);
		if (vigil_feed_ubuntu.probe(name, data.ptr, data.len))
			tracker++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(members, 197);
	assert_int_equal(tracker, 195);
	vigil_feed_archive_close(a);
	/* A truncated copy fails naming the archive. */
	{
		FILE *in = fopen(path, "rb");
		char buf[65536];
		size_t n = fread(buf, 1, sizeof(buf), in);
		const char *cut = feedtest_write_bytes("cut.tar.xz", buf, n);
		fclose(in);
		assert_int_equal(vigil_feed_archive_open(&a, cut), 0);
		while ((rc = vigil_feed_archive_next(a, &name, &data, mtime)) == 1)
			;
		assert_int_equal(rc, VIGIL_EINVALID);
		assert_non_null(strstr(vigil_error_last(), "cut.tar.xz"));
		vigil_feed_archive_close(a);
	}
	assert_int_equal(vigil_feed_archive_open(&a, "/nonexistent/x.tar"), VIGIL_EIO);
	/* Recognised by its decompressed header, checksum included. */
	assert_int_equal(vigil_feed_read(&data, path, VIGIL_FEED_PROBE_SIZE, 0), 0);
	assert_true(vigil_feed_is_archive(data.ptr, data.len));
	data.ptr[0] ^= 1;
	assert_false(vigil_feed_is_archive(data.ptr, data.len));
	memset(path, 'a', sizeof(path));
	memcpy(path + 257, "ustar", 5);
	assert_false(vigil_feed_is_archive(path, sizeof(path)));
	vigil_buf_release(&data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tracker_rules, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_tracker_replace, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_tracker_severity, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_tracker_bad_input, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_oval, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_oval_bad_input, feedtest_setup, feedtest_teardown),
		cmocka_unit_test(test_probe),
		cmocka_unit_test_setup_teardown(test_real_examples, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_real_oval, feedtest_setup, feedtest_teardown),
		cmocka_unit_test(test_archive),
	};
	int rc;

	vigil_log_set_sink(NULL, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	feedtest_cleanup();
	return rc;
}
