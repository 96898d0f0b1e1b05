/*
 * The state behind a Clair v1 API server (`vigil serve`), as Clair v2 keeps
 * it: layers indexed by their client-given Name with a parent, the features
 * of each (Clair's unit: for dpkg the source package and source version, for
 * rpm and apk the package), vulnerabilities written through the API with
 * their fixed-in versions, and notifications of their changes.
 *
 * Two halves:
 *   - vigil_clair_analyze(): one layer blob, streamed once, alone (Clair
 *     analyses each layer by itself; inheritance comes from the parent's
 *     stored features), into its namespace and features. No database.
 *   - vigil_clair (the handle): the stored state, in the store's database
 *     (docs/internals/server.md has the tables). One thread at a time.
 *
 * Every function returning int returns 0 or a negative vigil_code with the
 * message set (include/vigil/error.h).
 */
#ifndef VIGIL_CLAIR_H
#define VIGIL_CLAIR_H

#include "common.h"
#include "buf.h"
#include "severity.h"

#include <sys/types.h>

/* Clair v2's engine version, stored with each layer and shown as IndexedByVersion. */
#define VIGIL_CLAIR_ENGINE 3

/* One feature. Strings are borrowed for the callback (or from the analysis). */
typedef struct vigil_clair_feature {
	const char *name;           /* dpkg: source package; rpm, apk: the package */
	const char *version;        /* dpkg: source version */
	const char *namespace_name; /* "debian:12"; "" in an analysis without a namespace */
	const char *version_format; /* "dpkg", "rpm", "apk" */
	const char *added_by;       /* stored layers: Name of the layer that added it */
	int64_t added_by_id;        /* stored layers: that layer's id */
	const char *source_name;    /* apk: the origin when it is another package ("openssl" for
	                               libssl3), which the feeds name; NULL or "" otherwise */
} vigil_clair_feature;

/* ---- analysis of one layer ------------------------------------------------ */

typedef struct vigil_clair_analysis vigil_clair_analysis;

/**
 * Pull-style byte source: set *buf to the next chunk and return its size, 0 at
 * the end, or a negative vigil_code (message set) on failure.
 */
typedef ssize_t (*vigil_clair_read_fn)(void *payload, const void **buf);

/**
 * Stream one layer blob (tar; gzip, bzip2, xz or zstd compressed, recognised
 * by magic bytes) from `read` and detect its OS namespace and features, the
 * layer alone. `name` names it in messages; files over `max_file_size` (0 =
 * VIGIL_DEFAULT_MAX_FILE_SIZE) are refused. *out belongs to the caller
 * (vigil_clair_analysis_free()). Returns 0, VIGIL_EINVALID (not an archive,
 * corrupt), VIGIL_ETOOBIG, or the code `read` returned.
 */
VIGIL_EXTERN int vigil_clair_analyze(vigil_clair_analysis **out, vigil_clair_read_fn read,
                                     void *payload, const char *name,
                                     uint64_t max_file_size) VIGIL_WARN_UNUSED;
/** The namespace detected in the layer itself, or NULL. Borrowed. */
VIGIL_EXTERN const char *vigil_clair_analysis_namespace(const vigil_clair_analysis *a);
/** The version format of that namespace's packages ("dpkg", "rpm", "apk"), or "". Static. */
VIGIL_EXTERN const char *vigil_clair_analysis_format(const vigil_clair_analysis *a);
/** The layer's own features (deduplicated on name and version), sorted. */
VIGIL_EXTERN size_t vigil_clair_analysis_count(const vigil_clair_analysis *a);
VIGIL_EXTERN const vigil_clair_feature *vigil_clair_analysis_feature(const vigil_clair_analysis *a,
                                                                     size_t i);
VIGIL_EXTERN void vigil_clair_analysis_free(vigil_clair_analysis *a);

/* ---- the stored state ------------------------------------------------------ */

typedef struct vigil_clair vigil_clair;

/**
 * Open (creating if needed) the store named by `dsn` (a SQLite path, a
 * PostgreSQL URL or key=value DSN; NULL = the default) with the Clair API
 * tables. *out belongs to the caller (vigil_clair_free()). Returns 0,
 * VIGIL_EDB or VIGIL_EUNSUPPORTED (PostgreSQL in a build without libpq).
 */
VIGIL_EXTERN int vigil_clair_open(vigil_clair **out, const char *dsn) VIGIL_WARN_UNUSED;
VIGIL_EXTERN void vigil_clair_free(vigil_clair *c);
/**
 * Open the database again if the handle's connection broke (a PostgreSQL
 * server restart or failover; never needed for SQLite), dropping its
 * prepared statements. Call it between uses (the server does when it takes a
 * handle from its pool), never from a callback. Returns 0 (the connection is
 * fine or was reopened) or VIGIL_EDB (still unreachable: try again later).
 */
VIGIL_EXTERN int vigil_clair_reconnect(vigil_clair *c);
/** A cheap query: 0 when the database answers, else VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_ping(vigil_clair *c);
/** A stored setting into `out`. Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_kv_get(vigil_clair *c, const char *key, vigil_buf *out);
/** Store a setting unless one exists already (first writer wins); `out` gets the stored value. */
VIGIL_EXTERN int vigil_clair_kv_init(vigil_clair *c, const char *key, const char *value,
                                     vigil_buf *out);

/** Store (or replace) a setting. Returns 0 or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_kv_set(vigil_clair *c, const char *key, const char *value);

/**
 * Take or renew lease `name` for `owner` (a string naming the calling
 * instance) for `ttl_seconds` from now: *held = 1 when `owner` holds it now,
 * 0 while another owner's lease runs. One atomic statement, so of several
 * instances sharing the database one holds it; a lease not renewed (a
 * crashed instance) is taken over once it expires. Returns 0 or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_clair_lease(vigil_clair *c, const char *name, const char *owner,
                                   int64_t ttl_seconds, int *held);
/** Give up lease `name` if `owner` holds it, so another may take it at once. 0 or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_lease_release(vigil_clair *c, const char *name, const char *owner);

/* A stored layer. Owned strings: release with vigil_clair_layer_release(). */
typedef struct vigil_clair_layer {
	int64_t id;
	char *name;
	char *parent;         /* parent's Name, or NULL */
	char *namespace_name; /* NULL when none was detected or inherited */
	int engine;
} vigil_clair_layer;

VIGIL_EXTERN void vigil_clair_layer_release(vigil_clair_layer *l);

/** Layer `name` into *out. Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_layer_get(vigil_clair *c, const char *name, vigil_clair_layer *out);
/**
 * Layer `name`'s row id and the database's data generation, in one read.
 * The generation is raised by every write that can change what the API
 * answers for a layer (feed imports, vulnerabilities and their fixes,
 * deleted layers), by any process, so an answer computed after reading
 * (id, generation) stays right while both read the same again.
 * Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_clair_layer_stamp(vigil_clair *c, const char *name, int64_t *layer_id,
                                         int64_t *generation);

/**
 * Store layer `name` with parent `parent` (NULL for none) as Clair's worker
 * does: the namespace is the layer's own, else the parent's; the features are
 * the layer's own when it has any, else the parent's; each keeps the parent's
 * namespace and AddedBy when the parent has the same name and version.
 * `a` NULL is a layer in which nothing was found. A layer of that name
 * already stored: 0 (nothing changes).
 * Returns 0; VIGIL_ENOTFOUND (unknown parent); VIGIL_EUNSUPPORTED (features
 * but no namespace); VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_clair_layer_index(vigil_clair *c, const char *name, const char *parent,
                                         const vigil_clair_analysis *a);

typedef int (*vigil_clair_feature_cb)(const vigil_clair_feature *f, void *payload);

/** Call `cb` for each feature of layer `id` (namespace, name, version order). Stops at a non-zero
 * return. */
VIGIL_EXTERN int vigil_clair_layer_features(vigil_clair *c, int64_t id, vigil_clair_feature_cb cb,
                                            void *payload);

/**
 * Layer `name` into *out and, from the same read, `cb` for each of its
 * features, in no set order (sort them by namespace, name and version as
 * vigil_clair_layer_features() gives them when the order matters: the
 * backends then sort nothing). Returns 0, VIGIL_ENOTFOUND, VIGIL_EDB or what
 * `cb` returned (*out released then).
 */
VIGIL_EXTERN int vigil_clair_layer_get_features(vigil_clair *c, const char *name,
                                                vigil_clair_layer *out, vigil_clair_feature_cb cb,
                                                void *payload);

/** Delete layer `name` and every layer below it. Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_layer_delete(vigil_clair *c, const char *name);

typedef int (*vigil_clair_namespace_cb)(const char *name, const char *version_format,
                                        void *payload);

/** Every namespace (feeds', layers', API vulnerabilities'), in creation order. */
VIGIL_EXTERN int vigil_clair_namespaces(vigil_clair *c, vigil_clair_namespace_cb cb, void *payload);
/** *out = 1 when namespace `ns` exists. */
VIGIL_EXTERN int vigil_clair_namespace_exists(vigil_clair *c, const char *ns, int *out);

/* A fixed-in entry of a vulnerability; version "None" = every version affected. */
typedef struct vigil_clair_fix {
	char *name;
	char *namespace_name;
	char *version_format; /* "" when unknown */
	char *version;
} vigil_clair_fix;

/* A vulnerability written through the API. Owned: vigil_clair_vuln_release(). */
typedef struct vigil_clair_vuln {
	int64_t id; /* row id: an update makes a new row */
	char *namespace_name;
	char *name;
	char *description;
	char *link;
	vigil_severity severity;
	char *metadata; /* JSON object text, or NULL */
	vigil_clair_fix *fixes;
	size_t nfixes;
} vigil_clair_vuln;

VIGIL_EXTERN void vigil_clair_vuln_release(vigil_clair_vuln *v);
/** Append a fix to `v` (strings copied; NULL becomes ""). */
VIGIL_EXTERN void vigil_clair_vuln_add_fix(vigil_clair_vuln *v, const char *name, const char *ns,
                                           const char *format, const char *version);

/** The current (not deleted) vulnerability `name` of `ns`, with its fixes. 0, ENOTFOUND, EDB. */
VIGIL_EXTERN int vigil_clair_vuln_get(vigil_clair *c, const char *ns, const char *name,
                                      vigil_clair_vuln *out);
/** The row `id`, deleted or not, with its fixes. 0, ENOTFOUND, EDB. */
VIGIL_EXTERN int vigil_clair_vuln_by_id(vigil_clair *c, int64_t id, vigil_clair_vuln *out);

typedef int (*vigil_clair_vuln_cb)(const vigil_clair_vuln *v, void *payload);

/**
 * Current vulnerabilities of `ns` with id >= `from`, in id order, at most
 * `limit` (without fixes). *next = the id of the first one left, or -1.
 */
VIGIL_EXTERN int vigil_clair_vuln_list(vigil_clair *c, const char *ns, int64_t from, int limit,
                                       vigil_clair_vuln_cb cb, void *payload, int64_t *next);

enum vigil_clair_write_mode {
	VIGIL_CLAIR_MERGE_FIXES = 0,  /* POST: the fixes are a diff over the stored ones */
	VIGIL_CLAIR_KEEP_FIXES = 1,   /* PUT: details replaced, stored fixes kept */
	VIGIL_CLAIR_DELETE_FIXES = 2, /* the fixes named in `v` are removed */
};

/**
 * Create or update `v` (namespace and name required, fixes in its namespace).
 * A change makes a new row (the old one is marked deleted) and a notification;
 * no change does nothing. Returns 0 or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_clair_vuln_write(vigil_clair *c, const vigil_clair_vuln *v, int mode);
/** Mark it deleted and notify. Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_vuln_delete(vigil_clair *c, const char *ns, const char *name);

/**
 * A change that feeds made (a feed update): store `old` and `new` (either may
 * be NULL) as snapshot rows, never current, and a notification from one to
 * the other, in one transaction. Returns 0 or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_clair_notify_change(vigil_clair *c, const vigil_clair_vuln *old,
                                           const vigil_clair_vuln *new_v);

/**
 * Call `cb` once for each distinct (namespace, name, version, format, origin)
 * of the stored layers, in that order. The statement is open meanwhile: `cb`
 * must not use `c` (copy what it needs and query afterwards).
 */
VIGIL_EXTERN int vigil_clair_stored_features(vigil_clair *c, vigil_clair_feature_cb cb,
                                             void *payload);

/* A current API vulnerability fixed-in statement about one feature. Borrowed for the callback. */
typedef struct vigil_clair_fix_match {
	const char *version; /* fixed-in version, "None" for no fix */
	int64_t vuln_id;
	/* vigil_clair_namespace_fixes(): the vulnerability's row (without its
	 * fixes) from the same read, so no vigil_clair_vuln_by_id() is needed;
	 * vigil_clair_fixes_for(): NULL */
	const vigil_clair_vuln *vuln;
} vigil_clair_fix_match;

typedef int (*vigil_clair_fix_cb)(const vigil_clair_fix_match *m, void *payload);

/** Call `cb` for each fixed-in statement of current vulnerabilities about (`ns`, `feature`). */
VIGIL_EXTERN int vigil_clair_fixes_for(vigil_clair *c, const char *ns, const char *feature,
                                       vigil_clair_fix_cb cb, void *payload);

/**
 * Call `cb` for every fixed-in statement of the current vulnerabilities of
 * `ns`, each with its vulnerability's row (m->vuln).
 */
VIGIL_EXTERN int vigil_clair_namespace_fixes(vigil_clair *c, const char *ns,
                                             int (*cb)(const char *feature,
                                                       const vigil_clair_fix_match *m,
                                                       void *payload),
                                             void *payload);
/** *out = 1 when some imported feed covers namespace `ns` (its records are worth a lookup). */
VIGIL_EXTERN int vigil_clair_feed_covers(vigil_clair *c, const char *ns, int *out);

/* A feed finding about a stored feature. Strings borrowed for the callback. */
typedef struct vigil_clair_finding {
	size_t feature;            /* index into the features given */
	const char *id;            /* "CVE-2023-1234" */
	const char *fixed_version; /* "" when there is no fix */
	const char *description;   /* may be "" */
	const char *link;          /* may be "" */
	const char *metadata;      /* CVSS JSON object text, or NULL */
	vigil_severity severity;
} vigil_clair_finding;

typedef int (*vigil_clair_finding_cb)(const vigil_clair_finding *f, void *payload);

/**
 * Match `n` features of namespace `ns` against the imported feeds by the
 * rules `vigil scan` applies (PRODUCT.md, "Matching rules": the family's feed
 * preference, fixed / no fix / not affected, a rebuild falling back to its
 * parent's data), in one store query: `cb` once per (feature, ID) finding. A
 * namespace without data has none. Returns 0, VIGIL_EDB or what `cb` returned.
 */
VIGIL_EXTERN int vigil_clair_feed_match(vigil_clair *c, const char *ns,
                                        const vigil_clair_feature *f, size_t n,
                                        vigil_clair_finding_cb cb, void *payload);

/**
 * The namespace whose feed records `ns` uses (itself, or its family's
 * fallback: "centos:7" -> "rhel:7") into `out`. Returns 0, VIGIL_ENOTFOUND
 * (no feed covers it; message not set) or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_clair_feed_namespace(vigil_clair *c, const char *ns, char *out, size_t n);

/* A feed record (vigil db import/update) about (namespace, package). Borrowed for the callback. */
typedef struct vigil_clair_feed_record {
	const char *vuln; /* the ID */
	int status;       /* 0 fixed in fixed_version, 1 no fix, 2 not affected */
	const char *fixed_version;
	const char *description;
	const char *link;
	vigil_severity severity;
	const char *metadata; /* JSON or NULL */
} vigil_clair_feed_record;

typedef int (*vigil_clair_feed_cb)(const vigil_clair_feed_record *r, void *payload);

/** Call `cb` for each feed record of (`ns`, `package`), by ID. */
VIGIL_EXTERN int vigil_clair_feed_records(vigil_clair *c, const char *ns, const char *package,
                                          vigil_clair_feed_cb cb, void *payload);

/* A notification. Owned strings: vigil_clair_notification_release(). */
typedef struct vigil_clair_notification {
	int64_t id;
	char *name;
	int64_t created, notified, deleted; /* unix seconds; 0 = never */
	int64_t old_id, new_id;             /* vulnerability rows; 0 = none */
} vigil_clair_notification;

VIGIL_EXTERN void vigil_clair_notification_release(vigil_clair_notification *n);
/** Notification `name`. Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_notification_get(vigil_clair *c, const char *name,
                                              vigil_clair_notification *out);
/** Mark it read (idempotent). Returns 0, VIGIL_ENOTFOUND or VIGIL_EDB. */
VIGIL_EXTERN int vigil_clair_notification_delete(vigil_clair *c, const char *name);
/**
 * A notification to send now: not read, and never sent or sent more than
 * `renotify` seconds ago, with an id above `after`; the oldest first.
 * VIGIL_ENOTFOUND when none.
 */
VIGIL_EXTERN int vigil_clair_notification_next(vigil_clair *c, int64_t renotify, int64_t after,
                                               vigil_clair_notification *out);
/** Record that `name` was delivered now. */
VIGIL_EXTERN int vigil_clair_notification_mark(vigil_clair *c, const char *name);

typedef int (*vigil_clair_layer_cb)(int64_t id, const char *name, void *payload);

/**
 * Layers that introduce a feature version affected by vulnerability row
 * `vuln_id` (their own analysis added it), id >= `from`, in id order, at
 * most `limit`; *next = the id of the next one, or -1.
 */
VIGIL_EXTERN int vigil_clair_affected_layers(vigil_clair *c, int64_t vuln_id, int64_t from,
                                             int limit, vigil_clair_layer_cb cb, void *payload,
                                             int64_t *next);

#endif
