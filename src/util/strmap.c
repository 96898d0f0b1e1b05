/*
 * String-keyed hash map: FNV-1a hashing, linear probing, grown at 1/2 load.
 */
#include "strmap.h"
#include "vigil/alloc.h"

#include <stdint.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct vigil_strmap_slot *find(const struct vigil_strmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = (size_t)hash(key) & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->slots[i].key, key) == 0)
			return &m->slots[i];
	return &m->slots[i];
}

static void grow(struct vigil_strmap *m)
{
	struct vigil_strmap_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap = m->cap ? m->cap * 2 : 64;
	m->slots = vigil_calloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key) = old[i];
	vigil_free(old);
}

void *vigil_strmap_get(const struct vigil_strmap *m, const char *key)
{
	struct vigil_strmap_slot *s = find(m, key);

	return s && s->key ? s->value : NULL;
}

int vigil_strmap_has(const struct vigil_strmap *m, const char *key)
{
	struct vigil_strmap_slot *s = find(m, key);

	return s && s->key;
}

void *vigil_strmap_put(struct vigil_strmap *m, const char *key, void *value)
{
	struct vigil_strmap_slot *s;
	void *old;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	s = find(m, key);
	if (!s->key) {
		s->key = vigil_strdup(key);
		s->value = value;
		m->n++;
		return NULL;
	}
	old = s->value;
	s->value = value;
	return old;
}

void vigil_strmap_release(struct vigil_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		vigil_free(m->slots[i].key);
	vigil_free(m->slots);
	m->slots = NULL;
	m->n = m->cap = 0;
}
