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

#define BLOCK_SIZE ((size_t)256 << 10)

struct oval_block {
	struct oval_block *next;
	size_t size;
	char data[];
};

char *oval_arena_strdup(struct oval_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (n > a->left) {
		size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
		struct oval_block *b = vigil_malloc(sizeof(*b) + size);
		b->size = size;
		b->next = a->blocks;
		a->blocks = b;
		if (size == BLOCK_SIZE) { /* else a block of its own; keep the current one */
			a->cur = b->data;
			a->left = size;
		} else {
			memcpy(b->data, s, n);
			return b->data;
		}
	}
	p = a->cur;
	memcpy(p, s, n);
	a->cur += n;
	a->left -= n;
	return p;
}

size_t oval_arena_size(const struct oval_arena *a)
{
	const struct oval_block *b;
	size_t n = 0;

	for (b = a->blocks; b; b = b->next)
		n += sizeof(*b) + b->size;
	return n;
}

void oval_arena_release(struct oval_arena *a)
{
	struct oval_block *b, *next;

	for (b = a->blocks; b; b = next) {
		next = b->next;
		vigil_free(b);
	}
	memset(a, 0, sizeof(*a));
}

/* FNV-1a. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The slot of `key`: where it is, or the empty slot where it goes. */
static size_t find(const struct oval_map *m, const char *key)
{
	size_t i = (size_t)hash(key) & (m->cap - 1);

	while (m->slots[i] && strcmp(m->keys[m->slots[i] - 1], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int64_t oval_map_get(const struct oval_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = find(m, key);
	return m->slots[i] ? (int64_t)m->slots[i] - 1 : -1;
}

static void rehash(struct oval_map *m)
{
	size_t i;

	vigil_free(m->slots);
	m->cap = m->cap ? m->cap * 2 : 1024;
	m->slots = vigil_calloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < m->len; i++)
		m->slots[find(m, m->keys[i])] = (uint32_t)i + 1;
}

uint32_t oval_map_put(struct oval_map *m, const char *key)
{
	size_t i;

	if ((m->len + 1) * 2 > m->cap)
		rehash(m);
	i = find(m, key);
	if (m->slots[i])
		return m->slots[i] - 1;
	m->keys = vigil_array_grow(m->keys, &m->kcap, m->len + 1, sizeof(*m->keys));
	m->keys[m->len] = oval_arena_strdup(&m->arena, key);
	m->slots[i] = (uint32_t)++m->len;
	return (uint32_t)m->len - 1;
}

void oval_map_release(struct oval_map *m)
{
	vigil_free(m->slots);
	vigil_free(m->keys);
	oval_arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}
