/* The Debian and Ubuntu rules (PRODUCT.md, "Debian", "Ubuntu") on records put
 * by hand: source-package matching with the source version (binNMUs, binaries
 * versioned apart from their source), fixed / open / not affected, TEMP- IDs,
 * the JSON export over the tracker lists, the Ubuntu tracker over USN OVAL. */
#include "fixture.h"

#define DEB "debian:12"
#define UBU "ubuntu:22.04"
#define DPKG VIGIL_VERSION_DPKG

static void source_matching(void **state)
{
	vigil_package pkgs[] = {
		/* binNMU: binary 1.2-3+b1 of source 1.2-3 */
		fx_pkg(DPKG, "libfoo1", "1.2-3+b1", "foo", "1.2-3", "amd64"),
		fx_pkg(DPKG, "foo-bin", "1.2-3+b1", "foo", "1.2-3", "amd64"),
		/* a binary versioned apart from its source (gcc-defaults' cpp) */
		fx_pkg(DPKG, "cpp", "4:12.2.0-3", "gcc-defaults", "1.203", "amd64"),
		/* no Source: field: the binary is its own source */
		fx_pkg(DPKG, "bash", "5.2.15-2+b2", NULL, "5.2.15-2", "amd64"),
	};

	(void)state;
	fx_rec("debian", "json", DEB, "foo", "CVE-2024-0001", "1.2-3", NULL); /* = source: fixed */
	fx_rec("debian", "json", DEB, "foo", "CVE-2024-0002", "1.2-3+b2", NULL); /* > source */
	fx_rec("debian", "json", DEB, "foo", "CVE-2024-0003", "1.2-4", NULL);
	fx_rec("debian", "json", DEB, "foo", "TEMP-0000001-ABCDEF", NULL, NULL); /* open */
	fx_rec("debian", "json", DEB, "foo", "CVE-2024-0004", "-", NULL);        /* resolved 0 */
	fx_rec("debian", "json", DEB, "gcc-defaults", "CVE-2024-0005", "1.204", NULL);
	fx_rec("debian", "json", DEB, "cpp", "CVE-2024-0006", "5:0-1", NULL); /* binary name: no */
	fx_rec("debian", "json", DEB, "libfoo1", "CVE-2024-0007", "9", NULL); /* binary name: no */
	fx_rec("debian", "json", DEB, "bash", "CVE-2024-0008", "5.2.15-3", NULL);
	fx_rec("debian", "json", "debian:11", "foo", "CVE-2024-0009", "9",
	       NULL); /* other release */
	fx_severity("debian", "json", DEB, "CVE-2024-0003", VIGIL_SEVERITY_NEGLIGIBLE);

	assert_int_equal(fx_match(DEB, pkgs, 4), 0);
	fx_expect_none("libfoo1", "CVE-2024-0001");
	/* The binary version 1.2-3+b1 is below 1.2-3+b2, but the source version decides. */
	fx_expect("libfoo1", "CVE-2024-0002", "1.2-3+b2");
	fx_expect("libfoo1", "CVE-2024-0003", "1.2-4");
	fx_expect("foo-bin", "CVE-2024-0003", "1.2-4");
	fx_expect("libfoo1", "TEMP-0000001-ABCDEF", NULL);
	fx_expect_none("libfoo1", "CVE-2024-0004");
	fx_expect("cpp", "CVE-2024-0005", "1.204");
	fx_expect_none("cpp", "CVE-2024-0006");
	fx_expect_none("libfoo1", "CVE-2024-0007");
	fx_expect("bash", "CVE-2024-0008", "5.2.15-3");
	fx_expect_none("libfoo1", "CVE-2024-0009");
	assert_int_equal(fx_nfound, 8);
	/* Reported with the binary package's name and installed version. */
	assert_string_equal(fx_get("libfoo1", "CVE-2024-0003")->version, "1.2-3+b1");
	assert_string_equal(fx_get("libfoo1", "CVE-2024-0003")->matched, "foo");
	assert_non_null(strstr(fx_get("libfoo1", "CVE-2024-0003")->reason,
	                       "source foo 1.2-3 < fixed 1.2-4"));
	assert_non_null(strstr(fx_get("libfoo1", "TEMP-0000001-ABCDEF")->reason, "no fix yet"));
	assert_int_equal(fx_get("foo-bin", "CVE-2024-0003")->severity, VIGIL_SEVERITY_NEGLIGIBLE);
}

static void json_wins_over_lists(void **state)
{
	vigil_package pkgs[] = { fx_pkg(DPKG, "libbar", "1.0-3", "bar", NULL, NULL) };

	(void)state;
	/* JSON: fixed in 1.0-2 (installed); DSA list: fixed in 1.0-5. JSON wins. */
	fx_rec("debian", "json", DEB, "bar", "CVE-1", "1.0-2", NULL);
	fx_rec("debian", "DSA/list", DEB, "bar", "CVE-1", "1.0-5", NULL);
	/* JSON: not affected; CVE list: no fix yet. */
	fx_rec("debian", "json", DEB, "bar", "CVE-2", "-", NULL);
	fx_rec("debian", "CVE/list", DEB, "bar", "CVE-2", NULL, NULL);
	/* JSON: open; DLA list: fixed (installed). */
	fx_rec("debian", "json", DEB, "bar", "CVE-3", NULL, NULL);
	fx_rec("debian", "DLA/list", DEB, "bar", "CVE-3", "1.0-1", NULL);
	/* Only the lists: the lowest fix above the installed version among them. */
	fx_rec("debian", "DSA/list", DEB, "bar", "DSA-5000-1", "1.0-7", NULL);
	fx_rec("debian", "DLA/list", DEB, "bar", "DSA-5000-1", "1.0-4", NULL);
	fx_rec("debian", "CVE/list", DEB, "bar", "CVE-4", NULL, NULL);
	/* The lists: the lowest fix decides, not the lowest above the installed version. */
	fx_rec("debian", "DSA/list", DEB, "bar", "CVE-5", "1.0-2", NULL);
	fx_rec("debian", "DLA/list", DEB, "bar", "CVE-5", "1.0-5", NULL);
	/* The lists: a fix beats not-affected, which beats no fix yet. */
	fx_rec("debian", "CVE/list", DEB, "bar", "CVE-6", "-", NULL);
	fx_rec("debian", "DSA/list", DEB, "bar", "CVE-6", "1.0-4", NULL);
	fx_rec("debian", "CVE/list", DEB, "bar", "CVE-7", "-", NULL);
	fx_rec("debian", "DLA/list", DEB, "bar", "CVE-7", NULL, NULL);
	assert_int_equal(fx_match(DEB, pkgs, 1), 0);
	fx_expect_none("libbar", "CVE-1");
	fx_expect_none("libbar", "CVE-2");
	fx_expect("libbar", "CVE-3", NULL);
	fx_expect("libbar", "DSA-5000-1", "1.0-4");
	fx_expect("libbar", "CVE-4", NULL);
	fx_expect_none("libbar", "CVE-5");
	fx_expect("libbar", "CVE-6", "1.0-4");
	fx_expect_none("libbar", "CVE-7");
	assert_int_equal(fx_nfound, 4);
}

static void ubuntu_tracker_over_oval(void **state)
{
	vigil_package pkgs[] = {
		fx_pkg(DPKG, "libssl3", "3.0.2-0ubuntu1.10", "openssl", "3.0.2-0ubuntu1.10", NULL),
		fx_pkg(DPKG, "openssl", "3.0.2-0ubuntu1.10", NULL, NULL, NULL),
		fx_pkg(DPKG, "libzstd1", "1.4.8+dfsg-3build1", "libzstd", "1.4.8+dfsg-3", NULL),
	};

	(void)state;
	/* The tracker (by source) says fixed in 1.12; USN OVAL (by binary) 1.15. */
	fx_rec("ubuntu", "CVE-2023-1/openssl", UBU, "openssl", "CVE-2023-1", "3.0.2-0ubuntu1.12",
	       NULL);
	fx_rec("ubuntu-oval", "usn", UBU, "libssl3", "CVE-2023-1", "3.0.2-0ubuntu1.15", NULL);
	/* Only OVAL knows CVE-2023-2: binary name, binary version. */
	fx_rec("ubuntu-oval", "usn", UBU, "libssl3", "CVE-2023-2", "3.0.2-0ubuntu1.11", NULL);
	fx_rec("ubuntu-oval", "usn", UBU, "libzstd1", "CVE-2023-3", "1.4.8+dfsg-3build2", NULL);
	/* Tracker: needed (no fix) beats an OVAL fix. */
	fx_rec("ubuntu", "CVE-2023-4/openssl", UBU, "openssl", "CVE-2023-4", NULL, NULL);
	fx_rec("ubuntu-oval", "usn", UBU, "libssl3", "CVE-2023-4", "3.0.2-0ubuntu1.13", NULL);
	assert_int_equal(fx_match(UBU, pkgs, 3), 0);
	fx_expect("libssl3", "CVE-2023-1", "3.0.2-0ubuntu1.12");
	fx_expect("openssl", "CVE-2023-1", "3.0.2-0ubuntu1.12");
	fx_expect("libssl3", "CVE-2023-2", "3.0.2-0ubuntu1.11");
	fx_expect_none("openssl", "CVE-2023-2");
	/* 1.4.8+dfsg-3build1 < 3build2 in the binary's own version */
	fx_expect("libzstd1", "CVE-2023-3", "1.4.8+dfsg-3build2");
	fx_expect("libssl3", "CVE-2023-4", NULL);
	fx_expect("openssl", "CVE-2023-4", NULL);
	assert_int_equal(fx_nfound, 6);
	assert_string_equal(fx_get("libssl3", "CVE-2023-1")->feed, "ubuntu");
	assert_string_equal(fx_get("libssl3", "CVE-2023-2")->feed, "ubuntu-oval");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(source_matching, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(json_wins_over_lists, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(ubuntu_tracker_over_oval, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
