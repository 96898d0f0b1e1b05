/* Unit tests for the Alpine secdb feed: small JSON and YAML inputs written
 * here, bad input, probing, and every real secdb file of ../shared with its
 * counts computed independently (walking the parsed JSON with jansson). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/feed/feed.h"
#include "lib/store/store.h"
#include "helpers/feedtest.h"

extern const struct vigil_feed vigil_feed_alpine;


static const char small_json[] =
        "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"archs\": [\"x86_64\"],\n"
        " \"packages\": [\n"
        "  {\"pkg\": {\"name\": \"openssl\", \"secfixes\": {\n"
        "     \"3.1.4-r1\": [\"CVE-2023-5678\", \"CVE-2023-44441 ZDI-CAN-22093\"],\n"
        "     \"3.0.9-r0\": [\"CVE-2023-5678\"],\n"
        "     \"0\": [\"CVE-2022-0001 (not our code)\"]}}},\n"
        "  {\"pkg\": {\"name\": \"musl\", \"secfixes\": null}},\n"
        "  {\"pkg\": {\"name\": \"odd\", \"secfixes\": {\"1-r0\": {}, \"2-r0\": [\"  \", 7, "
        "\"CVE-1\"]}}}\n"
        " ]}\n";

static const char small_yaml[] = "---\n"
                                 "distroversion: v3.18\n"
                                 "reponame: main\n"
                                 "packages:\n"
                                 "  - pkg:\n"
                                 "      name: openssl\n"
                                 "      secfixes:\n"
                                 "        3.1.4-r1:\n"
                                 "          - CVE-2023-5678\n"
                                 "          - CVE-2023-44441 ZDI-CAN-22093\n"
                                 "        3.0.9-r0:\n"
                                 "          - CVE-2023-5678\n"
                                 "        0:\n"
                                 "          - CVE-2022-0001 (not our code)\n"
                                 "  - pkg:\n"
                                 "      name: musl\n"
                                 "      secfixes:\n"
                                 "  - pkg:\n"
                                 "      name: odd\n"
                                 "      secfixes:\n"
                                 "        1-r0: {}\n"
                                 "        2-r0: ['  ', [7], CVE-1]\n"
                                 "        3-r0:\n";

static int import1(const char *path)
{
	return feedtest_import(&vigil_feed_alpine, &path, 1, NULL);
}

static int collect(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %d %s;", r->vuln, (int)r->status, r->fixed_version);
}

static const char *lookup(const char *ns, const char *pkg)
{
	return feedtest_lookup(ns, pkg, collect);
}

static void check_small(void)
{
	struct vigil_store_status st;
	int known = 0;

	assert_string_equal(lookup("alpine:v3.18", "openssl"),
	                    "CVE-2022-0001 2 ;"
	                    "CVE-2023-44441 0 3.1.4-r1;"
	                    "CVE-2023-5678 0 3.0.9-r0;CVE-2023-5678 0 3.1.4-r1;");
	assert_string_equal(lookup("alpine:v3.18", "musl"), "");
	assert_string_equal(lookup("alpine:v3.18", "odd"), "CVE-1 0 2-r0;");
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "alpine:v3.18", &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "alpine");
	assert_string_equal(st.feeds[0].source, "https://secdb.alpinelinux.org/");
	assert_int_equal(st.feeds[0].vulnerabilities, 4);
	assert_int_equal(st.feeds[0].records, 4);
	assert_int_equal(st.feeds[0].nnamespaces, 1);
	vigil_store_status_release(&st);
}

static void test_small_json(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_write_bytes("small.json", small_json, sizeof(small_json) - 1);

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_alpine, &p, 1, &run), 0);
	assert_int_equal(run.files, 1);
	assert_int_equal(run.records, 5);
	assert_int_equal(run.skipped, 3); /* {} list, blank item, non-string item */
	check_small();
}

static void test_small_yaml(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_write_bytes("small.yaml", small_yaml, sizeof(small_yaml) - 1);

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_alpine, &p, 1, &run), 0);
	assert_int_equal(run.records, 5);
	assert_int_equal(run.skipped, 3);
	check_small();
}

static void test_edge_and_empty_packages(void **state)
{
	static const char edge[] = "{\"distroversion\":\"edge\",\"reponame\":\"community\","
	                           "\"packages\":[]}";
	static const char none[] = "distroversion: v3.3\nreponame: community\npackages:\n";
	static const char obj[] = "{\"distroversion\":\"v3.4\",\"reponame\":\"c\",\"packages\":{}}";
	static const char yobj[] = "distroversion: v3.5\nreponame: c\npackages: {}\n";
	int known = 0;

	(void)state;
	assert_int_equal(import1(feedtest_write_bytes("e.json", edge, sizeof(edge) - 1)), 0);
	assert_int_equal(import1(feedtest_write_bytes("n.yaml", none, sizeof(none) - 1)), 0);
	assert_int_equal(import1(feedtest_write_bytes("o.json", obj, sizeof(obj) - 1)), 0);
	assert_int_equal(import1(feedtest_write_bytes("o.yaml", yobj, sizeof(yobj) - 1)), 0);
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "alpine:v3.5", &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "alpine:edge", &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(vigil_store_namespace_known(feedtest_store, "alpine:v3.3", &known), 0);
	assert_int_equal(known, 1);
}

/* Each bad input fails naming the file, and the earlier import stays. */
static void test_bad_input_keeps_data(void **state)
{
	static const struct {
		const char *name, *data, *want;
	} bad[] = {
		{ "trunc.json", "{\"distroversion\":\"v3.18\",\"reponame\":\"main\",\"packages\":[",
		  "malformed JSON at line 1" },
		{ "bad.yaml", "distroversion: v3.18\nreponame: main\npackages:\n  - pkg: [\n",
		  "malformed YAML at line 5" },
		{ "tab.yaml", "distroversion: v3.18\n\treponame: x\n", "malformed YAML at line" },
		{ "nodv.json", "{\"reponame\":\"main\",\"packages\":[]}", "no 'distroversion'" },
		{ "baddv.json",
		  "{\"distroversion\":\"3.18; drop\",\"reponame\":\"m\",\"packages\":[]}",
		  "bad distroversion" },
		{ "norepo.yaml", "distroversion: v3.18\npackages: []\n", "reponame" },
		{ "pkgs.json",
		  "{\"distroversion\":\"v3.18\",\"reponame\":\"main\",\"packages\":{\"a\":1}}",
		  "'packages' is not a list" },
		{ "list.json", "[1, 2]", "not an Alpine secdb document" },
		{ "scalar.yaml", "just words\n", "not an Alpine secdb document" },
		{ "empty.json", "", "empty file" },
	};
	const char *p = feedtest_write_bytes("good.json", small_json, sizeof(small_json) - 1);
	const char *paths[2];
	size_t i;
	char name[64];

	(void)state;
	assert_int_equal(import1(p), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		paths[0] = feedtest_write_bytes("again.json", small_json, sizeof(small_json) - 1);
		snprintf(name, sizeof(name), "%s", bad[i].name);
		paths[1] = feedtest_write_bytes(name, bad[i].data, strlen(bad[i].data));
		assert_true(feedtest_import(&vigil_feed_alpine, paths, 2, NULL) < 0);
		assert_non_null(strstr(vigil_error_last(), bad[i].name));
		if (!strstr(vigil_error_last(), bad[i].want))
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, vigil_error_last(),
			         bad[i].want);
		check_small();
	}
}

static void test_probe(void **state)
{
	static const char vulnlist[] = "{\"name\":\"ansible\",\"secfixes\":{},\"distroversion\":"
	                               "\"v3.12\",\"reponame\":\"main\"}";
	static const char late[] = "{\n \"packages\": [\n], \"reponame\": \"main\"}";

	(void)state;
	assert_true(vigil_feed_probe("x", small_json, sizeof(small_json) - 1) ==
	            &vigil_feed_alpine);
	assert_true(vigil_feed_probe("x", small_yaml, sizeof(small_yaml) - 1) ==
	            &vigil_feed_alpine);
	assert_null(vigil_feed_probe("x", vulnlist, sizeof(vulnlist) - 1));
	assert_null(vigil_feed_probe("x", late, sizeof(late) - 1));
	assert_null(vigil_feed_probe("x", "\x1f\x8bgarbage", 9));
	assert_null(vigil_feed_probe("x", "<html>packages: secfixes:", 25));
	assert_true(vigil_feed_find("alpine") == &vigil_feed_alpine);
	assert_null(vigil_feed_find("nope"));
}

/* ---- the real files ---- */

/* First whitespace-separated token of `item` into `out`. */
static int first_token(const char *item, char *out, size_t n)
{
	return sscanf(item, "%1000s", out) == 1 && strlen(out) < n;
}

/* Count (namespace, package, ID) and IDs of one secdb JSON file, independently. */
static void count_file(const char *path, struct feedtest_set *records, struct feedtest_set *ids,
                       struct feedtest_set *nss)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *pkgs, *e, *items, *it;
	const char *ver;
	char ns[64], id[1024];
	size_t i, j;

	if (!root)
		fail_msg("%s: %s", path, jerr.text);
	snprintf(ns, sizeof(ns), "alpine:%s",
	         json_string_value(json_object_get(root, "distroversion")));
	feedtest_set_add(nss, "%s\t%s\t%s", ns, "", "");
	pkgs = json_object_get(root, "packages");
	json_array_foreach(pkgs, i, e)
	{
		json_t *pkg = json_object_get(e, "pkg");
		const char *name = json_string_value(json_object_get(pkg, "name"));
		json_object_foreach(json_object_get(pkg, "secfixes"), ver, items)
		{
			json_array_foreach(items, j, it)
			{
				if (!json_is_string(it) ||
				    !first_token(json_string_value(it), id, sizeof(id)))
					continue;
				feedtest_set_add(records, "%s\t%s\t%s", ns, name, id);
				feedtest_set_add(ids, "%s\t%s\t%s", id, "", "");
			}
		}
	}
	json_decref(root);
}

static void test_real_secdb_json(void **state)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "/work/shared";
	struct feedtest_set records = { 0 }, ids = { 0 }, nss = { 0 };
	struct vigil_store_status st;
	char base[512], path[1024];
	const char **paths = NULL;
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	(void)state;
	snprintf(base, sizeof(base), "%s/vulndata/alpine/secdb-json", shared);
	d = opendir(base);
	if (!d)
		fail_msg("missing shared data '%s'", base);
	while ((de = readdir(d)) != NULL) {
		const char *repos[] = { "main.json", "community.json" };
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < 2; i++) {
			FILE *f;
			snprintf(path, sizeof(path), "%s/%s/%s", base, de->d_name, repos[i]);
			if (!(f = fopen(path, "r")))
				continue;
			fclose(f);
			paths = realloc(paths, (n + 1) * sizeof(char *));
			paths[n++] = strdup(path);
			count_file(path, &records, &ids, &nss);
		}
	}
	closedir(d);
	assert_true(n >= 41);
	if (feedtest_import(&vigil_feed_alpine, paths, n, NULL) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, feedtest_set_count(&records));
	assert_int_equal(st.feeds[0].vulnerabilities, feedtest_set_count(&ids));
	assert_int_equal(st.feeds[0].nnamespaces, feedtest_set_count(&nss));
	vigil_store_status_release(&st);
	/* Spot checks on lookups. */
	assert_non_null(strstr(lookup("alpine:v3.18", "apache2"), "CVE-2017-3167 0 2.4.26-r0;"));
	for (i = 0; i < n; i++)
		free((void *)paths[i]);
	free(paths);
}

/* A real YAML file (the 2020 alpine-secdb repository) imports whole. */
static void test_real_secdb_yaml(void **state)
{
	const char *shared = getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "/work/shared";
	struct vigil_store_status st;
	char path[1024];
	const char *p = path;

	(void)state;
	snprintf(path, sizeof(path), "%s/vulndata/alpine/secdb-yaml/v3.11/main.yaml", shared);
	if (import1(p) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_true(st.feeds[0].records > 1000);
	assert_string_equal(st.feeds[0].namespaces[0], "alpine:v3.11");
	vigil_store_status_release(&st);
	assert_non_null(strstr(lookup("alpine:v3.11", "apache2"), "CVE-2019-0196 0 2.4.39-r0;"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_json, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_small_yaml, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_edge_and_empty_packages, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_data, feedtest_setup, feedtest_teardown),
		cmocka_unit_test(test_probe),
		cmocka_unit_test_setup_teardown(test_real_secdb_json, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_real_secdb_yaml, feedtest_setup, feedtest_teardown),
	};
	int rc;

	vigil_log_set_sink(NULL, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	feedtest_cleanup();
	return rc;
}
