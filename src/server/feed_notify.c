/*
 * Notifications for changes that feed updates make, as Clair's updater made
 * them: a feed update that changes which stored layers a vulnerability
 * affects creates a notification from the old vulnerability to the new one.
 *
 * A snapshot holds the feed findings of every distinct feature of the stored
 * layers, by the matcher GET ?vulnerabilities uses (vigil_clair_feed_match(),
 * one query per namespace), grouped per (namespace, vulnerability ID): the
 * vulnerability's details, one fixed-in entry per feature name ("None" when
 * there is no fix) and the features it affects. The updater takes one before
 * and one after an update; every (namespace, ID) whose affected features
 * differ gets a notification whose old and new vulnerabilities are stored as
 * snapshot rows (vigil_clair_notify_change()), so GET /v1/notifications
 * pages their layers like any other notification. When an ID affects no
 * stored feature any more, its new side is what the feeds now say of those
 * features (a fix at or below the installed version), or none when they say
 * nothing. Namespaces without feed data before the update are skipped: a
 * first import is not a change (Clair skipped its first update likewise).
 */
#include "server.h"
#include "../util/strmap.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	vigil_clair_vuln v;
	char *data_ns;   /* the namespace of the feed records */
	char **affected; /* "name\tversion", in feature order */
	size_t naff, cap;
	char **keys; /* per fix of v: the name the feed records use (apk: the origin) */
	size_t kcap;
};

struct feed_snapshot {
	struct vigil_strmap map; /* "namespace\nID" -> struct entry * */
	struct entry **list;
	size_t n, cap;
	struct vigil_strmap covered; /* namespaces with feed data */
};

/* One namespace's features being matched. */
struct take_ctx {
	struct feed_snapshot *snap;
	const vigil_clair_feature *f;
	const char *data_ns;
};

static void entry_key(vigil_buf *key, const char *ns, const char *id)
{
	vigil_buf_reset(key);
	(void)vigil_buf_printf(key, "%s\n%s", ns, id);
}

static struct entry *entry_get(struct feed_snapshot *s, const struct take_ctx *t,
                               const vigil_clair_finding *r)
{
	const char *ns = t->f[r->feature].namespace_name;
	vigil_buf key = VIGIL_BUF_INIT;
	struct entry *e;

	entry_key(&key, ns, r->id);
	if ((e = vigil_strmap_get(&s->map, key.ptr)) == NULL) {
		e = vigil_calloc(1, sizeof(*e));
		e->v.namespace_name = vigil_strdup(ns);
		e->v.name = vigil_strdup(r->id);
		e->v.description = vigil_strdup(r->description ? r->description : "");
		e->v.link = vigil_strdup(r->link ? r->link : "");
		e->v.severity = r->severity;
		e->v.metadata = r->metadata ? vigil_strdup(r->metadata) : NULL;
		e->data_ns = vigil_strdup(t->data_ns);
		vigil_strmap_put(&s->map, key.ptr, e);
		s->list = vigil_array_grow(s->list, &s->cap, s->n + 1, sizeof(*s->list));
		s->list[s->n++] = e;
	}
	vigil_buf_release(&key);
	return e;
}

static int has_fix(const vigil_clair_vuln *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nfixes; i++)
		if (strcmp(v->fixes[i].name, name) == 0)
			return 1;
	return 0;
}

static int on_finding(const vigil_clair_finding *r, void *payload)
{
	struct take_ctx *t = payload;
	const vigil_clair_feature *f = &t->f[r->feature];
	struct entry *e = entry_get(t->snap, t, r);
	vigil_buf b = VIGIL_BUF_INIT;

	if (!has_fix(&e->v, f->name)) {
		e->keys = vigil_array_grow(e->keys, &e->kcap, e->v.nfixes + 1, sizeof(*e->keys));
		e->keys[e->v.nfixes] = vigil_strdup(
		        f->source_name && f->source_name[0] ? f->source_name : f->name);
		vigil_clair_vuln_add_fix(&e->v, f->name, f->namespace_name, f->version_format,
		                         r->fixed_version[0] ? r->fixed_version : "None");
	}
	(void)vigil_buf_printf(&b, "%s\t%s", f->name, f->version);
	e->affected = vigil_array_grow(e->affected, &e->cap, e->naff + 1, sizeof(*e->affected));
	e->affected[e->naff++] = vigil_buf_detach(&b, NULL);
	return 0;
}

/* The features f[0..n) of one namespace. */
static int take_namespace(vigil_clair *db, struct feed_snapshot *s, const vigil_clair_feature *f,
                          size_t n)
{
	char data_ns[128];
	struct take_ctx t = { s, f, data_ns };
	int err;

	err = vigil_clair_feed_namespace(db, f->namespace_name, data_ns, sizeof(data_ns));
	if (err == VIGIL_ENOTFOUND)
		return 0;
	if (err < 0)
		return err;
	vigil_strmap_put(&s->covered, f->namespace_name, NULL);
	return vigil_clair_feed_match(db, f->namespace_name, f, n, on_finding, &t);
}

int feed_snapshot_take(vigil_clair *db, struct feed_snapshot **out)
{
	struct feed_snapshot *s = vigil_calloc(1, sizeof(*s));
	struct feature_list l = { NULL, 0, 0, VIGIL_BUF_INIT };
	size_t start, end;
	int err;

	*out = NULL;
	err = vigil_clair_stored_features(db, feature_list_add, &l);
	feature_list_done(&l);
	for (start = 0; err == 0 && start < l.n; start = end) {
		const char *ns = l.items[start].namespace_name;
		for (end = start + 1; end < l.n && strcmp(l.items[end].namespace_name, ns) == 0;
		     end++)
			;
		if (ns[0])
			err = take_namespace(db, s, l.items + start, end - start);
	}
	feature_list_release(&l);
	if (err < 0) {
		feed_snapshot_free(s);
		return err;
	}
	*out = s;
	return 0;
}

void feed_snapshot_free(struct feed_snapshot *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->list[i]->naff; j++)
			vigil_free(s->list[i]->affected[j]);
		vigil_free(s->list[i]->affected);
		vigil_free(s->list[i]->data_ns);
		for (j = 0; j < s->list[i]->v.nfixes; j++)
			vigil_free(s->list[i]->keys[j]);
		vigil_free(s->list[i]->keys);
		vigil_clair_vuln_release(&s->list[i]->v);
		vigil_free(s->list[i]);
	}
	vigil_free(s->list);
	vigil_strmap_release(&s->map);
	vigil_strmap_release(&s->covered);
	vigil_free(s);
}

static int same_affected(const struct entry *a, const struct entry *b)
{
	size_t i;

	if (a->naff != b->naff)
		return 0;
	for (i = 0; i < a->naff; i++)
		if (strcmp(a->affected[i], b->affected[i]) != 0)
			return 0;
	return 1;
}

/* What the feeds now say of `id` for the features `old` affected. */
struct now_ctx {
	const char *id;
	const char *name;
	const vigil_clair_fix *fix; /* for the namespace and format */
	vigil_clair_vuln *v;
};

static int now_record(const vigil_clair_feed_record *r, void *payload)
{
	struct now_ctx *c = payload;

	if (strcmp(r->vuln, c->id) != 0 || r->status > 1 || has_fix(c->v, c->name))
		return 0;
	if (!c->v->nfixes) {
		c->v->description = vigil_strdup(r->description ? r->description : "");
		c->v->link = vigil_strdup(r->link ? r->link : "");
		c->v->severity = r->severity;
		c->v->metadata = r->metadata ? vigil_strdup(r->metadata) : NULL;
	}
	vigil_clair_vuln_add_fix(c->v, c->name, c->fix->namespace_name, c->fix->version_format,
	                         r->status == 1 ? "None" : r->fixed_version);
	return 0;
}

static int vuln_now(vigil_clair *db, const struct entry *old, vigil_clair_vuln *out)
{
	size_t i;
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < old->v.nfixes && err == 0; i++) {
		struct now_ctx c = { old->v.name, old->v.fixes[i].name, &old->v.fixes[i], out };
		err = vigil_clair_feed_records(db, old->data_ns, old->keys[i], now_record, &c);
	}
	if (out->nfixes) {
		out->namespace_name = vigil_strdup(old->v.namespace_name);
		out->name = vigil_strdup(old->v.name);
	}
	return err;
}

static int notify_gone(vigil_clair *db, const struct entry *old, unsigned *made)
{
	vigil_clair_vuln now;
	int err;

	if ((err = vuln_now(db, old, &now)) == 0 &&
	    (err = vigil_clair_notify_change(db, &old->v, now.nfixes ? &now : NULL)) == 0)
		(*made)++;
	vigil_clair_vuln_release(&now);
	return err;
}

int feed_snapshot_notify(vigil_clair *db, const struct feed_snapshot *before,
                         const struct feed_snapshot *after, unsigned *made)
{
	vigil_buf key = VIGIL_BUF_INIT;
	size_t i;
	int err = 0;

	*made = 0;
	for (i = 0; err == 0 && i < after->n; i++) {
		const struct entry *a = after->list[i], *b;
		if (!vigil_strmap_has(&before->covered, a->v.namespace_name))
			continue;
		entry_key(&key, a->v.namespace_name, a->v.name);
		b = vigil_strmap_get(&before->map, key.ptr);
		if (b && same_affected(b, a))
			continue;
		if ((err = vigil_clair_notify_change(db, b ? &b->v : NULL, &a->v)) == 0)
			(*made)++;
	}
	for (i = 0; err == 0 && i < before->n; i++) {
		const struct entry *b = before->list[i];
		entry_key(&key, b->v.namespace_name, b->v.name);
		if (!vigil_strmap_has(&after->map, key.ptr))
			err = notify_gone(db, b, made);
	}
	vigil_buf_release(&key);
	return err;
}
