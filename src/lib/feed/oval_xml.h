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

/* A string -> uint32 map with its own copies of the keys. */
struct oval_map {
	struct oval_map_slot {
		char *key;
		uint32_t val;
	} * slots;
	size_t cap, len; /* cap a power of two, or 0 */
};

/** The value of `key`, or -1 when absent. */
int64_t oval_map_get(const struct oval_map *m, const char *key);
/**
 * The value of `key`; when absent, insert it with value `val` and return
 * that. Never fails (allocation aborts, as vigil_malloc does).
 */
uint32_t oval_map_put(struct oval_map *m, const char *key, uint32_t val);
void oval_map_release(struct oval_map *m);

#endif
