/*
 * The feed registry (feeds.def), reading feed files plain or compressed, and
 * the import run: one store transaction per feed, units replaced on first use.
 */
#include "feed.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../limits.h"
#include "../../util/sha256.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VIGIL_FEED(n) extern const struct vigil_feed vigil_feed_##n;
#include "feeds.def"
#undef VIGIL_FEED

static const struct vigil_feed *const feeds[] = {
#define VIGIL_FEED(n) &vigil_feed_##n,
#include "feeds.def"
#undef VIGIL_FEED
};

#define NFEEDS (sizeof(feeds) / sizeof(feeds[0]))

size_t vigil_feed_count(void)
{
	return NFEEDS;
}

const struct vigil_feed *vigil_feed_get(size_t i)
{
	return i < NFEEDS ? feeds[i] : NULL;
}

const struct vigil_feed *vigil_feed_find(const char *name)
{
	size_t i;

	for (i = 0; i < NFEEDS; i++)
		if (strcmp(feeds[i]->name, name) == 0)
			return feeds[i];
	return NULL;
}

const struct vigil_feed *vigil_feed_probe(const char *path, const char *head, size_t len)
{
	size_t i;

	for (i = 0; i < NFEEDS; i++)
		if (feeds[i]->probe(path, head, len))
			return feeds[i];
	return NULL;
}

static void time_rfc3339(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void vigil_feed_now(char out[32])
{
	time_rfc3339(time(NULL), out);
}

/* Copy the decompressed stream of `a` into `out`, up to `max` bytes. */
static int read_stream(vigil_buf *out, struct archive *a, const char *path, size_t max, int whole)
{
	char chunk[65536];
	la_ssize_t n;
	int err = 0;

	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		size_t take = (size_t)n;
		if (out->len + take > max) {
			if (whole)
				return vigil_error_set(VIGIL_ETOOBIG,
				                       "'%s': more than %zu bytes uncompressed",
				                       path, max);
			take = max - out->len;
		}
		if ((err = vigil_buf_add(out, chunk, take)) < 0)
			return err;
		if (out->len >= max && !whole)
			return 0;
	}
	if (n < 0)
		return vigil_error_set(VIGIL_EINVALID, "'%s': %s", path, archive_error_string(a));
	return 0;
}

int vigil_feed_read(vigil_buf *out, const char *path, size_t max, int whole)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc, err = 0;

	vigil_buf_reset(out);
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err = vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", path,
		                      archive_error_string(a) ? archive_error_string(a)
		                                              : strerror(errno));
		goto out;
	}
	rc = archive_read_next_header(a, &e);
	if (rc == ARCHIVE_EOF)
		goto out; /* an empty file */
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': %s", path, archive_error_string(a));
		goto out;
	}
	err = read_stream(out, a, path, max, whole);
out:
	archive_read_free(a);
	return err;
}

void vigil_feed_run_init(struct vigil_feed_run *run, const struct vigil_feed *feed,
                         struct vigil_store *store)
{
	memset(run, 0, sizeof(*run));
	run->feed = feed;
	run->store = store;
}

int vigil_feed_run_begin(struct vigil_feed_run *run, const struct vigil_feed *feed,
                         struct vigil_store *store)
{
	vigil_feed_run_init(run, feed, store);
	return vigil_store_begin(store);
}

/* ---- the two input paths: whole in memory, or a stream ---- */

/* A file handed to import_stream: its bytes in memory, or read again from
 * the disk (libarchive's raw format and filters) at each pass. */
struct vigil_feed_stream {
	const char *path; /* for messages */
	const char *disk; /* the file read at each pass when data is NULL */
	const char *data; /* in memory; NULL when read from the disk */
	size_t len, pos;
	struct archive *a; /* the disk's current pass, NULL between passes */
	uint64_t total;    /* bytes of the current pass */
	int pass;          /* PASS_NONE, PASS_OPEN, PASS_END */
	struct vigil_sha256 sha;
	int hashing; /* sha holds the current pass from its first byte */
	char digest[VIGIL_DIGEST_LEN];
	/* A compressed file's first pass also writes what it decompresses to
	 * an unlinked temporary file, which the next passes read instead of
	 * decompressing again. */
	FILE *copy;
	int copy_state; /* COPY_NONE, COPY_WRITING, COPY_DONE, COPY_OFF */
	int from_copy;  /* the current pass reads the copy */
};

enum { PASS_NONE, PASS_OPEN, PASS_END };
enum { COPY_NONE, COPY_WRITING, COPY_DONE, COPY_OFF };

static size_t memory_max = VIGIL_FEED_MEMORY_MAX;
static int memory_max_set;
static size_t peak_buffer;
static size_t chunk_max; /* 0: no limit */

void vigil_feed_set_memory_max(size_t max)
{
	memory_max = max;
	memory_max_set = 1;
	peak_buffer = 0;
}

void vigil_feed_set_chunk_max(size_t max)
{
	chunk_max = max;
}

size_t vigil_feed_peak_buffer(void)
{
	return peak_buffer;
}

void vigil_feed_peak_note(size_t n)
{
	if (n > peak_buffer)
		peak_buffer = n;
}

/* The environment's VIGIL_FEED_MEMORY_MAX (bytes), once, unless a test set it. */
static size_t current_memory_max(void)
{
	const char *v;
	char *end;
	unsigned long long n;

	if (memory_max_set)
		return memory_max;
	memory_max_set = 1;
	if ((v = getenv("VIGIL_FEED_MEMORY_MAX")) != NULL && *v) {
		errno = 0;
		n = strtoull(v, &end, 10);
		if (!*end && !errno && n <= VIGIL_FEED_MEMORY_MAX)
			memory_max = (size_t)n;
	}
	return memory_max;
}

static void copy_drop(struct vigil_feed_stream *st, int state)
{
	if (st->copy)
		fclose(st->copy);
	st->copy = NULL;
	st->copy_state = state;
}

/* Start the decompressed copy; without one (no room, no $TMPDIR), every
 * pass decompresses again. */
static void copy_start(struct vigil_feed_stream *st)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/vigil-stream.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		st->copy_state = COPY_OFF;
		return;
	}
	unlink(path);
	if (!(st->copy = fdopen(fd, "w+b"))) {
		close(fd);
		st->copy_state = COPY_OFF;
		return;
	}
	st->copy_state = COPY_WRITING;
}

static void stream_close_pass(struct vigil_feed_stream *st)
{
	if (st->a)
		archive_read_free(st->a);
	st->a = NULL;
	st->from_copy = 0;
	if (st->copy_state == COPY_WRITING) /* left before its end: incomplete */
		copy_drop(st, COPY_NONE);
	if (st->hashing)
		vigil_sha256_release(&st->sha);
	st->hashing = 0;
	if (st->pass == PASS_OPEN)
		st->pass = PASS_END;
}

static int stream_open_pass(struct vigil_feed_stream *st)
{
	struct archive_entry *e;
	int rc;

	stream_close_pass(st);
	st->pos = 0;
	st->total = 0;
	st->pass = PASS_OPEN;
	if (!st->digest[0]) {
		vigil_sha256_init(&st->sha);
		st->hashing = 1;
	}
	if (st->data)
		return 0;
	if (st->copy_state == COPY_DONE) {
		if (fseek(st->copy, 0, SEEK_SET) == 0) {
			st->from_copy = 1;
			return 0;
		}
		copy_drop(st, COPY_OFF);
	}
	st->a = archive_read_new();
	archive_read_support_filter_all(st->a);
	archive_read_support_format_raw(st->a);
	archive_read_support_format_empty(st->a);
	if (archive_read_open_filename(st->a, st->disk, 65536) != ARCHIVE_OK) {
		int err = vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", st->path,
		                          archive_error_string(st->a) ? archive_error_string(st->a)
		                                                      : strerror(errno));
		stream_close_pass(st);
		return err;
	}
	rc = archive_read_next_header(st->a, &e);
	if (rc == ARCHIVE_EOF) {
		archive_read_free(st->a); /* an empty file: the pass is at its end */
		st->a = NULL;
		return 0;
	}
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
		int err = vigil_error_set(VIGIL_EINVALID, "'%s': %s", st->path,
		                          archive_error_string(st->a));
		stream_close_pass(st);
		return err;
	}
	if (st->copy_state == COPY_NONE && archive_filter_code(st->a, 0) != ARCHIVE_FILTER_NONE)
		copy_start(st);
	return 0;
}

static void stream_release(struct vigil_feed_stream *st)
{
	stream_close_pass(st);
	copy_drop(st, COPY_NONE);
}

long vigil_feed_file_read(const struct vigil_feed_file *f, char *buf, size_t cap)
{
	struct vigil_feed_stream *st = f->stream;
	size_t n = 0;
	int err;

	if (!st)
		return vigil_error_set(VIGIL_ERROR, "'%s': not a stream", f->path);
	if (st->pass == PASS_NONE && (err = stream_open_pass(st)) < 0)
		return err;
	if (st->pass != PASS_OPEN || cap == 0)
		return 0;
	if (cap > (size_t)1 << 30)
		cap = (size_t)1 << 30;
	if (chunk_max && cap > chunk_max)
		cap = chunk_max;
	if (st->data) {
		n = st->len - st->pos < cap ? st->len - st->pos : cap;
		memcpy(buf, st->data + st->pos, n);
		st->pos += n;
	} else if (st->from_copy) {
		n = fread(buf, 1, cap, st->copy);
		if (n == 0 && ferror(st->copy)) {
			err = vigil_error_set(VIGIL_EIO,
			                      "'%s': cannot read its decompressed copy: %s",
			                      st->path, strerror(errno));
			stream_close_pass(st);
			copy_drop(st, COPY_OFF);
			return err;
		}
	} else if (st->a) {
		la_ssize_t r = archive_read_data(st->a, buf, cap);
		if (r < 0) {
			err = vigil_error_set(VIGIL_EINVALID, "'%s': %s", st->path,
			                      archive_error_string(st->a));
			stream_close_pass(st);
			return err;
		}
		n = (size_t)r;
		if (st->copy_state == COPY_WRITING && n > 0 && fwrite(buf, 1, n, st->copy) != n)
			copy_drop(st, COPY_OFF);
	}
	if (n == 0) { /* the end of this pass */
		if (st->copy_state == COPY_WRITING)
			st->copy_state = fflush(st->copy) == 0 ? COPY_DONE : COPY_OFF;
		if (st->copy_state == COPY_OFF)
			copy_drop(st, COPY_OFF);
		if (st->hashing)
			vigil_sha256_final(&st->sha, st->digest);
		st->hashing = 0;
		stream_close_pass(st);
		return 0;
	}
	st->total += n;
	if (st->total > VIGIL_MAX_FEED_STREAM_SIZE) {
		stream_close_pass(st);
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %llu bytes uncompressed",
		                       st->path, (unsigned long long)VIGIL_MAX_FEED_STREAM_SIZE);
	}
	if (st->hashing)
		vigil_sha256_update(&st->sha, buf, n);
	return (long)n;
}

int vigil_feed_file_rewind(const struct vigil_feed_file *f)
{
	if (!f->stream)
		return vigil_error_set(VIGIL_ERROR, "'%s': not a stream", f->path);
	return stream_open_pass(f->stream);
}

int vigil_feed_file_digest(const struct vigil_feed_file *f, const char **digest)
{
	struct vigil_feed_stream *st = f->stream;
	char chunk[65536];
	long n;

	*digest = f->digest;
	if (!st)
		return 0;
	if (!st->digest[0]) {
		/* Read the current pass through, or make one pass for it. */
		if (!st->hashing || st->pass != PASS_OPEN) {
			int err = stream_open_pass(st);
			if (err < 0)
				return err;
		}
		while ((n = vigil_feed_file_read(f, chunk, sizeof(chunk))) > 0)
			;
		if (n < 0)
			return (int)n;
	}
	*digest = st->digest;
	return 0;
}

/* Hand `f` to the run's feed; `st` set up by the caller (data or path). */
static int run_import(struct vigil_feed_run *run, struct vigil_feed_file *f,
                      struct vigil_feed_stream *st)
{
	int err;

	if (run->feed->import_stream) {
		st->path = f->path;
		f->stream = st;
		f->digest = st->digest;
		err = run->feed->import_stream(run, f);
		stream_release(st);
	} else {
		err = run->feed->import(run, f);
	}
	if (err == 0)
		run->files++;
	return err;
}

int vigil_feed_run_data(struct vigil_feed_run *run, const char *path, const char *data,
                        size_t len, const char *mtime)
{
	struct vigil_feed_file f = { 0 };
	struct vigil_feed_stream st = { 0 };

	if (len == 0)
		return vigil_error_set(VIGIL_EINVALID, "'%s': empty file", path);
	vigil_sha256_buf(data, len, st.digest);
	st.data = data;
	st.len = len;
	f.path = path;
	f.data = data;
	f.len = len;
	f.upstream_date = mtime ? mtime : "";
	f.digest = st.digest;
	return run_import(run, &f, &st);
}

/* Import file `disk`, named `path` in messages and units. */
static int run_path(struct vigil_feed_run *run, const char *path, const char *disk,
                    const char *mtime)
{
	vigil_buf data = VIGIL_BUF_INIT;
	struct vigil_feed_file f = { 0 };
	struct vigil_feed_stream st = { 0 };
	size_t max = run->feed->import_stream ? current_memory_max() : VIGIL_MAX_FEED_FILE_SIZE;
	int err;

	/* A streaming feed gets a file up to `max` bytes in memory (read once);
	 * past that the buffer goes and the file is read from the disk. */
	if (run->feed->import_stream)
		err = vigil_feed_read(&data, disk, max + 1, 0);
	else
		err = vigil_feed_read(&data, disk, max, 1);
	vigil_feed_peak_note(data.cap);
	if (err < 0)
		goto out;
	if (data.len <= max) {
		err = vigil_feed_run_data(run, path, data.ptr, data.len, mtime);
		goto out;
	}
	vigil_buf_release(&data);
	f.path = path;
	f.upstream_date = mtime;
	st.disk = disk;
	err = run_import(run, &f, &st);
out:
	vigil_buf_release(&data);
	return err;
}

int vigil_feed_run_file(struct vigil_feed_run *run, const char *path)
{
	char mtime[32] = "";
	struct stat sb;

	if (stat(path, &sb) == 0)
		time_rfc3339(sb.st_mtime, mtime);
	return run_path(run, path, path, mtime);
}

int vigil_feed_run_spooled(struct vigil_feed_run *run, const char *path, const char *disk,
                           const char *mtime)
{
	return run_path(run, path, disk, mtime ? mtime : "");
}

int vigil_feed_run_unit(struct vigil_feed_run *run, const char *key,
                        const struct vigil_store_unit_meta *meta, int64_t *unit)
{
	struct vigil_store_unit_meta m = { 0 };
	size_t i;
	int err;

	/* Asked again in this run: keep what earlier files of the run wrote. */
	if ((i = (size_t)(uintptr_t)vigil_strmap_get(&run->unit_index, key)) != 0) {
		*unit = run->units[i - 1].id;
		return 0;
	}
	if (run->origin) {
		m = meta ? *meta : m;
		m.source = run->origin;
		m.etag = run->origin_etag ? run->origin_etag : "";
		meta = &m;
	}
	if ((err = vigil_store_unit_replace(run->store, run->feed->name, key, meta, unit)) < 0)
		return err;
	run->units = vigil_array_grow(run->units, &run->cap, run->nunits + 1, sizeof(*run->units));
	run->units[run->nunits].key = vigil_strdup(key);
	run->units[run->nunits++].id = *unit;
	vigil_strmap_put(&run->unit_index, key, (void *)(uintptr_t)run->nunits);
	return 0;
}

int vigil_feed_run_finish(struct vigil_feed_run *run)
{
	char now[32];

	vigil_feed_now(now);
	return vigil_store_feed_finish(run->store, run->feed->name, run->feed->source, now);
}

int vigil_feed_run_commit(struct vigil_feed_run *run)
{
	int err;

	if ((err = vigil_feed_run_finish(run)) < 0) {
		vigil_store_rollback(run->store);
		return err;
	}
	return vigil_store_commit(run->store);
}

void vigil_feed_run_release(struct vigil_feed_run *run)
{
	size_t i;

	if (run->store && run->store->in_txn)
		vigil_store_rollback(run->store);
	for (i = 0; i < run->nunits; i++)
		vigil_free(run->units[i].key);
	vigil_free(run->units);
	vigil_strmap_release(&run->unit_index);
	if (run->priv && run->priv_free)
		run->priv_free(run->priv);
	run->priv = NULL;
	run->units = NULL;
	run->nunits = run->cap = 0;
}

/* ---- tarballs ---- */

struct vigil_feed_archive {
	struct archive *a;
	char *path;
	uint64_t members;
	char *spool; /* the current member's temporary file, or NULL */
};

/* Remove the previous member's temporary file. */
static void spool_drop(struct vigil_feed_archive *fa)
{
	if (!fa->spool)
		return;
	unlink(fa->spool);
	vigil_free(fa->spool);
	fa->spool = NULL;
}

/* The rest of a member too big for memory into a temporary file: `data`
 * (its first bytes, read already), then what the archive still holds;
 * `data` keeps the first VIGIL_FEED_PROBE_SIZE bytes. */
static int spool_member(struct vigil_feed_archive *fa, const char *name, vigil_buf *data)
{
	const char *dir = getenv("TMPDIR");
	vigil_buf tmpl = VIGIL_BUF_INIT;
	char chunk[65536];
	uint64_t total = data->len;
	la_ssize_t n = 0;
	int fd, err = 0;
	FILE *out;

	if ((err = vigil_buf_printf(&tmpl, "%s/vigil-member.XXXXXX", dir && *dir ? dir : "/tmp")) <
	    0)
		return err;
	if ((fd = mkstemp(tmpl.ptr)) < 0 || !(out = fdopen(fd, "wb"))) {
		err = vigil_error_set(VIGIL_EIO, "cannot create '%s': %s", tmpl.ptr,
		                      strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmpl.ptr);
		}
		vigil_buf_release(&tmpl);
		return err;
	}
	fa->spool = vigil_buf_detach(&tmpl, NULL);
	if (fwrite(data->ptr, 1, data->len, out) != data->len)
		err = vigil_error_set(VIGIL_EIO, "cannot write '%s': %s", fa->spool,
		                      strerror(errno));
	while (!err && (n = archive_read_data(fa->a, chunk, sizeof(chunk))) > 0) {
		if ((total += (uint64_t)n) > VIGIL_MAX_FEED_STREAM_SIZE)
			err = vigil_error_set(VIGIL_ETOOBIG,
			                      "'%s': more than %llu bytes uncompressed", name,
			                      (unsigned long long)VIGIL_MAX_FEED_STREAM_SIZE);
		else if (fwrite(chunk, 1, (size_t)n, out) != (size_t)n)
			err = vigil_error_set(VIGIL_EIO, "cannot write '%s': %s", fa->spool,
			                      strerror(errno));
	}
	if (fclose(out) != 0 && !err)
		err = vigil_error_set(VIGIL_EIO, "cannot write '%s': %s", fa->spool,
		                      strerror(errno));
	if (!err && n < 0)
		err = vigil_error_set(VIGIL_EINVALID, "'%s': %s", name,
		                      archive_error_string(fa->a));
	if (!err) { /* the head only: the probes read no more */
		vigil_buf head = VIGIL_BUF_INIT;
		err = vigil_buf_add(&head, data->ptr,
		                    data->len < VIGIL_FEED_PROBE_SIZE ? data->len
		                                                      : VIGIL_FEED_PROBE_SIZE);
		vigil_feed_peak_note(data->cap);
		vigil_buf_release(data);
		*data = head;
	}
	return err;
}

int vigil_feed_is_archive(const char *head, size_t len)
{
	const unsigned char *h = (const unsigned char *)head;
	unsigned long want = 0, sum = 0;
	size_t i;

	/* A zip archive (osv.dev's all.zip): its first local file header. */
	if (len >= 30 && memcmp(head, "PK\003\004", 4) == 0)
		return 1;
	/* POSIX ustar, pax and GNU tar all carry "ustar" at offset 257, and
	 * the octal sum of the header's bytes (its own field counted as
	 * spaces) at 148: a text file that happens to say "ustar" there is
	 * not taken for a tarball. */
	if (len < 512 || memcmp(head + 257, "ustar", 5) != 0)
		return 0;
	for (i = 148; i < 156 && h[i] == ' '; i++)
		;
	for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++)
		want = want * 8 + (h[i] - '0');
	for (i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum == want;
}

int vigil_feed_archive_open(struct vigil_feed_archive **out, const char *path)
{
	struct vigil_feed_archive *fa = vigil_calloc(1, sizeof(*fa));

	*out = NULL;
	fa->a = archive_read_new();
	fa->path = vigil_strdup(path);
	archive_read_support_filter_all(fa->a);
	archive_read_support_format_tar(fa->a);
	archive_read_support_format_gnutar(fa->a);
	archive_read_support_format_zip(fa->a);
	if (archive_read_open_filename(fa->a, path, 1 << 17) != ARCHIVE_OK) {
		int err = vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", path,
		                          archive_error_string(fa->a) ? archive_error_string(fa->a)
		                                                      : strerror(errno));
		vigil_feed_archive_close(fa);
		return err;
	}
	*out = fa;
	return 0;
}

const char *vigil_feed_archive_spool(const struct vigil_feed_archive *fa)
{
	return fa->spool;
}

int vigil_feed_archive_next(struct vigil_feed_archive *fa, const char **name, vigil_buf *data,
                            char mtime[32])
{
	struct archive_entry *e;
	char chunk[65536];
	la_ssize_t n;
	size_t max;
	int rc, err;

	spool_drop(fa);
	for (;;) {
		rc = archive_read_next_header(fa->a, &e);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
			return vigil_error_set(VIGIL_EINVALID, "'%s': corrupt archive: %s",
			                       fa->path, archive_error_string(fa->a));
		if (++fa->members > VIGIL_MAX_FEED_ARCHIVE_MEMBERS)
			return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d members",
			                       fa->path, VIGIL_MAX_FEED_ARCHIVE_MEMBERS);
		if (archive_entry_filetype(e) == AE_IFREG && archive_entry_pathname(e))
			break;
	}
	*name = archive_entry_pathname(e);
	time_rfc3339(archive_entry_mtime(e), mtime);
	vigil_buf_reset(data);
	max = current_memory_max();
	if (max < VIGIL_FEED_PROBE_SIZE)
		max = VIGIL_FEED_PROBE_SIZE;
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    archive_entry_size(e) <= (la_int64_t)max &&
	    (err = vigil_buf_grow(data, (size_t)archive_entry_size(e) + 1)) < 0)
		return err;
	/* Whole in memory up to `max` bytes; a bigger member goes to a
	 * temporary file, `data` keeping its head for the probes. */
	while ((n = archive_read_data(fa->a, chunk, sizeof(chunk))) > 0) {
		if ((err = vigil_buf_add(data, chunk, (size_t)n)) < 0)
			return err;
		if (data->len > max)
			break;
	}
	if (n < 0) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': %s", *name,
		                      archive_error_string(fa->a));
		return vigil_error_prefix(err, "'%s'", fa->path);
	}
	if (data->len > max && (err = spool_member(fa, *name, data)) < 0)
		return vigil_error_prefix(err, "'%s'", fa->path);
	vigil_feed_peak_note(data->cap);
	return 1;
}

void vigil_feed_archive_close(struct vigil_feed_archive *fa)
{
	if (!fa)
		return;
	spool_drop(fa);
	archive_read_free(fa->a);
	vigil_free(fa->path);
	vigil_free(fa);
}

enum vigil_severity vigil_feed_severity(const char *word, size_t len, unsigned scales)
{
	enum { R = VIGIL_FEED_SCALE_REDHAT, C = VIGIL_FEED_SCALE_CLAIR };
	static const struct {
		const char *word;
		enum vigil_severity sev;
		unsigned scales;
	} words[] = {
		{ "negligible", VIGIL_SEVERITY_NEGLIGIBLE, C }, { "low", VIGIL_SEVERITY_LOW, R | C },
		{ "moderate", VIGIL_SEVERITY_MEDIUM, R },       { "medium", VIGIL_SEVERITY_MEDIUM, C },
		{ "important", VIGIL_SEVERITY_HIGH, R },        { "high", VIGIL_SEVERITY_HIGH, C },
		{ "critical", VIGIL_SEVERITY_CRITICAL, R | C },
	};
	size_t i;

	for (i = 0; word && i < sizeof(words) / sizeof(words[0]); i++)
		if ((words[i].scales & scales) && strlen(words[i].word) == len &&
		    strncasecmp(word, words[i].word, len) == 0)
			return words[i].sev;
	return VIGIL_SEVERITY_UNKNOWN;
}
