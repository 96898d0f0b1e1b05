/*
 * A list of features owning its strings: what a layer's or the store's
 * feature callbacks give, kept for work that needs them all at once (the
 * batched feed match of a layer, the feed snapshots).
 */
#include "server.h"

#include <string.h>

static char *dup0(const char *s)
{
	return vigil_strdup(s ? s : "");
}

int feature_list_add(const vigil_clair_feature *f, void *payload)
{
	struct feature_list *l = payload;
	vigil_clair_feature *c;

	l->items = vigil_array_grow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	c = &l->items[l->n++];
	memset(c, 0, sizeof(*c));
	c->name = dup0(f->name);
	c->version = dup0(f->version);
	c->namespace_name = dup0(f->namespace_name);
	c->version_format = dup0(f->version_format);
	c->added_by = f->added_by ? vigil_strdup(f->added_by) : NULL;
	c->added_by_id = f->added_by_id;
	c->source_name = dup0(f->source_name);
	return 0;
}

void feature_list_release(struct feature_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		vigil_free((char *)l->items[i].name);
		vigil_free((char *)l->items[i].version);
		vigil_free((char *)l->items[i].namespace_name);
		vigil_free((char *)l->items[i].version_format);
		vigil_free((char *)l->items[i].added_by);
		vigil_free((char *)l->items[i].source_name);
	}
	vigil_free(l->items);
	memset(l, 0, sizeof(*l));
}
