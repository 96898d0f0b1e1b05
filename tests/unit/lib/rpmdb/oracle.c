/*
 * Oracle: rpm itself (Debian's rpm 4.18) against vigil's readers. For each
 * Berkeley DB and sqlite fixture (and a big-endian rewrite of each Berkeley
 * DB), the database is copied to a temporary directory, `rpm --dbpath DIR -qa`
 * lists it, and the set must equal what vigil reads. The query prints
 * %{EPOCH}, "(none)" when the tag is absent, so an explicit epoch 0 would be
 * told apart. Debian's rpm has no ndb backend: ndb is only checked against
 * packages.txt (rpmdb.c).
 *
 * rpm missing from PATH is a failure, not a skip: scripts/install-deps.sh
 * installs it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpmfixtures.h"

#define QF "%{NAME} %{EPOCH} %{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\\n"

static char tmpdir[4096];

static int setup(void **state)
{
	const char *base = getenv("VIGIL_TMP");

	(void)state;
	if (system("command -v rpm >/dev/null 2>&1") != 0) {
		print_error("rpm is not on PATH (scripts/install-deps.sh installs it)\n");
		return -1;
	}
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0777) != 0 && errno != EEXIST) {
		print_error("cannot create '%s'\n", base);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/rpmdb-oracle-XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		print_error("mkdtemp in '%s' failed\n", base);
		return -1;
	}
	return 0;
}

/* Empty the directory (rpm may leave -shm/-wal files or a lock behind). */
static void clean(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[8192];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
	closedir(d);
}

static int teardown(void **state)
{
	(void)state;
	clean();
	rmdir(tmpdir);
	return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* rpm's list for the database in tmpdir. */
static void rpm_lines(const char *backend, struct lines *out)
{
	vigil_buf cmd = VIGIL_BUF_INIT;
	char line[4096];
	FILE *p;
	int status;

	assert_int_equal(vigil_buf_printf(&cmd,
					  "rpm --dbpath '%s' --define '_db_backend %s' -qa "
					  "--qf '%s' 2>/dev/null",
					  tmpdir, backend, QF),
			 0);
	p = popen(cmd.ptr, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		lines_add(out, line);
	}
	status = pclose(p);
	if (status != 0)
		fail_msg("'%s' exited with status %d", cmd.ptr, status);
	lines_sort(out);
	vigil_buf_release(&cmd);
}

static void compare(const struct rpm_fixture *f, const char *data, size_t len, int big_endian)
{
	const char *backend = f->format == VIGIL_RPMDB_SQLITE ? "sqlite" : "bdb_ro";
	const char *base = strrchr(f->db, '/') + 1;
	struct lines want = { 0 }, got = { 0 };
	char what[256], path[8192];

	snprintf(what, sizeof(what), "%s%s", f->dir, big_endian ? " (big-endian)" : "");
	snprintf(path, sizeof(path), "%s/%s", tmpdir, base);
	clean();
	write_file(path, data, len);
	rpm_lines(backend, &want);
	if (want.n != f->npkgs)
		fail_msg("%s: rpm lists %zu packages, %zu expected", what, want.n, f->npkgs);
	if (db_lines(data, len, f->db, 'R', &got))
		fail_msg("%s: %s", what, vigil_error_last());
	lines_assert_equal(&want, &got, what);
	lines_free(&want);
	lines_free(&got);
}

static void test_oracle(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RPM_FIXTURES; i++) {
		const struct rpm_fixture *f = &rpm_fixtures[i];
		size_t len;
		char *data;

		if (f->format == VIGIL_RPMDB_NDB)
			continue;
		data = fixture_db(f, &len);
		compare(f, data, len, 0);
		if (f->format == VIGIL_RPMDB_BDB) {
			bdb_to_big_endian((unsigned char *)data, len);
			compare(f, data, len, 1);
		}
		vigil_free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
