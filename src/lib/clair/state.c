/*
 * The Clair API state in the store's database, SQLite or PostgreSQL
 * (migrations 7 and 8): layers by Name with their whole feature lists, API
 * vulnerabilities versioned by soft delete, notifications, leases and a
 * key-value table. See docs/internals/server.md.
 *
 * One SQL text per statement for both backends, through the store's
 * statement layer (store/sql.h: ?N parameters, ON CONFLICT, RETURNING, WITH
 * RECURSIVE). Statements are prepared once per handle. Writes that touch
 * several rows run in one transaction, serialised with the other writers of
 * the database (several vigil serve may share a PostgreSQL).
 */
#include "internal.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/version.h"

#include "../store/store.h"
#include "../store/sql.h"
#include "../../util/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

enum q {
	Q_PING,
	Q_KV_GET,
	Q_KV_INIT,
	Q_LAYER_GET,
	Q_LAYER_INSERT,
	Q_LAYER_FEATURES,
	Q_FEATURE_INSERT, /* these three: feature_insert_sql() of 1, 8, 64 rows */
	Q_FEATURE_INSERT_8,
	Q_FEATURE_INSERT_64,
	Q_LAYER_DEL_FEATURES,
	Q_LAYER_DEL,
	Q_NS_LIST,
	Q_NS_EXISTS,
	Q_NS_INSERT,
	Q_VULN_GET,
	Q_VULN_BY_ID,
	Q_VULN_FIXES,
	Q_VULN_LIST,
	Q_VULN_INSERT,
	Q_VULN_MARK_DELETED,
	Q_FIX_INSERT,
	Q_FIXES_FOR,
	Q_NOTIF_INSERT,
	Q_NOTIF_GET,
	Q_NOTIF_DELETE,
	Q_NOTIF_NEXT,
	Q_NOTIF_MARK,
	Q_INTRODUCERS,
	Q_LAYER_NAME,
	Q_NS_FIXES,
	Q_KV_SET,
	Q_LEASE,
	Q_LEASE_RELEASE,
	Q_STORED_FEATURES,
	Q_LAYER_WITH_FEATURES,
	Q_LAYER_STAMP,
	Q_COUNT
};

#define DESCENDANTS                                                                                \
	"WITH RECURSIVE d(id) AS (SELECT id FROM clair_layer WHERE name = ?1 UNION ALL "           \
	"SELECT l.id FROM clair_layer l JOIN d ON l.parent_id = d.id) "

static const char *const q_sql[Q_COUNT] = {
	[Q_PING] = "SELECT 1",
	[Q_KV_GET] = "SELECT value FROM clair_kv WHERE key = ?1",
	[Q_KV_INIT] = "INSERT INTO clair_kv (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[Q_LAYER_GET] = "SELECT l.id, l.name, p.name, l.namespace, l.engine FROM clair_layer l "
	                "LEFT JOIN clair_layer p ON p.id = l.parent_id WHERE l.name = ?1",
	[Q_LAYER_INSERT] =
	        "INSERT INTO clair_layer (name, parent_id, namespace, engine, created_at) "
	        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO NOTHING RETURNING id",
	/* The primary key's order. */
	[Q_LAYER_FEATURES] = "SELECT namespace, name, version, version_format, added_by, "
	                     "source_name, added_by_name FROM clair_layer_feature "
	                     "WHERE layer_id = ?1 ORDER BY layer_id, namespace, name, version",
	[Q_LAYER_DEL_FEATURES] = DESCENDANTS "DELETE FROM clair_layer_feature WHERE layer_id IN "
	                                     "(SELECT id FROM d)",
	[Q_LAYER_DEL] = DESCENDANTS "DELETE FROM clair_layer WHERE id IN (SELECT id FROM d)",
	[Q_NS_LIST] = "SELECT name, version_format FROM namespace ORDER BY id",
	[Q_NS_EXISTS] = "SELECT 1 FROM namespace WHERE name = ?1",
	[Q_NS_INSERT] = "INSERT INTO namespace (name, version_format) VALUES (?1, ?2) "
	                "ON CONFLICT (name) DO NOTHING",
	[Q_VULN_GET] = "SELECT id, namespace, name, description, link, severity, metadata "
	               "FROM clair_vulnerability WHERE namespace = ?1 AND name = ?2 "
	               "AND deleted_at IS NULL ORDER BY id DESC LIMIT 1",
	[Q_VULN_BY_ID] = "SELECT id, namespace, name, description, link, severity, metadata "
	                 "FROM clair_vulnerability WHERE id = ?1",
	/* As Clair: a fix shows its namespace's version format. */
	[Q_VULN_FIXES] = "SELECT f.name, f.namespace, COALESCE(n.version_format, ''), f.version "
	                 "FROM clair_fixedin f LEFT JOIN namespace n ON n.name = f.namespace "
	                 "WHERE f.vulnerability_id = ?1 ORDER BY f.name",
	[Q_VULN_LIST] = "SELECT id, namespace, name, description, link, severity, metadata "
	                "FROM clair_vulnerability WHERE namespace = ?1 AND deleted_at IS NULL "
	                "AND id >= ?2 ORDER BY id LIMIT ?3",
	[Q_VULN_INSERT] = "INSERT INTO clair_vulnerability (namespace, name, description, link, "
	                  "severity, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	                  "RETURNING id",
	[Q_VULN_MARK_DELETED] = "UPDATE clair_vulnerability SET deleted_at = ?2 WHERE id = ?1",
	[Q_FIX_INSERT] = "INSERT INTO clair_fixedin (vulnerability_id, namespace, name, version, "
	                 "version_format) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[Q_FIXES_FOR] = "SELECT f.version, f.vulnerability_id FROM clair_fixedin f "
	                "JOIN clair_vulnerability v ON v.id = f.vulnerability_id "
	                "WHERE f.namespace = ?1 AND f.name = ?2 AND v.deleted_at IS NULL "
	                "ORDER BY v.name",
	[Q_NOTIF_INSERT] = "INSERT INTO clair_notification (name, created_at, old_id, new_id) "
	                   "VALUES (?1, ?2, ?3, ?4)",
	[Q_NOTIF_GET] = "SELECT id, name, created_at, notified_at, deleted_at, old_id, new_id "
	                "FROM clair_notification WHERE name = ?1",
	[Q_NOTIF_DELETE] = "UPDATE clair_notification SET deleted_at = COALESCE(deleted_at, ?2) "
	                   "WHERE name = ?1",
	[Q_NOTIF_NEXT] =
	        "SELECT id, name, created_at, notified_at, deleted_at, old_id, new_id "
	        "FROM clair_notification WHERE deleted_at IS NULL AND "
	        "(notified_at IS NULL OR notified_at < ?1) AND id > ?2 ORDER BY id LIMIT 1",
	[Q_NOTIF_MARK] = "UPDATE clair_notification SET notified_at = ?2 WHERE name = ?1",
	[Q_INTRODUCERS] = "SELECT layer_id, version, version_format FROM clair_layer_feature "
	                  "WHERE namespace = ?1 AND name = ?2 AND added_by = layer_id "
	                  "AND layer_id >= ?3",
	[Q_LAYER_NAME] = "SELECT name FROM clair_layer WHERE id = ?1",
	[Q_KV_SET] = "INSERT INTO clair_kv (key, value) VALUES (?1, ?2) "
	             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* Taken when free, expired (?4 = now) or ours already: a row comes back. */
	[Q_LEASE] = "INSERT INTO clair_lease (name, owner, expires_at) VALUES (?1, ?2, ?3) "
	            "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
	            "expires_at = excluded.expires_at WHERE clair_lease.owner = excluded.owner "
	            "OR clair_lease.expires_at <= ?4 RETURNING owner",
	[Q_LEASE_RELEASE] = "DELETE FROM clair_lease WHERE name = ?1 AND owner = ?2",
	/* Q_VULN_BY_ID's columns from column 2 on: no query per vulnerability hit. */
	[Q_NS_FIXES] = "SELECT f.name, f.version, v.id, v.namespace, v.name, v.description, "
	               "v.link, v.severity, v.metadata FROM clair_fixedin f "
	               "JOIN clair_vulnerability v ON v.id = f.vulnerability_id "
	               "WHERE f.namespace = ?1 AND v.deleted_at IS NULL ORDER BY v.name, f.name",
	[Q_STORED_FEATURES] =
	        "SELECT DISTINCT namespace, name, version, version_format, source_name "
	        "FROM clair_layer_feature ORDER BY namespace, name, version, source_name",
	[Q_LAYER_STAMP] = "SELECT l.id, g.value FROM clair_layer l, data_generation g "
	                  "WHERE l.name = ?1",
	/*
	 * The layer's row (column 0 = 0: Q_LAYER_GET's columns), then one row per
	 * feature (column 0 = 1: Q_LAYER_FEATURES' columns from column 6), in no
	 * set order: the reader sorts them when needed (features.c in the server),
	 * so neither backend sorts and no layer column is sent again per feature.
	 */
	[Q_LAYER_WITH_FEATURES] =
	        "SELECT 0, l.id, l.name, p.name, l.namespace, l.engine, NULL, NULL, NULL, NULL, "
	        "NULL, NULL, NULL FROM clair_layer l LEFT JOIN clair_layer p ON p.id = l.parent_id "
	        "WHERE l.name = ?1 UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, f.namespace, "
	        "f.name, f.version, f.version_format, f.added_by, f.source_name, f.added_by_name "
	        "FROM clair_layer_feature f "
	        "WHERE f.layer_id = (SELECT id FROM clair_layer WHERE name = ?1)",
};

/*
 * A layer's features go in by multi-row INSERTs of 64, 8 and 1 rows (a
 * 435-feature layer: 15 statements, not 435 round trips to PostgreSQL).
 */
#define FEATURE_COLS 8
static const size_t feature_rows[3] = { 1, 8, 64 };

/* The INSERT of `rows` features: ?1..?8 the first row, ?9.. the next. */
static char *feature_insert_sql(size_t rows)
{
	vigil_buf b = VIGIL_BUF_INIT;
	size_t r;

	(void)vigil_buf_puts(
	        &b, "INSERT INTO clair_layer_feature (layer_id, namespace, name, "
	            "version, version_format, added_by, source_name, added_by_name) VALUES ");
	for (r = 0; r < rows; r++) {
		size_t p = r * FEATURE_COLS;
		(void)vigil_buf_printf(&b, "%s(?%zu, ?%zu, ?%zu, ?%zu, ?%zu, ?%zu, ?%zu, ?%zu)",
		                       r ? ", " : "", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6,
		                       p + 7, p + 8);
	}
	(void)vigil_buf_puts(&b, " ON CONFLICT DO NOTHING");
	return vigil_buf_detach(&b, NULL);
}

struct vigil_clair {
	char *dsn; /* to open it again (vigil_clair_reconnect()); NULL = default */
	struct vigil_store *store;
	struct vigil_sql *db;
	struct vigil_sql_stmt *q[Q_COUNT];
};

/* The statement layer set the backend's message: say what failed. */
static int fail(vigil_clair *c, const char *what)
{
	return vigil_error_prefix(VIGIL_EDB, "database: %s", what);
}

/* Statement `id`, reset and unbound. */
static int prep(vigil_clair *c, enum q id, struct vigil_sql_stmt **out)
{
	*out = NULL;
	if (!c->q[id]) {
		char *built = id >= Q_FEATURE_INSERT && id <= Q_FEATURE_INSERT_64
		                      ? feature_insert_sql(feature_rows[id - Q_FEATURE_INSERT])
		                      : NULL;
		int err = vigil_sql_prepare(c->db, built ? built : q_sql[id], &c->q[id]);
		vigil_free(built);
		if (err < 0)
			return fail(c, "cannot prepare a statement");
	}
	vigil_sql_reset(c->q[id]);
	*out = c->q[id];
	return 0;
}

static void bind_text(struct vigil_sql_stmt *st, int i, const char *v)
{
	vigil_sql_bind_text(st, i, v);
}

static void bind_id(struct vigil_sql_stmt *st, int i, int64_t v)
{
	if (v > 0)
		vigil_sql_bind_int64(st, i, v);
	else
		vigil_sql_bind_null(st, i);
}

/* Run a statement to its end (its rows, if any, unread). */
static int run(vigil_clair *c, struct vigil_sql_stmt *st, const char *what)
{
	int rc;

	while ((rc = vigil_sql_step(st)) == 1)
		;
	return rc < 0 ? fail(c, what) : 0;
}

/*
 * Run an INSERT ... RETURNING id: *id = the new row's id, or 0 when it
 * inserted nothing (ON CONFLICT DO NOTHING met an existing row).
 */
static int run_insert(vigil_clair *c, struct vigil_sql_stmt *st, const char *what, int64_t *id)
{
	int rc = vigil_sql_step(st);

	*id = rc == 1 ? vigil_sql_column_int64(st, 0) : 0;
	if (rc == 1)
		rc = vigil_sql_step(st);
	vigil_sql_reset(st);
	return rc < 0 ? fail(c, what) : 0;
}

static int begin(vigil_clair *c)
{
	return vigil_sql_begin(c->db) < 0 ? fail(c, "cannot start a transaction") : 0;
}

static int finish(vigil_clair *c, int err)
{
	if (err < 0)
		return vigil_sql_finish(c->db, err);
	return vigil_sql_finish(c->db, 0) < 0 ? fail(c, "cannot commit") : 0;
}

static char *col_dup(struct vigil_sql_stmt *st, int i)
{
	const char *t = vigil_sql_column_text(st, i);

	return t ? vigil_strdup(t) : NULL;
}

static const char *col_str(struct vigil_sql_stmt *st, int i)
{
	const char *t = vigil_sql_column_text(st, i);

	return t ? t : "";
}

int vigil_clair_open(vigil_clair **out, const char *dsn)
{
	vigil_clair *c = vigil_calloc(1, sizeof(*c));
	int err;

	*out = NULL;
	c->dsn = dsn ? vigil_strdup(dsn) : NULL;
	if ((err = vigil_store_open(&c->store, dsn, VIGIL_STORE_CREATE)) < 0 ||
	    (err = vigil_sql_open(&c->db, c->store)) < 0)
		goto out;
	*out = c;
	c = NULL;
out:
	vigil_clair_free(c);
	return err;
}

void vigil_clair_free(vigil_clair *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < Q_COUNT; i++)
		vigil_sql_finalize(c->q[i]);
	vigil_sql_free(c->db);
	vigil_store_close(c->store);
	vigil_free(c->dsn);
	vigil_free(c);
}

int vigil_clair_reconnect(vigil_clair *c)
{
	struct vigil_store *store = NULL;
	struct vigil_sql *db = NULL;
	size_t i;
	int err;

	if (vigil_sql_alive(c->db))
		return 0;
	if ((err = vigil_store_open(&store, c->dsn, VIGIL_STORE_CREATE)) < 0 ||
	    (err = vigil_sql_open(&db, store)) < 0) {
		vigil_store_close(store);
		return err;
	}
	for (i = 0; i < Q_COUNT; i++) {
		vigil_sql_finalize(c->q[i]);
		c->q[i] = NULL;
	}
	vigil_sql_free(c->db);
	vigil_store_close(c->store);
	c->store = store;
	c->db = db;
	return 0;
}

struct vigil_store *vigil_clair__store(vigil_clair *c)
{
	return c->store;
}

int vigil_clair_ping(vigil_clair *c)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_PING, &st)) < 0)
		return err;
	return run(c, st, "ping");
}

int vigil_clair_kv_get(vigil_clair *c, const char *key, vigil_buf *out)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_KV_GET, &st)) < 0)
		return err;
	bind_text(st, 1, key);
	rc = vigil_sql_step(st);
	if (rc == 1) {
		vigil_buf_reset(out);
		err = vigil_buf_puts(out, col_str(st, 0));
	} else if (rc == 0) {
		err = vigil_error_set(VIGIL_ENOTFOUND, "no setting '%s'", key);
	} else {
		err = fail(c, "cannot read a setting");
	}
	vigil_sql_reset(st);
	return err;
}

int vigil_clair_kv_init(vigil_clair *c, const char *key, const char *value, vigil_buf *out)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_KV_INIT, &st)) < 0)
		return err;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	if ((err = run(c, st, "cannot store a setting")) < 0)
		return err;
	return vigil_clair_kv_get(c, key, out);
}

int vigil_clair_kv_set(vigil_clair *c, const char *key, const char *value)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_KV_SET, &st)) < 0)
		return err;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return run(c, st, "cannot store a setting");
}

int vigil_clair_lease(vigil_clair *c, const char *name, const char *owner, int64_t ttl_seconds,
                      int *held)
{
	struct vigil_sql_stmt *st;
	int64_t now = (int64_t)time(NULL);
	int err, rc;

	*held = 0;
	if ((err = prep(c, Q_LEASE, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	bind_text(st, 2, owner);
	vigil_sql_bind_int64(st, 3, now + ttl_seconds);
	vigil_sql_bind_int64(st, 4, now);
	while ((rc = vigil_sql_step(st)) == 1)
		*held = 1;
	vigil_sql_reset(st);
	return rc < 0 ? fail(c, "cannot take a lease") : 0;
}

int vigil_clair_lease_release(vigil_clair *c, const char *name, const char *owner)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_LEASE_RELEASE, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	bind_text(st, 2, owner);
	return run(c, st, "cannot release a lease");
}

/* ---- layers ---------------------------------------------------------------- */

void vigil_clair_layer_release(vigil_clair_layer *l)
{
	if (!l)
		return;
	vigil_free(l->name);
	vigil_free(l->parent);
	vigil_free(l->namespace_name);
	memset(l, 0, sizeof(*l));
}

/* Q_LAYER_GET's columns from column `k` on. */
static void read_layer_row(struct vigil_sql_stmt *st, int k, vigil_clair_layer *out)
{
	out->id = vigil_sql_column_int64(st, k);
	out->name = col_dup(st, k + 1);
	out->parent = col_dup(st, k + 2);
	out->namespace_name = col_dup(st, k + 3);
	out->engine = (int)vigil_sql_column_int64(st, k + 4);
}

/* Q_LAYER_FEATURES' columns from column `k` on. */
static void read_feature_row(struct vigil_sql_stmt *st, int k, vigil_clair_feature *f)
{
	f->namespace_name = col_str(st, k);
	f->name = col_str(st, k + 1);
	f->version = col_str(st, k + 2);
	f->version_format = col_str(st, k + 3);
	f->added_by_id = vigil_sql_column_int64(st, k + 4);
	f->source_name = col_str(st, k + 5);
	f->added_by = col_str(st, k + 6);
}

int vigil_clair_layer_get_features(vigil_clair *c, const char *name, vigil_clair_layer *out,
                                   vigil_clair_feature_cb cb, void *payload)
{
	struct vigil_sql_stmt *st;
	int err, rc = 0, found = 0;

	memset(out, 0, sizeof(*out));
	if ((err = prep(c, Q_LAYER_WITH_FEATURES, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	while (err == 0 && (rc = vigil_sql_step(st)) == 1) {
		vigil_clair_feature f;
		if (vigil_sql_column_int64(st, 0) == 0) {
			read_layer_row(st, 1, out);
			found = 1;
			continue;
		}
		read_feature_row(st, 6, &f);
		err = cb(&f, payload);
	}
	vigil_sql_reset(st);
	if (err == 0 && rc < 0)
		err = fail(c, "cannot read a layer");
	else if (err == 0 && !found)
		err = vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' not found", name);
	if (err < 0)
		vigil_clair_layer_release(out);
	return err;
}

/* Query `q` of layer `name`: its one row to read(), or VIGIL_ENOTFOUND. */
static int layer_row(vigil_clair *c, enum q q, const char *name,
                     void (*read)(struct vigil_sql_stmt *st, void *out), void *out)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, q, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	rc = vigil_sql_step(st);
	if (rc == 1)
		read(st, out);
	else if (rc == 0)
		err = vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' not found", name);
	else
		err = fail(c, "cannot read a layer");
	vigil_sql_reset(st);
	return err;
}

static void read_layer(struct vigil_sql_stmt *st, void *out)
{
	read_layer_row(st, 0, out);
}

int vigil_clair_layer_get(vigil_clair *c, const char *name, vigil_clair_layer *out)
{
	memset(out, 0, sizeof(*out));
	return layer_row(c, Q_LAYER_GET, name, read_layer, out);
}

static void read_stamp(struct vigil_sql_stmt *st, void *out)
{
	int64_t *v = out;

	v[0] = vigil_sql_column_int64(st, 0);
	v[1] = vigil_sql_column_int64(st, 1);
}

int vigil_clair_layer_stamp(vigil_clair *c, const char *name, int64_t *layer_id,
                            int64_t *generation)
{
	int64_t v[2] = { 0, 0 };
	int err = layer_row(c, Q_LAYER_STAMP, name, read_stamp, v);

	*layer_id = v[0];
	*generation = v[1];
	return err;
}

/* A feature list owning its strings. */
struct flist {
	vigil_clair_feature *items;
	size_t n, cap;
};

static void flist_add(struct flist *l, const vigil_clair_feature *f)
{
	vigil_clair_feature *d;

	l->items = vigil_array_grow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	d = &l->items[l->n++];
	d->name = vigil_strdup(f->name);
	d->version = vigil_strdup(f->version);
	d->namespace_name = vigil_strdup(f->namespace_name ? f->namespace_name : "");
	d->version_format = vigil_strdup(f->version_format ? f->version_format : "");
	d->added_by = f->added_by ? vigil_strdup(f->added_by) : NULL;
	d->added_by_id = f->added_by_id;
	d->source_name = vigil_strdup(f->source_name ? f->source_name : "");
}

static void flist_release(struct flist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		vigil_free((char *)l->items[i].name);
		vigil_free((char *)l->items[i].version);
		vigil_free((char *)l->items[i].namespace_name);
		vigil_free((char *)l->items[i].version_format);
		vigil_free((char *)l->items[i].source_name);
		vigil_free((char *)l->items[i].added_by);
	}
	vigil_free(l->items);
	memset(l, 0, sizeof(*l));
}

static int collect(const vigil_clair_feature *f, void *payload)
{
	flist_add(payload, f);
	return 0;
}

int vigil_clair_layer_features(vigil_clair *c, int64_t id, vigil_clair_feature_cb cb, void *payload)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_LAYER_FEATURES, &st)) < 0)
		return err;
	vigil_sql_bind_int64(st, 1, id);
	while ((rc = vigil_sql_step(st)) == 1) {
		vigil_clair_feature f;
		read_feature_row(st, 0, &f);
		if ((err = cb(&f, payload)) != 0)
			break;
	}
	if (err == 0 && rc != 0)
		err = fail(c, "cannot read a layer's features");
	vigil_sql_reset(st);
	return err;
}

static void key_of(vigil_buf *k, const char *name, const char *version)
{
	vigil_buf_reset(k);
	(void)vigil_buf_printf(k, "%s:%s", name, version);
}

/*
 * The stored features of a new layer: its own (each keeping the parent's
 * namespace and adder when the parent has the same name and version), else
 * the parent's. *unsupported = 1 when a feature has no namespace.
 */
static void build_features(struct flist *out, const struct flist *parent,
                           const vigil_clair_analysis *a, const char *ns, int *unsupported)
{
	struct vigil_strmap seen = VIGIL_STRMAP_INIT;
	vigil_buf k = VIGIL_BUF_INIT;
	size_t i, n = a ? vigil_clair_analysis_count(a) : 0;

	*unsupported = 0;
	if (n == 0) {
		for (i = 0; i < parent->n; i++)
			flist_add(out, &parent->items[i]);
		return;
	}
	for (i = 0; i < parent->n; i++) {
		key_of(&k, parent->items[i].name, parent->items[i].version);
		vigil_strmap_put(&seen, k.ptr, &parent->items[i]);
	}
	for (i = 0; i < n; i++) {
		vigil_clair_feature f = *vigil_clair_analysis_feature(a, i);
		const vigil_clair_feature *p;

		key_of(&k, f.name, f.version);
		p = vigil_strmap_get(&seen, k.ptr);
		if (p) {
			f.namespace_name = p->namespace_name;
			f.added_by_id = p->added_by_id;
			f.added_by = p->added_by;
		} else {
			if (!ns)
				*unsupported = 1;
			f.namespace_name = ns ? ns : "";
			f.added_by_id = 0; /* this layer */
			f.added_by = NULL;
		}
		flist_add(out, &f);
	}
	vigil_strmap_release(&seen);
	vigil_buf_release(&k);
}

static void now_rfc3339(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int insert_namespace(vigil_clair *c, const char *ns, const char *format)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_NS_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	bind_text(st, 2, format ? format : "");
	return run(c, st, "cannot insert a namespace");
}

/* Insert the features of new layer `id` named `name`, 64, 8 or 1 to a statement. */
static int insert_features(vigil_clair *c, int64_t id, const char *name, const struct flist *fl)
{
	struct vigil_sql_stmt *st;
	size_t i = 0, r, k;
	int err, p;

	while (i < fl->n) {
		for (k = 2; k > 0 && fl->n - i < feature_rows[k]; k--)
			;
		if ((err = prep(c, Q_FEATURE_INSERT + (enum q)k, &st)) < 0)
			return err;
		for (r = 0; r < feature_rows[k]; r++, i++) {
			const vigil_clair_feature *f = &fl->items[i];
			p = (int)(r * FEATURE_COLS);
			vigil_sql_bind_int64(st, p + 1, id);
			bind_text(st, p + 2, f->namespace_name);
			bind_text(st, p + 3, f->name);
			bind_text(st, p + 4, f->version);
			bind_text(st, p + 5, f->version_format);
			vigil_sql_bind_int64(st, p + 6, f->added_by_id ? f->added_by_id : id);
			bind_text(st, p + 7, f->source_name ? f->source_name : "");
			bind_text(st, p + 8, f->added_by_id ? f->added_by : name);
		}
		if ((err = run(c, st, "cannot insert features")) < 0)
			return err;
	}
	return 0;
}

static int insert_layer(vigil_clair *c, const char *name, int64_t parent, const char *ns,
                        const struct flist *fl, const char *format)
{
	char now[32];
	struct vigil_sql_stmt *st;
	int64_t id;
	int err;

	now_rfc3339(now, sizeof(now));
	if (ns && (err = insert_namespace(c, ns, format)) < 0)
		return err;
	if ((err = prep(c, Q_LAYER_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	bind_id(st, 2, parent);
	bind_text(st, 3, ns);
	vigil_sql_bind_int64(st, 4, VIGIL_CLAIR_ENGINE);
	bind_text(st, 5, now);
	if ((err = run_insert(c, st, "cannot insert a layer", &id)) < 0)
		return err;
	if (id == 0)
		return 0; /* a concurrent POST of the same name won: fine, as Clair */
	return insert_features(c, id, name, fl);
}

int vigil_clair_layer_index(vigil_clair *c, const char *name, const char *parent,
                            const vigil_clair_analysis *a)
{
	vigil_clair_layer have, par;
	struct flist pf = { 0 }, fl = { 0 };
	const char *ns;
	int err, unsupported;

	memset(&par, 0, sizeof(par));
	err = vigil_clair_layer_get(c, name, &have);
	vigil_clair_layer_release(&have);
	if (err != VIGIL_ENOTFOUND)
		return err; /* stored already (0), or a database error */
	vigil_error_clear();
	if (parent && *parent) {
		if ((err = vigil_clair_layer_get(c, parent, &par)) < 0)
			goto out;
		if ((err = vigil_clair_layer_features(c, par.id, collect, &pf)) < 0)
			goto out;
	}
	ns = a ? vigil_clair_analysis_namespace(a) : NULL;
	if (!ns)
		ns = par.namespace_name;
	build_features(&fl, &pf, a, ns, &unsupported);
	if (unsupported) {
		err = vigil_error_set(VIGIL_EUNSUPPORTED,
		                      "layer '%s': packages found but no OS namespace", name);
		goto out;
	}
	if ((err = begin(c)) < 0)
		goto out;
	err = finish(c, insert_layer(c, name, par.id, ns, &fl,
	                             a && vigil_clair_analysis_namespace(a)
	                                     ? vigil_clair_analysis_format(a)
	                                     : (fl.n ? fl.items[0].version_format : "")));
out:
	flist_release(&pf);
	flist_release(&fl);
	vigil_clair_layer_release(&par);
	return err;
}

int vigil_clair_layer_delete(vigil_clair *c, const char *name)
{
	vigil_clair_layer l;
	struct vigil_sql_stmt *st;
	int err;

	if ((err = vigil_clair_layer_get(c, name, &l)) < 0)
		return err;
	vigil_clair_layer_release(&l);
	if ((err = begin(c)) < 0)
		return err;
	if ((err = prep(c, Q_LAYER_DEL_FEATURES, &st)) == 0) {
		bind_text(st, 1, name);
		err = run(c, st, "cannot delete a layer's features");
	}
	if (err == 0 && (err = prep(c, Q_LAYER_DEL, &st)) == 0) {
		bind_text(st, 1, name);
		err = run(c, st, "cannot delete a layer");
	}
	return finish(c, err);
}

int vigil_clair_namespaces(vigil_clair *c, vigil_clair_namespace_cb cb, void *payload)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_NS_LIST, &st)) < 0)
		return err;
	while ((rc = vigil_sql_step(st)) == 1)
		if ((err = cb(col_str(st, 0), col_str(st, 1), payload)) != 0)
			break;
	if (err == 0 && rc != 0)
		err = fail(c, "cannot list namespaces");
	vigil_sql_reset(st);
	return err;
}

int vigil_clair_namespace_exists(vigil_clair *c, const char *ns, int *out)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_NS_EXISTS, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	rc = vigil_sql_step(st);
	*out = rc == 1;
	vigil_sql_reset(st);
	return rc == 1 || rc == 0 ? 0 : fail(c, "cannot read a namespace");
}

/* ---- vulnerabilities --------------------------------------------------------- */

void vigil_clair_vuln_add_fix(vigil_clair_vuln *v, const char *name, const char *ns,
                              const char *format, const char *version)
{
	vigil_clair_fix *f;

	v->fixes = vigil_realloc(v->fixes, (v->nfixes + 1) * sizeof(*v->fixes));
	f = &v->fixes[v->nfixes++];
	f->name = vigil_strdup(name ? name : "");
	f->namespace_name = vigil_strdup(ns ? ns : "");
	f->version_format = vigil_strdup(format ? format : "");
	f->version = vigil_strdup(version ? version : "");
}

void vigil_clair_vuln_release(vigil_clair_vuln *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->nfixes; i++) {
		vigil_free(v->fixes[i].name);
		vigil_free(v->fixes[i].namespace_name);
		vigil_free(v->fixes[i].version_format);
		vigil_free(v->fixes[i].version);
	}
	vigil_free(v->fixes);
	vigil_free(v->namespace_name);
	vigil_free(v->name);
	vigil_free(v->description);
	vigil_free(v->link);
	vigil_free(v->metadata);
	memset(v, 0, sizeof(*v));
}

/* Q_VULN_BY_ID's columns from column `k` on. */
static void read_vuln_row(struct vigil_sql_stmt *st, int k, vigil_clair_vuln *v)
{
	int sev = (int)vigil_sql_column_int64(st, k + 5);

	v->id = vigil_sql_column_int64(st, k);
	v->namespace_name = col_dup(st, k + 1);
	v->name = col_dup(st, k + 2);
	v->description = col_dup(st, k + 3);
	v->link = col_dup(st, k + 4);
	v->severity = sev >= 0 && sev < VIGIL_SEVERITY_COUNT ? (vigil_severity)sev : 0;
	v->metadata = col_dup(st, k + 6);
}

static int read_fixes(vigil_clair *c, vigil_clair_vuln *v)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_VULN_FIXES, &st)) < 0)
		return err;
	vigil_sql_bind_int64(st, 1, v->id);
	while ((rc = vigil_sql_step(st)) == 1)
		vigil_clair_vuln_add_fix(v, col_str(st, 0), col_str(st, 1), col_str(st, 2),
		                         col_str(st, 3));
	vigil_sql_reset(st);
	return rc == 0 ? 0 : fail(c, "cannot read fixes");
}

/* One vulnerability row from a prepared, bound statement, with its fixes. */
static int vuln_one(vigil_clair *c, struct vigil_sql_stmt *st, vigil_clair_vuln *out,
                    const char *what)
{
	int rc = vigil_sql_step(st);

	if (rc == 1)
		read_vuln_row(st, 0, out);
	vigil_sql_reset(st);
	if (rc == 0)
		return vigil_error_set(VIGIL_ENOTFOUND, "vulnerability %s not found", what);
	if (rc != 1)
		return fail(c, "cannot read a vulnerability");
	return read_fixes(c, out);
}

int vigil_clair_vuln_get(vigil_clair *c, const char *ns, const char *name, vigil_clair_vuln *out)
{
	struct vigil_sql_stmt *st;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = prep(c, Q_VULN_GET, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	bind_text(st, 2, name);
	if ((err = vuln_one(c, st, out, name)) < 0)
		vigil_clair_vuln_release(out);
	return err;
}

int vigil_clair_vuln_by_id(vigil_clair *c, int64_t id, vigil_clair_vuln *out)
{
	struct vigil_sql_stmt *st;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = prep(c, Q_VULN_BY_ID, &st)) < 0)
		return err;
	vigil_sql_bind_int64(st, 1, id);
	if ((err = vuln_one(c, st, out, "row")) < 0)
		vigil_clair_vuln_release(out);
	return err;
}

int vigil_clair_vuln_list(vigil_clair *c, const char *ns, int64_t from, int limit,
                          vigil_clair_vuln_cb cb, void *payload, int64_t *next)
{
	struct vigil_sql_stmt *st;
	int err, rc, n = 0;

	*next = -1;
	if ((err = prep(c, Q_VULN_LIST, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	vigil_sql_bind_int64(st, 2, from);
	vigil_sql_bind_int64(st, 3, (int64_t)limit + 1);
	while ((rc = vigil_sql_step(st)) == 1) {
		vigil_clair_vuln v;
		if (n++ == limit) {
			*next = vigil_sql_column_int64(st, 0);
			break;
		}
		memset(&v, 0, sizeof(v));
		read_vuln_row(st, 0, &v);
		err = cb(&v, payload);
		vigil_clair_vuln_release(&v);
		if (err)
			break;
	}
	if (err == 0 && rc != 0 && rc != 1)
		err = fail(c, "cannot list vulnerabilities");
	vigil_sql_reset(st);
	return err;
}

static void new_uuid(char out[37])
{
	unsigned char b[16];
	size_t i, o = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		for (i = 0; i < sizeof(b); i++) /* no entropy source: unique enough */
			b[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", b[i]);
		o += 2;
	}
	out[o] = '\0';
}

static int notify(vigil_clair *c, int64_t old_id, int64_t new_id)
{
	char name[37];
	struct vigil_sql_stmt *st;
	int err;

	new_uuid(name);
	if ((err = prep(c, Q_NOTIF_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	vigil_sql_bind_int64(st, 2, (int64_t)time(NULL));
	bind_id(st, 3, old_id);
	bind_id(st, 4, new_id);
	return run(c, st, "cannot insert a notification");
}

static int str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int fix_find(const vigil_clair_vuln *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nfixes; i++)
		if (strcmp(v->fixes[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The fixes a write leaves: Clair's diff keyed by feature name. */
static void merged_fixes(vigil_clair_vuln *out, const vigil_clair_vuln *old,
                         const vigil_clair_vuln *in, int mode)
{
	size_t i;

	for (i = 0; old && i < old->nfixes; i++) {
		const vigil_clair_fix *f = &old->fixes[i];
		int j = fix_find(in, f->name);
		if (mode == VIGIL_CLAIR_DELETE_FIXES && j >= 0)
			continue;
		if (mode == VIGIL_CLAIR_MERGE_FIXES && j >= 0)
			f = &in->fixes[j];
		vigil_clair_vuln_add_fix(out, f->name, f->namespace_name, f->version_format,
		                         f->version);
	}
	if (mode != VIGIL_CLAIR_MERGE_FIXES)
		return;
	for (i = 0; i < in->nfixes; i++) {
		const vigil_clair_fix *f = &in->fixes[i];
		if (fix_find(out, f->name) < 0)
			vigil_clair_vuln_add_fix(out, f->name, f->namespace_name, f->version_format,
			                         f->version);
	}
}

static int same_vuln(const vigil_clair_vuln *a, const vigil_clair_vuln *b)
{
	size_t i;

	if (!str_eq(a->description, b->description) || !str_eq(a->link, b->link) ||
	    a->severity != b->severity || !str_eq(a->metadata, b->metadata) ||
	    a->nfixes != b->nfixes)
		return 0;
	for (i = 0; i < a->nfixes; i++) {
		int j = fix_find(b, a->fixes[i].name);
		if (j < 0 || !str_eq(a->fixes[i].version, b->fixes[j].version))
			return 0;
	}
	return 1;
}

static int insert_vuln(vigil_clair *c, const vigil_clair_vuln *v, int64_t *id)
{
	struct vigil_sql_stmt *st;
	size_t i;
	int err;

	if ((err = insert_namespace(c, v->namespace_name, "")) < 0)
		return err;
	if ((err = prep(c, Q_VULN_INSERT, &st)) < 0)
		return err;
	bind_text(st, 1, v->namespace_name);
	bind_text(st, 2, v->name);
	bind_text(st, 3, v->description ? v->description : "");
	bind_text(st, 4, v->link ? v->link : "");
	vigil_sql_bind_int64(st, 5, (int)v->severity);
	bind_text(st, 6, v->metadata);
	vigil_sql_bind_int64(st, 7, (int64_t)time(NULL));
	if ((err = run_insert(c, st, "cannot insert a vulnerability", id)) < 0)
		return err;
	for (i = 0; i < v->nfixes; i++) {
		const vigil_clair_fix *f = &v->fixes[i];
		if ((err = prep(c, Q_FIX_INSERT, &st)) < 0)
			return err;
		vigil_sql_bind_int64(st, 1, *id);
		bind_text(st, 2, f->namespace_name[0] ? f->namespace_name : v->namespace_name);
		bind_text(st, 3, f->name);
		bind_text(st, 4, f->version);
		bind_text(st, 5, f->version_format);
		if ((err = run(c, st, "cannot insert a fix")) < 0)
			return err;
	}
	return 0;
}

static int mark_deleted(vigil_clair *c, int64_t id)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_VULN_MARK_DELETED, &st)) < 0)
		return err;
	vigil_sql_bind_int64(st, 1, id);
	vigil_sql_bind_int64(st, 2, (int64_t)time(NULL));
	return run(c, st, "cannot delete a vulnerability");
}

static int write_locked(vigil_clair *c, const vigil_clair_vuln *in, int mode)
{
	vigil_clair_vuln old, nv;
	int64_t id = 0;
	int err, have;

	memset(&nv, 0, sizeof(nv));
	err = vigil_clair_vuln_get(c, in->namespace_name, in->name, &old);
	if (err < 0 && err != VIGIL_ENOTFOUND)
		return err;
	have = err == 0;
	nv.namespace_name = in->namespace_name;
	nv.name = in->name;
	nv.description =
	        have && mode == VIGIL_CLAIR_DELETE_FIXES ? old.description : in->description;
	nv.link = have && mode == VIGIL_CLAIR_DELETE_FIXES ? old.link : in->link;
	nv.severity = have && mode == VIGIL_CLAIR_DELETE_FIXES ? old.severity : in->severity;
	nv.metadata = have && mode == VIGIL_CLAIR_DELETE_FIXES ? old.metadata : in->metadata;
	merged_fixes(&nv, have ? &old : NULL, in, mode);
	err = 0;
	if (have && same_vuln(&old, &nv))
		goto out;
	if (have && (err = mark_deleted(c, old.id)) < 0)
		goto out;
	if ((err = insert_vuln(c, &nv, &id)) < 0)
		goto out;
	err = notify(c, have ? old.id : 0, id);
out:
	nv.namespace_name = nv.name = nv.description = nv.link = nv.metadata = NULL;
	vigil_clair_vuln_release(&nv);
	if (have)
		vigil_clair_vuln_release(&old);
	return err;
}

int vigil_clair_vuln_write(vigil_clair *c, const vigil_clair_vuln *v, int mode)
{
	int err;

	if ((err = begin(c)) < 0)
		return err;
	return finish(c, write_locked(c, v, mode));
}

int vigil_clair_vuln_delete(vigil_clair *c, const char *ns, const char *name)
{
	vigil_clair_vuln old;
	int err;

	if ((err = begin(c)) < 0)
		return err;
	if ((err = vigil_clair_vuln_get(c, ns, name, &old)) == 0) {
		if ((err = mark_deleted(c, old.id)) == 0)
			err = notify(c, old.id, 0);
		vigil_clair_vuln_release(&old);
	}
	return finish(c, err);
}

/* A snapshot row: stored deleted at once, so only notifications see it. */
static int insert_snapshot(vigil_clair *c, const vigil_clair_vuln *v, int64_t *id)
{
	int err;

	*id = 0;
	if (!v)
		return 0;
	if ((err = insert_vuln(c, v, id)) < 0)
		return err;
	return mark_deleted(c, *id);
}

int vigil_clair_notify_change(vigil_clair *c, const vigil_clair_vuln *old,
                              const vigil_clair_vuln *new_v)
{
	int64_t old_id, new_id;
	int err;

	if ((err = begin(c)) < 0)
		return err;
	if ((err = insert_snapshot(c, old, &old_id)) == 0 &&
	    (err = insert_snapshot(c, new_v, &new_id)) == 0)
		err = notify(c, old_id, new_id);
	return finish(c, err);
}

int vigil_clair_stored_features(vigil_clair *c, vigil_clair_feature_cb cb, void *payload)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_STORED_FEATURES, &st)) < 0)
		return err;
	while ((rc = vigil_sql_step(st)) == 1) {
		vigil_clair_feature f = { col_str(st, 1), col_str(st, 2), col_str(st, 0),
			                  col_str(st, 3), NULL,           0,
			                  col_str(st, 4) };
		if ((err = cb(&f, payload)) != 0)
			break;
	}
	if (err == 0 && rc != 0)
		err = fail(c, "cannot list the stored features");
	vigil_sql_reset(st);
	return err;
}

int vigil_clair_fixes_for(vigil_clair *c, const char *ns, const char *feature,
                          vigil_clair_fix_cb cb, void *payload)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_FIXES_FOR, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	bind_text(st, 2, feature);
	while ((rc = vigil_sql_step(st)) == 1) {
		vigil_clair_fix_match m = { col_str(st, 0), vigil_sql_column_int64(st, 1), NULL };
		if ((err = cb(&m, payload)) != 0)
			break;
	}
	if (err == 0 && rc != 0)
		err = fail(c, "cannot read fixes");
	vigil_sql_reset(st);
	return err;
}

int vigil_clair_namespace_fixes(vigil_clair *c, const char *ns,
                                int (*cb)(const char *feature, const vigil_clair_fix_match *m,
                                          void *payload),
                                void *payload)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_NS_FIXES, &st)) < 0)
		return err;
	bind_text(st, 1, ns);
	while ((rc = vigil_sql_step(st)) == 1) {
		vigil_clair_vuln v;
		vigil_clair_fix_match m = { col_str(st, 1), vigil_sql_column_int64(st, 2), &v };
		memset(&v, 0, sizeof(v));
		read_vuln_row(st, 2, &v);
		err = cb(col_str(st, 0), &m, payload);
		vigil_clair_vuln_release(&v);
		if (err != 0)
			break;
	}
	if (err == 0 && rc != 0)
		err = fail(c, "cannot read fixes");
	vigil_sql_reset(st);
	return err;
}

int vigil_clair_feed_covers(vigil_clair *c, const char *ns, int *out)
{
	return vigil_store_namespace_known(c->store, ns, out);
}

struct feed_ctx {
	vigil_clair_feed_cb cb;
	void *payload;
};

static int feed_record(const struct vigil_store_record *r, void *payload)
{
	struct feed_ctx *fc = payload;
	vigil_clair_feed_record o = { r->vuln, (int)r->status, r->fixed_version, r->description,
		                      r->link, r->severity,    r->metadata };

	return fc->cb(&o, fc->payload);
}

int vigil_clair_feed_records(vigil_clair *c, const char *ns, const char *package,
                             vigil_clair_feed_cb cb, void *payload)
{
	struct feed_ctx fc = { cb, payload };

	return vigil_store_lookup(c->store, ns, package, feed_record, &fc);
}

/* ---- notifications ----------------------------------------------------------- */

void vigil_clair_notification_release(vigil_clair_notification *n)
{
	if (!n)
		return;
	vigil_free(n->name);
	memset(n, 0, sizeof(*n));
}

static int notif_one(vigil_clair *c, struct vigil_sql_stmt *st, vigil_clair_notification *out)
{
	int rc = vigil_sql_step(st);

	if (rc == 1) {
		out->id = vigil_sql_column_int64(st, 0);
		out->name = col_dup(st, 1);
		out->created = vigil_sql_column_int64(st, 2);
		out->notified = vigil_sql_column_int64(st, 3);
		out->deleted = vigil_sql_column_int64(st, 4);
		out->old_id = vigil_sql_column_int64(st, 5);
		out->new_id = vigil_sql_column_int64(st, 6);
	}
	vigil_sql_reset(st);
	if (rc == 0)
		return vigil_error_set(VIGIL_ENOTFOUND, "notification not found");
	return rc == 1 ? 0 : fail(c, "cannot read a notification");
}

int vigil_clair_notification_get(vigil_clair *c, const char *name, vigil_clair_notification *out)
{
	struct vigil_sql_stmt *st;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = prep(c, Q_NOTIF_GET, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	return notif_one(c, st, out);
}

int vigil_clair_notification_delete(vigil_clair *c, const char *name)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_NOTIF_DELETE, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	vigil_sql_bind_int64(st, 2, (int64_t)time(NULL));
	if ((err = run(c, st, "cannot delete a notification")) < 0)
		return err;
	if (vigil_sql_changes(st) == 0)
		return vigil_error_set(VIGIL_ENOTFOUND, "notification '%s' not found", name);
	return 0;
}

int vigil_clair_notification_next(vigil_clair *c, int64_t renotify, int64_t after,
                                  vigil_clair_notification *out)
{
	struct vigil_sql_stmt *st;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = prep(c, Q_NOTIF_NEXT, &st)) < 0)
		return err;
	vigil_sql_bind_int64(st, 1, (int64_t)time(NULL) - renotify);
	vigil_sql_bind_int64(st, 2, after);
	return notif_one(c, st, out);
}

int vigil_clair_notification_mark(vigil_clair *c, const char *name)
{
	struct vigil_sql_stmt *st;
	int err;

	if ((err = prep(c, Q_NOTIF_MARK, &st)) < 0)
		return err;
	bind_text(st, 1, name);
	vigil_sql_bind_int64(st, 2, (int64_t)time(NULL));
	return run(c, st, "cannot mark a notification");
}

static int id_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

/* Append to *ids the layers at or after `from` introducing a version `fix` affects. */
static int introducers(vigil_clair *c, const vigil_clair_vuln *v, const vigil_clair_fix *fix,
                       int64_t from, int64_t **ids, size_t *n, size_t *cap)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_INTRODUCERS, &st)) < 0)
		return err;
	bind_text(st, 1, fix->namespace_name[0] ? fix->namespace_name : v->namespace_name);
	bind_text(st, 2, fix->name);
	vigil_sql_bind_int64(st, 3, from);
	while ((rc = vigil_sql_step(st)) == 1) {
		const char *installed = col_str(st, 1);
		vigil_version_format fmt = vigil_version_format_from_name(col_str(st, 2));
		if (strcmp(fix->version, "None") != 0 &&
		    vigil_version_cmp(fmt, installed, fix->version) >= 0)
			continue;
		*ids = vigil_array_grow(*ids, cap, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = vigil_sql_column_int64(st, 0);
	}
	vigil_sql_reset(st);
	return rc == 0 ? 0 : fail(c, "cannot read layer features");
}

static int layer_name(vigil_clair *c, int64_t id, vigil_buf *out)
{
	struct vigil_sql_stmt *st;
	int err, rc;

	if ((err = prep(c, Q_LAYER_NAME, &st)) < 0)
		return err;
	vigil_sql_bind_int64(st, 1, id);
	rc = vigil_sql_step(st);
	vigil_buf_reset(out);
	if (rc == 1)
		err = vigil_buf_puts(out, col_str(st, 0));
	vigil_sql_reset(st);
	return rc == 1 || rc == 0 ? err : fail(c, "cannot read a layer");
}

int vigil_clair_affected_layers(vigil_clair *c, int64_t vuln_id, int64_t from, int limit,
                                vigil_clair_layer_cb cb, void *payload, int64_t *next)
{
	vigil_clair_vuln v;
	vigil_buf name = VIGIL_BUF_INIT;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0, i, shown = 0;
	int err;

	*next = -1;
	if ((err = vigil_clair_vuln_by_id(c, vuln_id, &v)) < 0)
		return err;
	for (i = 0; i < v.nfixes && err == 0; i++)
		err = introducers(c, &v, &v.fixes[i], from, &ids, &n, &cap);
	if (n)
		qsort(ids, n, sizeof(*ids), id_cmp);
	for (i = 0; i < n && err == 0; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		if (limit < 0 || shown == (size_t)limit) {
			if (limit > 0)
				*next = ids[i];
			break;
		}
		shown++;
		if ((err = layer_name(c, ids[i], &name)) == 0 && name.len)
			err = cb(ids[i], name.ptr, payload);
	}
	vigil_free(ids);
	vigil_buf_release(&name);
	vigil_clair_vuln_release(&v);
	return err;
}
