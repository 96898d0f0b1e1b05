/*
 * The notifier: POSTs {"Notification":{"Name":"..."}} to
 * clair.notifier.http.endpoint for every notification not yet delivered (or
 * delivered more than renotifyinterval ago and not deleted), up to
 * `attempts` tries with 1 s, 2 s, 4 s... between them. A 200 or 201 marks it
 * Notified. It wakes when the API changes a vulnerability (prompt delivery)
 * and every clair.notifier.pollinterval (default 1 s) for changes made by
 * other instances; Clair polled every 5 minutes.
 *
 * Of several instances sharing a database, only the holder of the
 * "notifier" lease (lease.c) delivers, so a notification is not sent twice:
 * it renews the lease every round and before each attempt, and stops
 * delivering as soon as another instance holds it (after the holder crashed
 * and its lease expired). Stopping gives the lease up.
 */
#include "server.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

#define NOTIFY_TIMEOUT_MS 5000L
#define NOTIFY_MAX_BACKOFF_S 900
#define NOTIFY_FAILED_PAUSE_S 60 /* a notification that failed every attempt waits this long */
#define NOTIFY_MAX_FAILED 1024
#define NOTIFY_LEASE "notifier"
#define NOTIFY_LEASE_S 30 /* plus two poll intervals; longer than one attempt (5 s) */

static size_t discard(char *d, size_t s, size_t n, void *p)
{
	return s * n;
}

static int post_once(struct server *s, const char *name)
{
	vigil_buf body = VIGIL_BUF_INIT;
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;

	if (!c)
		return -1;
	(void)vigil_buf_puts(&body, "{\"Notification\":{\"Name\":");
	json_str(&body, name);
	(void)vigil_buf_puts(&body, "}}");
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, s->cfg.notifier_endpoint);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.ptr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, NOTIFY_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION_STRING);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	webhook_tls_apply(c, &s->cfg);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	vigil_buf_release(&body);
	return rc == CURLE_OK && (status == 200 || status == 201) ? 0 : -1;
}

/* Sleep up to `ms` unless stopping or kicked. Returns 1 when stopping. */
static int nap(struct server *s, int64_t ms)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->notify_lock);
	while (!s->stopping && !s->notify_kick)
		if (pthread_cond_timedwait(&s->notify_cond, &s->notify_lock, &until) != 0)
			break;
	s->notify_kick = 0;
	stop = s->stopping;
	pthread_mutex_unlock(&s->notify_lock);
	return stop;
}

static int stopping(struct server *s)
{
	int v;

	pthread_mutex_lock(&s->notify_lock);
	v = s->stopping;
	pthread_mutex_unlock(&s->notify_lock);
	return v;
}

/* Failed notifications and when they may be tried again. */
struct failed {
	int64_t id[NOTIFY_MAX_FAILED];
	time_t until[NOTIFY_MAX_FAILED];
	size_t n;
};

static int paused(struct failed *f, int64_t id)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->id[i] == id)
			return time(NULL) < f->until[i];
	return 0;
}

static void pause_it(struct failed *f, int64_t id)
{
	size_t i;

	for (i = 0; i < f->n && f->id[i] != id; i++)
		;
	if (i == f->n) {
		if (f->n == NOTIFY_MAX_FAILED)
			i = 0;
		else
			f->n++;
	}
	f->id[i] = id;
	f->until[i] = time(NULL) + NOTIFY_FAILED_PAUSE_S;
}

/* Take or renew the lease. 1 when this instance is the one delivering. */
static int lease(struct server *s)
{
	return lease_take(s, NOTIFY_LEASE, NOTIFY_LEASE_S + 2 * (s->cfg.notifier_poll_ms / 1000));
}

/* 0 delivered, -1 every attempt failed, 1 another instance took the lease. */
static int deliver(struct server *s, const char *name)
{
	int attempt;
	int64_t backoff = 1000;

	for (attempt = 0; attempt < s->cfg.notifier_attempts; attempt++) {
		if (!lease(s))
			return 1;
		if (post_once(s, name) == 0)
			return 0;
		if (attempt + 1 < s->cfg.notifier_attempts) {
			if (nap(s, backoff) || stopping(s))
				return -1;
			backoff = backoff * 2 > NOTIFY_MAX_BACKOFF_S * 1000
			                  ? NOTIFY_MAX_BACKOFF_S * 1000
			                  : backoff * 2;
		}
	}
	return -1;
}

static void log_name(vigil_log_level level, const char *event, const char *name)
{
	vigil_buf f = VIGIL_BUF_INIT;

	json_str(&f, name);
	server_log(level, event, "\"name\":%s", f.ptr);
	vigil_buf_release(&f);
}

/* The next notification to send, skipping paused ones. 0, or < 0 when none (or failure). */
static int next_due(struct server *s, struct failed *failed, int64_t after,
                    vigil_clair_notification *n)
{
	for (;;) {
		vigil_clair *db = server_db_get(s);
		int err = vigil_clair_notification_next(db, s->cfg.renotify_ms / 1000, after, n);
		server_db_put(s, db);
		if (err < 0 || !paused(failed, n->id))
			return err;
		after = n->id;
		vigil_clair_notification_release(n);
	}
}

/* Deliver every notification due, as long as this instance holds the lease. */
static void send_due(struct server *s, struct failed *failed)
{
	vigil_clair_notification n;
	int64_t after = 0;
	int rc;

	while (!stopping(s) && next_due(s, failed, after, &n) == 0) {
		after = n.id;
		rc = deliver(s, n.name);
		if (rc == 0) {
			vigil_clair *db = server_db_get(s);
			(void)vigil_clair_notification_mark(db, n.name);
			server_db_put(s, db);
			metrics_notification(s->metrics, 1);
			log_name(VIGIL_LOG_INFO, "notification sent", n.name);
		} else if (rc < 0) {
			pause_it(failed, n.id);
			metrics_notification(s->metrics, 0);
			log_name(VIGIL_LOG_WARN, "could not send notification", n.name);
		}
		vigil_clair_notification_release(&n);
		if (rc > 0)
			break; /* another instance delivers now */
	}
}

static void *notifier_main(void *arg)
{
	struct server *s = arg;
	struct failed *failed = vigil_calloc(1, sizeof(*failed));
	int held = 0;

	while (!stopping(s)) {
		if (lease(s)) {
			if (!held)
				server_log(VIGIL_LOG_INFO, "notifier lease taken", NULL);
			held = 1;
			send_due(s, failed);
		} else {
			held = 0;
		}
		if (nap(s, s->cfg.notifier_poll_ms))
			break;
	}
	lease_release(s, NOTIFY_LEASE);
	vigil_free(failed);
	return NULL;
}

int notifier_start(struct server *s)
{
	if (!s->cfg.notifier_endpoint)
		return 0;
	if (pthread_create(&s->notifier, NULL, notifier_main, s) != 0)
		return vigil_error_set(VIGIL_ERROR, "cannot start the notifier thread");
	s->notifier_running = 1;
	return 0;
}

void notifier_stop(struct server *s)
{
	pthread_mutex_lock(&s->notify_lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->notify_cond);
	pthread_mutex_unlock(&s->notify_lock);
	if (s->notifier_running)
		pthread_join(s->notifier, NULL);
	s->notifier_running = 0;
}
