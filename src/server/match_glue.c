/*
 * Which vulnerabilities affect a feature, for GET /v1/layers/:name?vulnerabilities.
 *
 * Kept in this one file so the real matcher (src/lib/match) can replace it.
 * Clair's rule, applied to two sources:
 *   - vulnerabilities written through the API: a fixed-in statement for
 *     (namespace, feature name) affects the feature when its version is
 *     "None" or the installed version is lower (the feature's version format);
 *   - feed records (vigil db import/update) for (namespace, feature name):
 *     "fixed in V" when installed < V, "no fix" always, "not affected" never.
 * One entry per vulnerability ID, the API's first; for several feed
 * records of one ID the lowest fixed version above the installed one wins.
 */
#include "server.h"

#include <string.h>

struct hit {
	char *id;
	char *fixed_by; /* "" = no fix */
	int64_t vuln_id; /* API row, else 0 */
	/* feed record details */
	char *description, *link, *metadata;
	vigil_severity severity;
};

struct hits {
	struct hit *items;
	size_t n, cap;
	const vigil_clair_feature *f;
	vigil_version_format fmt;
};

static struct hit *find(struct hits *h, const char *id)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->items[i].id, id) == 0)
			return &h->items[i];
	return NULL;
}

static struct hit *add(struct hits *h, const char *id)
{
	struct hit *x;

	h->items = vigil_array_grow(h->items, &h->cap, h->n + 1, sizeof(*h->items));
	x = &h->items[h->n++];
	memset(x, 0, sizeof(*x));
	x->id = vigil_strdup(id);
	return x;
}

static int affects(struct hits *h, const char *fixed)
{
	return vigil_version_cmp(h->fmt, h->f->version, fixed) < 0;
}

struct api_ctx {
	struct hits *h;
	vigil_clair *db;
};

static int on_fix(const vigil_clair_fix_match *m, void *payload)
{
	struct api_ctx *ac = payload;
	int none = strcmp(m->version, "None") == 0;
	vigil_clair_vuln v;
	struct hit *x;
	int err;

	if (!none && !affects(ac->h, m->version))
		return 0;
	if ((err = vigil_clair_vuln_by_id(ac->db, m->vuln_id, &v)) < 0)
		return err == VIGIL_ENOTFOUND ? 0 : err;
	if (!find(ac->h, v.name)) {
		x = add(ac->h, v.name);
		x->vuln_id = m->vuln_id;
		x->fixed_by = vigil_strdup(none ? "" : m->version);
	}
	vigil_clair_vuln_release(&v);
	return 0;
}

static int on_record(const vigil_clair_feed_record *rec, void *payload)
{
	struct hits *h = payload;
	struct hit *x;
	const char *fixed = "";

	if (rec->status == 2)
		return 0;
	if (rec->status == 0) {
		if (!affects(h, rec->fixed_version))
			return 0;
		fixed = rec->fixed_version;
	}
	x = find(h, rec->vuln);
	if (x) {
		if (x->vuln_id == 0 && x->fixed_by[0] && fixed[0] &&
		    vigil_version_cmp(h->fmt, fixed, x->fixed_by) < 0) {
			vigil_free(x->fixed_by);
			x->fixed_by = vigil_strdup(fixed);
		}
		return 0;
	}
	x = add(h, rec->vuln);
	x->fixed_by = vigil_strdup(fixed);
	x->description = vigil_strdup(rec->description ? rec->description : "");
	x->link = vigil_strdup(rec->link ? rec->link : "");
	x->metadata = rec->metadata ? vigil_strdup(rec->metadata) : NULL;
	x->severity = rec->severity;
	return 0;
}

static void metadata_json(vigil_buf *b, int *first, const char *m)
{
	size_t n;

	if (!m)
		return;
	while (*m == ' ' || *m == '\n')
		m++;
	n = strlen(m);
	if (n < 2 || *m != '{' || strcmp(m, "{}") == 0)
		return;
	json_key(b, first, "Metadata");
	(void)vigil_buf_puts(b, m);
}

void fix_json(vigil_buf *b, const vigil_clair_fix *f)
{
	int first = 1;

	(void)vigil_buf_putc(b, '{');
	json_kv_opt(b, &first, "Name", f->name);
	json_kv_opt(b, &first, "NamespaceName", f->namespace_name);
	json_kv_opt(b, &first, "VersionFormat", f->version_format);
	json_kv_opt(b, &first, "Version", f->version);
	(void)vigil_buf_putc(b, '}');
}

void vuln_json(vigil_buf *b, const vigil_clair_vuln *v, int with_fixes, const char *fixed_by)
{
	int first = 1;
	size_t i;

	(void)vigil_buf_putc(b, '{');
	json_kv_opt(b, &first, "Name", v->name);
	json_kv_opt(b, &first, "NamespaceName", v->namespace_name);
	json_kv_opt(b, &first, "Description", v->description);
	json_kv_opt(b, &first, "Link", v->link);
	json_kv_opt(b, &first, "Severity", vigil_severity_name(v->severity));
	metadata_json(b, &first, v->metadata);
	json_kv_opt(b, &first, "FixedBy", fixed_by);
	if (with_fixes && v->nfixes) {
		json_key(b, &first, "FixedIn");
		(void)vigil_buf_putc(b, '[');
		for (i = 0; i < v->nfixes; i++) {
			if (i)
				(void)vigil_buf_putc(b, ',');
			fix_json(b, &v->fixes[i]);
		}
		(void)vigil_buf_putc(b, ']');
	}
	(void)vigil_buf_putc(b, '}');
}

int match_feature_vulns(vigil_clair *db, const vigil_clair_feature *f, vigil_buf *out)
{
	struct hits h = { NULL, 0, 0, f, vigil_version_format_from_name(f->version_format) };
	struct api_ctx ac = { &h, db };
	size_t i;
	int err;

	if (h.fmt == VIGIL_VERSION_UNKNOWN)
		h.fmt = VIGIL_VERSION_DPKG;
	err = vigil_clair_fixes_for(db, f->namespace_name, f->name, on_fix, &ac);
	if (err == 0)
		err = vigil_clair_feed_records(db, f->namespace_name, f->name, on_record, &h);
	if (err == 0 && h.n) {
		(void)vigil_buf_puts(out, ",\"Vulnerabilities\":[");
		for (i = 0; i < h.n && err == 0; i++) {
			struct hit *x = &h.items[i];
			vigil_clair_vuln v;
			if (i)
				(void)vigil_buf_putc(out, ',');
			if (x->vuln_id) {
				if ((err = vigil_clair_vuln_by_id(db, x->vuln_id, &v)) == 0)
					vuln_json(out, &v, 0, x->fixed_by);
				vigil_clair_vuln_release(&v);
			} else {
				memset(&v, 0, sizeof(v));
				v.name = x->id;
				v.namespace_name = (char *)f->namespace_name;
				v.description = x->description;
				v.link = x->link;
				v.severity = x->severity;
				v.metadata = x->metadata;
				vuln_json(out, &v, 0, x->fixed_by);
			}
		}
		(void)vigil_buf_putc(out, ']');
	}
	for (i = 0; i < h.n; i++) {
		vigil_free(h.items[i].id);
		vigil_free(h.items[i].fixed_by);
		vigil_free(h.items[i].description);
		vigil_free(h.items[i].link);
		vigil_free(h.items[i].metadata);
	}
	vigil_free(h.items);
	return err;
}
