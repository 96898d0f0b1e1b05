/*
 * Prometheus text exposition at /v1/metrics (Clair's path) and /metrics:
 * request counts and latency histograms by route and status (Clair's
 * clair_api_response_duration_milliseconds), layers analysed, database
 * errors, notifications sent and failed, the age of each feed's data
 * (read from the store at each scrape), the response cache's hits, and how
 * many requests wait for a database handle.
 */
#include "server.h"

#include <string.h>
#include <time.h>

#define NBUCKETS 10 /* 9.375 ms x 2^k, as Clair */
#define MAX_SERIES 256

struct series {
	const char *route; /* static label */
	int status;
	uint64_t count;
	double sum;
	uint64_t buckets[NBUCKETS];
};

struct metrics {
	pthread_mutex_t lock;
	struct series s[MAX_SERIES];
	size_t n;
	uint64_t layers_ok, layers_failed, db_errors, notif_ok, notif_failed;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = vigil_calloc(1, sizeof(*m));

	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	vigil_free(m);
}

static double bucket_le(int k)
{
	return 9.375 * (double)(1 << k);
}

void metrics_request(struct metrics *m, const char *route, int status, double ms)
{
	struct series *s = NULL;
	size_t i;
	int k;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->n; i++)
		if (m->s[i].status == status && strcmp(m->s[i].route, route) == 0)
			s = &m->s[i];
	if (!s && m->n < MAX_SERIES) {
		s = &m->s[m->n++];
		s->route = route;
		s->status = status;
	}
	if (s) {
		s->count++;
		s->sum += ms;
		for (k = 0; k < NBUCKETS; k++)
			if (ms <= bucket_le(k))
				s->buckets[k]++;
	}
	pthread_mutex_unlock(&m->lock);
}

void metrics_layer(struct metrics *m, int ok)
{
	pthread_mutex_lock(&m->lock);
	if (ok)
		m->layers_ok++;
	else
		m->layers_failed++;
	pthread_mutex_unlock(&m->lock);
}

void metrics_db_error(struct metrics *m)
{
	pthread_mutex_lock(&m->lock);
	m->db_errors++;
	pthread_mutex_unlock(&m->lock);
}

void metrics_notification(struct metrics *m, int ok)
{
	pthread_mutex_lock(&m->lock);
	if (ok)
		m->notif_ok++;
	else
		m->notif_failed++;
	pthread_mutex_unlock(&m->lock);
}

void metrics_write(struct metrics *m, vigil_buf *b)
{
	const char *h = "clair_api_response_duration_milliseconds";
	size_t i;
	int k;

	pthread_mutex_lock(&m->lock);
	(void)vigil_buf_printf(b, "# HELP %s Time it takes to respond to an API request.\n", h);
	(void)vigil_buf_printf(b, "# TYPE %s histogram\n", h);
	for (i = 0; i < m->n; i++) {
		const struct series *s = &m->s[i];
		for (k = 0; k < NBUCKETS; k++)
			(void)vigil_buf_printf(
			        b, "%s_bucket{code=\"%d\",route=\"%s\",le=\"%g\"} %llu\n", h,
			        s->status, s->route, bucket_le(k),
			        (unsigned long long)s->buckets[k]);
		(void)vigil_buf_printf(b, "%s_bucket{code=\"%d\",route=\"%s\",le=\"+Inf\"} %llu\n",
		                       h, s->status, s->route, (unsigned long long)s->count);
		(void)vigil_buf_printf(b, "%s_sum{code=\"%d\",route=\"%s\"} %g\n", h, s->status,
		                       s->route, s->sum);
		(void)vigil_buf_printf(b, "%s_count{code=\"%d\",route=\"%s\"} %llu\n", h, s->status,
		                       s->route, (unsigned long long)s->count);
	}
	(void)vigil_buf_printf(
	        b,
	        "# HELP vigil_layers_analysed_total Layers POSTed, by outcome.\n"
	        "# TYPE vigil_layers_analysed_total counter\n"
	        "vigil_layers_analysed_total{result=\"ok\"} %llu\n"
	        "vigil_layers_analysed_total{result=\"error\"} %llu\n"
	        "# HELP vigil_db_errors_total Database errors answered with 500.\n"
	        "# TYPE vigil_db_errors_total counter\n"
	        "vigil_db_errors_total %llu\n"
	        "# HELP clair_notifier_backend_errors_total Webhook deliveries that "
	        "failed.\n"
	        "# TYPE clair_notifier_backend_errors_total counter\n"
	        "clair_notifier_backend_errors_total{backend=\"webhook\"} %llu\n"
	        "# HELP vigil_notifications_sent_total Webhook deliveries that "
	        "succeeded.\n"
	        "# TYPE vigil_notifications_sent_total counter\n"
	        "vigil_notifications_sent_total %llu\n",
	        (unsigned long long)m->layers_ok, (unsigned long long)m->layers_failed,
	        (unsigned long long)m->db_errors, (unsigned long long)m->notif_failed,
	        (unsigned long long)m->notif_ok);
	pthread_mutex_unlock(&m->lock);
}

/* RFC 3339 UTC ("2024-01-02T03:04:05Z") to unix seconds; -1 when unparsable. */
static int64_t rfc3339_seconds(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return -1;
	return (int64_t)timegm(&tm);
}

/* vigil_feed_imported_seconds / vigil_feed_age_seconds per feed, from the store. */
static void feed_ages(struct server *s, vigil_buf *b)
{
	vigil_db_status *st = NULL;
	vigil_db *db = NULL;
	int64_t now = (int64_t)time(NULL);
	size_t i;

	if (vigil_db_open(&db, s->dsn, 0) < 0 || vigil_db_status_get(&st, db) < 0) {
		vigil_db_free(db);
		metrics_db_error(s->metrics);
		return;
	}
	(void)vigil_buf_puts(b, "# HELP vigil_feed_age_seconds Seconds since each feed's data "
	                        "was last imported.\n# TYPE vigil_feed_age_seconds gauge\n");
	for (i = 0; i < vigil_db_status_count(st); i++) {
		const vigil_db_feed_status *f = vigil_db_status_feed(st, i);
		int64_t t = rfc3339_seconds(f->imported_at);
		if (t >= 0)
			(void)vigil_buf_printf(b, "vigil_feed_age_seconds{feed=\"%s\"} %lld\n",
			                       f->name, (long long)(now > t ? now - t : 0));
	}
	(void)vigil_buf_puts(b, "# HELP vigil_feed_records Statements each feed holds.\n"
	                        "# TYPE vigil_feed_records gauge\n");
	for (i = 0; i < vigil_db_status_count(st); i++) {
		const vigil_db_feed_status *f = vigil_db_status_feed(st, i);
		(void)vigil_buf_printf(b, "vigil_feed_records{feed=\"%s\"} %llu\n", f->name,
		                       (unsigned long long)f->records);
	}
	vigil_db_status_free(st);
	vigil_db_free(db);
}

/* The GET answers kept (resp_cache.c): hits, misses, size; and the handle pool's queue. */
static void cache_stats(struct server *s, vigil_buf *b)
{
	struct resp_cache_stats st;

	resp_cache_stats(s->cache, &st);
	(void)vigil_buf_printf(
	        b,
	        "# HELP vigil_response_cache_requests_total GETs of a layer's features, by "
	        "whether a kept answer served them.\n"
	        "# TYPE vigil_response_cache_requests_total counter\n"
	        "vigil_response_cache_requests_total{result=\"hit\"} %llu\n"
	        "vigil_response_cache_requests_total{result=\"miss\"} %llu\n"
	        "# HELP vigil_response_cache_bytes Bytes of answers kept.\n"
	        "# TYPE vigil_response_cache_bytes gauge\n"
	        "vigil_response_cache_bytes %zu\n"
	        "# HELP vigil_db_pool_waiting Requests waiting for a database handle.\n"
	        "# TYPE vigil_db_pool_waiting gauge\n"
	        "vigil_db_pool_waiting %zu\n",
	        (unsigned long long)st.hits, (unsigned long long)st.misses, st.bytes,
	        pool_waiting(s));
}

void api_metrics(struct request *r)
{
	vigil_buf_reset(&r->resp.body);
	metrics_write(r->srv->metrics, &r->resp.body);
	cache_stats(r->srv, &r->resp.body);
	feed_ages(r->srv, &r->resp.body);
	r->resp.status = MHD_HTTP_OK;
	r->resp.content_type = "text/plain; version=0.0.4";
	r->resp.server_header = 0;
	r->resp.gzip_ok = 1;
}
