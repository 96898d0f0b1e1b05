/*
 * A root filesystem directory as one layer (see layer.h): only the paths
 * the detectors declared are visited, each component opened relative to
 * its parent with O_NOFOLLOW, so nothing outside `root` is ever opened.
 * A symlink met on the way is recorded as a SYMLINK entry (its target as
 * stored) and then followed *inside the image*: the target is joined to the
 * link's directory and cleaned (an absolute target starts at `root`, ".."
 * stops there), and the walk restarts from `root`. fsview resolves the same
 * links again at read time and reports loops.
 */
#include "layer.h"

#include "../detect/detect.h"
#include "../limits.h"
#include "../../util/path.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
	struct vigil_layer *out;
	int root;
	const char *root_path;
	uint64_t cap;
};

static int recorded(const struct walk *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->out->n; i++)
		if (strcmp(w->out->entries[i].path, path) == 0)
			return 1;
	return 0;
}

/* Keep the regular file `name` in directory `dfd`, image path `path`. */
static int keep_file(struct walk *w, int dfd, const char *name, const char *path)
{
	vigil_buf data = VIGIL_BUF_INIT;
	char block[65536], *p;
	struct stat st;
	ssize_t n;
	size_t len;
	int fd, err = 0;

	if (recorded(w, path))
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0; /* vanished or unreadable: as if absent */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > w->cap) {
		err = vigil_error_set(VIGIL_ETOOBIG,
				      "'%s' in '%s' is %lld bytes, over the cap of %llu on kept "
				      "files (--max-file-size)",
				      path, w->root_path, (long long)st.st_size,
				      (unsigned long long)w->cap);
		goto out;
	}
	data.max = (size_t)w->cap;
	while ((n = read(fd, block, sizeof(block))) > 0)
		if (vigil_buf_add(&data, block, (size_t)n) < 0) {
			err = vigil_error_set(VIGIL_ETOOBIG, "'%s' in '%s' is over the cap of %llu",
					      path, w->root_path, (unsigned long long)w->cap);
			goto out;
		}
	if (n < 0) {
		err = vigil_error_set(VIGIL_EIO, "cannot read '%s' in '%s': %s", path,
				      w->root_path, strerror(errno));
		goto out;
	}
	p = vigil_buf_detach(&data, &len);
	err = vigil_layer_add(w->out, VIGIL_ENTRY_FILE, path, p, len);
out:
	vigil_buf_release(&data);
	close(fd);
	return err;
}

/* Record the symlink `name` in `dfd` (image path `path`); its target goes to *target. */
static int keep_link(struct walk *w, int dfd, const char *name, const char *path,
		     vigil_buf *target)
{
	char buf[VIGIL_MAX_PATH + 1];
	ssize_t n = readlinkat(dfd, name, buf, sizeof(buf));

	if (n < 0 || n > VIGIL_MAX_PATH)
		return vigil_error_set(n < 0 ? VIGIL_EIO : VIGIL_ETOOBIG,
				       "cannot read symlink '%s' in '%s'", path, w->root_path);
	buf[n] = '\0';
	vigil_buf_reset(target);
	if (vigil_buf_add(target, buf, (size_t)n) < 0)
		return VIGIL_ETOOBIG;
	if (recorded(w, path))
		return 0;
	return vigil_layer_add(w->out, VIGIL_ENTRY_SYMLINK, path, vigil_strdup(buf), (size_t)n);
}

static int visit(struct walk *w, const char *path, int list, int hops);

/* Keep every file (and follow every link) directly in the open directory `dfd`. */
static int list_dir(struct walk *w, int dfd, const char *dir, int hops)
{
	vigil_buf child = VIGIL_BUF_INIT;
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd), err = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!err && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		vigil_buf_reset(&child);
		if ((err = vigil_buf_printf(&child, "%s/%s", dir, de->d_name)) < 0)
			break;
		err = visit(w, child.ptr, 0, hops);
	}
	closedir(d);
	vigil_buf_release(&child);
	return err;
}

/* The last component `name` of `path`, in directory `dfd`. */
static int visit_last(struct walk *w, int dfd, const char *name, const char *path, int list,
		      int hops)
{
	struct stat st;
	int fd, err;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return list ? 0 : keep_file(w, dfd, name, path);
	if (!S_ISDIR(st.st_mode) || !list)
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	err = list_dir(w, fd, path, hops);
	close(fd);
	return err;
}

/* Continue at `link` (a symlink with `target`) followed by the components in `rest`. */
static int follow(struct walk *w, const char *link, const char *target, const char *rest,
		  int list, int hops)
{
	vigil_buf next = VIGIL_BUF_INIT;
	int err;

	if (hops >= VIGIL_MAX_SYMLINKS)
		return 0; /* a loop: fsview reports it when the path is read */
	err = vigil_path_join_link(&next, link, target);
	if (!err && *rest)
		err = vigil_buf_printf(&next, "%s%s", next.len ? "/" : "", rest);
	if (!err)
		err = visit(w, next.ptr, list, hops + 1);
	vigil_buf_release(&next);
	return err;
}

/*
 * Walk the clean image path `path` from the root; keep the file there (or,
 * with `list`, the files of the directory there), recording links on the way.
 */
static int visit(struct walk *w, const char *path, int list, int hops)
{
	vigil_buf cur = VIGIL_BUF_INIT, comp = VIGIL_BUF_INIT, target = VIGIL_BUF_INIT;
	const char *p = path;
	struct stat st;
	int dfd = dup(w->root), fd, err = 0;
	size_t n;

	while (dfd >= 0 && *p) {
		n = strcspn(p, "/");
		vigil_buf_reset(&comp);
		if ((err = vigil_buf_add(&comp, p, n)) < 0 ||
		    (err = vigil_buf_printf(&cur, "%s%s", cur.len ? "/" : "", comp.ptr)) < 0)
			break;
		p += n + (p[n] == '/');
		if (fstatat(dfd, comp.ptr, &st, AT_SYMLINK_NOFOLLOW) != 0)
			break;
		if (S_ISLNK(st.st_mode)) {
			if ((err = keep_link(w, dfd, comp.ptr, cur.ptr, &target)) == 0)
				err = follow(w, cur.ptr, target.ptr, p, list, hops);
			break;
		}
		if (!*p) {
			err = visit_last(w, dfd, comp.ptr, cur.ptr, list, hops);
			break;
		}
		if (!S_ISDIR(st.st_mode))
			break;
		fd = openat(dfd, comp.ptr, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = fd;
	}
	if (dfd >= 0)
		close(dfd);
	vigil_buf_release(&cur);
	vigil_buf_release(&comp);
	vigil_buf_release(&target);
	return err;
}

static int visit_wanted(struct walk *w)
{
	vigil_buf path = VIGIL_BUF_INIT;
	const struct vigil_detector *d;
	const char *const *p;
	size_t i, n;
	int err = 0;

	for (i = 0; !err && (d = vigil_detect_get(i)) != NULL; i++) {
		for (p = d->paths; !err && p && *p; p++) {
			n = strlen(*p);
			if ((err = vigil_path_clean(&path, *p)) < 0)
				break;
			err = visit(w, path.ptr, n && (*p)[n - 1] == '/', 0);
		}
	}
	vigil_buf_release(&path);
	return err;
}

int vigil_layer_from_dir(struct vigil_layer *out, const char *root,
			 const struct vigil_layer_opts *opts)
{
	struct walk w = { 0 };
	struct stat st;
	int err;

	vigil_layer_release(out);
	w.root = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.root < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return vigil_error_set(VIGIL_ENOTFOUND, "no such directory '%s'", root);
		return vigil_error_set(VIGIL_EIO, "cannot open '%s': %s", root, strerror(errno));
	}
	if (fstat(w.root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		close(w.root);
		return vigil_error_set(VIGIL_ENOTFOUND, "no such directory '%s'", root);
	}
	w.out = out;
	w.root_path = root;
	w.cap = opts && opts->max_file_size ? opts->max_file_size : VIGIL_DEFAULT_MAX_FILE_SIZE;
	err = visit_wanted(&w);
	close(w.root);
	if (err < 0)
		vigil_layer_release(out);
	return err;
}
