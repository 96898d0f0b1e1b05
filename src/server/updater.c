/*
 * The updater: every clair.updater.interval (Clair's default 1h; 0 turns it
 * off), `vigil db update` of the configured feeds (clair.updater.feeds, every
 * feed by default; clair.updater.mirror reads a directory instead of fetching)
 * on the server's store (include/vigil/db.h: conditional fetches, one
 * transaction per feed, a failed feed keeps its data). The time of the last
 * fully successful run is kept in the store (`updater/last`), so a restart
 * does not update again before it is due. When some feed has new data,
 * snapshots of what the feeds say of the stored features, before its import
 * and after the run (feed_notify.c), make the notifications; a run that
 * fetches nothing new reads no snapshot.
 *
 * Of several instances sharing a store, one runs each update: the one that
 * takes the "updater" lease (lease.c) once the update is due. It holds the
 * lease for UPDATER_LEASE_S (an update taking longer may meet a second
 * one: harmless, imports queue on the store's lock and conditional fetches
 * find nothing new) and gives it up when done; the others find the update
 * done (`updater/last`) when they look again. A crashed updater's lease
 * expires and another instance runs the update.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define UPDATER_LEASE "updater"
#define UPDATER_LEASE_S 1800
#define UPDATER_RETRY_S 60 /* look again after a failed run or another's lease */

struct run {
	struct server *s;
	int changed;                  /* some feed imported new data */
	int looked;                   /* the snapshot below was taken (or failed) */
	struct feed_snapshot *before; /* before the run's first import; NULL: none */
};

static void report(const vigil_db_update_report *r, void *payload)
{
	struct run *run = payload;
	vigil_buf f = VIGIL_BUF_INIT, m = VIGIL_BUF_INIT;

	json_str(&f, r->feed);
	json_str(&m, r->message);
	if (r->outcome == VIGIL_DB_UPDATE_FAILED)
		server_log(VIGIL_LOG_WARN, "feed update failed", "\"feed\":%s,\"error\":%s", f.ptr,
		           m.ptr);
	else if (r->outcome == VIGIL_DB_UPDATE_UPDATED) {
		run->changed = 1;
		server_log(VIGIL_LOG_INFO, "feed updated",
		           "\"feed\":%s,\"changed\":%u,\"records\":%llu", f.ptr, r->changed,
		           (unsigned long long)r->records);
	}
	vigil_buf_release(&f);
	vigil_buf_release(&m);
}

static int64_t last_run(struct server *s)
{
	vigil_buf b = VIGIL_BUF_INIT;
	vigil_clair *db = server_db_get(s);
	int64_t t = 0;

	if (vigil_clair_kv_get(db, "updater/last", &b) == 0)
		t = strtoll(b.ptr, NULL, 10);
	server_db_put(s, db);
	vigil_buf_release(&b);
	return t;
}

static void log_error(const char *event)
{
	vigil_buf m = VIGIL_BUF_INIT;

	json_str(&m, vigil_error_last());
	server_log(VIGIL_LOG_WARN, event, "\"error\":%s", m.ptr);
	vigil_buf_release(&m);
}

/*
 * before_import: a feed has new data to import. Before the run's first
 * import, snapshot what the feeds say of the stored features (feed_notify.c);
 * runs that fetch nothing new (the usual hourly run) read nothing.
 */
static int take_before(const char *feed, void *payload)
{
	struct run *run = payload;
	vigil_clair *c;

	(void)feed;
	if (run->looked)
		return 0;
	run->looked = 1;
	server_log(VIGIL_LOG_INFO, "reading feed findings before the import", NULL);
	c = server_db_get(run->s);
	if (feed_snapshot_take(c, &run->before) < 0) {
		log_error("feed notifications disabled for this update");
		run->before = NULL;
	}
	server_db_put(run->s, c);
	return 0;
}

/* The configured feeds (all when none are named), each updated in turn. */
static int update_feeds(struct server *s, struct run *run)
{
	vigil_db_update_opts opts = VIGIL_DB_UPDATE_OPTS_INIT;
	char **feeds = s->cfg.updater_feeds;
	vigil_db *db = NULL;
	int err, first = 0;
	size_t i;

	opts.mirror = s->cfg.updater_mirror;
	opts.before_import = take_before;
	opts.before_import_payload = run;
	if ((err = vigil_db_open(&db, s->dsn, VIGIL_DB_CREATE)) < 0)
		return err;
	if (!feeds)
		err = vigil_db_update(db, &opts, report, run);
	for (i = 0; feeds && feeds[i]; i++) {
		opts.feed = feeds[i];
		if ((err = vigil_db_update(db, &opts, report, run)) < 0 && first == 0)
			first = err;
	}
	vigil_db_free(db);
	return feeds ? first : err;
}

/* Notifications for what the update changed, from the snapshot taken before it. */
static void notify_changes(struct server *s, struct feed_snapshot *before)
{
	struct feed_snapshot *after = NULL;
	vigil_clair *c = server_db_get(s);
	unsigned made = 0;

	if (feed_snapshot_take(c, &after) < 0 || feed_snapshot_notify(c, before, after, &made) < 0)
		log_error("feed notifications incomplete");
	server_db_put(s, c);
	feed_snapshot_free(after);
	if (made) {
		server_log(VIGIL_LOG_INFO, "notifications created", "\"count\":%u", made);
		server_notify_kick(s);
	}
}

static void run_once(struct server *s)
{
	struct run run = { s, 0, 0, NULL };
	char now[32];
	vigil_clair *c;
	int err;

	server_log(VIGIL_LOG_INFO, "updating feeds", NULL);
	err = update_feeds(s, &run);
	if (run.before && run.changed)
		notify_changes(s, run.before);
	feed_snapshot_free(run.before);
	if (err < 0) {
		log_error("feed update incomplete");
		return;
	}
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	c = server_db_get(s);
	(void)vigil_clair_kv_set(c, "updater/last", now);
	server_db_put(s, c);
	server_log(VIGIL_LOG_INFO, "feeds updated", NULL);
}

/*
 * Run the update if this instance takes the lease and it is still due (the
 * lease's last holder may have just run it). Returns when to look again.
 */
static int64_t run_if_due(struct server *s, int64_t interval)
{
	int64_t retry = interval < UPDATER_RETRY_S ? interval : UPDATER_RETRY_S;

	if (!lease_take(s, UPDATER_LEASE, UPDATER_LEASE_S)) {
		server_log(VIGIL_LOG_INFO, "feed update left to another instance", NULL);
		return time(NULL) + retry;
	}
	if (time(NULL) >= last_run(s) + interval)
		run_once(s);
	lease_release(s, UPDATER_LEASE);
	return last_run(s) + interval > time(NULL) ? last_run(s) + interval : time(NULL) + retry;
}

/* Sleep until `until` (unix s) or the server stops. Returns 1 when stopping. */
static int sleep_until(struct server *s, int64_t until)
{
	struct timespec ts = { (time_t)until, 0 };
	int stop;

	pthread_mutex_lock(&s->notify_lock);
	while (!s->stopping && time(NULL) < until)
		if (pthread_cond_timedwait(&s->notify_cond, &s->notify_lock, &ts) != 0)
			break;
	stop = s->stopping;
	pthread_mutex_unlock(&s->notify_lock);
	return stop;
}

static void *updater_main(void *arg)
{
	struct server *s = arg;
	int64_t interval = s->cfg.updater_interval_ms / 1000;

	if (interval < 1)
		interval = 1;
	while (!server_stopping(s)) {
		int64_t due = last_run(s) + interval;
		if (time(NULL) >= due)
			due = run_if_due(s, interval);
		if (sleep_until(s, due))
			break;
	}
	return NULL;
}

int updater_start(struct server *s)
{
	if (s->cfg.updater_interval_ms <= 0)
		return 0;
	if (pthread_create(&s->updater, NULL, updater_main, s) != 0)
		return vigil_error_set(VIGIL_ERROR, "cannot start the updater thread");
	s->updater_running = 1;
	return 0;
}

void updater_stop(struct server *s)
{
	if (s->updater_running)
		pthread_join(s->updater, NULL);
	s->updater_running = 0;
}
