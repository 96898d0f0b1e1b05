/* The Alpine rules (PRODUCT.md, "Alpine") on records put by hand: origin
 * matching, apk order, "0" = never affected, lowest fixed version above the
 * installed one, every repository of the branch, one finding per (binary
 * package, ID). */
#include "fixture.h"

#define NS "alpine:v3.18"
#define APK VIGIL_VERSION_APK

static void origin_and_lowest_fix(void **state)
{
	vigil_package pkgs[] = {
		fx_pkg(APK, "libcrypto3", "3.1.2-r0", "openssl", NULL, "x86_64"),
		fx_pkg(APK, "libssl3", "3.1.2-r0", "openssl", NULL, "x86_64"),
		fx_pkg(APK, "openssl", "3.1.2-r0", "openssl", NULL, "x86_64"),
		fx_pkg(APK, "musl", "1.2.4-r1", NULL, NULL, "x86_64"),
	};

	(void)state;
	/* Under several fixed versions: the lowest above the installed one. */
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0001", "3.0.9-r0", NULL);
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0001", "3.1.4-r1", NULL);
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0001", "3.1.3-r0", NULL);
	/* Fixed at or below the installed version: not affected. */
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0002", "3.1.2-r0", NULL);
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0003", "3.1.1-r5", NULL);
	/* "0": never affected, whatever else is listed. */
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0004", "-", NULL);
	fx_rec("alpine", "v3.18/main", NS, "openssl", "CVE-2023-0004", "3.1.4-r0", NULL);
	/* A record under a binary name that is not the origin does not match. */
	fx_rec("alpine", "v3.18/main", NS, "libcrypto3", "CVE-2023-0005", "9-r0", NULL);
	/* No origin: the name is the origin. */
	fx_rec("alpine", "v3.18/main", NS, "musl", "CVE-2023-0006", "1.2.4-r2", NULL);
	/* Another namespace never matches. */
	fx_rec("alpine", "v3.17/main", "alpine:v3.17", "musl", "CVE-2023-0007", "9-r0", NULL);

	assert_int_equal(fx_match(NS, pkgs, 4), 0);
	fx_expect("libcrypto3", "CVE-2023-0001", "3.1.3-r0");
	fx_expect("libssl3", "CVE-2023-0001", "3.1.3-r0");
	fx_expect("openssl", "CVE-2023-0001", "3.1.3-r0");
	fx_expect_none("openssl", "CVE-2023-0002");
	fx_expect_none("openssl", "CVE-2023-0003");
	fx_expect_none("openssl", "CVE-2023-0004");
	fx_expect_none("libcrypto3", "CVE-2023-0005");
	fx_expect("musl", "CVE-2023-0006", "1.2.4-r2");
	fx_expect_none("musl", "CVE-2023-0007");
	assert_int_equal(fx_nfound, 4);
	assert_string_equal(fx_get("libssl3", "CVE-2023-0001")->matched, "openssl");
	assert_string_equal(fx_get("libssl3", "CVE-2023-0001")->feed, "alpine");
	assert_string_equal(fx_get("libssl3", "CVE-2023-0001")->ns, NS);
	assert_non_null(
	        strstr(fx_get("libssl3", "CVE-2023-0001")->reason, "3.1.2-r0 < fixed 3.1.3-r0"));
	assert_int_equal(fx_get("musl", "CVE-2023-0006")->severity, VIGIL_SEVERITY_UNKNOWN);
}

static void apk_order(void **state)
{
	vigil_package pkgs[] = {
		fx_pkg(APK, "a", "2.0_rc1-r0", NULL, NULL, NULL),
		fx_pkg(APK, "b", "2.0_p1-r0", NULL, NULL, NULL),
		fx_pkg(APK, "c", "1.10-r0", NULL, NULL, NULL),
		fx_pkg(APK, "d", "1.2.3a-r0", NULL, NULL, NULL),
	};

	(void)state;
	fx_rec("alpine", "v3.18/main", NS, "a", "CVE-1", "2.0-r0", NULL); /* rc < release */
	fx_rec("alpine", "v3.18/main", NS, "b", "CVE-1", "2.0-r0", NULL); /* p > release */
	fx_rec("alpine", "v3.18/main", NS, "c", "CVE-1", "1.9-r0", NULL); /* 10 > 9 numerically */
	fx_rec("alpine", "v3.18/main", NS, "d", "CVE-1", "1.2.3b-r0", NULL);
	fx_rec("alpine", "v3.18/main", NS, "c", "CVE-2", "1.10-r1", NULL); /* revision */
	assert_int_equal(fx_match(NS, pkgs, 4), 0);
	fx_expect("a", "CVE-1", "2.0-r0");
	fx_expect_none("b", "CVE-1");
	fx_expect_none("c", "CVE-1");
	fx_expect("d", "CVE-1", "1.2.3b-r0");
	fx_expect("c", "CVE-2", "1.10-r1");
	assert_int_equal(fx_nfound, 3);
}

static void repositories_and_one_finding(void **state)
{
	vigil_package pkgs[] = { fx_pkg(APK, "curl", "8.1.0-r0", NULL, NULL, NULL),
		                 fx_pkg(APK, "libcurl", "8.1.0-r0", "curl", NULL, NULL) };

	(void)state;
	/* The same ID from main and community, fixed in different versions. */
	fx_rec("alpine", "v3.18/main", NS, "curl", "CVE-2023-1", "8.1.1-r0", NULL);
	fx_rec("alpine", "v3.18/community", NS, "curl", "CVE-2023-1", "8.1.2-r0", NULL);
	fx_rec("alpine", "v3.18/community", NS, "curl", "CVE-2023-2", "8.2.0-r0", NULL);
	/* A severity supplied for the namespace by the feed's details. */
	fx_severity("alpine", "v3.18/community", NS, "CVE-2023-2", VIGIL_SEVERITY_HIGH);
	assert_int_equal(fx_match(NS, pkgs, 2), 0);
	assert_int_equal(fx_nfound, 4);
	fx_expect("curl", "CVE-2023-1", "8.1.1-r0");
	fx_expect("libcurl", "CVE-2023-1", "8.1.1-r0");
	fx_expect("libcurl", "CVE-2023-2", "8.2.0-r0");
	assert_int_equal(fx_get("libcurl", "CVE-2023-2")->severity, VIGIL_SEVERITY_HIGH);
}

static void no_records_and_other_formats(void **state)
{
	vigil_package pkgs[] = { fx_pkg(APK, "zlib", "1.2.13-r1", NULL, NULL, NULL),
		                 fx_pkg(VIGIL_VERSION_DPKG, "zlib1g", "1.2.13-1", "zlib", NULL,
		                        NULL) };

	(void)state;
	fx_rec("alpine", "v3.18/main", NS, "other", "CVE-9", "1-r0", NULL);
	assert_int_equal(fx_match(NS, pkgs, 2), 0);
	assert_int_equal(fx_nfound, 0);
	/* An empty image matches nothing and does not fail. */
	assert_int_equal(fx_match(NS, pkgs, 0), 0);
	/* A namespace no feed covers has no data; one no family serves is unsupported. */
	assert_int_equal(fx_match("alpine:v3.99", pkgs, 1), VIGIL_ENOTFOUND);
	assert_null(vigil_match_family_for("plan9:4"));
	assert_null(vigil_match_family_for("alpine"));
	assert_string_equal(vigil_match_family_for("alpine:v3.18")->name, "apk");
	assert_int_equal(vigil_match(fx_store, "plan9:4", "plan9:4", NULL, 0, fx_emit, NULL),
	                 VIGIL_EUNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(origin_and_lowest_fix, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(apk_order, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(repositories_and_one_finding, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(no_records_and_other_formats, fx_setup,
		                                fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
