/*
 * Small helpers for the OVAL feed over libxml2: reading an element's
 * attribute and text without the allocations of xmlGetProp() and
 * xmlNodeGetContent(), finding children by local name, and a string -> index
 * hash map for OVAL ids (tests, objects, states are referenced by id before
 * they are defined).
 */
#ifndef VIGIL_FEED_OVAL_XML_H
#define VIGIL_FEED_OVAL_XML_H

#include "vigil/buf.h"

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

/** The value of attribute `name` of element `n` (namespace ignored), or NULL. Borrowed. */
const char *oval_attr(const xmlNode *n, const char *name);

/**
 * The text of element `n` (its text and CDATA children, entity references
 * left out) into `out`, trimmed of surrounding white space. Returns 0 or
 * a vigil_code.
 */
int oval_text(const xmlNode *n, vigil_buf *out);

/** 1 when `n` is an element whose local name is `name`. */
int oval_is(const xmlNode *n, const char *name);

/** The first child element of `n` called `name`, or NULL. */
xmlNode *oval_child(const xmlNode *n, const char *name);

/** 1 when `s` ends with `suffix`. */
int oval_ends_with(const char *s, const char *suffix);

/* Strings that stay where they are until released: bump-allocated in
 * blocks, without a malloc header each (a big OVAL stream has ~1M ids). */
struct oval_arena {
	struct oval_block *blocks;
	char *cur;
	size_t left;
};

/** A copy of `s` in `a`. Never fails (allocation aborts, as vigil_malloc does). */
char *oval_arena_strdup(struct oval_arena *a, const char *s);
/** Bytes the arena took from the allocator. */
size_t oval_arena_size(const struct oval_arena *a);
void oval_arena_release(struct oval_arena *a);

/*
 * A string -> index map: the n-th new key gets index n. Keys are copied into
 * the map's arena; a slot is a 4-byte index, so a key costs ~3 slots, its
 * bytes and a pointer.
 */
struct oval_map {
	uint32_t *slots; /* index + 1; 0 is empty */
	size_t cap;      /* a power of two, or 0 */
	char **keys;     /* by index */
	size_t len, kcap;
	struct oval_arena arena;
};

/** The index of `key`, or -1 when absent. */
int64_t oval_map_get(const struct oval_map *m, const char *key);
/** The index of `key`; when absent, add it with index m->len (before the call). */
uint32_t oval_map_put(struct oval_map *m, const char *key);
void oval_map_release(struct oval_map *m);

#endif
