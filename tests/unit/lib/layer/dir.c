/*
 * Unit tests for vigil_layer_from_dir(): wanted files and the symlinks on
 * the way, followed inside the root only, read back through the merged view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/layer/fsview.h"

static char root[256];

static void put(const char *rel, const char *data)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void link_at(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/vigil-dir-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	put("usr/lib/os-release", "ID=debian\n");
	put("etc/keep", "");
	link_at("etc/os-release", "../usr/lib/os-release");
	link_at("etc/debian_version", "/etc/debian_version");
	link_at("etc/lsb-release", "../../../../../../etc/hostname");
	put("var/lib/dpkg/status", "S\n");
	put("var/lib/dpkg/status.d/a", "A\n");
	put("var/lib/dpkg/status.d/sub/deep", "not kept\n");
	link_at("var/lib/dpkg/status.d/b", "a");
	put("usr/lib/sysimage/rpm/Packages", "RPM");
	link_at("var/lib/rpm", "../../usr/lib/sysimage/rpm");
	put("usr/lib/apk/db/installed", "APK");
	link_at("lib", "usr/lib");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct vigil_entry *find(const struct vigil_layer *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->entries[i].path, path) == 0)
			return &l->entries[i];
	return NULL;
}

static const char *get(const struct vigil_fsview *v, const char *path, int *err)
{
	static char out[256];
	const char *d;
	size_t n;

	*err = vigil_fsview_read(v, path, &d, &n);
	if (*err < 0)
		return NULL;
	memcpy(out, d, n);
	out[n] = '\0';
	return out;
}

static void test_walk(void **state)
{
	struct vigil_layer l = { 0 };
	struct vigil_fsview v;
	const struct vigil_entry *e;
	int err;

	(void)state;
	assert_int_equal(vigil_layer_from_dir(&l, root, NULL), 0);
	assert_string_equal(l.digest, "");
	assert_string_equal(l.diff_id, "");
	e = find(&l, "etc/os-release");
	assert_non_null(e);
	assert_int_equal(e->type, VIGIL_ENTRY_SYMLINK);
	assert_string_equal(e->data, "../usr/lib/os-release");
	assert_non_null(find(&l, "var/lib/dpkg/status.d/a"));
	assert_null(find(&l, "var/lib/dpkg/status.d/sub/deep"));
	assert_null(find(&l, "etc/keep"));
	assert_null(find(&l, "etc/hostname")); /* nothing from the host */

	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, &l), 0);
	assert_string_equal(get(&v, "etc/os-release", &err), "ID=debian\n");
	assert_string_equal(get(&v, "var/lib/dpkg/status", &err), "S\n");
	assert_string_equal(get(&v, "var/lib/dpkg/status.d/b", &err), "A\n");
	assert_string_equal(get(&v, "var/lib/rpm/Packages", &err), "RPM");
	assert_string_equal(get(&v, "lib/apk/db/installed", &err), "APK");
	assert_null(get(&v, "etc/lsb-release", &err));
	assert_int_equal(err, VIGIL_ENOTFOUND);
	assert_null(get(&v, "etc/debian_version", &err));
	assert_int_equal(err, VIGIL_EINVALID); /* a link to itself: a loop, inside the image */
	vigil_fsview_release(&v);
	vigil_layer_release(&l);
}

static void test_limits(void **state)
{
	struct vigil_layer l = { 0 };
	struct vigil_layer_opts o = { 2, "root" };

	(void)state;
	assert_int_equal(vigil_layer_from_dir(&l, root, &o), VIGIL_ETOOBIG);
	assert_int_equal(l.n, 0);
	assert_int_equal(vigil_layer_from_dir(&l, "/nonexistent/root", NULL), VIGIL_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
