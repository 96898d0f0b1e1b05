/* Unit tests for the RHEL-family OVAL feed: small OVAL documents written here
 * for each rule (IDs, severity, arch patterns, epochs, releases, unresolved
 * references), bad input, probing, and the real Rocky 9 file with counts
 * computed here from its text. */
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
#include "lib/limits.h"

extern const struct vigil_feed vigil_feed_oval;


#define HEAD                                                                                       \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"\n"         \
	" xmlns:oval=\"http://oval.mitre.org/XMLSchema/oval-common-5\"\n"                          \
	" xmlns:red-def=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#linux\">\n"           \
	"<generator><oval:product_name>test</oval:product_name></generator>\n"

/* RHEL 9: CVE references + advisory <cve>, advisory-id fallbacks, severities,
 * arch patterns, epochs, unresolved references. */
static const char rhel[] =
        HEAD
        "<definitions>\n"
        "<definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:20240001\" version=\"1\">\n"
        " <metadata><title>RHSA-2024:0001: foo security update (Important)</title>\n"
        "  <reference ref_id=\"RHSA-2024:0001\" ref_url=\"https://rh/RHSA-2024:0001\" "
        "source=\"RHSA\"/>\n"
        "  <reference ref_id=\"CVE-2024-1\" ref_url=\"https://rh/CVE-2024-1\" source=\"CVE\"/>\n"
        "  <description>foo &amp; bar</description>\n"
        "  <advisory from=\"secalert@redhat.com\"><severity>Important</severity>\n"
        "   <cve href=\"https://rh/CVE-2024-2\">CVE-2024-2</cve><cve>CVE-2024-1</cve></advisory>\n"
        " </metadata>\n"
        " <criteria operator=\"OR\">\n"
        "  <criterion test_ref=\"oval:t:tst:must\" comment=\"RHEL must be installed\"/>\n"
        "  <criteria operator=\"AND\">\n"
        "   <criterion test_ref=\"oval:t:tst:rel9\" comment=\"RHEL 9 is installed\"/>\n"
        "   <criteria operator=\"OR\">\n"
        "    <criteria operator=\"AND\">\n"
        "     <criterion test_ref=\"oval:t:tst:foo\" comment=\"foo is earlier than 0:1.2-3.el9\"/>\n"
        "     <criterion test_ref=\"oval:t:tst:foosig\" comment=\"foo is signed\"/>\n"
        "    </criteria>\n"
        "    <criterion test_ref=\"oval:t:tst:libfoo\" comment=\"libfoo earlier than 2:0.9-1\"/>\n"
        "    <criterion test_ref=\"oval:t:tst:noepoch\" comment=\"bar earlier than 3.0-1\"/>\n"
        "    <criterion test_ref=\"oval:t:tst:nowhere\"/>\n"
        "    <criterion test_ref=\"oval:t:tst:nostate\"/>\n"
        "    <criterion test_ref=\"oval:t:tst:noobj\"/>\n"
        "    <criterion test_ref=\"oval:t:tst:installed\" comment=\"foo is installed\"/>\n"
        "    <criterion negate=\"true\" test_ref=\"oval:t:tst:foo\"/>\n"
        "   </criteria>\n"
        "  </criteria>\n"
        " </criteria>\n"
        "</definition>\n"
        "<definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:20240002\" version=\"1\">\n"
        " <metadata><title>RHSA-2024:0002: baz bug fix</title>\n"
        "  <reference ref_id=\"RHSA-2024:0002-00\" ref_url=\"https://rh/RHSA-2024:0002\" "
        "source=\"RHSA\"/>\n"
        "  <advisory><severity>low</severity></advisory>\n"
        " </metadata>\n"
        " <criteria>\n"
        "  <criterion test_ref=\"oval:t:tst:rel9\"/>\n"
        "  <criteria operator=\"OR\">\n"
        "   <criterion test_ref=\"oval:t:tst:baz1\"/>\n"
        "   <criterion test_ref=\"oval:t:tst:baz2\"/>\n"
        "   <criterion test_ref=\"oval:t:tst:baz3\"/>\n"
        "  </criteria>\n"
        " </criteria>\n"
        "</definition>\n"
        "<definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:20240003\" version=\"1\">\n"
        " <metadata><title>RHSA-2024:0003: qux update (Critical)</title>\n"
        "  <advisory><severity>Critical</severity>\n"
        "   <affected_cpe_list><cpe>cpe:/o:redhat:enterprise_linux:9</cpe></affected_cpe_list>\n"
        "  </advisory>\n"
        " </metadata>\n"
        " <criteria><criterion test_ref=\"oval:t:tst:qux\"/></criteria>\n"
        "</definition>\n"
        "<definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:20240004\" version=\"1\">\n"
        " <metadata><title>no id here</title>\n"
        "  <advisory><severity>Moderate</severity></advisory></metadata>\n"
        " <criteria><criterion test_ref=\"oval:t:tst:qux\"/></criteria>\n"
        "</definition>\n"
        "<definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:20240005\" version=\"1\">\n"
        " <metadata><title>RHSA-2024:0005: quux (Moderate)</title>\n"
        "  <reference ref_id=\"CVE-2024-5\" source=\"CVE\"/>\n"
        "  <advisory><severity>Moderate</severity></advisory></metadata>\n"
        " <criteria operator=\"AND\"><criterion test_ref=\"oval:t:tst:rel9\"/>\n"
        "  <criterion test_ref=\"oval:t:tst:qux\"/></criteria>\n"
        "</definition>\n"
        "</definitions>\n"
        "<tests>\n"
        " <red-def:rpmverifyfile_test check=\"none satisfy\" id=\"oval:t:tst:must\" version=\"1\">\n"
        "  <red-def:object object_ref=\"oval:t:obj:file\"/><red-def:state "
        "state_ref=\"oval:t:ste:must\"/></red-def:rpmverifyfile_test>\n"
        " <red-def:rpmverifyfile_test check=\"at least one\" id=\"oval:t:tst:rel9\" version=\"1\">\n"
        "  <red-def:object object_ref=\"oval:t:obj:file\"/><red-def:state "
        "state_ref=\"oval:t:ste:rel9\"/></red-def:rpmverifyfile_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:foo\"><red-def:object object_ref=\"oval:t:obj:foo\"/>"
        "<red-def:state state_ref=\"oval:t:ste:foo\"/></red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:foosig\"><red-def:object "
        "object_ref=\"oval:t:obj:foo\"/><red-def:state state_ref=\"oval:t:ste:sig\"/>"
        "</red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:libfoo\"><red-def:object "
        "object_ref=\"oval:t:obj:libfoo\"/><red-def:state state_ref=\"oval:t:ste:libfoo\"/>"
        "</red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:noepoch\"><red-def:object "
        "object_ref=\"oval:t:obj:bar\"/><red-def:state state_ref=\"oval:t:ste:noepoch\"/>"
        "</red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:nostate\"><red-def:object "
        "object_ref=\"oval:t:obj:foo\"/><red-def:state state_ref=\"oval:t:ste:missing\"/>"
        "</red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:noobj\"><red-def:object "
        "object_ref=\"oval:t:obj:missing\"/><red-def:state state_ref=\"oval:t:ste:foo\"/>"
        "</red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:installed\"><red-def:object "
        "object_ref=\"oval:t:obj:foo\"/></red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:baz1\"><red-def:object object_ref=\"oval:t:obj:baz\"/>"
        "<red-def:state state_ref=\"oval:t:ste:baz1\"/></red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:baz2\"><red-def:object object_ref=\"oval:t:obj:baz\"/>"
        "<red-def:state state_ref=\"oval:t:ste:baz2\"/></red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:baz3\"><red-def:object object_ref=\"oval:t:obj:baz\"/>"
        "<red-def:state state_ref=\"oval:t:ste:baz3\"/></red-def:rpminfo_test>\n"
        " <red-def:rpminfo_test id=\"oval:t:tst:qux\"><red-def:object object_ref=\"oval:t:obj:qux\"/>"
        "<red-def:state state_ref=\"oval:t:ste:noepoch\"/></red-def:rpminfo_test>\n"
        "</tests>\n"
        "<objects>\n"
        " <red-def:rpmverifyfile_object id=\"oval:t:obj:file\"><red-def:filepath>/etc/redhat-release"
        "</red-def:filepath></red-def:rpmverifyfile_object>\n"
        " <red-def:rpminfo_object id=\"oval:t:obj:foo\"><red-def:name>foo</red-def:name>"
        "</red-def:rpminfo_object>\n"
        " <red-def:rpminfo_object id=\"oval:t:obj:libfoo\"><red-def:name> libfoo </red-def:name>"
        "</red-def:rpminfo_object>\n"
        " <red-def:rpminfo_object id=\"oval:t:obj:bar\"><red-def:name>bar</red-def:name>"
        "</red-def:rpminfo_object>\n"
        " <red-def:rpminfo_object id=\"oval:t:obj:baz\"><red-def:name>baz</red-def:name>"
        "</red-def:rpminfo_object>\n"
        " <red-def:rpminfo_object id=\"oval:t:obj:qux\"><red-def:name>qux</red-def:name>"
        "</red-def:rpminfo_object>\n"
        "</objects>\n"
        "<states>\n"
        " <red-def:rpmverifyfile_state id=\"oval:t:ste:must\"><red-def:name operation=\"pattern "
        "match\">^redhat-release</red-def:name></red-def:rpmverifyfile_state>\n"
        " <red-def:rpmverifyfile_state id=\"oval:t:ste:rel9\"><red-def:name operation=\"pattern "
        "match\">^redhat-release</red-def:name><red-def:version operation=\"pattern "
        "match\">^9[^\\d]</red-def:version></red-def:rpmverifyfile_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:foo\"><red-def:arch datatype=\"string\" "
        "operation=\"pattern match\">aarch64|x86_64</red-def:arch><red-def:evr "
        "datatype=\"evr_string\" operation=\"less than\">0:1.2-3.el9</red-def:evr>"
        "</red-def:rpminfo_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:sig\"><red-def:signature_keyid "
        "operation=\"equals\">199e2f91fd431d51</red-def:signature_keyid></red-def:rpminfo_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:libfoo\"><red-def:evr datatype=\"evr_string\" "
        "operation=\"less than\">2:0.9-1.el9</red-def:evr></red-def:rpminfo_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:noepoch\"><red-def:evr datatype=\"evr_string\" "
        "operation=\"less than\">3.0-1.el9</red-def:evr></red-def:rpminfo_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:baz1\"><red-def:arch operation=\"equals\">x86_64"
        "</red-def:arch><red-def:evr operation=\"less than\">0:1.0-2</red-def:evr>"
        "</red-def:rpminfo_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:baz2\"><red-def:arch operation=\"equals\">aarch64"
        "</red-def:arch><red-def:evr operation=\"less than\">0:1.0-2</red-def:evr>"
        "</red-def:rpminfo_state>\n"
        " <red-def:rpminfo_state id=\"oval:t:ste:baz3\"><red-def:evr operation=\"less than\">"
        "0:1.1-1</red-def:evr></red-def:rpminfo_state>\n"
        "</states>\n"
        "</oval_definitions>\n";

/* Oracle's elsa-all shape: one definition for OL7 and OL8, release tests on
 * oraclelinux-release with version patterns "^7", "^8"; the OL8 fix is for
 * aarch64 only ("Oracle Linux arch is aarch64": a state with just an arch). */
static const char oracle[] =
        HEAD
        "<definitions>\n"
        "<definition id=\"oval:com.oracle.elsa:def:20240001\" class=\"patch\">\n"
        " <metadata><title>ELSA-2024-0001:  zed security update (IMPORTANT)</title>\n"
        "  <affected family=\"unix\"><platform>Oracle Linux 7</platform>"
        "<platform>Oracle Linux 8</platform></affected>\n"
        "  <reference source=\"elsa\" ref_id=\"ELSA-2024-0001\" ref_url=\"https://o/ELSA\"/>\n"
        "  <advisory><severity>IMPORTANT</severity></advisory></metadata>\n"
        " <criteria operator=\"OR\">\n"
        "  <criteria operator=\"AND\"><criterion test_ref=\"oval:o:tst:ol7\"/>\n"
        "   <criteria operator=\"AND\"><criterion test_ref=\"oval:o:tst:zed7\"/></criteria>\n"
        "  </criteria>\n"
        "  <criteria operator=\"AND\"><criterion test_ref=\"oval:o:tst:ol8\"/>\n"
        "   <criteria operator=\"AND\"><criterion test_ref=\"oval:o:tst:arm\"/>\n"
        "    <criterion test_ref=\"oval:o:tst:zed8\"/></criteria>\n"
        "  </criteria>\n"
        " </criteria>\n"
        "</definition>\n"
        "</definitions>\n"
        "<tests>\n"
        "<rpminfo_test id=\"oval:o:tst:ol7\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><object object_ref=\"oval:o:obj:rel\"/>"
        "<state state_ref=\"oval:o:ste:v7\"/></rpminfo_test>\n"
        "<rpminfo_test id=\"oval:o:tst:ol8\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><object object_ref=\"oval:o:obj:rel\"/>"
        "<state state_ref=\"oval:o:ste:v8\"/></rpminfo_test>\n"
        "<rpminfo_test id=\"oval:o:tst:arm\" comment=\"Oracle Linux arch is aarch64\" "
        "xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#linux\"><object "
        "object_ref=\"oval:o:obj:rel\"/><state state_ref=\"oval:o:ste:arm\"/></rpminfo_test>\n"
        "<rpminfo_test id=\"oval:o:tst:zed7\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><object object_ref=\"oval:o:obj:zed\"/>"
        "<state state_ref=\"oval:o:ste:zed7\"/></rpminfo_test>\n"
        "<rpminfo_test id=\"oval:o:tst:zed8\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><object object_ref=\"oval:o:obj:zed\"/>"
        "<state state_ref=\"oval:o:ste:zed8\"/></rpminfo_test>\n"
        "</tests>\n"
        "<objects>\n"
        "<rpminfo_object id=\"oval:o:obj:rel\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><name>oraclelinux-release</name></rpminfo_object>\n"
        "<rpminfo_object id=\"oval:o:obj:zed\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><name>zed</name></rpminfo_object>\n"
        "</objects>\n"
        "<states>\n"
        "<rpminfo_state id=\"oval:o:ste:v7\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><version operation=\"pattern match\">^7</version></rpminfo_state>\n"
        "<rpminfo_state id=\"oval:o:ste:v8\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><version operation=\"pattern match\">^8</version></rpminfo_state>\n"
        "<rpminfo_state id=\"oval:o:ste:arm\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><arch operation=\"pattern match\">aarch64</arch></rpminfo_state>\n"
        "<rpminfo_state id=\"oval:o:ste:zed7\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><evr datatype=\"evr_string\" operation=\"less than\">"
        "0:1.0-1.el7</evr></rpminfo_state>\n"
        "<rpminfo_state id=\"oval:o:ste:zed8\" xmlns=\"http://oval.mitre.org/XMLSchema/oval-"
        "definitions-5#linux\"><evr datatype=\"evr_string\" operation=\"less than\">"
        "0:1.0-1.el8</evr></rpminfo_state>\n"
        "</states>\n"
        "</oval_definitions>\n";

static int collect(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %s [%s] %s;", r->vuln, r->fixed_version, r->arch,
	                        vigil_severity_name(r->severity));
}

static const char *lookup(const char *ns, const char *pkg)
{
	return feedtest_lookup(ns, pkg, collect);
}

static void check_rhel(void)
{
	struct vigil_store_status st;
	int known = 0;

	/* CVE references and advisory <cve>s, deduplicated; zero epoch dropped;
	 * the arch pattern kept; Important -> High. */
	assert_string_equal(lookup("rhel:9", "foo"),
	                    "CVE-2024-1 1.2-3.el9 [aarch64|x86_64] High;"
	                    "CVE-2024-2 1.2-3.el9 [aarch64|x86_64] High;");
	assert_string_equal(lookup("rhel:9", "libfoo"),
	                    "CVE-2024-1 2:0.9-1.el9 [] High;CVE-2024-2 2:0.9-1.el9 [] High;");
	assert_string_equal(lookup("rhel:9", "bar"),
	                    "CVE-2024-1 3.0-1.el9 [] High;CVE-2024-2 3.0-1.el9 [] High;");
	/* No CVE: the advisory id ("-00" dropped); several fixed versions all
	 * kept; one fix for two arches merged into one pattern; low -> Low. */
	assert_string_equal(lookup("rhel:9", "baz"),
	                    "RHSA-2024:0002 1.0-2 [^x86_64$|^aarch64$] Low;"
	                    "RHSA-2024:0002 1.1-1 [] Low;");
	/* The title's advisory id; release from the CPE; Moderate -> Medium. */
	assert_string_equal(lookup("rhel:9", "qux"),
	                    "CVE-2024-5 3.0-1.el9 [] Medium;RHSA-2024:0003 3.0-1.el9 [] Critical;");
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "rhel:9", &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "oval");
	assert_int_equal(st.feeds[0].vulnerabilities, 5);
	assert_int_equal(st.feeds[0].records, 9);
	assert_int_equal(st.feeds[0].nnamespaces, 1);
	assert_string_equal(st.feeds[0].namespaces[0], "rhel:9");
	vigil_store_status_release(&st);
}

static void test_rhel_rules(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_write_bytes("rhel.xml", rhel, sizeof(rhel) - 1);

	(void)state;
	if (feedtest_import(&vigil_feed_oval, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	/* foo, libfoo, bar x 2 IDs; baz x 3; qux x 2 definitions */
	assert_int_equal(run.records, 11);
	/* nowhere, nostate, noobj, and the definition without an id */
	assert_int_equal(run.skipped, 4);
	check_rhel();
}

static void test_oracle_releases(void **state)
{
	const char *p = feedtest_write_bytes("ol.xml", oracle, sizeof(oracle) - 1);
	struct vigil_store_status st;

	(void)state;
	if (feedtest_import(&vigil_feed_oval, &p, 1, NULL) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_string_equal(lookup("ol:7", "zed"), "ELSA-2024-0001 1.0-1.el7 [] High;");
	assert_string_equal(lookup("ol:8", "zed"), "ELSA-2024-0001 1.0-1.el8 [aarch64] High;");
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].nnamespaces, 2);
	vigil_store_status_release(&st);
}

/* Each bad input fails with one line naming the file (and the line), and
 * the earlier import stays. */
static void test_bad_input_keeps_data(void **state)
{
	static const struct {
		const char *name, *data, *want;
	} bad[] = {
		{ "trunc.xml", HEAD "<definitions>\n<definition id=\"x\">\n",
		  "malformed XML at line 7" },
		{ "mismatch.xml", HEAD "<definitions>\n</tests>\n</oval_definitions>\n",
		  "malformed XML at line 7: Opening and ending tag mismatch" },
		{ "text.xml", "this is not XML\n", "malformed XML at line 1" },
		{ "binary.xml", "\x01\x02\x03<<>>\xff", "malformed XML at line 1" },
		{ "root.xml", "<?xml version=\"1.0\"?>\n<html><body/></html>\n",
		  "not an OVAL definitions document (root element 'html' at line 2)" },
		{ "dpkg.xml",
		  HEAD "<tests><dpkginfo_test id=\"oval:u:tst:1\"/></tests></oval_definitions>\n",
		  "dpkg (Debian/Ubuntu) OVAL file" },
		{ "empty.xml", "", "empty file" },
	};
	const char *paths[2];
	size_t i;

	(void)state;
	paths[0] = feedtest_write_bytes("good.xml", rhel, sizeof(rhel) - 1);
	assert_int_equal(feedtest_import(&vigil_feed_oval, paths, 1, NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		paths[0] = feedtest_write_bytes("again.xml", rhel, sizeof(rhel) - 1);
		paths[1] = feedtest_write_bytes(bad[i].name, bad[i].data, strlen(bad[i].data));
		assert_true(feedtest_import(&vigil_feed_oval, paths, 2, NULL) < 0);
		assert_non_null(strstr(vigil_error_last(), bad[i].name));
		assert_null(strchr(vigil_error_last(), '\n'));
		if (!strstr(vigil_error_last(), bad[i].want))
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, vigil_error_last(),
			         bad[i].want);
		check_rhel();
	}
}

/* Re-importing a file replaces its unit; a second file adds its own. */
static void test_units(void **state)
{
	const char *p;
	struct vigil_store_status st;

	(void)state;
	p = feedtest_write_bytes("rhel.xml", rhel, sizeof(rhel) - 1);
	assert_int_equal(feedtest_import(&vigil_feed_oval, &p, 1, NULL), 0);
	p = feedtest_write_bytes("rhel.xml", oracle, sizeof(oracle) - 1);
	assert_int_equal(feedtest_import(&vigil_feed_oval, &p, 1, NULL), 0);
	p = feedtest_write_bytes("rhel.xml", rhel, sizeof(rhel) - 1);
	assert_int_equal(feedtest_import(&vigil_feed_oval, &p, 1, NULL), 0);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	/* rhel:9/rhel.xml replaced, ol/rhel.xml kept */
	assert_int_equal(st.feeds[0].records, 9 + 2);
	vigil_store_status_release(&st);
}

static void test_probe(void **state)
{
	static const char ubuntu[] =
	        "<?xml version=\"1.0\"?>\n<oval_definitions xmlns=\"x\"><generator>"
	        "<oval:product_name>Canonical USN OVAL Generator</oval:product_name></generator>"
	        "<definitions><definition id=\"oval:com.ubuntu.noble:def:1\">";
	static const char prefixed[] = "<!-- c --><oval-def:oval_definitions xmlns:oval-def=\"x\">";

	(void)state;
	assert_true(vigil_feed_probe("x", rhel, 4096) == &vigil_feed_oval);
	assert_true(vigil_feed_probe("x", oracle, sizeof(oracle) - 1) == &vigil_feed_oval);
	assert_true(vigil_feed_probe("x", prefixed, sizeof(prefixed) - 1) == &vigil_feed_oval);
	assert_true(vigil_feed_probe("x", ubuntu, sizeof(ubuntu) - 1) != &vigil_feed_oval);
	assert_null(vigil_feed_probe("x", "<html><oval_definitions>", 24));
	assert_null(vigil_feed_probe("x", "<?xml version=\"1.0\"?>", 21));
	assert_null(vigil_feed_probe("x", "<oval_definitionsX>", 19));
	assert_true(vigil_feed_find("oval") == &vigil_feed_oval);
}

/* ---- the real Rocky 9 file ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The quoted values following `attr` in `s`, sorted (caller frees). */
static char **values(const char *s, const char *attr, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;
	const char *p = s, *q;

	*n = 0;
	while ((p = strstr(p, attr)) != NULL) {
		p += strlen(attr);
		q = strchr(p, '"');
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = strndup(p, (size_t)(q - p));
	}
	qsort(v, *n, sizeof(*v), str_cmp);
	return v;
}

static void free_values(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

static void test_real_rocky(void **state)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "/work/shared";
	vigil_buf data = VIGIL_BUF_INIT;
	struct vigil_feed_run run;
	struct vigil_store_status st;
	char path[1024], **defs, **refs, **ids;
	const char *p = path;
	size_t ndefs, nrefs, nids, i, unresolved = 0;

	(void)state;
	snprintf(path, sizeof(path),
	         "%s/vulndata/redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz", shared);
	if (vigil_feed_read(&data, path, (size_t)1 << 30, 1) != 0)
		fail_msg("missing shared data '%s': %s", path, vigil_error_last());
	/* Independent counts from the text: one RLSA id per definition (this
	 * file has no CVE references); test_refs that name no test id. */
	defs = values(data.ptr, "<definition class=\"patch\" id=\"", &ndefs);
	refs = values(data.ptr, "test_ref=\"oval:org.rockylinux.rlsa:tst:", &nrefs);
	ids = values(data.ptr, " id=\"oval:org.rockylinux.rlsa:tst:", &nids);
	for (i = 0; i < nrefs; i++)
		unresolved += !bsearch(&refs[i], ids, nids, sizeof(*ids), str_cmp);
	assert_int_equal(vigil_feed_probe(path, data.ptr, 4096) == &vigil_feed_oval, 1);
	if (feedtest_import(&vigil_feed_oval, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.skipped, unresolved);
	assert_true(unresolved >= 1);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].vulnerabilities, ndefs);
	assert_int_equal(ndefs, 175);
	assert_true(st.feeds[0].records > 2000);
	assert_int_equal(st.feeds[0].nnamespaces, 1);
	assert_string_equal(st.feeds[0].namespaces[0], "rocky:9");
	vigil_store_status_release(&st);
	/* gzip of RLSA-2022:4582: fixed in 1.10-9.el9_0 (tests/e2e checks all counts). */
	assert_non_null(strstr(lookup("rocky:9", "gzip"), "RLSA-2022:4582 "));
	free_values(defs, ndefs);
	free_values(refs, nrefs);
	free_values(ids, nids);
	vigil_buf_release(&data);
}

/* The same inputs read from the disk in 1-byte chunks through libxml2's
 * reader: the same records and messages. */
static void test_streamed_chunks(void **state)
{
	vigil_feed_set_memory_max(0);
	vigil_feed_set_chunk_max(1);
	test_rhel_rules(state);
	feedtest_teardown(state);
	feedtest_setup(state);
	test_bad_input_keeps_data(state);
	vigil_feed_set_chunk_max(0);
	vigil_feed_set_memory_max(VIGIL_FEED_MEMORY_MAX);
}

/* A stream bigger than the framework's memory budget: read twice from the
 * disk, the largest buffer the framework holds for it stays bounded. */
static void test_streamed_big(void **state)
{
	enum { N = 6000 };
	vigil_buf b = VIGIL_BUF_INIT;
	struct vigil_feed_run run;
	struct vigil_store_status st;
	const char *p;
	char *path, want[64];
	size_t i;

	(void)state;
	assert_int_equal(vigil_buf_puts(&b, HEAD "<definitions>\n"), 0);
	for (i = 0; i < N; i++)
		assert_int_equal(
		        vigil_buf_printf(
		                &b,
		                "<definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:%zu\">"
		                "<metadata><title>RHSA-2024:%zu: p%zu update (Low)</title>"
		                "<reference ref_id=\"CVE-2024-%zu\" source=\"CVE\"/>"
		                "<description>%0800d</description></metadata>\n"
		                "<criteria operator=\"AND\"><criterion "
		                "test_ref=\"oval:t:tst:rel9\"/>"
		                "<criterion "
		                "test_ref=\"oval:t:tst:%zu\"/></criteria></definition>\n",
		                i, i, i, i, 0, i),
		        0);
	assert_int_equal(vigil_buf_puts(&b, "</definitions>\n<tests>\n"
	                                    "<red-def:rpminfo_test id=\"oval:t:tst:rel9\">"
	                                    "<red-def:object object_ref=\"oval:t:obj:rel\"/>"
	                                    "<red-def:state state_ref=\"oval:t:ste:rel9\"/>"
	                                    "</red-def:rpminfo_test>\n"),
	                 0);
	for (i = 0; i < N; i++)
		assert_int_equal(vigil_buf_printf(&b,
		                                  "<red-def:rpminfo_test id=\"oval:t:tst:%zu\">"
		                                  "<red-def:object object_ref=\"oval:t:obj:%zu\"/>"
		                                  "<red-def:state state_ref=\"oval:t:ste:%zu\"/>"
		                                  "</red-def:rpminfo_test>\n",
		                                  i, i, i),
		                 0);
	assert_int_equal(vigil_buf_puts(&b, "</tests>\n<objects>\n"
	                                    "<red-def:rpminfo_object id=\"oval:t:obj:rel\">"
	                                    "<red-def:name>redhat-release</red-def:name>"
	                                    "</red-def:rpminfo_object>\n"),
	                 0);
	for (i = 0; i < N; i++)
		assert_int_equal(vigil_buf_printf(&b,
		                                  "<red-def:rpminfo_object id=\"oval:t:obj:%zu\">"
		                                  "<red-def:name>p%zu</red-def:name>"
		                                  "</red-def:rpminfo_object>\n",
		                                  i, i),
		                 0);
	assert_int_equal(vigil_buf_puts(&b, "</objects>\n<states>\n"
	                                    "<red-def:rpminfo_state id=\"oval:t:ste:rel9\">"
	                                    "<red-def:version operation=\"pattern match\">^9"
	                                    "</red-def:version></red-def:rpminfo_state>\n"),
	                 0);
	for (i = 0; i < N; i++)
		assert_int_equal(vigil_buf_printf(&b,
		                                  "<red-def:rpminfo_state id=\"oval:t:ste:%zu\">"
		                                  "<red-def:evr operation=\"less than\">0:1.%zu-1"
		                                  "</red-def:evr></red-def:rpminfo_state>\n",
		                                  i, i),
		                 0);
	assert_int_equal(vigil_buf_puts(&b, "</states>\n</oval_definitions>\n"), 0);
	assert_true(b.len > 4 << 20);
	path = vigil_strdup(feedtest_write_bytes("big.xml", b.ptr, b.len));
	vigil_feed_set_memory_max(1 << 20);
	p = path;
	if (feedtest_import(&vigil_feed_oval, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.records, N);
	assert_true(vigil_feed_peak_buffer() <= 2 << 20);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, N);
	assert_string_equal(st.feeds[0].namespaces[0], "rhel:9");
	vigil_store_status_release(&st);
	assert_string_equal(lookup("rhel:9", "p5999"), "CVE-2024-5999 1.5999-1 [] Unknown;");
	/* Cut in the middle of the tests: the line of the error, data kept. */
	b.len = (size_t)(strstr(b.ptr, "id=\"oval:t:tst:3000\"") - b.ptr);
	feedtest_write_bytes("big.xml", b.ptr, b.len);
	p = path;
	assert_true(feedtest_import(&vigil_feed_oval, &p, 1, NULL) < 0);
	snprintf(want, sizeof(want), "malformed XML at line %d", 10 + 2 * N + 3000);
	if (!strstr(vigil_error_last(), want))
		fail_msg("'%s' lacks '%s'", vigil_error_last(), want);
	assert_string_equal(lookup("rhel:9", "p0"), "CVE-2024-0 1.0-1 [] Unknown;");
	vigil_feed_set_memory_max(VIGIL_FEED_MEMORY_MAX);
	vigil_free(path);
	vigil_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rhel_rules, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_oracle_releases, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_data, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_units, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_probe, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_real_rocky, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_streamed_chunks, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_streamed_big, feedtest_setup, feedtest_teardown),
	};
	int rc;

	vigil_log_set_sink(NULL, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	feedtest_cleanup();
	return rc;
}
