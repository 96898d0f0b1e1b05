/* Unit tests for the merged view: whiteouts, opaque dirs, links, loops. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/layer/fsview.h"

/* Entries built by hand: the reader's vigil_layer_add is another file's job. */
static void add(struct vigil_layer *l, enum vigil_entry_type t, const char *path, const char *data)
{
	l->entries = vigil_array_grow(l->entries, &l->cap, l->n + 1, sizeof(*l->entries));
	l->entries[l->n].type = t;
	l->entries[l->n].path = vigil_strdup(path);
	l->entries[l->n].data = data ? vigil_strdup(data) : NULL;
	l->entries[l->n].len = data ? strlen(data) : 0;
	l->n++;
}

static void drop(struct vigil_layer *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		vigil_free(l->entries[i].path);
		vigil_free(l->entries[i].data);
	}
	vigil_free(l->entries);
	memset(l, 0, sizeof(*l));
}

static const char *get(const struct vigil_fsview *v, const char *path)
{
	static char out[256];
	const char *d;
	size_t n;
	int err = vigil_fsview_read(v, path, &d, &n);

	if (err == VIGIL_ENOTFOUND)
		return "<none>";
	if (err < 0)
		return "<error>";
	memcpy(out, d, n);
	out[n] = '\0';
	return out;
}

static int collect(const char *path, const char *data, size_t len, void *payload)
{
	char *acc = payload;

	strcat(acc, path);
	strcat(acc, "=");
	strncat(acc, data, len);
	strcat(acc, ";");
	return 0;
}

static void test_layers(void **state)
{
	struct vigil_layer l1 = { 0 }, l2 = { 0 }, l3 = { 0 };
	struct vigil_fsview v;
	char acc[512] = "";

	(void)state;
	add(&l1, VIGIL_ENTRY_FILE, "usr/lib/os-release", "ID=debian");
	add(&l1, VIGIL_ENTRY_SYMLINK, "etc/os-release", "../usr/lib/os-release");
	add(&l1, VIGIL_ENTRY_FILE, "etc/a", "A");
	add(&l1, VIGIL_ENTRY_FILE, "var/lib/dpkg/status", "S1");
	add(&l1, VIGIL_ENTRY_FILE, "var/lib/dpkg/status.d/one", "1");
	add(&l1, VIGIL_ENTRY_SYMLINK, "loop1", "loop2");
	add(&l1, VIGIL_ENTRY_SYMLINK, "loop2", "/loop1");
	add(&l1, VIGIL_ENTRY_SYMLINK, "etc/escape", "../../../../../usr/lib/os-release");
	add(&l1, VIGIL_ENTRY_SYMLINK, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	add(&l1, VIGIL_ENTRY_FILE, "usr/lib/sysimage/rpm/Packages.db", "NDB");
	add(&l1, VIGIL_ENTRY_HARDLINK, "etc/hard", "etc/a");
	add(&l2, VIGIL_ENTRY_WHITEOUT, "etc/a", NULL);
	add(&l2, VIGIL_ENTRY_OPAQUE, "var/lib/dpkg/status.d", NULL);
	add(&l2, VIGIL_ENTRY_FILE, "var/lib/dpkg/status.d/two", "2");
	add(&l2, VIGIL_ENTRY_FILE, "var/lib/dpkg/status", "S2");
	add(&l3, VIGIL_ENTRY_WHITEOUT, "usr", NULL);

	vigil_fsview_init(&v);
	assert_int_equal(vigil_fsview_apply(&v, &l1), 0);
	assert_string_equal(get(&v, "etc/os-release"), "ID=debian");
	assert_string_equal(get(&v, "/etc/escape"), "ID=debian");
	assert_string_equal(get(&v, "etc/hard"), "A");
	assert_string_equal(get(&v, "var/lib/rpm/Packages.db"), "NDB");
	assert_string_equal(get(&v, "loop1"), "<error>");
	assert_int_equal(vigil_fsview_read(&v, "loop1/x", &(const char *){ 0 }, &(size_t){ 0 }),
			 VIGIL_EINVALID);
	assert_string_equal(get(&v, "var/lib/dpkg/status"), "S1");

	assert_int_equal(vigil_fsview_apply(&v, &l2), 0);
	assert_string_equal(get(&v, "etc/a"), "<none>");
	assert_string_equal(get(&v, "etc/hard"), "<none>");
	assert_string_equal(get(&v, "var/lib/dpkg/status"), "S2");
	assert_int_equal(vigil_fsview_list(&v, "var/lib/dpkg/status.d", collect, acc), 0);
	assert_string_equal(acc, "var/lib/dpkg/status.d/two=2;");
	acc[0] = '\0';
	assert_int_equal(vigil_fsview_list(&v, "var/lib/rpm", collect, acc), 0);
	assert_string_equal(acc, "var/lib/rpm/Packages.db=NDB;");

	assert_int_equal(vigil_fsview_apply(&v, &l3), 0);
	assert_string_equal(get(&v, "etc/os-release"), "<none>");
	assert_string_equal(get(&v, "var/lib/rpm/Packages.db"), "<none>");
	assert_string_equal(get(&v, "var/lib/dpkg/status"), "S2");

	vigil_fsview_release(&v);
	drop(&l1);
	drop(&l2);
	drop(&l3);
}

static void test_dir_hides_symlink(void **state)
{
	struct vigil_layer l1 = { 0 }, l2 = { 0 };
	struct vigil_fsview v;

	(void)state;
	add(&l1, VIGIL_ENTRY_SYMLINK, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
	add(&l1, VIGIL_ENTRY_FILE, "usr/lib/sysimage/rpm/Packages.db", "OLD");
	add(&l2, VIGIL_ENTRY_DIR, "var/lib/rpm", NULL);
	add(&l2, VIGIL_ENTRY_FILE, "var/lib/rpm/Packages.db", "NEW");
	vigil_fsview_init(&v);
	vigil_fsview_apply(&v, &l1);
	assert_string_equal(get(&v, "var/lib/rpm/Packages.db"), "OLD");
	vigil_fsview_apply(&v, &l2);
	assert_string_equal(get(&v, "var/lib/rpm/Packages.db"), "NEW");
	vigil_fsview_release(&v);
	drop(&l1);
	drop(&l2);
}

/* A layer that lists a directory again keeps what lower layers put below it. */
static void test_dir_keeps_content(void **state)
{
	struct vigil_layer l1 = { 0 }, l2 = { 0 };
	struct vigil_fsview v;

	(void)state;
	add(&l1, VIGIL_ENTRY_DIR, "etc", NULL);
	add(&l1, VIGIL_ENTRY_FILE, "etc/os-release", "ID=debian");
	add(&l2, VIGIL_ENTRY_DIR, "etc", NULL);
	add(&l2, VIGIL_ENTRY_DIR, "var", NULL);
	vigil_fsview_init(&v);
	vigil_fsview_apply(&v, &l1);
	vigil_fsview_apply(&v, &l2);
	assert_string_equal(get(&v, "etc/os-release"), "ID=debian");
	vigil_fsview_release(&v);
	drop(&l1);
	drop(&l2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_dir_hides_symlink),
		cmocka_unit_test(test_dir_keeps_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
