/*
 * A list of features owning its strings: what a layer's or the store's
 * feature callbacks give, kept for work that needs them all at once (the
 * batched feed match of a layer, the feed snapshots). The strings live in
 * one arena (a 435-feature layer: a few allocations, not 3,000), so the
 * items' pointers are set once the list is complete: feature_list_done().
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define NSTR 6 /* strings per feature, in the order of strs() */

static const char **strs(vigil_clair_feature *f, int i)
{
	switch (i) {
	case 0:
		return &f->name;
	case 1:
		return &f->version;
	case 2:
		return &f->namespace_name;
	case 3:
		return &f->version_format;
	case 4:
		return &f->added_by;
	default:
		return &f->source_name;
	}
}

int feature_list_add(const vigil_clair_feature *f, void *payload)
{
	struct feature_list *l = payload;
	vigil_clair_feature *c;
	size_t len[NSTR], total = 0;
	int i, err;

	l->items = vigil_array_grow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	c = &l->items[l->n];
	*c = *f;
	for (i = 0; i < NSTR; i++) {
		len[i] = *strs(c, i) ? strlen(*strs(c, i)) : 0;
		total += len[i] + 1;
	}
	if ((err = vigil_buf_grow(&l->arena, total)) < 0) /* room for the six at once */
		return err;
	for (i = 0; i < NSTR; i++) { /* the arena offset, until feature_list_done() */
		const char *s = *strs(c, i);
		*strs(c, i) = (const char *)(uintptr_t)(l->arena.len + 1);
		memcpy(l->arena.ptr + l->arena.len, s ? s : "", len[i] + 1);
		l->arena.len += len[i] + 1;
	}
	l->arena.ptr[l->arena.len] = '\0';
	l->n++;
	return 0;
}

void feature_list_done(struct feature_list *l)
{
	size_t k;
	int i;

	for (k = 0; k < l->n; k++)
		for (i = 0; i < NSTR; i++)
			*strs(&l->items[k], i) =
			        l->arena.ptr + ((uintptr_t)*strs(&l->items[k], i) - 1);
}

static int feature_cmp(const vigil_clair_feature *a, const vigil_clair_feature *b)
{
	int d = strcmp(a->namespace_name, b->namespace_name);

	if (d == 0)
		d = strcmp(a->name, b->name);
	return d ? d : strcmp(a->version, b->version);
}

static int feature_qsort_cmp(const void *a, const void *b)
{
	return feature_cmp(a, b);
}

/* The rows mostly come in order already (the primary key's): then one pass, no sort. */
void feature_list_sort(struct feature_list *l)
{
	size_t k;

	for (k = 1; k < l->n; k++)
		if (feature_cmp(&l->items[k - 1], &l->items[k]) > 0)
			break;
	if (k < l->n)
		qsort(l->items, l->n, sizeof(*l->items), feature_qsort_cmp);
}

void feature_list_release(struct feature_list *l)
{
	vigil_free(l->items);
	vigil_buf_release(&l->arena);
	memset(l, 0, sizeof(*l));
}
