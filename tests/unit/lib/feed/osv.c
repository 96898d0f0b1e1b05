/* Unit tests for the OSV feed: a small record written for every rule
 * (tests/fixtures/feed/osv-small.json), withdrawn records, bad input,
 * probing, and the whole Go vulnerability database of ../shared (extracted
 * from its tar.xz into a temporary directory) with its counts computed
 * independently from the files with jansson. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/feed/feed.h"
#include "lib/store/store.h"
#include "helpers/feedtest.h"

extern const struct vigil_feed vigil_feed_osv;

static int import1(const char *path)
{
	return feedtest_import(&vigil_feed_osv, &path, 1, NULL);
}

static int collect(const struct vigil_store_range *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %d %s %s %s;", r->vuln, r->seq, r->ranges, r->versions,
	                        vigil_severity_name(r->severity));
}

static const char *lookup(const char *ns, const char *pkg)
{
	static vigil_buf b = VIGIL_BUF_INIT;

	vigil_buf_reset(&b);
	assert_int_equal(vigil_store_lookup_ranges(feedtest_store, ns, pkg, collect, &b), 0);
	return b.ptr;
}

static int details(const struct vigil_store_range *r, void *payload)
{
	return vigil_buf_printf(payload, "%s|%s|%s", r->description, r->link, r->metadata);
}

static void check_small(void)
{
	struct vigil_store_status st;
	vigil_buf b = VIGIL_BUF_INIT;
	int known = 0;

	assert_string_equal(
	        lookup("go", "example.com/mod"),
	        "GHSA-test-0001 0 [{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
	        "{\"fixed\":\"1.2.3\"},{\"introduced\":\"1.3.0\"},{\"fixed\":\"1.3.1\"}]}] [] Medium;"
	        "GHSA-test-0001 1 [{\"type\":\"GIT\",\"repo\":\"https://example.com/mod.git\","
	        "\"events\":[{\"introduced\":\"abc\"},{\"limit\":\"def\"}]}] [] Medium;");
	assert_string_equal(lookup("pypi", "examplepkg"),
	                    "GHSA-test-0001 2 [{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":"
	                    "\"1.0\"},{\"last_affected\":\"1.4\"}]}] [\"1.0\",\"1.2\",\"1.4\"] "
	                    "Medium;");
	assert_string_equal(lookup("debian:12", "openssl"), "");
	assert_string_equal(lookup("npm", "nothing"), "");
	assert_int_equal(vigil_store_lookup_ranges(feedtest_store, "pypi", "examplepkg", details, &b), 0);
	assert_string_equal(b.ptr, "Longer words about the test flaw.|https://example.com/advisory|"
	                           "{\"Aliases\":[\"CVE-2099-1111\",\"GO-2099-0001\"],"
	                           "\"Summary\":\"A test flaw\",\"Published\":\"2024-01-01T00:00:00Z\","
	                           "\"Modified\":\"2024-01-02T03:04:05Z\",\"Severity\":[{\"type\":"
	                           "\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
	                           "A:H\"}],"
	                           "\"References\":[\"https://example.com/web\","
	                           "\"https://example.com/advisory\"]}");
	vigil_buf_release(&b);
	/* The affected table holds nothing for OSV: an OS matcher never sees these. */
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "go", &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "osv");
	assert_int_equal(st.feeds[0].vulnerabilities, 1);
	assert_int_equal(st.feeds[0].records, 2); /* (go, example.com/mod), (pypi, examplepkg) */
	assert_int_equal(st.feeds[0].nnamespaces, 2);
	vigil_store_status_release(&st);
}

static void test_small(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_fixture("osv-small.json");

	(void)state;
	if (feedtest_import(&vigil_feed_osv, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.records, 3);
	assert_int_equal(run.skipped, 9);
	check_small();
	/* The same record again (another copy in the same run) changes nothing. */
	{
		const char *two[2] = { feedtest_fixture("osv-small.json"), NULL };
		two[1] = feedtest_write("copy.json", "{\"id\":\"GHSA-test-0001\",\"affected\":[]}");
		assert_int_equal(feedtest_import(&vigil_feed_osv, two, 2, NULL), 0);
		check_small();
	}
}

static void test_withdrawn(void **state)
{
	static const char past[] = "{\"id\":\"GHSA-test-0001\",\"withdrawn\":\"2024-06-01T00:00:00Z\","
	                           "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"m\"},"
	                           "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":"
	                           "\"0\"}]}]}]}";
	static const char future[] = "{\"id\":\"GO-9\",\"withdrawn\":\"3001-06-06T10:37:00Z\","
	                             "\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":"
	                             "\"m\"},\"versions\":[\"1.0.0\"]}]}";
	struct vigil_store_status st;

	(void)state;
	assert_int_equal(import1(feedtest_fixture("osv-small.json")), 0);
	assert_int_equal(import1(feedtest_write("past.json", past)), 0);
	assert_int_equal(import1(feedtest_write("future.json", future)), 0);
	assert_string_equal(lookup("go", "example.com/mod"), "");
	assert_string_equal(lookup("go", "m"), "GO-9 0 [] [\"1.0.0\"] Unknown;");
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, 1);
	assert_int_equal(st.feeds[0].vulnerabilities, 1);
	vigil_store_status_release(&st);
}

static void test_bad_input_keeps_data(void **state)
{
	static const struct {
		const char *name, *data, *want;
	} bad[] = {
		{ "trunc.json", "{\"id\": \"GO-1\", \"affected\": [", "malformed JSON at line 1" },
		{ "list.json", "[{\"id\": \"GO-1\"}]", "not an OSV record" },
		{ "noid.json", "{\"modified\": \"x\", \"affected\": []}", "no good 'id'" },
		{ "spaceid.json", "{\"id\": \"GO 1\"}", "no good 'id'" },
		{ "aff.json", "{\"id\": \"GO-1\", \"affected\": {}}", "'affected' is not a list" },
		{ "empty.json", "", "empty file" },
	};
	const char *paths[2];
	size_t i;

	(void)state;
	assert_int_equal(import1(feedtest_fixture("osv-small.json")), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		paths[0] = feedtest_fixture("osv-small.json");
		paths[1] = feedtest_write(bad[i].name, bad[i].data);
		assert_true(feedtest_import(&vigil_feed_osv, paths, 2, NULL) < 0);
		assert_non_null(strstr(vigil_error_last(), bad[i].name));
		if (!strstr(vigil_error_last(), bad[i].want))
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, vigil_error_last(),
			         bad[i].want);
		check_small();
	}
	/* The deliberately broken PyPI record of trivy-db's tests. */
	paths[1] = feedtest_shared("vulndata/osv/samples/trivy-db/sad/vuln-list/osv/python/PYSEC-2005-1.json");
	assert_true(feedtest_import(&vigil_feed_osv, paths, 2, NULL) < 0);
	assert_non_null(strstr(vigil_error_last(), "malformed JSON at line"));
	check_small();
}

static void test_probe(void **state)
{
	static const char csaf[] = "{\"document\": {\"category\": \"csaf_vex\", \"tracking\": "
	                           "{\"id\": \"CVE-1\"}}, \"modified\": 1}";
	static const char nvd[] = "{\"id\": \"CVE-1\", \"lastModified\": \"x\"}";
	vigil_buf head = VIGIL_BUF_INIT;

	(void)state;
	assert_int_equal(vigil_feed_read(&head, feedtest_fixture("osv-small.json"), 4096, 0), 0);
	assert_true(vigil_feed_probe("x", head.ptr, head.len) == &vigil_feed_osv);
	assert_int_equal(vigil_feed_read(&head,
	                                 feedtest_shared("vulndata/osv/golang-vulndb/examples/GO-2022-0969.json"),
	                                 4096, 0),
	                 0);
	assert_true(vigil_feed_probe("x", head.ptr, head.len) == &vigil_feed_osv);
	assert_false(vigil_feed_probe("x", csaf, sizeof(csaf) - 1) == &vigil_feed_osv);
	assert_null(vigil_feed_probe("x", nvd, sizeof(nvd) - 1));
	assert_true(vigil_feed_find("osv") == &vigil_feed_osv);
	vigil_buf_release(&head);
}

/* ---- the Go vulnerability database ---- */

/* (ecosystem lowercased, package, id) of every entry of a record not withdrawn. */
static void count_file(const char *path, struct feedtest_set *records, struct feedtest_set *ids,
                       struct feedtest_set *nss)
{
	json_t *root = json_load_file(path, 0, NULL), *a;
	const char *id;
	char rec[4096], eco[128];
	size_t i, j;

	if (!root)
		fail_msg("%s does not parse", path);
	id = json_string_value(json_object_get(root, "id"));
	if (json_object_get(root, "withdrawn")) {
		json_decref(root);
		return;
	}
	json_array_foreach(json_object_get(root, "affected"), i, a)
	{
		json_t *pkg = json_object_get(a, "package");
		const char *e = json_string_value(json_object_get(pkg, "ecosystem"));
		const char *name = json_string_value(json_object_get(pkg, "name"));
		if (!e || !name || strchr(e, ':') ||
		    (!json_array_size(json_object_get(a, "ranges")) &&
		     !json_array_size(json_object_get(a, "versions"))))
			continue;
		for (j = 0; e[j] && j < sizeof(eco) - 1; j++)
			eco[j] = (char)tolower((unsigned char)e[j]);
		eco[j] = '\0';
		snprintf(rec, sizeof(rec), "%s\t%s\t%s", eco, name, id);
		feedtest_set_add(records, "%s", rec);
		feedtest_set_add(ids, "%s", id);
		feedtest_set_add(nss, "%s", eco);
	}
	json_decref(root);
}

static void test_go_vulndb(void **state)
{
	struct feedtest_set records = { 0 }, ids = { 0 }, nss = { 0 };
	struct vigil_feed_run run;
	struct vigil_store_status st;
	char cmd[4096], base[600], path[1024];
	const char **paths = NULL;
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	(void)state;
	snprintf(base, sizeof(base), "%s/go", feedtest_dir());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && tar -xJf '%s' -C '%s'", base,
	         feedtest_shared("vulndata/osv/golang-vulndb/osv.tar.xz"), base);
	if (system(cmd) != 0)
		fail_msg("cannot extract the Go vulndb: %s", cmd);
	snprintf(base + strlen(base), sizeof(base) - strlen(base), "/osv");
	if (!(d = opendir(base)))
		fail_msg("no osv/ in the Go vulndb tarball");
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		paths = realloc(paths, (n + 1) * sizeof(char *));
		paths[n++] = strdup(path);
		count_file(path, &records, &ids, &nss);
	}
	closedir(d);
	assert_true(n >= 4291);
	if (feedtest_import(&vigil_feed_osv, paths, n, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.files, n);
	assert_int_equal(run.skipped, 0);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, feedtest_set_count(&records));
	assert_int_equal(st.feeds[0].vulnerabilities, feedtest_set_count(&ids));
	assert_int_equal(st.feeds[0].nnamespaces, feedtest_set_count(&nss));
	assert_string_equal(st.feeds[0].namespaces[0], "go");
	vigil_store_status_release(&st);
	/* GO-2022-0969: stdlib fixed in 1.18.6 and 1.19.1. */
	assert_non_null(strstr(lookup("go", "stdlib"),
	                       "GO-2022-0969 0 [{\"type\":\"SEMVER\",\"events\":[{\"introduced\":"
	                       "\"0\"},{\"fixed\":\"1.18.6\"},{\"introduced\":\"1.19.0-0\"},"
	                       "{\"fixed\":\"1.19.1\"}]}] [] Unknown;"));
	for (i = 0; i < n; i++)
		free((void *)paths[i]);
	free(paths);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_data, feedtest_setup, feedtest_teardown),
		cmocka_unit_test(test_probe),
		cmocka_unit_test_setup_teardown(test_go_vulndb, feedtest_setup, feedtest_teardown),
	};
	int rc;

	vigil_log_set_sink(NULL, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	feedtest_cleanup();
	return rc;
}
