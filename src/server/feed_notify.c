/*
 * Notifications for changes that feed updates make, as Clair's updater made
 * them: a feed update that changes which stored layers a vulnerability
 * affects creates a notification from the old vulnerability to the new one.
 *
 * A snapshot records, for every distinct feature of the stored layers, what
 * the feeds say of it (Clair's rule, as GET ?vulnerabilities applies it): per
 * (namespace, vulnerability ID) the vulnerability's details, one fixed-in
 * entry per feature name ("None" when no fix exists; the highest fixed
 * version when several records give one) and the features it affects. The
 * updater takes one before and one after an update; every (namespace, ID)
 * whose affected features differ gets a notification whose old and new
 * vulnerabilities are stored as snapshot rows (vigil_clair_notify_change()),
 * so GET /v1/notifications pages their layers like any other notification.
 * Namespaces no feed covered before the update are skipped: a first import is
 * not a change (Clair skipped its first update for the same reason).
 */
#include "server.h"
#include "../util/strmap.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	vigil_clair_vuln v;
	char **affected; /* "name\tversion", in feature order */
	size_t naff, cap;
};

struct feed_snapshot {
	struct vigil_strmap map; /* "namespace\nID" -> struct entry * */
	struct entry **list;
	size_t n, cap;
	struct vigil_strmap covered; /* namespaces some feed covered */
};

/* The stored features, copied: the records are looked up after the listing. */
struct feature_list {
	vigil_clair_feature *items;
	size_t n, cap;
};

struct take_ctx {
	struct feed_snapshot *snap;
	const vigil_clair_feature *f;
	vigil_version_format fmt;
};

static int copy_feature(const vigil_clair_feature *f, void *payload)
{
	struct feature_list *l = payload;
	vigil_clair_feature *c;

	l->items = vigil_array_grow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	c = &l->items[l->n++];
	memset(c, 0, sizeof(*c));
	c->name = vigil_strdup(f->name);
	c->version = vigil_strdup(f->version);
	c->namespace_name = vigil_strdup(f->namespace_name);
	c->version_format = vigil_strdup(f->version_format);
	return 0;
}

static void feature_list_release(struct feature_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		vigil_free((char *)l->items[i].name);
		vigil_free((char *)l->items[i].version);
		vigil_free((char *)l->items[i].namespace_name);
		vigil_free((char *)l->items[i].version_format);
	}
	vigil_free(l->items);
}

static struct entry *entry_get(struct feed_snapshot *s, const char *ns,
                               const vigil_clair_feed_record *r)
{
	vigil_buf key = VIGIL_BUF_INIT;
	struct entry *e;

	(void)vigil_buf_printf(&key, "%s\n%s", ns, r->vuln);
	if ((e = vigil_strmap_get(&s->map, key.ptr)) == NULL) {
		e = vigil_calloc(1, sizeof(*e));
		e->v.namespace_name = vigil_strdup(ns);
		e->v.name = vigil_strdup(r->vuln);
		e->v.description = vigil_strdup(r->description ? r->description : "");
		e->v.link = vigil_strdup(r->link ? r->link : "");
		e->v.severity = r->severity;
		e->v.metadata = r->metadata ? vigil_strdup(r->metadata) : NULL;
		vigil_strmap_put(&s->map, key.ptr, e);
		s->list = vigil_array_grow(s->list, &s->cap, s->n + 1, sizeof(*s->list));
		s->list[s->n++] = e;
	}
	vigil_buf_release(&key);
	return e;
}

/* One fixed-in entry per feature name: "None" wins, else the highest version. */
static void entry_fix(struct entry *e, const struct take_ctx *t, const char *version)
{
	size_t i;

	for (i = 0; i < e->v.nfixes; i++) {
		vigil_clair_fix *x = &e->v.fixes[i];
		if (strcmp(x->name, t->f->name) != 0)
			continue;
		if (strcmp(x->version, "None") != 0 &&
		    (strcmp(version, "None") == 0 ||
		     vigil_version_cmp(t->fmt, x->version, version) < 0)) {
			vigil_free(x->version);
			x->version = vigil_strdup(version);
		}
		return;
	}
	vigil_clair_vuln_add_fix(&e->v, t->f->name, t->f->namespace_name, t->f->version_format,
	                         version);
}

static void entry_affect(struct entry *e, const vigil_clair_feature *f)
{
	vigil_buf b = VIGIL_BUF_INIT;

	(void)vigil_buf_printf(&b, "%s\t%s", f->name, f->version);
	if (e->naff && strcmp(e->affected[e->naff - 1], b.ptr) == 0) {
		vigil_buf_release(&b);
		return;
	}
	e->affected = vigil_array_grow(e->affected, &e->cap, e->naff + 1, sizeof(*e->affected));
	e->affected[e->naff++] = vigil_buf_detach(&b, NULL);
}

static int on_record(const vigil_clair_feed_record *r, void *payload)
{
	struct take_ctx *t = payload;
	struct entry *e;
	int none = r->status == 1;

	if (r->status != 0 && r->status != 1)
		return 0;
	e = entry_get(t->snap, t->f->namespace_name, r);
	entry_fix(e, t, none ? "None" : r->fixed_version);
	if (none || vigil_version_cmp(t->fmt, t->f->version, r->fixed_version) < 0)
		entry_affect(e, t->f);
	return 0;
}

static int take_feature(vigil_clair *db, struct feed_snapshot *s, const vigil_clair_feature *f,
                        const char **last_ns, int *covered)
{
	struct take_ctx t = { s, f, vigil_version_format_from_name(f->version_format) };
	int err;

	if (!*last_ns || strcmp(*last_ns, f->namespace_name) != 0) {
		*last_ns = f->namespace_name;
		if ((err = vigil_clair_feed_covers(db, f->namespace_name, covered)) < 0)
			return err;
		if (*covered)
			vigil_strmap_put(&s->covered, f->namespace_name, NULL);
	}
	if (!*covered || !f->namespace_name[0])
		return 0;
	if (t.fmt == VIGIL_VERSION_UNKNOWN)
		t.fmt = VIGIL_VERSION_DPKG;
	return vigil_clair_feed_records(db, f->namespace_name, f->name, on_record, &t);
}

int feed_snapshot_take(vigil_clair *db, struct feed_snapshot **out)
{
	struct feed_snapshot *s = vigil_calloc(1, sizeof(*s));
	struct feature_list l = { NULL, 0, 0 };
	const char *last_ns = NULL;
	int covered = 0, err;
	size_t i;

	*out = NULL;
	err = vigil_clair_stored_features(db, copy_feature, &l);
	for (i = 0; err == 0 && i < l.n; i++)
		err = take_feature(db, s, &l.items[i], &last_ns, &covered);
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
	size_t i, na = a ? a->naff : 0, nb = b ? b->naff : 0;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a->affected[i], b->affected[i]) != 0)
			return 0;
	return 1;
}

static int notify_one(vigil_clair *db, const struct entry *old, const struct entry *new_e,
                      unsigned *made)
{
	int err;

	if (same_affected(old, new_e))
		return 0;
	err = vigil_clair_notify_change(db, old ? &old->v : NULL, new_e ? &new_e->v : NULL);
	if (err == 0)
		(*made)++;
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
		const struct entry *a = after->list[i];
		if (!vigil_strmap_has(&before->covered, a->v.namespace_name))
			continue;
		vigil_buf_reset(&key);
		(void)vigil_buf_printf(&key, "%s\n%s", a->v.namespace_name, a->v.name);
		err = notify_one(db, vigil_strmap_get(&before->map, key.ptr), a, made);
	}
	for (i = 0; err == 0 && i < before->n; i++) {
		const struct entry *b = before->list[i];
		vigil_buf_reset(&key);
		(void)vigil_buf_printf(&key, "%s\n%s", b->v.namespace_name, b->v.name);
		if (!vigil_strmap_has(&after->map, key.ptr))
			err = notify_one(db, b, NULL, made);
	}
	vigil_buf_release(&key);
	return err;
}
