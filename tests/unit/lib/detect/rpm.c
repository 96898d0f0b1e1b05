/*
 * The rpm detector on hand-built layers holding the real fixture databases:
 * package fields (Version with epoch, SourceName/SourceVersion from
 * SOURCERPM, Arch), the database search order, symlinked database
 * directories, and garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/rpmdb/rpmfixtures.h"
#include "lib/detect/detect.h"

extern const struct vigil_detector vigil_detector_rpm;

/* Add a FILE entry holding a copy of `len` bytes. */
static void add_file(struct vigil_layer *l, const char *path, const char *data, size_t len)
{
	char *copy = vigil_malloc(len ? len : 1);

	memcpy(copy, data, len);
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_FILE, path, copy, len), 0);
}

static void add_fixture(struct vigil_layer *l, const char *path, const struct rpm_fixture *f)
{
	size_t len;
	char *data = fixture_db(f, &len);

	/* vigil_layer_add takes the data over */
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_FILE, path, data, len), 0);
}

static void add_link(struct vigil_layer *l, const char *path, const char *target)
{
	assert_int_equal(vigil_layer_add(l, VIGIL_ENTRY_SYMLINK, path, vigil_strdup(target),
					 strlen(target)),
			 0);
}

/* Run the detector on one layer. */
static int detect(const struct vigil_layer *l, struct vigil_pkglist *out)
{
	struct vigil_fsview v;
	int err;

	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, l), 0);
	err = vigil_detector_rpm.packages(out, &v);
	vigil_fsview_release(&v);
	return err;
}

static const vigil_package *find(const struct vigil_pkglist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

static void check_pkg(const struct vigil_pkglist *l, const char *name, const char *version,
		      const char *sname, const char *sversion, const char *arch)
{
	const vigil_package *p = find(l, name);

	if (!p)
		fail_msg("package '%s' not found", name);
	assert_string_equal(p->version, version);
	assert_string_equal(p->source_name, sname);
	assert_string_equal(p->source_version, sversion);
	assert_string_equal(p->arch, arch);
	assert_int_equal(p->format, VIGIL_VERSION_RPM);
	assert_null(p->layer);
}

/*
 * packages.txt ("NAME EPOCH:VERSION-RELEASE ARCH SOURCERPM") turned into what
 * the detector reports, "name version source_name source_version arch". The
 * fixtures carry an EPOCH tag exactly when the epoch is not 0 (checked with
 * `rpm -q --qf %{EPOCH}` by the oracle test), so "0:" is dropped.
 */
static void expected(const struct rpm_fixture *f, struct lines *out)
{
	struct lines txt = { 0 };
	vigil_buf line = VIGIL_BUF_INIT, sn = VIGIL_BUF_INIT, sv = VIGIL_BUF_INIT;

	fixture_packages(f, &txt);
	for (size_t i = 0; i < txt.n; i++) {
		char name[256], evr[256], arch[64], srpm[256];
		const char *version;

		assert_int_equal(sscanf(txt.v[i], "%255s %255s %63s %255s", name, evr, arch, srpm),
				 4);
		version = strncmp(evr, "0:", 2) == 0 ? evr + 2 : evr;
		if (strcmp(arch, "(none)") == 0)
			arch[0] = '\0';
		vigil_buf_reset(&sn);
		vigil_buf_reset(&sv);
		if (strcmp(srpm, "(none)") == 0) {
			assert_int_equal(vigil_buf_puts(&sn, name), 0);
			assert_int_equal(vigil_buf_puts(&sv, version), 0);
		} else {
			/* NAME-VERSION-RELEASE.src.rpm, split by hand */
			char *end = strstr(srpm, ".src.rpm"), *rel, *ver;
			assert_non_null(end);
			*end = '\0';
			rel = strrchr(srpm, '-');
			assert_non_null(rel);
			*rel = '\0';
			ver = strrchr(srpm, '-');
			assert_non_null(ver);
			*ver = '\0';
			*rel = '-';
			assert_int_equal(vigil_buf_puts(&sn, srpm), 0);
			assert_int_equal(vigil_buf_puts(&sv, ver + 1), 0);
		}
		vigil_buf_reset(&line);
		assert_int_equal(vigil_buf_printf(&line, "%s %s %s %s %s", name, version, sn.ptr,
						  sv.ptr, arch),
				 0);
		lines_add(out, line.ptr);
	}
	lines_sort(out);
	lines_free(&txt);
	vigil_buf_release(&line);
	vigil_buf_release(&sn);
	vigil_buf_release(&sv);
}

static void reported(const struct vigil_pkglist *l, struct lines *out)
{
	vigil_buf line = VIGIL_BUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		const vigil_package *p = &l->items[i];
		vigil_buf_reset(&line);
		assert_int_equal(vigil_buf_printf(&line, "%s %s %s %s %s", p->name, p->version,
						  p->source_name, p->source_version, p->arch),
				 0);
		lines_add(out, line.ptr);
	}
	lines_sort(out);
	vigil_buf_release(&line);
}

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		struct vigil_layer l = { 0 };
		struct vigil_pkglist pkgs = { 0 };
		struct lines want = { 0 }, got = { 0 };

		add_fixture(&l, f->db, f);
		if (detect(&l, &pkgs))
			fail_msg("%s: %s", f->dir, vigil_error_last());
		assert_int_equal(pkgs.n, f->npkgs);
		expected(f, &want);
		reported(&pkgs, &got);
		lines_assert_equal(&want, &got, f->dir);
		lines_free(&want);
		lines_free(&got);
		vigil_pkglist_release(&pkgs);
		vigil_layer_release(&l);
	}
}

static void test_fields(void **state)
{
	struct vigil_layer l = { 0 };
	struct vigil_pkglist pkgs = { 0 };

	(void)state;
	add_fixture(&l, "var/lib/rpm/rpmdb.sqlite", &rpm_fixtures[0]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 103);
	/* epoch: only when the header has one; the source version has none */
	check_pkg(&pkgs, "openssl-libs", "1:3.0.8-1.amzn2023.0.4", "openssl",
		  "3.0.8-1.amzn2023.0.4", "x86_64");
	check_pkg(&pkgs, "bash", "5.2.15-1.amzn2023.0.2", "bash", "5.2.15-1.amzn2023.0.2",
		  "x86_64");
	check_pkg(&pkgs, "alternatives", "1.15-2.amzn2023.0.2", "chkconfig",
		  "1.15-2.amzn2023.0.2", "x86_64");
	check_pkg(&pkgs, "amazon-linux-repo-cdn", "2023.1.20230825-0.amzn2023", "system-release",
		  "2023.1.20230825-0.amzn2023", "noarch");
	/* gpg-pubkey: no ARCH, no SOURCERPM -> "", its own name and version */
	check_pkg(&pkgs, "gpg-pubkey", "d832c631-63977702", "gpg-pubkey", "d832c631-63977702",
		  "");
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);

	add_fixture(&l, "var/lib/rpm/Packages", &rpm_fixtures[3]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 1);
	check_pkg(&pkgs, "libuuid", "2.32.1-42.el8_8", "util-linux", "2.32.1-42.el8_8",
		  "x86_64");
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);

	add_fixture(&l, "usr/lib/sysimage/rpm/Packages.db", &rpm_fixtures[4]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 36);
	check_pkg(&pkgs, "file-magic", "5.32-7.14.1", "file", "5.32-7.14.1", "noarch");
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);
}

static void test_symlinked_dir(void **state)
{
	struct vigil_layer l = { 0 };
	struct vigil_pkglist pkgs = { 0 };

	(void)state;
	/* openSUSE/Fedora: var/lib/rpm -> ../../usr/lib/sysimage/rpm */
	add_link(&l, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	add_fixture(&l, "usr/lib/sysimage/rpm/Packages.db", &rpm_fixtures[4]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 36);
	check_pkg(&pkgs, "bash", "4.4-19.6.1", "bash", "4.4-19.6.1", "x86_64");
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);

	/* the other way round: the database found only through the link */
	add_link(&l, "usr/lib/sysimage/rpm", "/var/lib/rpm");
	add_fixture(&l, "var/lib/rpm/Packages", &rpm_fixtures[2]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 1);
	check_pkg(&pkgs, "dive", "0.9.2-1", "dive", "0.9.2-1", "x86_64");
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);

	/* a dangling link: no database */
	add_link(&l, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 0);
	vigil_layer_release(&l);
}

static void test_order(void **state)
{
	struct vigil_layer l = { 0 };
	struct vigil_pkglist pkgs = { 0 };

	(void)state;
	/* a stale Berkeley DB next to the sqlite database rpm now uses */
	add_fixture(&l, "var/lib/rpm/Packages", &rpm_fixtures[2]);
	add_fixture(&l, "var/lib/rpm/rpmdb.sqlite", &rpm_fixtures[0]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 103);
	assert_null(find(&pkgs, "dive"));
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);

	/* usr/lib/sysimage/rpm before var/lib/rpm */
	add_fixture(&l, "var/lib/rpm/Packages", &rpm_fixtures[2]);
	add_fixture(&l, "usr/lib/sysimage/rpm/Packages", &rpm_fixtures[3]);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 1);
	assert_non_null(find(&pkgs, "libuuid"));
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);
}

static void test_none_and_garbage(void **state)
{
	static const char *const wanted[] = {
		"var/lib/rpm/Packages",
		"var/lib/rpm/rpmdb.sqlite",
		"var/lib/rpm/Packages.db",
		"usr/lib/sysimage/rpm/Packages",
		"usr/lib/sysimage/rpm/rpmdb.sqlite",
		"usr/lib/sysimage/rpm/Packages.db",
	};
	struct vigil_layer l = { 0 };
	struct vigil_pkglist pkgs = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		assert_true(vigil_detect_wants(wanted[i]));
	assert_true(vigil_detect_wants_dir("var/lib/rpm"));
	assert_true(vigil_detect_wants_dir("usr/lib/sysimage"));

	/* no database at all */
	add_file(&l, "etc/os-release", "ID=fedora\n", 10);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 0);
	vigil_layer_release(&l);

	/* an empty file: an empty database */
	add_file(&l, "var/lib/rpm/rpmdb.sqlite", "", 0);
	assert_int_equal(detect(&l, &pkgs), 0);
	assert_int_equal(pkgs.n, 0);
	vigil_layer_release(&l);

	/* garbage: EINVALID naming the path */
	add_file(&l, "var/lib/rpm/Packages", "not a database at all", 21);
	assert_int_equal(detect(&l, &pkgs), VIGIL_EINVALID);
	assert_non_null(strstr(vigil_error_last(), "'var/lib/rpm/Packages'"));
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);

	/* a database whose header is broken: the path and the header number */
	{
		size_t len;
		char *data = fixture_db(&rpm_fixtures[3], &len);
		/* the header's entry count: first bytes of the first overflow page's data */
		uint32_t ps = 4096;
		size_t at = 0;
		for (size_t pg = 1; pg * ps < len; pg++)
			if ((unsigned char)data[pg * ps + 25] == 7 && data[pg * ps + 12] == 0 &&
			    data[pg * ps + 13] == 0 && data[pg * ps + 14] == 0 &&
			    data[pg * ps + 15] == 0) {
				at = pg * ps + 26; /* the first overflow page: no prev */
				break;
			}
		assert_true(at > 0);
		data[at] = 0x7f; /* 2 billion index entries */
		assert_int_equal(vigil_layer_add(&l, VIGIL_ENTRY_FILE, "var/lib/rpm/Packages",
						 data, len),
				 0);
		assert_int_equal(detect(&l, &pkgs), VIGIL_EINVALID);
		assert_non_null(strstr(vigil_error_last(), "'var/lib/rpm/Packages'"));
		assert_non_null(strstr(vigil_error_last(), "header 1"));
		vigil_pkglist_release(&pkgs);
		vigil_layer_release(&l);
	}

	/* a symlink loop on the database directory is the view's error */
	add_link(&l, "var/lib/rpm", "rpm2");
	add_link(&l, "var/lib/rpm2", "rpm");
	add_link(&l, "usr/lib/sysimage/rpm", "/var/lib/rpm");
	{
		int err = detect(&l, &pkgs);
		assert_true(err == VIGIL_EINVALID);
		assert_non_null(strstr(vigil_error_last(), "symbolic links"));
	}
	vigil_pkglist_release(&pkgs);
	vigil_layer_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_symlinked_dir),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_none_and_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
