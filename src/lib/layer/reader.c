/*
 * Streaming one layer blob with libarchive, once (see layer.h).
 *
 * Three stages pull from each other, all on this thread:
 *
 *   source (vigil_read_fn)   the bytes as stored; hashed into `digest`
 *     -> raw archive         libarchive's gzip/zstd/none filter with the
 *                            "raw" format: the uncompressed tar bytes,
 *                            hashed into `diff_id` and checked for bombs
 *     -> tar archive         libarchive's tar reader on those bytes (no
 *                            filter): the entries we keep
 *
 * Each stage hashes a byte when it hands it on, so unwanted entries can be
 * skipped (libarchive reads through them: no seek callback) and still be
 * hashed; an uncompressed blob is hashed once, its digest being its diff_id. After the tar's
 * end-of-archive marker both lower stages are drained, so the digests cover
 * trailing padding too. Where this thread decompresses (a compressed layer,
 * or a member of a compressed archive: vigil_layer_read_decompressed()),
 * the hashing runs on a second thread (util/hasher.h: a small bounded ring
 * of copied chunks), overlapping with decompression and tar parsing; a
 * plain layer from a plain file is hashed inline, the copy into the ring
 * costing more than it saves there. The digests are the same.
 */
#include "layer.h"
#include "whiteout.h"

#include "../detect/detect.h"
#include "../limits.h"
#include "../../util/hasher.h"
#include "../../util/path.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define FILE_BLOCK ((size_t)1 << 20)
/* libarchive reports an unrecognised format as ARCHIVE_ERRNO_FILE_FORMAT, EILSEQ on Linux. */

/* The hasher's streams. */
enum { HASH_DIGEST, HASH_DIFF_ID };

/* Stage 1: the stored bytes. */
struct source {
	vigil_read_fn read;
	void *payload;
	struct vigil_hasher *hash; /* HASH_DIGEST */
	uint64_t bytes;
	int err; /* a vigil_code from `read`, its message set */
	int eof;
};

/* Stage 2: the uncompressed tar bytes. */
struct untar {
	struct archive *raw;
	struct source *src;
	struct vigil_hasher *hash; /* HASH_DIFF_ID, unless plain */
	uint64_t bytes;
	const char *name;
	int err; /* a vigil_code with its message set */
	int eof;
	int started;
	int plain; /* no compression: the tar bytes are the stored bytes, hashed once */
};

/* What the entry loop needs. */
struct ctx {
	struct vigil_layer *out;
	struct archive *tar;
	struct untar *u;
	uint64_t cap;
	const char *name;
	int decompressing; /* vigil_layer_read_decompressed() */
	vigil_buf path, target;
};

static la_ssize_t source_read(struct archive *a, void *data, const void **buf)
{
	struct source *s = data;
	ssize_t n;

	(void)a;
	if (s->eof || s->err)
		return s->err ? -1 : 0;
	n = s->read(s->payload, buf);
	if (n < 0) {
		s->err = (int)n;
		return -1;
	}
	if (n == 0) {
		s->eof = 1;
		return 0;
	}
	vigil_hasher_update(s->hash, HASH_DIGEST, *buf, (size_t)n);
	s->bytes += (uint64_t)n;
	return n;
}

/* Describe a libarchive failure on `a`, preferring an error a lower stage recorded. */
static int stage_error(struct archive *a, const struct source *s, const struct untar *u,
		       const char *name, const char *what)
{
	const char *msg = archive_error_string(a);

	if (s && s->err)
		return s->err;
	if (u && u->err)
		return u->err;
	return vigil_error_set(VIGIL_EINVALID, "layer '%s': %s: %s", name, what,
			       msg ? msg : "unknown error");
}

static int bomb_check(struct untar *u)
{
	if (u->bytes > VIGIL_MAX_LAYER_SIZE)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "layer '%s' is over %llu bytes uncompressed", u->name,
				       (unsigned long long)VIGIL_MAX_LAYER_SIZE);
	if (u->bytes >= VIGIL_BOMB_MIN_BYTES &&
	    u->bytes / VIGIL_BOMB_RATIO > u->src->bytes)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "layer '%s' looks like a decompression bomb: %llu bytes "
				       "from %llu (ratio over %d)",
				       u->name, (unsigned long long)u->bytes,
				       (unsigned long long)u->src->bytes, VIGIL_BOMB_RATIO);
	return 0;
}

/* Pull the next uncompressed block. Returns its size, 0 at the end, or a vigil_code. */
static ssize_t untar_pull(struct untar *u, const void **buf)
{
	struct archive_entry *ae;
	size_t size = 0;
	la_int64_t off;
	int r;

	if (u->err)
		return u->err;
	if (u->eof)
		return 0;
	if (!u->started) {
		u->started = 1;
		r = archive_read_next_header(u->raw, &ae);
		if (r == ARCHIVE_EOF) {
			u->eof = 1;
			return 0;
		}
		if (r < ARCHIVE_WARN)
			return u->err = stage_error(u->raw, u->src, NULL, u->name, "cannot decompress");
	}
	r = archive_read_data_block(u->raw, buf, &size, &off);
	if (r == ARCHIVE_EOF) {
		u->eof = 1;
		return 0;
	}
	if (r < ARCHIVE_WARN)
		return u->err = stage_error(u->raw, u->src, NULL, u->name, "cannot decompress");
	if (!u->plain)
		vigil_hasher_update(u->hash, HASH_DIFF_ID, *buf, size);
	u->bytes += size;
	if ((r = bomb_check(u)) < 0)
		return u->err = r;
	return (ssize_t)size;
}

static la_ssize_t untar_read(struct archive *a, void *data, const void **buf)
{
	ssize_t n = untar_pull(data, buf);

	(void)a;
	return n < 0 ? -1 : n;
}

/* Read (and hash) whatever the tar reader left: padding after the end marker. */
static int drain(struct untar *u)
{
	const void *buf;
	ssize_t n;

	while ((n = untar_pull(u, &buf)) > 0)
		;
	if (n < 0)
		return (int)n;
	while (!u->src->eof && !u->src->err)
		if (source_read(NULL, u->src, &buf) < 0)
			break;
	return u->src->err;
}

static int add_copy(struct ctx *c, enum vigil_entry_type t, const char *path, const char *data)
{
	char *copy = data ? vigil_strdup(data) : NULL;

	return vigil_layer_add(c->out, t, path, copy, data ? strlen(data) : 0);
}

/* Keep the current entry's data: a wanted regular file, at most c->cap bytes. */
static int keep_file(struct ctx *c, struct archive_entry *ae)
{
	vigil_buf data = VIGIL_BUF_INIT;
	char block[65536], *p;
	la_ssize_t n;
	size_t len;

	if (archive_entry_size_is_set(ae) && (uint64_t)archive_entry_size(ae) > c->cap)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "'%s' in layer '%s' is %lld bytes, over the cap of %llu "
				       "on kept files (--max-file-size)",
				       c->path.ptr, c->name, (long long)archive_entry_size(ae),
				       (unsigned long long)c->cap);
	data.max = c->cap > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)c->cap;
	while ((n = archive_read_data(c->tar, block, sizeof(block))) > 0) {
		if (vigil_buf_add(&data, block, (size_t)n) < 0) {
			vigil_buf_release(&data);
			return vigil_error_set(VIGIL_ETOOBIG,
					       "'%s' in layer '%s' is over the cap of %llu on "
					       "kept files (--max-file-size)",
					       c->path.ptr, c->name, (unsigned long long)c->cap);
		}
	}
	if (n < 0) {
		vigil_buf_release(&data);
		return stage_error(c->tar, c->u->src, c->u, c->name, "cannot read entry");
	}
	p = vigil_buf_detach(&data, &len);
	return vigil_layer_add(c->out, VIGIL_ENTRY_FILE, c->path.ptr, p, len);
}

static int keep_whiteout(struct ctx *c, int *handled)
{
	int wh = vigil_whiteout_parse(c->path.ptr, &c->target);

	*handled = wh != VIGIL_WHITEOUT_NONE;
	if (wh < 0)
		return wh;
	if (wh == VIGIL_WHITEOUT_FILE)
		return vigil_layer_add(c->out, VIGIL_ENTRY_WHITEOUT, c->target.ptr, NULL, 0);
	if (wh == VIGIL_WHITEOUT_OPAQUE)
		return vigil_layer_add(c->out, VIGIL_ENTRY_OPAQUE, c->target.ptr, NULL, 0);
	return 0;
}

/* Record what one tar entry means for the detectors (see layer.h). */
static int handle_entry(struct ctx *c, struct archive_entry *ae)
{
	const char *name = archive_entry_pathname(ae), *link;
	int err, handled, wanted;

	/* a name over VIGIL_MAX_PATH cannot lead to a wanted path: skip it */
	if (!name || vigil_path_clean(&c->path, name) < 0)
		return 0;
	if (!c->path.len)
		return 0; /* the root itself */
	if ((err = keep_whiteout(c, &handled)) < 0 || handled)
		return err;
	wanted = vigil_detect_wants(c->path.ptr);
	if ((link = archive_entry_hardlink(ae)) != NULL) {
		if (!wanted)
			return 0;
		if ((err = vigil_path_clean(&c->target, link)) < 0)
			return err;
		return add_copy(c, VIGIL_ENTRY_HARDLINK, c->path.ptr, c->target.ptr);
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFLNK:
		link = archive_entry_symlink(ae);
		return add_copy(c, VIGIL_ENTRY_SYMLINK, c->path.ptr, link ? link : "");
	case AE_IFDIR:
		if (wanted || vigil_detect_wants_dir(c->path.ptr))
			return vigil_layer_add(c->out, VIGIL_ENTRY_DIR, c->path.ptr, NULL, 0);
		return 0;
	case AE_IFREG:
		return wanted ? keep_file(c, ae) : 0;
	default:
		/* a device or fifo replaces whatever a lower layer had there */
		if (wanted || vigil_detect_wants_dir(c->path.ptr))
			return vigil_layer_add(c->out, VIGIL_ENTRY_WHITEOUT, c->path.ptr, NULL, 0);
		return 0;
	}
}

static int read_entries(struct ctx *c)
{
	struct archive_entry *ae;
	int r, err, first = 1;

	for (;;) {
		r = archive_read_next_header(c->tar, &ae);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			if (c->u->src->err || c->u->err)
				return c->u->src->err ? c->u->src->err : c->u->err;
			if (first && archive_errno(c->tar) == EILSEQ)
				return vigil_error_set(VIGIL_EINVALID,
						       "layer '%s' is not a tar archive", c->name);
			return stage_error(c->tar, NULL, NULL, c->name, "corrupt tar");
		}
		first = 0;
		if ((err = handle_entry(c, ae)) < 0)
			return err;
	}
}

static int open_raw(struct archive **out, struct source *s, const char *name)
{
	struct archive *a = archive_read_new();
	const char *msg;
	int err;

	*out = NULL;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_raw(a);
	if (archive_read_open(a, s, NULL, source_read, NULL) == ARCHIVE_OK) {
		*out = a;
		return 0;
	}
	msg = archive_error_string(a);
	if (s->err)
		err = s->err;
	else if (s->bytes == 0)
		err = vigil_error_set(VIGIL_EINVALID, "layer '%s' is empty", name);
	else
		err = vigil_error_set(VIGIL_EINVALID, "layer '%s': cannot decompress: %s", name,
				      msg ? msg : "unknown error");
	archive_read_free(a);
	return err;
}

static struct archive *open_tar(struct untar *u)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, u, NULL, untar_read, NULL) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The stages are set up; read everything. */
static int run(struct ctx *c, struct source *s, struct untar *u)
{
	int err;

	if ((err = open_raw(&u->raw, s, c->name)) < 0)
		return err;
	u->plain = archive_filter_code(u->raw, 0) == ARCHIVE_FILTER_NONE;
	if (!u->plain || c->decompressing)
		vigil_hasher_start(s->hash);
	c->tar = open_tar(u);
	if (!c->tar) {
		if (u->err)
			return u->err;
		if (u->bytes == 0 && s->bytes == 0)
			return vigil_error_set(VIGIL_EINVALID, "layer '%s' is empty", c->name);
		return vigil_error_set(VIGIL_EINVALID, "layer '%s' is not a tar archive",
				       c->name);
	}
	if ((err = read_entries(c)) < 0)
		return err;
	return drain(u);
}

static int layer_read(struct vigil_layer *out, vigil_read_fn read, void *payload,
		      const struct vigil_layer_opts *opts, int decompressing)
{
	struct source s = { 0 };
	struct untar u = { 0 };
	struct ctx c = { 0 };
	int err;

	vigil_layer_release(out);
	s.read = read;
	s.payload = payload;
	s.hash = vigil_hasher_new();
	u.hash = s.hash;
	u.src = &s;
	u.name = opts && opts->name ? opts->name : "layer";
	c.out = out;
	c.u = &u;
	c.name = u.name;
	c.cap = opts && opts->max_file_size ? opts->max_file_size : VIGIL_DEFAULT_MAX_FILE_SIZE;
	c.decompressing = decompressing;
	c.path = (vigil_buf)VIGIL_BUF_INIT;
	c.target = (vigil_buf)VIGIL_BUF_INIT;
	err = run(&c, &s, &u);
	if (err == 0) {
		vigil_hasher_final(s.hash, HASH_DIGEST, out->digest);
		if (u.plain)
			memcpy(out->diff_id, out->digest, sizeof(out->diff_id));
		else
			vigil_hasher_final(s.hash, HASH_DIFF_ID, out->diff_id);
		out->stored_size = s.bytes;
		out->tar_size = u.bytes;
	}
	vigil_hasher_free(s.hash);
	if (c.tar)
		archive_read_free(c.tar);
	if (u.raw)
		archive_read_free(u.raw);
	vigil_buf_release(&c.path);
	vigil_buf_release(&c.target);
	if (err < 0)
		vigil_layer_release(out);
	return err;
}

int vigil_layer_read(struct vigil_layer *out, vigil_read_fn read, void *payload,
		     const struct vigil_layer_opts *opts)
{
	return layer_read(out, read, payload, opts, 0);
}

int vigil_layer_read_decompressed(struct vigil_layer *out, vigil_read_fn read, void *payload,
				  const struct vigil_layer_opts *opts)
{
	return layer_read(out, read, payload, opts, 1);
}

struct file_source {
	int fd;
	const char *path;
	char *block;
};

static ssize_t file_read(void *payload, const void **buf)
{
	struct file_source *f = payload;
	ssize_t n;

	do
		n = read(f->fd, f->block, FILE_BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", f->path, strerror(errno));
	*buf = f->block;
	return n;
}

int vigil_layer_read_file(struct vigil_layer *out, const char *path,
			  const struct vigil_layer_opts *opts)
{
	struct file_source f = { -1, path, NULL };
	struct vigil_layer_opts o = { 0 };
	int err;

	vigil_layer_release(out);
	f.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f.fd < 0)
		return vigil_error_set(errno == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO,
				       "cannot open '%s': %s", path, strerror(errno));
	if (opts)
		o = *opts;
	if (!o.name)
		o.name = path;
	f.block = vigil_malloc(FILE_BLOCK);
	err = vigil_layer_read(out, file_read, &f, &o);
	vigil_free(f.block);
	close(f.fd);
	return err;
}
