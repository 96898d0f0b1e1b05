/*
 * Unit tests for the dpkg detector: the real status files and distroless
 * status.d trees of the shared data give exactly their packages.txt (or,
 * for files without one, what dpkg-query itself lists, or the packages read
 * off the file by eye); Status and Source rules; garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/detect/detect.h"
#include "helpers/tree.h"

extern const struct vigil_detector vigil_detector_dpkg;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run the detector on `l`; the packages as sorted "name version source srcversion[ arch]" lines. */
static int run(const struct vigil_layer *l, char **out, int with_arch)
{
	struct vigil_pkglist pl = { 0 };
	struct vigil_fsview v;
	vigil_buf b = VIGIL_BUF_INIT;
	char **lines;
	size_t i;
	int err;

	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, l), 0);
	err = vigil_detector_dpkg.packages(&pl, &v);
	lines = vigil_calloc(pl.n + 1, sizeof(*lines));
	for (i = 0; i < pl.n; i++) {
		const vigil_package *p = &pl.items[i];
		assert_int_equal(p->format, VIGIL_VERSION_DPKG);
		assert_null(p->layer);
		vigil_buf_reset(&b);
		assert_int_equal(vigil_buf_printf(&b, "%s %s %s %s", p->name, p->version,
						  p->source_name, p->source_version), 0);
		if (with_arch)
			assert_int_equal(vigil_buf_printf(&b, " %s", p->arch), 0);
		lines[i] = vigil_strdup(b.ptr);
	}
	qsort(lines, pl.n, sizeof(*lines), cmp_str);
	vigil_buf_reset(&b);
	for (i = 0; i < pl.n; i++) {
		assert_int_equal(vigil_buf_printf(&b, "%s\n", lines[i]), 0);
		vigil_free(lines[i]);
	}
	vigil_free(lines);
	*out = vigil_buf_detach(&b, NULL);
	vigil_buf_release(&b);
	vigil_pkglist_release(&pl);
	vigil_fsview_release(&v);
	return err;
}

/* The lines of a packages.txt, sorted as run() sorts. */
static char *sorted_file(const char *path)
{
	size_t len, n = 0, i;
	char *data = tree_slurp(path, &len), *p, **lines;
	vigil_buf b = VIGIL_BUF_INIT;

	assert_non_null(data);
	lines = vigil_calloc(len + 1, sizeof(*lines));
	for (p = strtok(data, "\n"); p; p = strtok(NULL, "\n"))
		lines[n++] = p;
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (i = 0; i < n; i++)
		assert_int_equal(vigil_buf_printf(&b, "%s\n", lines[i]), 0);
	vigil_free(lines);
	vigil_free(data);
	return vigil_buf_detach(&b, NULL);
}

static void expect_same(const char *label, const char *want, const char *got)
{
	if (strcmp(want, got) != 0)
		fail_msg("%s: packages differ\n--- want\n%s--- got\n%s", label, want, got);
}

/* Root filesystems with a packages.txt: exactly those packages. */
static void test_trees(void **state)
{
	static const char *const dirs[] = { "debian/bookworm", "debian/bullseye" };
	char txt[4096], *want, *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct vigil_layer l = { 0 };

		assert_true(tree_add_dir(&l, tree_fixture(dirs[i]), "") > 0);
		assert_int_equal(run(&l, &got, 0), 0);
		snprintf(txt, sizeof(txt), "%s/packages.txt", tree_fixture(dirs[i]));
		want = sorted_file(txt);
		expect_same(dirs[i], want, got);
		vigil_free(want);
		vigil_free(got);
		vigil_layer_release(&l);
	}
}

/* The final package list of the 3-layer image (its last status file is in debian/bookworm). */
static void test_image_list(void **state)
{
	struct vigil_layer l = { 0 };
	char path[4096], *want, *got;

	(void)state;
	assert_int_equal(tree_add_file(&l, tree_fixture("debian/bookworm/var/lib/dpkg/status"),
				       "var/lib/dpkg/status"), 0);
	assert_int_equal(run(&l, &got, 0), 0);
	snprintf(path, sizeof(path),
		 "%s/images/debian-bookworm-openssl/debian-bookworm-openssl.dpkg.txt",
		 tree_shared());
	want = sorted_file(path);
	expect_same("debian-bookworm-openssl.dpkg.txt", want, got);
	assert_null(strstr(got, "\ncurl "));
	vigil_free(want);
	vigil_free(got);
	vigil_layer_release(&l);
}

/* One fixture file at `at`; its packages (with arch when asked). */
static char *one_file(const char *fixture, const char *at, int with_arch, int want_err)
{
	struct vigil_layer l = { 0 };
	char *got;

	assert_int_equal(tree_add_file(&l, tree_fixture(fixture), at), 0);
	assert_int_equal(run(&l, &got, with_arch), want_err);
	vigil_layer_release(&l);
	return got;
}

static void expect_file(const char *fixture, const char *at, int with_arch, const char *want)
{
	char *got = one_file(fixture, at, with_arch, 0);

	expect_same(fixture, want, got);
	vigil_free(got);
}

/*
 * What dpkg-query itself lists for a status file (when dpkg is installed):
 * the same format as packages.txt. NULL when dpkg-query is not available.
 */
static char *dpkg_query(const char *status)
{
	char dir[] = "/tmp/vigil-dpkg-XXXXXX", cmd[8192], line[4096];
	vigil_buf b = VIGIL_BUF_INIT;
	FILE *p;
	char *out;

	if (system("command -v dpkg-query >/dev/null 2>&1") != 0 || !mkdtemp(dir))
		return NULL;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/updates %s/info && cp '%s' %s/status && "
		 "dpkg-query --admindir=%s -W -f='${Package} ${Version} ${source:Package} "
		 "${source:Version}\\n' | LC_ALL=C sort",
		 dir, dir, status, dir, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		assert_int_equal(vigil_buf_puts(&b, line), 0);
	assert_int_equal(pclose(p), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	out = vigil_buf_detach(&b, NULL);
	return out;
}

/* claircore's status files: what dpkg-query says, and the values read off them. */
static void test_claircore(void **state)
{
	static const char *const files[] = {
		"debian/claircore/debian-only.status", "debian/claircore/postgresql.status",
		"debian/claircore/texlive.status",
		"debian/grype-match-coverage/var/lib/dpkg/status",
		"debian/bullseye/var/lib/dpkg/status",
	};
	char *got, *want;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		got = one_file(files[i], "var/lib/dpkg/status", 0, 0);
		want = dpkg_query(tree_fixture(files[i]));
		if (want) {
			expect_same(files[i], want, got);
			vigil_free(want);
		}
		vigil_free(got);
	}
	expect_file("debian/claircore/debian-only.status", "var/lib/dpkg/status", 1,
		    "debian-archive-keyring 2019.1 debian-archive-keyring 2019.1 all\n");
	expect_file("debian/claircore/postgresql.status", "var/lib/dpkg/status", 0,
		    "postgresql-client 11+200+deb10u5 postgresql-common 200+deb10u5\n"
		    "postgresql-client-11 11.22-0+deb10u2 postgresql-11 11.22-0+deb10u2\n"
		    "postgresql-client-common 200+deb10u5 postgresql-common 200+deb10u5\n");
	expect_file("debian/grype-match-coverage/var/lib/dpkg/status", "var/lib/dpkg/status", 1,
		    "apt 1.8.2 apt-dev 1.8.2 amd64\n");
	got = one_file("debian/claircore/texlive.status", "var/lib/dpkg/status", 0, 0);
	for (n = 0, i = 0; got[i]; i++)
		n += got[i] == '\n';
	assert_int_equal(n, 357);
	vigil_free(got);
}

/* status.d: every file but dpkg's info files; no Status means installed. */
static void test_distroless(void **state)
{
	struct vigil_layer l = { 0 };
	char *got;

	(void)state;
	assert_true(tree_add_dir(&l, tree_fixture("debian/distroless-syft"), "") == 3);
	assert_int_equal(run(&l, &got, 1), 0);
	assert_string_equal(got, "libsqlite3-0 3.34.1-3 sqlite3 3.34.1-3 arm64\n");
	vigil_free(got);
	vigil_layer_release(&l);
}

#define EDGE "debian/status-edge-cases-syft/var/lib/dpkg/status.d/"

/* syft's status.d edge cases, file by file, then all together. */
static const struct {
	const char *file;
	const char *want;
} edges[] = {
	{ "single", "apt 1.8.2 apt-dev 1.8.2\n" },
	{ "installed-size-4KB", "apt 1.8.2 apt-dev 1.8.2\n" },
	/* an empty Package: and a stanza without Version are no packages */
	{ "multiple", "tzdata 2020a-0+deb10u1 tzdata-dev 2020a-0+deb10u1\n"
		      "util-linux 2.33.1-0.1 util-linux 2.33.1-0.1\n" },
	/* "deinstall ok config-files" is not installed */
	{ "deinstall", "linux-image-6.14.0-1012-aws 6.14.0-1012.12~24.04.1 linux-signed-aws-6.14 "
		       "6.14.0-1012.12~24.04.1\n" },
	/* garbled keys and a line that is no field: skipped, not fatal */
	{ "corrupt", "" },
	{ "empty", "" },
	{ "libpam-runtime", "libpam-runtime 1.5.2-6+deb12u1 pam 1.5.2-6+deb12u1\n" },
	{ "coreutils-relationships",
	  "coreutils 9.1-1 coreutils 9.1-1\n"
	  "gcc-12-base 12.2.0-14 gcc-12 12.2.0-14\n"
	  "libacl1 2.3.1-3 acl 2.3.1-3\n"
	  "libattr1 1:2.5.1-4 attr 1:2.5.1-4\n"
	  "libc6 2.36-9+deb12u1 glibc 2.36-9+deb12u1\n"
	  "libgcc-s1 12.2.0-14 gcc-12 12.2.0-14\n"
	  "libgmp10 2:6.2.1+dfsg1-1.1 gmp 2:6.2.1+dfsg1-1.1\n"
	  "libpcre2-8-0 10.42-1 pcre2 10.42-1\n"
	  "libselinux1 3.4-1+b6 libselinux 3.4-1\n" },
	/* stanzas without Status (a status.d file) count; those without Version do not */
	{ "doc-examples", "made-up-package-1 1.0.0 glibc 1.0.0\n"
			  "made-up-package-2 2.0.0 made-up-package-2 2.0.0\n"
			  "made-up-package-3 3.0.0 made-up-package-3 3.0.0\n"
			  "made-up-package-4 3.0.0 made-up-package-4 3.0.0\n"
			  "mutt 1.3.17-1 mutt 1.3.17-1\n" },
};

static void test_edge_cases(void **state)
{
	struct vigil_layer l = { 0 };
	char fixture[512], at[512], *got, **all;
	vigil_buf b = VIGIL_BUF_INIT;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		snprintf(fixture, sizeof(fixture), EDGE "%s", edges[i].file);
		snprintf(at, sizeof(at), "var/lib/dpkg/status.d/%s", edges[i].file);
		expect_file(fixture, at, 0, edges[i].want);
	}
	/* the whole directory: the union; the corrupt file does not stop the others */
	all = vigil_calloc(64, sizeof(*all));
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const char *p = edges[i].want, *nl;
		for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			all[n++] = vigil_strndup(p, (size_t)(nl - p));
	}
	qsort(all, n, sizeof(*all), cmp_str);
	for (i = 0; i < n; i++) {
		assert_int_equal(vigil_buf_printf(&b, "%s\n", all[i]), 0);
		vigil_free(all[i]);
	}
	vigil_free(all);
	assert_int_equal(tree_add_dir(&l, tree_fixture("debian/status-edge-cases-syft"), ""), 9);
	assert_int_equal(run(&l, &got, 0), 0);
	expect_same("status-edge-cases-syft", b.ptr, got);
	vigil_free(got);
	vigil_buf_release(&b);
	vigil_layer_release(&l);
}

/* Hand-made files at `at`: the packages, or the error and that it names `at`. */
static void expect_text(const char *at, const char *text, size_t len, int err, const char *want)
{
	struct vigil_layer l = { 0 };
	char *got;

	assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, at, text, len), 0);
	if (run(&l, &got, 0) != err)
		fail_msg("'%.40s' at %s: want code %d (%s)", text, at, err, vigil_error_last());
	if (err) {
		if (!strstr(vigil_error_last(), at))
			fail_msg("message '%s' does not name '%s'", vigil_error_last(), at);
		assert_null(strchr(vigil_error_last(), '\n'));
	} else
		expect_same(text, want, got);
	vigil_free(got);
	vigil_layer_release(&l);
}

#define STATUS "var/lib/dpkg/status"
#define T(s) s, sizeof(s) - 1

static void test_status_rules(void **state)
{
	(void)state;
	expect_text(STATUS, T("Package: a\nStatus: hold ok installed\nVersion: 1\n"), 0,
		    "a 1 a 1\n");
	expect_text(STATUS, T("Package: a\nStatus: install ok half-installed\nVersion: 1\n"), 0,
		    "");
	expect_text(STATUS, T("Package: a\nStatus: install ok unpacked\nVersion: 1\n"), 0, "");
	expect_text(STATUS, T("Package: a\nStatus: deinstall ok config-files\nVersion: 1\n"), 0,
		    "");
	expect_text(STATUS, T("Package: a\nStatus: purge ok not-installed\nVersion: 1\n"), 0, "");
	/* the status file proper: no Status, not installed (dpkg's default) */
	expect_text(STATUS, T("Package: a\nVersion: 1\n"), 0, "");
	expect_text("var/lib/dpkg/status.d/a", T("Package: a\nVersion: 1\n"), 0, "a 1 a 1\n");
	/* field names are case-insensitive; CRLF; Source forms */
	expect_text(STATUS, T("package: a\r\nSTATUS: install ok installed\r\nversion: 1:2-3\r\n"
			      "source: b (2-3)\r\n"), 0, "a 1:2-3 b 2-3\n");
	expect_text(STATUS, T("Package: a\nStatus: install ok installed\nVersion: 2+b1\n"
			      "Source: b\n"), 0, "a 2+b1 b 2+b1\n");
	expect_text(STATUS, T("Package: a\nStatus: install ok installed\nVersion: 2+b1\n"
			      "Source: b (2\n"), 0, "a 2+b1 b 2\n");
	expect_text(STATUS, T("Package: a\nStatus: install ok installed\nVersion: 2\n"
			      "Source: (2)\n"), 0, "a 2 a 2\n");
	/* a comment, stanzas in any field order, many blank lines */
	expect_text(STATUS, T("# x\n\n\nVersion: 1\nStatus: install ok installed\nPackage: z\n\n\n"
			      "Package: y\nVersion: 2\nStatus: install ok installed\n"), 0,
		    "y 2 y 2\nz 1 z 1\n");
	expect_text(STATUS, T(""), 0, "");
	expect_text(STATUS, T("\n"), 0, "");
	/* a stanza without Package is no package */
	expect_text(STATUS, T("Version: 1\nStatus: install ok installed\n"), 0, "");
}

static void test_garbage(void **state)
{
	static const char *const where[] = { STATUS, "var/lib/dpkg/status.d/pkg" };
	char *junk, *huge;
	size_t i, j, big = (size_t)8 << 20;

	(void)state;
	junk = vigil_malloc(65536);
	for (i = 0; i < 65536; i++)
		junk[i] = (char)((i * 2654435761u) >> 13);
	huge = vigil_malloc(big);
	{
		static const char head[] =
			"Package: p\nStatus: install ok installed\nVersion: 1\nDescription: ";
		memcpy(huge, head, sizeof(head) - 1);
		memset(huge + sizeof(head) - 1, 'x', big - (sizeof(head) - 1));
	}
	for (j = 0; j < 2; j++) {
		int st = j == 0; /* the status file fails; a status.d file is skipped */
		int e = st ? VIGIL_EINVALID : 0;

		expect_text(where[j], junk, 65536, e, "");
		expect_text(where[j], T("\0"), e, "");
		expect_text(where[j], T("x"), e, "");
		expect_text(where[j], T("Package: a\nVersion: 1\nnot a field\n"), e, "");
		expect_text(where[j], T(" leading continuation\n"), e, "");
		expect_text(where[j], T("Package: a\nStatus: install ok installed\nVersion: 1\0\n"),
			    e, "");
		expect_text(where[j], T("\xff\xfe\n\x80\x81\x82\n"), e, "");
		expect_text(where[j], huge, big, 0, "p 1 p 1\n");
	}
	/* a huge first line that is no field */
	memset(huge, 'y', big);
	expect_text(STATUS, huge, big, VIGIL_EINVALID, "");
	/* dpkg's info files beside status.d entries are never read */
	expect_text("var/lib/dpkg/status.d/pkg.md5sums", junk, 65536, 0, "");
	expect_text("var/lib/dpkg/status.d/pkg.preinst", T("#!/bin/sh\nset -e\n"), 0, "");
	vigil_free(huge);
	vigil_free(junk);
}

/* No database: no packages, no error. */
static void test_absent(void **state)
{
	struct vigil_layer l = { 0 };
	char *got;

	(void)state;
	assert_int_equal(tree_add(&l, VIGIL_ENTRY_FILE, "etc/os-release", T("ID=debian\n")), 0);
	assert_int_equal(run(&l, &got, 0), 0);
	assert_string_equal(got, "");
	vigil_free(got);
	vigil_layer_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trees),
		cmocka_unit_test(test_image_list),
		cmocka_unit_test(test_claircore),
		cmocka_unit_test(test_distroless),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_status_rules),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
