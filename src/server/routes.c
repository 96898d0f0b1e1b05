/*
 * The route table and Clair's routing rules (clair-v1-api.md §1.2), and the
 * response helpers every handler uses, including the one function that maps
 * a vigil_code to an HTTP status and Clair's error envelope.
 *
 * Routing: the path must start with "/v1" (else a plain-text 404); the rest
 * is matched segment by segment, ":" standing for one non-empty segment of
 * the decoded path. A path that matches with another method is a plain 405.
 * Two of Clair's routing quirks are fixed (docs/serve.md): "/v1layers/x"
 * is a 404 (Clair: a broken redirect), and "/v1/layers/x/" redirects to
 * "/v1/layers/x" (Clair: to "/layers/x").
 */
#include "server.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 8

static const struct route {
	const char *method;
	const char *pattern;
	handler_fn fn;
	const char *label;
} routes[] = {
	{ "POST", "/layers", api_layer_post, "v1/postLayer" },
	{ "GET", "/layers/:", api_layer_get, "v1/getLayer" },
	{ "DELETE", "/layers/:", api_layer_delete, "v1/deleteLayer" },
	{ "GET", "/namespaces", api_namespaces, "v1/getNamespaces" },
	{ "GET", "/namespaces/:/vulnerabilities", api_vulns_list, "v1/getVulnerabilities" },
	{ "POST", "/namespaces/:/vulnerabilities", api_vuln_post, "v1/postVulnerability" },
	{ "GET", "/namespaces/:/vulnerabilities/:", api_vuln_get, "v1/getVulnerability" },
	{ "PUT", "/namespaces/:/vulnerabilities/:", api_vuln_put, "v1/putVulnerability" },
	{ "DELETE", "/namespaces/:/vulnerabilities/:", api_vuln_delete, "v1/deleteVulnerability" },
	{ "GET", "/namespaces/:/vulnerabilities/:/fixes", api_fixes_get, "v1/getFixes" },
	{ "PUT", "/namespaces/:/vulnerabilities/:/fixes/:", api_fix_put, "v1/putFix" },
	{ "DELETE", "/namespaces/:/vulnerabilities/:/fixes/:", api_fix_delete, "v1/deleteFix" },
	{ "GET", "/notifications/:", api_notification_get, "v1/getNotification" },
	{ "DELETE", "/notifications/:", api_notification_delete, "v1/deleteNotification" },
	{ "GET", "/metrics", api_metrics, "v1/getMetrics" },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/*
 * Does `path` match `pattern`? Parameters are copied into `store` (as
 * NUL-separated strings) and pointed at from `params`.
 */
static int match(const char *pattern, const char *path, char *store, size_t storelen,
                 const char **params)
{
	size_t np = 0, used = 0;

	while (*pattern && *path) {
		const char *pe, *se;
		if (*pattern != '/' || *path != '/')
			return 0;
		pattern++;
		path++;
		pe = strchr(pattern, '/');
		se = strchr(path, '/');
		if (!pe)
			pe = pattern + strlen(pattern);
		if (!se)
			se = path + strlen(path);
		if (pe - pattern == 1 && *pattern == ':') {
			size_t n = (size_t)(se - path);
			if (n == 0 || np == 3 || used + n + 1 > storelen)
				return 0;
			memcpy(store + used, path, n);
			store[used + n] = '\0';
			params[np++] = store + used;
			used += n + 1;
		} else if (pe - pattern != se - path ||
		           memcmp(pattern, path, (size_t)(se - path))) {
			return 0;
		}
		pattern = pe;
		path = se;
	}
	return *pattern == '\0' && *path == '\0';
}

static void envelope(struct request *r, int status, const char *message);

static void not_found_text(struct request *r)
{
	resp_text(r, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "404 page not found\n");
}

/* The route for `path` and `method`: 1 found, 2 found with another method, 0 none. */
static int lookup(struct request *r, const char *path, const struct route **out, char *store,
                  size_t storelen)
{
	size_t i;
	int other = 0;

	for (i = 0; i < NROUTES; i++) {
		const char *params[3] = { NULL, NULL, NULL };
		if (!match(routes[i].pattern, path, store, storelen, params))
			continue;
		if (strcmp(routes[i].method, r->method) != 0) {
			other = 1;
			continue;
		}
		memcpy(r->params, params, sizeof(params));
		*out = &routes[i];
		return 1;
	}
	return other ? 2 : 0;
}

void routes_dispatch(struct request *r, const char *url)
{
	static __thread char store[8192];
	const struct route *rt = NULL;
	char *stripped;
	size_t n;
	int found;

	r->route = "other";
	if (strcmp(url, "/metrics") == 0 && strcmp(r->method, "GET") == 0) {
		r->route = "metrics";
		api_metrics(r);
		return;
	}
	if (strncmp(url, "/v1", 3) != 0 || url[3] != '/') {
		not_found_text(r);
		return;
	}
	r->path = url + 3;
	found = lookup(r, r->path, &rt, store, sizeof(store));
	if (found == 1) {
		r->route = rt->label;
		if (r->body_too_big) {
			vigil_buf msg = VIGIL_BUF_INIT;
			(void)vigil_buf_printf(
			        &msg, "request body larger than the limit of %llu bytes",
			        (unsigned long long)(r->content_type ? r->srv->cfg.max_layer_body
			                                             : r->srv->cfg.max_body));
			envelope(r, MHD_HTTP_CONTENT_TOO_LARGE, msg.ptr);
			vigil_buf_release(&msg);
			return;
		}
		rt->fn(r);
		return;
	}
	if (found == 2) {
		resp_text(r, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
		          "Method Not Allowed\n");
		return;
	}
	n = strlen(r->path);
	if (n > 1 && r->path[n - 1] == '/') {
		stripped = vigil_strndup(r->path, n - 1);
		if (lookup(r, stripped, &rt, store, sizeof(store)) == 1) {
			vigil_buf loc = VIGIL_BUF_INIT;
			(void)vigil_buf_printf(&loc, "/v1%s", stripped);
			r->resp.location = vigil_buf_detach(&loc, NULL);
			vigil_buf_reset(&r->resp.body);
			(void)vigil_buf_printf(&r->resp.body,
			                       "<a href=\"%s\">Moved Permanently</a>.\n\n",
			                       r->resp.location);
			r->resp.status = strcmp(r->method, "GET") == 0 ? 301 : 307;
			r->resp.content_type = "text/html; charset=utf-8";
			memset(r->params, 0, sizeof(r->params));
			vigil_free(stripped);
			return;
		}
		vigil_free(stripped);
	}
	not_found_text(r);
}

void routes_dispatch_health(struct request *r, const char *url)
{
	r->route = "health";
	if (strcmp(url, "/health") != 0) {
		not_found_text(r);
		return;
	}
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		resp_text(r, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
		          "Method Not Allowed\n");
		return;
	}
	api_health(r);
}

/* ---- responses ---------------------------------------------------------- */

static void json_headers(struct request *r, int status)
{
	r->resp.status = status;
	r->resp.content_type = "application/json;charset=utf-8";
	r->resp.server_header = 1;
	r->resp.gzip_ok = 1;
}

void resp_json(struct request *r, int status)
{
	json_headers(r, status);
	(void)vigil_buf_putc(&r->resp.body, '\n');
}

void resp_json_gzipped(struct request *r, int status)
{
	json_headers(r, status);
	r->resp.gzipped = 1;
}

/* The HTTP status for a failure: Clair's classes (clair-v1-api.md §1.6). */
static int status_for(int code)
{
	switch (code) {
	case VIGIL_EINVALID:
	case VIGIL_EUSAGE:
	case VIGIL_ENET:
	case VIGIL_EAUTH:
	case VIGIL_ETIMEOUT:
		return MHD_HTTP_BAD_REQUEST; /* the request, or what it points at */
	case VIGIL_ENOTFOUND:
		return MHD_HTTP_NOT_FOUND;
	case VIGIL_EUNSUPPORTED:
	case VIGIL_ETOOBIG:
		return MHD_HTTP_UNPROCESSABLE_CONTENT; /* valid, but cannot be processed */
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* Clair's error envelope with `status`. */
static void envelope(struct request *r, int status, const char *message)
{
	int first = 1;

	vigil_buf_reset(&r->resp.body);
	(void)vigil_buf_puts(&r->resp.body, "{\"Error\":{");
	json_key(&r->resp.body, &first, "Message");
	json_str(&r->resp.body, message);
	(void)vigil_buf_puts(&r->resp.body, "}}");
	resp_json(r, status);
}

void resp_error(struct request *r, int code, const char *message)
{
	int status = status_for(code);

	if (status == MHD_HTTP_INTERNAL_SERVER_ERROR) {
		server_log(VIGIL_LOG_ERROR, "request failed", "\"route\":\"%s\",\"error\":\"%s\"",
		           r->route, message);
		if (code == VIGIL_EDB) {
			metrics_db_error(r->srv->metrics);
			message = "database: an error occured when querying the backend";
		}
	}
	envelope(r, status, message);
}

void resp_forbidden(struct request *r, const char *message)
{
	envelope(r, MHD_HTTP_FORBIDDEN, message);
}

void resp_fail(struct request *r, int code)
{
	resp_error(r, code, vigil_error_last());
}

void resp_empty(struct request *r, int status)
{
	vigil_buf_reset(&r->resp.body);
	r->resp.status = status;
	r->resp.content_type = NULL;
	r->resp.server_header = 0;
}

void resp_text(struct request *r, int status, const char *ctype, const char *text)
{
	vigil_buf_reset(&r->resp.body);
	(void)vigil_buf_puts(&r->resp.body, text);
	r->resp.status = status;
	r->resp.content_type = ctype;
	r->resp.server_header = 0;
}

struct arg_find {
	const char *name;
	const char *value;
	int found;
};

static enum MHD_Result arg_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
	struct arg_find *a = cls;

	if (key && strcmp(key, a->name) == 0) {
		a->found = 1;
		a->value = value ? value : "";
		return MHD_NO;
	}
	return MHD_YES;
}

int req_has_arg(struct request *r, const char *name)
{
	struct arg_find a = { name, NULL, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_iter, &a);
	return a.found;
}

const char *req_arg(struct request *r, const char *name)
{
	struct arg_find a = { name, NULL, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_iter, &a);
	return a.value;
}

/* strconv.Atoi as Go reports it. */
static int go_atoi(const char *s, int *out, vigil_buf *err)
{
	const char *p = s;
	long long v = 0;
	int neg = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		goto syntax;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto syntax;
		v = v * 10 + (*p - '0');
		if (v > (long long)INT_MAX + 1) {
			(void)vigil_buf_printf(
			        err, "strconv.Atoi: parsing \"%s\": value out of range", s);
			return -1;
		}
	}
	if (!neg && v > INT_MAX) {
		(void)vigil_buf_printf(err, "strconv.Atoi: parsing \"%s\": value out of range", s);
		return -1;
	}
	*out = (int)(neg ? -v : v);
	return 0;
syntax:
	vigil_buf_reset(err);
	(void)vigil_buf_puts(err, "strconv.Atoi: parsing ");
	json_str(err, s); /* Go quotes with %q */
	(void)vigil_buf_puts(err, ": invalid syntax");
	return -1;
}

int req_limit(struct request *r, int *out)
{
	vigil_buf err = VIGIL_BUF_INIT, msg = VIGIL_BUF_INIT;
	const char *v;

	if (!req_has_arg(r, "limit")) {
		resp_error(r, VIGIL_EINVALID, "must provide limit query parameter");
		return -1;
	}
	v = req_arg(r, "limit");
	if (go_atoi(v, out, &err) < 0) {
		(void)vigil_buf_printf(&msg, "invalid limit format: %s", err.ptr);
		resp_error(r, VIGIL_EINVALID, msg.ptr);
		vigil_buf_release(&err);
		vigil_buf_release(&msg);
		return -1;
	}
	return 0;
}
