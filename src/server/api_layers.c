/*
 * /v1/layers: POST (index one layer, synchronously, as Clair's worker),
 * GET (?features, ?vulnerabilities: presence only), DELETE (with every
 * layer below). Checks run in Clair's order (clair-v1-api.md §4.1).
 *
 * vigil's extension: POST /v1/layers?name=N[&parent=P][&format=Docker]
 * with the layer bytes as the body (Content-Type application/octet-stream,
 * application/x-tar, application/gzip, application/zstd or an OCI/Docker
 * layer media type): no reverse connection to the client is needed.
 */
#include "server.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MSG_TIMEOUT                                                                                \
	"{\"Error\":{\"Message\":\"Clair failed to respond within the configured timeout "         \
	"window.\",\"Type\":\"Timeout\"}}"

#define MSG_PARENT_UNKNOWN "worker: parent layer is unknown, it must be processed first"
#define MSG_UNSUPPORTED "worker: OS and/or package manager are not supported"
#define MSG_ARCHIVE "tarutil: could not extract the archive"
#define MSG_TOO_BIG "tarutil: could not extract one or more files from the archive: file too big"

struct layer_req {
	const char *name, *path, *parent, *format;
	json_t *headers;
};

/* Read the JSON envelope; 0, or the 400 already written. */
static int parse_layer_json(struct request *r, json_t **root, struct layer_req *lr)
{
	json_t *layer;
	const char *k;
	json_t *v;
	int err;

	if ((err = json_parse_body(root, r->body, r->body_len)) < 0)
		goto bad;
	if (!json_is_object(*root)) {
		err = vigil_error_set(
		        VIGIL_EINVALID,
		        "json: cannot unmarshal %s into Go value of type v1.LayerEnvelope",
		        json_is_array(*root)    ? "array"
		        : json_is_string(*root) ? "string"
		                                : "number");
		goto bad;
	}
	if ((err = json_get_object(*root, "Layer", "LayerEnvelope", &layer)) < 0)
		goto bad;
	if (!layer) {
		resp_error(r, VIGIL_EINVALID, "failed to provide layer");
		return -1;
	}
	if ((err = json_get_string(layer, "Name", "LayerEnvelope.Layer", &lr->name)) < 0 ||
	    (err = json_get_string(layer, "Path", "LayerEnvelope.Layer", &lr->path)) < 0 ||
	    (err = json_get_string(layer, "ParentName", "LayerEnvelope.Layer", &lr->parent)) < 0 ||
	    (err = json_get_string(layer, "Format", "LayerEnvelope.Layer", &lr->format)) < 0 ||
	    (err = json_get_object(layer, "Headers", "LayerEnvelope.Layer", &lr->headers)) < 0)
		goto bad;
	json_object_foreach(lr->headers, k, v)
	{
		if (!json_is_string(v) && !json_is_null(v)) {
			err = vigil_error_set(VIGIL_EINVALID,
			                      "json: cannot unmarshal %s into Go struct field "
			                      "LayerEnvelope.Layer.Headers of type string",
			                      json_is_object(v) ? "object" : "number");
			goto bad;
		}
	}
	return 0;
bad:
	resp_fail(r, err);
	return -1;
}

/* The 201 echo. Headers are not echoed: they carry registry credentials (docs/serve.md). */
static void echo_layer(struct request *r, const struct layer_req *lr)
{
	vigil_buf *b = &r->resp.body;
	int first = 1;

	vigil_buf_reset(b);
	(void)vigil_buf_puts(b, "{\"Layer\":{");
	json_kv_opt(b, &first, "Name", lr->name);
	json_kv_opt(b, &first, "Path", lr->path);
	json_kv_opt(b, &first, "ParentName", lr->parent);
	json_kv_opt(b, &first, "Format", lr->format);
	json_key(b, &first, "IndexedByVersion");
	(void)vigil_buf_printf(b, "%d}}", VIGIL_CLAIR_ENGINE);
	resp_json(r, MHD_HTTP_CREATED);
}

static void analysis_failed(struct request *r, int err)
{
	vigil_buf msg = VIGIL_BUF_INIT;

	json_str(&msg, vigil_error_last());
	server_log(VIGIL_LOG_WARN, "could not analyse layer", "\"error\":%s", msg.ptr);
	vigil_buf_reset(&msg);
	if (err == VIGIL_EINVALID) {
		resp_error(r, VIGIL_EUNSUPPORTED, MSG_ARCHIVE);
	} else if (err == VIGIL_ETOOBIG) {
		(void)vigil_buf_printf(&msg, "%s (%s)", MSG_TOO_BIG, vigil_error_last());
		resp_error(r, VIGIL_ETOOBIG, msg.ptr);
	} else {
		resp_fail(r, err);
	}
	vigil_buf_release(&msg);
}

/* Fetch, analyse and store the layer; writes the response. */
static void index_layer(struct request *r, const struct layer_req *lr, int aci)
{
	vigil_clair_analysis *a = NULL;
	int err, fetch_failed;

	/* no database handle is held while the layer downloads */
	server_db_put(r->srv, r->db);
	r->db = NULL;
	err = fetch_analyze(r->srv, &a, lr->name, lr->path, lr->headers,
	                    r->content_type ? r->body : NULL, r->body_len, &fetch_failed);
	if (err < 0) {
		metrics_layer(r->srv->metrics, 0);
		if (fetch_failed)
			resp_fail(r, err);
		else
			analysis_failed(r, err);
		return;
	}
	err = vigil_clair_layer_index(req_db(r), lr->name, lr->parent, aci ? NULL : a);
	vigil_clair_analysis_free(a);
	metrics_layer(r->srv->metrics, err == 0);
	if (err == VIGIL_ENOTFOUND)
		resp_error(r, VIGIL_EINVALID, MSG_PARENT_UNKNOWN);
	else if (err == VIGIL_EUNSUPPORTED)
		resp_error(r, VIGIL_EUNSUPPORTED, MSG_UNSUPPORTED);
	else if (err < 0)
		resp_fail(r, err);
	else
		echo_layer(r, lr);
}

/*
 * A layer POST runs as a job on its own thread so the request can answer 503
 * when clair.api.timeout passes (Clair's timeout handler). As in Clair, the
 * job is not cancelled: the layer is still indexed, and the job frees itself.
 */
struct job {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done, abandoned;
	struct request r; /* private copy of the request: no connection */
	struct layer_req lr;
	char *strs[4];
	json_t *headers;
	char *body;
	int aci;
};

static void job_free(struct job *j)
{
	int i;

	for (i = 0; i < 4; i++)
		vigil_free(j->strs[i]);
	json_decref(j->headers);
	vigil_free(j->body);
	vigil_buf_release(&j->r.resp.body);
	vigil_free((char *)j->r.resp.location);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	vigil_free(j);
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	struct server *s = j->r.srv;
	int abandoned;

	index_layer(&j->r, &j->lr, j->aci);
	server_db_put(s, j->r.db);
	j->r.db = NULL;
	pthread_mutex_lock(&j->lock);
	j->done = 1;
	abandoned = j->abandoned;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
	if (abandoned) {
		job_free(j);
		pthread_mutex_lock(&s->notify_lock);
		s->jobs--;
		pthread_cond_broadcast(&s->jobs_cond);
		pthread_mutex_unlock(&s->notify_lock);
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? vigil_strdup(s) : NULL;
}

static void run_job(struct request *r, const struct layer_req *lr, int aci)
{
	struct job *j = vigil_calloc(1, sizeof(*j));
	struct timespec until;
	pthread_attr_t attr;
	pthread_t t;
	int64_t ms = r->srv->cfg.timeout_ms;
	int done;

	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	j->r = *r;
	j->r.conn = NULL;
	j->r.db = NULL;
	j->r.resp.body = (vigil_buf)VIGIL_BUF_INIT;
	j->lr.name = j->strs[0] = dup_or_null(lr->name);
	j->lr.path = j->strs[1] = dup_or_null(lr->path);
	j->lr.parent = j->strs[2] = dup_or_null(lr->parent);
	j->lr.format = j->strs[3] = dup_or_null(lr->format);
	j->lr.headers = j->headers = lr->headers ? json_deep_copy(lr->headers) : NULL;
	j->aci = aci;
	if (r->content_type && r->body_buf) { /* take the body over from the connection */
		j->body = vigil_buf_detach(r->body_buf, NULL);
		j->r.body = j->body;
	}
	server_db_put(r->srv, r->db);
	r->db = NULL;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, job_main, j) != 0) {
		pthread_attr_destroy(&attr);
		index_layer(r, lr, aci); /* no thread: do it here, without the timeout */
		job_free(j);
		return;
	}
	pthread_attr_destroy(&attr);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->lock);
	while (!j->done)
		if (ms > 0 && pthread_cond_timedwait(&j->cond, &j->lock, &until) == ETIMEDOUT)
			break;
		else if (ms <= 0)
			pthread_cond_wait(&j->cond, &j->lock);
	done = j->done;
	if (!done) {
		j->abandoned = 1;
		pthread_mutex_lock(&r->srv->notify_lock);
		r->srv->jobs++;
		pthread_mutex_unlock(&r->srv->notify_lock);
	}
	pthread_mutex_unlock(&j->lock);
	if (!done) {
		resp_text(r, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json;charset=utf-8",
		          MSG_TIMEOUT);
		server_log(VIGIL_LOG_WARN, "request timed out; the layer is still being indexed",
		           "\"timeout_ms\":%lld", (long long)ms);
		return;
	}
	vigil_buf_release(&r->resp.body);
	r->resp = j->r.resp;
	j->r.resp.body = (vigil_buf)VIGIL_BUF_INIT;
	j->r.resp.location = NULL;
	job_free(j);
}

void api_layer_post(struct request *r)
{
	struct layer_req lr;
	vigil_clair_layer have;
	json_t *root = NULL;
	vigil_buf msg = VIGIL_BUF_INIT;
	int err, aci = 0;

	memset(&lr, 0, sizeof(lr));
	if (r->content_type) { /* layer bytes in the body */
		lr.name = req_arg(r, "name");
		lr.parent = req_arg(r, "parent");
		lr.format = req_arg(r, "format") ? req_arg(r, "format") : "Docker";
		lr.path = "";
		if (!lr.name || !*lr.name) {
			resp_error(r, VIGIL_EINVALID,
			           "could not process a layer which does not have a name "
			           "(with the layer in the body: ?name=NAME)");
			return;
		}
	} else {
		if (parse_layer_json(r, &root, &lr) < 0)
			goto out;
		if (!lr.name || !*lr.name) {
			resp_error(r, VIGIL_EINVALID,
			           "could not process a layer which does not have a name");
			goto out;
		}
		if (!lr.path || !*lr.path) {
			resp_error(r, VIGIL_EINVALID,
			           "could not process a layer which does not have a path");
			goto out;
		}
	}
	if (!lr.format || !*lr.format) {
		resp_error(r, VIGIL_EINVALID,
		           "could not process a layer which does not have a format");
		goto out;
	}
	if ((err = vigil_clair_layer_get(req_db(r), lr.name, &have)) == 0) {
		vigil_clair_layer_release(&have);
		echo_layer(r, &lr); /* indexed already: nothing is read */
		goto out;
	}
	if (err != VIGIL_ENOTFOUND) {
		resp_fail(r, err);
		goto out;
	}
	if (lr.parent && *lr.parent) {
		if ((err = vigil_clair_layer_get(req_db(r), lr.parent, &have)) < 0) {
			if (err == VIGIL_ENOTFOUND)
				resp_error(r, VIGIL_EINVALID, MSG_PARENT_UNKNOWN);
			else
				resp_fail(r, err);
			goto out;
		}
		vigil_clair_layer_release(&have);
	} else {
		lr.parent = NULL;
	}
	aci = strcasecmp(lr.format, "aci") == 0;
	if (!aci && strcasecmp(lr.format, "docker") != 0) {
		/* Clair opens the layer before it looks at the format */
		if (!r->content_type && r->srv->cfg.allowlocalpath && strncmp(lr.path, "http", 4) &&
		    access(lr.path, R_OK) != 0) {
			resp_error(r, VIGIL_EINVALID, "could not find layer");
			goto out;
		}
		(void)vigil_buf_printf(&msg, "unsupported image format '%s'", lr.format);
		resp_error(r, VIGIL_EINVALID, msg.ptr);
		goto out;
	}
	run_job(r, &lr, aci);
out:
	vigil_buf_release(&msg);
	json_decref(root);
}

struct feature_out {
	struct request *r;
	int first;
	struct match_ctx *match; /* NULL: no vulnerabilities wanted */
	size_t i;                /* the feature's index for the matcher */
};

static int feature_json(const vigil_clair_feature *f, void *payload)
{
	struct feature_out *fo = payload;
	vigil_buf *b = &fo->r->resp.body;
	int first = 1, err;

	(void)vigil_buf_puts(b, fo->first ? "" : ",");
	fo->first = 0;
	(void)vigil_buf_putc(b, '{');
	json_kv_opt(b, &first, "Name", f->name);
	json_kv_opt(b, &first, "NamespaceName", f->namespace_name);
	json_kv_opt(b, &first, "VersionFormat", f->version_format);
	json_kv_opt(b, &first, "Version", f->version);
	if (fo->match && (err = match_feature_vulns(fo->match, fo->i++, b)) < 0)
		return err;
	json_kv_opt(b, &first, "AddedBy", f->added_by);
	(void)vigil_buf_putc(b, '}');
	return 0;
}

/* The features, with their vulnerabilities when a matcher is given (one match per namespace). */
static int features_json(struct request *r, const struct feature_list *l, int vulns)
{
	struct feature_out fo = { r, 1, NULL, 0 };
	vigil_buf *b = &r->resp.body;
	size_t i;
	int err = 0;

	if (!l->n)
		return 0; /* no features: the member is omitted */
	if (vulns && (err = match_new(&fo.match, r->db, l->items, l->n)) < 0)
		return err;
	(void)vigil_buf_puts(b, ",\"Features\":[");
	for (i = 0; i < l->n && err == 0; i++)
		err = feature_json(&l->items[i], &fo);
	(void)vigil_buf_putc(b, ']');
	match_free(fo.match);
	return err;
}

/* Compute the answer to GET /v1/layers/:name into r->resp.body: 0, or the error sent. */
static int layer_answer(struct request *r, int features, int vulns)
{
	struct feature_list fl = { NULL, 0, 0, VIGIL_BUF_INIT };
	vigil_clair_layer l;
	vigil_buf *b = &r->resp.body;
	int err, first = 1;

	/* the layer and its features in one read */
	err = features ? vigil_clair_layer_get_features(req_db(r), r->params[0], &l,
	                                                feature_list_add, &fl)
	               : vigil_clair_layer_get(req_db(r), r->params[0], &l);
	feature_list_done(&fl);
	feature_list_sort(&fl);
	if (err < 0) {
		feature_list_release(&fl);
		resp_error(r, err,
		           err == VIGIL_ENOTFOUND ? "the resource cannot be found"
		                                  : vigil_error_last());
		return err;
	}
	vigil_buf_reset(b);
	(void)vigil_buf_puts(b, "{\"Layer\":{");
	json_kv_opt(b, &first, "Name", l.name);
	json_kv_opt(b, &first, "NamespaceName", l.namespace_name);
	json_kv_opt(b, &first, "ParentName", l.parent);
	json_key(b, &first, "IndexedByVersion");
	(void)vigil_buf_printf(b, "%d", l.engine);
	err = features_json(r, &fl, vulns);
	vigil_clair_layer_release(&l);
	feature_list_release(&fl);
	if (err < 0) {
		resp_fail(r, err);
		return err;
	}
	(void)vigil_buf_puts(b, "}}");
	return 0;
}

/*
 * Send r->resp.body (a kept or computed answer) gzip-compressed, keeping the
 * compressed form under `key` too. Go's HTTP client, and so Clair's, asks
 * for gzip by default: compressing 48 KB again for every GET would cost
 * more than computing the answer.
 */
static void send_gzipped(struct request *r, struct resp_cache *cache, const char *key,
                         int64_t gen)
{
	vigil_buf gz = VIGIL_BUF_INIT;

	resp_json(r, MHD_HTTP_OK);
	if (resp_gzip(&r->resp.body, &gz) == 0) {
		resp_cache_put(cache, key, gen, gz.ptr, gz.len);
		vigil_buf_release(&r->resp.body);
		r->resp.body = gz;
		resp_json_gzipped(r, MHD_HTTP_OK);
		return;
	}
	vigil_buf_release(&gz); /* sent as it is */
}

/*
 * With features, the answer is kept (resp_cache.c) under the layer's row id
 * and the data generation read before computing it: later GETs cost one
 * small read while nothing that could change the answer was written.
 */
void api_layer_get(struct request *r)
{
	int vulns = req_has_arg(r, "vulnerabilities");
	int features = vulns || req_has_arg(r, "features");
	struct resp_cache *cache = features ? r->srv->cache : NULL;
	int gz = cache && req_accepts_gzip(r);
	int64_t id = 0, gen = 0;
	char key[48], gzkey[52];
	int err, hit = 0;

	if (cache) {
		err = vigil_clair_layer_stamp(req_db(r), r->params[0], &id, &gen);
		if (err < 0) {
			resp_error(r, err,
			           err == VIGIL_ENOTFOUND ? "the resource cannot be found"
			                                  : vigil_error_last());
			return;
		}
		snprintf(key, sizeof(key), "%lld/%d", (long long)id, vulns);
		snprintf(gzkey, sizeof(gzkey), "%s/gz", key);
		if (gz && resp_cache_get(cache, gzkey, gen, &r->resp.body)) {
			resp_cache_count(cache, 1);
			resp_json_gzipped(r, MHD_HTTP_OK);
			return;
		}
		hit = resp_cache_get(cache, key, gen, &r->resp.body);
		resp_cache_count(cache, hit);
	}
	if (!hit) {
		if (layer_answer(r, features, vulns) < 0)
			return;
		resp_cache_put(cache, key, gen, r->resp.body.ptr, r->resp.body.len);
	}
	if (gz)
		send_gzipped(r, cache, gzkey, gen);
	else
		resp_json(r, MHD_HTTP_OK);
}

void api_layer_delete(struct request *r)
{
	int err = vigil_clair_layer_delete(req_db(r), r->params[0]);

	if (err == VIGIL_ENOTFOUND)
		resp_error(r, err, "the resource cannot be found");
	else if (err < 0)
		resp_fail(r, err);
	else
		resp_empty(r, MHD_HTTP_OK);
}
