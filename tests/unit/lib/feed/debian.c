/* Unit tests for the Debian security tracker feed: small DSA/DLA lists,
 * CVE/list and JSON export inputs written here for every rule and bad input,
 * probing, the codename table against the tracker's own release files, and
 * the real DSA/DLA/DTSA lists and JSON samples of ../shared with their counts
 * computed independently (sscanf over the lists, jansson over the JSON). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"
#include "lib/feed/feed.h"
#include "lib/store/store.h"
#include "helpers/feedtest.h"
#include "lib/limits.h"

extern const struct vigil_feed vigil_feed_debian;
extern const struct vigil_feed vigil_feed_alpine;


static const char small_dsa[] = "[29 Mar 2023] DSA-5380-1 foo - security update\n"
                                "\t{CVE-2023-0001 CVE-2023-0002}\n"
                                "\t[bullseye] - foo 1.2-1+deb11u1\n"
                                "\t[buster] - foo <end-of-life>\n"
                                "\tNOTE: a note\n"
                                "[28 Mar 2023] DSA-5379-2 foo - regression update\n"
                                "        {CVE-2023-0001}\n"
                                "        [bullseye] - foo 1.2-1+deb11u2\n"
                                "        [bullseye] -  foo  1.10-1\n"
                                "\n"
                                "[27 Mar 2023] DSA-5378-1 bar - security update\n"
                                "\t[bookworm] - bar 2.0-1\n"
                                "\t[woody] - bar 1.0\n"
                                "[26 Mar 2023] DSA-5377-1 baz -- update\n"
                                "\t{CVE-2023-0003}\n"
                                "\t[bullseye] - baz 1:0.9-1\n"
                                "\t[bullseye] - baz 2.0-1 (high)\r\n"
                                "[25 Mar 2023] BROKEN HEADER\n"
                                "\t{CVE-2023-0009}\n"
                                "\t[bullseye] - qux 1.0-1\n"
                                "[24 Mar 2023] DSA-5376-1 quux - update\n"
                                "\t{CVE-2023-0010\n"
                                "\t[bullseye] - quux 1.0-1\n"
                                "\t[bullseye] - quux\n"
                                "\t[bullseye] - quux 1:\n"
                                "\t[bullseye - quux 1.0\n"
                                "not indented garbage\n"
                                "\t[bullseye] - quux 0.1-1\n";

static const char small_cve[] = "CVE-2023-0001 (A description ...)\n"
                                "\t{DSA-5380-1}\n"
                                "\t- foo 1.3-1 (bug #1)\n"
                                "\t[bookworm] - foo <not-affected> (code not present)\n"
                                "\t[bullseye] - foo 1.2-1+deb11u1\n"
                                "\t[bullseye] - foo <no-dsa> (Minor issue)\n"
                                "\t[buster] - foo <no-dsa> (Minor issue)\n"
                                "\t[buster] - foo <not-affected> (x)\n"
                                "\t[stretch] - foo <ignored> (x)\n"
                                "\t[jessie] - foo <postponed> (x)\n"
                                "\t[trixie] - foo <unfixed>\n"
                                "\t[wheezy] - foo <removed>\n"
                                "\t[forky] - foo <frobbed>\n"
                                "\tNOTE: https://example.org/\n"
                                "CVE-2023-XXXX [title]\n"
                                "\t- bar <unfixed>\n"
                                "CVE-2023-0002 (x)\n"
                                "        - bar <unfixed> (unimportant)\n"
                                "        RESERVED\n"
                                "bogus header\n"
                                "\t- baz 1.0\n";

static const char small_json[] =
        "{\n"
        " \"foo\": {\n"
        "  \"CVE-2023-0001\": {\"description\": \"d1\", \"scope\": \"remote\", \"releases\": {\n"
        "   \"bookworm\": {\"status\": \"resolved\", \"fixed_version\": \"1.2-1\", "
        "\"urgency\": \"high**\", \"repositories\": {\"bookworm\": \"1.2-1\"}},\n"
        "   \"bullseye\": {\"status\": \"resolved\", \"fixed_version\": \"0\", "
        "\"urgency\": \"unimportant\"},\n"
        "   \"buster\": {\"status\": \"open\", \"urgency\": \"low*\"},\n"
        "   \"stretch\": {\"status\": \"undetermined\", \"urgency\": \"medium\"},\n"
        "   \"sid\": {\"status\": \"resolved\", \"fixed_version\": \"1.3-1\", "
        "\"urgency\": \"not yet assigned\"},\n"
        "   \"woody\": {\"status\": \"open\"},\n"
        "   \"jessie\": {\"status\": \"resolved\", \"urgency\": \"low\"},\n"
        "   \"wheezy\": {\"status\": \"weird\"},\n"
        "   \"trixie\": \"x\"}},\n"
        "  \"TEMP-0000000-ABCDEF\": {\"description\": \"t\", \"releases\": {\"bookworm\": "
        "{\"status\": \"open\", \"urgency\": \"end-of-life\"}}},\n"
        "  \"CVE-2023-0003\": {\"releases\": []},\n"
        "  \"CVE-2023-0004\": 7,\n"
        "  \"CVE-2023-0005\": {\"description\": \"no releases\"}\n"
        " },\n"
        " \"bar\": {\"CVE-2023-0001\": {\"description\": \"d1\", \"releases\": {\"bookworm\": "
        "{\"status\": \"open\", \"urgency\": \"medium\"}}}},\n"
        " \"baz\": {\"CVE-2023-0007\": [1, {\"a\": \"}\"}]},\n"
        " \"qux\": {\"CVE-2023-0006\": {\"releases\": {\"bookworm\": {\"status\": "
        "\"resolved\", \"fixed_version\": \"1:\", \"urgency\": \"low\"}}}}\n"
        "}\n";

static const char *write_str(const char *name, const char *data)
{
	return feedtest_write_bytes(name, data, strlen(data));
}

static int import1(const char *path)
{
	return feedtest_import(&vigil_feed_debian, &path, 1, NULL);
}

/* "ID status fixed;" per record; with details "ID status fixed sev desc unit;". */
static int collect(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %d %s;", r->vuln, (int)r->status, r->fixed_version);
}

static int collect_all(const struct vigil_store_record *r, void *payload)
{
	return vigil_buf_printf(payload, "%s %d %s %d %s %s;", r->vuln, (int)r->status,
	                        r->fixed_version, (int)r->severity, r->description, r->unit);
}

static const char *lookup(const char *ns, const char *pkg)
{
	return feedtest_lookup(ns, pkg, collect);
}

static int known(const char *ns)
{
	int k = -1;

	assert_int_equal(vigil_store_namespace_known(feedtest_store, ns, &k), 0);
	return k;
}

static void check_dsa_lookups(void)
{
	assert_string_equal(lookup("debian:11", "foo"),
	                    "CVE-2023-0001 0 1.2-1+deb11u1;CVE-2023-0002 0 1.2-1+deb11u1;");
	assert_string_equal(lookup("debian:10", "foo"), "");
	assert_string_equal(lookup("debian:12", "bar"), "DSA-5378-1 0 2.0-1;");
	assert_string_equal(lookup("debian:11", "baz"), "CVE-2023-0003 0 2.0-1;");
	assert_string_equal(lookup("debian:11", "qux"), "");
	assert_string_equal(lookup("debian:11", "quux"), "DSA-5376-1 0 1.0-1;");
	assert_string_equal(feedtest_lookup("debian:11", "bar", collect_all), "");
	assert_string_equal(feedtest_lookup("debian:12", "bar", collect_all),
	                    "DSA-5378-1 0 2.0-1 0  DSA/list;");
	assert_int_equal(known("debian:11"), 1);
	assert_int_equal(known("debian:12"), 1);
}

/* check_dsa_lookups() with the status of a database holding small_dsa alone. */
static void check_dsa(void)
{
	struct vigil_store_status st;

	check_dsa_lookups();
	assert_int_equal(known("debian:10"), 0); /* only an <end-of-life> line */
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "debian");
	assert_string_equal(st.feeds[0].source, "https://security-tracker.debian.org/tracker/");
	assert_int_equal(st.feeds[0].records, 5);
	assert_int_equal(st.feeds[0].vulnerabilities, 5);
	assert_int_equal(st.feeds[0].nnamespaces, 2);
	vigil_store_status_release(&st);
}

static void test_dsa_list(void **state)
{
	struct vigil_feed_run run;
	const char *p = write_str("DSA-list", small_dsa);

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_debian, &p, 1, &run), 0);
	assert_int_equal(run.files, 1);
	assert_int_equal(run.records, 5);
	/* woody, broken header, '{' without '}', fix without version, bad version,
	 * "[bullseye - ...", the unindented line */
	assert_int_equal(run.skipped, 7);
	check_dsa();
}

/* The advisory kind sets the unit: a DLA list and a DTSA list are units of their own. */
static void test_units_by_kind(void **state)
{
	static const char dla[] = "[01 Apr 2023] DLA-3380-1 foo - security update\n"
	                          "\t{CVE-2023-0001}\n"
	                          "\t[buster] - foo 1.0-1+deb10u1\n";
	static const char dtsa[] = "[August 26th, 2005] DTSA-1-1 kismet - various\n"
	                           "\t{CVE-2005-2626 CVE-2005-2627 }\n"
	                           "\t[etch] - kismet 2005.08.R1-0.1etch1 (high)\n";
	static const char dla2[] = "[02 Apr 2023] DLA-3381-1 bar - security update\n"
	                           "\t[buster] - bar 2.0-1+deb10u1\n";
	const char *paths[3];

	(void)state;
	paths[0] = vigil_strdup(write_str("dsa", small_dsa));
	paths[1] = vigil_strdup(write_str("dla", dla));
	paths[2] = vigil_strdup(write_str("dtsa", dtsa));
	assert_int_equal(feedtest_import(&vigil_feed_debian, paths, 3, NULL), 0);
	assert_string_equal(feedtest_lookup("debian:10", "foo", collect_all),
	                    "CVE-2023-0001 0 1.0-1+deb10u1 0  DLA/list;");
	assert_string_equal(feedtest_lookup("debian:4", "kismet", collect_all),
	                    "CVE-2005-2626 0 2005.08.R1-0.1etch1 0  DTSA/list;"
	                    "CVE-2005-2627 0 2005.08.R1-0.1etch1 0  DTSA/list;");
	/* Re-importing another DLA list replaces the DLA unit only. */
	assert_int_equal(import1(write_str("dla2", dla2)), 0);
	assert_string_equal(lookup("debian:10", "foo"), "");
	assert_string_equal(lookup("debian:10", "bar"), "DLA-3381-1 0 2.0-1+deb10u1;");
	assert_string_equal(lookup("debian:4", "kismet"), "CVE-2005-2626 0 2005.08.R1-0.1etch1;"
	                                                  "CVE-2005-2627 0 2005.08.R1-0.1etch1;");
	check_dsa_lookups();
	vigil_free((void *)paths[0]);
	vigil_free((void *)paths[1]);
	vigil_free((void *)paths[2]);
}

static void test_cve_list(void **state)
{
	struct vigil_feed_run run;
	const char *p = write_str("CVE-list", small_cve);

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_debian, &p, 1, &run), 0);
	assert_int_equal(run.records, 8);
	assert_int_equal(run.skipped, 3); /* <frobbed>, the XXXX entry, the bogus header */
	assert_string_equal(lookup("debian:unstable", "foo"), "CVE-2023-0001 0 1.3-1;");
	assert_string_equal(lookup("debian:12", "foo"), "CVE-2023-0001 2 ;");
	assert_string_equal(lookup("debian:11", "foo"), "CVE-2023-0001 0 1.2-1+deb11u1;");
	assert_string_equal(lookup("debian:10", "foo"), "CVE-2023-0001 2 ;");
	assert_string_equal(lookup("debian:9", "foo"), "CVE-2023-0001 1 ;");
	assert_string_equal(lookup("debian:8", "foo"), "CVE-2023-0001 1 ;");
	assert_string_equal(lookup("debian:13", "foo"), "CVE-2023-0001 1 ;");
	assert_string_equal(lookup("debian:7", "foo"), "");
	assert_string_equal(lookup("debian:14", "foo"), "");
	assert_string_equal(feedtest_lookup("debian:unstable", "bar", collect_all),
	                    "CVE-2023-0002 1  0  CVE/list;");
	assert_string_equal(lookup("debian:unstable", "baz"), "");
}

static void check_json(void)
{
	assert_string_equal(feedtest_lookup("debian:12", "foo", collect_all),
	                    "CVE-2023-0001 0 1.2-1 4 d1 json;TEMP-0000000-ABCDEF 1  0 t json;");
	assert_string_equal(feedtest_lookup("debian:10", "foo", collect_all),
	                    "CVE-2023-0001 1  2 d1 json;");
	assert_string_equal(feedtest_lookup("debian:9", "foo", collect_all),
	                    "CVE-2023-0001 1  3 d1 json;");
	assert_string_equal(feedtest_lookup("debian:unstable", "foo", collect_all),
	                    "CVE-2023-0001 0 1.3-1 0 d1 json;");
	/* Severity is per (release, ID): the highest urgency of its packages. */
	assert_non_null(strstr(feedtest_lookup("debian:12", "bar", collect_all),
	                       "CVE-2023-0001 1  4 d1 json;"));
	assert_string_equal(lookup("debian:8", "foo"), "");
	assert_string_equal(lookup("debian:7", "foo"), "");
	assert_string_equal(lookup("debian:12", "qux"), "");
	assert_string_equal(lookup("debian:12", "baz"), "");
}

static void test_json(void **state)
{
	struct vigil_feed_run run;
	const char *p = write_str("export.json", small_json);

	(void)state;
	assert_int_equal(feedtest_import(&vigil_feed_debian, &p, 1, &run), 0);
	assert_int_equal(run.records, 7);
	/* woody, jessie without fixed_version, wheezy's status, trixie not an object,
	 * CVE-2023-0004 not an object, CVE-2023-0005 without releases, baz's list,
	 * qux's "1:" */
	assert_int_equal(run.skipped, 8);
	check_json();
	assert_string_equal(feedtest_lookup("debian:11", "foo", collect_all),
	                    "CVE-2023-0001 2  1 d1 json;");
}

/* The JSON export and the lists side by side: both kept, each record naming its unit. */
static void test_json_and_lists(void **state)
{
	const char *paths[2];

	(void)state;
	paths[0] = vigil_strdup(write_str("dsa", small_dsa));
	paths[1] = vigil_strdup(write_str("export.json", small_json));
	assert_int_equal(feedtest_import(&vigil_feed_debian, paths, 2, NULL), 0);
	assert_string_equal(feedtest_lookup("debian:11", "foo", collect_all),
	                    "CVE-2023-0001 0 1.2-1+deb11u1 0  DSA/list;"
	                    "CVE-2023-0001 2  1 d1 json;"
	                    "CVE-2023-0002 0 1.2-1+deb11u1 0  DSA/list;");
	check_json();
	vigil_free((void *)paths[0]);
	vigil_free((void *)paths[1]);
}

/* Each bad input fails naming the file (and line), and the earlier import stays. */
static void test_bad_input_keeps_data(void **state)
{
	static const struct {
		const char *name, *data, *want;
	} bad[] = {
		{ "trunc.json", "{\"foo\": {\"CVE-1\": {\"releases\": {",
		  "malformed JSON at line 1, column 33: premature end of input" },
		{ "trunc2.json", "{\n\"foo\": {\"CVE-1\": {}},\n\"bar\"",
		  "malformed JSON at line 3, column 6: premature end of input" },
		{ "inner.json",
		  "{\n \"foo\": {\n  \"CVE-1\": {\"releases\": {\"sid\": {\"status\": "
		  "\"open\",}}}}\n}",
		  "malformed JSON at line 3" },
		{ "comma.json", "{\"a\": {} \"b\": {}}", "',' or '}' expected" },
		{ "tail.json", "{\"a\": {}} x", "end of file expected" },
		{ "key.json", "{\"foo", "unterminated string" },
		{ "nokey.json", "{7: {}}", "string key expected" },
		{ "list.json", "[1, 2]", "not a Debian security tracker file" },
		{ "alpine.json", "{\"distroversion\": \"v3.2\", \"packages\": []}",
		  "not a Debian security tracker JSON export ('distroversion' is not an object" },
		{ "text.txt", "hello\n", "not a Debian security tracker file" },
		{ "nul.list", "[01 Jan 2020] DSA-1-1 x\n\t{CVE-1}\n\0\n", "binary data" },
		{ "empty.json", "", "empty file" },
	};
	const char *good = "good.list", *paths[2];
	size_t i, len;

	(void)state;
	assert_int_equal(import1(write_str(good, small_dsa)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		paths[0] = vigil_strdup(write_str("again.list", small_dsa));
		len = strcmp(bad[i].name, "nul.list") == 0 ? 35 : strlen(bad[i].data);
		paths[1] = feedtest_write_bytes(bad[i].name, bad[i].data, len);
		assert_true(feedtest_import(&vigil_feed_debian, paths, 2, NULL) < 0);
		vigil_free((void *)paths[0]);
		assert_non_null(strstr(vigil_error_last(), bad[i].name));
		if (!strstr(vigil_error_last(), bad[i].want))
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, vigil_error_last(),
			         bad[i].want);
		check_dsa();
	}
}

static void test_probe(void **state)
{
	static const char vulnlist[] =
	        "{\n  \"Header\": {\n    \"Original\": \"CVE-2021-33560 (x)\","
	        "\n    \"Line\": 8735}, \"releases\": 1}";
	static const char dists[] = "{\"stretch\": {\"major-version\": \"9\"}}";
	static const char ids[] = "CVE-2005-2023\nCVE-2005-2024\nCVE-2005-3331\n";
	static const char alpine[] = "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", "
	                             "\"packages\": []}";
	static const char dtsa[] = "[August 26th, 2005] DTSA-1-1 kismet - various\n";

	(void)state;
	assert_true(vigil_feed_probe("x", small_json, sizeof(small_json) - 1) ==
	            &vigil_feed_debian);
	assert_true(vigil_feed_probe("x", small_dsa, sizeof(small_dsa) - 1) == &vigil_feed_debian);
	assert_true(vigil_feed_probe("x", small_cve, sizeof(small_cve) - 1) == &vigil_feed_debian);
	assert_true(vigil_feed_probe("x", dtsa, sizeof(dtsa) - 1) == &vigil_feed_debian);
	assert_true(vigil_feed_probe("x", alpine, sizeof(alpine) - 1) == &vigil_feed_alpine);
	assert_null(vigil_feed_probe("x", vulnlist, sizeof(vulnlist) - 1));
	assert_null(vigil_feed_probe("x", dists, sizeof(dists) - 1));
	assert_null(vigil_feed_probe("x", ids, sizeof(ids) - 1));
	assert_null(vigil_feed_probe("x", "[19 Jul 2021] MALFORMED HEADER\n", 31));
	assert_null(vigil_feed_probe("x", "\x1f\x8bgarbage", 9));
	assert_null(vigil_feed_probe("x", "{\"a\": {\"b\": ", 12));
	assert_true(vigil_feed_find("debian") == &vigil_feed_debian);
}

/* Garbage never crashes: every prefix of the small inputs imports or fails cleanly. */
static void test_prefixes(void **state)
{
	const char *inputs[] = { small_dsa, small_cve, small_json };
	size_t i, n;

	(void)state;
	for (i = 0; i < 3; i++) {
		for (n = 1; n < strlen(inputs[i]); n += 7) {
			int err = import1(feedtest_write_bytes("prefix", inputs[i], n));
			assert_true(err == 0 || err == VIGIL_EINVALID);
		}
	}
}

/* ---- the tracker's own release data ---- */

static const char *shared_dir(void)
{
	return getenv("VIGIL_SHARED") ? getenv("VIGIL_SHARED") : "/work/shared";
}

/* One fix in `codename` lands in namespace debian:`want`. */
static void check_codename(const char *codename, const char *want)
{
	char list[256], ns[64];

	snprintf(list, sizeof(list), "[01 Jan 2020] DSA-1-1 p - x\n\t[%s] - p 1.0-1\n", codename);
	snprintf(ns, sizeof(ns), "debian:%s", want);
	assert_int_equal(import1(write_str("rel", list)), 0);
	if (strcmp(lookup(ns, "p"), "DSA-1-1 0 1.0-1;") != 0)
		fail_msg("%s: not in %s", codename, ns);
}

/* The codename table agrees with the tracker's distributions.json (major-version)
 * and places every release config.json lists, apart from woody and older. */
static void test_release_table(void **state)
{
	const char *dists[] = {
		"vulndata/debian/samples/trivy-db/happy/vuln-list-debian/tracker/"
		"distributions.json",
		"vulndata/debian/samples/vuln-list-update/happy/static/distributions.json",
	};
	const char *codename;
	json_error_t jerr;
	json_t *root, *v;
	char path[1024];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", shared_dir(), dists[i]);
		if (!(root = json_load_file(path, 0, &jerr)))
			fail_msg("missing shared data '%s': %s", path, jerr.text);
		json_object_foreach(root, codename, v)
		{
			const char *major = json_string_value(json_object_get(v, "major-version"));
			if (major && *major) /* sid has none */
				check_codename(codename, major);
		}
		json_decref(root);
	}
	snprintf(path, sizeof(path), "%s/vulndata/debian/security-tracker/data/config.json",
	         shared_dir());
	if (!(root = json_load_file(path, 0, &jerr)))
		fail_msg("missing shared data '%s': %s", path, jerr.text);
	json_object_foreach(json_object_get(root, "distributions"), codename, v)
	{
		if (strcmp(codename, "potato") && strcmp(codename, "woody") &&
		    strcmp(codename, "sarge") && strcmp(codename, "sid")) {
			char list[256];
			struct vigil_store_status st;
			snprintf(list, sizeof(list), "[01 Jan 2020] DSA-1-1 p - x\n\t[%s] - p 1\n",
			         codename);
			assert_int_equal(import1(write_str("rel", list)), 0);
			assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
			assert_int_equal(st.feeds[0].records, 1);
			vigil_store_status_release(&st);
		}
	}
	json_decref(root);
	check_codename("sid", "unstable");
	check_codename("lenny", "5");
	check_codename("forky", "14");
}

/* ---- the real files ---- */

static const char *ns_of(const char *codename)
{
	static const char *const map[][2] = {
		{ "etch", "debian:4" },      { "lenny", "debian:5" },
		{ "squeeze", "debian:6" },   { "wheezy", "debian:7" },
		{ "jessie", "debian:8" },    { "stretch", "debian:9" },
		{ "buster", "debian:10" },   { "bullseye", "debian:11" },
		{ "bookworm", "debian:12" }, { "trixie", "debian:13" },
		{ "forky", "debian:14" },    { "sid", "debian:unstable" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], codename) == 0)
			return map[i][1];
	return NULL;
}

struct counts {
	struct feedtest_set records, ids, nss;
};

/* Count one DSA/DLA/DTSA list independently: sscanf over its lines. */
static void count_list(const char *path, struct counts *c)
{
	char line[8192], adv[64] = "", rel[64], pkg[256], ver[256], ids[8192] = "";
	char fixes[64][3][256];
	size_t nfix = 0, i;
	FILE *f = fopen(path, "r");
	int have = 0;

	if (!f)
		fail_msg("missing shared data '%s'", path);
	for (;;) {
		int eof = !fgets(line, sizeof(line), f);
		if (eof || line[0] == '[') {
			for (i = 0; have && i < nfix; i++) {
				char copy[8192], *save = NULL, *id;
				const char *ns = ns_of(fixes[i][0]);
				snprintf(copy, sizeof(copy), "%s", ids[0] ? ids : adv);
				for (id = strtok_r(copy, " \t", &save); ns && id;
				     id = strtok_r(NULL, " \t", &save)) {
					feedtest_set_add(&c->records, "%s\t%s\t%s", ns, fixes[i][1], id);
					feedtest_set_add(&c->ids, "%s\t%s\t%s", id, "", "");
					feedtest_set_add(&c->nss, "%s\t%s\t%s", ns, "", "");
				}
			}
			if (eof)
				break;
			nfix = 0;
			ids[0] = '\0';
			have = sscanf(line, "[%*[^]]] %63s", adv) == 1 &&
			       (strncmp(adv, "DSA-", 4) == 0 || strncmp(adv, "DLA-", 4) == 0 ||
			        strncmp(adv, "DTSA-", 5) == 0);
		} else if (sscanf(line, " {%8191[^}]}", ids) == 1) {
			continue;
		} else if (sscanf(line, " [%63[^]]] - %255s %255s", rel, pkg, ver) == 3 &&
		           ver[0] != '<' && nfix < 64) {
			snprintf(fixes[nfix][0], 256, "%s", rel);
			snprintf(fixes[nfix][1], 256, "%s", pkg);
			snprintf(fixes[nfix++][2], 256, "%s", ver);
		}
	}
	fclose(f);
}

static void test_real_lists(void **state)
{
	const char *names[] = { "DSA", "DLA", "DTSA" };
	const char *paths[3];
	char buf[3][1024];
	struct counts c = { { 0 }, { 0 }, { 0 } };
	struct vigil_store_status st;
	struct vigil_feed_run run;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s/vulndata/debian/security-tracker/data/%s/list",
		         shared_dir(), names[i]);
		paths[i] = buf[i];
		count_list(paths[i], &c);
	}
	if (feedtest_import(&vigil_feed_debian, paths, 3, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.files, 3);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, feedtest_set_count(&c.records));
	assert_int_equal(st.feeds[0].vulnerabilities, feedtest_set_count(&c.ids));
	assert_int_equal(st.feeds[0].nnamespaces, feedtest_set_count(&c.nss));
	vigil_store_status_release(&st);
	/* Spot checks: the newest DSA, a DLA, a DTSA, an advisory without CVEs,
	 * and the lowest of a DSA and its regression update. */
	assert_non_null(
	        strstr(lookup("debian:11", "xorg-server"), "CVE-2023-1393 0 2:1.20.11-1+deb11u6;"));
	assert_non_null(
	        strstr(lookup("debian:10", "xorg-server"), "CVE-2023-1393 0 2:1.20.4-1+deb10u9;"));
	assert_non_null(
	        strstr(lookup("debian:4", "kismet"), "CVE-2005-2626 0 2005.08.R1-0.1etch1;"));
	assert_non_null(
	        strstr(lookup("debian:11", "sox"), "DSA-5356-2 0 14.4.2+git20190427-2+deb11u2;"));
}

/* Count one JSON export independently with jansson. */
static void count_json(const char *path, struct counts *c)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *vulns, *v, *r;
	const char *pkg, *id, *rel;

	if (!root)
		fail_msg("missing or bad shared data '%s': %s", path, jerr.text);
	json_object_foreach(root, pkg, vulns)
	{
		json_object_foreach(vulns, id, v)
		{
			json_object_foreach(json_object_get(v, "releases"), rel, r)
			{
				const char *st = json_string_value(json_object_get(r, "status"));
				const char *fv =
				        json_string_value(json_object_get(r, "fixed_version"));
				if (!ns_of(rel) || !st ||
				    !((strcmp(st, "resolved") == 0 && fv && *fv) ||
				      strcmp(st, "open") == 0 || strcmp(st, "undetermined") == 0))
					continue;
				feedtest_set_add(&c->records, "%s\t%s\t%s", ns_of(rel), pkg, id);
				feedtest_set_add(&c->ids, "%s\t%s\t%s", id, "", "");
				feedtest_set_add(&c->nss, "%s\t%s\t%s", ns_of(rel), "", "");
			}
		}
	}
	json_decref(root);
}

static void test_real_json_samples(void **state)
{
	const char *names[] = { "vunnel/debian.json", "vuls-data-update/tracker-api/advisory.json",
		                "clair-v2/fetcher_debian_test.json" };
	char buf[3][1024];
	const char *paths[3];
	struct counts c = { { 0 }, { 0 }, { 0 } };
	struct vigil_store_status st;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s/vulndata/debian/samples/%s", shared_dir(),
		         names[i]);
		paths[i] = buf[i];
		count_json(paths[i], &c);
	}
	if (feedtest_import(&vigil_feed_debian, paths, 3, NULL) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, feedtest_set_count(&c.records));
	assert_int_equal(st.feeds[0].vulnerabilities, feedtest_set_count(&c.ids));
	assert_int_equal(st.feeds[0].nnamespaces, feedtest_set_count(&c.nss));
	vigil_store_status_release(&st);
	/* clair's sample: open -> no fix; resolved 0 -> not affected; high -> High. */
	assert_string_equal(lookup("debian:8", "aptdaemon"),
	                    "CVE-2003-0779 0 0.7.0;CVE-2015-1323 1 ;");
	assert_string_equal(lookup("debian:8", "asterisk"),
	                    "CVE-2003-0779 0 0.5.56;CVE-2013-2685 2 ;");
	assert_non_null(strstr(feedtest_lookup("debian:8", "asterisk", collect_all),
	                       "CVE-2003-0779 0 0.5.56 4 But this one is very dangerous. json;"));
}

/* The same inputs read from the disk in 1-byte chunks: every position is a
 * boundary of the scanner's window, and the messages stay the same. */
static void test_streamed_chunks(void **state)
{
	vigil_feed_set_memory_max(0);
	vigil_feed_set_chunk_max(1);
	test_json(state);
	feedtest_teardown(state);
	feedtest_setup(state);
	test_bad_input_keeps_data(state);
	feedtest_teardown(state);
	feedtest_setup(state);
	test_cve_list(state);
	vigil_feed_set_chunk_max(0);
	vigil_feed_set_memory_max(VIGIL_FEED_MEMORY_MAX);
}

/* A JSON export bigger than the framework's memory budget is scanned over a
 * bounded window: the largest buffer for it stays near one package. */
static void test_streamed_big_json(void **state)
{
	enum { NPKG = 3000, NID = 4 };
	vigil_buf b = VIGIL_BUF_INIT;
	struct vigil_feed_run run;
	struct vigil_store_status st;
	const char *p;
	size_t i, j, bad_line;
	char *path;

	(void)state;
	assert_int_equal(vigil_buf_puts(&b, "{\n"), 0);
	for (i = 0; i < NPKG; i++) {
		assert_int_equal(vigil_buf_printf(&b, "%s\"pkg%zu\": {", i ? ",\n" : "", i), 0);
		for (j = 0; j < NID; j++)
			assert_int_equal(
			        vigil_buf_printf(
			                &b,
			                "%s\"CVE-2024-%zu\": {\"description\": \"%0400d\", "
			                "\"releases\": {\"bookworm\": {\"status\": "
			                "\"resolved\", \"fixed_version\": \"1.%zu-1\", "
			                "\"urgency\": \"low\"}}}",
			                j ? ", " : "", i * NID + j, 0, j),
			        0);
		assert_int_equal(vigil_buf_puts(&b, "}"), 0);
	}
	assert_int_equal(vigil_buf_puts(&b, "\n}\n"), 0);
	assert_true(b.len > 4 << 20);
	path = vigil_strdup(feedtest_write_bytes("big.json", b.ptr, b.len));
	vigil_feed_set_memory_max(1 << 20);
	p = path;
	if (feedtest_import(&vigil_feed_debian, &p, 1, &run) != 0)
		fail_msg("import: %s", vigil_error_last());
	assert_int_equal(run.records, NPKG * NID);
	assert_true(vigil_feed_peak_buffer() <= 2 << 20);
	assert_int_equal(vigil_store_status(feedtest_store, &st), 0);
	assert_int_equal(st.feeds[0].records, NPKG * NID);
	vigil_store_status_release(&st);
	assert_string_equal(lookup("debian:12", "pkg2999"),
	                    "CVE-2024-11996 0 1.0-1;CVE-2024-11997 0 1.1-1;"
	                    "CVE-2024-11998 0 1.2-1;CVE-2024-11999 0 1.3-1;");
	/* A syntax error far into the file: its line and column. */
	bad_line = 2 + NPKG - 10;
	p = strstr(b.ptr, "\"pkg2990\"");
	((char *)p)[strlen("\"pkg2990\": {\"CVE-2024-11960\": {\"description\"")] = ';';
	feedtest_write_bytes("big.json", b.ptr, b.len);
	p = path;
	assert_true(feedtest_import(&vigil_feed_debian, &p, 1, NULL) < 0);
	{
		char want[128];
		snprintf(want, sizeof(want), "malformed JSON at line %zu, column 45:", bad_line);
		if (!strstr(vigil_error_last(), want))
			fail_msg("'%s' lacks '%s'", vigil_error_last(), want);
	}
	assert_string_equal(lookup("debian:12", "pkg0"),
	                    "CVE-2024-0 0 1.0-1;CVE-2024-1 0 1.1-1;CVE-2024-2 0 1.2-1;"
	                    "CVE-2024-3 0 1.3-1;");
	vigil_feed_set_memory_max(VIGIL_FEED_MEMORY_MAX);
	vigil_free(path);
	vigil_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dsa_list, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_units_by_kind, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_cve_list, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_json, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_json_and_lists, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_data, feedtest_setup, feedtest_teardown),
		cmocka_unit_test(test_probe),
		cmocka_unit_test_setup_teardown(test_prefixes, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_release_table, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_real_lists, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_real_json_samples, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_streamed_chunks, feedtest_setup, feedtest_teardown),
		cmocka_unit_test_setup_teardown(test_streamed_big_json, feedtest_setup, feedtest_teardown),
	};
	int rc;

	vigil_log_set_sink(NULL, NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	feedtest_cleanup();
	return rc;
}
