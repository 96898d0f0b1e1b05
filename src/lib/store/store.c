/*
 * The store interface: picks the backend from the DSN and forwards every call
 * to its ops. Backend-independent helpers (the default path, status
 * release) live here too.
 */
#include "store.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int vigil_store_default_path(vigil_buf *out)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	vigil_buf_reset(out);
	if (xdg && *xdg)
		return vigil_buf_printf(out, "%s/vigil/vigil.db", xdg);
	if (home && *home)
		return vigil_buf_printf(out, "%s/.cache/vigil/vigil.db", home);
	return vigil_error_set(VIGIL_EDB,
	                       "no database path: set --db, VIGIL_DB, XDG_CACHE_HOME or HOME");
}

int vigil_store_dsn_is_postgres(const char *dsn)
{
	const char *eq, *slash;

	if (!dsn)
		return 0;
	if (strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0)
		return 1;
	eq = strchr(dsn, '=');
	slash = strchr(dsn, '/');
	return eq && (!slash || eq < slash);
}

int vigil_store_open(struct vigil_store **out, const char *dsn, unsigned flags)
{
	const struct vigil_store_ops *ops = &vigil_store_sqlite_ops;
	vigil_buf path = VIGIL_BUF_INIT;
	int err;

	*out = NULL;
	if (vigil_store_dsn_is_postgres(dsn)) {
#ifdef VIGIL_HAVE_POSTGRES
		ops = &vigil_store_postgres_ops;
#else
		return vigil_error_set(VIGIL_EUNSUPPORTED,
		                       "this vigil was built without PostgreSQL support (libpq)");
#endif
	}
	if (!dsn || !*dsn) {
		if ((err = vigil_store_default_path(&path)) < 0)
			return err;
		dsn = path.ptr;
	}
	if ((err = ops->open(out, dsn, flags)) == 0 && (err = ops->migrate(*out)) < 0) {
		ops->close(*out);
		*out = NULL;
	}
	vigil_buf_release(&path);
	return err;
}

void vigil_store_close(struct vigil_store *s)
{
	if (!s)
		return;
	if (s->in_txn)
		s->ops->rollback(s);
	s->ops->close(s);
}

int vigil_store_schema_version(struct vigil_store *s, int *out)
{
	return s->ops->schema_version(s, out);
}

int vigil_store_begin(struct vigil_store *s)
{
	int err;

	if (s->in_txn)
		return vigil_error_set(VIGIL_EDB, "a transaction is already open");
	if ((err = s->ops->begin(s)) == 0)
		s->in_txn = 1;
	return err;
}

int vigil_store_commit(struct vigil_store *s)
{
	int err = s->ops->commit(s);

	s->in_txn = 0;
	return err;
}

int vigil_store_rollback(struct vigil_store *s)
{
	int err = s->ops->rollback(s);

	s->in_txn = 0;
	return err;
}

int vigil_store_put_namespace(struct vigil_store *s, const char *name, const char *version_format)
{
	return s->ops->put_namespace(s, name, version_format);
}

int vigil_store_unit_replace(struct vigil_store *s, const char *feed, const char *key,
                             const struct vigil_store_unit_meta *meta, int64_t *unit)
{
	return s->ops->unit_replace(s, feed, key, meta, unit);
}

int vigil_store_unit_namespace(struct vigil_store *s, int64_t unit, const char *ns)
{
	return s->ops->unit_namespace(s, unit, ns);
}

int vigil_store_put_vulnerability(struct vigil_store *s, int64_t unit,
                                  const struct vigil_store_vuln *v)
{
	return s->ops->put_vulnerability(s, unit, v);
}

int vigil_store_put_affected(struct vigil_store *s, int64_t unit, const char *ns, const char *vuln,
                             const char *package, enum vigil_affected_status status,
                             const char *fixed_version)
{
	return s->ops->put_affected(s, unit, ns, vuln, package, status, fixed_version);
}

int vigil_store_put_affected_arch(struct vigil_store *s, int64_t unit, const char *ns,
                                  const char *vuln, const char *package,
                                  enum vigil_affected_status status, const char *fixed_version,
                                  const char *arch)
{
	if (!s->ops->put_affected_arch)
		return s->ops->put_affected(s, unit, ns, vuln, package, status, fixed_version);
	return s->ops->put_affected_arch(s, unit, ns, vuln, package, status, fixed_version,
	                                 arch ? arch : "");
}

int vigil_store_feed_clear(struct vigil_store *s, const char *feed)
{
	return s->ops->feed_clear(s, feed);
}

int vigil_store_feed_finish(struct vigil_store *s, const char *feed, const char *source,
                            const char *imported_at)
{
	return s->ops->feed_finish(s, feed, source, imported_at);
}

int vigil_store_lookup(struct vigil_store *s, const char *ns, const char *package,
                       vigil_store_record_cb cb, void *payload)
{
	return s->ops->lookup(s, ns, package, cb, payload);
}

int vigil_store_namespace_known(struct vigil_store *s, const char *ns, int *out)
{
	return s->ops->namespace_known(s, ns, out);
}

int vigil_store_status(struct vigil_store *s, struct vigil_store_status *out)
{
	memset(out, 0, sizeof(*out));
	return s->ops->status(s, out);
}

void vigil_store_status_release(struct vigil_store_status *st)
{
	size_t i, j;

	for (i = 0; i < st->nfeeds; i++) {
		struct vigil_store_feed_status *f = &st->feeds[i];
		vigil_free(f->name);
		vigil_free(f->source);
		vigil_free(f->upstream_date);
		vigil_free(f->imported_at);
		for (j = 0; j < f->nnamespaces; j++)
			vigil_free(f->namespaces[j]);
		vigil_free(f->namespaces);
	}
	vigil_free(st->feeds);
	memset(st, 0, sizeof(*st));
}

int vigil_store_layer_get(struct vigil_store *s, const char *diff_id, vigil_buf *ns,
                          vigil_buf *packages, int *engine)
{
	return s->ops->layer_get(s, diff_id, ns, packages, engine);
}

int vigil_store_layer_put(struct vigil_store *s, const struct vigil_store_layer *l)
{
	return s->ops->layer_put(s, l);
}

int vigil_store_sources(struct vigil_store *s, const char *feed, vigil_store_source_cb cb,
                        void *payload)
{
	return s->ops->sources(s, feed, cb, payload);
}

int vigil_store_source_put(struct vigil_store *s, const char *feed,
                           const struct vigil_store_source *src)
{
	return s->ops->source_put(s, feed, src);
}

/* csaf and osv feeds */

int vigil_store_put_range(struct vigil_store *s, int64_t unit, const char *ns, const char *vuln,
                          const char *package, int seq, const char *ranges, const char *versions)
{
	return s->ops->put_range(s, unit, ns, vuln, package, seq, ranges, versions);
}

int vigil_store_put_alias(struct vigil_store *s, int64_t unit, const char *vuln, const char *alias)
{
	return s->ops->put_alias(s, unit, vuln, alias);
}

int vigil_store_lookup_ranges(struct vigil_store *s, const char *ns, const char *package,
                              vigil_store_range_cb cb, void *payload)
{
	return s->ops->lookup_ranges(s, ns, package, cb, payload);
}

int vigil_store_lookup_batch(struct vigil_store *s, const char *ns, const char *const *packages,
                             size_t npackages, vigil_store_record_cb cb, void *payload)
{
	size_t i;
	int err = 0;

	if (s->ops->lookup_batch)
		return s->ops->lookup_batch(s, ns, packages, npackages, cb, payload);
	for (i = 0; i < npackages && !err; i++) /* a backend without it: one query each */
		err = s->ops->lookup(s, ns, packages[i], cb, payload);
	return err;
}

int vigil_store_layer_entries_get(struct vigil_store *s, const char *diff_id, const char *engine,
                                  vigil_buf *blob)
{
	if (!s->ops->layer_entries_get)
		return vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' is not in the cache", diff_id);
	return s->ops->layer_entries_get(s, diff_id, engine, blob);
}

int vigil_store_layer_entries_put(struct vigil_store *s, const char *diff_id, const char *engine,
                                  const void *blob, size_t len)
{
	if (!s->ops->layer_entries_put)
		return 0;
	return s->ops->layer_entries_put(s, diff_id, engine, blob, len);
}

int vigil_store__natural_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;

	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
