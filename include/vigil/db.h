/*
 * The vulnerability database as the CLI and the server see it: open it,
 * import feed files into it, report how fresh each feed is.
 *
 * Each feed import is one transaction: an import that fails (bad file,
 * killed process, full disk) leaves the previous data whole.
 */
#ifndef VIGIL_DB_H
#define VIGIL_DB_H

#include "common.h"

typedef struct vigil_db vigil_db;

enum vigil_db_flags {
	VIGIL_DB_CREATE = 1 << 0, /* create the database and its directories if missing */
};

/**
 * Open the database named by `dsn`: a SQLite path, or NULL for the default
 * ($XDG_CACHE_HOME/vigil/vigil.db, else ~/.cache/vigil/vigil.db). Its schema
 * is brought up to date. *out belongs to the caller (vigil_db_free()).
 * Returns 0; VIGIL_EDB when missing (without VIGIL_DB_CREATE), corrupt, or
 * written by a newer vigil; VIGIL_EUNSUPPORTED for postgres:// (not yet).
 */
VIGIL_EXTERN int vigil_db_open(vigil_db **out, const char *dsn, unsigned flags) VIGIL_WARN_UNUSED;
/** Close; NULL is fine. */
VIGIL_EXTERN void vigil_db_free(vigil_db *db);

/** Number of feeds vigil knows, and the i-th one's name (NULL past the end). Static. */
VIGIL_EXTERN size_t vigil_db_feed_count(void);
VIGIL_EXTERN const char *vigil_db_feed_name(size_t i);

/* Progress of an import or update, for a progress bar. Borrowed for the callback. */
typedef struct vigil_db_progress {
	const char *feed;     /* the feed being imported or updated */
	const char *phase;    /* "fetch" (a source being fetched or checked) or "import" */
	const char *file;     /* the file, URL or archive member just handled */
	uint64_t files_done;  /* files (and archive members) done in this phase */
	uint64_t files_total; /* how many there are, 0 when not known (archive members) */
	uint64_t records;     /* records written so far for the feed */
} vigil_db_progress;

typedef void (*vigil_db_progress_cb)(const vigil_db_progress *p, void *payload);

/**
 * Hear about the progress of vigil_db_import() and vigil_db_update() on `db`
 * (after each file, archive member or fetched source). NULL: silence.
 */
VIGIL_EXTERN void vigil_db_set_progress(vigil_db *db, vigil_db_progress_cb cb, void *payload);

typedef struct vigil_db_import_opts {
	unsigned version;
	const char *feed; /* import every file as this feed; NULL = recognise each file */
} vigil_db_import_opts;

#define VIGIL_DB_IMPORT_OPTS_VERSION 1
#define VIGIL_DB_IMPORT_OPTS_INIT                                                                  \
	{                                                                                          \
		VIGIL_DB_IMPORT_OPTS_VERSION, NULL                                                 \
	}

typedef struct vigil_db_import_stats {
	uint64_t files;         /* files imported */
	uint64_t unrecognised;  /* files of walked directories that no feed recognised */
	uint64_t records;       /* records written (before deduplication) */
	uint64_t skipped_items; /* items of an unexpected shape, skipped with a warning */
	unsigned feeds;         /* feed imports committed */
} vigil_db_import_stats;

/**
 * Import `paths` (files, or directories walked recursively; names starting
 * with '.' are not walked). A named file no feed recognises, a file that does
 * not parse, an empty named file: VIGIL_EINVALID naming the file, and that
 * feed's import is rolled back. `opts` and `stats` may be NULL (defaults,
 * no counts). Returns 0, VIGIL_EINVALID, VIGIL_EIO,
 * VIGIL_ETOOBIG, VIGIL_ENOTFOUND (unknown feed name) or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_db_import(vigil_db *db, const char *const *paths, size_t npaths,
                                 const vigil_db_import_opts *opts, vigil_db_import_stats *stats);

typedef struct vigil_db_feed_status {
	const char *name;
	const char *source;            /* upstream URL */
	const char *upstream_date;     /* RFC 3339 UTC; "" when unknown */
	const char *imported_at;       /* RFC 3339 UTC */
	uint64_t vulnerabilities;      /* distinct IDs */
	uint64_t records;              /* distinct (namespace, package, ID) statements */
	const char *const *namespaces; /* sorted */
	size_t namespace_count;
} vigil_db_feed_status;

typedef struct vigil_db_status vigil_db_status;

/**
 * Per-feed status, a pure function of the database contents (sorted by feed
 * name). *out belongs to the caller (vigil_db_status_free()). Returns 0 or VIGIL_EDB.
 */
VIGIL_EXTERN int vigil_db_status_get(vigil_db_status **out, vigil_db *db);
VIGIL_EXTERN size_t vigil_db_status_count(const vigil_db_status *st);
/** The i-th feed; borrowed from `st`. */
VIGIL_EXTERN const vigil_db_feed_status *vigil_db_status_feed(const vigil_db_status *st, size_t i);
VIGIL_EXTERN void vigil_db_status_free(vigil_db_status *st);

typedef struct vigil_db_update_opts {
	unsigned version;
	const char *feed;   /* only this feed; NULL = every feed */
	const char *mirror; /* read each source from this directory (laid out like
	                       ../shared/vulndata) instead of fetching it; NULL = fetch */
	/* Called with a feed's name when its changed sources are fetched and
	 * about to be imported, before its transaction begins (vigil serve reads
	 * what the feeds say of its layers then); a negative return fails that
	 * feed's update with it. Not called for a feed with nothing new. NULL: none. */
	int (*before_import)(const char *feed, void *payload);
	void *before_import_payload;
} vigil_db_update_opts;

#define VIGIL_DB_UPDATE_OPTS_VERSION 1
#define VIGIL_DB_UPDATE_OPTS_INIT                                                                  \
	{                                                                                          \
		VIGIL_DB_UPDATE_OPTS_VERSION, NULL, NULL, NULL, NULL                               \
	}

typedef enum {
	VIGIL_DB_UPDATE_UNCHANGED = 0, /* every source as last imported: nothing written */
	VIGIL_DB_UPDATE_UPDATED = 1,   /* changed sources imported in one transaction */
	VIGIL_DB_UPDATE_FAILED = 2,    /* nothing written; `error` and `message` say why */
	VIGIL_DB_UPDATE_SKIPPED = 3,   /* the feed has no upstream sources (import only) */
} vigil_db_update_outcome;

/* How the update of one feed went. Borrowed for the callback. */
typedef struct vigil_db_update_report {
	const char *feed;
	vigil_db_update_outcome outcome;
	int error;           /* the vigil_code of a failure, else 0 */
	const char *message; /* why it failed, else "" */
	unsigned sources;    /* sources the feed lists */
	unsigned changed;    /* sources whose content changed (imported) */
	unsigned unchanged;  /* sources the validators alone showed unchanged (HTTP 304,
	                        the same mirror file): nothing downloaded or read */
	uint64_t records;    /* records written (before deduplication) */
} vigil_db_update_report;

typedef void (*vigil_db_update_cb)(const vigil_db_update_report *r, void *payload);

/**
 * Update every feed (or opts->feed) from its upstream sources: fetch each
 * source conditionally (or read it from opts->mirror), and import the
 * changed ones, one transaction per feed. A source whose content is
 * unchanged is not imported; when nothing changed nothing is written. Feeds
 * are independent: a failing feed (any of its sources cannot be fetched or
 * imported) keeps its previous data and the others still update. `cb` (may
 * be NULL) hears about each feed in feeds.def order.
 * Returns 0 when no feed failed, else the code of the first failure
 * (VIGIL_ENET, VIGIL_EINVALID, VIGIL_EIO, VIGIL_ETOOBIG, VIGIL_EDB, ...) with
 * its message; VIGIL_ENOTFOUND for an unknown opts->feed.
 */
VIGIL_EXTERN int vigil_db_update(vigil_db *db, const vigil_db_update_opts *opts,
                                 vigil_db_update_cb cb, void *payload);

#endif
