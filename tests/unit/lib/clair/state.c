/* Unit tests for the Clair API state (include/vigil/clair.h): layer analysis
 * as Clair does it (435 features from the wire harness's Debian layer),
 * inheritance from a parent, vulnerability writes with Clair's FixedIn diff,
 * notifications and the layers they name, deletes, leases, two handles
 * storing the same layer at once, and what raises the data generation. The stored-state cases run on SQLite and,
 * with VIGIL_PG_DSN (tests/e2e/clair_state_pg.sh), on PostgreSQL
 * (helpers/dbtest.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "vigil/clair.h"
#include "helpers/dbtest.h"

static const char *backend; /* of the group running */
static char path[1024];

struct mem {
	const char *p;
	size_t n;
	int done;
};

static ssize_t mem_read(void *payload, const void **buf)
{
	struct mem *m = payload;

	if (m->done)
		return 0;
	m->done = 1;
	*buf = m->p;
	return (ssize_t)m->n;
}

static char *slurp(const char *name, size_t *n)
{
	char p[512];
	const char *shared = getenv("VIGIL_SHARED");
	FILE *f;
	char *data;
	long len;

	snprintf(p, sizeof(p), "%s/spec/clair-wire/layers/%s", shared ? shared : "../shared", name);
	f = fopen(p, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)len);
	*n = fread(data, 1, (size_t)len, f);
	fclose(f);
	return data;
}

static vigil_clair_analysis *analyze(const char *name)
{
	vigil_clair_analysis *a = NULL;
	size_t n = 0;
	char *data = slurp(name, &n);
	struct mem m = { data, n, 0 };

	if (!data)
		return NULL;
	assert_int_equal(vigil_clair_analyze(&a, mem_read, &m, name, 0), 0);
	free(data);
	return a;
}

static int count_cb(const vigil_clair_feature *f, void *payload)
{
	(*(int *)payload)++;
	return 0;
}

struct added {
	int by_self, by_base;
	int64_t self;
};

static int added_cb(const vigil_clair_feature *f, void *payload)
{
	struct added *a = payload;

	if (f->added_by_id == a->self)
		a->by_self++;
	else if (strcmp(f->added_by, "base") == 0)
		a->by_base++;
	return 0;
}

static int layer_names(int64_t id, const char *name, void *payload)
{
	strcat(payload, name);
	strcat(payload, ";");
	return 0;
}

static void test_layers_and_notifications(void **state)
{
	vigil_clair *c = NULL;
	vigil_clair_analysis *base, *child, *garbage_ok;
	vigil_clair_layer l;
	vigil_clair_vuln v, got;
	vigil_clair_notification n;
	struct added ad = { 0, 0, 0 };
	char names[256] = "";
	int64_t next;
	int count = 0;

	(void)state;
	dbtest_fresh(backend, path, sizeof(path));
	base = analyze("debian12-dpkg.tar");
	assert_non_null(base); /* the wire harness's layer, in ../shared */
	assert_int_equal(vigil_clair_open(&c, path), 0);
	assert_string_equal(vigil_clair_analysis_namespace(base), "debian:12");
	assert_int_equal(vigil_clair_analysis_count(base), 435);

	/* unknown parent, then the base and a child */
	assert_int_equal(vigil_clair_layer_index(c, "orphan", "nope", base), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_clair_layer_index(c, "base", NULL, base), 0);
	assert_int_equal(vigil_clair_layer_index(c, "base", NULL, base), 0); /* again: no-op */
	child = analyze("child.tar");
	assert_null(vigil_clair_analysis_namespace(child));
	assert_int_equal(vigil_clair_layer_index(c, "child", "base", child), 0);
	assert_int_equal(vigil_clair_layer_get(c, "child", &l), 0);
	assert_string_equal(l.namespace_name, "debian:12");
	assert_string_equal(l.parent, "base");
	ad.self = l.id;
	assert_int_equal(vigil_clair_layer_features(c, l.id, added_cb, &ad), 0);
	assert_int_equal(ad.by_base, 435);
	assert_int_equal(ad.by_self, 1);
	vigil_clair_layer_release(&l);

	/* packages without a namespace and no parent */
	garbage_ok = analyze("nons.tar");
	assert_int_equal(vigil_clair_layer_index(c, "nons", NULL, garbage_ok), VIGIL_EUNSUPPORTED);

	/* a vulnerability on openssl: a notification naming only the base */
	memset(&v, 0, sizeof(v));
	v.namespace_name = "debian:12";
	v.name = "CVE-T";
	v.severity = VIGIL_SEVERITY_HIGH;
	vigil_clair_vuln_add_fix(&v, "openssl", "debian:12", "dpkg", "99.0");
	assert_int_equal(vigil_clair_vuln_write(c, &v, VIGIL_CLAIR_MERGE_FIXES), 0);
	assert_int_equal(vigil_clair_vuln_write(c, &v, VIGIL_CLAIR_MERGE_FIXES),
	                 0); /* same: no-op */
	assert_int_equal(vigil_clair_vuln_get(c, "debian:12", "CVE-T", &got), 0);
	assert_int_equal(got.nfixes, 1);
	assert_int_equal(vigil_clair_notification_next(c, 7200, 0, &n), 0);
	assert_int_equal(n.new_id, got.id);
	assert_int_equal(n.old_id, 0);
	assert_int_equal(vigil_clair_affected_layers(c, got.id, 0, 10, layer_names, names, &next),
	                 0);
	assert_string_equal(names, "base;");
	assert_int_equal(next, -1);
	/* only one notification for two identical writes */
	{
		vigil_clair_notification n2;
		assert_int_equal(vigil_clair_notification_next(c, 7200, n.id, &n2),
		                 VIGIL_ENOTFOUND);
	}
	assert_int_equal(vigil_clair_notification_mark(c, n.name), 0);
	assert_int_equal(vigil_clair_notification_delete(c, n.name), 0);
	assert_int_equal(vigil_clair_notification_delete(c, n.name), 0); /* idempotent */
	assert_int_equal(vigil_clair_notification_delete(c, "nope"), VIGIL_ENOTFOUND);
	vigil_clair_notification_release(&n);
	vigil_clair_vuln_release(&got);

	/* a POST update merges fixes by name; the old row is kept for notifications */
	{
		vigil_clair_vuln u;
		memset(&u, 0, sizeof(u));
		u.namespace_name = "debian:12";
		u.name = "CVE-T";
		u.severity = VIGIL_SEVERITY_CRITICAL;
		vigil_clair_vuln_add_fix(&u, "bash", "debian:12", "dpkg", "None");
		assert_int_equal(vigil_clair_vuln_write(c, &u, VIGIL_CLAIR_MERGE_FIXES), 0);
		assert_int_equal(vigil_clair_vuln_get(c, "debian:12", "CVE-T", &got), 0);
		assert_int_equal(got.nfixes, 2);
		assert_int_equal(got.severity, VIGIL_SEVERITY_CRITICAL);
		vigil_clair_vuln_release(&got);
		u.nfixes = 1;
		vigil_free(u.fixes[0].name);
		vigil_free(u.fixes[0].namespace_name);
		vigil_free(u.fixes[0].version_format);
		vigil_free(u.fixes[0].version);
		vigil_free(u.fixes);
		u.fixes = NULL;
		u.nfixes = 0;
	}
	assert_int_equal(vigil_clair_vuln_delete(c, "debian:12", "CVE-T"), 0);
	assert_int_equal(vigil_clair_vuln_delete(c, "debian:12", "CVE-T"), VIGIL_ENOTFOUND);

	/* deleting the base takes the child */
	assert_int_equal(vigil_clair_layer_delete(c, "base"), 0);
	assert_int_equal(vigil_clair_layer_get(c, "child", &l), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_clair_layer_delete(c, "base"), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_clair_layer_features(c, ad.self, count_cb, &count), 0);
	assert_int_equal(count, 0);

	{
		vigil_clair_fix *f = v.fixes;
		vigil_free(f[0].name);
		vigil_free(f[0].namespace_name);
		vigil_free(f[0].version_format);
		vigil_free(f[0].version);
		vigil_free(f);
	}
	vigil_clair_analysis_free(base);
	vigil_clair_analysis_free(child);
	vigil_clair_analysis_free(garbage_ok);
	vigil_clair_free(c);
}

static void test_garbage(void **state)
{
	vigil_clair_analysis *a = NULL;
	size_t n = 0;
	char *data = slurp("garbage.bin", &n);
	struct mem m = { data, n, 0 };

	(void)state;
	if (!data)
		skip();
	assert_int_equal(vigil_clair_analyze(&a, mem_read, &m, "garbage", 0), VIGIL_EINVALID);
	assert_null(a);
	free(data);
}

static void test_kv(void **state)
{
	vigil_clair *c = NULL;
	vigil_buf b = VIGIL_BUF_INIT;

	(void)state;
	dbtest_fresh(backend, path, sizeof(path));
	assert_int_equal(vigil_clair_open(&c, path), 0);
	assert_int_equal(vigil_clair_kv_get(c, "k", &b), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_clair_kv_init(c, "k", "one", &b), 0);
	assert_string_equal(b.ptr, "one");
	assert_int_equal(vigil_clair_kv_init(c, "k", "two", &b), 0); /* first writer wins */
	assert_string_equal(b.ptr, "one");
	assert_int_equal(vigil_clair_ping(c), 0);
	vigil_buf_release(&b);
	vigil_clair_free(c);
}

static void test_lease(void **state)
{
	vigil_clair *a = NULL, *b = NULL;
	int held = -1;

	(void)state;
	dbtest_fresh(backend, path, sizeof(path));
	assert_int_equal(vigil_clair_open(&a, path), 0);
	assert_int_equal(vigil_clair_open(&b, path), 0);
	assert_int_equal(vigil_clair_lease(a, "updater", "A", 1, &held), 0);
	assert_int_equal(held, 1);
	assert_int_equal(vigil_clair_lease(b, "updater", "B", 60, &held), 0);
	assert_int_equal(held, 0); /* A's runs */
	assert_int_equal(vigil_clair_lease(b, "notifier", "B", 60, &held), 0);
	assert_int_equal(held, 1); /* another name */
	assert_int_equal(vigil_clair_lease(a, "updater", "A", 1, &held), 0);
	assert_int_equal(held, 1); /* renewed */
	sleep(2);                  /* A crashed: its lease expires */
	assert_int_equal(vigil_clair_lease(b, "updater", "B", 60, &held), 0);
	assert_int_equal(held, 1);
	assert_int_equal(vigil_clair_lease(a, "updater", "A", 60, &held), 0);
	assert_int_equal(held, 0);
	assert_int_equal(vigil_clair_lease_release(a, "updater", "A"), 0); /* not A's: no-op */
	assert_int_equal(vigil_clair_lease(a, "updater", "A", 60, &held), 0);
	assert_int_equal(held, 0);
	assert_int_equal(vigil_clair_lease_release(b, "updater", "B"), 0);
	assert_int_equal(vigil_clair_lease(a, "updater", "A", 60, &held), 0);
	assert_int_equal(held, 1); /* released: taken at once */
	vigil_clair_free(a);
	vigil_clair_free(b);
}

struct racer {
	vigil_clair *c;
	const vigil_clair_analysis *a;
	pthread_barrier_t *go;
	int err;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->go);
	r->err = vigil_clair_layer_index(r->c, "same", NULL, r->a);
	return NULL;
}

/* Two handles (two instances) store the same new layer at once: both succeed, one row. */
static void test_same_layer_at_once(void **state)
{
	vigil_clair_analysis *base = analyze("debian12-dpkg.tar");
	struct racer r[2];
	pthread_t t[2];
	pthread_barrier_t go;
	vigil_clair_layer l;
	int i, count = 0;

	(void)state;
	if (!base)
		skip();
	dbtest_fresh(backend, path, sizeof(path));
	pthread_barrier_init(&go, NULL, 2);
	for (i = 0; i < 2; i++) {
		r[i] = (struct racer){ NULL, base, &go, -1 };
		assert_int_equal(vigil_clair_open(&r[i].c, path), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(r[0].err, 0);
	assert_int_equal(r[1].err, 0);
	assert_int_equal(vigil_clair_layer_get(r[0].c, "same", &l), 0);
	assert_int_equal(vigil_clair_layer_features(r[1].c, l.id, count_cb, &count), 0);
	assert_int_equal(count, 435);
	vigil_clair_layer_release(&l);
	for (i = 0; i < 2; i++)
		vigil_clair_free(r[i].c);
	pthread_barrier_destroy(&go);
	vigil_clair_analysis_free(base);
}

/* A tar in memory of (path, content) pairs. */
static unsigned char *tar_of(const char *const *files, size_t n, size_t *len)
{
	size_t cap = 1 << 16, i;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_memory(a, buf, cap, len), ARCHIVE_OK);
	for (i = 0; i < n; i += 2) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, files[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(files[i + 1]));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		archive_write_data(a, files[i + 1], strlen(files[i + 1]));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return buf;
}

static int origin_cb(const vigil_clair_feature *f, void *payload)
{
	char *out = payload;

	strcat(out, f->name);
	strcat(out, "<");
	strcat(out, f->source_name ? f->source_name : "(null)");
	strcat(out, ">;");
	return 0;
}

/* apk origins are stored with the features; feed changes become snapshot notifications. */
static void test_origins_and_snapshots(void **state)
{
	static const char *const files[] = {
		"etc/alpine-release", "3.10.2\n", "lib/apk/db/installed",
		"P:libssl1.1\nV:1.1.1c-r0\no:openssl\n\nP:musl\nV:1.1.22-r3\no:musl\n\n"
	};
	vigil_clair *c = NULL;
	vigil_clair_analysis *a = NULL;
	vigil_clair_layer l;
	vigil_clair_vuln old, got;
	vigil_clair_notification n;
	char seen[256] = "", stored[256] = "", names[64] = "";
	size_t len = 0;
	unsigned char *tar = tar_of(files, 4, &len);
	struct mem m = { (const char *)tar, len, 0 };
	int64_t next;

	(void)state;
	dbtest_fresh(backend, path, sizeof(path));
	assert_int_equal(vigil_clair_analyze(&a, mem_read, &m, "apk", 0), 0);
	assert_string_equal(vigil_clair_analysis_namespace(a), "alpine:v3.10");
	assert_int_equal(vigil_clair_open(&c, path), 0);
	assert_int_equal(vigil_clair_layer_index(c, "apk", NULL, a), 0);
	assert_int_equal(vigil_clair_layer_get(c, "apk", &l), 0);
	assert_int_equal(vigil_clair_layer_features(c, l.id, origin_cb, seen), 0);
	assert_string_equal(seen, "libssl1.1<openssl>;musl<>;");
	{ /* the layer and its features in one read: the same */
		vigil_clair_layer l2;
		char again[256] = "";
		assert_int_equal(vigil_clair_layer_get_features(c, "apk", &l2, origin_cb, again),
		                 0);
		assert_int_equal(l2.id, l.id);
		assert_string_equal(l2.namespace_name, "alpine:v3.10");
		assert_string_equal(again, seen);
		vigil_clair_layer_release(&l2);
		assert_int_equal(vigil_clair_layer_get_features(c, "nope", &l2, origin_cb, again),
		                 VIGIL_ENOTFOUND);
	}
	assert_int_equal(vigil_clair_stored_features(c, origin_cb, stored), 0);
	assert_string_equal(stored, "libssl1.1<openssl>;musl<>;");

	/* a feed change: the old vulnerability stored as a snapshot, none new */
	memset(&old, 0, sizeof(old));
	old.namespace_name = vigil_strdup("alpine:v3.10");
	old.name = vigil_strdup("CVE-2019-1547");
	old.severity = VIGIL_SEVERITY_MEDIUM;
	vigil_clair_vuln_add_fix(&old, "libssl1.1", "alpine:v3.10", "apk", "1.1.1d-r0");
	assert_int_equal(vigil_clair_notify_change(c, &old, NULL), 0);
	assert_int_equal(vigil_clair_notification_next(c, 0, 0, &n), 0);
	assert_true(n.old_id > 0);
	assert_int_equal(n.new_id, 0);
	assert_int_equal(vigil_clair_vuln_by_id(c, n.old_id, &got), 0);
	assert_string_equal(got.name, "CVE-2019-1547");
	assert_int_equal(got.nfixes, 1);
	vigil_clair_vuln_release(&got);
	assert_int_equal(vigil_clair_vuln_get(c, "alpine:v3.10", "CVE-2019-1547", &got),
	                 VIGIL_ENOTFOUND); /* a snapshot is never current */
	assert_int_equal(vigil_clair_affected_layers(c, n.old_id, 0, 10, layer_names, names, &next),
	                 0);
	assert_string_equal(names, "apk;");
	vigil_clair_notification_release(&n);
	vigil_clair_vuln_release(&old);
	vigil_clair_layer_release(&l);
	vigil_clair_analysis_free(a);
	vigil_clair_free(c);
	free(tar);
}

struct vuln_racer {
	vigil_clair *c;
	const vigil_clair_vuln *v;
	pthread_barrier_t *go;
	int err;
};

static void *vuln_race(void *arg)
{
	struct vuln_racer *r = arg;
	int i;

	pthread_barrier_wait(r->go);
	for (i = 0; i < 20 && r->err == 0; i++)
		r->err = vigil_clair_vuln_write(r->c, r->v, VIGIL_CLAIR_MERGE_FIXES);
	return NULL;
}

static int count_vuln(const vigil_clair_vuln *v, void *payload)
{
	(*(int *)payload)++;
	return 0;
}

/*
 * Two handles (two instances) write the same new vulnerability at once, 20
 * times each: the writes queue on the database's write lock, so the second
 * finds the first's row unchanged: one current row, one notification.
 */
static void test_same_vuln_at_once(void **state)
{
	struct vuln_racer r[2];
	pthread_t t[2];
	pthread_barrier_t go;
	vigil_clair_vuln v;
	vigil_clair_notification n, n2;
	int64_t next;
	int i, count = 0;

	(void)state;
	dbtest_fresh(backend, path, sizeof(path));
	memset(&v, 0, sizeof(v));
	v.namespace_name = "debian:12";
	v.name = "CVE-RACE";
	v.severity = VIGIL_SEVERITY_HIGH;
	vigil_clair_vuln_add_fix(&v, "openssl", "debian:12", "dpkg", "99.0");
	pthread_barrier_init(&go, NULL, 2);
	for (i = 0; i < 2; i++) {
		r[i] = (struct vuln_racer){ NULL, &v, &go, 0 };
		assert_int_equal(vigil_clair_open(&r[i].c, path), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, vuln_race, &r[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(r[0].err, 0);
	assert_int_equal(r[1].err, 0);
	assert_int_equal(
	        vigil_clair_vuln_list(r[0].c, "debian:12", 0, 10, count_vuln, &count, &next), 0);
	assert_int_equal(count, 1);
	assert_int_equal(vigil_clair_notification_next(r[1].c, 7200, 0, &n), 0);
	assert_int_equal(vigil_clair_notification_next(r[1].c, 7200, n.id, &n2), VIGIL_ENOTFOUND);
	vigil_clair_notification_release(&n);
	for (i = 0; i < 2; i++)
		vigil_clair_free(r[i].c);
	pthread_barrier_destroy(&go);
	v.namespace_name = v.name = NULL;
	vigil_clair_vuln_release(&v);
}

/* The data generation: what raises it (by any handle) and what does not. */
static int64_t stamp(vigil_clair *c, const char *layer, int64_t *id)
{
	int64_t gen = 0;

	assert_int_equal(vigil_clair_layer_stamp(c, layer, id, &gen), 0);
	assert_true(gen > 0);
	return gen;
}

static void test_generation(void **state)
{
	vigil_clair *c = NULL, *other = NULL;
	vigil_clair_analysis *base = analyze("debian12-dpkg.tar");
	vigil_clair_layer l;
	vigil_clair_vuln v;
	vigil_db *db = NULL;
	int64_t id, id2, g0, g;
	char feed[1024];
	const char *paths[1] = { feed };
	const char *shared = getenv("VIGIL_SHARED");

	(void)state;
	assert_non_null(base);
	dbtest_fresh(backend, path, sizeof(path));
	assert_int_equal(vigil_clair_open(&c, path), 0);
	assert_int_equal(vigil_clair_open(&other, path), 0);
	assert_int_equal(vigil_clair_layer_stamp(c, "base", &id, &g0), VIGIL_ENOTFOUND);
	assert_int_equal(vigil_clair_layer_index(c, "base", NULL, base), 0);
	g0 = stamp(c, "base", &id);
	assert_int_equal(vigil_clair_layer_get(c, "base", &l), 0);
	assert_int_equal(l.id, id);
	vigil_clair_layer_release(&l);

	/* storing layers does not change any answer */
	assert_int_equal(vigil_clair_layer_index(c, "second", NULL, base), 0);
	assert_int_equal(stamp(c, "base", &id2), g0);
	assert_int_equal(id2, id);

	/* an API vulnerability, written through the other handle */
	memset(&v, 0, sizeof(v));
	v.namespace_name = vigil_strdup("debian:12");
	v.name = vigil_strdup("CVE-G");
	vigil_clair_vuln_add_fix(&v, "openssl", "debian:12", "dpkg", "99.0");
	assert_int_equal(vigil_clair_vuln_write(other, &v, VIGIL_CLAIR_MERGE_FIXES), 0);
	assert_true((g = stamp(c, "base", &id2)) > g0);
	g0 = g;
	assert_int_equal(vigil_clair_vuln_delete(other, "debian:12", "CVE-G"), 0);
	assert_true((g = stamp(c, "base", &id2)) > g0);
	g0 = g;

	/* a feed import (vigil db) */
	snprintf(feed, sizeof(feed), "%s/vulndata/debian/samples/vunnel/debian.json",
	         shared ? shared : "../shared");
	assert_int_equal(vigil_db_open(&db, path, 0), 0);
	assert_int_equal(vigil_db_import(db, paths, 1, NULL, NULL), 0);
	vigil_db_free(db);
	assert_true((g = stamp(c, "base", &id2)) > g0);
	g0 = g;

	/* a deleted layer (SQLite may give its row id to the next one) */
	assert_int_equal(vigil_clair_layer_delete(other, "second"), 0);
	assert_true((g = stamp(c, "base", &id2)) > g0);
	assert_int_equal(id2, id);

	vigil_clair_vuln_release(&v);
	vigil_clair_analysis_free(base);
	vigil_clair_free(other);
	vigil_clair_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage),
	};
	const struct CMUnitTest stored[] = {
		cmocka_unit_test(test_layers_and_notifications),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_lease),
		cmocka_unit_test(test_same_layer_at_once),
		cmocka_unit_test(test_same_vuln_at_once),
		cmocka_unit_test(test_origins_and_snapshots),
		cmocka_unit_test(test_generation),
	};
	int rc = cmocka_run_group_tests_name("clair/analysis", tests, NULL, NULL);

	rc |= dbtest_run("clair", stored, sizeof(stored) / sizeof(stored[0]), NULL, NULL, &backend);
	dbtest_cleanup();
	return rc;
}
