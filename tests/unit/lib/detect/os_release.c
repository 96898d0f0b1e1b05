/*
 * Unit tests for the OS detector: every release-file fixture of the shared
 * data (claircore, grype, trivy, and the package-database trees) gives the
 * namespace, codename and version format listed below, plus hand-made edge
 * cases (symlinks, loops, garbage).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/detect/detect.h"
#include "helpers/tree.h"

extern const struct vigil_detector vigil_detector_os_release;

struct ocase {
	const char *dir;  /* a root filesystem under images/fixtures, or NULL */
	const char *file; /* else one file under images/fixtures ... */
	const char *at;   /* ... placed at this image path */
	const char *name; /* the namespace; NULL: no OS */
	const char *codename;
	vigil_version_format format;
};

/*
 * Expectations: Clair's names (PRODUCT.md "Namespace"): Debian and the RHEL
 * family by major version, Ubuntu/SUSE/Fedora and others by VERSION_ID as
 * written, Alpine "v" + major.minor (a pre-release is "edge"), Amazon Linux 1
 * by YYYY.MM; Debian testing/sid (no VERSION_ID) is debian:unstable.
 */
static const struct ocase cases[] = {
	{ "os-release/claircore/alpine/3.3", NULL, NULL, "alpine:v3.3", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.4", NULL, NULL, "alpine:v3.4", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.5", NULL, NULL, "alpine:v3.5", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.6", NULL, NULL, "alpine:v3.6", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.7", NULL, NULL, "alpine:v3.7", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.8", NULL, NULL, "alpine:v3.8", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.9", NULL, NULL, "alpine:v3.9", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.10", NULL, NULL, "alpine:v3.10", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.11", NULL, NULL, "alpine:v3.11", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.12", NULL, NULL, "alpine:v3.12", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.13", NULL, NULL, "alpine:v3.13", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.14", NULL, NULL, "alpine:v3.14", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.15", NULL, NULL, "alpine:v3.15", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.16", NULL, NULL, "alpine:v3.16", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.17", NULL, NULL, "alpine:v3.17", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/3.18", NULL, NULL, "alpine:v3.18", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/alpine/edge", NULL, NULL, "alpine:edge", NULL, VIGIL_VERSION_APK },
	{ "os-release/claircore/debian/dist/7", NULL, NULL, "debian:7", "wheezy", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/dist/8", NULL, NULL, "debian:8", "jessie", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/dist/9", NULL, NULL, "debian:9", "stretch", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/dist/10", NULL, NULL, "debian:10", "buster", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/dist/11", NULL, NULL, "debian:11", "bullseye", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/dist/12", NULL, NULL, "debian:12", "bookworm", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/distroless_dist/9", NULL, NULL, "debian:9", "stretch", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/distroless_dist/10", NULL, NULL, "debian:10", "buster", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/debian/distroless_dist/11", NULL, NULL, "debian:11", "bullseye", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/rhel/releasefiles/7", NULL, NULL, "rhel:7", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/8", NULL, NULL, "rhel:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/9", NULL, NULL, "rhel:9", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/atomichost-7", NULL, NULL, "rhel:7", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/hummingbird", NULL, NULL, "hummingbird:20251124", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/oracle-6", NULL, NULL, "ol:6", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/oracle-7", NULL, NULL, "ol:7", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/oracle-8", NULL, NULL, "ol:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/rhel/releasefiles/oracle-9", NULL, NULL, "ol:9", NULL, VIGIL_VERSION_RPM },
	{ "os-release/claircore/ubuntu/dist/10.04", NULL, NULL, "ubuntu:10.04", "lucid", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/12.04", NULL, NULL, "ubuntu:12.04", "precise", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/12.10", NULL, NULL, "ubuntu:12.10", "quantal", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/13.04", NULL, NULL, "ubuntu:13.04", "raring", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/13.10", NULL, NULL, "ubuntu:13.10", "saucy", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/14.04", NULL, NULL, "ubuntu:14.04", "trusty", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/14.10", NULL, NULL, "ubuntu:14.10", "utopic", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/15.04", NULL, NULL, "ubuntu:15.04", "vivid", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/15.10", NULL, NULL, "ubuntu:15.10", "wily", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/16.04", NULL, NULL, "ubuntu:16.04", "xenial", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/16.10", NULL, NULL, "ubuntu:16.10", "yakkety", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/17.04", NULL, NULL, "ubuntu:17.04", "zesty", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/17.10", NULL, NULL, "ubuntu:17.10", "artful", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/18.04", NULL, NULL, "ubuntu:18.04", "bionic", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/18.10", NULL, NULL, "ubuntu:18.10", "cosmic", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/19.04", NULL, NULL, "ubuntu:19.04", "disco", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/19.10", NULL, NULL, "ubuntu:19.10", "eoan", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/20.04", NULL, NULL, "ubuntu:20.04", "focal", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/20.10", NULL, NULL, "ubuntu:20.10", "groovy", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/21.04", NULL, NULL, "ubuntu:21.04", "hirsute", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/21.10", NULL, NULL, "ubuntu:21.10", "impish", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/22.04", NULL, NULL, "ubuntu:22.04", "jammy", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/22.10", NULL, NULL, "ubuntu:22.10", "kinetic", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/23.04", NULL, NULL, "ubuntu:23.04", "lunar", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/23.10", NULL, NULL, "ubuntu:23.10", "mantic", VIGIL_VERSION_DPKG },
	{ "os-release/claircore/ubuntu/dist/11", NULL, NULL, "debian:11", "bullseye", VIGIL_VERSION_DPKG },
	{ "os-release/grype/os/almalinux", NULL, NULL, "almalinux:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/alpine-edge", NULL, NULL, "alpine:edge", NULL, VIGIL_VERSION_APK },
	{ "os-release/grype/os/alpine", NULL, NULL, "alpine:v3.11", NULL, VIGIL_VERSION_APK },
	{ "os-release/grype/os/amazon", NULL, NULL, "amzn:2", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/arch", NULL, NULL, NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/os/azurelinux", NULL, NULL, "azurelinux:3.0", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/centos", NULL, NULL, "centos:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/centos5", NULL, NULL, "centos:5", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/centos6", NULL, NULL, "centos:6", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/chainguard", NULL, NULL, "chainguard:20230214", NULL, VIGIL_VERSION_APK },
	{ "os-release/grype/os/custom", NULL, NULL, "scientific:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/debian-sid", NULL, NULL, "debian:unstable", "trixie", VIGIL_VERSION_DPKG },
	{ "os-release/grype/os/debian", NULL, NULL, "debian:8", "jessie", VIGIL_VERSION_DPKG },
	{ "os-release/grype/os/echo", NULL, NULL, "echo:1", NULL, VIGIL_VERSION_DPKG },
	{ "os-release/grype/os/empty", NULL, NULL, NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/os/fedora", NULL, NULL, "fedora:31", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/gentoo", NULL, NULL, NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/os/hummingbird", NULL, NULL, "hummingbird:20251124", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/mariner", NULL, NULL, "mariner:1.0", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/minimos", NULL, NULL, "minimos:20241031", NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/os/opensuse-leap", NULL, NULL, "opensuse-leap:15.2", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/oraclelinux", NULL, NULL, "ol:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/photon", NULL, NULL, "photon:2.0", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/postmarketos-edge", NULL, NULL, "postmarketos:edge", NULL, VIGIL_VERSION_APK },
	{ "os-release/grype/os/postmarketos", NULL, NULL, "postmarketos:v25.06", NULL, VIGIL_VERSION_APK },
	{ "os-release/grype/os/raspbian", NULL, NULL, "raspbian:9", "stretch", VIGIL_VERSION_DPKG },
	{ "os-release/grype/os/redhat", NULL, NULL, "rhel:7", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/rockylinux", NULL, NULL, "rocky:8", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/scientific", NULL, NULL, "scientific:7", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/scientific6", NULL, NULL, "scientific:6", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/secureos", NULL, NULL, "secureos:2025.09.09", NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/os/sles", NULL, NULL, "sles:15.2", NULL, VIGIL_VERSION_RPM },
	{ "os-release/grype/os/ubuntu", NULL, NULL, "ubuntu:20.04", "focal", VIGIL_VERSION_DPKG },
	{ "os-release/grype/os/wolfi", NULL, NULL, "wolfi:20220914", NULL, VIGIL_VERSION_APK },
	{ "os-release/grype/partial-fields/missing-id", NULL, NULL, NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/partial-fields/missing-version", NULL, NULL, NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/grype/partial-fields/unknown-id", NULL, NULL, "my-awesome-distro:8", NULL, VIGIL_VERSION_DPKG },
	{ NULL, "os-release/grype/bad-redhat-release", "etc/redhat-release", "centos:5", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/grype/bad-system-release-cpe", "etc/system-release-cpe", NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "os-release/trivy/debian/testdata/debian_9", NULL, NULL, "debian:9", "stretch", VIGIL_VERSION_DPKG },
	{ "os-release/trivy/debian/testdata/debian_sid", NULL, NULL, "debian:unstable", "buster", VIGIL_VERSION_DPKG },
	{ NULL, "os-release/trivy/debian/testdata/empty", "etc/debian_version", NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/redhatbase/testdata/alma/almalinux-release", "etc/almalinux-release", "almalinux:8", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/redhatbase/testdata/centos/centos-release", "etc/centos-release", "centos:7", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/redhatbase/testdata/fedora_29/fedora-release", "etc/fedora-release", "fedora:29", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/redhatbase/testdata/oracle_7/oracle-release", "etc/oracle-release", "ol:7", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/redhatbase/testdata/redhat_6/redhat-release", "etc/redhat-release", "rhel:6", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/redhatbase/testdata/rocky/rocky-release", "etc/rocky-release", "rocky:8", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/redhatbase/testdata/not_redhatbase/empty", "etc/redhat-release", NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/activestate", "etc/os-release", "activestate:1.0", NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/alma", "etc/os-release", "almalinux:9", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/alpine", "etc/os-release", "alpine:v3.15", NULL, VIGIL_VERSION_APK },
	{ NULL, "os-release/trivy/release/testdata/azurelinux-3.0", "etc/os-release", "azurelinux:3.0", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/bottlerocket", "etc/os-release", "bottlerocket:1.34.0", NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/centos", "etc/os-release", "centos:7", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/centos-stream", "etc/os-release", "centos:8", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/coreos", "etc/os-release", "coreos:3.15.4", NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/echo", "etc/os-release", "echo:1", NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/fedora", "etc/os-release", "fedora:42", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/mariner-1.0", "etc/os-release", "mariner:1.0", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/mariner-2.0", "etc/os-release", "mariner:2.0", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/minimos", "etc/os-release", "minimos:20241031", NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/no-id", "etc/os-release", NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/no-version", "etc/os-release", NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/release/testdata/opensuseleap-15.2.1", "etc/os-release", "opensuse-leap:15.2.1", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/opensuseleap-42.3", "etc/os-release", "opensuse:42.3", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/opensusetumbleweed", "etc/os-release", "opensuse-tumbleweed:20220412", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/oracle", "etc/os-release", "ol:8", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/photon", "etc/os-release", "photon:4.0", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/rhel", "etc/os-release", "rhel:9", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/rocky", "etc/os-release", "rocky:9", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/slemicro", "etc/os-release", "sle-micro:5.3", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/slemicro-rancher", "etc/os-release", "sle-micro-rancher:5.4", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/slemicro6.0", "etc/os-release", "sl-micro:6.0", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/sles", "etc/os-release", "sles:15.3", NULL, VIGIL_VERSION_RPM },
	{ NULL, "os-release/trivy/release/testdata/unknown", "etc/os-release", "unknown:4.3.2", NULL, VIGIL_VERSION_UNKNOWN },
	{ NULL, "os-release/trivy/ubuntu/testdata/lsb-release", "etc/lsb-release", "ubuntu:18.04", "bionic", VIGIL_VERSION_DPKG },
	{ NULL, "os-release/trivy/ubuntu/testdata/invalid", "etc/lsb-release", NULL, NULL, VIGIL_VERSION_UNKNOWN },
	{ "debian/bookworm", NULL, NULL, "debian:12", "bookworm", VIGIL_VERSION_DPKG },
	{ "debian/bullseye", NULL, NULL, "debian:11", "bullseye", VIGIL_VERSION_DPKG },
	{ "debian/grype-match-coverage", NULL, NULL, "debian:8", "jessie", VIGIL_VERSION_DPKG },
	{ "alpine/3.9", NULL, NULL, "alpine:v3.9", NULL, VIGIL_VERSION_APK },
	{ "alpine/3.10", NULL, NULL, "alpine:v3.10", NULL, VIGIL_VERSION_APK },
	{ "alpine/3.11", NULL, NULL, "alpine:v3.11", NULL, VIGIL_VERSION_APK },
	{ "rpm/centos-grype", NULL, NULL, "centos:8", NULL, VIGIL_VERSION_RPM },
	{ "rpm/amazonlinux2023", NULL, NULL, NULL, NULL, VIGIL_VERSION_UNKNOWN },
};

/* Run the detector on `l` alone; *os is filled (caller releases). Returns its code. */
static int detect(struct vigil_os *os, const struct vigil_layer *l)
{
	struct vigil_fsview v;
	int err;

	memset(os, 0, sizeof(*os));
	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, l), 0);
	err = vigil_detector_os_release.os(os, &v);
	vigil_fsview_release(&v);
	return err;
}

static void check_os(const struct vigil_os *os, const char *label, const char *name,
		     const char *codename, vigil_version_format fmt)
{
	if (!name) {
		if (os->name)
			fail_msg("%s: got %s, want no OS", label, os->name);
		assert_null(os->id);
		assert_null(os->version);
		return;
	}
	if (!os->name || strcmp(os->name, name) != 0)
		fail_msg("%s: got %s, want %s", label, os->name ? os->name : "no OS", name);
	assert_non_null(os->id);
	assert_non_null(os->version);
	assert_int_equal(strlen(os->id) + 1 + strlen(os->version), strlen(os->name));
	if ((codename == NULL) != (os->codename == NULL) ||
	    (codename && strcmp(codename, os->codename) != 0))
		fail_msg("%s: codename %s, want %s", label, os->codename ? os->codename : "none",
			 codename ? codename : "none");
	if (os->format != fmt)
		fail_msg("%s: format %d, want %d", label, os->format, fmt);
}

static void test_fixtures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ocase *c = &cases[i];
		struct vigil_layer l = { 0 };
		struct vigil_os os;
		const char *label = c->dir ? c->dir : c->file;

		if (c->dir)
			assert_true(tree_add_dir(&l, tree_fixture(c->dir), "") > 0);
		else
			assert_int_equal(tree_add_file(&l, tree_fixture(c->file), c->at), 0);
		if (detect(&os, &l) != 0)
			fail_msg("%s: %s", label, vigil_error_last());
		check_os(&os, label, c->name, c->codename, c->format);
		vigil_os_release(&os);
		vigil_layer_release(&l);
	}
}

/* Hand-made layers: (path, type, data) triples. */
struct entry {
	enum vigil_entry_type type;
	const char *path;
	const char *data;
};

static int detect_entries(struct vigil_os *os, const struct entry *e, size_t n)
{
	struct vigil_layer l = { 0 };
	size_t i;
	int err;

	for (i = 0; i < n; i++)
		assert_int_equal(tree_add(&l, e[i].type, e[i].path, e[i].data, strlen(e[i].data)), 0);
	err = detect(os, &l);
	vigil_layer_release(&l);
	return err;
}

#define FILE_(p, d) { VIGIL_ENTRY_FILE, p, d }
#define LINK_(p, d) { VIGIL_ENTRY_SYMLINK, p, d }
#define N(a) (sizeof(a) / sizeof(a[0]))

static void expect(const struct entry *e, size_t n, const char *name, const char *codename,
		   vigil_version_format fmt)
{
	struct vigil_os os;

	if (detect_entries(&os, e, n) != 0)
		fail_msg("%s: %s", e[0].path, vigil_error_last());
	check_os(&os, e[0].data, name, codename, fmt);
	vigil_os_release(&os);
}

static void test_links(void **state)
{
	const struct entry link[] = {
		LINK_("etc/os-release", "../usr/lib/os-release"),
		FILE_("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"),
	};
	const struct entry both[] = {
		FILE_("etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\nUBUNTU_CODENAME=jammy\n"),
		FILE_("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
	};
	const struct entry abs_link[] = {
		LINK_("etc/os-release", "/usr/lib/os-release"),
		FILE_("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.18.4\n"),
	};
	const struct entry dangling[] = {
		LINK_("etc/os-release", "../usr/lib/os-release"),
		FILE_("etc/debian_version", "11.3\n"),
	};

	(void)state;
	expect(link, N(link), "debian:12", "bookworm", VIGIL_VERSION_DPKG);
	expect(both, N(both), "ubuntu:22.04", "jammy", VIGIL_VERSION_DPKG);
	expect(abs_link, N(abs_link), "alpine:v3.18", NULL, VIGIL_VERSION_APK);
	expect(dangling, N(dangling), "debian:11", "bullseye", VIGIL_VERSION_DPKG);
}

static void test_loop(void **state)
{
	const struct entry loop[] = {
		LINK_("etc/os-release", "os-release2"),
		LINK_("etc/os-release2", "/etc/os-release"),
	};
	const struct entry self[] = { LINK_("etc/lsb-release", "lsb-release") };
	struct vigil_os os;

	(void)state;
	assert_int_equal(detect_entries(&os, loop, N(loop)), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "etc/os-release"));
	vigil_os_release(&os);
	assert_int_equal(detect_entries(&os, self, N(self)), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "etc/lsb-release"));
	vigil_os_release(&os);
}

static void test_other_files(void **state)
{
	const struct entry amzn2023[] = {
		FILE_("etc/system-release", "Amazon Linux release 2023.3.20240108 (Amazon Linux)\n"),
	};
	const struct entry amzn1[] = {
		FILE_("etc/system-release", "Amazon Linux AMI release 2018.03\n"),
	};
	const struct entry amzn1_os[] = {
		FILE_("etc/os-release", "NAME=\"Amazon Linux AMI\"\nID=\"amzn\"\nVERSION_ID=\"2018.03\"\n"),
	};
	const struct entry amzn2023_os[] = {
		FILE_("etc/os-release", "ID=\"amzn\"\nVERSION_ID=\"2023\"\nID_LIKE=\"fedora\"\n"),
	};
	const struct entry cpe23[] = {
		FILE_("etc/system-release-cpe", "cpe:2.3:o:amazon:amazon_linux:2\n"),
	};
	const struct entry suse[] = {
		FILE_("etc/SuSE-release",
		      "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n"),
	};
	const struct entry suse0[] = {
		FILE_("etc/SuSE-release",
		      "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n"),
	};
	const struct entry centos6[] = {
		FILE_("etc/redhat-release", "CentOS release 6.10 (Final)\n"),
		FILE_("etc/centos-release", "CentOS release 6.10 (Final)\n"),
		FILE_("etc/system-release-cpe", "cpe:/o:centos:linux:6:GA\n"),
	};
	const struct entry alpine_edge[] = { FILE_("etc/alpine-release", "3.22_alpha20250108\n") };
	const struct entry alpine_rc[] = { FILE_("etc/alpine-release", "3.19.0_rc1\n") };
	const struct entry alpine_junk[] = { FILE_("etc/alpine-release", "three\n") };
	const struct entry sid_both[] = {
		FILE_("etc/os-release", "ID=debian\nVERSION_CODENAME=trixie\n"),
		FILE_("etc/debian_version", "trixie/sid\n"),
	};
	const struct entry sid_bare[] = { FILE_("etc/os-release", "ID=debian\n") };
	const struct entry debian_lsb[] = {
		FILE_("etc/lsb-release", "DISTRIB_ID=Debian\nDISTRIB_RELEASE=7.1\nDISTRIB_CODENAME=wheezy\n"),
	};
	const struct entry ubuntu_lsb_codename[] = {
		FILE_("etc/os-release", "ID=ubuntu\nVERSION_ID=\"12.04\"\nVERSION=\"12.04.5 LTS\"\n"),
		FILE_("etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\nDISTRIB_CODENAME=precise\n"),
	};
	const struct entry quoted[] = {
		FILE_("etc/os-release", "# comment\n  ID='Debian'  \r\nVERSION_ID=\"10\"\r\n"),
	};

	(void)state;
	expect(amzn2023, N(amzn2023), "amzn:2023", NULL, VIGIL_VERSION_RPM);
	expect(amzn1, N(amzn1), "amzn:2018.03", NULL, VIGIL_VERSION_RPM);
	expect(amzn1_os, N(amzn1_os), "amzn:2018.03", NULL, VIGIL_VERSION_RPM);
	expect(amzn2023_os, N(amzn2023_os), "amzn:2023", NULL, VIGIL_VERSION_RPM);
	expect(cpe23, N(cpe23), "amzn:2", NULL, VIGIL_VERSION_RPM);
	expect(suse, N(suse), "sles:12.3", NULL, VIGIL_VERSION_RPM);
	expect(suse0, N(suse0), "sles:12", NULL, VIGIL_VERSION_RPM);
	expect(centos6, N(centos6), "centos:6", NULL, VIGIL_VERSION_RPM);
	expect(alpine_edge, N(alpine_edge), "alpine:edge", NULL, VIGIL_VERSION_APK);
	expect(alpine_rc, N(alpine_rc), "alpine:v3.19", NULL, VIGIL_VERSION_APK);
	expect(alpine_junk, N(alpine_junk), NULL, NULL, 0);
	expect(sid_both, N(sid_both), "debian:unstable", "trixie", VIGIL_VERSION_DPKG);
	expect(sid_bare, N(sid_bare), "debian:unstable", NULL, VIGIL_VERSION_DPKG);
	expect(debian_lsb, N(debian_lsb), "debian:7", "wheezy", VIGIL_VERSION_DPKG);
	expect(ubuntu_lsb_codename, N(ubuntu_lsb_codename), "ubuntu:12.04", "precise",
	       VIGIL_VERSION_DPKG);
	expect(quoted, N(quoted), "debian:10", "buster", VIGIL_VERSION_DPKG);
}

/* Garbage never crashes and names no OS; a huge line is just a long value. */
static void test_garbage(void **state)
{
	static const char *const bad[] = {
		"x", "=", "ID=", "ID=\"\"", "\n\n\n", "ID=debian:12\nVERSION_ID=1",
		"ID=deb ian\nVERSION_ID=1", "ID=debian\nVERSION_ID=\"1 2\"", "ID=ubuntu\nVERSION_ID=\"\"",
		"VERSION_ID=12\n", "\xff\xfe\xfd\n\x80=\x81\n",
	};
	static const char *const where[] = {
		"etc/os-release", "usr/lib/os-release", "etc/lsb-release", "etc/redhat-release",
		"etc/system-release-cpe", "etc/alpine-release", "etc/debian_version", "etc/SuSE-release",
	};
	struct vigil_layer l = { 0 };
	struct vigil_os os;
	size_t i, j, big = (size_t)4 << 20;
	char *huge;
	char junk[4096];

	(void)state;
	for (i = 0; i < N(bad); i++)
		for (j = 0; j < N(where); j++) {
			assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, where[j], bad[i], strlen(bad[i])), 0);
			assert_int_equal(detect(&os, &l), 0);
			/* only debian_version "x"/"=" style lines may name debian:unstable */
			if (os.name && strcmp(where[j], "etc/debian_version") != 0)
				fail_msg("'%s' in %s gave %s", bad[i], where[j], os.name);
			vigil_os_release(&os);
			vigil_layer_release(&l);
		}
	/* binary junk with NUL bytes */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)((i * 2654435761u) >> 7);
	memcpy(junk, "ID=debian\nVERSION_ID=12\n", 24);
	for (j = 0; j < N(where); j++) {
		assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, where[j], junk, sizeof(junk)), 0);
		assert_int_equal(detect(&os, &l), 0);
		assert_null(os.name);
		vigil_os_release(&os);
		vigil_layer_release(&l);
	}
	/* a 4 MiB line: an id that long is not a namespace */
	huge = vigil_malloc(big + 1);
	memset(huge, 'a', big);
	memcpy(huge, "ID=", 3);
	huge[big] = '\0';
	for (j = 0; j < N(where); j++) {
		assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, where[j], huge, big), 0);
		assert_int_equal(detect(&os, &l), 0);
		assert_null(os.name);
		vigil_os_release(&os);
		vigil_layer_release(&l);
	}
	vigil_free(huge);
}

/* The registry runs the OS detectors; the first that names an OS wins. */
static void test_registry(void **state)
{
	struct vigil_layer l = { 0 };
	struct vigil_fsview v;
	struct vigil_os os;

	(void)state;
	assert_true(tree_add_dir(&l, tree_fixture("debian/bookworm"), "") > 0);
	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, &l), 0);
	memset(&os, 0, sizeof(os));
	assert_int_equal(vigil_detect_os(&os, &v), 0);
	assert_string_equal(os.name, "debian:12");
	assert_string_equal(os.codename, "bookworm");
	assert_string_equal(os.id, "debian");
	assert_string_equal(os.version, "12");
	vigil_os_release(&os);
	vigil_fsview_release(&v);
	vigil_layer_release(&l);
	assert_true(vigil_detect_wants("etc/os-release"));
	assert_true(vigil_detect_wants("etc/system-release-cpe"));
	assert_true(vigil_detect_wants("usr/lib/os-release"));
	assert_true(vigil_detect_wants_dir("usr/lib"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_other_files),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
