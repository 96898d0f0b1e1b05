/* Allocation that aborts on exhaustion (see include/vigil/alloc.h). */
#include "vigil/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "vigil: out of memory allocating %zu bytes\n", n);
	abort();
}

void *vigil_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *vigil_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *vigil_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *vigil_array_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return vigil_realloc(p, c * size);
}

char *vigil_strdup(const char *s)
{
	return vigil_strndup(s, strlen(s));
}

char *vigil_strndup(const char *s, size_t n)
{
	char *p = vigil_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void vigil_free(void *p)
{
	free(p);
}
