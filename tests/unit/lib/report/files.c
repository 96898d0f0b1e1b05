/*
 * Writes every report format of four results (alpine: hostile findings,
 * debian: plain findings, clean: none, rootfs: no OS, no diff_ids, rpm) to files, for the schema
 * and browser checks of tests/e2e/report_validate.sh: into $VIGIL_REPORT_OUT when set, else into a
 * temporary directory removed afterwards. Files are named <result>-<format>.<ext>:
 * alpine-sarif.json, debian-cyclonedx.json, clean-html.html, alpine-table.txt (ext: txt, html, else
 * json). Each file must exist and be non-empty, and the same scan must give the same bytes twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

static const char *const formats[] = { "table", "json", "sarif", "cyclonedx", "html", "clair" };

static void write_one(const char *dir, const char *name, const vigil_scan_result *r,
                      const char *format)
{
	vigil_report_opts opts = VIGIL_REPORT_OPTS_INIT;
	char path[4096], *again;
	FILE *f;
	struct stat st;

	opts.created_at = "2026-01-02T03:04:05Z";
	snprintf(path, sizeof(path), "%s/%s-%s.%s", dir, name, format,
	         strcmp(format, "table") == 0  ? "txt"
	         : strcmp(format, "html") == 0 ? "html"
	                                       : "json");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(vigil_report_write(f, format, r, &opts), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0);
	again = fixture_render(r, format, &opts);
	assert_int_equal(strlen(again), (size_t)st.st_size);
	free(again);
}

static void write_all(const char *dir)
{
	vigil_scan_result *r[4] = { fixture_alpine(), fixture_debian(), fixture_clean(),
		                    fixture_rootfs() };
	static const char *const names[4] = { "alpine", "debian", "clean", "rootfs" };
	size_t i, k;

	for (i = 0; i < 4; i++) {
		for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
			write_one(dir, names[i], r[i], formats[k]);
		vigil_scan_result_free(r[i]);
	}
}

static void test_files(void **state)
{
	const char *out = getenv("VIGIL_REPORT_OUT");
	char tmp[] = "/tmp/vigil-report-XXXXXX", cmd[64];

	(void)state;
	if (out && *out) {
		assert_true(mkdir(out, 0755) == 0 || access(out, W_OK) == 0);
		write_all(out);
		return;
	}
	assert_non_null(mkdtemp(tmp));
	write_all(tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
