/*
 * The vulnerability store: one interface, one backend per DSN scheme.
 *
 * A backend is a `struct vigil_store_ops` of function pointers (libgit2's
 * backends); vigil_store_open() picks it from the DSN: `postgres://` and
 * `postgresql://` URLs and key=value DSNs for PostgreSQL (store/postgres.c;
 * VIGIL_EUNSUPPORTED when built without libpq), anything else is a SQLite
 * file path. Callers use the vigil_store_*() wrappers below,
 * never the ops directly.
 *
 * What it holds (docs/internals/store.md has the schema):
 *   - namespaces: name ("alpine:v3.18") and version format ("apk");
 *   - feeds, and their units: a unit is what one upstream file or file set
 *     states (alpine "v3.18/main"), with its source, upstream date or ETag,
 *     digest and import time. Re-importing a unit replaces its rows;
 *   - affected records per (namespace, package name): the vulnerability ID,
 *     and a fixed-in version, "no fix yet" or "not affected";
 *   - vulnerability details per (unit, namespace, ID), only when a feed has
 *     some: description, link, severity on Clair's scale, metadata JSON
 *     (CVSS). A record without details has severity Unknown;
 *   - layer analyses by diff_id (the scan cache).
 *
 * Transactions: every write of a feed import happens between
 * vigil_store_begin() and vigil_store_commit(); vigil_store_rollback() (or a
 * crash) leaves the previous data whole. Reads need no transaction.
 *
 * A store handle is used by one thread at a time.
 */
#ifndef VIGIL_STORE_H
#define VIGIL_STORE_H

#include "vigil/buf.h"
#include "vigil/common.h"
#include "vigil/severity.h"

#include <stdint.h>

/* Severity: include/vigil/severity.h (the store keeps its number). */

/* What an affected record says about (namespace, package, vulnerability). */
enum vigil_affected_status {
	VIGIL_AFFECTED_FIXED = 0,        /* affected when installed < fixed_version */
	VIGIL_AFFECTED_UNFIXED = 1,      /* every version affected, no fix yet */
	VIGIL_AFFECTED_NOT_AFFECTED = 2, /* the feed says this package never was */
};

/* Where a unit's data came from, written with vigil_store_unit_replace(). */
struct vigil_store_unit_meta {
	const char *source;        /* URL or file:// path; "" when unknown */
	const char *upstream_date; /* RFC 3339 UTC, or ""; Last-Modified or file mtime */
	const char *etag;          /* HTTP ETag, or "" */
	const char *digest;        /* "sha256:..." of the content, or "" */
};

/* A vulnerability as a feed states it. Strings are borrowed for the call. */
struct vigil_store_vuln {
	const char *namespace_name;
	const char *name;        /* CVE-..., TEMP-..., RHSA-... */
	const char *description; /* NULL or "" when none */
	const char *link;        /* NULL or "" when none */
	enum vigil_severity severity;
	const char *metadata; /* JSON text (CVSS), or NULL */
};

/* One affected record returned by vigil_store_lookup(). Borrowed for the callback. */
struct vigil_store_record {
	const char *namespace_name;
	const char *package;
	const char *vuln; /* the ID */
	enum vigil_affected_status status;
	const char *fixed_version; /* "" unless status is VIGIL_AFFECTED_FIXED */
	const char *feed;          /* which feed stated it */
	const char *description;   /* details of the same unit; "" when none */
	const char *link;
	enum vigil_severity severity;
	const char *metadata; /* JSON text or NULL */
	const char *unit;     /* key of the feed unit that stated it ("v3.18/main", "json") */
	const char *arch;     /* POSIX ERE searched in the package's arch; "" = every arch */
};

typedef int (*vigil_store_record_cb)(const struct vigil_store_record *rec, void *payload);

/* What `db update` remembers of one upstream source of a feed (feed_source). */
struct vigil_store_source {
	const char *key;           /* the feed's stable name for it (its mirror path) */
	const char *location;      /* URL or mirror file it was fetched from */
	const char *etag;          /* the response's ETag (a mirror file's stat), or "" */
	const char *last_modified; /* RFC 3339 UTC, or "" */
	const char *digest;        /* "sha256:..." of the content as fetched */
};

typedef int (*vigil_store_source_cb)(const struct vigil_store_source *src, void *payload);

/* One version-range statement returned by vigil_store_lookup_ranges() (OSV).
 * Borrowed for the callback. */
struct vigil_store_range {
	const char *namespace_name;
	const char *package;
	const char *vuln;     /* the ID */
	int seq;              /* position of the affected[] entry in its document */
	const char *ranges;   /* JSON: [{"type", "repo"?, "events": [{"introduced": V}, ...]}] */
	const char *versions; /* JSON: ["1.0.1", ...], explicitly affected versions */
	const char *feed;
	const char *description; /* details of the same unit; "" when none */
	const char *link;
	enum vigil_severity severity;
	const char *metadata; /* JSON text or NULL */
};

typedef int (*vigil_store_range_cb)(const struct vigil_store_range *r, void *payload);

/* Per feed, for `vigil db status`. Owned by the vigil_store_status list. */
struct vigil_store_feed_status {
	char *name;
	char *source;
	char *upstream_date;      /* latest of its units', "" when none */
	char *imported_at;        /* RFC 3339 UTC of the last import */
	uint64_t vulnerabilities; /* distinct IDs */
	uint64_t records;         /* distinct (namespace, package, ID) statements */
	char **namespaces;        /* sorted */
	size_t nnamespaces;
};

struct vigil_store_status {
	struct vigil_store_feed_status *feeds; /* sorted by name */
	size_t nfeeds;
};

/* A layer analysis for the scan cache. Strings are borrowed (put) or owned by the caller (get). */
struct vigil_store_layer {
	const char *diff_id;
	const char *parent;         /* parent layer's diff_id, or NULL */
	const char *namespace_name; /* NULL when none was detected */
	const char *packages;       /* JSON text: the layer's packages */
	int engine;                 /* analysis version; lower ones are redone */
};

struct vigil_store;

/* Flags for vigil_store_open(). */
enum vigil_store_flags {
	VIGIL_STORE_CREATE = 1 << 0, /* create the database (and its directories) if missing */
};

#define VIGIL_STORE_OPS_VERSION 1

/*
 * A backend. Every function returns 0 or a negative vigil_code (VIGIL_EDB
 * for database failures) with the message set; see the wrappers below for
 * each one's contract.
 */
struct vigil_store_ops {
	unsigned version; /* VIGIL_STORE_OPS_VERSION */
	const char *name; /* "sqlite" */
	int (*open)(struct vigil_store **out, const char *dsn, unsigned flags);
	void (*close)(struct vigil_store *s);
	int (*migrate)(struct vigil_store *s);
	int (*schema_version)(struct vigil_store *s, int *out);
	int (*begin)(struct vigil_store *s);
	int (*commit)(struct vigil_store *s);
	int (*rollback)(struct vigil_store *s);
	int (*put_namespace)(struct vigil_store *s, const char *name, const char *version_format);
	int (*unit_replace)(struct vigil_store *s, const char *feed, const char *key,
	                    const struct vigil_store_unit_meta *meta, int64_t *unit);
	int (*unit_namespace)(struct vigil_store *s, int64_t unit, const char *ns);
	int (*put_vulnerability)(struct vigil_store *s, int64_t unit,
	                         const struct vigil_store_vuln *v);
	int (*put_affected)(struct vigil_store *s, int64_t unit, const char *ns, const char *vuln,
	                    const char *package, enum vigil_affected_status status,
	                    const char *fixed_version);
	int (*feed_clear)(struct vigil_store *s, const char *feed);
	int (*feed_finish)(struct vigil_store *s, const char *feed, const char *source,
	                   const char *imported_at);
	int (*lookup)(struct vigil_store *s, const char *ns, const char *package,
	              vigil_store_record_cb cb, void *payload);
	int (*namespace_known)(struct vigil_store *s, const char *ns, int *out);
	int (*status)(struct vigil_store *s, struct vigil_store_status *out);
	int (*layer_get)(struct vigil_store *s, const char *diff_id, vigil_buf *ns,
	                 vigil_buf *packages, int *engine);
	int (*layer_put)(struct vigil_store *s, const struct vigil_store_layer *l);
	int (*sources)(struct vigil_store *s, const char *feed, vigil_store_source_cb cb,
	               void *payload);
	int (*source_put)(struct vigil_store *s, const char *feed,
	                  const struct vigil_store_source *src);
	int (*put_affected_arch)(struct vigil_store *s, int64_t unit, const char *ns,
	                         const char *vuln, const char *package,
	                         enum vigil_affected_status status, const char *fixed_version,
	                         const char *arch);
	/* csaf and osv feeds (migration 4) */
	int (*put_range)(struct vigil_store *s, int64_t unit, const char *ns, const char *vuln,
	                 const char *package, int seq, const char *ranges, const char *versions);
	int (*put_alias)(struct vigil_store *s, int64_t unit, const char *vuln, const char *alias);
	int (*lookup_ranges)(struct vigil_store *s, const char *ns, const char *package,
	                     vigil_store_range_cb cb, void *payload);
	/* match and scan (migration 6) */
	int (*lookup_batch)(struct vigil_store *s, const char *ns, const char *const *packages,
	                    size_t npackages, vigil_store_record_cb cb, void *payload);
	int (*layer_entries_get)(struct vigil_store *s, const char *diff_id, const char *engine,
	                         vigil_buf *blob);
	int (*layer_entries_put)(struct vigil_store *s, const char *diff_id, const char *engine,
	                         const void *blob, size_t len);
};

/* Every backend's handle starts with this. */
struct vigil_store {
	const struct vigil_store_ops *ops;
	int in_txn;
};

extern const struct vigil_store_ops vigil_store_sqlite_ops;
#ifdef VIGIL_HAVE_POSTGRES
extern const struct vigil_store_ops vigil_store_postgres_ops;
#endif

/**
 * 1 when `dsn` names a PostgreSQL database: a postgres:// or postgresql://
 * URL, or a key=value DSN ("host=db dbname=vigil": a '=' before any '/').
 * Anything else is a SQLite path.
 */
int vigil_store_dsn_is_postgres(const char *dsn);

/**
 * The SQLite path vigil uses when no DSN is given: $XDG_CACHE_HOME/vigil/vigil.db,
 * else $HOME/.cache/vigil/vigil.db, into `out`. Returns 0 or VIGIL_EDB
 * (neither variable set).
 */
int vigil_store_default_path(vigil_buf *out);

/**
 * Open the store named by `dsn` (NULL or "" = the default path), bring its
 * schema up to date and return it in *out (free with vigil_store_close()).
 * Returns 0; VIGIL_EUNSUPPORTED for a PostgreSQL DSN in a build without
 * libpq; VIGIL_EDB when the database does not exist (SQLite: no file;
 * PostgreSQL: no vigil schema) and VIGIL_STORE_CREATE is not given, when it
 * cannot be reached or is not a database, or its schema is newer than this
 * vigil.
 */
int vigil_store_open(struct vigil_store **out, const char *dsn, unsigned flags) VIGIL_WARN_UNUSED;

/** Close and free; NULL is fine. An open transaction is rolled back. */
void vigil_store_close(struct vigil_store *s);

/** The schema version stored in the database. Returns 0 or VIGIL_EDB. */
int vigil_store_schema_version(struct vigil_store *s, int *out);

/** Start the write transaction of one feed import. Returns 0 or VIGIL_EDB. */
int vigil_store_begin(struct vigil_store *s);
/** Make the transaction's writes durable and visible. Returns 0 or VIGIL_EDB. */
int vigil_store_commit(struct vigil_store *s);
/** Drop the transaction's writes; the previous data stays. Returns 0 or VIGIL_EDB. */
int vigil_store_rollback(struct vigil_store *s);

/** Create namespace `name` with its version format ("apk", "dpkg", "rpm") if missing. */
int vigil_store_put_namespace(struct vigil_store *s, const char *name, const char *version_format);

/**
 * Start (or restart) unit `key` of `feed`: delete every row the unit held,
 * record `meta`, and return in *unit the number that names it to the puts
 * below, in this transaction (opaque: PostgreSQL hands out a placeholder
 * until its batch of units is sent). Call once per unit per transaction (the
 * importer calls it again only for a new run).
 */
int vigil_store_unit_replace(struct vigil_store *s, const char *feed, const char *key,
                             const struct vigil_store_unit_meta *meta, int64_t *unit);

/** Record that `unit` covers namespace `ns` (put first), even with no vulnerabilities. */
int vigil_store_unit_namespace(struct vigil_store *s, int64_t unit, const char *ns);

/**
 * Insert or merge the details of vulnerability v->name in v->namespace_name
 * for `unit`: non-empty description and link, a known severity and metadata
 * replace what the row had. Feeds without details need not call it.
 */
int vigil_store_put_vulnerability(struct vigil_store *s, int64_t unit,
                                  const struct vigil_store_vuln *v);

/**
 * Record that `package` of namespace `ns` (put first) is, for vulnerability
 * ID `vuln`, fixed in `fixed_version`, unfixed or not affected. An identical
 * statement of the same unit is ignored.
 */
int vigil_store_put_affected(struct vigil_store *s, int64_t unit, const char *ns, const char *vuln,
                             const char *package, enum vigil_affected_status status,
                             const char *fixed_version);

/**
 * vigil_store_put_affected() for the architectures matching `arch`, a POSIX
 * extended regular expression searched in the installed package's arch (OVAL
 * "pattern match"); "" or NULL is every arch. A statement of the same unit
 * differing only in arch widens the stored one: "x86_64" then "aarch64"
 * gives "x86_64|aarch64", and "" absorbs any pattern.
 */
int vigil_store_put_affected_arch(struct vigil_store *s, int64_t unit, const char *ns,
                                  const char *vuln, const char *package,
                                  enum vigil_affected_status status, const char *fixed_version,
                                  const char *arch);

/** Delete every unit of `feed` (a full replacement of the feed's data). */
int vigil_store_feed_clear(struct vigil_store *s, const char *feed);

/**
 * Close a feed import: recount the feed's vulnerabilities and records and
 * stamp its source and import time. Call inside the transaction, before commit.
 */
int vigil_store_feed_finish(struct vigil_store *s, const char *feed, const char *source,
                            const char *imported_at);

/**
 * Call `cb` for every record of (`ns`, `package`), ordered by vulnerability
 * ID, feed and fixed version. A non-zero return from `cb` stops the walk and
 * is returned. Returns 0 (also when there are none) or VIGIL_EDB.
 */
int vigil_store_lookup(struct vigil_store *s, const char *ns, const char *package,
                       vigil_store_record_cb cb, void *payload);

/** *out = 1 when some feed covers namespace `ns`, else 0. */
int vigil_store_namespace_known(struct vigil_store *s, const char *ns, int *out);

/**
 * Per-feed status, a pure function of the database contents. *out belongs to
 * the caller: release with vigil_store_status_release().
 */
int vigil_store_status(struct vigil_store *s, struct vigil_store_status *out);
void vigil_store_status_release(struct vigil_store_status *st);

/**
 * The cached analysis of layer `diff_id`: namespace ("" when none) and
 * packages JSON into the caller's buffers, its engine version into *engine.
 * Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB.
 */
int vigil_store_layer_get(struct vigil_store *s, const char *diff_id, vigil_buf *ns,
                          vigil_buf *packages, int *engine);
/** Store (or replace) the analysis of a layer. Outside feed transactions is fine. */
int vigil_store_layer_put(struct vigil_store *s, const struct vigil_store_layer *l);

/**
 * Call `cb` for every source recorded for `feed` (strings borrowed for the
 * call). A non-zero return from `cb` stops the walk and is returned.
 * Returns 0 or VIGIL_EDB. Needs no transaction.
 */
int vigil_store_sources(struct vigil_store *s, const char *feed, vigil_store_source_cb cb,
                        void *payload);
/** Record (or replace) source src->key of `feed`. Inside the transaction that imports it. */
int vigil_store_source_put(struct vigil_store *s, const char *feed,
                           const struct vigil_store_source *src);

/**
 * Record that `package` of namespace `ns` (put first) is, for vulnerability
 * `vuln`, affected within the version ranges `ranges` and at the versions
 * `versions` (JSON texts as struct vigil_store_range describes; NULL is
 * "[]"). `seq` tells apart several statements of one unit for the same
 * (package, ID); a second put with the same seq is ignored. The records
 * count of `db status` counts these (namespace, package, ID) too.
 */
int vigil_store_put_range(struct vigil_store *s, int64_t unit, const char *ns, const char *vuln,
                          const char *package, int seq, const char *ranges, const char *versions);

/** Record `alias` (a CVE-, GHSA- ID) as another name of `vuln` for `unit`. */
int vigil_store_put_alias(struct vigil_store *s, int64_t unit, const char *vuln, const char *alias);

/**
 * Call `cb` for every range statement of (`ns`, `package`), ordered by
 * vulnerability ID, feed and seq, with the details of the same unit. A
 * non-zero return from `cb` stops the walk and is returned. Returns 0 or
 * VIGIL_EDB.
 */
int vigil_store_lookup_ranges(struct vigil_store *s, const char *ns, const char *package,
                              vigil_store_range_cb cb, void *payload);

/**
 * The SQLite connection behind `s` (a `sqlite3 *`), or NULL for another
 * backend. For code that keeps its own tables in the store's database (the
 * Clair API state, src/lib/clair/); it uses the handle on the store's thread.
 */
void *vigil_store__sqlite_handle(struct vigil_store *s);

#ifdef VIGIL_HAVE_POSTGRES
/**
 * The libpq connection behind `s` (a `PGconn *`), or NULL for another
 * backend; as vigil_store__sqlite_handle(), used outside the store's
 * transactions (src/lib/store/sql_postgres.c).
 */
void *vigil_store__postgres_handle(struct vigil_store *s);
#endif

/** "Unknown", "Negligible", ... (Clair's spelling). Static. */
const char *vigil_severity_name(enum vigil_severity sev);
/** Parse a severity name on Clair's or Trivy's scale, case-insensitive. Returns 0 or
 * VIGIL_EINVALID. */
int vigil_severity_parse(enum vigil_severity *out, const char *name);

/**
 * The matcher's batched lookup: call `cb` for every record of namespace `ns`
 * whose package is one of `packages` (duplicates are fine), in one query,
 * ordered by package, vulnerability ID, feed, status and fixed version.
 * A non-zero return from `cb` stops the walk and is returned. Returns 0 or
 * VIGIL_EDB.
 */
int vigil_store_lookup_batch(struct vigil_store *s, const char *ns, const char *const *packages,
                             size_t npackages, vigil_store_record_cb cb, void *payload);

/**
 * The layer cache of `vigil scan`: the serialized entries of layer `diff_id`
 * as kept under `engine` (a fingerprint of what the detectors read; entries
 * kept under another engine are a miss) into `blob`; a NULL `blob` only asks
 * whether it is there. Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB.
 */
int vigil_store_layer_entries_get(struct vigil_store *s, const char *diff_id, const char *engine,
                                  vigil_buf *blob);
/** Store (or replace) the serialized entries of a layer. Outside feed transactions is fine. */
int vigil_store_layer_entries_put(struct vigil_store *s, const char *diff_id, const char *engine,
                                  const void *blob, size_t len);

/**
 * qsort() comparator of two `const char *` in natural order, numbers by value
 * ("alpine:v3.9" before "alpine:v3.10"): how both backends order namespaces.
 */
int vigil_store__natural_cmp(const void *a, const void *b);

#endif
