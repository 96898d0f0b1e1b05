/*
 * The merged view of wanted files across layers (see fsview.h).
 *
 * The view is a sorted array of borrowed entries, one per path, so that a
 * path and everything under it form one contiguous range. Applying a layer
 * first removes what the layer hides in lower layers (whiteouts, opaque
 * directories, paths it replaces and anything below them), then adds the
 * layer's own entries, the last one of a path winning.
 */
#include "fsview.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../limits.h"
#include "../../util/path.h"

#include <stdlib.h>
#include <string.h>

void vigil_fsview_init(struct vigil_fsview *v)
{
	memset(v, 0, sizeof(*v));
}

void vigil_fsview_release(struct vigil_fsview *v)
{
	vigil_free(v->entries);
	memset(v, 0, sizeof(*v));
}

/* Index of the first entry whose path is >= path. */
static size_t lower_bound(const struct vigil_fsview *v, const char *path)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->entries[mid]->path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct vigil_entry *lookup(const struct vigil_fsview *v, const char *path)
{
	size_t i = lower_bound(v, path);

	return i < v->n && strcmp(v->entries[i]->path, path) == 0 ? v->entries[i] : NULL;
}

static void compact(struct vigil_fsview *v)
{
	size_t i, j = 0;

	for (i = 0; i < v->n; i++)
		if (v->entries[i])
			v->entries[j++] = v->entries[i];
	v->n = j;
}

/* Drop the entry of exactly `path`, if any. */
static void hide_exact(struct vigil_fsview *v, const char *path)
{
	size_t i = lower_bound(v, path);

	if (i < v->n && strcmp(v->entries[i]->path, path) == 0) {
		memmove(&v->entries[i], &v->entries[i + 1], (v->n - i - 1) * sizeof(*v->entries));
		v->n--;
	}
}

/*
 * Drop the entries below `dir` (and `dir` itself when `self`). Entries below
 * "a" are "a/..." which sort after "a/" and before "a0" ('/' + 1 == '0').
 */
static void hide(struct vigil_fsview *v, const char *dir, int self)
{
	size_t i, n = strlen(dir);

	if (self)
		hide_exact(v, dir);
	if (n == 0) {
		v->n = 0;
		return;
	}
	for (i = lower_bound(v, dir); i < v->n; i++) {
		const struct vigil_entry *e = v->entries[i];
		if (!e)
			continue;
		if (strncmp(e->path, dir, n) > 0)
			break;
		if (strncmp(e->path, dir, n) == 0 && e->path[n] == '/')
			v->entries[i] = NULL;
		else if (strncmp(e->path, dir, n) == 0 && e->path[n] > '/')
			break;
	}
	compact(v);
}


struct ranked {
	const struct vigil_entry *e;
	size_t rank;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c = strcmp(x->e->path, y->e->path);

	if (c)
		return c;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Remove from the view whatever layer `l` hides in the layers below it. */
static void hide_lower(struct vigil_fsview *v, const struct vigil_layer *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct vigil_entry *e = &l->entries[i];
		switch (e->type) {
		case VIGIL_ENTRY_WHITEOUT:
			hide(v, e->path, 1);
			break;
		case VIGIL_ENTRY_OPAQUE:
			hide(v, e->path, 0);
			break;
		case VIGIL_ENTRY_DIR:
			/* a directory hides a lower symlink or file, not a lower directory's content */
			hide_exact(v, e->path);
			break;
		default:
			hide(v, e->path, 1);
			hide(v, e->path, 0);
			break;
		}
	}
}

int vigil_fsview_apply(struct vigil_fsview *v, const struct vigil_layer *l)
{
	struct ranked *all;
	size_t i, n = 0, total;

	hide_lower(v, l);
	total = v->n + l->n;
	all = vigil_calloc(total ? total : 1, sizeof(*all));
	for (i = 0; i < v->n; i++, n++) {
		all[n].e = v->entries[i];
		all[n].rank = i;
	}
	for (i = 0; i < l->n; i++) {
		const struct vigil_entry *e = &l->entries[i];
		if (e->type == VIGIL_ENTRY_WHITEOUT || e->type == VIGIL_ENTRY_OPAQUE)
			continue;
		all[n].e = e;
		all[n].rank = v->n + i;
		n++;
	}
	qsort(all, n, sizeof(*all), ranked_cmp);
	v->entries = vigil_array_grow(v->entries, &v->cap, n, sizeof(*v->entries));
	v->n = 0;
	for (i = 0; i < n; i++) {
		/* the last entry of a path wins: this layer's over lower ones, later over earlier */
		if (i + 1 < n && strcmp(all[i].e->path, all[i + 1].e->path) == 0)
			continue;
		v->entries[v->n++] = all[i].e;
	}
	vigil_free(all);
	return 0;
}

/*
 * Follow symlinks in every component of `path` (the last one too when
 * `follow_last`), leaving the real path in `out`. Returns 0 or VIGIL_EINVALID
 * on a loop / too many links, VIGIL_ETOOBIG on an over-long path.
 */
static int walk(const struct vigil_fsview *v, const char *path, int follow_last, vigil_buf *out,
		int *hops)
{
	vigil_buf cur = VIGIL_BUF_INIT, next = VIGIL_BUF_INIT, todo = VIGIL_BUF_INIT;
	const struct vigil_entry *e;
	const char *p;
	size_t n;
	int err;

	if ((err = vigil_path_clean(&todo, path)) < 0)
		goto out;
restart:
	vigil_buf_reset(&cur);
	p = todo.ptr;
	while (*p) {
		n = strcspn(p, "/");
		if (cur.len && (err = vigil_buf_putc(&cur, '/')) < 0)
			goto out;
		if ((err = vigil_buf_add(&cur, p, n)) < 0)
			goto out;
		p += n;
		if (*p == '/')
			p++;
		if (!*p && !follow_last)
			break;
		e = lookup(v, cur.ptr);
		if (!e || e->type != VIGIL_ENTRY_SYMLINK)
			continue;
		if (++*hops > VIGIL_MAX_SYMLINKS) {
			err = vigil_error_set(VIGIL_EINVALID,
					      "too many levels of symbolic links in '%s'", path);
			goto out;
		}
		if ((err = vigil_path_join_link(&next, cur.ptr, e->data)) < 0)
			goto out;
		if (*p && ((err = vigil_buf_putc(&next, '/')) < 0 ||
			   (err = vigil_buf_puts(&next, p)) < 0))
			goto out;
		if ((err = vigil_path_clean(&todo, next.ptr)) < 0)
			goto out;
		goto restart;
	}
	vigil_buf_reset(out);
	err = vigil_buf_add(out, cur.ptr, cur.len);
out:
	vigil_buf_release(&cur);
	vigil_buf_release(&next);
	vigil_buf_release(&todo);
	return err;
}

static int read_hops(const struct vigil_fsview *v, const char *path, const char **data,
		     size_t *len, int *hops)
{
	vigil_buf real = VIGIL_BUF_INIT;
	const struct vigil_entry *e;
	int err;

	if ((err = walk(v, path, 1, &real, hops)) < 0)
		goto out;
	e = lookup(v, real.ptr);
	if (e && e->type == VIGIL_ENTRY_HARDLINK) {
		if (++*hops > VIGIL_MAX_SYMLINKS) {
			err = vigil_error_set(VIGIL_EINVALID,
					      "too many levels of links in '%s'", path);
			goto out;
		}
		err = read_hops(v, e->data, data, len, hops);
		goto out;
	}
	if (!e || e->type != VIGIL_ENTRY_FILE) {
		err = vigil_error_set(VIGIL_ENOTFOUND, "'%s' not found", path);
		goto out;
	}
	*data = e->data ? e->data : "";
	*len = e->len;
out:
	vigil_buf_release(&real);
	return err;
}

int vigil_fsview_read(const struct vigil_fsview *v, const char *path, const char **data,
		      size_t *len)
{
	int hops = 0;

	return read_hops(v, path, data, len, &hops);
}

int vigil_fsview_exists(const struct vigil_fsview *v, const char *path)
{
	const char *d;
	size_t n;

	return vigil_fsview_read(v, path, &d, &n) == 0;
}

int vigil_fsview_list(const struct vigil_fsview *v, const char *dir, vigil_fsview_cb cb,
		      void *payload)
{
	vigil_buf real = VIGIL_BUF_INIT, name = VIGIL_BUF_INIT;
	const char *data;
	size_t i, n, len;
	int hops = 0, err;

	if ((err = walk(v, dir, 1, &real, &hops)) < 0)
		goto out;
	n = real.len;
	for (i = lower_bound(v, real.ptr); i < v->n; i++) {
		const struct vigil_entry *e = v->entries[i];
		if (strncmp(e->path, real.ptr, n) != 0)
			break;
		if ((n && e->path[n] != '/') || strchr(e->path + n + (n ? 1 : 0), '/'))
			continue;
		if (e->type == VIGIL_ENTRY_DIR || !e->path[n])
			continue;
		vigil_buf_reset(&name);
		if ((err = vigil_buf_printf(&name, "%s/%s", dir, vigil_path_base(e->path))) < 0)
			goto out;
		if (vigil_fsview_read(v, e->path, &data, &len) < 0)
			continue; /* a dangling link or a file we did not keep */
		if ((err = cb(name.ptr, data, len, payload)) != 0)
			goto out;
	}
	err = 0;
out:
	vigil_buf_release(&real);
	vigil_buf_release(&name);
	return err;
}
