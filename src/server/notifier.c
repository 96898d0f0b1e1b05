/*
 * The notifier: POSTs {"Notification":{"Name":"..."}} to
 * clair.notifier.http.endpoint for every notification not yet delivered (or
 * delivered more than renotifyinterval ago and not deleted), up to
 * `attempts` tries with 1 s, 2 s, 4 s... between them. A 200 or 201 marks it
 * Notified. It wakes when the API changes a vulnerability (prompt delivery)
 * and every clair.notifier.pollinterval (default 1 s) for changes made by
 * other instances; Clair polled every 5 minutes.
 */
#include "server.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

#define NOTIFY_TIMEOUT_MS 5000L
#define NOTIFY_MAX_BACKOFF_S 900
#define NOTIFY_FAILED_PAUSE_S 60 /* a notification that failed every attempt waits this long */
#define NOTIFY_MAX_FAILED 1024

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

static int deliver(struct server *s, const char *name)
{
	int attempt;
	int64_t backoff = 1000;

	for (attempt = 0; attempt < s->cfg.notifier_attempts; attempt++) {
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

static void *notifier_main(void *arg)
{
	struct server *s = arg;
	struct failed *failed = vigil_calloc(1, sizeof(*failed));
	vigil_buf f = VIGIL_BUF_INIT;

	while (!stopping(s)) {
		int64_t after = 0;
		for (;;) {
			vigil_clair_notification n;
			vigil_clair *db = server_db_get(s);
			int err = vigil_clair_notification_next(db, s->cfg.renotify_ms / 1000,
			                                        after, &n);
			if (err == 0 && paused(failed, n.id)) {
				after = n.id;
				server_db_put(s, db);
				vigil_clair_notification_release(&n);
				continue;
			}
			server_db_put(s, db);
			if (err < 0)
				break;
			after = n.id;
			if (deliver(s, n.name) == 0) {
				db = server_db_get(s);
				err = vigil_clair_notification_mark(db, n.name);
				server_db_put(s, db);
				metrics_notification(s->metrics, 1);
				vigil_buf_reset(&f);
				json_str(&f, n.name);
				server_log(VIGIL_LOG_INFO, "notification sent", "\"name\":%s",
				           f.ptr);
			} else {
				pause_it(failed, n.id);
				metrics_notification(s->metrics, 0);
				vigil_buf_reset(&f);
				json_str(&f, n.name);
				server_log(VIGIL_LOG_WARN, "could not send notification",
				           "\"name\":%s", f.ptr);
			}
			vigil_clair_notification_release(&n);
			if (stopping(s))
				break;
		}
		if (nap(s, s->cfg.notifier_poll_ms))
			break;
	}
	vigil_buf_release(&f);
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
