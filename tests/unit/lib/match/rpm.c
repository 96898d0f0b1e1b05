/* The RHEL family's rules (PRODUCT.md, "RHEL family", "Red Hat CSAF VEX") on
 * records put by hand: binary package, EPOCH:VERSION-RELEASE in rpm order (a
 * missing epoch is 0), arch patterns, the lowest fix above the installed
 * version, display without a zero epoch, CSAF over OVAL, and CentOS and the
 * other rebuilds falling back to RHEL's data. */
#include "fixture.h"

#define RPM VIGIL_VERSION_RPM

static void epochs_and_lowest_fix(void **state)
{
	vigil_package pkgs[] = {
		fx_pkg(RPM, "openssl-libs", "1:1.1.1k-7.el8_6", "openssl", "1:1.1.1k-7.el8_6",
		       "x86_64"),
		fx_pkg(RPM, "bash", "4.4.20-4.el8_6", NULL, NULL, "x86_64"),
		fx_pkg(RPM, "tzdata", "2023c-1.el8", NULL, NULL, "noarch"),
	};

	(void)state;
	/* Epoch 1 installed vs fixed without epoch (0): not affected. */
	fx_rec("oval", "rhel-8", "rhel:8", "openssl-libs", "CVE-1", "1.1.1k-9.el8_7", NULL);
	/* Epoch 1 on both: compared on the rest; shown with the epoch. */
	fx_rec("oval", "rhel-8", "rhel:8", "openssl-libs", "CVE-2", "1:1.1.1k-9.el8_7", NULL);
	/* No epoch installed vs "0:" fixed: epoch 0 both; "0:" not shown. */
	fx_rec("oval", "rhel-8", "rhel:8", "bash", "CVE-3", "0:4.4.20-5.el8", NULL);
	/* No epoch installed vs epoch 1 fixed: affected. */
	fx_rec("oval", "rhel-8", "rhel:8", "bash", "CVE-4", "1:4.0-1.el8", NULL);
	/* Several tests of one ID: the lowest above the installed version. */
	fx_rec("oval", "rhel-8", "rhel:8", "bash", "RHSA-2023:0001", "4.4.20-3.el8", NULL);
	fx_rec("oval", "rhel-8", "rhel:8", "bash", "RHSA-2023:0001", "4.4.20-6.el8", NULL);
	fx_rec("oval", "rhel-8", "rhel:8", "bash", "RHSA-2023:0001", "4.4.20-4.el8_6.1", NULL);
	/* The source rpm's name does not match. */
	fx_rec("oval", "rhel-8", "rhel:8", "openssl", "CVE-5", "1:9-1", NULL);
	fx_severity("oval", "rhel-8", "rhel:8", "CVE-3", VIGIL_SEVERITY_MEDIUM);

	assert_int_equal(fx_match("rhel:8", pkgs, 3), 0);
	fx_expect_none("openssl-libs", "CVE-1");
	fx_expect("openssl-libs", "CVE-2", "1:1.1.1k-9.el8_7");
	fx_expect("bash", "CVE-3", "4.4.20-5.el8");
	fx_expect("bash", "CVE-4", "1:4.0-1.el8");
	fx_expect("bash", "RHSA-2023:0001", "4.4.20-4.el8_6.1");
	fx_expect_none("openssl-libs", "CVE-5");
	assert_int_equal(fx_nfound, 4);
	assert_int_equal(fx_get("bash", "CVE-3")->severity, VIGIL_SEVERITY_MEDIUM);
}

static void arch_patterns(void **state)
{
	vigil_package pkgs[] = {
		fx_pkg(RPM, "kernel", "4.18.0-425.el8", NULL, NULL, "x86_64"),
		fx_pkg(RPM, "kernel-doc", "4.18.0-425.el8", NULL, NULL, "noarch"),
		fx_pkg(RPM, "glibc", "2.28-211.el8", NULL, NULL, "i686"),
		fx_pkg(RPM, "gpg-pubkey", "fd431d51-4ae0493b", NULL, NULL, ""),
	};

	(void)state;
	fx_rec("oval", "rhel-8", "rhel:8", "kernel", "CVE-1", "4.18.0-477.el8",
	       "aarch64|ppc64le|s390x|x86_64");
	fx_rec("oval", "rhel-8", "rhel:8", "kernel-doc", "CVE-1", "4.18.0-477.el8",
	       "aarch64|ppc64le|s390x|x86_64");
	fx_rec("oval", "rhel-8", "rhel:8", "kernel-doc", "CVE-2", "4.18.0-477.el8", "noarch");
	fx_rec("oval", "rhel-8", "rhel:8", "glibc", "CVE-3", "2.28-225.el8", "^x86_64$");
	fx_rec("oval", "rhel-8", "rhel:8", "glibc", "CVE-4", "2.28-225.el8", "i686|x86_64");
	fx_rec("oval", "rhel-8", "rhel:8", "glibc", "CVE-5", "2.28-225.el8", NULL);
	/* A package without an arch matches every pattern. */
	fx_rec("oval", "rhel-8", "rhel:8", "gpg-pubkey", "CVE-6", "fd431d51-5", "x86_64");
	assert_int_equal(fx_match("rhel:8", pkgs, 4), 0);
	fx_expect("kernel", "CVE-1", "4.18.0-477.el8");
	fx_expect_none("kernel-doc", "CVE-1");
	fx_expect("kernel-doc", "CVE-2", "4.18.0-477.el8");
	fx_expect_none("glibc", "CVE-3");
	fx_expect("glibc", "CVE-4", "2.28-225.el8");
	fx_expect("glibc", "CVE-5", "2.28-225.el8");
	fx_expect("gpg-pubkey", "CVE-6", "fd431d51-5");
	assert_int_equal(fx_nfound, 5);
}

static void csaf_over_oval_and_statuses(void **state)
{
	vigil_package pkgs[] = { fx_pkg(RPM, "curl", "7.61.1-25.el8", NULL, NULL, "x86_64") };

	(void)state;
	fx_rec("csaf", "cve-2023-1", "rhel:8", "curl", "CVE-2023-1", "-", NULL);
	fx_rec("oval", "rhel-8", "rhel:8", "curl", "CVE-2023-1", "7.61.1-30.el8", NULL);
	fx_rec("csaf", "cve-2023-2", "rhel:8", "curl", "CVE-2023-2", NULL, NULL);
	fx_rec("csaf", "cve-2023-3", "rhel:8", "curl", "CVE-2023-3", "0:7.61.1-33.el8", NULL);
	fx_rec("oval", "rhel-8", "rhel:8", "curl", "CVE-2023-3", "7.61.1-30.el8", NULL);
	fx_rec("oval", "rhel-8", "rhel:8", "curl", "CVE-2023-4", "7.61.1-30.el8", NULL);
	assert_int_equal(fx_match("rhel:8", pkgs, 1), 0);
	fx_expect_none("curl", "CVE-2023-1");
	fx_expect("curl", "CVE-2023-2", NULL);
	fx_expect("curl", "CVE-2023-3", "7.61.1-33.el8");
	fx_expect("curl", "CVE-2023-4", "7.61.1-30.el8");
	assert_int_equal(fx_nfound, 3);
	assert_string_equal(fx_get("curl", "CVE-2023-3")->feed, "csaf");
}

static void rebuilds_fall_back_to_rhel(void **state)
{
	vigil_package pkgs[] = { fx_pkg(RPM, "bash", "4.2.46-34.el7", NULL, NULL, "x86_64") };
	char ns[64];

	(void)state;
	fx_rec("oval", "rhel-7", "rhel:7", "bash", "CVE-7", "4.2.46-35.el7_9", NULL);
	fx_rec("oval", "rocky-9", "rocky:9", "bash", "CVE-9", "9-1", NULL);
	fx_rec("oval", "amzn-2", "amzn:2", "bash", "ALAS-1", "9-1", NULL);
	assert_int_equal(fx_match("centos:7", pkgs, 1), 0);
	fx_expect("bash", "CVE-7", "4.2.46-35.el7_9");
	assert_string_equal(fx_get("bash", "CVE-7")->ns, "rhel:7");
	assert_int_equal(fx_match("ol:7", pkgs, 1), 0);
	fx_expect("bash", "CVE-7", "4.2.46-35.el7_9");
	/* Data of its own: used, not RHEL's. */
	assert_int_equal(fx_match("rocky:9", pkgs, 1), 0);
	fx_expect("bash", "CVE-9", "9-1");
	assert_int_equal(fx_nfound, 1);
	assert_int_equal(vigil_match_data_namespace(fx_store, "rocky:9", ns, sizeof(ns)), 0);
	assert_string_equal(ns, "rocky:9");
	/* No RHEL 8 data: rocky:8 has none. Amazon is not a rebuild. */
	assert_int_equal(fx_match("rocky:8", pkgs, 1), VIGIL_ENOTFOUND);
	assert_int_equal(fx_match("amzn:2023", pkgs, 1), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_match_data_namespace(fx_store, "almalinux:7", ns, sizeof(ns)), 0);
	assert_string_equal(ns, "rhel:7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(epochs_and_lowest_fix, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(arch_patterns, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(csaf_over_oval_and_statuses, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(rebuilds_fall_back_to_rhel, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
