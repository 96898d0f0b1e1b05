/*
 * Prometheus text exposition at /v1/metrics (Clair's path) and /metrics:
 * request counts and latency histograms by route and status (Clair's
 * clair_api_response_duration_milliseconds), layers analysed, database
 * errors, notifications sent and failed.
 */
#include "server.h"

#include <string.h>

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

void api_metrics(struct request *r)
{
	vigil_buf_reset(&r->resp.body);
	metrics_write(r->srv->metrics, &r->resp.body);
	r->resp.status = MHD_HTTP_OK;
	r->resp.content_type = "text/plain; version=0.0.4";
	r->resp.server_header = 0;
	r->resp.gzip_ok = 1;
}
