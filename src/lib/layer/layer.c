/*
 * A layer's entry list: appending and freeing. Reading layers from archives
 * and directories lives in reader.c and dir.c.
 */
#include "layer.h"

#include "../limits.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <string.h>

int vigil_layer_add(struct vigil_layer *l, enum vigil_entry_type type, const char *path,
		    char *data, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct vigil_entry *e;
		if (l->n >= VIGIL_MAX_LAYER_ENTRIES) {
			vigil_free(data);
			return vigil_error_set(VIGIL_ETOOBIG, "layer has more than %d kept entries",
					       VIGIL_MAX_LAYER_ENTRIES);
		}
		e = vigil_realloc(l->entries, cap * sizeof(*e));
		l->entries = e;
		l->cap = cap;
	}
	l->entries[l->n].type = type;
	l->entries[l->n].path = vigil_strdup(path);
	l->entries[l->n].data = data;
	l->entries[l->n].len = len;
	l->n++;
	return 0;
}

void vigil_layer_release(struct vigil_layer *l)
{
	for (size_t i = 0; i < l->n; i++) {
		vigil_free(l->entries[i].path);
		vigil_free(l->entries[i].data);
	}
	vigil_free(l->entries);
	memset(l, 0, sizeof(*l));
}
