/*
 * docker-archive and oci-archive: an image packed in one tar file (plain,
 * or gzip/zstd-compressed as a whole), read in ONE streaming pass.
 *
 * The documents that give members their roles may come last (docker save
 * writes manifest.json at the end; an OCI manifest blob may sort after its
 * layers), so every member is handled as it streams:
 *   - one that starts like a tar, gzip or zstd stream is a layer candidate:
 *     it goes through vigil_layer_read() at once and only the result (the
 *     wanted files, digests) is kept, under the member name;
 *   - a small JSON-looking one (<= VIGIL_MAX_JSON_SIZE) is kept whole as a
 *     candidate document, with its sha256;
 *   - anything else is skipped.
 * At the end manifest.c walks manifest -> config -> layers through this
 * store and the members nobody named are dropped. A layer candidate that
 * failed (corrupt, too big) only fails the load when the manifest names it.
 *
 * With a layer cache (hooks) and a plain, uncompressed tar, layers are not
 * read in that pass: a member over VIGIL_MAX_JSON_SIZE, or one that starts
 * like a tar, gzip or zstd stream, is only remembered by its position
 * (M_DEFERRED), and libarchive skips its data by seeking. The JSON members
 * are kept as above, manifest.c asks the cache for each layer by diff_id,
 * and only a layer it does not hold is read: the archive is opened again
 * and headers are skipped up to that member (forward from the last one read
 * when it comes later). A compressed archive cannot skip, so it is always
 * read in the one pass and never asks the cache.
 */
#include "image.h"
#include "manifest.h"

#include "../limits.h"
#include "../../util/path.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 512 KiB reads of the file: was 1 MiB; the other half pays for the layer reader's hashing ring */
#define OUTER_BLOCK ((size_t)512 << 10)
#define SNIFF_BLOCK ((size_t)64 << 10)
/* reads of a deferring pass: each header after a skipped member costs one */
#define DEFER_BLOCK ((size_t)64 << 10)
#define TAR_BLOCK 512

enum kind { KIND_NONE, KIND_DOCKER, KIND_OCI };
enum member_kind { M_OTHER, M_BLOB, M_LAYER, M_FAILED, M_DEFERRED };

struct member {
	char *name; /* clean member name */
	enum member_kind kind;
	size_t seq;                /* index of its header in the archive */
	const struct vigil_layer *moved; /* M_LAYER: where the result went */
	struct vigil_layer layer;  /* M_LAYER */
	char *data;                /* M_BLOB */
	size_t len;
	char digest[VIGIL_DIGEST_LEN]; /* M_BLOB */
	int err;                   /* M_FAILED: the code and message */
	char *msg;
};

struct outer {
	const char *path;
	const vigil_image_opts *opts;
	struct archive *a;
	size_t at;      /* headers of `a` read so far */
	struct member *m;
	size_t n, cap, nblobs, blob_bytes, nlayers;
	enum kind kind; /* how keys are read: OCI digests name blobs/sha256/<hex> */
	int defer;      /* plain tar with a layer cache: layers read on demand */
	int failed;     /* the outer archive itself broke: fatal */
	/* the current member's first bytes, handed out before the rest */
	vigil_buf peek;
	const void *pending;
	size_t pending_len;
	int member_eof;
};

/* ---- recognising members ---- */

static int is_gzip(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static int is_zstd(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd;
}

/* A ustar/GNU/v7 header with a good checksum, or an all-zero block (an empty tar). */
static int is_tar(const unsigned char *p, size_t n)
{
	unsigned long sum = 0, want = 0;
	size_t i;
	int zero = 1;

	if (n < TAR_BLOCK)
		return 0;
	for (i = 0; i < TAR_BLOCK; i++) {
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
		zero &= p[i] == 0;
	}
	if (zero)
		return 1;
	for (i = 148; i < 156 && p[i] == ' '; i++)
		;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++)
		want = want * 8 + (unsigned long)(p[i] - '0');
	return sum == want;
}

static int is_archive_start(const unsigned char *p, size_t n)
{
	return is_gzip(p, n) || is_zstd(p, n) || is_tar(p, n);
}

static int looks_json(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && isspace(p[i]); i++)
		;
	return i < n && (p[i] == '{' || p[i] == '[');
}

/* ---- the outer archive ---- */

static int open_outer(struct archive **out, const char *path, size_t block)
{
	struct archive *a = archive_read_new();
	int code;

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	*out = NULL;
	if (archive_read_open_filename(a, path, block) != ARCHIVE_OK) {
		code = archive_errno(a) == ENOENT ? VIGIL_ENOTFOUND : VIGIL_EIO;
		code = vigil_error_set(code, "cannot open '%s': %s", path, archive_error_string(a));
		archive_read_free(a);
		return code;
	}
	*out = a;
	return 0;
}

static int outer_error(struct outer *o, int first)
{
	const char *msg = archive_error_string(o->a);

	o->failed = 1;
	if (first && archive_errno(o->a) == EILSEQ)
		return vigil_error_set(VIGIL_EINVALID, "'%s' is not a tar archive", o->path);
	return vigil_error_set(VIGIL_EINVALID, "'%s' is truncated or corrupt: %s", o->path,
			       msg ? msg : "read error");
}

/* The current member's data, the peeked bytes first (a vigil_read_fn). */
static ssize_t member_read(void *payload, const void **buf)
{
	struct outer *o = payload;
	size_t size = 0;
	la_int64_t off;
	int r;

	if (o->pending) {
		*buf = o->pending;
		size = o->pending_len;
		o->pending = NULL;
		return (ssize_t)size;
	}
	if (o->member_eof)
		return 0;
	r = archive_read_data_block(o->a, buf, &size, &off);
	if (r == ARCHIVE_EOF) {
		o->member_eof = 1;
		return 0;
	}
	if (r < ARCHIVE_WARN)
		return outer_error(o, 0);
	return (ssize_t)size;
}

/* Read the member's first block(s), at least TAR_BLOCK bytes unless it is shorter. */
static int peek(struct outer *o)
{
	const void *buf;
	ssize_t n;

	vigil_buf_reset(&o->peek);
	o->pending = NULL;
	o->member_eof = 0;
	n = member_read(o, &buf);
	if (n <= 0)
		return (int)n;
	if ((size_t)n >= TAR_BLOCK) {
		o->pending = buf;
		o->pending_len = (size_t)n;
		return 0;
	}
	do {
		if (vigil_buf_add(&o->peek, buf, (size_t)n) < 0)
			return VIGIL_ETOOBIG;
	} while (o->peek.len < TAR_BLOCK && (n = member_read(o, &buf)) > 0);
	if (n < 0)
		return (int)n;
	o->pending = o->peek.ptr;
	o->pending_len = o->peek.len;
	return 0;
}

static struct member *add_member(struct outer *o, const char *name)
{
	struct member *m;

	o->m = vigil_array_grow(o->m, &o->cap, o->n + 1, sizeof(*o->m));
	m = &o->m[o->n++];
	memset(m, 0, sizeof(*m));
	m->name = vigil_strdup(name);
	m->seq = o->at - 1;
	return m;
}

static int count_layer(struct outer *o)
{
	if (++o->nlayers > VIGIL_MAX_LAYERS)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s' has more than %d layer members",
				       o->path, VIGIL_MAX_LAYERS);
	return 0;
}

static int keep_blob(struct outer *o, struct member *m)
{
	vigil_buf data = VIGIL_BUF_INIT;
	const void *buf;
	ssize_t n;

	if (++o->nblobs > VIGIL_MAX_SMALL_BLOBS)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s' has more than %d small members",
				       o->path, VIGIL_MAX_SMALL_BLOBS);
	data.max = VIGIL_MAX_JSON_SIZE;
	while ((n = member_read(o, &buf)) > 0) {
		if (vigil_buf_add(&data, buf, (size_t)n) < 0) {
			vigil_buf_release(&data);
			return vigil_error_set(VIGIL_ETOOBIG, "'%s' in '%s' is over %zu bytes",
					       m->name, o->path, VIGIL_MAX_JSON_SIZE);
		}
	}
	if (n < 0) {
		vigil_buf_release(&data);
		return (int)n;
	}
	o->blob_bytes += data.len;
	if (o->blob_bytes > VIGIL_MAX_SMALL_BLOB_BYTES) {
		vigil_buf_release(&data);
		return vigil_error_set(VIGIL_ETOOBIG, "'%s' holds over %zu bytes of small members",
				       o->path, VIGIL_MAX_SMALL_BLOB_BYTES);
	}
	vigil_sha256_buf(data.ptr, data.len, m->digest);
	m->data = vigil_buf_detach(&data, &m->len);
	m->kind = M_BLOB;
	return 0;
}

static int keep_layer(struct outer *o, struct member *m)
{
	struct vigil_layer_opts lo = { 0 };
	int err;

	lo.max_file_size = o->opts ? o->opts->max_file_size : 0;
	lo.name = m->name;
	if (archive_filter_code(o->a, 0) != ARCHIVE_FILTER_NONE)
		err = vigil_layer_read_decompressed(&m->layer, member_read, o, &lo);
	else
		err = vigil_layer_read(&m->layer, member_read, o, &lo);
	if (err == 0) {
		m->kind = M_LAYER;
		return 0;
	}
	if (o->failed)
		return err;
	/* only an error if the manifest names this member */
	m->kind = M_FAILED;
	m->err = err;
	m->msg = vigil_strdup(vigil_error_last());
	return 0;
}

static int handle_member(struct outer *o, struct archive_entry *ae, vigil_buf *name)
{
	const unsigned char *p;
	struct member *m;
	int err, small;

	/* a name over VIGIL_MAX_PATH is nothing a manifest can name: skip it */
	if (!archive_entry_pathname(ae) || vigil_path_clean(name, archive_entry_pathname(ae)) < 0)
		return 0;
	if (o->n >= VIGIL_MAX_ARCHIVE_MEMBERS)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s' has more than %d members", o->path,
				       VIGIL_MAX_ARCHIVE_MEMBERS);
	small = archive_entry_size_is_set(ae) &&
		archive_entry_size(ae) <= (la_int64_t)VIGIL_MAX_JSON_SIZE;
	if (o->defer && !small) {
		/* left unread: read_deferred() streams it if the manifest asks */
		add_member(o, name->ptr)->kind = M_DEFERRED;
		return count_layer(o);
	}
	if ((err = peek(o)) < 0)
		return err;
	m = add_member(o, name->ptr);
	p = o->pending;
	if (p && is_archive_start(p, o->pending_len)) {
		if ((err = count_layer(o)) < 0)
			return err;
		if (!o->defer)
			return keep_layer(o, m);
		m->kind = M_DEFERRED;
		return 0;
	}
	if (p && looks_json(p, o->pending_len) && small)
		return keep_blob(o, m);
	return 0;
}

/*
 * Stream every member once (layers deferred: every header once, only the
 * small members' data). A deferring pass uses small reads, since most of
 * what follows a header is skipped, and lets the file go at the end.
 */
static int stream(struct outer *o)
{
	struct archive_entry *ae;
	vigil_buf name = VIGIL_BUF_INIT;
	int r, err = 0, first = 1;

	if ((err = open_outer(&o->a, o->path, o->defer ? DEFER_BLOCK : OUTER_BLOCK)) < 0)
		return err;
	for (;; first = 0) {
		r = archive_read_next_header(o->a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			err = outer_error(o, first);
			break;
		}
		o->at++;
		if (archive_entry_filetype(ae) != AE_IFREG || archive_entry_hardlink(ae))
			continue;
		if ((err = handle_member(o, ae, &name)) < 0)
			break;
	}
	if (!err && o->n == 0)
		err = vigil_error_set(VIGIL_EINVALID, "'%s' is an empty archive", o->path);
	vigil_buf_release(&name);
	if (o->defer) {
		archive_read_free(o->a);
		o->a = NULL;
	}
	return err;
}

/*
 * Stream deferred member `m` now, as the one pass would have: forward from
 * the last header read when it comes later, else from the archive's start.
 * Headers in between are skipped by seeking. Returns 0 (m is then M_LAYER
 * or M_FAILED) or a fatal error of the outer archive.
 */
static int read_deferred(struct outer *o, struct member *m)
{
	struct archive_entry *ae;
	int r, err;

	if (o->a && o->at > m->seq) {
		archive_read_free(o->a);
		o->a = NULL;
	}
	if (!o->a) {
		o->at = 0;
		if ((err = open_outer(&o->a, o->path, DEFER_BLOCK)) < 0)
			return err;
	}
	while (o->at <= m->seq) {
		r = archive_read_next_header(o->a, &ae);
		if (r == ARCHIVE_EOF)
			return vigil_error_set(VIGIL_EINVALID, "'%s' changed while it was read",
					       o->path);
		if (r < ARCHIVE_WARN)
			return outer_error(o, 0);
		o->at++;
	}
	if ((err = peek(o)) < 0)
		return err;
	return keep_layer(o, m);
}

static void release_outer(struct outer *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		vigil_free(o->m[i].name);
		vigil_free(o->m[i].data);
		vigil_free(o->m[i].msg);
		vigil_layer_release(&o->m[i].layer);
	}
	vigil_free(o->m);
	vigil_buf_release(&o->peek);
	if (o->a)
		archive_read_free(o->a);
	memset(o, 0, sizeof(*o));
}

/* ---- the store manifest.c reads ---- */

/* The member a key names: an OCI digest is blobs/sha256/<hex>. */
static struct member *find(struct outer *o, const char *key)
{
	char name[VIGIL_DIGEST_LEN + 16];
	const char *hex;
	size_t i;

	if (o->kind == KIND_OCI && vigil_manifest_digest_hex(key, &hex)) {
		snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
		key = name;
	}
	for (i = 0; i < o->n; i++)
		if (strcmp(o->m[i].name, key) == 0)
			return &o->m[i];
	return NULL;
}

static int store_json(void *self, const char *key, const char **data, size_t *len)
{
	struct outer *o = self;
	struct member *m = find(o, key);

	if (!m && (strcmp(key, "manifest.json") == 0 || strcmp(key, "index.json") == 0))
		return vigil_error_set(VIGIL_EINVALID, "'%s' has no %s", o->path, key);
	if (!m)
		return vigil_error_set(VIGIL_ENOTFOUND, "'%s' not found in '%s'", key, o->path);
	if (m->kind != M_BLOB)
		return vigil_error_set(VIGIL_EINVALID, "'%s' in '%s' is not a JSON document", key,
				       o->path);
	if (o->kind == KIND_OCI && vigil_manifest_digest_hex(key, NULL) &&
	    strcmp(key, m->digest) != 0)
		return vigil_error_set(VIGIL_EINVALID,
				       "blob '%s' in '%s': digest mismatch: content is %s", key,
				       o->path, m->digest);
	*data = m->data;
	*len = m->len;
	return 0;
}

static void copy_layer(struct vigil_layer *out, const struct vigil_layer *l)
{
	size_t i;

	*out = *l;
	out->entries = vigil_calloc(l->n ? l->n : 1, sizeof(*out->entries));
	out->cap = l->n;
	for (i = 0; i < l->n; i++) {
		out->entries[i] = l->entries[i];
		out->entries[i].path = vigil_strdup(l->entries[i].path);
		out->entries[i].data = NULL;
		if (l->entries[i].data) {
			out->entries[i].data = vigil_malloc(l->entries[i].len + 1);
			memcpy(out->entries[i].data, l->entries[i].data, l->entries[i].len + 1);
		}
	}
}

static int store_layer(void *self, const char *key, struct vigil_layer *out)
{
	struct outer *o = self;
	struct member *m = find(o, key);
	int err;

	memset(out, 0, sizeof(*out));
	if (!m)
		return vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' not found in '%s'", key,
				       o->path);
	if (m->kind == M_DEFERRED && (err = read_deferred(o, m)) < 0)
		return err;
	if (m->kind == M_FAILED)
		return vigil_error_set(m->err, "%s", m->msg);
	if (m->kind != M_LAYER)
		return vigil_error_set(VIGIL_EINVALID, "layer '%s' in '%s' is not a tar archive",
				       key, o->path);
	if (m->moved) {
		/* named twice (identical layers): copy from where the first went */
		copy_layer(out, m->moved);
		return 0;
	}
	*out = m->layer;
	memset(&m->layer, 0, sizeof(m->layer));
	m->moved = out;
	return 0;
}

static int store_has_layer(void *self, const char *key)
{
	struct outer *o = self;

	if (!find(o, key))
		return vigil_error_set(VIGIL_ENOTFOUND, "layer '%s' not found in '%s'", key,
				       o->path);
	return 0;
}

/* ---- probing and loading ---- */

/* The file's first bytes, up to TAR_BLOCK: their count, or a negative vigil_code. */
static ssize_t file_head(unsigned char head[TAR_BLOCK], const char *path)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return vigil_error_set(VIGIL_EIO, "cannot open '%s': %s", path, strerror(errno));
	n = read(fd, head, TAR_BLOCK);
	close(fd);
	if (n < 0)
		return vigil_error_set(VIGIL_EIO, "cannot read '%s': %s", path, strerror(errno));
	return n;
}

/* Is the file's start an archive at all (before libarchive gets to say more)? */
static int file_looks_archive(const char *path)
{
	unsigned char head[TAR_BLOCK];
	ssize_t n = file_head(head, path);

	return n < 0 ? (int)n : is_archive_start(head, (size_t)n);
}

/* Is the file an uncompressed tar, whose members libarchive skips by seeking? */
static int file_is_plain_tar(const char *path)
{
	unsigned char head[TAR_BLOCK];
	ssize_t n = file_head(head, path);

	return n < 0 ? (int)n : is_tar(head, (size_t)n);
}

/* What a member's name says about the archive: docker-save, OCI, or nothing yet. */
static enum kind member_says(const char *name)
{
	const char *base = vigil_path_base(name);

	if (strcmp(name, "oci-layout") == 0 || strcmp(name, "index.json") == 0)
		return KIND_OCI;
	if (strcmp(name, "manifest.json") == 0 || strcmp(name, "repositories") == 0)
		return KIND_DOCKER;
	if (base != name && (strcmp(base, "layer.tar") == 0 || strcmp(base, "VERSION") == 0))
		return KIND_DOCKER;
	return KIND_NONE;
}

/*
 * Which kind of archive `path` is, from its member names: read headers until
 * one decides (skipping data, which a plain tar does by seeking).
 * Returns a kind or a negative vigil_code.
 */
static int sniff(const char *path)
{
	struct outer o = { 0 };
	struct archive_entry *ae;
	vigil_buf name = VIGIL_BUF_INIT;
	int r, kind = KIND_NONE, first = 1;

	if ((r = file_looks_archive(path)) <= 0)
		return r;
	o.path = path;
	if ((r = open_outer(&o.a, path, SNIFF_BLOCK)) < 0)
		return r;
	while (kind == KIND_NONE) {
		r = archive_read_next_header(o.a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			kind = outer_error(&o, first);
			break;
		}
		first = 0;
		if (vigil_path_clean(&name, archive_entry_pathname(ae) ? archive_entry_pathname(ae)
									: "") == 0)
			kind = member_says(name.ptr);
	}
	vigil_buf_release(&name);
	release_outer(&o);
	return kind;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int probe_docker(const char *path)
{
	int k = is_file(path) ? sniff(path) : KIND_NONE;

	return k < 0 ? k : k == KIND_DOCKER;
}

static int probe_oci(const char *path)
{
	int k = is_file(path) ? sniff(path) : KIND_NONE;

	return k < 0 ? k : k == KIND_OCI;
}

static int load(struct vigil_image_data *out, const char *path, const char *tag,
		const vigil_image_opts *opts, const struct vigil_image_hooks *hooks,
		enum kind kind)
{
	struct outer o = { 0 };
	struct vigil_blob_store s = { 0 };
	int err;

	if (!is_file(path))
		return vigil_error_set(VIGIL_EINVALID, "'%s' is not an archive file", path);
	o.path = path;
	o.opts = opts;
	o.kind = kind;
	s.self = &o;
	s.name = path;
	s.json = store_json;
	s.layer = store_layer;
	if (hooks && (err = file_is_plain_tar(path)) != 0) {
		if (err < 0)
			return err;
		o.defer = 1;
		s.hooks = hooks;
		s.has_layer = store_has_layer;
	}
	err = stream(&o);
	if (!err && kind == KIND_DOCKER)
		err = vigil_manifest_load_docker(out, &s, tag);
	else if (!err)
		err = vigil_manifest_load_oci(out, &s, tag, opts ? opts->platform : NULL);
	release_outer(&o);
	return err;
}

static int load_docker(struct vigil_image_data *out, const char *path, const char *tag,
		       const vigil_image_opts *opts, const struct vigil_image_hooks *hooks)
{
	out->kind = "docker-archive";
	return load(out, path, tag, opts, hooks, KIND_DOCKER);
}

static int load_oci(struct vigil_image_data *out, const char *path, const char *tag,
		    const vigil_image_opts *opts, const struct vigil_image_hooks *hooks)
{
	out->kind = "oci-archive";
	return load(out, path, tag, opts, hooks, KIND_OCI);
}

const struct vigil_image_source vigil_image_source_docker_archive = {
	.prefix = "docker-archive",
	.probe = probe_docker,
	.load = load_docker,
};

const struct vigil_image_source vigil_image_source_oci_archive = {
	.prefix = "oci-archive",
	.probe = probe_oci,
	.load = load_oci,
};
