/* Unit tests for the store's SQLite backend: migrations, refusing a newer
 * schema, writes and lookups, unit replacement, rollback, status, layer cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/store/store.h"
#include "lib/store/migrations.h"

static char dir[] = "/tmp/vigil-store-test.XXXXXX";
static char path[256];

static int setup(void **state)
{
	static int n;

	(void)state;
	snprintf(path, sizeof(path), "%s/t%d/sub/vigil.db", dir, n++);
	return 0;
}

static struct vigil_store *open_new(void)
{
	struct vigil_store *s = NULL;

	assert_int_equal(vigil_store_open(&s, path, VIGIL_STORE_CREATE), 0);
	return s;
}

/* Accumulate lookup results as "ID status fixed feed sev;" */
static int collect(const struct vigil_store_record *r, void *payload)
{
	vigil_buf *b = payload;

	return vigil_buf_printf(b, "%s %d %s %s %s;", r->vuln, (int)r->status, r->fixed_version,
	                        r->feed, vigil_severity_name(r->severity));
}

static const char *lookup(struct vigil_store *s, const char *ns, const char *pkg)
{
	static vigil_buf b = VIGIL_BUF_INIT;

	vigil_buf_reset(&b);
	assert_int_equal(vigil_store_lookup(s, ns, pkg, collect, &b), 0);
	return b.ptr;
}

/* One committed import of feed "test", unit `key`: openssl fixed in `fix`. */
static void import_unit(struct vigil_store *s, const char *key, const char *fix)
{
	struct vigil_store_unit_meta meta = { "file:///x", "2024-01-02T03:04:05Z", "", "" };
	int64_t unit;

	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_put_namespace(s, "alpine:v3.18", "apk"), 0);
	assert_int_equal(vigil_store_unit_replace(s, "test", key, &meta, &unit), 0);
	assert_int_equal(vigil_store_unit_namespace(s, unit, "alpine:v3.18"), 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-2", "openssl",
	                                          VIGIL_AFFECTED_FIXED, fix),
	                 0);
	assert_int_equal(vigil_store_feed_finish(s, "test", "https://example.test/", "T"), 0);
	assert_int_equal(vigil_store_commit(s), 0);
}

static void test_migrations(void **state)
{
	struct vigil_store *s = open_new();
	int v = -1;

	(void)state;
	assert_int_equal(vigil_store_schema_version(s, &v), 0);
	assert_int_equal(
	        v, vigil_store_sqlite_migrations[vigil_store_sqlite_migration_count - 1].version);
	vigil_store_close(s);
	/* Reopening an up-to-date database applies nothing and keeps the version. */
	s = NULL;
	assert_int_equal(vigil_store_open(&s, path, 0), 0);
	assert_int_equal(vigil_store_schema_version(s, &v), 0);
	assert_int_equal(v, (int)vigil_store_sqlite_migration_count);
	vigil_store_close(s);
}

static void test_refuses_newer_schema(void **state)
{
	struct vigil_store *s = open_new();
	sqlite3 *db;

	(void)state;
	vigil_store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO schema_version VALUES (999, 'future', 'now')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	s = NULL;
	assert_int_equal(vigil_store_open(&s, path, 0), VIGIL_EDB);
	assert_null(s);
	assert_non_null(strstr(vigil_error_last(), "schema version 999"));
	assert_non_null(strstr(vigil_error_last(), "newer"));
}

static void test_missing_and_unsupported(void **state)
{
	struct vigil_store *s = NULL;

	(void)state;
	assert_int_equal(vigil_store_open(&s, path, 0), VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "no database"));
	assert_int_equal(access(path, F_OK), -1); /* not created */
	assert_int_equal(vigil_store_open(&s, "postgres://u@h/db", VIGIL_STORE_CREATE),
	                 VIGIL_EUNSUPPORTED);
	assert_int_equal(vigil_store_open(&s, "postgresql://u@h/db", 0), VIGIL_EUNSUPPORTED);
}

static void test_garbage_file(void **state)
{
	struct vigil_store *s = NULL;
	FILE *f;

	(void)state;
	vigil_store_close(open_new()); /* makes the directories */
	unlink(path);
	f = fopen(path, "w");
	fputs("this is not a database, just some words long enough to be a header....\n"
	      "this is not a database, just some words long enough to be a header....\n",
	      f);
	fclose(f);
	assert_int_equal(vigil_store_open(&s, path, VIGIL_STORE_CREATE), VIGIL_EDB);
	assert_non_null(strstr(vigil_error_last(), "not a database"));
}

static void test_insert_lookup(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_vuln v = { "alpine:v3.18",      "CVE-1",       "desc", "https://x/CVE-1",
		                      VIGIL_SEVERITY_HIGH, "{\"cvss\":9}" };
	int64_t unit;
	int known;

	(void)state;
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_put_namespace(s, "alpine:v3.18", "apk"), 0);
	assert_int_equal(vigil_store_unit_replace(s, "alpine", "v3.18/main", NULL, &unit), 0);
	assert_int_equal(vigil_store_unit_namespace(s, unit, "alpine:v3.18"), 0);
	assert_int_equal(vigil_store_put_vulnerability(s, unit, &v), 0);
	/* A later statement without details keeps them. */
	v.description = "";
	v.severity = VIGIL_SEVERITY_UNKNOWN;
	v.metadata = NULL;
	assert_int_equal(vigil_store_put_vulnerability(s, unit, &v), 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "openssl",
	                                          VIGIL_AFFECTED_FIXED, "3.1.4-r1"),
	                 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "openssl",
	                                          VIGIL_AFFECTED_FIXED, "3.0.12-r1"),
	                 0);
	/* An identical statement is ignored. */
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "openssl",
	                                          VIGIL_AFFECTED_FIXED, "3.1.4-r1"),
	                 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-0", "openssl",
	                                          VIGIL_AFFECTED_NOT_AFFECTED, "ignored"),
	                 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-3", "openssl",
	                                          VIGIL_AFFECTED_UNFIXED, NULL),
	                 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-1", "curl",
	                                          VIGIL_AFFECTED_FIXED, "8.0-r0"),
	                 0);
	assert_int_equal(vigil_store_feed_finish(s, "alpine", "https://secdb/", "T"), 0);
	assert_int_equal(vigil_store_commit(s), 0);

	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"),
	                    "CVE-0 2  alpine Unknown;"
	                    "CVE-1 0 3.0.12-r1 alpine High;CVE-1 0 3.1.4-r1 alpine High;"
	                    "CVE-3 1  alpine Unknown;");
	assert_string_equal(lookup(s, "alpine:v3.18", "nothing"), "");
	assert_string_equal(lookup(s, "alpine:v3.17", "openssl"), "");
	assert_int_equal(vigil_store_namespace_known(s, "alpine:v3.18", &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(vigil_store_namespace_known(s, "alpine:v3.17", &known), 0);
	assert_int_equal(known, 0);
	vigil_store_close(s);
}

static void test_details_and_metadata(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_vuln v = { "debian:12", "CVE-9", "d", "l", VIGIL_SEVERITY_CRITICAL,
		                      "{\"a\":1}" };
	vigil_buf b = VIGIL_BUF_INIT;
	int64_t unit;

	(void)state;
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_put_namespace(s, "debian:12", "dpkg"), 0);
	assert_int_equal(vigil_store_unit_replace(s, "debian", "json", NULL, &unit), 0);
	assert_int_equal(vigil_store_put_vulnerability(s, unit, &v), 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "debian:12", "CVE-9", "glibc",
	                                          VIGIL_AFFECTED_UNFIXED, ""),
	                 0);
	assert_int_equal(vigil_store_commit(s), 0);
	assert_int_equal(vigil_store_lookup(s, "debian:12", "glibc", collect, &b), 0);
	assert_string_equal(b.ptr, "CVE-9 1  debian Critical;");
	vigil_buf_release(&b);
	vigil_store_close(s);
}

static void test_rollback_keeps_old_data(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;
	int64_t unit;

	(void)state;
	import_unit(s, "u1", "1.0-r0");
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	/* Replace the unit, write new rows, then roll back. */
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_unit_replace(s, "test", "u1", NULL, &unit), 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.18", "CVE-7", "openssl",
	                                          VIGIL_AFFECTED_FIXED, "9"),
	                 0);
	assert_int_equal(vigil_store_rollback(s), 0);
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	/* Closing with an open transaction rolls back too. */
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_feed_clear(s, "test"), 0);
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "");
	vigil_store_close(s);
	s = NULL;
	assert_int_equal(vigil_store_open(&s, path, 0), 0);
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "CVE-2 0 1.0-r0 test Unknown;");
	assert_int_equal(vigil_store_status(s, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_int_equal(st.feeds[0].records, 1);
	vigil_store_status_release(&st);
	vigil_store_close(s);
}

static void test_unit_replacement_and_status(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;

	(void)state;
	import_unit(s, "u1", "1.0-r0");
	import_unit(s, "u2", "2.0-r0");
	/* u1 again: its old row goes, u2's stays. */
	import_unit(s, "u1", "1.5-r0");
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"),
	                    "CVE-2 0 1.5-r0 test Unknown;CVE-2 0 2.0-r0 test Unknown;");
	assert_int_equal(vigil_store_status(s, &st), 0);
	assert_int_equal(st.nfeeds, 1);
	assert_string_equal(st.feeds[0].name, "test");
	assert_string_equal(st.feeds[0].source, "https://example.test/");
	assert_string_equal(st.feeds[0].upstream_date, "2024-01-02T03:04:05Z");
	assert_string_equal(st.feeds[0].imported_at, "T");
	assert_int_equal(st.feeds[0].vulnerabilities, 1);
	assert_int_equal(st.feeds[0].records, 1); /* one (namespace, package, ID) */
	assert_int_equal(st.feeds[0].nnamespaces, 1);
	assert_string_equal(st.feeds[0].namespaces[0], "alpine:v3.18");
	vigil_store_status_release(&st);
	/* Clearing the feed removes both units. */
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_feed_clear(s, "test"), 0);
	assert_int_equal(vigil_store_feed_finish(s, "test", "", "T2"), 0);
	assert_int_equal(vigil_store_commit(s), 0);
	assert_string_equal(lookup(s, "alpine:v3.18", "openssl"), "");
	assert_int_equal(vigil_store_status(s, &st), 0);
	assert_int_equal(st.feeds[0].records, 0);
	assert_int_equal(st.feeds[0].nnamespaces, 0);
	vigil_store_status_release(&st);
	vigil_store_close(s);
}

/* Records in a namespace the unit never declared still go when it is replaced. */
static void test_replace_finds_undeclared_namespace(void **state)
{
	struct vigil_store *s = open_new();
	int64_t unit;

	(void)state;
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_put_namespace(s, "alpine:v3.1", "apk"), 0);
	assert_int_equal(vigil_store_put_namespace(s, "alpine:v3.2", "apk"), 0);
	assert_int_equal(vigil_store_unit_replace(s, "f", "k", NULL, &unit), 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.1", "CVE-1", "a",
	                                          VIGIL_AFFECTED_UNFIXED, ""),
	                 0);
	assert_int_equal(vigil_store_put_affected(s, unit, "alpine:v3.2", "CVE-1", "a",
	                                          VIGIL_AFFECTED_UNFIXED, ""),
	                 0);
	assert_int_equal(vigil_store_commit(s), 0);
	assert_string_equal(lookup(s, "alpine:v3.2", "a"), "CVE-1 1  f Unknown;");
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_unit_replace(s, "f", "k", NULL, &unit), 0);
	assert_int_equal(vigil_store_commit(s), 0);
	assert_string_equal(lookup(s, "alpine:v3.1", "a"), "");
	assert_string_equal(lookup(s, "alpine:v3.2", "a"), "");
	vigil_store_close(s);
}

static void test_status_natural_order(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_status st;
	const char *ns[] = { "alpine:v3.10", "alpine:edge", "alpine:v3.9", "alpine:v3.2" };
	int64_t unit;
	size_t i;

	(void)state;
	assert_int_equal(vigil_store_begin(s), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(vigil_store_put_namespace(s, ns[i], "apk"), 0);
		assert_int_equal(vigil_store_unit_replace(s, "alpine", ns[i], NULL, &unit), 0);
		assert_int_equal(vigil_store_unit_namespace(s, unit, ns[i]), 0);
	}
	assert_int_equal(vigil_store_feed_finish(s, "alpine", "", ""), 0);
	assert_int_equal(vigil_store_commit(s), 0);
	assert_int_equal(vigil_store_status(s, &st), 0);
	assert_int_equal(st.feeds[0].nnamespaces, 4);
	assert_string_equal(st.feeds[0].namespaces[0], "alpine:edge");
	assert_string_equal(st.feeds[0].namespaces[1], "alpine:v3.2");
	assert_string_equal(st.feeds[0].namespaces[2], "alpine:v3.9");
	assert_string_equal(st.feeds[0].namespaces[3], "alpine:v3.10");
	vigil_store_status_release(&st);
	vigil_store_close(s);
}

static void test_layer_cache(void **state)
{
	struct vigil_store *s = open_new();
	struct vigil_store_layer l = { "sha256:aa", NULL, "alpine:v3.18", "[{\"Name\":\"musl\"}]",
		                       3 };
	vigil_buf ns = VIGIL_BUF_INIT, pk = VIGIL_BUF_INIT;
	int engine = 0;

	(void)state;
	assert_int_equal(vigil_store_layer_get(s, "sha256:aa", &ns, &pk, &engine), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_store_layer_put(s, &l), 0);
	assert_int_equal(vigil_store_layer_get(s, "sha256:aa", &ns, &pk, &engine), 0);
	assert_string_equal(ns.ptr, "alpine:v3.18");
	assert_string_equal(pk.ptr, "[{\"Name\":\"musl\"}]");
	assert_int_equal(engine, 3);
	l.namespace_name = NULL;
	l.packages = "[]";
	l.parent = "sha256:bb";
	assert_int_equal(vigil_store_layer_put(s, &l), 0);
	assert_int_equal(vigil_store_layer_get(s, "sha256:aa", &ns, &pk, &engine), 0);
	assert_string_equal(ns.ptr, "");
	assert_string_equal(pk.ptr, "[]");
	vigil_buf_release(&ns);
	vigil_buf_release(&pk);
	vigil_store_close(s);
}

static void test_default_path(void **state)
{
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	setenv("XDG_CACHE_HOME", "/xdg", 1);
	assert_int_equal(vigil_store_default_path(&b), 0);
	assert_string_equal(b.ptr, "/xdg/vigil/vigil.db");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(vigil_store_default_path(&b), 0);
	assert_string_equal(b.ptr, "/home/u/.cache/vigil/vigil.db");
	vigil_buf_release(&b);
}

static void test_severity(void **state)
{
	enum vigil_severity sev;

	(void)state;
	assert_string_equal(vigil_severity_name(VIGIL_SEVERITY_DEFCON1), "Defcon1");
	assert_string_equal(vigil_severity_name((enum vigil_severity)42), "Unknown");
	assert_int_equal(vigil_severity_parse(&sev, "negligible"), 0);
	assert_int_equal(sev, VIGIL_SEVERITY_NEGLIGIBLE);
	assert_int_equal(vigil_severity_parse(&sev, "CRITICAL"), 0);
	assert_int_equal(sev, VIGIL_SEVERITY_CRITICAL);
	assert_int_equal(vigil_severity_parse(&sev, "bad"), VIGIL_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_migrations, setup),
		cmocka_unit_test_setup(test_refuses_newer_schema, setup),
		cmocka_unit_test_setup(test_missing_and_unsupported, setup),
		cmocka_unit_test_setup(test_garbage_file, setup),
		cmocka_unit_test_setup(test_insert_lookup, setup),
		cmocka_unit_test_setup(test_details_and_metadata, setup),
		cmocka_unit_test_setup(test_rollback_keeps_old_data, setup),
		cmocka_unit_test_setup(test_unit_replacement_and_status, setup),
		cmocka_unit_test_setup(test_replace_finds_undeclared_namespace, setup),
		cmocka_unit_test_setup(test_status_natural_order, setup),
		cmocka_unit_test_setup(test_layer_cache, setup),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_severity),
	};
	char cmd[300];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
