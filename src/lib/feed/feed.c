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
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

int vigil_feed_run_data(struct vigil_feed_run *run, const char *path, const char *data,
                        size_t len, const char *mtime)
{
	struct vigil_feed_file f = { 0 };
	char digest[VIGIL_DIGEST_LEN];
	int err;

	if (len == 0)
		return vigil_error_set(VIGIL_EINVALID, "'%s': empty file", path);
	vigil_sha256_buf(data, len, digest);
	f.path = path;
	f.data = data;
	f.len = len;
	f.upstream_date = mtime ? mtime : "";
	f.digest = digest;
	if ((err = run->feed->import(run, &f)) == 0)
		run->files++;
	return err;
}

int vigil_feed_run_file(struct vigil_feed_run *run, const char *path)
{
	vigil_buf data = VIGIL_BUF_INIT;
	char mtime[32] = "";
	struct stat sb;
	int err;

	if ((err = vigil_feed_read(&data, path, VIGIL_MAX_FEED_FILE_SIZE, 1)) < 0)
		goto out;
	if (stat(path, &sb) == 0)
		time_rfc3339(sb.st_mtime, mtime);
	err = vigil_feed_run_data(run, path, data.ptr, data.len, mtime);
out:
	vigil_buf_release(&data);
	return err;
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
};

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

int vigil_feed_archive_next(struct vigil_feed_archive *fa, const char **name, vigil_buf *data,
                            char mtime[32])
{
	struct archive_entry *e;
	int rc, err;

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
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    archive_entry_size(e) <= ((la_int64_t)16 << 20) &&
	    (err = vigil_buf_grow(data, (size_t)archive_entry_size(e) + 1)) < 0)
		return err;
	if ((err = read_stream(data, fa->a, *name, VIGIL_MAX_FEED_FILE_SIZE, 1)) < 0)
		return vigil_error_prefix(err, "'%s'", fa->path);
	return 1;
}

void vigil_feed_archive_close(struct vigil_feed_archive *fa)
{
	if (!fa)
		return;
	archive_read_free(fa->a);
	vigil_free(fa->path);
	vigil_free(fa);
}
