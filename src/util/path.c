/* Image-relative path normalisation (see path.h). */
#include "path.h"
#include "vigil/error.h"
#include "../lib/limits.h"

#include <string.h>

int vigil_path_clean(vigil_buf *out, const char *in)
{
	const char *p = in, *seg;
	size_t n;
	char *slash;
	int err;

	vigil_buf_reset(out);
	if (strlen(in) > VIGIL_MAX_PATH)
		return vigil_error_set(VIGIL_ETOOBIG, "path longer than %d bytes", VIGIL_MAX_PATH);
	while (*p) {
		while (*p == '/')
			p++;
		seg = p;
		n = strcspn(p, "/");
		p += n;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			slash = strrchr(out->ptr, '/');
			out->len = slash ? (size_t)(slash - out->ptr) : 0;
			out->ptr[out->len] = '\0';
			continue;
		}
		if (out->len && (err = vigil_buf_putc(out, '/')) < 0)
			return err;
		if ((err = vigil_buf_add(out, seg, n)) < 0)
			return err;
	}
	return 0;
}

int vigil_path_join_link(vigil_buf *out, const char *link_path, const char *target)
{
	vigil_buf tmp = VIGIL_BUF_INIT;
	const char *slash = strrchr(link_path, '/');
	int err = 0;

	if (target[0] != '/' && slash)
		err = vigil_buf_add(&tmp, link_path, (size_t)(slash - link_path + 1));
	if (!err)
		err = vigil_buf_puts(&tmp, target);
	if (!err)
		err = vigil_path_clean(out, tmp.ptr);
	vigil_buf_release(&tmp);
	return err;
}

const char *vigil_path_base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int vigil_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0)
		return 1;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
