/*
 * A string-keyed hash map (open addressing, linear probing) for the lookup
 * tables of importers: unit keys of a feed run, OVAL ids. Keys are copied;
 * values are opaque pointers owned by the caller (or an index cast to one).
 */
#ifndef VIGIL_UTIL_STRMAP_H
#define VIGIL_UTIL_STRMAP_H

#include <stddef.h>

struct vigil_strmap {
	struct vigil_strmap_slot {
		char *key; /* NULL: empty */
		void *value;
	} * slots;
	size_t n, cap; /* entries in use, slots (a power of two or 0) */
};

#define VIGIL_STRMAP_INIT                                                                          \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/** The value stored for `key`, or NULL. */
void *vigil_strmap_get(const struct vigil_strmap *m, const char *key);
/** 1 when `key` is present (its value may be NULL). */
int vigil_strmap_has(const struct vigil_strmap *m, const char *key);
/** Store `value` for `key` (copied), replacing what it had. Returns the slot's old value. */
void *vigil_strmap_put(struct vigil_strmap *m, const char *key, void *value);
/** Free the keys and slots (not the values); the map is empty and usable again. */
void vigil_strmap_release(struct vigil_strmap *m);

#endif
