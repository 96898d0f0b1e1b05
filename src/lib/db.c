/*
 * vigil_db_*(): the public face of the store and the feeds. Import walks the
 * paths, recognises each file (before anything is written, so a bad named
 * file stops the command up front), then runs one transaction per feed.
 * Tarballs of upstream trees are streamed once, member by member: when the
 * paths hold one, the whole command is one transaction (one run per feed).
 */
#include "vigil/db.h"
#include "vigil/alloc.h"
#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "feed/feed.h"
#include "feed/update.h"
#include "store/store.h"
#include "limits.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct vigil_db {
	struct vigil_store *store;
	vigil_db_progress_cb progress;
	void *progress_payload;
	vigil_db_progress prog;
};

struct vigil_db_status {
	struct vigil_store_status st;
	vigil_db_feed_status *feeds;
};

/* A file to import and the feed that takes it (NULL for a tarball). */
struct candidate {
	char *path;
	const struct vigil_feed *feed;
	int archive; /* a tarball, its members recognised while it streams */
	int named;   /* named on the command line */
};

struct plan {
	struct candidate *files;
	size_t n, cap;
	uint64_t unrecognised;
	const struct vigil_feed *forced;
};

void vigil_db_set_progress(vigil_db *db, vigil_db_progress_cb cb, void *payload)
{
	db->progress = cb;
	db->progress_payload = payload;
}

/* One more file (or archive member) of `run` imported. */
static void progress_step(vigil_db *db, const struct vigil_feed_run *run, const char *file)
{
	if (!db->progress)
		return;
	if (db->prog.feed != run->feed->name) /* the files of a tarball: counted per feed */
		db->prog.files_done = 0;
	db->prog.feed = run->feed->name;
	db->prog.phase = "import";
	db->prog.file = file;
	db->prog.files_done++;
	db->prog.records = run->records;
	db->progress(&db->prog, db->progress_payload);
}

int vigil_db_open(vigil_db **out, const char *dsn, unsigned flags)
{
	struct vigil_store *s;
	int err;

	*out = NULL;
	if ((err = vigil_store_open(&s, dsn, flags & VIGIL_DB_CREATE ? VIGIL_STORE_CREATE : 0)) < 0)
		return err;
	*out = vigil_calloc(1, sizeof(**out));
	(*out)->store = s;
	return 0;
}

void vigil_db_free(vigil_db *db)
{
	if (!db)
		return;
	vigil_store_close(db->store);
	vigil_free(db);
}

size_t vigil_db_feed_count(void)
{
	return vigil_feed_count();
}

const char *vigil_db_feed_name(size_t i)
{
	const struct vigil_feed *f = vigil_feed_get(i);

	return f ? f->name : NULL;
}

static void plan_add(struct plan *p, const char *path, const struct vigil_feed *feed,
                     int archive, int named)
{
	p->files = vigil_array_grow(p->files, &p->cap, p->n + 1, sizeof(*p->files));
	p->files[p->n].path = vigil_strdup(path);
	p->files[p->n].archive = archive;
	p->files[p->n].named = named;
	p->files[p->n++].feed = feed;
}

/* `f` is `forced` or one of its family: a feed named "<forced>-..."
 * (--feed ubuntu takes the ubuntu-oval files too). */
static int in_family(const struct vigil_feed *f, const struct vigil_feed *forced)
{
	size_t n = strlen(forced->name);

	return f == forced || (strncmp(f->name, forced->name, n) == 0 && f->name[n] == '-');
}

/*
 * The feed for a file whose first bytes are `head`: with --feed, the first
 * of its family whose probe says yes (a named file falls back to the forced
 * feed itself); without, the feed that took the previous file if its probe
 * says yes (files of a tree come in runs), else the first probe that does.
 */
static const struct vigil_feed *pick_feed(const struct plan *p, const struct vigil_feed *last,
                                          const char *path, const char *head, size_t len,
                                          int named)
{
	size_t i;

	if (last && (!p->forced || in_family(last, p->forced)) && last->probe(path, head, len))
		return last;
	if (!p->forced)
		return vigil_feed_probe(path, head, len);
	for (i = 0; i < vigil_feed_count(); i++) {
		const struct vigil_feed *f = vigil_feed_get(i);
		if (in_family(f, p->forced) && f->probe(path, head, len))
			return f;
	}
	return named ? p->forced : NULL;
}

static void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		vigil_free(p->files[i].path);
	vigil_free(p->files);
}

/*
 * Which feed takes `path`? *out = NULL when none. For a named file, reading
 * errors and an unrecognised or empty file are errors; in a walk they only
 * make the file unrecognised.
 */
static int classify(struct plan *p, const char *path, int named, const struct vigil_feed **out,
                    int *archive)
{
	vigil_buf head = VIGIL_BUF_INIT;
	int err;

	*out = NULL;
	err = vigil_feed_read(&head, path, VIGIL_FEED_PROBE_SIZE, 0);
	if (err < 0 && !named) {
		vigil_log(WARN, "feed", "skipping '%s': %s", path, vigil_error_last());
		err = 0;
	} else if (!err && head.len == 0 && named) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': empty file", path);
	} else if (!err && vigil_feed_is_archive(head.ptr, head.len)) {
		*archive = 1;
	} else if (!err && head.len) {
		*out = pick_feed(p, NULL, path, head.ptr, head.len, named);
		if (!*out && named)
			err = vigil_error_set(
			        VIGIL_EINVALID, "'%s': not a feed file vigil recognises%s%s", path,
			        p->forced ? " as " : "", p->forced ? p->forced->name : "");
	}
	vigil_buf_release(&head);
	return err;
}

static int add_file(struct plan *p, const char *path, int named)
{
	const struct vigil_feed *feed;
	int err, archive = 0;

	if ((err = classify(p, path, named, &feed, &archive)) < 0)
		return err;
	if (feed || archive) {
		plan_add(p, path, feed, archive, named);
	} else {
		p->unrecognised++;
		vigil_log(INFO, "feed", "'%s': not recognised, skipped", path);
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct plan *p, const char *dir, int depth);

/* One directory entry of a walk: regular files (also through a symlink) are
 * candidates; directories are walked unless reached through a symlink. */
static int walk_entry(struct plan *p, const char *path, int depth)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		return 0;
	if (S_ISDIR(sb.st_mode))
		return walk(p, path, depth + 1);
	if (S_ISLNK(sb.st_mode) && (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)))
		return 0;
	if (!S_ISREG(sb.st_mode))
		return 0;
	return add_file(p, path, 0);
}

static int walk(struct plan *p, const char *dir, int depth)
{
	vigil_buf path = VIGIL_BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (depth > VIGIL_MAX_FEED_DIR_DEPTH)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': directories nested deeper than %d",
		                       dir, VIGIL_MAX_FEED_DIR_DEPTH);
	if (!(d = opendir(dir)))
		return vigil_error_set(VIGIL_EIO, "cannot read directory '%s': %s", dir,
		                       strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = vigil_array_grow(names, &cap, n + 1, sizeof(char *));
		names[n++] = vigil_strdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), name_cmp);
	for (i = 0; i < n; i++) {
		vigil_buf_reset(&path);
		if (!err && (err = vigil_buf_printf(&path, "%s/%s", dir, names[i])) == 0)
			err = walk_entry(p, path.ptr, depth);
		vigil_free(names[i]);
	}
	vigil_free(names);
	vigil_buf_release(&path);
	return err;
}

static int plan_build(struct plan *p, const char *const *paths, size_t npaths)
{
	struct stat sb;
	size_t i;
	int err;

	for (i = 0; i < npaths; i++) {
		if (stat(paths[i], &sb) != 0)
			return vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", paths[i],
			                       strerror(errno));
		if (S_ISDIR(sb.st_mode))
			err = walk(p, paths[i], 0);
		else
			err = add_file(p, paths[i], 1);
		if (err < 0)
			return err;
	}
	return 0;
}

/* One transaction: every planned file of `feed`. */
static int import_feed(vigil_db *db, const struct plan *p, const struct vigil_feed *feed,
                       vigil_db_import_stats *stats)
{
	struct vigil_feed_run run;
	size_t i;
	int err;

	if ((err = vigil_feed_run_begin(&run, feed, db->store)) < 0)
		return err;
	db->prog.files_done = db->prog.files_total = 0;
	for (i = 0; i < p->n; i++)
		db->prog.files_total += p->files[i].feed == feed;
	for (i = 0; i < p->n && !err; i++) {
		if (p->files[i].feed != feed)
			continue;
		if ((err = vigil_feed_run_file(&run, p->files[i].path)) == 0)
			progress_step(db, &run, p->files[i].path);
	}
	if (!err)
		err = vigil_feed_run_commit(&run);
	if (!err) {
		stats->files += run.files;
		stats->records += run.records;
		stats->skipped_items += run.skipped;
		stats->feeds++;
		vigil_log(INFO, "feed", "feed '%s': %llu files, %llu records", feed->name,
		          (unsigned long long)run.files, (unsigned long long)run.records);
	}
	vigil_feed_run_release(&run);
	return err;
}

/* The feed runs of a command that imports tarballs: one transaction for all. */
struct shared_runs {
	struct vigil_feed_run *runs; /* one per registered feed */
	int *open;
	const struct vigil_feed *last; /* feed of the last recognised member */
};

static struct vigil_feed_run *shared_run(vigil_db *db, struct shared_runs *sr,
                                         const struct vigil_feed *feed)
{
	size_t i;

	for (i = 0; vigil_feed_get(i) != feed; i++)
		;
	if (!sr->open[i]) {
		vigil_feed_run_init(&sr->runs[i], feed, db->store);
		sr->open[i] = 1;
	}
	return &sr->runs[i];
}

/* Stream tarball `c` once: each regular member is probed like a file of a
 * walk and imported by its feed; unrecognised members are counted. */
static int import_archive(vigil_db *db, struct plan *p, const struct candidate *c,
                          struct shared_runs *sr)
{
	struct vigil_feed_archive *fa = NULL;
	vigil_buf data = VIGIL_BUF_INIT, label = VIGIL_BUF_INIT;
	const struct vigil_feed *feed;
	uint64_t taken = 0;
	char mtime[32];
	const char *name, *base;
	int rc, err;

	if ((err = vigil_feed_archive_open(&fa, c->path)) < 0)
		return err;
	while ((rc = vigil_feed_archive_next(fa, &name, &data, mtime)) == 1) {
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		feed = NULL;
		if (*base != '.' && data.len)
			feed = pick_feed(p, sr->last, name, data.ptr,
			                 data.len < VIGIL_FEED_PROBE_SIZE ? data.len
			                                                  : VIGIL_FEED_PROBE_SIZE,
			                 0);
		if (!feed) {
			p->unrecognised++;
			vigil_log(DEBUG, "feed", "'%s': member '%s' not recognised, skipped",
			          c->path, name);
			continue;
		}
		sr->last = feed;
		vigil_buf_reset(&label);
		if ((err = vigil_buf_printf(&label, "%s:%s", c->path, name)) < 0 ||
		    (err = vigil_feed_archive_spool(fa)
		                   ? vigil_feed_run_spooled(shared_run(db, sr, feed), label.ptr,
		                                            vigil_feed_archive_spool(fa), mtime)
		                   : vigil_feed_run_data(shared_run(db, sr, feed), label.ptr,
		                                         data.ptr, data.len, mtime)) < 0)
			break;
		taken++;
		progress_step(db, shared_run(db, sr, feed), label.ptr);
	}
	if (!err && rc < 0)
		err = rc;
	if (!err && !taken && c->named)
		err = vigil_error_set(VIGIL_EINVALID,
		                      "'%s': no member of the archive is a feed file vigil "
		                      "recognises",
		                      c->path);
	vigil_feed_archive_close(fa);
	vigil_buf_release(&data);
	vigil_buf_release(&label);
	return err;
}

static void shared_stats(struct shared_runs *sr, vigil_db_import_stats *stats)
{
	size_t i;

	for (i = 0; i < vigil_feed_count(); i++) {
		if (!sr->open[i])
			continue;
		stats->files += sr->runs[i].files;
		stats->records += sr->runs[i].records;
		stats->skipped_items += sr->runs[i].skipped;
		stats->feeds++;
		vigil_log(INFO, "feed", "feed '%s': %llu files, %llu records",
		          sr->runs[i].feed->name, (unsigned long long)sr->runs[i].files,
		          (unsigned long long)sr->runs[i].records);
	}
}

/* Every planned file and tarball in one transaction, one run per feed. */
static int import_shared(vigil_db *db, struct plan *p, vigil_db_import_stats *stats)
{
	struct shared_runs sr = { 0 };
	size_t n = vigil_feed_count(), i, f;
	int err;

	sr.runs = vigil_calloc(n, sizeof(*sr.runs));
	sr.open = vigil_calloc(n, sizeof(*sr.open));
	if ((err = vigil_store_begin(db->store)) < 0)
		goto out;
	db->prog.files_done = db->prog.files_total = 0; /* members: not known */
	for (f = 0; f < n && !err; f++)
		for (i = 0; i < p->n && !err; i++)
			if (p->files[i].feed == vigil_feed_get(f) &&
			    (err = vigil_feed_run_file(shared_run(db, &sr, p->files[i].feed),
			                               p->files[i].path)) == 0)
				progress_step(db, shared_run(db, &sr, p->files[i].feed),
				              p->files[i].path);
	for (i = 0; i < p->n && !err; i++)
		if (p->files[i].archive)
			err = import_archive(db, p, &p->files[i], &sr);
	for (f = 0; f < n && !err; f++)
		if (sr.open[f])
			err = vigil_feed_run_finish(&sr.runs[f]);
	if (!err)
		err = vigil_store_commit(db->store);
	if (!err)
		shared_stats(&sr, stats);
out:
	if (db->store->in_txn)
		vigil_store_rollback(db->store);
	for (f = 0; f < n; f++)
		if (sr.open[f])
			vigil_feed_run_release(&sr.runs[f]);
	vigil_free(sr.runs);
	vigil_free(sr.open);
	return err;
}

int vigil_db_import(vigil_db *db, const char *const *paths, size_t npaths,
                    const vigil_db_import_opts *opts, vigil_db_import_stats *stats)
{
	struct plan p = { 0 };
	vigil_db_import_stats ignored;
	size_t f, i;
	int err;

	if (!stats)
		stats = &ignored;
	memset(stats, 0, sizeof(*stats));
	if (opts && opts->feed && !(p.forced = vigil_feed_find(opts->feed)))
		return vigil_error_set(VIGIL_ENOTFOUND, "unknown feed '%s'", opts->feed);
	if ((err = plan_build(&p, paths, npaths)) < 0)
		goto out;
	for (i = 0; i < p.n && !p.files[i].archive; i++)
		;
	if (i < p.n) {
		err = import_shared(db, &p, stats);
		stats->unrecognised = p.unrecognised;
		goto out;
	}
	stats->unrecognised = p.unrecognised;
	for (f = 0; f < vigil_feed_count() && !err; f++) {
		const struct vigil_feed *feed = vigil_feed_get(f);
		for (i = 0; i < p.n && p.files[i].feed != feed; i++)
			;
		if (i < p.n)
			err = import_feed(db, &p, feed, stats);
	}
out:
	plan_release(&p);
	return err;
}

int vigil_db_status_get(vigil_db_status **out, vigil_db *db)
{
	vigil_db_status *st = vigil_calloc(1, sizeof(*st));
	size_t i;
	int err;

	*out = NULL;
	if ((err = vigil_store_status(db->store, &st->st)) < 0) {
		vigil_free(st);
		return err;
	}
	st->feeds = vigil_calloc(st->st.nfeeds + 1, sizeof(*st->feeds));
	for (i = 0; i < st->st.nfeeds; i++) {
		const struct vigil_store_feed_status *f = &st->st.feeds[i];
		st->feeds[i].name = f->name;
		st->feeds[i].source = f->source;
		st->feeds[i].upstream_date = f->upstream_date;
		st->feeds[i].imported_at = f->imported_at;
		st->feeds[i].vulnerabilities = f->vulnerabilities;
		st->feeds[i].records = f->records;
		st->feeds[i].namespaces = (const char *const *)f->namespaces;
		st->feeds[i].namespace_count = f->nnamespaces;
	}
	*out = st;
	return 0;
}

size_t vigil_db_status_count(const vigil_db_status *st)
{
	return st->st.nfeeds;
}

const vigil_db_feed_status *vigil_db_status_feed(const vigil_db_status *st, size_t i)
{
	return i < st->st.nfeeds ? &st->feeds[i] : NULL;
}

void vigil_db_status_free(vigil_db_status *st)
{
	if (!st)
		return;
	vigil_store_status_release(&st->st);
	vigil_free(st->feeds);
	vigil_free(st);
}

int vigil_db_update(vigil_db *db, const vigil_db_update_opts *opts, vigil_db_update_cb cb,
                    void *payload)
{
	return vigil_feed_update(db->store, opts, cb, payload, db->progress, db->progress_payload);
}
