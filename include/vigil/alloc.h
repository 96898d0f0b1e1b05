/*
 * Allocation: running out of memory aborts with a message (as git's xmalloc).
 * Limits on input sizes protect us, not NULL checks.
 */
#ifndef VIGIL_ALLOC_H
#define VIGIL_ALLOC_H

#include "common.h"

VIGIL_EXTERN void *vigil_malloc(size_t n);
VIGIL_EXTERN void *vigil_calloc(size_t n, size_t size);
VIGIL_EXTERN void *vigil_realloc(void *p, size_t n);
/** Grow an array of `*cap` elements of `size` bytes so it holds `need`. */
VIGIL_EXTERN void *vigil_array_grow(void *p, size_t *cap, size_t need, size_t size);
VIGIL_EXTERN char *vigil_strdup(const char *s);
VIGIL_EXTERN char *vigil_strndup(const char *s, size_t n);
/** Free memory the library handed out; NULL is fine. */
VIGIL_EXTERN void vigil_free(void *p);

#endif
