/*
 * `vigil serve`: configuration (Clair's config.yaml), the two listeners
 * (libmicrohttpd, one thread per connection so a slow layer download never
 * holds up other requests, capped in number), the pool of database handles,
 * structured JSON log lines, and a graceful stop on SIGTERM/SIGINT.
 */
#include "server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>
#include <zlib.h>

/* server: limits of the HTTP side (src/lib/limits.h has the library's). */
#define SERVER_MAX_BODY ((uint64_t)1 << 20)       /* JSON request bodies, as Clair */
#define SERVER_MAX_LAYER_BODY ((uint64_t)1 << 30) /* layer bytes sent in the body */
#define SERVER_MAX_CONNECTIONS 1024
#define SERVER_IDLE_TIMEOUT_S 60 /* a connection silent this long is closed */
/* Database handles: two per CPU, 4 to 32. More handles than the machine runs
 * at once made PostgreSQL backends queue on each other's locks (64 wrk
 * connections on 2 CPUs and 16 handles: single statements took up to 2 s). */
#define SERVER_POOL_MIN 4
#define SERVER_POOL_MAX 32
#define SERVER_STOP_GRACE_S 30

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static vigil_log_level log_level = VIGIL_LOG_INFO;

/* ---- logging ------------------------------------------------------------------ */

static const char *level_name(vigil_log_level l)
{
	static const char *const n[] = { "error", "warning", "info", "debug", "trace" };
	return (unsigned)l < 5 ? n[l] : "info";
}

void server_log(vigil_log_level level, const char *event, const char *fields_fmt, ...)
{
	vigil_buf b = VIGIL_BUF_INIT;
	struct timeval tv;
	struct tm tm;
	char ts[40];
	va_list ap;
	int first = 1;

	if (level > log_level)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	(void)vigil_buf_putc(&b, '{');
	json_key(&b, &first, "Event");
	json_str(&b, event);
	json_key(&b, &first, "Level");
	json_str(&b, level_name(level));
	json_key(&b, &first, "Time");
	(void)vigil_buf_printf(&b, "\"%s.%06ldZ\"", ts, (long)tv.tv_usec);
	if (fields_fmt && *fields_fmt) {
		(void)vigil_buf_putc(&b, ',');
		va_start(ap, fields_fmt);
		(void)vigil_buf_vprintf(&b, fields_fmt, ap);
		va_end(ap);
	}
	(void)vigil_buf_puts(&b, "}\n");
	pthread_mutex_lock(&log_lock);
	fwrite(b.ptr, 1, b.len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&log_lock);
	vigil_buf_release(&b);
}

/* Library lines logged before the listeners are up wait (the first line names the addresses). */
static int listening;
static struct early_line {
	vigil_log_level level;
	char *component, *msg;
} early[64];
static size_t nearly;

static void lib_sink(vigil_log_level level, const char *component, const char *msg, void *payload)
{
	vigil_buf f = VIGIL_BUF_INIT;

	if (!listening) {
		if (nearly < sizeof(early) / sizeof(early[0])) {
			early[nearly].level = level;
			early[nearly].component = vigil_strdup(component);
			early[nearly].msg = vigil_strdup(msg);
			nearly++;
		}
		return;
	}

	(void)vigil_buf_puts(&f, "\"component\":");
	json_str(&f, component);
	server_log(level, msg, "%s", f.ptr);
	vigil_buf_release(&f);
}

/* A log field value: a JSON string of `s`, in a static per-thread buffer list. */
static char *jq(vigil_buf *b, const char *s)
{
	vigil_buf_reset(b);
	json_str(b, s);
	return b->ptr;
}

/* ---- configuration ---------------------------------------------------------- */

static const char *const known_keys[] = {
	"clair",
	"clair.database",
	"clair.database.type",
	"clair.database.options",
	"clair.database.options.source",
	"clair.database.options.cachesize",
	"clair.database.options.poolsize",
	"clair.database.options.managedatabaselifecycle",
	"clair.database.options.fixturepath",
	"clair.api",
	"clair.api.port",
	"clair.api.healthport",
	"clair.api.timeout",
	"clair.api.paginationkey",
	"clair.api.cafile",
	"clair.api.certfile",
	"clair.api.keyfile",
	"clair.api.servername",
	"clair.api.bind",
	"clair.api.allowlocalpath",
	"clair.api.responsecache",
	"clair.updater",
	"clair.updater.interval",
	"clair.updater.feeds",
	"clair.updater.mirror",
	"clair.notifier",
	"clair.notifier.attempts",
	"clair.notifier.renotifyinterval",
	"clair.notifier.pollinterval",
	"clair.notifier.http",
	"clair.notifier.http.endpoint",
	"clair.notifier.http.servername",
	"clair.notifier.http.certfile",
	"clair.notifier.http.keyfile",
	"clair.notifier.http.cafile",
	"clair.notifier.http.proxy",
	NULL,
};

/* Warnings found before the listeners are up: logged after the first line. */
static char *pending_warnings[64];
static size_t npending;

static void warn_later(const char *fmt, ...) VIGIL_PRINTF(1, 2);
static void warn_later(const char *fmt, ...)
{
	vigil_buf b = VIGIL_BUF_INIT;
	va_list ap;

	if (npending == sizeof(pending_warnings) / sizeof(pending_warnings[0]))
		return;
	va_start(ap, fmt);
	(void)vigil_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	pending_warnings[npending++] = vigil_buf_detach(&b, NULL);
}

static int key_known(const char *k)
{
	size_t i;

	for (i = 0; known_keys[i]; i++)
		if (strcmp(known_keys[i], k) == 0)
			return 1;
	return 0;
}

/* Go's time.ParseDuration, to milliseconds (rounded up). */
static int parse_duration(const char *s, int64_t *out)
{
	double total = 0;
	const char *p = s;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (!*p)
		return -1;
	while (*p) {
		char *end;
		double v;
		double unit;
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno)
			return -1;
		p = end;
		if (strncmp(p, "ns", 2) == 0)
			unit = 1e-6, p += 2;
		else if (strncmp(p, "us", 2) == 0)
			unit = 1e-3, p += 2;
		else if (strncmp(p, "\xc2\xb5s", 3) == 0)
			unit = 1e-3, p += 3;
		else if (strncmp(p, "ms", 2) == 0)
			unit = 1, p += 2;
		else if (*p == 's')
			unit = 1000, p++;
		else if (*p == 'm')
			unit = 60000, p++;
		else if (*p == 'h')
			unit = 3600000, p++;
		else
			return -1;
		total += v * unit;
	}
	if (neg)
		return -1;
	*out = (int64_t)total + (total > (double)(int64_t)total ? 1 : 0);
	return 0;
}

static int parse_bool(const char *v)
{
	return strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
	       strcasecmp(v, "on") == 0;
}

static void set_str(char **dst, const char *v)
{
	vigil_free(*dst);
	*dst = *v ? vigil_strdup(v) : NULL;
}

static int set_int(const char *key, const char *v, long lo, long hi, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return vigil_error_set(VIGIL_EUSAGE, "config: %s: '%s' is not a number in %ld..%ld",
		                       key, v, lo, hi);
	*out = n;
	return 0;
}

static int feed_known(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < vigil_db_feed_count(); i++)
		if (strlen(vigil_db_feed_name(i)) == len && strncmp(vigil_db_feed_name(i), p, len) == 0)
			return 1;
	return 0;
}

/* clair.updater.feeds: a YAML list or a comma-separated string of feed names. */
static int add_feeds(struct server_config *c, const char *v)
{
	size_t n = 0;
	const char *p = v;

	while (c->updater_feeds && c->updater_feeds[n])
		n++;
	while (*p) {
		size_t len = strcspn(p, ", ");
		if (len && !feed_known(p, len))
			return vigil_error_set(VIGIL_EUSAGE,
			                       "config: clair.updater.feeds: unknown feed '%.*s'",
			                       (int)len, p);
		if (len) {
			c->updater_feeds =
			        vigil_realloc(c->updater_feeds, (n + 2) * sizeof(*c->updater_feeds));
			c->updater_feeds[n++] = vigil_strndup(p, len);
			c->updater_feeds[n] = NULL;
		}
		p += len;
		p += strspn(p, ", ");
	}
	return 0;
}

static int apply_key(struct server_config *c, const char *k, const char *v)
{
	long n = 0;
	int err = 0;

	if (!key_known(k)) {
		warn_later("config: unknown key '%s' ignored", k);
		return 0;
	}
	if (strcmp(k, "clair.database.type") == 0)
		set_str(&c->db_type, v);
	else if (strcmp(k, "clair.database.options.source") == 0)
		set_str(&c->db_source, v);
	else if (strcmp(k, "clair.database.options.cachesize") == 0)
		err = set_int(k, v, 0, 1L << 30, &c->cachesize);
	else if (strcmp(k, "clair.database.options.poolsize") == 0 &&
	         (err = set_int(k, v, 1, 256, &n)) == 0)
		c->pool_size = (int)n;
	else if (strcmp(k, "clair.api.port") == 0 && (err = set_int(k, v, 0, 65535, &n)) == 0)
		c->port = (int)n;
	else if (strcmp(k, "clair.api.healthport") == 0 && (err = set_int(k, v, 0, 65535, &n)) == 0)
		c->healthport = (int)n;
	else if (strcmp(k, "clair.api.timeout") == 0 && parse_duration(v, &c->timeout_ms) < 0)
		err = vigil_error_set(VIGIL_EUSAGE, "config: %s: bad duration '%s'", k, v);
	else if (strcmp(k, "clair.api.paginationkey") == 0)
		set_str(&c->paginationkey, v);
	else if (strcmp(k, "clair.api.cafile") == 0)
		set_str(&c->cafile, v);
	else if (strcmp(k, "clair.api.certfile") == 0)
		set_str(&c->certfile, v);
	else if (strcmp(k, "clair.api.keyfile") == 0)
		set_str(&c->keyfile, v);
	else if (strcmp(k, "clair.api.bind") == 0)
		set_str(&c->bind, v);
	else if (strcmp(k, "clair.api.allowlocalpath") == 0)
		c->allowlocalpath = parse_bool(v);
	else if (strcmp(k, "clair.api.responsecache") == 0 &&
	         (err = set_int(k, v, 0, 1L << 16, &n)) == 0)
		c->response_cache = (uint64_t)n << 20; /* MiB */
	else if (strcmp(k, "clair.updater.interval") == 0 &&
	         parse_duration(v, &c->updater_interval_ms) < 0)
		err = vigil_error_set(VIGIL_EUSAGE, "config: %s: bad duration '%s'", k, v);
	else if (strcmp(k, "clair.updater.feeds") == 0)
		err = add_feeds(c, v);
	else if (strcmp(k, "clair.updater.mirror") == 0)
		set_str(&c->updater_mirror, v);
	else if (strcmp(k, "clair.notifier.attempts") == 0 &&
	         (err = set_int(k, v, 1, 1000, &n)) == 0)
		c->notifier_attempts = (int)n;
	else if (strcmp(k, "clair.notifier.renotifyinterval") == 0 &&
	         parse_duration(v, &c->renotify_ms) < 0)
		err = vigil_error_set(VIGIL_EUSAGE, "config: %s: bad duration '%s'", k, v);
	else if (strcmp(k, "clair.notifier.pollinterval") == 0 &&
	         parse_duration(v, &c->notifier_poll_ms) < 0)
		err = vigil_error_set(VIGIL_EUSAGE, "config: %s: bad duration '%s'", k, v);
	else if (strcmp(k, "clair.notifier.http.endpoint") == 0)
		set_str(&c->notifier_endpoint, v);
	else if (strcmp(k, "clair.notifier.http.servername") == 0)
		set_str(&c->notifier_servername, v);
	else if (strcmp(k, "clair.notifier.http.cafile") == 0)
		set_str(&c->notifier_cafile, v);
	else if (strcmp(k, "clair.notifier.http.certfile") == 0)
		set_str(&c->notifier_certfile, v);
	else if (strcmp(k, "clair.notifier.http.keyfile") == 0)
		set_str(&c->notifier_keyfile, v);
	else if (strcmp(k, "clair.notifier.http.proxy") == 0)
		set_str(&c->notifier_proxy, v);
	return err;
}

/* Walk the YAML document, calling apply_key() for every scalar at a key path. */
static int load_config(struct server_config *c, const char *file)
{
	FILE *f = fopen(file, "rb");
	yaml_parser_t p;
	yaml_event_t ev;
	char *path[16];
	int is_key[16]; /* per mapping depth: the next scalar is a key */
	int in_seq[16]; /* per mapping depth: inside a list (each scalar is a value) */
	int depth = 0, done = 0, err = 0;
	vigil_buf k = VIGIL_BUF_INIT;

	if (!f)
		return vigil_error_set(VIGIL_EUSAGE, "cannot open config '%s': %s", file,
		                       strerror(errno));
	memset(path, 0, sizeof(path));
	memset(in_seq, 0, sizeof(in_seq));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done && !err) {
		if (!yaml_parser_parse(&p, &ev)) {
			err = vigil_error_set(VIGIL_EUSAGE, "config '%s': line %zu: %s", file,
			                      p.problem_mark.line + 1,
			                      p.problem ? p.problem : "bad YAML");
			break;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
			if (depth == 15) {
				err = vigil_error_set(VIGIL_EUSAGE, "config '%s': too deep", file);
				break;
			}
			depth++;
			is_key[depth] = 1;
			in_seq[depth] = 0;
			break;
		case YAML_MAPPING_END_EVENT:
			vigil_free(path[depth]);
			path[depth] = NULL;
			depth--;
			if (depth > 0)
				is_key[depth] = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
			in_seq[depth]++;
			break;
		case YAML_SEQUENCE_END_EVENT:
			if (in_seq[depth] && --in_seq[depth] == 0)
				is_key[depth] = 1;
			break;
		case YAML_SCALAR_EVENT:
			if (depth == 0)
				break;
			if (is_key[depth]) {
				int i;
				vigil_free(path[depth]);
				path[depth] = vigil_strdup((const char *)ev.data.scalar.value);
				for (i = 0; path[depth][i]; i++)
					path[depth][i] =
					        (char)tolower((unsigned char)path[depth][i]);
				is_key[depth] = 0;
				vigil_buf_reset(&k);
				for (i = 1; i <= depth; i++)
					(void)vigil_buf_printf(&k, "%s%s", i > 1 ? "." : "",
					                       path[i] ? path[i] : "");
				if (!key_known(k.ptr))
					warn_later("config: unknown key '%s' ignored", k.ptr);
			} else {
				int i;
				vigil_buf_reset(&k);
				for (i = 1; i <= depth; i++)
					(void)vigil_buf_printf(&k, "%s%s", i > 1 ? "." : "",
					                       path[i] ? path[i] : "");
				if (key_known(k.ptr))
					err = apply_key(c, k.ptr,
					                (const char *)ev.data.scalar.value);
				is_key[depth] = in_seq[depth] == 0;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	for (depth = 0; depth < 16; depth++)
		vigil_free(path[depth]);
	vigil_buf_release(&k);
	yaml_parser_delete(&p);
	fclose(f);
	return err;
}

static int default_pool_size(void)
{
	long n = 2 * sysconf(_SC_NPROCESSORS_ONLN);

	return n < SERVER_POOL_MIN ? SERVER_POOL_MIN : n > SERVER_POOL_MAX ? SERVER_POOL_MAX : (int)n;
}

static void config_defaults(struct server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->cachesize = 16384;
	c->port = 6060;
	c->healthport = 6061;
	c->timeout_ms = 900000;
	c->updater_interval_ms = 3600000;
	c->notifier_attempts = 5;
	c->renotify_ms = 2 * 3600000;
	c->notifier_poll_ms = 1000;
	c->max_body = SERVER_MAX_BODY;
	c->max_layer_body = SERVER_MAX_LAYER_BODY;
	c->max_file_size = 0;
	c->max_connections = SERVER_MAX_CONNECTIONS;
	c->pool_size = default_pool_size();
	c->response_cache = (uint64_t)64 << 20;
}

static void config_release(struct server_config *c)
{
	vigil_free(c->db_type);
	vigil_free(c->db_source);
	vigil_free(c->bind);
	vigil_free(c->paginationkey);
	vigil_free(c->cafile);
	vigil_free(c->certfile);
	vigil_free(c->keyfile);
	vigil_free(c->notifier_endpoint);
	vigil_free(c->updater_mirror);
	for (size_t i = 0; c->updater_feeds && c->updater_feeds[i]; i++)
		vigil_free(c->updater_feeds[i]);
	vigil_free(c->updater_feeds);
	vigil_free(c->notifier_servername);
	vigil_free(c->notifier_cafile);
	vigil_free(c->notifier_certfile);
	vigil_free(c->notifier_keyfile);
	vigil_free(c->notifier_proxy);
}

vigil_clair *req_db(struct request *r)
{
	if (!r->db)
		r->db = server_db_get(r->srv);
	return r->db;
}

int server_stopping(struct server *s)
{
	return __atomic_load_n(&s->stopping, __ATOMIC_RELAXED);
}

void server_wait_jobs(struct server *s, int64_t ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	pthread_mutex_lock(&s->notify_lock);
	while (s->jobs > 0)
		if (pthread_cond_timedwait(&s->jobs_cond, &s->notify_lock, &until) != 0)
			break;
	pthread_mutex_unlock(&s->notify_lock);
}

void server_notify_kick(struct server *s)
{
	pthread_mutex_lock(&s->notify_lock);
	s->notify_kick = 1;
	pthread_cond_broadcast(&s->notify_cond); /* the updater waits on it too */
	pthread_mutex_unlock(&s->notify_lock);
}

/* ---- HTTP ------------------------------------------------------------------- */

struct conn_state {
	vigil_buf body;
	int too_big;
	int layer_bytes; /* the body is layer bytes (extension), not JSON */
	struct timespec t0;
};

static int is_layer_content_type(const char *ct)
{
	static const char *const types[] = {
		"application/octet-stream",
		"application/x-tar",
		"application/gzip",
		"application/x-gzip",
		"application/zstd",
		"application/x-xz",
		"application/vnd.oci.image.layer.",
		"application/vnd.docker.image.rootfs.diff.tar",
		NULL,
	};
	size_t i;

	if (!ct)
		return 0;
	for (i = 0; types[i]; i++)
		if (strncasecmp(ct, types[i], strlen(types[i])) == 0)
			return 1;
	return 0;
}

int req_accepts_gzip(struct request *r)
{
	const char *ae =
	        MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");

	return ae && strstr(ae, "gzip") != NULL;
}

/* zlib's fastest level: 0.2 ms for a 48 KB layer answer against 0.5 ms at its
 * default, for 13% more bytes (6.0 KB against 5.3 KB). */
int resp_gzip(const vigil_buf *in, vigil_buf *out)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8,
	                 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	if (vigil_buf_grow(out, deflateBound(&z, in->len) + 32) < 0) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)in->ptr;
	z.avail_in = (uInt)in->len;
	z.next_out = (Bytef *)out->ptr;
	z.avail_out = (uInt)(out->cap - 1);
	rc = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	out->ptr[out->len] = '\0';
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

static enum MHD_Result send_response(struct request *r)
{
	struct MHD_Response *resp;
	vigil_buf gz = VIGIL_BUF_INIT;
	vigil_buf *body = &r->resp.body;
	enum MHD_Result ret;
	int gzipped = r->resp.gzipped; /* a kept compressed answer */

	if (!gzipped && r->resp.gzip_ok && body->len && req_accepts_gzip(r) &&
	    resp_gzip(body, &gz) == 0) {
		body = &gz;
		gzipped = 1;
	}
	if (!body->cap) {
		resp = MHD_create_response_from_buffer(body->len, body->ptr, MHD_RESPMEM_MUST_COPY);
	} else { /* handed over, not copied: a GET answer is tens of KB */
		size_t len;
		char *p = vigil_buf_detach(body, &len);
		resp = MHD_create_response_from_buffer_with_free_callback(len, p, vigil_free);
	}
	if (gzipped)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (r->resp.content_type)
		MHD_add_response_header(resp, "Content-Type", r->resp.content_type);
	if (r->resp.content_type && strncmp(r->resp.content_type, "text/plain", 10) == 0 &&
	    !r->resp.server_header)
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->resp.server_header)
		MHD_add_response_header(resp, "Server", "clair");
	if (r->resp.location)
		MHD_add_response_header(resp, "Location", r->resp.location);
	ret = MHD_queue_response(r->conn, (unsigned)r->resp.status, resp);
	MHD_destroy_response(resp);
	vigil_buf_release(&gz);
	return ret;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* 403 for a request whose connection has no client certificate that verifies (logged). */
static enum MHD_Result refuse_client(struct server *s, struct MHD_Connection *conn)
{
	struct request r;
	enum MHD_Result ret;

	memset(&r, 0, sizeof(r));
	r.srv = s;
	r.conn = conn;
	r.resp.body = (vigil_buf)VIGIL_BUF_INIT;
	resp_forbidden(&r, "a client certificate signed by the configured CA is required");
	ret = send_response(&r);
	vigil_buf_release(&r.resp.body);
	return ret;
}

static enum MHD_Result handle(struct server *s, int health, struct MHD_Connection *conn,
                              const char *url, const char *method, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
	struct conn_state *cs = *con_cls;
	struct request r;
	enum MHD_Result ret;
	vigil_buf f1 = VIGIL_BUF_INIT;

	if (!cs && !health && s->cfg.cafile && tls_client_verified(conn) < 0)
		return refuse_client(s, conn);
	if (!cs) {
		cs = vigil_calloc(1, sizeof(*cs));
		clock_gettime(CLOCK_MONOTONIC, &cs->t0);
		cs->layer_bytes = !health && strcmp(method, "POST") == 0 &&
		                  is_layer_content_type(MHD_lookup_connection_value(
		                          conn, MHD_HEADER_KIND, "Content-Type"));
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size) {
		uint64_t max = cs->layer_bytes ? s->cfg.max_layer_body : s->cfg.max_body;
		if (!cs->too_big && cs->body.len + *upload_data_size <= max)
			(void)vigil_buf_add(&cs->body, upload_data, *upload_data_size);
		else
			cs->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	memset(&r, 0, sizeof(r));
	r.srv = s;
	r.conn = conn;
	r.method = method;
	r.body = cs->body.ptr;
	r.body_len = cs->body.len;
	r.body_too_big = cs->too_big;
	r.body_buf = &cs->body;
	r.content_type = cs->layer_bytes ? "layer" : NULL;
	r.resp.body = (vigil_buf)VIGIL_BUF_INIT;
	r.resp.status = 500;
	if (health)
		routes_dispatch_health(&r, url);
	else
		routes_dispatch(&r, url);
	server_db_put(s, r.db);
	ret = send_response(&r);
	{
		double ms = ms_since(&cs->t0);
		metrics_request(s->metrics, r.route, r.resp.status, ms);
		server_log(VIGIL_LOG_DEBUG, "request",
		           "\"method\":%s,\"path\":%s,\"status\":%d,\"ms\":%.3f", jq(&f1, method),
		           health ? "\"/health\"" : "\"\"", r.resp.status, ms);
	}
	vigil_buf_release(&f1);
	vigil_buf_release(&r.resp.body);
	vigil_free((char *)r.resp.location);
	return ret;
}

static enum MHD_Result on_api(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
	return handle(cls, 0, conn, url, method, upload_data, upload_data_size, con_cls);
}

static enum MHD_Result on_health(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
	return handle(cls, 1, conn, url, method, upload_data, upload_data_size, con_cls);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	if (!cs)
		return;
	vigil_buf_release(&cs->body);
	vigil_free(cs);
	*con_cls = NULL;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	vigil_buf b = VIGIL_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	b.max = 1 << 20;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (vigil_buf_add(&b, chunk, n) < 0)
			break;
	fclose(f);
	return vigil_buf_detach(&b, NULL);
}

struct listener {
	struct MHD_Daemon *d;
	char *cert, *key, *trust; /* PEM texts, alive as long as the daemon */
	struct MHD_OptionItem opts[12];
};

/* Read the API listener's certificate, key and (with a cafile) trusted CAs. */
static int load_tls(struct server *s, struct listener *l)
{
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return vigil_error_set(VIGIL_EUNSUPPORTED,
		                       "TLS: this libmicrohttpd has no TLS support");
	l->cert = read_file(s->cfg.certfile);
	l->key = read_file(s->cfg.keyfile);
	if (!l->cert || !l->key)
		return vigil_error_set(VIGIL_EIO, "TLS: cannot read '%s' or '%s'", s->cfg.certfile,
		                       s->cfg.keyfile);
	if (s->cfg.cafile)
		return tls_trust_load(&l->trust, s->cfg.cafile);
	return 0;
}

static void add_opt(struct listener *l, size_t *n, enum MHD_OPTION o, intptr_t v, void *p)
{
	if (*n + 1 >= sizeof(l->opts) / sizeof(l->opts[0]))
		abort(); /* programmer error: make opts[] bigger */
	l->opts[*n].option = o;
	l->opts[*n].value = v;
	l->opts[*n].ptr_value = p;
	++*n;
	l->opts[*n].option = MHD_OPTION_END;
}

/* Fill l->opts: limits, the address `sa` (NULL: any), and TLS when loaded. */
static void daemon_options(struct server *s, struct listener *l, struct sockaddr *sa)
{
	size_t n = 0;

	add_opt(l, &n, MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s);
	add_opt(l, &n, MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_connections, NULL);
	add_opt(l, &n, MHD_OPTION_CONNECTION_TIMEOUT, SERVER_IDLE_TIMEOUT_S, NULL);
	add_opt(l, &n, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL);
	if (sa)
		add_opt(l, &n, MHD_OPTION_SOCK_ADDR, 0, sa);
	if (l->cert) {
		add_opt(l, &n, MHD_OPTION_HTTPS_MEM_CERT, 0, l->cert);
		add_opt(l, &n, MHD_OPTION_HTTPS_MEM_KEY, 0, l->key);
	}
	if (l->trust) {
		/* Clair's client-certificate config also set MinVersion TLS 1.2 */
		add_opt(l, &n, MHD_OPTION_HTTPS_PRIORITIES, 0,
		        (void *)"NORMAL:-VERS-TLS1.0:-VERS-TLS1.1");
		add_opt(l, &n, MHD_OPTION_HTTPS_MEM_TRUST, 0, l->trust);
		add_opt(l, &n, MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)tls_on_connection, s);
	}
}

static int start_daemon(struct server *s, struct listener *out, int port, int health,
                        char *addr_out, size_t addr_len)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa = NULL;
	unsigned flags =
	        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	const union MHD_DaemonInfo *info;
	const char *bind = s->cfg.bind;
	MHD_AccessHandlerCallback cb = health ? on_health : on_api;
	int err;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (bind && *bind) {
		if (inet_pton(AF_INET, bind, &sin.sin_addr) == 1) {
			sin.sin_family = AF_INET;
			sin.sin_port = htons((uint16_t)port);
			sa = (struct sockaddr *)&sin;
		} else if (inet_pton(AF_INET6, bind, &sin6.sin6_addr) == 1) {
			sin6.sin6_family = AF_INET6;
			sin6.sin6_port = htons((uint16_t)port);
			sa = (struct sockaddr *)&sin6;
			flags |= MHD_USE_IPv6;
		} else {
			return vigil_error_set(VIGIL_EUSAGE,
			                       "config: clair.api.bind: '%s' is not an IP address",
			                       bind);
		}
	} else {
		flags |= MHD_USE_DUAL_STACK;
	}
	if (!health && s->cfg.certfile && s->cfg.keyfile) {
		if ((err = load_tls(s, out)) < 0)
			return err;
		flags |= MHD_USE_TLS;
	}
	daemon_options(s, out, sa);
	out->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, cb, s, MHD_OPTION_ARRAY,
	                          out->opts, MHD_OPTION_END);
	if (!out->d && !sa && !bind) {
		flags &= ~(unsigned)MHD_USE_DUAL_STACK; /* no IPv6 here: IPv4 only */
		out->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, cb, s,
		                          MHD_OPTION_ARRAY, out->opts, MHD_OPTION_END);
	}
	if (!out->d)
		return vigil_error_set(VIGIL_EIO, "cannot listen on %s port %d: %s",
		                       bind && *bind ? bind : "all interfaces", port,
		                       errno ? strerror(errno) : "libmicrohttpd refused");
	info = MHD_get_daemon_info(out->d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(addr_out, addr_len, "%s%s%s:%u", sa == (struct sockaddr *)&sin6 ? "[" : "",
	         bind && *bind ? bind : (flags & MHD_USE_DUAL_STACK ? "[::]" : "0.0.0.0"),
	         sa == (struct sockaddr *)&sin6 ? "]" : "",
	         info ? (unsigned)info->port : (unsigned)port);
	return 0;
}

static void stop_daemon(struct listener *l)
{
	if (l->d)
		MHD_stop_daemon(l->d);
	vigil_free(l->cert);
	vigil_free(l->key);
	vigil_free(l->trust);
	memset(l, 0, sizeof(*l));
}

/* Wait until no request is in progress (or the grace period ends). */
static void drain(struct listener *l)
{
	int i;

	if (!l->d)
		return;
	MHD_quiesce_daemon(l->d);
	for (i = 0; i < SERVER_STOP_GRACE_S * 10; i++) {
		const union MHD_DaemonInfo *info =
		        MHD_get_daemon_info(l->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0)
			break;
		usleep(100000);
	}
}

static int setup_token_key(struct server *s)
{
	vigil_buf stored = VIGIL_BUF_INIT, fresh = VIGIL_BUF_INIT;
	unsigned char key[32];
	vigil_clair *db;
	int err;

	if (s->cfg.paginationkey) {
		if (token_key_decode(s->token_key, s->cfg.paginationkey) < 0)
			return vigil_error_set(
			        VIGIL_EUSAGE,
			        "Invalid Pagination key; must be 32-bit URL-safe base64");
		return 0;
	}
	/* No key configured: one random key kept in the database, so tokens survive
	 * restarts and work across instances sharing it. */
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return vigil_error_set(VIGIL_EIO, "cannot get random bytes");
	token_key_encode(key, &fresh);
	db = server_db_get(s);
	err = vigil_clair_kv_init(db, "paginationkey", fresh.ptr, &stored);
	server_db_put(s, db);
	if (err == 0 && token_key_decode(s->token_key, stored.ptr) < 0)
		err = vigil_error_set(VIGIL_EDB, "the stored pagination key is corrupt");
	vigil_buf_release(&stored);
	vigil_buf_release(&fresh);
	return err;
}

static int parse_args(int argc, char **argv, const char **config, vigil_log_level *level)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		if (strncmp(a, "--", 2) == 0)
			a++;
		if (strncmp(a, "-config=", 8) == 0) {
			*config = a + 8;
		} else if (strcmp(a, "-config") == 0) {
			if (++i >= argc)
				return vigil_error_set(VIGIL_EUSAGE, "--config needs a file");
			*config = argv[i];
		} else if (strncmp(a, "-log-level", 10) == 0) {
			v = a[10] == '=' ? a + 11 : (++i < argc ? argv[i] : "");
			if (strcmp(v, "debug") == 0)
				*level = VIGIL_LOG_DEBUG;
			else if (strcmp(v, "info") == 0)
				*level = VIGIL_LOG_INFO;
			else if (strncmp(v, "warn", 4) == 0)
				*level = VIGIL_LOG_WARN;
			else if (strcmp(v, "error") == 0 || strcmp(v, "fatal") == 0)
				*level = VIGIL_LOG_ERROR;
			else
				return vigil_error_set(VIGIL_EUSAGE, "unknown log level '%s'", v);
		} else if (strcmp(a, "-insecure-tls") == 0) {
			warn_later("-insecure-tls is not supported: layer downloads verify TLS");
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "-help") == 0) {
			printf("usage: vigil serve [--config FILE] [--log-level LEVEL]\n"
			       "  Serve the Clair v1 API (docs/serve.md). Without a config: the "
			       "default\n"
			       "  SQLite store, API on port 6060, health on 6061.\n");
			return 1;
		} else {
			return vigil_error_set(VIGIL_EUSAGE, "serve: unknown option '%s'", argv[i]);
		}
	}
	return 0;
}

static int db_is_postgres(const char *dsn)
{
	return dsn && (strncmp(dsn, "postgres://", 11) == 0 ||
	               strncmp(dsn, "postgresql://", 13) == 0 || strchr(dsn, '=') != NULL);
}

static void flush_early(void)
{
	size_t i;

	for (i = 0; i < nearly; i++) {
		if (listening)
			lib_sink(early[i].level, early[i].component, early[i].msg, NULL);
		vigil_free(early[i].component);
		vigil_free(early[i].msg);
	}
	nearly = 0;
}

static int run(struct server *s, const char *db_override)
{
	struct listener api = { 0 }, health = { 0 };
	char api_addr[128], health_addr[128];
	const char *dsn = s->cfg.db_source;
	vigil_buf f1 = VIGIL_BUF_INIT, f2 = VIGIL_BUF_INIT, f3 = VIGIL_BUF_INIT;
	sigset_t set;
	size_t i;
	int err, sig;

	if (db_override)
		dsn = db_override;
	else if (s->cfg.db_type && strcmp(s->cfg.db_type, "pgsql") == 0 && !dsn)
		return vigil_error_set(VIGIL_EUSAGE,
		                       "pgsql: no database connection string specified");
	if (db_is_postgres(dsn) && !db_override && s->cfg.db_type &&
	    strcmp(s->cfg.db_type, "sqlite") == 0)
		return vigil_error_set(VIGIL_EUSAGE,
		                       "config: database.type sqlite needs a file path as source");
	if (s->cfg.cafile && !(s->cfg.certfile && s->cfg.keyfile))
		return vigil_error_set(VIGIL_EUSAGE,
		                       "config: clair.api.cafile needs clair.api.certfile and "
		                       "keyfile (client certificates are checked over HTTPS only)");
	if ((err = webhook_tls_check(&s->cfg)) < 0)
		return err;
	if (webhook_tls_servername_ignored(&s->cfg))
		warn_later("config: clair.notifier.http.servername '%s' is not supported: the "
		           "webhook's certificate is checked against the endpoint's host",
		           s->cfg.notifier_servername);
	if ((err = pool_open(s, dsn)) < 0)
		return err;
	if ((err = setup_token_key(s)) < 0)
		return err;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((err = start_daemon(s, &api, s->cfg.port, 0, api_addr, sizeof(api_addr))) < 0)
		goto out;
	if ((err = start_daemon(s, &health, s->cfg.healthport, 1, health_addr,
	                        sizeof(health_addr))) < 0)
		goto out;
	server_log(VIGIL_LOG_INFO, "listening", "\"api\":%s,\"health\":%s,\"database\":%s",
	           jq(&f1, api_addr), jq(&f2, health_addr), jq(&f3, dsn ? dsn : "(default)"));
	listening = 1;
	if (s->cfg.cafile)
		server_log(VIGIL_LOG_INFO,
		           "main API configured with client certificate authentication",
		           "\"cafile\":%s", jq(&f1, s->cfg.cafile));
	flush_early();
	for (i = 0; i < npending; i++) {
		server_log(VIGIL_LOG_WARN, pending_warnings[i], NULL);
		vigil_free(pending_warnings[i]);
	}
	npending = 0;
	s->dsn = dsn;
	lease_owner_init(s);
	if ((err = notifier_start(s)) < 0 || (err = updater_start(s)) < 0)
		goto out;
	sigdelset(&set, SIGPIPE);
	sigwait(&set, &sig);
	server_log(VIGIL_LOG_INFO, "stopping", "\"signal\":%d", sig);
out:
	notifier_stop(s); /* sets `stopping`: downloads give up */
	updater_stop(s);
	drain(&api);
	drain(&health);
	stop_daemon(&api);
	stop_daemon(&health);
	server_wait_jobs(s, SERVER_STOP_GRACE_S * 1000);
	vigil_buf_release(&f1);
	vigil_buf_release(&f2);
	vigil_buf_release(&f3);
	return err;
}

int server_main(int argc, char **argv, const char *db_override)
{
	struct server s;
	const char *config = NULL;
	vigil_log_level level = VIGIL_LOG_INFO;
	size_t i;
	int err;

	memset(&s, 0, sizeof(s));
	config_defaults(&s.cfg);
	if ((err = parse_args(argc, argv, &config, &level)) != 0)
		goto out;
	log_level = level;
	vigil_log_set_sink(lib_sink, NULL);
	vigil_log_set_level(level);
	if (config && (err = load_config(&s.cfg, config)) < 0)
		goto out;
	pthread_mutex_init(&s.pool_lock, NULL);
	pthread_mutex_init(&s.notify_lock, NULL);
	pthread_cond_init(&s.notify_cond, NULL);
	pthread_cond_init(&s.jobs_cond, NULL);
	s.metrics = metrics_new();
	s.cache = resp_cache_new((size_t)s.cfg.response_cache);
	err = run(&s, db_override);
	pool_close(&s);
	resp_cache_free(s.cache);
	metrics_free(s.metrics);
	pthread_mutex_destroy(&s.pool_lock);
	pthread_mutex_destroy(&s.notify_lock);
	pthread_cond_destroy(&s.notify_cond);
	pthread_cond_destroy(&s.jobs_cond);
out:
	for (i = 0; i < npending; i++)
		vigil_free(pending_warnings[i]);
	npending = 0;
	flush_early();
	config_release(&s.cfg);
	return err;
}
