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
 *
 * A source is upstream only, mirror only, or both (feed.h): an update from
 * the upstream takes the sources with a path, one from a mirror those with
 * a mirror path. A tarball or zip source is streamed member by member
 * (what the feed's probe recognises is imported); a pointer source
 * (archive_latest.txt) is followed to the file it names.
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
	vigil_buf target;   /* a pointer source: the URL or file it names, else empty */
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
	vigil_db_progress_cb progress;
	void *progress_payload;
	const vigil_db_update_opts *opts; /* the caller's (its before_import hook), or NULL */
};

struct feed_update {
	struct updater *u;
	const struct vigil_feed *feed;
	struct source *srcs;
	size_t n;
	vigil_db_update_report rep;
	vigil_db_progress prog;
	const char *skip; /* why the feed is skipped, or NULL */
};

/* The name of a source in the store: its mirror path, else its path. */
static const char *source_key(const struct vigil_feed_source *src)
{
	return src->mirror ? src->mirror : src->path;
}

/* Is `src` one this update reads (upstream: it has a path; mirror: a mirror path)? */
static int source_used(const struct updater *u, const struct vigil_feed_source *src)
{
	return u->mirror ? src->mirror != NULL : src->path != NULL;
}

static void progress(struct feed_update *fu, const char *phase, const char *file)
{
	if (!fu->u->progress)
		return;
	fu->prog.feed = fu->feed->name;
	fu->prog.phase = phase;
	fu->prog.file = file;
	fu->u->progress(&fu->prog, fu->u->progress_payload);
}

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
		if (strcmp(source_key(fu->srcs[i].src), row->key) != 0)
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

/*
 * The URL of a source: its path under the feed's base. A source given as a
 * whole URL is fetched there, unless VIGIL_FEED_<NAME>_URL replaces the
 * base: then it is looked for under the new base as "<host>/<path>", so one
 * local mirror server holds all of a feed's files.
 */
static int source_url(const struct vigil_feed *feed, const struct vigil_feed_source *src,
                      vigil_buf *out)
{
	const char *base = upstream_base(feed);
	const char *rest = strstr(src->path, "://");
	size_t len;

	if (rest && base == feed->upstream)
		return vigil_buf_puts(out, src->path);
	if (rest && base) {
		len = strlen(base);
		return vigil_buf_printf(out, "%s%s%s", base, len && base[len - 1] == '/' ? "" : "/",
		                        rest + 3);
	}
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

/* GET `url` into a new temporary file, named into `path` (then ours to remove). */
static int download_to(struct updater *u, const char *url, vigil_buf *path,
                       const struct vigil_fetch_validators *v, struct vigil_fetch_result *res)
{
	const char *base = strrchr(url, '/');
	FILE *out;
	int err;

	base = base && base[1] ? base + 1 : "file";
	vigil_buf_reset(path);
	if ((err = make_tmpdir(u)) < 0 ||
	    (err = vigil_buf_printf(path, "%s/%u-%.100s", u->tmpdir, u->ntmp++, base)) < 0)
		return err;
	if (!(out = fopen(path->ptr, "wbxe")))
		return vigil_error_set(VIGIL_EIO, "cannot create '%s': %s", path->ptr,
		                       strerror(errno));
	err = vigil_fetch_get(u->fetch, url, v, out, res);
	if (fclose(out) != 0 && !err)
		err = vigil_error_set(VIGIL_EIO, "cannot write '%s': %s", path->ptr,
		                      strerror(errno));
	return err;
}

static int download(struct updater *u, struct source *s, const struct vigil_fetch_validators *v,
                    struct vigil_fetch_result *res)
{
	s->downloaded = 1;
	return download_to(u, s->location.ptr, &s->path, v, res);
}

static void remove_download(struct source *s)
{
	if (s->downloaded && s->path.ptr && unlink(s->path.ptr) != 0 && errno != ENOENT)
		vigil_log(WARN, COMPONENT, "cannot remove '%s': %s", s->path.ptr, strerror(errno));
	s->downloaded = 0;
}

/*
 * A pointer source whose content changed: read the name it holds (its first
 * line: a plain file name, no directory) and fetch that file of the same
 * directory (unconditionally: the pointer's validators stand for it).
 */
static int follow_pointer(struct feed_update *fu, struct source *s)
{
	vigil_buf line = VIGIL_BUF_INIT, path = VIGIL_BUF_INIT;
	struct vigil_fetch_result res;
	const char *dir_end = strrchr(s->location.ptr, '/');
	size_t n, i;
	int err;

	if ((err = vigil_feed_read(&line, s->path.ptr, VIGIL_MAX_SOURCE_POINTER, 0)) < 0)
		goto out;
	for (n = 0; n < line.len && line.ptr[n] != '\n' && line.ptr[n] != '\r'; n++)
		;
	while (n && isspace((unsigned char)line.ptr[n - 1]))
		n--;
	for (i = 0; i < n && (isalnum((unsigned char)line.ptr[i]) || strchr("._-+", line.ptr[i]));
	     i++)
		;
	if (n == 0 || i < n || line.ptr[0] == '.') {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': does not name a file in its directory",
		                      s->location.ptr);
		goto out;
	}
	if ((err = vigil_buf_printf(&s->target, "%.*s/%.*s",
	                            (int)(dir_end ? dir_end - s->location.ptr : 0), s->location.ptr,
	                            (int)n, line.ptr)) < 0)
		goto out;
	if (fu->u->mirror) {
		/* file://DIR/NAME: the file itself */
		struct stat sb;
		vigil_buf_reset(&s->path);
		if ((err = vigil_buf_puts(&s->path, s->target.ptr + 7)) < 0)
			goto out;
		if (stat(s->path.ptr, &sb) != 0 || !S_ISREG(sb.st_mode))
			err = vigil_error_set(VIGIL_EIO, "'%s' names '%s', which is missing",
			                      s->location.ptr, s->path.ptr);
		goto out;
	}
	progress(fu, "fetch", s->target.ptr);
	if ((err = download_to(fu->u, s->target.ptr, &path, NULL, &res)) < 0) {
		if (path.ptr && unlink(path.ptr) != 0 && errno != ENOENT)
			vigil_log(WARN, COMPONENT, "cannot remove '%s'", path.ptr);
		goto out;
	}
	remove_download(s);
	{
		vigil_buf old = s->path;
		s->path = path;
		path = old;
	}
	s->downloaded = 1;
	stamp_mtime(s->path.ptr, res.last_modified);
out:
	vigil_buf_release(&line);
	vigil_buf_release(&path);
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
	struct vigil_store_source row = { source_key(s->src), s->location.ptr, s->etag,
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

/* Is archive member `name` under one of the directories of `within` (NULL: all)? */
static int member_within(const char *within, const char *name)
{
	const char *p = within, *hit;
	size_t n;

	if (!within)
		return 1;
	while (*p) {
		while (*p == ' ')
			p++;
		for (n = 0; p[n] && p[n] != ' '; n++)
			;
		if (n && strncmp(name, p, n) == 0 && name[n] == '/')
			return 1;
		for (hit = strchr(name, '/'); n && hit; hit = strchr(hit + 1, '/'))
			if (strncmp(hit + 1, p, n) == 0 && hit[1 + n] == '/')
				return 1;
		p += n;
	}
	return 0;
}

/* How a source names itself in messages: its URL, or the mirror file. */
static const char *source_label(const struct source *s)
{
	return s->target.len ? s->target.ptr : s->downloaded ? s->location.ptr : s->path.ptr;
}

/*
 * A tarball or zip source: every regular member the feed's probe recognises
 * (under `within`) is imported; the others are passed over. One member at
 * least must be taken.
 */
static int import_archive(struct feed_update *fu, struct vigil_feed_run *run, struct source *s)
{
	struct vigil_feed_archive *fa = NULL;
	vigil_buf data = VIGIL_BUF_INIT, label = VIGIL_BUF_INIT;
	uint64_t taken = 0, passed = 0;
	const char *name, *base;
	char mtime[32];
	int rc, err;

	if ((err = vigil_feed_archive_open(&fa, s->path.ptr)) < 0)
		return err;
	fu->prog.files_total = 0; /* members: not known before the end */
	while ((rc = vigil_feed_archive_next(fa, &name, &data, mtime)) == 1) {
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		if (*base == '.' || !data.len || !member_within(s->src->within, name) ||
		    !fu->feed->probe(name, data.ptr,
		                     data.len < VIGIL_FEED_PROBE_SIZE ? data.len
		                                                      : VIGIL_FEED_PROBE_SIZE)) {
			passed++;
			continue;
		}
		vigil_buf_reset(&label);
		if ((err = vigil_buf_printf(&label, "%s:%s", source_label(s), name)) < 0 ||
		    (err = vigil_feed_run_data(run, label.ptr, data.ptr, data.len, mtime)) < 0)
			break;
		taken++;
		fu->prog.files_done++;
		fu->prog.records = run->records;
		progress(fu, "import", label.ptr);
	}
	if (!err && rc < 0)
		err = s->downloaded ? vigil_error_prefix(rc, "'%s'", source_label(s)) : rc;
	if (!err && !taken)
		err = vigil_error_set(VIGIL_EINVALID,
		                      "'%s': no member of the archive is a file of feed '%s'",
		                      source_label(s), fu->feed->name);
	if (!err)
		vigil_log(INFO, COMPONENT, "'%s': %llu members imported, %llu passed over",
		          source_label(s), (unsigned long long)taken, (unsigned long long)passed);
	vigil_feed_archive_close(fa);
	vigil_buf_release(&data);
	vigil_buf_release(&label);
	return err;
}

/* A tarball or zip? Otherwise a file the feed must recognise. */
static int source_kind(struct feed_update *fu, struct source *s, int *archive)
{
	vigil_buf head = VIGIL_BUF_INIT;
	int err;

	*archive = 0;
	if ((err = vigil_feed_read(&head, s->path.ptr, VIGIL_FEED_PROBE_SIZE, 0)) < 0) {
		if (s->downloaded)
			err = vigil_error_prefix(err, "'%s'", source_label(s));
	} else if (vigil_feed_is_archive(head.ptr, head.len)) {
		*archive = 1;
	} else if (head.len == 0) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': empty file", source_label(s));
	} else if (!fu->feed->probe(s->path.ptr, head.ptr, head.len)) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': not a file of feed '%s'",
		                      source_label(s), fu->feed->name);
	}
	vigil_buf_release(&head);
	return err;
}

static int import_file(struct feed_update *fu, struct vigil_feed_run *run, struct source *s)
{
	int err, archive;

	if ((err = source_kind(fu, s, &archive)) < 0)
		return err;
	run->origin = s->target.len ? s->target.ptr : s->location.ptr;
	run->origin_etag = s->etag;
	if (archive) {
		err = import_archive(fu, run, s);
	} else {
		err = vigil_feed_run_file(run, s->path.ptr);
		if (err < 0 && (s->downloaded || s->target.len))
			err = vigil_error_prefix(err, "'%s'", source_label(s));
		if (!err) {
			fu->prog.files_done++;
			fu->prog.records = run->records;
			progress(fu, "import", source_label(s));
		}
	}
	run->origin = run->origin_etag = NULL;
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
	fu->prog.files_done = fu->prog.files_total = 0;
	for (i = 0; i < fu->n; i++)
		if (fu->srcs[i].state == SOURCE_CHANGED)
			fu->prog.files_total++;
	for (i = 0; i < fu->n && !err; i++)
		if (fu->srcs[i].state == SOURCE_CHANGED)
			err = import_file(fu, &run, &fu->srcs[i]);
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
	if (fu->rep.changed) {
		const vigil_db_update_opts *o = fu->u->opts;
		int err;
		if (o && o->before_import &&
		    (err = o->before_import(fu->feed->name, o->before_import_payload)) < 0)
			return err;
		return import_changed(fu);
	}
	if (validators)
		return record_validators(fu);
	return 0; /* nothing changed: nothing written */
}

/* With a mirror: does it hold any of the feed's files? */
static int mirror_has_any(struct feed_update *fu)
{
	vigil_buf path = VIGIL_BUF_INIT;
	struct stat sb;
	size_t i;
	int found = 0;

	for (i = 0; i < fu->n && !found; i++) {
		vigil_buf_reset(&path);
		if (vigil_buf_printf(&path, "%s/%s", fu->u->mirror, fu->srcs[i].src->mirror) < 0)
			break;
		found = stat(path.ptr, &sb) == 0;
	}
	vigil_buf_release(&path);
	return found;
}

static int update_sources(struct feed_update *fu, int named)
{
	const struct vigil_feed_source *all = fu->feed->sources;
	size_t i, n;
	int err;

	for (n = 0; all[n].path || all[n].mirror; n++)
		;
	fu->srcs = vigil_calloc(n ? n : 1, sizeof(*fu->srcs));
	for (i = 0; i < n; i++) {
		const vigil_buf init = VIGIL_BUF_INIT;
		if (!source_used(fu->u, &all[i]))
			continue;
		fu->srcs[fu->n].src = &all[i];
		fu->srcs[fu->n].location = init;
		fu->srcs[fu->n].path = init;
		fu->srcs[fu->n++].target = init;
	}
	fu->rep.sources = (unsigned)fu->n;
	if (fu->n == 0 || (fu->u->mirror && !named && !mirror_has_any(fu))) {
		fu->skip = fu->n == 0 ? (fu->u->mirror ? "no mirror files (upstream only)"
		                                       : "no upstream sources (mirror only)")
		                      : "the mirror holds none of its files";
		if (named)
			return vigil_error_set(VIGIL_EUNSUPPORTED, "feed '%s': %s", fu->feed->name,
			                       fu->skip);
		return 0;
	}
	if ((err = vigil_store_sources(fu->u->store, fu->feed->name, on_recorded, fu)) < 0)
		return err;
	fu->prog.files_total = fu->n;
	for (i = 0; i < fu->n; i++) {
		struct source *s = &fu->srcs[i];
		fu->prog.files_done = i;
		progress(fu, "fetch",
		         s->src->mirror && fu->u->mirror ? s->src->mirror : s->src->path);
		err = fu->u->mirror ? mirror_source(fu, s) : url_source(fu, s);
		if (!err && s->state == SOURCE_CHANGED && (s->src->flags & VIGIL_SOURCE_POINTER))
			err = follow_pointer(fu, s);
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
		remove_download(s);
		recorded_release(&s->old);
		vigil_buf_release(&s->location);
		vigil_buf_release(&s->path);
		vigil_buf_release(&s->target);
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
		fu.rep.message = "no upstream sources (import only)";
	} else {
		err = update_sources(&fu, named);
		fu.rep.outcome = fu.skip          ? VIGIL_DB_UPDATE_SKIPPED
		                 : fu.rep.changed ? VIGIL_DB_UPDATE_UPDATED
		                                  : VIGIL_DB_UPDATE_UNCHANGED;
		if (fu.skip)
			fu.rep.message = fu.skip;
	}
	if (err < 0) {
		fu.rep.outcome = VIGIL_DB_UPDATE_FAILED;
		fu.rep.error = err;
		fu.rep.message = vigil_error_last();
		fu.rep.records = 0;
	}
	vigil_log(INFO, COMPONENT, "feed '%s': %u sources, %u changed, %u unchanged%s%s",
	          feed->name, fu.rep.sources, fu.rep.changed, fu.rep.unchanged, err ? ": " : "",
	          err ? fu.rep.message : "");
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
                      vigil_db_update_cb cb, void *payload, vigil_db_progress_cb progress_cb,
                      void *progress_payload)
{
	struct updater u = { store, NULL, NULL, NULL, 0, progress_cb, progress_payload, opts };
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
