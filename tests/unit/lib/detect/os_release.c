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

#define CC "os-release/claircore/"
#define GR "os-release/grype/"
#define TR "os-release/trivy/"
#define DPKG VIGIL_VERSION_DPKG
#define RPM VIGIL_VERSION_RPM
#define APK VIGIL_VERSION_APK
#define NONE VIGIL_VERSION_UNKNOWN
/* D: a root filesystem directory; F: one file placed at an image path. */
#define D(dir, name, codename, fmt) { dir, NULL, NULL, name, codename, fmt }
#define F(file, at, name, codename, fmt) { NULL, file, at, name, codename, fmt }

/*
 * Expectations: Clair's names (PRODUCT.md "Namespace"): Debian and the RHEL
 * family by major version, Ubuntu/SUSE/Fedora and others by VERSION_ID as
 * written, Alpine "v" + major.minor (a pre-release is "edge"), Amazon Linux 1
 * by YYYY.MM; Debian testing/sid (no VERSION_ID) is debian:unstable.
 */
static const struct ocase cases[] = {
	D(CC "alpine/3.3", "alpine:v3.3", NULL, APK),
	D(CC "alpine/3.4", "alpine:v3.4", NULL, APK),
	D(CC "alpine/3.5", "alpine:v3.5", NULL, APK),
	D(CC "alpine/3.6", "alpine:v3.6", NULL, APK),
	D(CC "alpine/3.7", "alpine:v3.7", NULL, APK),
	D(CC "alpine/3.8", "alpine:v3.8", NULL, APK),
	D(CC "alpine/3.9", "alpine:v3.9", NULL, APK),
	D(CC "alpine/3.10", "alpine:v3.10", NULL, APK),
	D(CC "alpine/3.11", "alpine:v3.11", NULL, APK),
	D(CC "alpine/3.12", "alpine:v3.12", NULL, APK),
	D(CC "alpine/3.13", "alpine:v3.13", NULL, APK),
	D(CC "alpine/3.14", "alpine:v3.14", NULL, APK),
	D(CC "alpine/3.15", "alpine:v3.15", NULL, APK),
	D(CC "alpine/3.16", "alpine:v3.16", NULL, APK),
	D(CC "alpine/3.17", "alpine:v3.17", NULL, APK),
	D(CC "alpine/3.18", "alpine:v3.18", NULL, APK),
	D(CC "alpine/edge", "alpine:edge", NULL, APK),
	D(CC "debian/dist/7", "debian:7", "wheezy", DPKG),
	D(CC "debian/dist/8", "debian:8", "jessie", DPKG),
	D(CC "debian/dist/9", "debian:9", "stretch", DPKG),
	D(CC "debian/dist/10", "debian:10", "buster", DPKG),
	D(CC "debian/dist/11", "debian:11", "bullseye", DPKG),
	D(CC "debian/dist/12", "debian:12", "bookworm", DPKG),
	D(CC "debian/distroless_dist/9", "debian:9", "stretch", DPKG),
	D(CC "debian/distroless_dist/10", "debian:10", "buster", DPKG),
	D(CC "debian/distroless_dist/11", "debian:11", "bullseye", DPKG),
	D(CC "rhel/releasefiles/7", "rhel:7", NULL, RPM),
	D(CC "rhel/releasefiles/8", "rhel:8", NULL, RPM),
	D(CC "rhel/releasefiles/9", "rhel:9", NULL, RPM),
	D(CC "rhel/releasefiles/atomichost-7", "rhel:7", NULL, RPM),
	D(CC "rhel/releasefiles/hummingbird", "hummingbird:20251124", NULL, RPM),
	D(CC "rhel/releasefiles/oracle-6", "ol:6", NULL, RPM),
	D(CC "rhel/releasefiles/oracle-7", "ol:7", NULL, RPM),
	D(CC "rhel/releasefiles/oracle-8", "ol:8", NULL, RPM),
	D(CC "rhel/releasefiles/oracle-9", "ol:9", NULL, RPM),
	D(CC "ubuntu/dist/10.04", "ubuntu:10.04", "lucid", DPKG),
	D(CC "ubuntu/dist/12.04", "ubuntu:12.04", "precise", DPKG),
	D(CC "ubuntu/dist/12.10", "ubuntu:12.10", "quantal", DPKG),
	D(CC "ubuntu/dist/13.04", "ubuntu:13.04", "raring", DPKG),
	D(CC "ubuntu/dist/13.10", "ubuntu:13.10", "saucy", DPKG),
	D(CC "ubuntu/dist/14.04", "ubuntu:14.04", "trusty", DPKG),
	D(CC "ubuntu/dist/14.10", "ubuntu:14.10", "utopic", DPKG),
	D(CC "ubuntu/dist/15.04", "ubuntu:15.04", "vivid", DPKG),
	D(CC "ubuntu/dist/15.10", "ubuntu:15.10", "wily", DPKG),
	D(CC "ubuntu/dist/16.04", "ubuntu:16.04", "xenial", DPKG),
	D(CC "ubuntu/dist/16.10", "ubuntu:16.10", "yakkety", DPKG),
	D(CC "ubuntu/dist/17.04", "ubuntu:17.04", "zesty", DPKG),
	D(CC "ubuntu/dist/17.10", "ubuntu:17.10", "artful", DPKG),
	D(CC "ubuntu/dist/18.04", "ubuntu:18.04", "bionic", DPKG),
	D(CC "ubuntu/dist/18.10", "ubuntu:18.10", "cosmic", DPKG),
	D(CC "ubuntu/dist/19.04", "ubuntu:19.04", "disco", DPKG),
	D(CC "ubuntu/dist/19.10", "ubuntu:19.10", "eoan", DPKG),
	D(CC "ubuntu/dist/20.04", "ubuntu:20.04", "focal", DPKG),
	D(CC "ubuntu/dist/20.10", "ubuntu:20.10", "groovy", DPKG),
	D(CC "ubuntu/dist/21.04", "ubuntu:21.04", "hirsute", DPKG),
	D(CC "ubuntu/dist/21.10", "ubuntu:21.10", "impish", DPKG),
	D(CC "ubuntu/dist/22.04", "ubuntu:22.04", "jammy", DPKG),
	D(CC "ubuntu/dist/22.10", "ubuntu:22.10", "kinetic", DPKG),
	D(CC "ubuntu/dist/23.04", "ubuntu:23.04", "lunar", DPKG),
	D(CC "ubuntu/dist/23.10", "ubuntu:23.10", "mantic", DPKG),
	D(CC "ubuntu/dist/11", "debian:11", "bullseye", DPKG),
	D(GR "os/almalinux", "almalinux:8", NULL, RPM),
	D(GR "os/alpine-edge", "alpine:edge", NULL, APK),
	D(GR "os/alpine", "alpine:v3.11", NULL, APK),
	D(GR "os/amazon", "amzn:2", NULL, RPM),
	D(GR "os/arch", NULL, NULL, NONE),
	D(GR "os/azurelinux", "azurelinux:3.0", NULL, RPM),
	D(GR "os/centos", "centos:8", NULL, RPM),
	D(GR "os/centos5", "centos:5", NULL, RPM),
	D(GR "os/centos6", "centos:6", NULL, RPM),
	D(GR "os/chainguard", "chainguard:20230214", NULL, APK),
	D(GR "os/custom", "scientific:8", NULL, RPM),
	D(GR "os/debian-sid", "debian:unstable", "trixie", DPKG),
	D(GR "os/debian", "debian:8", "jessie", DPKG),
	D(GR "os/echo", "echo:1", NULL, DPKG),
	D(GR "os/empty", NULL, NULL, NONE),
	D(GR "os/fedora", "fedora:31", NULL, RPM),
	D(GR "os/gentoo", NULL, NULL, NONE),
	D(GR "os/hummingbird", "hummingbird:20251124", NULL, RPM),
	D(GR "os/mariner", "mariner:1.0", NULL, RPM),
	D(GR "os/minimos", "minimos:20241031", NULL, NONE),
	D(GR "os/opensuse-leap", "opensuse-leap:15.2", NULL, RPM),
	D(GR "os/oraclelinux", "ol:8", NULL, RPM),
	D(GR "os/photon", "photon:2.0", NULL, RPM),
	D(GR "os/postmarketos-edge", "postmarketos:edge", NULL, APK),
	D(GR "os/postmarketos", "postmarketos:v25.06", NULL, APK),
	D(GR "os/raspbian", "raspbian:9", "stretch", DPKG),
	D(GR "os/redhat", "rhel:7", NULL, RPM),
	D(GR "os/rockylinux", "rocky:8", NULL, RPM),
	D(GR "os/scientific", "scientific:7", NULL, RPM),
	D(GR "os/scientific6", "scientific:6", NULL, RPM),
	D(GR "os/secureos", "secureos:2025.09.09", NULL, NONE),
	D(GR "os/sles", "sles:15.2", NULL, RPM),
	D(GR "os/ubuntu", "ubuntu:20.04", "focal", DPKG),
	D(GR "os/wolfi", "wolfi:20220914", NULL, APK),
	D(GR "partial-fields/missing-id", NULL, NULL, NONE),
	D(GR "partial-fields/missing-version", NULL, NULL, NONE),
	D(GR "partial-fields/unknown-id", "my-awesome-distro:8", NULL, DPKG),
	F(GR "bad-redhat-release", "etc/redhat-release", "centos:5", NULL, RPM),
	F(GR "bad-system-release-cpe", "etc/system-release-cpe", NULL, NULL, NONE),
	D(TR "debian/testdata/debian_9", "debian:9", "stretch", DPKG),
	D(TR "debian/testdata/debian_sid", "debian:unstable", "buster", DPKG),
	F(TR "debian/testdata/empty", "etc/debian_version", NULL, NULL, NONE),
	F(TR "redhatbase/testdata/alma/almalinux-release",
	  "etc/almalinux-release", "almalinux:8", NULL, RPM),
	F(TR "redhatbase/testdata/centos/centos-release",
	  "etc/centos-release", "centos:7", NULL, RPM),
	F(TR "redhatbase/testdata/fedora_29/fedora-release",
	  "etc/fedora-release", "fedora:29", NULL, RPM),
	F(TR "redhatbase/testdata/oracle_7/oracle-release",
	  "etc/oracle-release", "ol:7", NULL, RPM),
	F(TR "redhatbase/testdata/redhat_6/redhat-release",
	  "etc/redhat-release", "rhel:6", NULL, RPM),
	F(TR "redhatbase/testdata/rocky/rocky-release", "etc/rocky-release", "rocky:8", NULL, RPM),
	F(TR "redhatbase/testdata/not_redhatbase/empty", "etc/redhat-release", NULL, NULL, NONE),
	F(TR "release/testdata/activestate", "etc/os-release", "activestate:1.0", NULL, NONE),
	F(TR "release/testdata/alma", "etc/os-release", "almalinux:9", NULL, RPM),
	F(TR "release/testdata/alpine", "etc/os-release", "alpine:v3.15", NULL, APK),
	F(TR "release/testdata/azurelinux-3.0", "etc/os-release", "azurelinux:3.0", NULL, RPM),
	F(TR "release/testdata/bottlerocket", "etc/os-release", "bottlerocket:1.34.0", NULL, NONE),
	F(TR "release/testdata/centos", "etc/os-release", "centos:7", NULL, RPM),
	F(TR "release/testdata/centos-stream", "etc/os-release", "centos:8", NULL, RPM),
	F(TR "release/testdata/coreos", "etc/os-release", "coreos:3.15.4", NULL, NONE),
	F(TR "release/testdata/echo", "etc/os-release", "echo:1", NULL, NONE),
	F(TR "release/testdata/fedora", "etc/os-release", "fedora:42", NULL, RPM),
	F(TR "release/testdata/mariner-1.0", "etc/os-release", "mariner:1.0", NULL, RPM),
	F(TR "release/testdata/mariner-2.0", "etc/os-release", "mariner:2.0", NULL, RPM),
	F(TR "release/testdata/minimos", "etc/os-release", "minimos:20241031", NULL, NONE),
	F(TR "release/testdata/no-id", "etc/os-release", NULL, NULL, NONE),
	F(TR "release/testdata/no-version", "etc/os-release", NULL, NULL, NONE),
	F(TR "release/testdata/opensuseleap-15.2.1",
	  "etc/os-release", "opensuse-leap:15.2.1", NULL, RPM),
	F(TR "release/testdata/opensuseleap-42.3", "etc/os-release", "opensuse:42.3", NULL, RPM),
	F(TR "release/testdata/opensusetumbleweed",
	  "etc/os-release", "opensuse-tumbleweed:20220412", NULL, RPM),
	F(TR "release/testdata/oracle", "etc/os-release", "ol:8", NULL, RPM),
	F(TR "release/testdata/photon", "etc/os-release", "photon:4.0", NULL, RPM),
	F(TR "release/testdata/rhel", "etc/os-release", "rhel:9", NULL, RPM),
	F(TR "release/testdata/rocky", "etc/os-release", "rocky:9", NULL, RPM),
	F(TR "release/testdata/slemicro", "etc/os-release", "sle-micro:5.3", NULL, RPM),
	F(TR "release/testdata/slemicro-rancher",
	  "etc/os-release", "sle-micro-rancher:5.4", NULL, RPM),
	F(TR "release/testdata/slemicro6.0", "etc/os-release", "sl-micro:6.0", NULL, RPM),
	F(TR "release/testdata/sles", "etc/os-release", "sles:15.3", NULL, RPM),
	F(TR "release/testdata/unknown", "etc/os-release", "unknown:4.3.2", NULL, NONE),
	F(TR "ubuntu/testdata/lsb-release", "etc/lsb-release", "ubuntu:18.04", "bionic", DPKG),
	F(TR "ubuntu/testdata/invalid", "etc/lsb-release", NULL, NULL, NONE),
	D("debian/bookworm", "debian:12", "bookworm", DPKG),
	D("debian/bullseye", "debian:11", "bullseye", DPKG),
	D("debian/grype-match-coverage", "debian:8", "jessie", DPKG),
	D("alpine/3.9", "alpine:v3.9", NULL, APK),
	D("alpine/3.10", "alpine:v3.10", NULL, APK),
	D("alpine/3.11", "alpine:v3.11", NULL, APK),
	D("rpm/centos-grype", "centos:8", NULL, RPM),
	D("rpm/amazonlinux2023", NULL, NULL, NONE),
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
		assert_int_equal(tree_add(&l, e[i].type, e[i].path, e[i].data, strlen(e[i].data)),
				 0);
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
		FILE_("usr/lib/os-release",
		      "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"),
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
	const struct entry lib_loop[] = { LINK_("usr/lib/os-release", "/usr/lib/os-release") };
	/* a rootfs link to the host's file, resolved inside the image: a loop */
	const struct entry escape[] = {
		LINK_("etc/os-release", "../../../../../../../../../../usr/lib/os-release"),
		LINK_("etc/debian_version", "/etc/debian_version"),
		LINK_("etc/lsb-release", "lsb-release"),
	};
	const struct entry escape_named[] = {
		FILE_("etc/os-release", "ID=debian\n"),
		LINK_("etc/debian_version", "/etc/debian_version"),
	};
	struct vigil_os os;

	(void)state;
	/* os-release that cannot be read is the image's error */
	assert_int_equal(detect_entries(&os, loop, N(loop)), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "etc/os-release"));
	vigil_os_release(&os);
	assert_int_equal(detect_entries(&os, lib_loop, N(lib_loop)), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "usr/lib/os-release"));
	vigil_os_release(&os);
	/* the older files then name nothing */
	assert_int_equal(detect_entries(&os, escape, N(escape)), 0);
	assert_null(os.name);
	vigil_os_release(&os);
	expect(escape_named, N(escape_named), "debian:unstable", NULL, VIGIL_VERSION_DPKG);
}

static void test_other_files(void **state)
{
	const struct entry amzn2023[] = {
		FILE_("etc/system-release",
		      "Amazon Linux release 2023.3.20240108 (Amazon Linux)\n"),
	};
	const struct entry amzn1[] = {
		FILE_("etc/system-release", "Amazon Linux AMI release 2018.03\n"),
	};
	const struct entry amzn1_os[] = {
		FILE_("etc/os-release",
		      "NAME=\"Amazon Linux AMI\"\nID=\"amzn\"\nVERSION_ID=\"2018.03\"\n"),
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
		FILE_("etc/lsb-release",
		      "DISTRIB_ID=Debian\nDISTRIB_RELEASE=7.1\nDISTRIB_CODENAME=wheezy\n"),
	};
	const struct entry ubuntu_lsb_codename[] = {
		FILE_("etc/os-release",
		      "ID=ubuntu\nVERSION_ID=\"12.04\"\nVERSION=\"12.04.5 LTS\"\n"),
		FILE_("etc/lsb-release",
		      "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\nDISTRIB_CODENAME=precise\n"),
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
		"ID=deb ian\nVERSION_ID=1", "ID=debian\nVERSION_ID=\"1 2\"",
		"ID=ubuntu\nVERSION_ID=\"\"",
		"VERSION_ID=12\n", "\xff\xfe\xfd\n\x80=\x81\n",
	};
	static const char *const where[] = {
		"etc/os-release", "usr/lib/os-release", "etc/lsb-release", "etc/redhat-release",
		"etc/system-release-cpe", "etc/alpine-release", "etc/debian_version",
		"etc/SuSE-release",
	};
	struct vigil_layer l = { 0 };
	struct vigil_os os;
	size_t i, j, big = (size_t)4 << 20;
	char *huge;
	char junk[4096];

	(void)state;
	for (i = 0; i < N(bad); i++)
		for (j = 0; j < N(where); j++) {
			assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, where[j], bad[i],
						  strlen(bad[i])), 0);
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
