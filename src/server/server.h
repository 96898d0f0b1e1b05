/*
 * `vigil serve`: a Clair v1 API server (docs/internals/server.md).
 *
 * server.c     config, listeners, signals, logging
 * routes.c     the route table and Clair's routing rules (404/405 texts)
 * api_*.c      the handlers, one file per resource
 * json.c       request parsing (Go's error texts) and response writing
 * fetch.c      a layer's bytes: http(s) URL, local path, or the request body
 * token.c      pagination tokens (signed, 1 h, keyed by paginationkey)
 * match_glue.c which vulnerabilities affect a feature (API and feed data)
 * tls.c        client certificates on the API port (clair.api.cafile)
 * lease.c      which instance runs the updater and the notifier
 * feed_notify.c notifications for what feed updates change
 * features.c   a feature list owning its strings
 * pool.c       the database handles, lent in first-come order
 * resp_cache.c computed layer answers, kept while the data generation holds
 * health.c metrics.c notifier.c updater.c webhook_tls.c
 *
 * The server uses only include/vigil/ and src/util/.
 */
#ifndef VIGIL_SERVER_H
#define VIGIL_SERVER_H

#include "vigil/vigil.h"
#include "vigil/clair.h"

#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

/* Settings from config.yaml (Clair's keys and defaults) and the command line. */
struct server_config {
	char *db_type;   /* "sqlite" or "pgsql" */
	char *db_source; /* SQLite path or PostgreSQL DSN; NULL = the default path */
	long cachesize;
	char *bind; /* listen address; NULL = all interfaces */
	int port, healthport;
	int64_t timeout_ms;
	char *paginationkey;
	char *cafile, *certfile, *keyfile;
	int allowlocalpath;
	int64_t updater_interval_ms;
	char **updater_feeds; /* vigil: the feeds to update (NULL-terminated); NULL = all */
	char *updater_mirror; /* vigil: read the sources from this directory */
	int notifier_attempts;
	int64_t renotify_ms;
	int64_t notifier_poll_ms; /* vigil: how often the notifier looks for work */
	char *notifier_endpoint;
	/* the webhook client (webhook_tls.c) */
	char *notifier_servername, *notifier_cafile, *notifier_certfile, *notifier_keyfile;
	char *notifier_proxy;
	uint64_t max_body;       /* JSON request bodies (Clair: 1 MiB) */
	uint64_t max_layer_body; /* layer bytes in the request body */
	uint64_t max_file_size;  /* one kept file of a layer */
	int max_connections;
	int pool_size;           /* database handles */
	uint64_t response_cache; /* vigil: bytes of GET answers kept (resp_cache.c); 0 = none */
};

struct metrics;

struct server {
	struct server_config cfg;
	struct MHD_Daemon *api, *health;
	/* database handles, borrowed per request */
	pthread_mutex_t pool_lock;
	vigil_clair **pool;
	size_t pool_free;
	struct pool_waiter *pool_waiters; /* first in line (server.c) */
	unsigned char token_key[32];
	struct metrics *metrics;
	struct resp_cache *cache; /* NULL: answers are not kept */
	const char *dsn;    /* the store (NULL: the default path) */
	char instance[128]; /* this instance's name as a lease owner (lease.c) */
	pthread_t updater;
	int updater_running;
	/* notifier */
	pthread_t notifier;
	int notifier_running;
	pthread_mutex_t notify_lock;
	pthread_cond_t notify_cond;
	int notify_kick;
	int stopping;
	/* layer jobs still running after their request timed out */
	int jobs;
	pthread_cond_t jobs_cond;
};

/* A response being built by a handler. */
struct response {
	int status;
	vigil_buf body;
	const char *content_type; /* NULL: none */
	int server_header;        /* send "Server: clair" */
	int gzip_ok;              /* compress if the client accepts gzip */
	int gzipped;              /* the body is gzip already (sent as Content-Encoding: gzip) */
	const char *location;
};

/* One request, as handlers see it. */
struct request {
	struct server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;      /* decoded, "/v1" removed */
	const char *params[3]; /* path parameters in route order */
	const char *body;
	size_t body_len;
	int body_too_big;
	vigil_buf *body_buf; /* the connection's body buffer (a job may take it over) */
	const char *content_type;
	const char *route; /* metrics label */
	struct response resp;
	vigil_clair *db; /* borrowed from the pool for the request; NULL until db_get() */
};

typedef void (*handler_fn)(struct request *r);

/* pool.c */
/** Open cfg.pool_size handles on `dsn`. 0, or the first error (pool_close() cleans up). */
int pool_open(struct server *s, const char *dsn);
/** Close the handles (all must have been given back). */
void pool_close(struct server *s);
/** A handle, waiting for one in first-come order when all are lent. */
vigil_clair *server_db_get(struct server *s);
void server_db_put(struct server *s, vigil_clair *c);
/** How many are waiting for a handle now. */
size_t pool_waiting(struct server *s);

/* server.c */
/** The request's handle (borrowed lazily). */
vigil_clair *req_db(struct request *r);
void server_log(vigil_log_level level, const char *event, const char *fields_fmt, ...)
        VIGIL_PRINTF(3, 4);
/** 1 once SIGTERM arrived: long work (downloads) gives up. */
int server_stopping(struct server *s);
/** Wait (up to `ms`) until no layer job runs. */
void server_wait_jobs(struct server *s, int64_t ms);
/** Wake the notifier: a vulnerability changed. */
void server_notify_kick(struct server *s);
int server_main(int argc, char **argv, const char *db_override);

/* lease.c */
/** Name this instance (s->instance) for the leases it takes. */
void lease_owner_init(struct server *s);
/**
 * Take or renew lease `name` for `ttl_s` seconds: 1 when this instance holds
 * it, 0 when another does (or the database failed: logged).
 */
int lease_take(struct server *s, const char *name, int64_t ttl_s);
/** Give lease `name` up if held, so another instance may take it at once. */
void lease_release(struct server *s, const char *name);

/* resp_cache.c */
struct resp_cache;
struct resp_cache_stats {
	uint64_t hits, misses;
	size_t entries, bytes;
};
/** A cache of at most `max_bytes`; NULL (every call a no-op or a miss) when 0. */
struct resp_cache *resp_cache_new(size_t max_bytes);
void resp_cache_free(struct resp_cache *c);
/**
 * The body kept under `key` at data generation `gen` into `out` (replacing
 * its content): 1, or 0 when there is none (a miss). A newer `gen` than any
 * seen before drops every entry.
 */
int resp_cache_get(struct resp_cache *c, const char *key, int64_t gen, vigil_buf *out);
/** Keep `body` under `key` at generation `gen` (copied; ignored when `gen` is old). */
void resp_cache_put(struct resp_cache *c, const char *key, int64_t gen, const char *body,
                    size_t len);
/** Count a request a kept answer served (hit) or not (miss), for the metrics. */
void resp_cache_count(struct resp_cache *c, int hit);
void resp_cache_stats(struct resp_cache *c, struct resp_cache_stats *out);

/* routes.c */
/** Dispatch a main-port request; fills r->resp. */
void routes_dispatch(struct request *r, const char *url);
/** Dispatch a health-port request. */
void routes_dispatch_health(struct request *r, const char *url);

/* json.c */
/** Append `s` as a JSON string (Go's escaping). */
void json_str(vigil_buf *b, const char *s);
/** Append ,"key": (with the comma when `*first` is 0); `key` is a member name, not escaped. */
void json_key(vigil_buf *b, int *first, const char *key);
/** Append ,"key":"value" unless value is NULL or "". */
void json_kv_opt(vigil_buf *b, int *first, const char *key, const char *value);
/**
 * Parse the request body as Go's json.Decoder would: 0 and *out, or
 * VIGIL_EINVALID with Go's message ("EOF", "unexpected EOF", "invalid
 * character 'h' looking for beginning of value").
 */
int json_parse_body(json_t **out, const char *body, size_t len);
/** Member `name` of object `o`, matched as Go does (exact, else case-insensitive). */
json_t *json_member(json_t *o, const char *name);
/**
 * The string member `name` of `o` into *out (NULL when absent or null).
 * VIGIL_EINVALID with Go's type error otherwise (`where` = "LayerEnvelope.Layer").
 */
int json_get_string(json_t *o, const char *name, const char *where, const char **out);
/** Member `name` must be an object (or absent/null): *out or NULL. */
int json_get_object(json_t *o, const char *name, const char *where, json_t **out);
int json_get_array(json_t *o, const char *name, const char *where, json_t **out);

/* responses (api_common in routes.c) */
void resp_json(struct request *r, int status); /* body already in r->resp.body */
/** The same for a body that is resp_json()'s, newline included, gzip-compressed. */
void resp_json_gzipped(struct request *r, int status);
/** The one place where a vigil_code becomes an HTTP status and Clair's envelope. */
void resp_error(struct request *r, int code, const char *message);
/** The error of the last failed call (vigil_error_last()). */
void resp_fail(struct request *r, int code);
/** 403 with Clair's envelope: the client is not allowed in (its certificate was refused). */
void resp_forbidden(struct request *r, const char *message);
void resp_empty(struct request *r, int status);
void resp_text(struct request *r, int status, const char *ctype, const char *text);
/** 1 when the client accepts gzip (Accept-Encoding). */
int req_accepts_gzip(struct request *r);
/** `in` gzip-compressed into `out` (replacing its content): 0, or -1 (zlib failed). */
int resp_gzip(const vigil_buf *in, vigil_buf *out);
/** 1 when the query has `name` (with or without a value). */
int req_has_arg(struct request *r, const char *name);
const char *req_arg(struct request *r, const char *name);
/**
 * Clair's `limit`: 0 and *out, or 400 written to r (missing, not an
 * integer). Negative values are returned; callers decide.
 */
int req_limit(struct request *r, int *out);

/* token.c */
void token_make(struct server *s, const char *payload, vigil_buf *out);
/** 0 and the payload in `out`, or VIGIL_EINVALID (tampered, foreign, expired). */
int token_open(struct server *s, const char *token, vigil_buf *out);
/** Decode the configured key (URL-safe base64 of 32 bytes). Returns 0 or VIGIL_EINVALID. */
int token_key_decode(unsigned char key[32], const char *b64);
void token_key_encode(const unsigned char key[32], vigil_buf *out);

/* fetch.c */
/**
 * Analyse the layer at `path` (http(s) URL with `headers`, a JSON object, or
 * a local file when allowed) or, when `body` is not NULL, those bytes.
 * Returns 0 and *out; VIGIL_ENOTFOUND / VIGIL_ENET with "could not find layer..."
 * messages; VIGIL_EINVALID/ETOOBIG from the analysis.
 */
int fetch_analyze(struct server *s, vigil_clair_analysis **out, const char *name, const char *path,
                  json_t *headers, const char *body, size_t body_len, int *fetch_failed);

/* match_glue.c */
struct match_ctx;
/**
 * A matcher for one layer's features `f[0..n)` (borrowed; sorted by
 * namespace): their feed findings, one store query per namespace.
 */
int match_new(struct match_ctx **out, vigil_clair *db, const vigil_clair_feature *f, size_t n);
void match_free(struct match_ctx *m);
/** Append ,"Vulnerabilities":[...] for feature `i` when some affect it. */
int match_feature_vulns(struct match_ctx *m, size_t i, vigil_buf *out);
/** Append a vulnerability object (Clair's field order). */
void vuln_json(vigil_buf *b, const vigil_clair_vuln *v, int with_fixes, const char *fixed_by);
void fix_json(vigil_buf *b, const vigil_clair_fix *f);

/* features.c: a feature list owning its strings */
struct feature_list {
	vigil_clair_feature *items; /* their strings point into `arena` */
	size_t n, cap;
	vigil_buf arena;
};
/** A vigil_clair_feature_cb appending a copy of `f` to the list `payload`. */
int feature_list_add(const vigil_clair_feature *f, void *payload);
/** The list is complete: point the items' strings into the arena. Call before using them. */
void feature_list_done(struct feature_list *l);
/** Put the items in (namespace, name, version) order (byte order, as the stores sort). */
void feature_list_sort(struct feature_list *l);
void feature_list_release(struct feature_list *l);

/* feed_notify.c */
struct feed_snapshot;
/** What the feeds say of every stored feature, per (namespace, vulnerability ID). */
int feed_snapshot_take(vigil_clair *db, struct feed_snapshot **out);
void feed_snapshot_free(struct feed_snapshot *s);
/**
 * A notification for each (namespace, ID) whose affected features differ
 * between the snapshots (namespaces no feed covered `before` are skipped);
 * *made = how many. Returns 0 or VIGIL_EDB.
 */
int feed_snapshot_notify(vigil_clair *db, const struct feed_snapshot *before,
                         const struct feed_snapshot *after, unsigned *made);

/* handlers */
void api_layer_post(struct request *r);
void api_layer_get(struct request *r);
void api_layer_delete(struct request *r);
void api_namespaces(struct request *r);
void api_vulns_list(struct request *r);
void api_vuln_post(struct request *r);
void api_vuln_get(struct request *r);
void api_vuln_put(struct request *r);
void api_vuln_delete(struct request *r);
void api_fixes_get(struct request *r);
void api_fix_put(struct request *r);
void api_fix_delete(struct request *r);
void api_notification_get(struct request *r);
void api_notification_delete(struct request *r);
void api_metrics(struct request *r);
void api_health(struct request *r);

/* metrics.c */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
void metrics_request(struct metrics *m, const char *route, int status, double ms);
void metrics_layer(struct metrics *m, int ok);
void metrics_db_error(struct metrics *m);
void metrics_notification(struct metrics *m, int ok);
void metrics_write(struct metrics *m, vigil_buf *out);

/* tls.c */
/**
 * Read clair.api.cafile: *out is its PEM text (the caller frees it with
 * vigil_free()), holding at least one certificate. 0, or VIGIL_EUSAGE with one
 * line naming the file (unreadable, not PEM certificates).
 */
int tls_trust_load(char **out, const char *cafile);
/**
 * MHD_OPTION_NOTIFY_CONNECTION callback of the API listener when a cafile is
 * set: the connection's handshake then fails (and logs a warning) unless the
 * client presents a certificate that verifies against the cafile.
 */
void tls_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe);
/**
 * 0 when the connection's client certificate verifies against the cafile;
 * else VIGIL_EAUTH with the reason (and a warning logged).
 */
int tls_client_verified(struct MHD_Connection *conn);

/* webhook_tls.c */
/**
 * Check clair.notifier.http.cafile/certfile/keyfile/proxy when a webhook
 * endpoint is set: 0, or VIGIL_EUSAGE with one line naming the key (a file
 * that cannot be read, certfile without keyfile, a proxy that is not a URL).
 */
int webhook_tls_check(const struct server_config *c);
/** 1 when clair.notifier.http.servername names another host than the endpoint's (unsupported). */
int webhook_tls_servername_ignored(const struct server_config *c);
/**
 * Apply the webhook client settings to the notifier's handle `h`: cafile
 * (the only CAs trusted), certfile/keyfile (the client certificate), proxy
 * (or none: the proxy environment variables are ignored, as Clair's notifier).
 */
void webhook_tls_apply(CURL *h, const struct server_config *c);

/* updater.c */
int updater_start(struct server *s);
void updater_stop(struct server *s);

/* notifier.c */
int notifier_start(struct server *s);
void notifier_stop(struct server *s);

#endif
