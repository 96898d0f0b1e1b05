/*
 * /v1/namespaces and /v1/namespaces/:ns/vulnerabilities[/:name[/fixes[/:fix]]].
 * Checks run in Clair's order (clair-v1-api.md §4.4-4.12): the body's
 * severity, then each FixedIn's format and version, then name and
 * namespace. POST takes the namespace from the body (the URL's is ignored,
 * as Clair); PUT from the URL. The fixes sub-resource works (Clair v2's
 * PUT/DELETE fix always failed: docs/serve.md).
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSG_NOT_FOUND "the resource cannot be found"
#define MSG_NEED_NAME "insertVulnerability needs at least the Name and the Namespace"

static void not_found_or_fail(struct request *r, int err)
{
	if (err == VIGIL_ENOTFOUND)
		resp_error(r, err, MSG_NOT_FOUND);
	else
		resp_fail(r, err);
}

struct ns_out {
	vigil_buf *b;
	int n;
};

static int ns_json(const char *name, const char *format, void *payload)
{
	struct ns_out *o = payload;
	int first = 1;

	(void)vigil_buf_puts(o->b, o->n++ ? ",{" : "{");
	json_kv_opt(o->b, &first, "Name", name);
	json_kv_opt(o->b, &first, "VersionFormat", format);
	(void)vigil_buf_putc(o->b, '}');
	return 0;
}

void api_namespaces(struct request *r)
{
	vigil_buf *b = &r->resp.body;
	struct ns_out o = { b, 0 };
	int err;

	vigil_buf_reset(b);
	(void)vigil_buf_puts(b, "{\"Namespaces\":[");
	if ((err = vigil_clair_namespaces(req_db(r), ns_json, &o)) < 0) {
		resp_fail(r, err);
		return;
	}
	if (o.n == 0) {
		vigil_buf_reset(b);
		(void)vigil_buf_puts(b, "{\"Namespaces\":null}");
	} else {
		(void)vigil_buf_puts(b, "]}");
	}
	resp_json(r, MHD_HTTP_OK);
}

/* A fixed-in feature from the request, checked as Clair's DatabaseModel(). */
static int parse_fix(json_t *o, const char *where, vigil_clair_vuln *v)
{
	const char *name, *ns, *fmt, *ver;
	int err;

	if (!json_is_object(o))
		return vigil_error_set(
		        VIGIL_EINVALID,
		        "json: cannot unmarshal %s into Go struct field %s of type v1.Feature",
		        json_is_array(o) ? "array" : "string", where);
	if ((err = json_get_string(o, "Name", where, &name)) < 0 ||
	    (err = json_get_string(o, "NamespaceName", where, &ns)) < 0 ||
	    (err = json_get_string(o, "VersionFormat", where, &fmt)) < 0 ||
	    (err = json_get_string(o, "Version", where, &ver)) < 0)
		return err;
	if (!ver || strcmp(ver, "None") != 0) {
		vigil_version_format f = vigil_version_format_from_name(fmt ? fmt : "");
		if (f == VIGIL_VERSION_UNKNOWN)
			return vigil_error_set(VIGIL_EINVALID, "unknown version format");
		if (!ver || vigil_version_check(f, ver) < 0)
			return vigil_error_set(VIGIL_EINVALID, "invalid version");
	}
	vigil_clair_vuln_add_fix(v, name, ns, fmt, ver);
	return 0;
}

/* The request's vulnerability into *v (owned) and its JSON object into *obj (borrowed). */
static int parse_vuln(struct request *r, json_t **root, json_t **obj, vigil_clair_vuln *v, int put)
{
	const char *W = "VulnerabilityEnvelope.Vulnerability";
	const char *name, *ns, *desc, *link, *sev;
	json_t *meta, *fixes, *f;
	vigil_severity s;
	size_t i;
	int err;

	memset(v, 0, sizeof(*v));
	if ((err = json_parse_body(root, r->body, r->body_len)) < 0)
		return err;
	if ((err = json_get_object(*root, "Vulnerability", "VulnerabilityEnvelope", obj)) < 0)
		return err;
	if (!*obj)
		return vigil_error_set(VIGIL_EINVALID, "failed to provide vulnerability");
	if ((err = json_get_string(*obj, "Name", W, &name)) < 0 ||
	    (err = json_get_string(*obj, "NamespaceName", W, &ns)) < 0 ||
	    (err = json_get_string(*obj, "Description", W, &desc)) < 0 ||
	    (err = json_get_string(*obj, "Link", W, &link)) < 0 ||
	    (err = json_get_string(*obj, "Severity", W, &sev)) < 0 ||
	    (err = json_get_object(*obj, "Metadata", W, &meta)) < 0 ||
	    (err = json_get_array(*obj, "FixedIn", W, &fixes)) < 0)
		return err;
	if (put && fixes && json_array_size(fixes))
		return vigil_error_set(VIGIL_EINVALID, "Vulnerability.FixedIn must be empty");
	if (!sev || vigil_severity_parse(&s, sev) < 0 || strcasecmp(sev, "none") == 0 ||
	    (strcasecmp(sev, "unknown") && strcasecmp(sev, "negligible") &&
	     strcasecmp(sev, "low") && strcasecmp(sev, "medium") && strcasecmp(sev, "high") &&
	     strcasecmp(sev, "critical") && strcasecmp(sev, "defcon1")))
		return vigil_error_set(VIGIL_EINVALID, "failed to parse Severity from input");
	json_array_foreach(fixes, i, f)
	{
		if ((err = parse_fix(f, "VulnerabilityEnvelope.Vulnerability.FixedIn", v)) < 0)
			return err;
	}
	if (put) {
		name = r->params[1];
		ns = r->params[0];
	}
	v->name = vigil_strdup(name ? name : "");
	v->namespace_name = vigil_strdup(ns ? ns : "");
	v->description = vigil_strdup(desc ? desc : "");
	v->link = vigil_strdup(link ? link : "");
	v->severity = s;
	v->metadata =
	        meta && json_object_size(meta)
	                ? json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17))
	                : NULL;
	if (!*v->name || !*v->namespace_name)
		return vigil_error_set(VIGIL_EINVALID, MSG_NEED_NAME);
	for (i = 0; i < v->nfixes; i++) {
		vigil_clair_fix *x = &v->fixes[i];
		if (!*x->namespace_name) {
			vigil_free(x->namespace_name);
			x->namespace_name = vigil_strdup(v->namespace_name);
		} else if (strcmp(x->namespace_name, v->namespace_name) != 0) {
			return vigil_error_set(
			        VIGIL_EINVALID,
			        "could not insert an invalid vulnerability that "
			        "contains FixedIn FeatureVersion that are not in the "
			        "same namespace as the Vulnerability");
		}
	}
	return 0;
}

/* Re-marshal the request's Vulnerability object in Clair's member order (the echo). */
static void echo_request(vigil_buf *b, json_t *obj)
{
	static const char *const members[] = { "Name", "NamespaceName", "Description", "Link",
		                               "Severity" };
	const char *const fmembers[] = { "Name", "NamespaceName", "VersionFormat", "Version" };
	json_t *meta = json_member(obj, "Metadata"), *fixes = json_member(obj, "FixedIn"), *f;
	size_t i, j;
	int first = 1;

	(void)vigil_buf_puts(b, "{\"Vulnerability\":{");
	for (i = 0; i < 5; i++) {
		json_t *m = json_member(obj, members[i]);
		json_kv_opt(b, &first, members[i], json_is_string(m) ? json_string_value(m) : NULL);
	}
	if (json_is_object(meta) && json_object_size(meta)) {
		char *t = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		json_key(b, &first, "Metadata");
		(void)vigil_buf_puts(b, t);
		free(t);
	}
	if (json_is_array(fixes) && json_array_size(fixes)) {
		json_key(b, &first, "FixedIn");
		(void)vigil_buf_putc(b, '[');
		json_array_foreach(fixes, i, f)
		{
			int ff = 1;
			(void)vigil_buf_puts(b, i ? ",{" : "{");
			for (j = 0; j < 4; j++) {
				json_t *m = json_member(f, fmembers[j]);
				json_kv_opt(b, &ff, fmembers[j],
				            json_is_string(m) ? json_string_value(m) : NULL);
			}
			(void)vigil_buf_putc(b, '}');
		}
		(void)vigil_buf_putc(b, ']');
	}
	(void)vigil_buf_puts(b, "}}");
}

static void write_vuln(struct request *r, int put)
{
	vigil_clair_vuln v;
	json_t *root = NULL, *obj = NULL;
	int err;

	if ((err = parse_vuln(r, &root, &obj, &v, put)) < 0) {
		resp_fail(r, err);
		goto out;
	}
	err = vigil_clair_vuln_write(req_db(r), &v,
	                             put ? VIGIL_CLAIR_KEEP_FIXES : VIGIL_CLAIR_MERGE_FIXES);
	if (err < 0) {
		resp_fail(r, err);
		goto out;
	}
	server_notify_kick(r->srv);
	vigil_buf_reset(&r->resp.body);
	echo_request(&r->resp.body, obj);
	resp_json(r, put ? MHD_HTTP_OK : MHD_HTTP_CREATED);
out:
	vigil_clair_vuln_release(&v);
	json_decref(root);
}

void api_vuln_post(struct request *r)
{
	write_vuln(r, 0);
}

void api_vuln_put(struct request *r)
{
	write_vuln(r, 1);
}

void api_vuln_get(struct request *r)
{
	vigil_clair_vuln v;
	int err = vigil_clair_vuln_get(req_db(r), r->params[0], r->params[1], &v);

	if (err < 0) {
		not_found_or_fail(r, err);
		return;
	}
	vigil_buf_reset(&r->resp.body);
	(void)vigil_buf_puts(&r->resp.body, "{\"Vulnerability\":");
	vuln_json(&r->resp.body, &v, req_has_arg(r, "fixedIn"), NULL);
	(void)vigil_buf_putc(&r->resp.body, '}');
	vigil_clair_vuln_release(&v);
	resp_json(r, MHD_HTTP_OK);
}

void api_vuln_delete(struct request *r)
{
	int err = vigil_clair_vuln_delete(req_db(r), r->params[0], r->params[1]);

	if (err < 0) {
		not_found_or_fail(r, err);
		return;
	}
	server_notify_kick(r->srv);
	resp_empty(r, MHD_HTTP_OK);
}

struct list_out {
	vigil_buf *b;
	int n;
};

static int list_item(const vigil_clair_vuln *v, void *payload)
{
	struct list_out *o = payload;

	if (o->n++)
		(void)vigil_buf_putc(o->b, ',');
	vuln_json(o->b, v, 0, NULL);
	return 0;
}

void api_vulns_list(struct request *r)
{
	vigil_buf *b = &r->resp.body;
	vigil_buf cursor = VIGIL_BUF_INIT, tok = VIGIL_BUF_INIT;
	struct list_out o = { b, 0 };
	const char *page;
	int64_t from = 0, next = -1;
	int limit, err, exists;

	if (req_limit(r, &limit) < 0)
		return;
	if (limit < 0) {
		resp_error(r, VIGIL_EINVALID, "limit value should not be less than zero");
		return;
	}
	page = req_arg(r, "page");
	if (page && *page) {
		if (token_open(r->srv, page, &cursor) < 0 || strncmp(cursor.ptr, "v:", 2) != 0) {
			resp_error(r, VIGIL_EINVALID,
			           "invalid page format: invalid or expired pagination token");
			goto out;
		}
		from = strtoll(cursor.ptr + 2, NULL, 10);
	}
	if ((err = vigil_clair_namespace_exists(req_db(r), r->params[0], &exists)) < 0 || !exists) {
		not_found_or_fail(r, err < 0 ? err : VIGIL_ENOTFOUND);
		goto out;
	}
	vigil_buf_reset(b);
	(void)vigil_buf_puts(b, "{\"Vulnerabilities\":[");
	if ((err = vigil_clair_vuln_list(r->db, r->params[0], from, limit, list_item, &o, &next)) <
	    0) {
		resp_fail(r, err);
		goto out;
	}
	if (o.n == 0) {
		vigil_buf_reset(b);
		(void)vigil_buf_puts(b, "{\"Vulnerabilities\":null");
	} else {
		(void)vigil_buf_putc(b, ']');
	}
	if (next >= 0) {
		vigil_buf_reset(&cursor);
		(void)vigil_buf_printf(&cursor, "v:%lld", (long long)next);
		token_make(r->srv, cursor.ptr, &tok);
		(void)vigil_buf_puts(b, ",\"NextPage\":");
		json_str(b, tok.ptr);
	}
	(void)vigil_buf_putc(b, '}');
	resp_json(r, MHD_HTTP_OK);
out:
	vigil_buf_release(&cursor);
	vigil_buf_release(&tok);
}

void api_fixes_get(struct request *r)
{
	vigil_clair_vuln v;
	vigil_buf *b = &r->resp.body;
	size_t i;
	int err = vigil_clair_vuln_get(req_db(r), r->params[0], r->params[1], &v);

	if (err < 0) {
		not_found_or_fail(r, err);
		return;
	}
	vigil_buf_reset(b);
	if (v.nfixes == 0) {
		(void)vigil_buf_puts(b, "{\"Features\":null}");
	} else {
		(void)vigil_buf_puts(b, "{\"Features\":[");
		for (i = 0; i < v.nfixes; i++) {
			if (i)
				(void)vigil_buf_putc(b, ',');
			fix_json(b, &v.fixes[i]);
		}
		(void)vigil_buf_puts(b, "]}");
	}
	vigil_clair_vuln_release(&v);
	resp_json(r, MHD_HTTP_OK);
}

/* A copy of `v`'s details with no fixes. */
static void details_of(vigil_clair_vuln *out, const vigil_clair_vuln *v)
{
	memset(out, 0, sizeof(*out));
	out->namespace_name = vigil_strdup(v->namespace_name);
	out->name = vigil_strdup(v->name);
	out->description = vigil_strdup(v->description ? v->description : "");
	out->link = vigil_strdup(v->link ? v->link : "");
	out->severity = v->severity;
	out->metadata = v->metadata ? vigil_strdup(v->metadata) : NULL;
}

void api_fix_put(struct request *r)
{
	vigil_clair_vuln cur, in;
	json_t *root = NULL, *feat;
	const char *fname;
	int err;

	memset(&in, 0, sizeof(in));
	memset(&cur, 0, sizeof(cur));
	if ((err = json_parse_body(&root, r->body, r->body_len)) < 0 ||
	    (err = json_get_object(root, "Feature", "FeatureEnvelope", &feat)) < 0) {
		resp_fail(r, err);
		goto out;
	}
	if (!feat) {
		resp_error(r, VIGIL_EINVALID, "failed to provide feature");
		goto out;
	}
	if ((err = json_get_string(feat, "Name", "FeatureEnvelope.Feature", &fname)) < 0) {
		resp_fail(r, err);
		goto out;
	}
	if (!fname || strcmp(fname, r->params[2]) != 0) {
		resp_error(r, VIGIL_EINVALID, "feature name in URL and JSON do not match");
		goto out;
	}
	if ((err = vigil_clair_vuln_get(req_db(r), r->params[0], r->params[1], &cur)) < 0) {
		not_found_or_fail(r, err);
		goto out;
	}
	details_of(&in, &cur);
	if ((err = parse_fix(feat, "FeatureEnvelope.Feature", &in)) < 0) {
		resp_fail(r, err);
		goto out;
	}
	if (strcmp(in.fixes[0].namespace_name, "") == 0) {
		vigil_free(in.fixes[0].namespace_name);
		in.fixes[0].namespace_name = vigil_strdup(cur.namespace_name);
	} else if (strcmp(in.fixes[0].namespace_name, cur.namespace_name) != 0) {
		resp_error(
		        r, VIGIL_EINVALID,
		        "could not insert an invalid vulnerability that contains FixedIn "
		        "FeatureVersion that are not in the same namespace as the Vulnerability");
		goto out;
	}
	if ((err = vigil_clair_vuln_write(r->db, &in, VIGIL_CLAIR_MERGE_FIXES)) < 0) {
		resp_fail(r, err);
		goto out;
	}
	server_notify_kick(r->srv);
	vigil_buf_reset(&r->resp.body);
	(void)vigil_buf_puts(&r->resp.body, "{\"Feature\":");
	fix_json(&r->resp.body, &in.fixes[0]);
	(void)vigil_buf_putc(&r->resp.body, '}');
	resp_json(r, MHD_HTTP_OK);
out:
	vigil_clair_vuln_release(&cur);
	vigil_clair_vuln_release(&in);
	json_decref(root);
}

void api_fix_delete(struct request *r)
{
	vigil_clair_vuln cur, in;
	size_t i;
	int err, have = 0;

	memset(&in, 0, sizeof(in));
	if ((err = vigil_clair_vuln_get(req_db(r), r->params[0], r->params[1], &cur)) < 0) {
		not_found_or_fail(r, err);
		return;
	}
	for (i = 0; i < cur.nfixes; i++)
		have |= strcmp(cur.fixes[i].name, r->params[2]) == 0;
	if (!have) {
		resp_error(r, VIGIL_ENOTFOUND, MSG_NOT_FOUND);
		goto out;
	}
	details_of(&in, &cur);
	vigil_clair_vuln_add_fix(&in, r->params[2], cur.namespace_name, "", "");
	if ((err = vigil_clair_vuln_write(r->db, &in, VIGIL_CLAIR_DELETE_FIXES)) < 0) {
		resp_fail(r, err);
		goto out;
	}
	server_notify_kick(r->srv);
	resp_empty(r, MHD_HTTP_OK);
out:
	vigil_clair_vuln_release(&cur);
	vigil_clair_vuln_release(&in);
}
