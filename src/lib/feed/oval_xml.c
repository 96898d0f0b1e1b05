/*
 * libxml2 helpers and the id map of the OVAL feed (oval_xml.h).
 */
#include "oval_xml.h"
#include "vigil/alloc.h"

#include <string.h>

const char *oval_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next)
			return (const char *)a->children->content;
		return a->children ? NULL : "";
	}
	return NULL;
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int oval_text(const xmlNode *n, vigil_buf *out)
{
	const xmlNode *c;
	size_t start = 0;
	int err;

	vigil_buf_reset(out);
	for (c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
		    (err = vigil_buf_puts(out, (const char *)c->content)) < 0)
			return err;
	}
	while (out->len > 0 && space(out->ptr[out->len - 1]))
		out->ptr[--out->len] = '\0';
	while (start < out->len && space(out->ptr[start]))
		start++;
	if (start) {
		memmove(out->ptr, out->ptr + start, out->len - start + 1);
		out->len -= start;
	}
	return 0;
}

int oval_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNode *oval_child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (oval_is(c, name))
			return c;
	return NULL;
}

int oval_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* FNV-1a. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t find(const struct oval_map *m, const char *key)
{
	size_t i = (size_t)hash(key) & (m->cap - 1);

	while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int64_t oval_map_get(const struct oval_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = find(m, key);
	return m->slots[i].key ? (int64_t)m->slots[i].val : -1;
}

static void rehash(struct oval_map *m)
{
	struct oval_map old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 1024;
	m->slots = vigil_calloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			m->slots[find(m, old.slots[i].key)] = old.slots[i];
	vigil_free(old.slots);
}

uint32_t oval_map_put(struct oval_map *m, const char *key, uint32_t val)
{
	size_t i;

	if ((m->len + 1) * 2 > m->cap)
		rehash(m);
	i = find(m, key);
	if (m->slots[i].key)
		return m->slots[i].val;
	m->slots[i].key = vigil_strdup(key);
	m->slots[i].val = val;
	m->len++;
	return val;
}

void oval_map_release(struct oval_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		vigil_free(m->slots[i].key);
	vigil_free(m->slots);
	memset(m, 0, sizeof(*m));
}
