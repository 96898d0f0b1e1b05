/*
 * `vigil db update`: for each feed, bring every upstream source it lists
 * (feed.h, struct vigil_feed_source) up to date, then import the sources
 * whose content changed in one transaction through a vigil_feed_run.
 *
 * A source is fetched with a conditional GET (fetch/fetch.h) or, with a
 * mirror directory, stat()ed: validators equal to those recorded in the
 * store (feed_source) mean unchanged, and nothing is downloaded or read.
 * Otherwise the content's digest decides: the same digest only renews the
 * validators (a small transaction that `db status` does not see), another
 * digest imports the file. Validators are recorded in the transaction that
 * imports the content, so a failed or killed update fetches again next time.
 * When nothing changed, nothing is written at all.
 *
 * A feed fails as a whole (nothing of it written) when any of its sources
 * cannot be fetched or imported; the other feeds carry on.
 */
#include "update.h"
#include "feed.h"
#include "../fetch/fetch.h"
#include "../limits.h"
#include "../../util/sha256.h"
#include "vigil/alloc.h"
#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define COMPONENT "update"

enum source_state {
	SOURCE_SAME,       /* validators unchanged: nothing to do */
	SOURCE_VALIDATORS, /* same content, new validators: record them */
	SOURCE_CHANGED,    /* new content: import it */
};

/* What the store recorded for a source at the last update. */
struct recorded {
	char *location, *etag, *last_modified, *digest;
};

/* One source of a feed during its update. */
struct source {
	const struct vigil_feed_source *src;
	struct recorded old;
	vigil_buf location; /* URL or mirror file */
	vigil_buf path;     /* the file to import: the mirror file or the download */
	int downloaded;     /* path is a temporary file of ours */
	char etag[VIGIL_MAX_FETCH_VALIDATOR];
	char last_modified[32];
	char digest[VIGIL_DIGEST_LEN];
	enum source_state state;
};

struct updater {
	struct vigil_store *store;
	const char *mirror;        /* absolute mirror directory, or NULL */
	struct vigil_fetch *fetch; /* made on the first fetch */
	char *tmpdir;              /* made on the first download */
	unsigned ntmp;
};

struct feed_update {
	struct updater *u;
	const struct vigil_feed *feed;
	struct source *srcs;
	size_t n;
	vigil_db_update_report rep;
};

static void recorded_release(struct recorded *r)
{
	vigil_free(r->location);
	vigil_free(r->etag);
	vigil_free(r->last_modified);
	vigil_free(r->digest);
	memset(r, 0, sizeof(*r));
}

static int on_recorded(const struct vigil_store_source *row, void *payload)
{
	struct feed_update *fu = payload;
	size_t i;

	for (i = 0; i < fu->n; i++) {
		struct recorded *r = &fu->srcs[i].old;
		if (strcmp(fu->srcs[i].src->mirror, row->key) != 0)
			continue;
		recorded_release(r);
		r->location = vigil_strdup(row->location);
		r->etag = vigil_strdup(row->etag);
		r->last_modified = vigil_strdup(row->last_modified);
		r->digest = vigil_strdup(row->digest);
	}
	return 0;
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* sha256 of a whole file into out. */
static int digest_file(const char *path, char out[VIGIL_DIGEST_LEN])
{
	struct vigil_sha256 h;
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", path, strerror(errno));
	vigil_sha256_init(&h);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		vigil_sha256_update(&h, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		vigil_sha256_release(&h);
		return vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", path, strerror(errno));
	}
	vigil_sha256_final(&h, out);
	return 0;
}

/* New content, new validators only, or nothing new at all (a file:// URL is
 * read whole: its digest and mtime tell)? */
static void judge_content(struct source *s)
{
	if (!streq(s->old.digest, s->digest))
		s->state = SOURCE_CHANGED;
	else if (streq(s->old.location, s->location.ptr) && streq(s->old.etag, s->etag) &&
	         streq(s->old.last_modified, s->last_modified))
		s->state = SOURCE_SAME;
	else
		s->state = SOURCE_VALIDATORS;
}

/*
 * A mirror file: its identity (device, inode, size, mtime) stands for an
 * ETag, so an untouched mirror costs one stat() per source.
 */
static int mirror_source(struct feed_update *fu, struct source *s)
{
	struct stat sb;
	int err;

	if ((err = vigil_buf_printf(&s->path, "%s/%s", fu->u->mirror, s->src->mirror)) < 0 ||
	    (err = vigil_buf_printf(&s->location, "file://%s", s->path.ptr)) < 0)
		return err;
	if (stat(s->path.ptr, &sb) != 0 || !S_ISREG(sb.st_mode))
		return vigil_error_set(VIGIL_EIO, "mirror '%s' has no '%s'", fu->u->mirror,
		                       s->src->mirror);
	snprintf(s->etag, sizeof(s->etag), "mirror:%llx-%llx-%llx-%lld.%09ld",
	         (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino,
	         (unsigned long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
	         (long)sb.st_mtim.tv_nsec);
	vigil_fetch_time_format((int64_t)sb.st_mtim.tv_sec, s->last_modified);
	if (streq(s->old.location, s->location.ptr) && streq(s->old.etag, s->etag)) {
		s->state = SOURCE_SAME;
		return 0;
	}
	if ((err = digest_file(s->path.ptr, s->digest)) < 0)
		return err;
	judge_content(s);
	return 0;
}

/* VIGIL_FEED_<NAME>_URL, when set, replaces the feed's upstream base URL. */
static const char *upstream_base(const struct vigil_feed *feed)
{
	char var[96];
	const char *v;
	int n = snprintf(var, sizeof(var), "VIGIL_FEED_%s_URL", feed->name);
	size_t i;

	if (n < 0 || (size_t)n >= sizeof(var))
		return feed->upstream;
	for (i = 11; i + 4 < (size_t)n; i++) /* between "VIGIL_FEED_" and "_URL" */
		var[i] =
		        isalnum((unsigned char)var[i]) ? (char)toupper((unsigned char)var[i]) : '_';
	v = getenv(var);
	return v && *v ? v : feed->upstream;
}

static int source_url(const struct vigil_feed *feed, const struct vigil_feed_source *src,
                      vigil_buf *out)
{
	const char *base = upstream_base(feed);
	size_t len;

	if (strstr(src->path, "://"))
		return vigil_buf_puts(out, src->path);
	if (!base)
		return vigil_error_set(VIGIL_EUNSUPPORTED, "feed '%s': no upstream URL for '%s'",
		                       feed->name, src->path);
	len = strlen(base);
	return vigil_buf_printf(out, "%s%s%s", base, len && base[len - 1] == '/' ? "" : "/",
	                        src->path);
}

static int make_tmpdir(struct updater *u)
{
	const char *dir = getenv("TMPDIR");
	vigil_buf tmpl = VIGIL_BUF_INIT;
	int err;

	if (u->tmpdir)
		return 0;
	if ((err = vigil_buf_printf(&tmpl, "%s/vigil-update.XXXXXX", dir && *dir ? dir : "/tmp")) <
	    0)
		return err;
	if (!mkdtemp(tmpl.ptr)) {
		err = vigil_error_set(VIGIL_EIO, "cannot create '%s': %s", tmpl.ptr,
		                      strerror(errno));
		vigil_buf_release(&tmpl);
		return err;
	}
	u->tmpdir = vigil_buf_detach(&tmpl, NULL);
	return 0;
}

/* Give a download the upstream's modification time: the import reads it as
 * the unit's upstream date. */
static void stamp_mtime(const char *path, const char *rfc3339)
{
	int64_t t = vigil_fetch_time_parse(rfc3339);
	struct timeval tv[2];

	if (t < 0)
		return;
	tv[0].tv_sec = tv[1].tv_sec = (time_t)t;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	if (utimes(path, tv) != 0)
		vigil_log(DEBUG, COMPONENT, "cannot set the time of '%s': %s", path,
		          strerror(errno));
}

static int download(struct updater *u, struct source *s, const struct vigil_fetch_validators *v,
                    struct vigil_fetch_result *res)
{
	const char *base = strrchr(s->src->mirror, '/');
	FILE *out;
	int err;

	if ((err = make_tmpdir(u)) < 0 ||
	    (err = vigil_buf_printf(&s->path, "%s/%u-%s", u->tmpdir, u->ntmp++,
	                            base ? base + 1 : s->src->mirror)) < 0)
		return err;
	if (!(out = fopen(s->path.ptr, "wbxe")))
		return vigil_error_set(VIGIL_EIO, "cannot create '%s': %s", s->path.ptr,
		                       strerror(errno));
	s->downloaded = 1;
	err = vigil_fetch_get(u->fetch, s->location.ptr, v, out, res);
	if (fclose(out) != 0 && !err)
		err = vigil_error_set(VIGIL_EIO, "cannot write '%s': %s", s->path.ptr,
		                      strerror(errno));
	return err;
}

/* A URL: conditional GET with the validators recorded for that same URL. */
static int url_source(struct feed_update *fu, struct source *s)
{
	struct vigil_fetch_validators v = { NULL, NULL };
	struct vigil_fetch_result res;
	int err;

	if ((err = source_url(fu->feed, s->src, &s->location)) < 0)
		return err;
	if (!fu->u->fetch && (err = vigil_fetch_new(&fu->u->fetch)) < 0)
		return err;
	if (streq(s->old.location, s->location.ptr)) {
		v.etag = s->old.etag;
		v.last_modified = s->old.last_modified;
	}
	if ((err = download(fu->u, s, &v, &res)) < 0)
		return err;
	memcpy(s->etag, res.etag, sizeof(s->etag));
	memcpy(s->last_modified, res.last_modified, sizeof(s->last_modified));
	if (res.unchanged) {
		s->state = SOURCE_SAME;
		return 0;
	}
	memcpy(s->digest, res.digest, sizeof(s->digest));
	judge_content(s);
	if (s->state == SOURCE_CHANGED)
		stamp_mtime(s->path.ptr, s->last_modified);
	vigil_log(DEBUG, COMPONENT, "'%s': %llu bytes, %s", s->location.ptr,
	          (unsigned long long)res.size,
	          s->state == SOURCE_CHANGED ? "changed" : "same content");
	return 0;
}

static int record_source(struct feed_update *fu, const struct source *s)
{
	struct vigil_store_source row = { s->src->mirror, s->location.ptr, s->etag,
		                          s->last_modified, s->digest };

	return vigil_store_source_put(fu->u->store, fu->feed->name, &row);
}

static int record_sources(struct feed_update *fu)
{
	size_t i;
	int err = 0;

	for (i = 0; i < fu->n && !err; i++)
		if (fu->srcs[i].state != SOURCE_SAME)
			err = record_source(fu, &fu->srcs[i]);
	return err;
}

static int import_file(struct vigil_feed_run *run, struct source *s)
{
	int err;

	run->origin = s->location.ptr;
	run->origin_etag = s->etag;
	err = vigil_feed_run_file(run, s->path.ptr);
	run->origin = run->origin_etag = NULL;
	if (err < 0 && s->downloaded)
		err = vigil_error_prefix(err, "'%s'", s->location.ptr);
	return err;
}

/* One transaction: the changed sources imported, every new validator recorded. */
static int import_changed(struct feed_update *fu)
{
	struct vigil_feed_run run;
	size_t i;
	int err;

	if ((err = vigil_feed_run_begin(&run, fu->feed, fu->u->store)) < 0)
		return err;
	for (i = 0; i < fu->n && !err; i++)
		if (fu->srcs[i].state == SOURCE_CHANGED)
			err = import_file(&run, &fu->srcs[i]);
	if (!err)
		err = record_sources(fu);
	if (!err)
		err = vigil_feed_run_commit(&run);
	if (!err)
		fu->rep.records = run.records;
	vigil_feed_run_release(&run);
	return err;
}

/* Only validators changed: record them without touching the feed's data. */
static int record_validators(struct feed_update *fu)
{
	int err;

	if ((err = vigil_store_begin(fu->u->store)) < 0)
		return err;
	if ((err = record_sources(fu)) < 0) {
		vigil_store_rollback(fu->u->store);
		return err;
	}
	return vigil_store_commit(fu->u->store);
}

static int apply(struct feed_update *fu)
{
	size_t i, validators = 0;

	for (i = 0; i < fu->n; i++) {
		if (fu->srcs[i].state == SOURCE_CHANGED)
			fu->rep.changed++;
		else if (fu->srcs[i].state == SOURCE_VALIDATORS)
			validators++;
		else
			fu->rep.unchanged++;
	}
	if (fu->rep.changed)
		return import_changed(fu);
	if (validators)
		return record_validators(fu);
	return 0; /* nothing changed: nothing written */
}

static int update_sources(struct feed_update *fu)
{
	size_t i;
	int err;

	for (fu->n = 0; fu->feed->sources[fu->n].path; fu->n++)
		;
	fu->srcs = vigil_calloc(fu->n ? fu->n : 1, sizeof(*fu->srcs));
	for (i = 0; i < fu->n; i++) {
		const vigil_buf init = VIGIL_BUF_INIT;
		fu->srcs[i].src = &fu->feed->sources[i];
		fu->srcs[i].location = init;
		fu->srcs[i].path = init;
	}
	fu->rep.sources = (unsigned)fu->n;
	if ((err = vigil_store_sources(fu->u->store, fu->feed->name, on_recorded, fu)) < 0)
		return err;
	for (i = 0; i < fu->n; i++) {
		struct source *s = &fu->srcs[i];
		err = fu->u->mirror ? mirror_source(fu, s) : url_source(fu, s);
		if (err < 0)
			return err;
	}
	return apply(fu);
}

static void feed_update_release(struct feed_update *fu)
{
	size_t i;

	for (i = 0; i < fu->n; i++) {
		struct source *s = &fu->srcs[i];
		if (s->downloaded && unlink(s->path.ptr) != 0 && errno != ENOENT)
			vigil_log(WARN, COMPONENT, "cannot remove '%s': %s", s->path.ptr,
			          strerror(errno));
		recorded_release(&s->old);
		vigil_buf_release(&s->location);
		vigil_buf_release(&s->path);
	}
	vigil_free(fu->srcs);
}

/* Update one feed and tell `cb`. Returns the feed's failure code, or 0. */
static int update_feed(struct updater *u, const struct vigil_feed *feed, int named,
                       vigil_db_update_cb cb, void *payload)
{
	struct feed_update fu;
	int err;

	memset(&fu, 0, sizeof(fu));
	fu.u = u;
	fu.feed = feed;
	fu.rep.feed = feed->name;
	fu.rep.message = "";
	if (!feed->sources) {
		err = named ? vigil_error_set(VIGIL_EUNSUPPORTED,
		                              "feed '%s' has no upstream sources; use 'vigil db "
		                              "import' with its files",
		                              feed->name)
		            : 0;
		fu.rep.outcome = named ? VIGIL_DB_UPDATE_FAILED : VIGIL_DB_UPDATE_SKIPPED;
	} else {
		err = update_sources(&fu);
		fu.rep.outcome =
		        fu.rep.changed ? VIGIL_DB_UPDATE_UPDATED : VIGIL_DB_UPDATE_UNCHANGED;
	}
	if (err < 0) {
		fu.rep.outcome = VIGIL_DB_UPDATE_FAILED;
		fu.rep.error = err;
		fu.rep.message = vigil_error_last();
		fu.rep.records = 0;
	}
	vigil_log(INFO, COMPONENT, "feed '%s': %u sources, %u changed, %u unchanged%s%s",
	          feed->name, fu.rep.sources, fu.rep.changed, fu.rep.unchanged, err ? ": " : "",
	          fu.rep.message);
	if (cb)
		cb(&fu.rep, payload);
	feed_update_release(&fu);
	return err;
}

static int open_mirror(const char *dir, char **out)
{
	char *abs = realpath(dir, NULL);
	struct stat sb;

	*out = NULL;
	if (!abs || stat(abs, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		int err = vigil_error_set(VIGIL_EIO, "mirror '%s': %s", dir,
		                          abs ? "not a directory" : strerror(errno));
		free(abs);
		return err;
	}
	*out = vigil_strdup(abs);
	free(abs);
	return 0;
}

int vigil_feed_update(struct vigil_store *store, const vigil_db_update_opts *opts,
                      vigil_db_update_cb cb, void *payload)
{
	struct updater u = { store, NULL, NULL, NULL, 0 };
	const struct vigil_feed *only = NULL;
	char *mirror = NULL;
	vigil_buf first = VIGIL_BUF_INIT;
	int err, first_err = 0;
	size_t i;

	if (opts && opts->feed && !(only = vigil_feed_find(opts->feed)))
		return vigil_error_set(VIGIL_ENOTFOUND, "unknown feed '%s'", opts->feed);
	if (opts && opts->mirror && (err = open_mirror(opts->mirror, &mirror)) < 0)
		return err;
	u.mirror = mirror;
	for (i = 0; i < vigil_feed_count(); i++) {
		const struct vigil_feed *feed = vigil_feed_get(i);
		if (only && feed != only)
			continue;
		err = update_feed(&u, feed, only != NULL, cb, payload);
		if (err < 0 && !first_err) {
			first_err = err;
			if (vigil_buf_printf(&first, "feed '%s': %s", feed->name,
			                     vigil_error_last()) < 0)
				vigil_buf_reset(&first);
		}
	}
	if (first_err)
		vigil_error_set(first_err, "%s", first.ptr ? first.ptr : "update failed");
	vigil_fetch_free(u.fetch);
	if (u.tmpdir && rmdir(u.tmpdir) != 0)
		vigil_log(WARN, COMPONENT, "cannot remove '%s': %s", u.tmpdir, strerror(errno));
	vigil_free(u.tmpdir);
	vigil_free(mirror);
	vigil_buf_release(&first);
	return first_err;
}
