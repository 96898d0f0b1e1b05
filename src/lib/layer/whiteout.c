/* Whiteout marker names (see whiteout.h). */
#include "whiteout.h"

#include <string.h>

#define WH_PREFIX ".wh."
#define WH_META ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"

/* Write "DIR/name" (or "name" at the root) where DIR is `path` up to `base`. */
static int join_dir(vigil_buf *out, const char *path, const char *base, const char *name)
{
	int err;

	vigil_buf_reset(out);
	if (base > path && (err = vigil_buf_add(out, path, (size_t)(base - path - 1))) < 0)
		return err;
	if (!*name)
		return 0;
	if (out->len && (err = vigil_buf_putc(out, '/')) < 0)
		return err;
	return vigil_buf_puts(out, name);
}

int vigil_whiteout_parse(const char *path, vigil_buf *target)
{
	const char *base = strrchr(path, '/'), *name;
	int err;

	base = base ? base + 1 : path;
	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) != 0)
		return VIGIL_WHITEOUT_NONE;
	if (strcmp(base, WH_OPAQUE) == 0) {
		if ((err = join_dir(target, path, base, "")) < 0)
			return err;
		return VIGIL_WHITEOUT_OPAQUE;
	}
	if (strncmp(base, WH_META, strlen(WH_META)) == 0)
		return VIGIL_WHITEOUT_IGNORE;
	name = base + strlen(WH_PREFIX);
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return VIGIL_WHITEOUT_IGNORE; /* names nothing inside DIR */
	if ((err = join_dir(target, path, base, name)) < 0)
		return err;
	return VIGIL_WHITEOUT_FILE;
}
