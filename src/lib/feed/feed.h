/*
 * Vulnerability feeds: one file per upstream format (feed/alpine.c, ...),
 * one line in feeds.def, and this registry.
 *
 * A feed recognises its files from their content (probe) and writes what a
 * file states into the store (import), through a vigil_feed_run: the run
 * holds the store transaction of one feed import and replaces each unit (one
 * upstream file or file set, e.g. alpine "v3.18/main") the first time the
 * run touches it, so a failed import leaves the previous data whole and
 * files stating the same unit in one run add up.
 *
 * Files are opened plain or compressed (gzip, bzip2, xz, zstd, lz4, ...,
 * whatever libarchive's filters read) and handed to a feed in one of two
 * ways:
 *   - import: whole and decompressed in memory (capped at
 *     VIGIL_MAX_FEED_FILE_SIZE), for formats read at once (YAML, one JSON
 *     document, small files);
 *   - import_stream: as a stream of decompressed bytes
 *     (vigil_feed_file_read), which can be read again from the start
 *     (vigil_feed_file_rewind) for formats parsed incrementally (OVAL, the
 *     Debian JSON export). Memory then does not grow with the file: a file
 *     up to VIGIL_FEED_MEMORY_MAX bytes is still read once into memory and
 *     streamed from there, a bigger one is read from the disk at each pass
 *     (a compressed one is decompressed once: its first pass keeps what it
 *     decompresses in an unlinked temporary file for the next passes).
 */
#ifndef VIGIL_FEED_H
#define VIGIL_FEED_H

#include "../store/store.h"
#include "../../util/strmap.h"
#include "vigil/buf.h"

#include <stdint.h>

struct vigil_feed_stream;

/* One input file, decompressed. Borrowed for the import call. */
struct vigil_feed_file {
	const char *path; /* as named on the command line or found in a walk */
	/* import: the content, NUL-terminated. import_stream: the content when
	 * it is in memory anyway, else NULL; read it with vigil_feed_file_read. */
	const char *data;
	size_t len;
	const char *upstream_date; /* RFC 3339 UTC (the file's mtime), or "" */
	/* "sha256:..." of the decompressed content. import_stream: "" until a
	 * pass has read the whole file; vigil_feed_file_digest() gives it. */
	const char *digest;
	struct vigil_feed_stream *stream; /* import_stream only */
};

/* The import of one feed: one store transaction. */
struct vigil_feed_run {
	const struct vigil_feed *feed;
	struct vigil_store *store;
	struct vigil_feed_run_unit {
		char *key;
		int64_t id;
	} * units; /* units replaced so far in this run */
	size_t nunits, cap;
	struct vigil_strmap unit_index; /* key -> index + 1 into units */
	void *priv;                     /* the feed's own state for the run, or NULL */
	void (*priv_free)(void *priv);  /* called by vigil_feed_run_release() */
	uint64_t files;   /* files imported */
	uint64_t records; /* affected records written (before deduplication) */
	uint64_t skipped; /* items inside files skipped with a warning */
	/* Set by `db update` while it imports a fetched file: the URL it came
	 * from and its ETag. They replace the source and ETag a feed's import
	 * records for its units (the file's own path is a temporary one). */
	const char *origin;
	const char *origin_etag;
};

/*
 * One upstream file `db update` fetches for a feed. `path` is relative to
 * the feed's `upstream` base URL (which VIGIL_FEED_<NAME>_URL may replace),
 * or a whole URL ("https://...") used as it is; `mirror` is the same file's
 * path under a mirror directory laid out like ../shared/vulndata
 * ("alpine/secdb-json/v3.18/main.json"). Either may be NULL: a source only
 * upstream (the mirror has no copy) or only in mirrors (a mirror keeps a
 * release upstream dropped, or splits one upstream tarball in several
 * files). `mirror`, else `path`, names the source in the store, so it is
 * unique and stable. The mirror copy may be compressed differently from the
 * upstream file: the import recognises content, not names.
 *
 * A source that is a tarball or a zip archive is streamed member by member:
 * members the feed's probe recognises are imported, others are counted and
 * passed over; `within` (NULL: every member) restricts them to those under
 * one of the space-separated directories named ("active retired" takes
 * "active/..." and "<top>/active/..."). With VIGIL_SOURCE_POINTER the file
 * fetched only names the file to import (its first line, a name in the same
 * directory: Red Hat's archive_latest.txt); the pointer's validators and
 * digest stand for the named file's.
 */
enum vigil_feed_source_flags {
	VIGIL_SOURCE_POINTER = 1 << 0,
};

struct vigil_feed_source {
	const char *path;
	const char *mirror;
	unsigned flags;
	const char *within;
};

/* Ends a feed's source list. */
#define VIGIL_FEED_SOURCES_END                                                                     \
	{                                                                                          \
		NULL, NULL, 0, NULL                                                                \
	}

struct vigil_feed {
	const char *name;   /* stable id: CLI --feed, database, metrics */
	const char *source; /* upstream URL shown by `db status` */
	/**
	 * 1 when the first `len` bytes of a (decompressed) file, `head`, look
	 * like this feed's format; 0 otherwise. `path` is only a hint.
	 */
	int (*probe)(const char *path, const char *head, size_t len);
	/** Write what `f` states through `run`. Returns 0 or a vigil_code (VIGIL_EINVALID naming
	 * the file). */
	int (*import)(struct vigil_feed_run *run, const struct vigil_feed_file *f);
	/** Instead of import (when set): the same, reading `f` as a stream
	 * (vigil_feed_file_read/rewind/digest); f->data may be NULL. */
	int (*import_stream)(struct vigil_feed_run *run, const struct vigil_feed_file *f);
	/* What `db update` fetches: the base URL of `sources`, and the sources,
	 * ended by VIGIL_FEED_SOURCES_END. NULL: the feed is import-only. */
	const char *upstream;
	const struct vigil_feed_source *sources;
};

/* Bytes of decompressed content handed to probe(). */
#define VIGIL_FEED_PROBE_SIZE 4096

/** Number of registered feeds, and the i-th one (NULL past the end). */
size_t vigil_feed_count(void);
const struct vigil_feed *vigil_feed_get(size_t i);
/** The feed called `name`, or NULL. */
const struct vigil_feed *vigil_feed_find(const char *name);
/** The first feed whose probe recognises `head`, or NULL. */
const struct vigil_feed *vigil_feed_probe(const char *path, const char *head, size_t len);

/**
 * Read up to `max` decompressed bytes of `path` into `out` (plain or any
 * compression libarchive knows). With `whole`, more than `max` bytes is
 * VIGIL_ETOOBIG; without, reading stops at `max`. Returns 0, VIGIL_EIO
 * (cannot open), VIGIL_EINVALID (corrupt compressed data) or VIGIL_ETOOBIG.
 */
int vigil_feed_read(vigil_buf *out, const char *path, size_t max, int whole);

/*
 * The stream of a file given to import_stream. A pass reads the decompressed
 * bytes from the first one to the end; vigil_feed_file_rewind() starts
 * another pass (a file on disk is opened again; a compressed one read from
 * the first pass's decompressed copy, or decompressed again when $TMPDIR
 * had no room for one). Reading
 * errors name the file: VIGIL_EIO, VIGIL_EINVALID (corrupt compressed data),
 * VIGIL_ETOOBIG (over VIGIL_MAX_FEED_STREAM_SIZE bytes).
 */
/** Up to `cap` next bytes into `buf`: their number, 0 at the end, or a vigil_code. */
long vigil_feed_file_read(const struct vigil_feed_file *f, char *buf, size_t cap) VIGIL_WARN_UNUSED;
/** Start a new pass from the first byte. Returns 0 or a vigil_code. */
int vigil_feed_file_rewind(const struct vigil_feed_file *f) VIGIL_WARN_UNUSED;
/**
 * The digest of the decompressed content into *digest (borrowed for the
 * import). Known once a pass has read to the end; before that the current
 * pass is read through to the end (or, between passes, a pass is made just
 * for it), so the next read must follow a rewind.
 */
int vigil_feed_file_digest(const struct vigil_feed_file *f, const char **digest) VIGIL_WARN_UNUSED;
/**
 * Largest file (decompressed bytes) an import_stream feed gets in memory,
 * and largest tarball member held in memory; bigger ones are streamed from
 * the disk (members: from a temporary file). VIGIL_FEED_MEMORY_MAX by
 * default; tests lower it (0: always from the disk), as does the
 * environment variable VIGIL_FEED_MEMORY_MAX (bytes, read once). Also
 * resets vigil_feed_peak_buffer().
 */
void vigil_feed_set_memory_max(size_t max);
/** Tests: the most bytes one vigil_feed_file_read returns (1: every byte
 * is a chunk boundary); 0, the default, is no limit. */
void vigil_feed_set_chunk_max(size_t max);
/**
 * The largest buffer allocated for one input so far (tests assert it stays
 * bounded): the framework's, and what importers note with
 * vigil_feed_peak_note() (their windows over a stream).
 */
size_t vigil_feed_peak_buffer(void);
void vigil_feed_peak_note(size_t bytes);

/** Start the import of `feed` into `store` (begins the transaction). */
int vigil_feed_run_begin(struct vigil_feed_run *run, const struct vigil_feed *feed,
                         struct vigil_store *store) VIGIL_WARN_UNUSED;
/** Import one file with the run's feed (vigil_feed_read + import). */
int vigil_feed_run_file(struct vigil_feed_run *run, const char *path) VIGIL_WARN_UNUSED;
/**
 * Import file `disk` (a tarball member spooled to a temporary file) as if
 * it were `path` (its name in messages and units); `mtime` is RFC 3339 or "".
 */
int vigil_feed_run_spooled(struct vigil_feed_run *run, const char *path, const char *disk,
                           const char *mtime) VIGIL_WARN_UNUSED;
/**
 * Import one decompressed file held in memory (an archive member): `data`
 * must be NUL-terminated at data[len]; `mtime` is RFC 3339 or "".
 */
int vigil_feed_run_data(struct vigil_feed_run *run, const char *path, const char *data,
                        size_t len, const char *mtime) VIGIL_WARN_UNUSED;
/*
 * Runs sharing one transaction (an archive holding files of several feeds):
 * vigil_feed_run_init() starts a run without beginning a transaction, and
 * vigil_feed_run_finish() recounts and stamps the feed without committing;
 * the caller begins and commits the store transaction around them.
 */
void vigil_feed_run_init(struct vigil_feed_run *run, const struct vigil_feed *feed,
                         struct vigil_store *store);
int vigil_feed_run_finish(struct vigil_feed_run *run) VIGIL_WARN_UNUSED;
/**
 * The store id of unit `key` for this run: replaced (emptied, `meta`
 * recorded) the first time the run asks for it, reused as it is afterwards.
 */
int vigil_feed_run_unit(struct vigil_feed_run *run, const char *key,
                        const struct vigil_store_unit_meta *meta, int64_t *unit) VIGIL_WARN_UNUSED;
/** Recount, stamp and commit. Returns 0 or VIGIL_EDB (then nothing was written). */
int vigil_feed_run_commit(struct vigil_feed_run *run) VIGIL_WARN_UNUSED;
/** Roll back (if still open) and release the run; safe after commit. */
void vigil_feed_run_release(struct vigil_feed_run *run);

/*
 * Tarballs of upstream trees (tar, pax, GNU tar; plain or compressed with
 * any filter libarchive reads) and zip archives, streamed member by member,
 * never unpacked.
 */
struct vigil_feed_archive;

/** 1 when `head` (the first decompressed bytes of a file) is a tar or zip header. */
int vigil_feed_is_archive(const char *head, size_t len);
/** Open tarball `path`. Returns 0, VIGIL_EIO or VIGIL_EINVALID. */
int vigil_feed_archive_open(struct vigil_feed_archive **out, const char *path) VIGIL_WARN_UNUSED;
/**
 * The next regular member: its name (borrowed until the next call), its
 * whole content into `data` (NUL-terminated) and its mtime as RFC 3339 into
 * mtime[32]. A member over VIGIL_FEED_MEMORY_MAX bytes (the value
 * vigil_feed_set_memory_max() sets) is written to a temporary file instead,
 * vigil_feed_archive_spool() names it, and `data` only holds its first
 * VIGIL_FEED_PROBE_SIZE bytes. Directories, links and special files are
 * passed over. Returns 1, 0 at the end, or VIGIL_EINVALID (corrupt archive
 * or compressed data, naming the member), VIGIL_EIO (the temporary file).
 */
int vigil_feed_archive_next(struct vigil_feed_archive *a, const char **name, vigil_buf *data,
                            char mtime[32]) VIGIL_WARN_UNUSED;
/** The temporary file holding the current member whole, or NULL (it is in `data`).
 * Removed by the next vigil_feed_archive_next() or by close. */
const char *vigil_feed_archive_spool(const struct vigil_feed_archive *a);
void vigil_feed_archive_close(struct vigil_feed_archive *a);

/* The severity scales feeds write in. */
enum vigil_feed_scale {
	VIGIL_FEED_SCALE_REDHAT = 1 << 0, /* low, moderate, important, critical */
	VIGIL_FEED_SCALE_CLAIR = 1 << 1,  /* negligible, low, medium, high, critical (Ubuntu) */
};

/**
 * The first `len` bytes of `word` (NULL is fine) as a severity word of one of
 * `scales`, case-insensitive; anything else ("untriaged", "") is Unknown.
 */
enum vigil_severity vigil_feed_severity(const char *word, size_t len, unsigned scales);

/** The current time as RFC 3339 UTC ("2026-11-29T20:30:00Z") into out[32]. */
void vigil_feed_now(char out[32]);

#endif
