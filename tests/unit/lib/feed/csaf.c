/* Unit tests for the Red Hat CSAF VEX feed: a small document written for
 * every product-tree rule (tests/fixtures/feed/csaf-small.json), deleted
 * documents, bad input, probing, and the real CSAF documents of ../shared
 * with their counts computed independently here (platform-id prefixes and a
 * POSIX regex instead of the feed's relationships and hand parser). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/feed/feed.h"
#include "lib/store/store.h"
#include "helpers/feedtest.h"

extern const struct vigil_feed vigil_feed_csaf;

static int import1(const char *path)
{
	return feedtest_import(&vigil_feed_csaf, &path, 1, NULL);
}

static int collect(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %d %s %s;", r->vuln, (int)r->status, r->fixed_version,
	                        vigil_severity_name(r->severity));
}

static const char *lookup(const char *ns, const char *pkg)
{
	return feedtest_lookup(ns, pkg, collect);
}

static int first_details(const struct vigil_store_record *r, void *payload)
{
	vigil_buf *b = payload;

	if (b->len == 0)
		return vigil_buf_printf(b, "%s|%s|%s", r->description, r->link,
		                        r->metadata ? r->metadata : "-");
	return 0;
}

static void check_small(void)
{
	struct vigil_store_status st;
	vigil_buf b = VIGIL_BUF_INIT;

	/* Fixed: EVR from the product id, epoch shown only when not zero. */
	assert_string_equal(lookup("rhel:9", "openssl"), "CVE-2099-0001 0 1:3.0.7-18.el9_2 Critical;");
	assert_string_equal(lookup("rhel:9", "openssl-libs"),
	                    "CVE-2099-0001 0 1:3.0.7-18.el9_2 Critical;");
	/* Module suffixes: "::ruby:3.1" (VEX), ".rpm-ruby:3.1" without an epoch (advisories). */
	assert_string_equal(lookup("rhel:9", "ruby"),
	                    "CVE-2099-0001 0 3.1.4-142.module+el9.2.0+1+2 Critical;");
	assert_string_equal(lookup("rhel:9", "rubygem-json"),
	                    "CVE-2099-0001 0 2.3.0-139.module+el9.2.0+3+4 Critical;");
	/* Known affected and not affected, unversioned; ".src" and "module:stream/" dropped;
	 * severity from aggregate_severity where no threat names the product. */
	assert_string_equal(lookup("rhel:8", "openssl"),
	                    "CVE-2099-0001 1  Medium;CVE-2099-0001 2  Medium;CVE-2099-0002 2  Medium;");
	assert_string_equal(lookup("rhel:8", "nodejs"), "CVE-2099-0001 1  Medium;");
	assert_string_equal(lookup("rhel:8", "libfoo"), "CVE-2099-0001 1  Medium;");
	assert_string_equal(lookup("rhel:8", "compat-openssl10"), "CVE-2099-0001 2  Medium;");
	/* under_investigation, a fixed product without a version, EUS, minor-version and
	 * layered products: nothing. */
	assert_string_equal(lookup("rhel:8", "edk2"), "");
	assert_string_equal(lookup("rhel:8", "zlib"), "");
	assert_string_equal(lookup("rhel:9", "cri-tools"), "");
	assert_string_equal(lookup("rhel:9", "openssl.src"), "");
	assert_int_equal(vigil_store_lookup(feedtest_store, "rhel:9", "openssl", first_details, &b), 0);
	assert_string_equal(b.ptr, "A flaw in openssl.|https://access.redhat.com/security/cve/"
	                           "CVE-2099-0001|{\"RedHat\":{\"CVSSv3\":{\"Score\":7.5,\"Vectors\":"
	                           "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N\"}}}");
	vigil_buf_release(&b);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "csaf");
	assert_int_equal(st.feeds[0].vulnerabilities, 2);
	assert_int_equal(st.feeds[0].records, 9);
	assert_int_equal(st.feeds[0].nnamespaces, 2);
	assert_string_equal(st.feeds[0].namespaces[0], "rhel:8");
	assert_string_equal(st.feeds[0].namespaces[1], "rhel:9");
	vigil_store_status_release(&st);
}

static void test_small(void **state)
{
	struct vigil_feed_run run;
	const char *p = feedtest_fixture("csaf-small.json");

	(void)state;
	if (feedtest_import(&vigil_feed_csaf, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.files, 1);
	assert_int_equal(run.records, 11);
	assert_int_equal(run.skipped, 3); /* unversioned fixed, non-string id, empty cve */
	check_small();
}

/* A deleted document empties its unit; a document without products keeps it covered. */
static void test_deleted(void **state)
{
	static const char deleted[] =
	        "{\"document\":{\"tracking\":{\"id\":\"CVE-2099-0001\",\"status\":\"deleted\"}}}";
	static const char empty[] = "{\"document\":{\"category\":\"csaf_vex\",\"tracking\":{\"id\":"
	                            "\"CVE-2099-0009\"}},\"vulnerabilities\":[]}";
	struct vigil_store_status st;

	(void)state;
	assert_int_equal(import1(feedtest_fixture("csaf-small.json")), 0);
	assert_int_equal(import1(feedtest_write("del.json", deleted)), 0);
	assert_int_equal(import1(feedtest_write("empty.json", empty)), 0);
	assert_string_equal(lookup("rhel:9", "openssl"), "");
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, 0);
	assert_int_equal(st.feeds[0].vulnerabilities, 0);
	vigil_store_status_release(&st);
}

static void test_bad_input_keeps_data(void **state)
{
	static const struct {
		const char *name, *data, *want;
	} bad[] = {
		{ "trunc.json", "{\"document\": {\"category\": \"csaf_vex\", \"csaf_version\"",
		  "malformed JSON at line 1" },
		{ "list.json", "[1, 2]", "not a CSAF document" },
		{ "nodoc.json", "{\"vulnerabilities\": []}", "no 'document'" },
		{ "noid.json", "{\"document\": {\"category\": \"csaf_vex\", \"tracking\": {}}}",
		  "tracking.id" },
		{ "cat.json",
		  "{\"document\": {\"category\": \"other\", \"tracking\": {\"id\": \"CVE-1\"}}}",
		  "csaf_" },
		{ "tree.json",
		  "{\"document\": {\"category\": \"csaf_vex\", \"tracking\": {\"id\": \"CVE-1\"}},"
		  " \"product_tree\": []}",
		  "'product_tree' is not an object" },
		{ "vulns.json",
		  "{\"document\": {\"category\": \"csaf_vex\", \"tracking\": {\"id\": \"CVE-1\"}},"
		  " \"vulnerabilities\": {}}",
		  "'vulnerabilities' is not a list" },
		{ "empty.json", "", "empty file" },
	};
	const char *paths[2];
	size_t i;

	(void)state;
	assert_int_equal(import1(feedtest_fixture("csaf-small.json")), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		paths[0] = feedtest_fixture("csaf-small.json");
		paths[1] = feedtest_write(bad[i].name, bad[i].data);
		assert_true(feedtest_import(&vigil_feed_csaf, paths, 2, NULL) < 0);
		assert_non_null(strstr(vigil_error_last(), bad[i].name));
		if (!strstr(vigil_error_last(), bad[i].want))
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, vigil_error_last(),
			         bad[i].want);
		check_small();
	}
}

/* Odd shapes inside a good document: skipped or ignored, never a crash. */
static void test_odd_shapes(void **state)
{
	static const char odd[] =
	        "{\"document\":{\"category\":\"csaf_vex\",\"tracking\":{\"id\":\"CVE-2099-7\"}},"
	        "\"product_tree\":{\"branches\":[{\"product\":{\"product_id\":\"p\","
	        "\"product_identification_helper\":{\"cpe\":\"cpe:/o:redhat:enterprise_linux:7\"}}},"
	        "{\"product\":{\"product_id\":\"q\",\"product_identification_helper\":{\"cpe\":"
	        "\"cpe:/o:redhat:enterprise_linux:100\"}}},7,{\"branches\":{}}],"
	        "\"relationships\":[{\"full_product_name\":{\"product_id\":\"p:a\"},"
	        "\"product_reference\":\"a\",\"relates_to_product_reference\":\"p:a\"},3]},"
	        "\"vulnerabilities\":[7,{\"cve\":\"CVE-2099-7\",\"product_status\":[]},"
	        "{\"cve\":\"CVE-2099-7\",\"product_status\":{\"fixed\":\"x\",\"known_affected\":"
	        "[\"p:b\",\"p:a\",\"p:-1:2-3.x\",\"q:c\",\"p:\",\"p:x-:1-2.a\",\"p:x-1:-2.a\"]},"
	        "\"threats\":[{\"category\":\"impact\",\"details\":\"Important\",\"product_ids\":"
	        "[\"p:b\",5]}]}]}";
	struct vigil_feed_run run;
	const char *p = feedtest_write("odd.json", odd);

	(void)state;
	if (feedtest_import(&vigil_feed_csaf, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_string_equal(lookup("rhel:7", "b"), "CVE-2099-7 1  High;");
	assert_string_equal(lookup("rhel:7", "x"), "");
	assert_string_equal(lookup("rhel:7", "a"), "");
	assert_int_equal(run.skipped, 7);
}

static void test_probe(void **state)
{
	static const char osv[] = "{\"id\": \"GO-2022-0969\", \"modified\": \"x\"}";
	static const char del[] = "{\"document\":{\"tracking\":{\"id\":\"CVE-1\",\"status\":"
	                          "\"deleted\"}}}";
	vigil_buf head = VIGIL_BUF_INIT;

	(void)state;
	assert_int_equal(vigil_feed_read(&head, feedtest_fixture("csaf-small.json"), 4096, 0), 0);
	assert_true(vigil_feed_probe("x", head.ptr, head.len) == &vigil_feed_csaf);
	assert_false(vigil_feed_probe("x", osv, sizeof(osv) - 1) == &vigil_feed_csaf);
	assert_null(vigil_feed_probe("x", del, sizeof(del) - 1));
	assert_null(vigil_feed_probe("x", "csaf_version document", 21));
	assert_true(vigil_feed_find("csaf") == &vigil_feed_csaf);
	vigil_buf_release(&head);
}

/* ---- the real documents: counts computed independently ---- */

struct counter {
	regex_t nevra, cpe;
	struct feedtest_set records, ids, nss;
	json_t *plats; /* platform id -> major */
};

static void collect_platforms(struct counter *c, json_t *branches)
{
	regmatch_t m[2];
	json_t *b;
	size_t i;

	json_array_foreach(branches, i, b)
	{
		json_t *p = json_object_get(b, "product");
		const char *cpe = json_string_value(
		        json_object_get(json_object_get(p, "product_identification_helper"), "cpe"));
		if (cpe && regexec(&c->cpe, cpe, 2, m, 0) == 0)
			json_object_set_new(c->plats,
			                    json_string_value(json_object_get(p, "product_id")),
			                    json_integer(atoi(cpe + m[1].rm_so)));
		collect_platforms(c, json_object_get(b, "branches"));
	}
}

/* Package name of component `comp`, or "" when it has none; *versioned set. */
static void comp_name(struct counter *c, const char *comp, char *out, size_t n, int *versioned)
{
	char buf[1024], *cut;
	regmatch_t m[2];

	snprintf(buf, sizeof(buf), "%s", comp);
	if ((cut = strstr(buf, "::")))
		*cut = '\0';
	if ((cut = strstr(buf, ".rpm")) && (cut[4] == '\0' || cut[4] == '-'))
		*cut = '\0';
	*versioned = regexec(&c->nevra, buf, 2, m, 0) == 0 &&
	             (strchr(buf + m[1].rm_eo, ':') || strstr(comp, ".rpm"));
	if (*versioned) {
		snprintf(out, n, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), buf);
		return;
	}
	snprintf(out, n, "%s", strrchr(comp, '/') ? strrchr(comp, '/') + 1 : comp);
	if (strlen(out) > 4 && strcmp(out + strlen(out) - 4, ".src") == 0)
		out[strlen(out) - 4] = '\0';
}

static void count_statement(struct counter *c, const char *cve, const char *status, const char *id)
{
	const char *key;
	json_t *val;
	char name[1024], rec[2200], ns[32];
	int versioned;

	json_object_foreach(c->plats, key, val)
	{
		size_t n = strlen(key);
		if (strncmp(id, key, n) != 0 || id[n] != ':')
			continue;
		comp_name(c, id + n + 1, name, sizeof(name), &versioned);
		if (!*name || (strcmp(status, "fixed") == 0 && !versioned))
			return;
		snprintf(ns, sizeof(ns), "rhel:%d", (int)json_integer_value(val));
		snprintf(rec, sizeof(rec), "%s\t%s\t%s", ns, name, cve);
		feedtest_set_add(&c->records, "%s", rec);
		feedtest_set_add(&c->ids, "%s", cve);
		return;
	}
}

static void count_file(struct counter *c, const char *path)
{
	static const char *const lists[] = { "fixed", "known_affected", "known_not_affected" };
	json_t *root = json_load_file(path, 0, NULL), *v, *id;
	const char *key;
	json_t *val;
	size_t i, j, k;

	if (!root)
		fail_msg("%s does not parse", path);
	c->plats = json_object();
	collect_platforms(c, json_object_get(json_object_get(root, "product_tree"), "branches"));
	json_object_foreach(c->plats, key, val)
	{
		char ns[32];
		snprintf(ns, sizeof(ns), "rhel:%d", (int)json_integer_value(val));
		feedtest_set_add(&c->nss, "%s", ns);
	}
	json_array_foreach(json_object_get(root, "vulnerabilities"), i, v)
	{
		const char *cve = json_string_value(json_object_get(v, "cve"));
		for (k = 0; cve && *cve && k < 3; k++)
			json_array_foreach(json_object_get(json_object_get(v, "product_status"),
			                                   lists[k]),
			                   j, id)
			        count_statement(c, cve, lists[k], json_string_value(id));
	}
	json_decref(c->plats);
	json_decref(root);
}

static void test_real_documents(void **state)
{
	static const char *const files[] = {
		"claircore/vex/cve-2022-38752.json",
		"claircore/vex/cve-2023-38545.json",
		"claircore/vex/cve-2023-4154.json",
		"claircore/vex/cve-2023-42670.json",
		"claircore/vex/cve-2024-24786-bad-rpmmod.json",
		"claircore/vex/cve-2024-24786-illegal-module.json",
		"claircore/csaf/cve-2021-0084.json",
		"claircore/csaf/cve-2024-22047.json",
		"claircore/csaf/rhsa-2022-0011.json",
		"trivy-db/redhat-csaf/vuln-list-redhat/csaf-vex/cve-2024-10041.json",
		"trivy-db/redhat-csaf/vuln-list-redhat/csaf-vex/cve-2024-11111.json",
		"trivy-db/redhat-csaf/vuln-list-redhat/csaf-vex/cve-2024-22222.json",
		"trivy-db/redhat-csaf/vuln-list-redhat/csaf-vex/cve-2025-33333.json",
		"vunnel/csaf/advisories/rhsa-2023_3821.json",
		"vunnel/csaf/advisories/rhsa-2023_7025.json",
		"vunnel/csaf/advisories/rhsa-2024_0811.json",
		"vunnel/csaf/advisories/rhsa-2024_1431.json",
		"vunnel/csaf/advisories/2024/rhsa-2024_6163.json",
		"vunnel/csaf/advisories/2024/rhsa-2024_9371.json",
		"vunnel/csaf/advisories/2025/rhsa-2025_23414.json",
	};
	const size_t n = sizeof(files) / sizeof(files[0]);
	struct counter c = { 0 };
	struct vigil_store_status st;
	const char *paths[sizeof(files) / sizeof(files[0])];
	char rel[512];
	size_t i;
	FILE *f;

	(void)state;
	assert_int_equal(regcomp(&c.nevra, "^(.+)-([0-9]+:)?[^-:]+-[^-:]+\\.[^.:-]+$", REG_EXTENDED),
	                 0);
	assert_int_equal(regcomp(&c.cpe, "^cpe:/[ao]:redhat:enterprise_linux:([1-9][0-9]?)(:|$)",
	                         REG_EXTENDED),
	                 0);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "vulndata/redhat/samples/%s", files[i]);
		paths[i] = strdup(feedtest_shared(rel));
		if (!(f = fopen(paths[i], "r")))
			fail_msg("missing shared data '%s'", paths[i]);
		fclose(f);
		count_file(&c, paths[i]);
	}
	if (feedtest_import(&vigil_feed_csaf, paths, n, NULL) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, feedtest_set_count(&c.records));
	assert_int_equal(st.feeds[0].vulnerabilities, feedtest_set_count(&c.ids));
	assert_int_equal(st.feeds[0].nnamespaces, feedtest_set_count(&c.nss));
	vigil_store_status_release(&st);
	/* Spot checks: curl fixed in RHEL 9 (two streams), samba not affected in RHEL 9. */
	assert_non_null(strstr(lookup("rhel:9", "curl"), "CVE-2023-38545 0 7.76.1-26.el9_3.2 High;"));
	assert_non_null(strstr(lookup("rhel:9", "curl"), "CVE-2023-38545 0 7.76.1-23.el9_2.4 High;"));
	assert_non_null(strstr(lookup("rhel:9", "samba"), "CVE-2023-4154 2  Medium;"));
	regfree(&c.nevra);
	regfree(&c.cpe);
	for (i = 0; i < n; i++)
		free((void *)paths[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_deleted, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_data, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_odd_shapes, feedtest_setup, feedtest_teardown),
		cmocka_unit_test(test_probe),
		cmocka_unit_test_setup_teardown(test_real_documents, feedtest_setup, feedtest_teardown),
	};
	int rc;

	vigil_log_set_sink(NULL, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	feedtest_cleanup();
	return rc;
}
