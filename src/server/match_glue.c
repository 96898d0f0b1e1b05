/*
 * Which vulnerabilities affect a layer's features, for GET
 * /v1/layers/:name?vulnerabilities. Two sources:
 *   - vulnerabilities written through the API, by Clair's rule: a fixed-in
 *     statement for (namespace, feature name) affects the feature when its
 *     version is "None" or the installed version is lower (the feature's
 *     version format);
 *   - the imported feeds, by the rules `vigil scan` applies
 *     (vigil_clair_feed_match(): the same matcher, one store query per
 *     namespace of the layer).
 * One entry per vulnerability ID, the API's first.
 */
#include "server.h"
#include "../util/strmap.h"

#include <stdio.h>
#include <string.h>

struct hit {
	char *id;
	char *fixed_by;  /* "" = no fix */
	int64_t vuln_id; /* API row, else 0 */
	/* feed finding details */
	char *description, *link, *metadata;
	vigil_severity severity;
};

struct hits {
	struct hit *items;
	size_t n, cap;
};

/* The API fixes of one namespace, by feature name. */
struct fixlist {
	struct fixitem {
		char *version;
		int64_t vuln_id;
	} * items;
	size_t n, cap;
};

struct ns_cache {
	struct match_ctx *m;
	char *ns;
	struct vigil_strmap fixes; /* name -> struct fixlist * */
	struct fixlist **lists;
	size_t nlists;
};

struct match_ctx {
	vigil_clair *db;
	const vigil_clair_feature *f; /* the layer's features (borrowed) */
	size_t nf;
	struct hits *feed; /* per feature: its feed findings */
	struct ns_cache *ns;
	size_t nns;
	struct vigil_strmap vulns; /* vulnerability row id -> vigil_clair_vuln * */
	vigil_clair_vuln **vlist;
	size_t nv;
};

static struct hit *add(struct hits *h, const char *id)
{
	struct hit *x;

	h->items = vigil_array_grow(h->items, &h->cap, h->n + 1, sizeof(*h->items));
	x = &h->items[h->n++];
	memset(x, 0, sizeof(*x));
	x->id = vigil_strdup(id);
	return x;
}

static struct hit *find(const struct hits *h, const char *id)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->items[i].id, id) == 0)
			return &h->items[i];
	return NULL;
}

static void hits_release(struct hits *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		vigil_free(h->items[i].id);
		vigil_free(h->items[i].fixed_by);
		vigil_free(h->items[i].description);
		vigil_free(h->items[i].link);
		vigil_free(h->items[i].metadata);
	}
	vigil_free(h->items);
}

static int on_finding(const vigil_clair_finding *f, void *payload)
{
	struct hits *feed = payload;
	struct hit *x = add(&feed[f->feature], f->id);

	x->fixed_by = vigil_strdup(f->fixed_version);
	x->description = vigil_strdup(f->description ? f->description : "");
	x->link = vigil_strdup(f->link ? f->link : "");
	x->metadata = f->metadata ? vigil_strdup(f->metadata) : NULL;
	x->severity = f->severity;
	return 0;
}

/* The feed findings of every feature, one match per run of one namespace. */
static int feed_findings(struct match_ctx *m)
{
	size_t start, end;
	int err = 0;

	for (start = 0; start < m->nf && err == 0; start = end) {
		const char *ns = m->f[start].namespace_name;
		for (end = start + 1; end < m->nf && strcmp(m->f[end].namespace_name, ns) == 0;
		     end++)
			;
		err = vigil_clair_feed_match(m->db, ns, m->f + start, end - start, on_finding,
		                             m->feed + start);
	}
	return err;
}

int match_new(struct match_ctx **out, vigil_clair *db, const vigil_clair_feature *f, size_t n)
{
	struct match_ctx *m = vigil_calloc(1, sizeof(*m));
	int err;

	m->db = db;
	m->f = f;
	m->nf = n;
	m->feed = vigil_calloc(n ? n : 1, sizeof(*m->feed));
	if ((err = feed_findings(m)) < 0) {
		match_free(m);
		m = NULL;
	}
	*out = m;
	return err;
}

void match_free(struct match_ctx *m)
{
	size_t i, j, k;

	if (!m)
		return;
	for (i = 0; i < m->nf; i++)
		hits_release(&m->feed[i]);
	vigil_free(m->feed);
	for (i = 0; i < m->nns; i++) {
		struct ns_cache *c = &m->ns[i];
		for (j = 0; j < c->nlists; j++) {
			for (k = 0; k < c->lists[j]->n; k++)
				vigil_free(c->lists[j]->items[k].version);
			vigil_free(c->lists[j]->items);
			vigil_free(c->lists[j]);
		}
		vigil_free(c->lists);
		vigil_strmap_release(&c->fixes);
		vigil_free(c->ns);
	}
	vigil_free(m->ns);
	for (i = 0; i < m->nv; i++) {
		vigil_clair_vuln_release(m->vlist[i]);
		vigil_free(m->vlist[i]);
	}
	vigil_free(m->vlist);
	vigil_strmap_release(&m->vulns);
	vigil_free(m);
}

static char *dup_or_null(const char *s)
{
	return s ? vigil_strdup(s) : NULL;
}

/* Keep vulnerability row `v` (its fixes are not needed) unless kept already. */
static void vuln_keep(struct match_ctx *m, const vigil_clair_vuln *v)
{
	char key[32];
	vigil_clair_vuln *k;

	snprintf(key, sizeof(key), "%lld", (long long)v->id);
	if (vigil_strmap_get(&m->vulns, key))
		return;
	k = vigil_calloc(1, sizeof(*k));
	k->id = v->id;
	k->namespace_name = dup_or_null(v->namespace_name);
	k->name = dup_or_null(v->name);
	k->description = dup_or_null(v->description);
	k->link = dup_or_null(v->link);
	k->severity = v->severity;
	k->metadata = dup_or_null(v->metadata);
	vigil_strmap_put(&m->vulns, key, k);
	m->vlist = vigil_realloc(m->vlist, (m->nv + 1) * sizeof(*m->vlist));
	m->vlist[m->nv++] = k;
}

static int cache_fix(const char *feature, const vigil_clair_fix_match *fm, void *payload)
{
	struct ns_cache *c = payload;
	struct fixlist *l = vigil_strmap_get(&c->fixes, feature);

	if (fm->vuln)
		vuln_keep(c->m, fm->vuln);

	if (!l) {
		l = vigil_calloc(1, sizeof(*l));
		vigil_strmap_put(&c->fixes, feature, l);
		c->lists = vigil_realloc(c->lists, (c->nlists + 1) * sizeof(*c->lists));
		c->lists[c->nlists++] = l;
	}
	l->items = vigil_array_grow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	l->items[l->n].version = vigil_strdup(fm->version);
	l->items[l->n].vuln_id = fm->vuln_id;
	l->n++;
	return 0;
}

/* The API fixes of namespace `ns`, loaded once per request. */
static int ns_get(struct match_ctx *m, const char *ns, struct ns_cache **out)
{
	struct ns_cache *c;
	size_t i;

	for (i = 0; i < m->nns; i++)
		if (strcmp(m->ns[i].ns, ns) == 0) {
			*out = &m->ns[i];
			return 0;
		}
	m->ns = vigil_realloc(m->ns, (m->nns + 1) * sizeof(*m->ns));
	c = &m->ns[m->nns++];
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->ns = vigil_strdup(ns);
	*out = c;
	return vigil_clair_namespace_fixes(m->db, ns, cache_fix, c);
}

/* Vulnerability row `id`: kept from the namespace's fixes, else loaded once. Borrowed from m. */
static int vuln_get(struct match_ctx *m, int64_t id, const vigil_clair_vuln **out)
{
	char key[32];
	vigil_clair_vuln *v;
	int err;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if ((v = vigil_strmap_get(&m->vulns, key)) != NULL) {
		*out = v;
		return 0;
	}
	v = vigil_calloc(1, sizeof(*v));
	if ((err = vigil_clair_vuln_by_id(m->db, id, v)) < 0) {
		vigil_free(v);
		return err;
	}
	vigil_strmap_put(&m->vulns, key, v);
	m->vlist = vigil_realloc(m->vlist, (m->nv + 1) * sizeof(*m->vlist));
	m->vlist[m->nv++] = v;
	*out = v;
	return 0;
}

/* The API vulnerabilities affecting feature `f`, by Clair's rule, into h. */
static void api_hits(struct match_ctx *m, struct hits *h, const vigil_clair_feature *f,
                     const struct fixlist *l)
{
	vigil_version_format fmt = vigil_version_format_from_name(f->version_format);
	size_t i;

	if (fmt == VIGIL_VERSION_UNKNOWN)
		fmt = VIGIL_VERSION_DPKG;
	for (i = 0; l && i < l->n; i++) {
		const vigil_clair_vuln *v;
		int none = strcmp(l->items[i].version, "None") == 0;
		struct hit *x;
		if (!none && vigil_version_cmp(fmt, f->version, l->items[i].version) >= 0)
			continue;
		if (vuln_get(m, l->items[i].vuln_id, &v) < 0 || find(h, v->name))
			continue;
		x = add(h, v->name);
		x->vuln_id = l->items[i].vuln_id;
		x->fixed_by = vigil_strdup(none ? "" : l->items[i].version);
	}
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

static int hit_json(struct match_ctx *m, vigil_buf *out, const struct hit *x, const char *ns)
{
	const vigil_clair_vuln *av;
	vigil_clair_vuln v;
	int err;

	if (x->vuln_id) {
		if ((err = vuln_get(m, x->vuln_id, &av)) == 0)
			vuln_json(out, av, 0, x->fixed_by);
		return err;
	}
	memset(&v, 0, sizeof(v));
	v.name = x->id;
	v.namespace_name = (char *)ns;
	v.description = x->description;
	v.link = x->link;
	v.severity = x->severity;
	v.metadata = x->metadata;
	vuln_json(out, &v, 0, x->fixed_by);
	return 0;
}

int match_feature_vulns(struct match_ctx *m, size_t i, vigil_buf *out)
{
	const vigil_clair_feature *f = &m->f[i];
	const struct hits *feed = &m->feed[i];
	struct hits api = { NULL, 0, 0 };
	struct ns_cache *c;
	size_t k, n = 0;
	int err;

	if ((err = ns_get(m, f->namespace_name, &c)) < 0)
		return err;
	api_hits(m, &api, f, vigil_strmap_get(&c->fixes, f->name));
	for (k = 0; k < api.n + feed->n && err == 0; k++) {
		const struct hit *x = k < api.n ? &api.items[k] : &feed->items[k - api.n];
		if (k >= api.n && find(&api, x->id))
			continue;
		(void)vigil_buf_puts(out, n++ ? "," : ",\"Vulnerabilities\":[");
		err = hit_json(m, out, x, f->namespace_name);
	}
	if (n)
		(void)vigil_buf_putc(out, ']');
	hits_release(&api);
	return err;
}
