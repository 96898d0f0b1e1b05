/*
 * Debian security tracker, in its two published shapes:
 *
 * 1. The JSON export (https://security-tracker.debian.org/tracker/data/json):
 *      {SRC: {ID: {description, releases: {CODENAME: {status, fixed_version,
 *      urgency}}}}}
 *    resolved + "0" -> not affected; resolved + F -> fixed in F; open,
 *    undetermined -> affected, no fix. Severity from the urgency, highest
 *    one of a (release, ID) wins; the description is stored. Unit "json".
 *
 * 2. The tracker repository's text lists: data/DSA/list, data/DLA/list,
 *    data/DTSA/list (units "DSA/list", ...):
 *      [29 Mar 2023] DSA-5380-1 xorg-server - security update
 *              {CVE-2023-1393}
 *              [bullseye] - xorg-server 2:1.20.11-1+deb11u6
 *    every ID of the {...} line (else the advisory's own ID) is fixed in
 *    that version for that source package and release; and data/CVE/list
 *    (unit "CVE/list"), whose `[R] - SRC V` and `- SRC V` (unstable) lines
 *    are fixes and whose <no-dsa>, <ignored>, <postponed>, <unfixed> and
 *    <not-affected> tags are affected-no-fix and not-affected statements.
 *    Within a file the statements of one (release, package, ID) are resolved
 *    at import time: a fix beats the tags (the lowest fix, dpkg order, wins),
 *    not-affected beats affected-no-fix. Severity Unknown.
 *
 * Namespaces: debian:N by the release's major version (codenames from etch
 * to forky), debian:unstable for sid; statements for other releases (woody,
 * sarge, ...) are skipped and counted, with one warning per file and
 * release. docs/internals/feed-debian.md has the rules and how the matcher
 * prefers the JSON export's statement over the lists'.
 *
 * Errors follow alpine.c: a file that is not such a document, does not
 * parse (JSON) or holds binary data is an error naming the file and line;
 * items of an unexpected shape inside a good file (a malformed header or
 * annotation line, a release entry without a status) are skipped with a
 * warning naming the file and line (or package) and counted. A JSON export
 * whose top-level values are not objects is another document: an error.
 *
 * The JSON export (~80 MiB) is not loaded whole: a small scanner walks the
 * top-level object and hands jansson one package's object at a time.
 */
#include "feed.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "vigil/version.h"
#include "../limits.h"
#include "../../util/text.h"

#include <jansson.h>
#include <string.h>

#define COMPONENT "feed.debian"

/* Releases vigil can place in a namespace. woody (3.0) and sarge (3.1)
 * share a major version and are left out, as are older ones. */
static const struct {
	const char *codename, *version;
} releases[] = {
	{ "etch", "4" },
	{ "lenny", "5" },
	{ "squeeze", "6" },
	{ "wheezy", "7" },
	{ "jessie", "8" },
	{ "stretch", "9" },
	{ "buster", "10" },
	{ "bullseye", "11" },
	{ "bookworm", "12" },
	{ "trixie", "13" },
	{ "forky", "14" },
	{ "sid", "unstable" },
	{ "unstable", "unstable" },
};

#define NRELEASES (sizeof(releases) / sizeof(releases[0]))
#define MAX_UNPLACED 32

enum kind { KIND_JSON, KIND_DSA, KIND_DLA, KIND_DTSA, KIND_CVE };

static const char *const unit_keys[] = { "json", "DSA/list", "DLA/list", "DTSA/list", "CVE/list" };

/* One (release, package, ID) of a list, or one (release, ID) of the JSON:
 * 16 bytes, the export has ~500k of them. */
struct entry {
	uint32_t key;         /* offset of the NUL-terminated key in the arena */
	uint32_t version;     /* offset of the fixed version in the arena */
	uint32_t hash;        /* of the key (its low bits) */
	unsigned char status; /* lists: vigil_affected_status; JSON: severity */
};

/* Bytes of a map's arena, whose offsets are 32-bit. */
#define MAX_ARENA ((size_t)UINT32_MAX)

struct map {
	uint32_t *slots; /* entry index + 1; 0 is empty */
	size_t cap;
	struct entry *e;
	size_t n, ecap;
	vigil_buf arena;
};

struct debian {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	const char *data; /* a text list, whole */
	size_t len;
	enum kind kind;
	int64_t unit;
	uint32_t ns_done; /* releases whose namespace the unit covers */
	struct map map;
	vigil_buf key, tmp;
	uint64_t items; /* statements seen, against VIGIL_MAX_FEED_ITEMS */
	uint64_t xxxx;  /* CVE/list entries without an assigned ID */
	struct {
		char name[32];
		uint64_t n;
	} unplaced[MAX_UNPLACED];
	size_t nunplaced;
	uint64_t unplaced_other;
	/* the current block of a text list */
	size_t line;
	int in_block;  /* a header was read and is good */
	char adv[64];  /* DSA/DLA/DTSA: the advisory's own ID */
	vigil_buf ids; /* its {...} IDs, NUL-separated */
	size_t nids;
	vigil_buf fixes; /* its fixes: release byte, SRC NUL, VERSION NUL */
};

/* ---- the map of statements ---- */

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 1099511628211ULL;
	}
	return h;
}

static void map_rehash(struct map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j;

	vigil_free(m->slots);
	m->slots = vigil_calloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (i = 0; i < m->n; i++) {
		for (j = m->e[i].hash & (cap - 1); m->slots[j]; j = (j + 1) & (cap - 1))
			;
		m->slots[j] = (uint32_t)(i + 1);
	}
}

/* The entry of key[0..len) (NUL-terminated), added when missing (*added = 1). */
static int map_get(struct map *m, const char *path, const char *key, size_t len, struct entry **out,
                   int *added)
{
	uint32_t h = (uint32_t)hash_bytes(key, len);
	size_t j;
	int err;

	if ((m->n + 1) * 2 > m->cap)
		map_rehash(m);
	for (j = h & (m->cap - 1); m->slots[j]; j = (j + 1) & (m->cap - 1)) {
		struct entry *e = &m->e[m->slots[j] - 1];
		if (e->hash == h && strcmp(m->arena.ptr + e->key, key) == 0) {
			*out = e;
			*added = 0;
			return 0;
		}
	}
	if (m->arena.len + len + 1 > MAX_ARENA)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %zu bytes of statements",
		                       path, MAX_ARENA);
	m->e = vigil_array_grow(m->e, &m->ecap, m->n + 1, sizeof(*m->e));
	m->e[m->n].key = (uint32_t)m->arena.len;
	m->e[m->n].version = 0;
	m->e[m->n].hash = h;
	m->e[m->n].status = 0;
	if ((err = vigil_buf_add(&m->arena, key, len + 1)) < 0)
		return err;
	m->slots[j] = (uint32_t)(++m->n);
	*out = &m->e[m->n - 1];
	*added = 1;
	return 0;
}

static void map_release(struct map *m)
{
	vigil_free(m->slots);
	vigil_free(m->e);
	vigil_buf_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

/* ---- shared helpers ---- */

static int release_index(const char *codename, size_t len)
{
	size_t i;

	for (i = 0; i < NRELEASES; i++)
		if (strlen(releases[i].codename) == len &&
		    memcmp(releases[i].codename, codename, len) == 0)
			return (int)i;
	return -1;
}

/* A statement for a release vigil cannot place: counted, warned about once per file. */
static void unplaced(struct debian *d, const char *codename, size_t len)
{
	size_t i;

	d->run->skipped++;
	for (i = 0; i < d->nunplaced; i++) {
		if (strlen(d->unplaced[i].name) == len &&
		    memcmp(d->unplaced[i].name, codename, len) == 0) {
			d->unplaced[i].n++;
			return;
		}
	}
	if (d->nunplaced == MAX_UNPLACED || len >= sizeof(d->unplaced[0].name)) {
		d->unplaced_other++;
		return;
	}
	memcpy(d->unplaced[d->nunplaced].name, codename, len);
	d->unplaced[d->nunplaced].name[len] = '\0';
	d->unplaced[d->nunplaced++].n = 1;
}

static void warn_summary(struct debian *d)
{
	size_t i;

	for (i = 0; i < d->nunplaced; i++)
		vigil_log(WARN, COMPONENT,
		          "'%s': skipped %llu statements for release '%s' (no Debian version "
		          "vigil can place)",
		          d->file->path, (unsigned long long)d->unplaced[i].n, d->unplaced[i].name);
	if (d->unplaced_other)
		vigil_log(WARN, COMPONENT,
		          "'%s': skipped %llu statements for other unknown releases", d->file->path,
		          (unsigned long long)d->unplaced_other);
	if (d->xxxx)
		vigil_log(WARN, COMPONENT,
		          "'%s': skipped %llu entries without an assigned ID (XXXX)", d->file->path,
		          (unsigned long long)d->xxxx);
}

/* An item skipped with a warning, at the current line of a text list. */
static int skip_line(struct debian *d, const char *what)
{
	d->run->skipped++;
	vigil_log(WARN, COMPONENT, "'%s': line %zu: skipped %s", d->file->path, d->line, what);
	return 0;
}

static int skip_pkg(struct debian *d, const char *pkg, const char *what)
{
	d->run->skipped++;
	vigil_log(WARN, COMPONENT, "'%s': package '%s': skipped %s", d->file->path, pkg ? pkg : "?",
	          what);
	return 0;
}

/* Replace (first use in the run) the file's unit. */
static int begin(struct debian *d, enum kind kind)
{
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf src = VIGIL_BUF_INIT;
	int err;

	d->kind = kind;
	/* A streamed file not read through yet takes a pass for its digest. */
	if ((err = vigil_feed_file_digest(d->file, &meta.digest)) < 0 ||
	    (err = vigil_buf_printf(&src, "file://%s", d->file->path)) < 0)
		return err;
	meta.source = src.ptr;
	meta.upstream_date = d->file->upstream_date;
	err = vigil_feed_run_unit(d->run, unit_keys[kind], &meta, &d->unit);
	vigil_buf_release(&src);
	return err;
}

/* The namespace of release `rel`, recorded for the unit on first use. */
static int use_ns(struct debian *d, int rel, const char **ns)
{
	int err;

	vigil_buf_reset(&d->tmp);
	if ((err = vigil_buf_printf(&d->tmp, "debian:%s", releases[rel].version)) < 0)
		return err;
	*ns = d->tmp.ptr;
	if (d->ns_done & (1u << rel))
		return 0;
	d->ns_done |= 1u << rel;
	if ((err = vigil_store_put_namespace(d->run->store, *ns, "dpkg")) < 0)
		return err;
	return vigil_store_unit_namespace(d->run->store, d->unit, *ns);
}

static int count_item(struct debian *d)
{
	if (++d->items > VIGIL_MAX_FEED_ITEMS)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d statements",
		                       d->file->path, VIGIL_MAX_FEED_ITEMS);
	return 0;
}

/* A package name, ID or version token: printable, no blanks, not too long. */
static int token_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > VIGIL_MAX_FEED_FIELD)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

/* ---- text lists: statements resolved per (release, package, ID) ---- */

/* Is (status, version) a better statement than entry `e`? */
static int better(struct debian *d, int status, const char *version, const struct entry *e)
{
	if (status == VIGIL_AFFECTED_FIXED)
		return e->status != VIGIL_AFFECTED_FIXED ||
		       vigil_version_cmp(VIGIL_VERSION_DPKG, version,
		                         d->map.arena.ptr + e->version) < 0;
	return status == VIGIL_AFFECTED_NOT_AFFECTED && e->status == VIGIL_AFFECTED_UNFIXED;
}

static int state(struct debian *d, int rel, const char *src, const char *id, int status,
                 const char *version)
{
	struct entry *e;
	size_t off;
	int added, err;

	if ((err = count_item(d)) < 0)
		return err;
	vigil_buf_reset(&d->key);
	if ((err = vigil_buf_printf(&d->key, "%c%s\t%s", 'A' + rel, src, id)) < 0 ||
	    (err = map_get(&d->map, d->file->path, d->key.ptr, d->key.len, &e, &added)) < 0)
		return err;
	if (!added && !better(d, status, version, e))
		return 0;
	off = d->map.arena.len;
	if (off + strlen(version) + 1 > MAX_ARENA)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %zu bytes of statements",
		                       d->file->path, MAX_ARENA);
	if ((err = vigil_buf_add(&d->map.arena, version, strlen(version) + 1)) < 0)
		return err;
	e->version = (uint32_t)off;
	e->status = (unsigned char)status;
	return 0;
}

/* Write the resolved statements of the file. */
static int flush_list(struct debian *d)
{
	size_t i;
	int err;

	for (i = 0; i < d->map.n; i++) {
		const struct entry *e = &d->map.e[i];
		const char *key = d->map.arena.ptr + e->key, *tab = strchr(key, '\t'), *ns;
		vigil_buf_reset(&d->key);
		if ((err = vigil_buf_add(&d->key, key + 1, (size_t)(tab - key - 1))) < 0 ||
		    (err = use_ns(d, key[0] - 'A', &ns)) < 0)
			return err;
		d->run->records++;
		if ((err = vigil_store_put_affected(d->run->store, d->unit, ns, tab + 1, d->key.ptr,
		                                    (enum vigil_affected_status)e->status,
		                                    d->map.arena.ptr + e->version)) < 0)
			return err;
	}
	return 0;
}

/* Split the first blank-separated token off *s. */
static struct vigil_span next_token(struct vigil_span *s)
{
	struct vigil_span t;
	size_t i = 0;

	while (i < s->len && (s->ptr[i] == ' ' || s->ptr[i] == '\t'))
		i++;
	t.ptr = s->ptr + i;
	while (i < s->len && s->ptr[i] != ' ' && s->ptr[i] != '\t')
		i++;
	t.len = (size_t)(s->ptr + i - t.ptr);
	s->len -= i;
	s->ptr += i;
	return t;
}

/* "[R] - SRC VERSION..." or (unstable) "- SRC VERSION...": release, package,
 * version token. Returns 1, or 0 when the line has another shape. */
static int parse_fix(struct vigil_span s, struct vigil_span *rel, struct vigil_span *src,
                     struct vigil_span *ver)
{
	struct vigil_span t;

	if (s.len && s.ptr[0] == '[') {
		const char *close = memchr(s.ptr, ']', s.len);
		if (!close || close == s.ptr + 1)
			return 0;
		rel->ptr = s.ptr + 1;
		rel->len = (size_t)(close - s.ptr - 1);
		s.len -= (size_t)(close + 1 - s.ptr);
		s.ptr = close + 1;
	} else {
		rel->ptr = "sid";
		rel->len = 3;
	}
	t = next_token(&s);
	if (!vigil_text_eq(t, "-"))
		return 0;
	*src = next_token(&s);
	*ver = next_token(&s);
	return src->len && ver->len;
}

/* The status a CVE/list tag states; -1: nothing (<removed>, <end-of-life>, ...). */
static int tag_status(struct vigil_span v, int *known)
{
	static const char *const unfixed[] = { "<no-dsa>", "<ignored>", "<postponed>",
		                               "<unfixed>" };
	static const char *const nothing[] = { "<removed>", "<end-of-life>", "<itp>",
		                               "<undetermined>" };
	size_t i;

	*known = 1;
	for (i = 0; i < sizeof(unfixed) / sizeof(unfixed[0]); i++)
		if (vigil_text_eq(v, unfixed[i]))
			return VIGIL_AFFECTED_UNFIXED;
	if (vigil_text_eq(v, "<not-affected>"))
		return VIGIL_AFFECTED_NOT_AFFECTED;
	for (i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++)
		if (vigil_text_eq(v, nothing[i]))
			return -1;
	*known = 0;
	return -1;
}

/* Release and package of a fix line, checked; *rel -1 when the release is unplaced. */
static int fix_parts(struct debian *d, struct vigil_span r, struct vigil_span src, int *rel)
{
	if (!token_ok(r.ptr, r.len) || !token_ok(src.ptr, src.len))
		return skip_line(d, "a fix line with a bad release or package");
	*rel = release_index(r.ptr, r.len);
	if (*rel < 0)
		unplaced(d, r.ptr, r.len);
	return 1;
}

/* A version token, checked with dpkg's rules, into d->tmp. 1 when good. */
static int version_ok(struct debian *d, struct vigil_span v)
{
	char why[160];

	vigil_buf_reset(&d->tmp);
	if (!token_ok(v.ptr, v.len) || vigil_buf_add(&d->tmp, v.ptr, v.len) < 0)
		return skip_line(d, "a fix line with a bad version");
	if (vigil_version_check(VIGIL_VERSION_DPKG, d->tmp.ptr) < 0) {
		snprintf(why, sizeof(why), "a bad version (%.120s)", vigil_error_last());
		vigil_error_clear();
		return skip_line(d, why);
	}
	return 1;
}

/* ---- DSA/DLA/DTSA lists ---- */

/* "DSA-5380-1", "DSA-135", "DLA-3380-1", "DTSA-1-1". */
static int advisory_id(struct vigil_span t, enum kind *kind)
{
	static const struct {
		const char *prefix;
		enum kind kind;
	} kinds[] = { { "DSA-", KIND_DSA }, { "DLA-", KIND_DLA }, { "DTSA-", KIND_DTSA } };
	size_t i, j, n, parts = 0;

	for (i = 0; i < 3; i++) {
		n = strlen(kinds[i].prefix);
		if (t.len <= n || memcmp(t.ptr, kinds[i].prefix, n) != 0 || t.len > 48)
			continue;
		for (j = n; j < t.len; j++) {
			if (t.ptr[j] == '-' && j > n && t.ptr[j - 1] != '-' && ++parts < 2)
				continue;
			if (t.ptr[j] < '0' || t.ptr[j] > '9')
				return 0;
		}
		if (t.ptr[t.len - 1] == '-')
			return 0;
		*kind = kinds[i].kind;
		return 1;
	}
	return 0;
}

/* "[DD Mon YYYY] DSA-..." (DTSA: "[August 26th, 2005] DTSA-..."). */
static int parse_header(struct vigil_span s, struct vigil_span *id, enum kind *kind)
{
	const char *close = s.len && s.ptr[0] == '[' ? memchr(s.ptr, ']', s.len) : NULL;

	if (!close || close == s.ptr + 1 || close - s.ptr > 48)
		return 0;
	s.len -= (size_t)(close + 1 - s.ptr);
	s.ptr = close + 1;
	*id = next_token(&s);
	return advisory_id(*id, kind);
}

/* Emit the finished block: each fix for each of its IDs (or the advisory's). */
static int end_block(struct debian *d)
{
	const char *f = d->fixes.ptr, *end = d->fixes.ptr + d->fixes.len;
	int err;

	if (!d->in_block)
		return 0;
	d->in_block = 0;
	while (f < end) {
		int rel = f[0] - 'A';
		const char *src = f + 1, *ver = src + strlen(src) + 1, *id;
		size_t i;
		f = ver + strlen(ver) + 1;
		if (d->nids == 0) {
			if ((err = state(d, rel, src, d->adv, VIGIL_AFFECTED_FIXED, ver)) < 0)
				return err;
			continue;
		}
		for (i = 0, id = d->ids.ptr; i < d->nids; i++, id += strlen(id) + 1)
			if ((err = state(d, rel, src, id, VIGIL_AFFECTED_FIXED, ver)) < 0)
				return err;
	}
	return 0;
}

static int block_ids(struct debian *d, struct vigil_span s)
{
	const char *close = memchr(s.ptr, '}', s.len);
	struct vigil_span in, t;
	int err;

	if (!close)
		return skip_line(d, "an ID list without '}'");
	in.ptr = s.ptr + 1;
	in.len = (size_t)(close - in.ptr);
	while ((t = next_token(&in)).len) {
		if (!token_ok(t.ptr, t.len)) {
			skip_line(d, "an over-long ID");
			continue;
		}
		if ((err = vigil_buf_add(&d->ids, t.ptr, t.len)) < 0 ||
		    (err = vigil_buf_putc(&d->ids, '\0')) < 0)
			return err;
		d->nids++;
	}
	return 0;
}

static int block_fix(struct debian *d, struct vigil_span s)
{
	struct vigil_span r, src, v;
	int rel, err;

	if (!parse_fix(s, &r, &src, &v) || s.ptr[0] != '[')
		return skip_line(d, "a malformed fix line");
	if (v.ptr[0] == '<')
		return 0; /* <end-of-life>, <not-affected>, ...: no fix stated */
	if ((err = fix_parts(d, r, src, &rel)) <= 0 || rel < 0)
		return err;
	if ((err = version_ok(d, v)) <= 0)
		return err;
	if ((err = vigil_buf_putc(&d->fixes, (char)('A' + rel))) < 0 ||
	    (err = vigil_buf_add(&d->fixes, src.ptr, src.len)) < 0 ||
	    (err = vigil_buf_putc(&d->fixes, '\0')) < 0)
		return err;
	return vigil_buf_add(&d->fixes, d->tmp.ptr, d->tmp.len + 1);
}

static int advisory_line(struct debian *d, struct vigil_span line)
{
	struct vigil_span s = vigil_text_trim(line), id;
	enum kind kind;
	int err;

	if (s.len == 0)
		return 0;
	if (line.ptr[0] != ' ' && line.ptr[0] != '\t') {
		if ((err = end_block(d)) < 0)
			return err;
		vigil_buf_reset(&d->ids);
		vigil_buf_reset(&d->fixes);
		d->nids = 0;
		if (!parse_header(s, &id, &kind))
			return skip_line(d, "a malformed advisory header (and its block)");
		memcpy(d->adv, id.ptr, id.len);
		d->adv[id.len] = '\0';
		d->in_block = 1;
		return 0;
	}
	if (!d->in_block)
		return 0; /* the block of a skipped header */
	if (s.ptr[0] == '{')
		return block_ids(d, s);
	if (s.ptr[0] == '[')
		return block_fix(d, s);
	return 0; /* NOTE: and other comments */
}

/* ---- data/CVE/list ---- */

/* "CVE-2023-1234" (1), "CVE-2023-XXXX" (2), else 0. */
static int cve_id(struct vigil_span t)
{
	size_t i;

	if (t.len < 13 || t.len > 32 || memcmp(t.ptr, "CVE-", 4) != 0 || t.ptr[8] != '-')
		return 0;
	for (i = 4; i < 8; i++)
		if (t.ptr[i] < '0' || t.ptr[i] > '9')
			return 0;
	if (t.len == 13 && memcmp(t.ptr + 9, "XXXX", 4) == 0)
		return 2;
	for (i = 9; i < t.len; i++)
		if (t.ptr[i] < '0' || t.ptr[i] > '9')
			return 0;
	return 1;
}

static int cve_statement(struct debian *d, struct vigil_span s)
{
	struct vigil_span r, src, v;
	int rel, status, known, err;

	if (!parse_fix(s, &r, &src, &v))
		return skip_line(d, "a malformed package line");
	if (v.ptr[0] == '<') {
		status = tag_status(v, &known);
		if (!known)
			return skip_line(d, "an unknown <tag>");
		if (status < 0)
			return 0;
	} else {
		status = VIGIL_AFFECTED_FIXED;
	}
	if ((err = fix_parts(d, r, src, &rel)) <= 0 || rel < 0)
		return err;
	if (status == VIGIL_AFFECTED_FIXED && (err = version_ok(d, v)) <= 0)
		return err;
	/* state() uses d->key: the package goes to d->ids. */
	vigil_buf_reset(&d->ids);
	if ((err = vigil_buf_add(&d->ids, src.ptr, src.len)) < 0)
		return err;
	return state(d, rel, d->ids.ptr, d->adv, status,
	             status == VIGIL_AFFECTED_FIXED ? d->tmp.ptr : "");
}

static int cve_line(struct debian *d, struct vigil_span line)
{
	struct vigil_span s = vigil_text_trim(line), t;
	int kind;

	if (s.len == 0)
		return 0;
	if (line.ptr[0] != ' ' && line.ptr[0] != '\t') {
		t = s;
		t = next_token(&t);
		d->in_block = 0;
		if (!(kind = cve_id(t)))
			return skip_line(d, "a malformed CVE header (and its entry)");
		if (kind == 2) {
			d->xxxx++;
			d->run->skipped++;
			return 0;
		}
		memcpy(d->adv, t.ptr, t.len);
		d->adv[t.len] = '\0';
		d->in_block = 1;
		return 0;
	}
	if (!d->in_block)
		return 0;
	if (s.ptr[0] == '[' ||
	    (s.len > 1 && s.ptr[0] == '-' && (s.ptr[1] == ' ' || s.ptr[1] == '\t')))
		return cve_statement(d, s);
	return 0; /* {DSA-...} cross references, NOTE:, TODO:, RESERVED, ... */
}

/* ---- text list driver ---- */

static int import_list(struct debian *d, enum kind kind)
{
	int (*fn)(struct debian *, struct vigil_span) = kind == KIND_CVE ? cve_line : advisory_line;
	struct vigil_span line;
	size_t pos = 0;
	int err;

	if ((err = begin(d, kind)) < 0)
		return err;
	while (vigil_text_next_line(d->data, d->len, &pos, &line)) {
		d->line++;
		if (line.len > VIGIL_MAX_DEBIAN_LINE) {
			skip_line(d, "an over-long line");
			continue;
		}
		if ((err = fn(d, line)) < 0)
			return err;
	}
	if (kind != KIND_CVE && (err = end_block(d)) < 0)
		return err;
	return flush_list(d);
}

/* ---- the JSON export ---- */

static enum vigil_severity urgency_severity(const char *u)
{
	static const struct {
		const char *word;
		enum vigil_severity sev;
	} words[] = { { "low", VIGIL_SEVERITY_LOW },
		      { "medium", VIGIL_SEVERITY_MEDIUM },
		      { "high", VIGIL_SEVERITY_HIGH } };
	size_t i, n;

	if (!u)
		return VIGIL_SEVERITY_UNKNOWN;
	if (strcmp(u, "unimportant") == 0)
		return VIGIL_SEVERITY_NEGLIGIBLE;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i].word);
		if (strncmp(u, words[i].word, n) == 0 && strspn(u + n, "*") == strlen(u + n))
			return words[i].sev;
	}
	return VIGIL_SEVERITY_UNKNOWN;
}

/* Details of (release, ID): written when first seen or when the severity rises. */
static int json_details(struct debian *d, int rel, const char *ns, const char *id, const char *desc,
                        enum vigil_severity sev)
{
	struct vigil_store_vuln v = { 0 };
	struct entry *e;
	int added, err;

	vigil_buf_reset(&d->key);
	if ((err = vigil_buf_printf(&d->key, "%c%s", 'A' + rel, id)) < 0 ||
	    (err = map_get(&d->map, d->file->path, d->key.ptr, d->key.len, &e, &added)) < 0)
		return err;
	if (!added && (enum vigil_severity)e->status >= sev)
		return 0;
	e->status = (unsigned char)sev;
	v.namespace_name = ns;
	v.name = id;
	v.description = desc;
	v.severity = sev;
	return vigil_store_put_vulnerability(d->run->store, d->unit, &v);
}

/* One release entry of (pkg, id). */
static int json_release(struct debian *d, const char *pkg, const char *id, const char *desc,
                        const char *codename, json_t *r)
{
	const char *status, *fv = "", *ns;
	enum vigil_affected_status st;
	int rel = release_index(codename, strlen(codename)), err;

	if (rel < 0) {
		unplaced(d, codename, strlen(codename));
		return 0;
	}
	if (!json_is_object(r))
		return skip_pkg(d, pkg, "a release entry that is not an object");
	status = json_string_value(json_object_get(r, "status"));
	if (status && strcmp(status, "resolved") == 0) {
		fv = json_string_value(json_object_get(r, "fixed_version"));
		if (!fv || !token_ok(fv, strlen(fv)))
			return skip_pkg(d, pkg, "a resolved entry without a good fixed_version");
		st = strcmp(fv, "0") == 0 ? VIGIL_AFFECTED_NOT_AFFECTED : VIGIL_AFFECTED_FIXED;
		if (st == VIGIL_AFFECTED_NOT_AFFECTED)
			fv = "";
		else if (vigil_version_check(VIGIL_VERSION_DPKG, fv) < 0) {
			vigil_error_clear();
			return skip_pkg(d, pkg, "a fixed_version dpkg refuses");
		}
	} else if (status && (strcmp(status, "open") == 0 || strcmp(status, "undetermined") == 0)) {
		st = VIGIL_AFFECTED_UNFIXED;
	} else {
		return skip_pkg(d, pkg, "a release entry without a known status");
	}
	if ((err = count_item(d)) < 0 || (err = use_ns(d, rel, &ns)) < 0)
		return err;
	d->run->records++;
	if ((err = vigil_store_put_affected(d->run->store, d->unit, ns, id, pkg, st, fv)) < 0)
		return err;
	return json_details(d, rel, ns, id, desc,
	                    urgency_severity(json_string_value(json_object_get(r, "urgency"))));
}

static int json_vuln(struct debian *d, const char *pkg, const char *id, json_t *v)
{
	json_t *rels, *r;
	const char *codename, *desc;
	int err;

	if (!json_is_object(v))
		return skip_pkg(d, pkg, "an entry that is not an object");
	if (!token_ok(id, strlen(id)))
		return skip_pkg(d, pkg, "an entry with a bad ID");
	desc = json_string_value(json_object_get(v, "description"));
	rels = json_object_get(v, "releases");
	if (json_is_array(rels) && json_array_size(rels) == 0)
		return 0; /* PHP's empty object */
	if (!json_is_object(rels))
		return skip_pkg(d, pkg, "an entry without a 'releases' object");
	json_object_foreach(rels, codename, r)
	{
		if ((err = json_release(d, pkg, id, desc ? desc : "", codename, r)) < 0)
			return err;
	}
	return 0;
}

static int json_package(struct debian *d, const char *pkg, json_t *obj)
{
	const char *id;
	json_t *v;
	int err;

	if (!json_is_object(obj))
		return vigil_error_set(VIGIL_EINVALID,
		                       "'%s': not a Debian security tracker JSON export "
		                       "('%.64s' is not an object of vulnerabilities)",
		                       d->file->path, pkg);
	if (!token_ok(pkg, strlen(pkg)))
		return skip_pkg(d, pkg, "a package with a bad name");
	json_object_foreach(obj, id, v)
	{
		if ((err = json_vuln(d, pkg, id, v)) < 0)
			return err;
	}
	return 0;
}

/*
 * The scanner of the top level of the export, over a window of the file's
 * stream: bytes are read as the scanner needs them, and only the member
 * being scanned (a package's key and value, handed to jansson whole) is
 * kept, so memory is one package, never the file. Positions are counted
 * from the start of the file for the messages' line and column.
 */
struct window {
	const struct vigil_feed_file *f;
	char *buf;
	size_t cap;
	uint64_t keep; /* file offset of the first byte still needed, or NO_KEEP */
	int eof;
	int err; /* the stream's error (set), or a member too big */
	size_t line;
};

#define NO_KEEP UINT64_MAX
#define WINDOW_SIZE ((size_t)1 << 20)

/* A cursor over the JSON text: where it is, on which line and column. */
struct scan {
	const char *p, *end, *buf; /* buf: the window's start (file offset `base`) */
	uint64_t base, line_start; /* file offsets */
	size_t line;
	struct window *w; /* NULL: the text is all there (probe) */
};

static uint64_t sc_pos(const struct scan *s)
{
	return s->base + (uint64_t)(s->p - s->buf);
}

/* More bytes after s->end: 1, or 0 at the end of the file or on an error. */
static int sc_more(struct scan *s)
{
	struct window *w = s->w;
	uint64_t from;
	size_t shift, used;
	long n;

	if (!w || w->eof || w->err)
		return 0;
	/* Drop what is no longer needed, then grow if the member fills it. */
	from = w->keep != NO_KEEP ? w->keep : sc_pos(s);
	shift = (size_t)(from - s->base);
	used = (size_t)(s->end - s->buf) - shift;
	if (shift)
		memmove(w->buf, w->buf + shift, used);
	s->p -= shift;
	s->base += shift;
	if (used == w->cap) {
		size_t off = (size_t)(s->p - w->buf);
		if (w->cap >= VIGIL_MAX_DEBIAN_JSON_MEMBER) {
			w->err = vigil_error_set(VIGIL_ETOOBIG,
			                         "'%s': line %zu: a package of more than %zu bytes",
			                         w->f->path, w->line, VIGIL_MAX_DEBIAN_JSON_MEMBER);
			return 0;
		}
		w->cap *= 2;
		w->buf = vigil_realloc(w->buf, w->cap);
		s->p = w->buf + off;
	}
	s->buf = w->buf;
	s->end = w->buf + used;
	n = vigil_feed_file_read(w->f, w->buf + used, w->cap - used);
	if (n < 0) {
		w->err = (int)n;
		return 0;
	}
	if (n == 0) {
		w->eof = 1;
		return 0;
	}
	if (memchr(w->buf + used, '\0', (size_t)n)) {
		w->err = vigil_error_set(
		        VIGIL_EINVALID, "'%s': binary data, not a Debian tracker file", w->f->path);
		return 0;
	}
	s->end += n;
	return 1;
}

static int sc_avail(struct scan *s)
{
	return s->p < s->end || sc_more(s);
}

static void sc_newline(struct scan *s)
{
	s->line++;
	s->line_start = sc_pos(s) + 1;
	if (s->w)
		s->w->line = s->line;
}

static void sc_ws(struct scan *s)
{
	while (sc_avail(s) && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
		if (*s->p == '\n')
			sc_newline(s);
		s->p++;
	}
}

/* Past a string starting at s->p ('"'). 0 when it does not end (or holds a newline). */
static int sc_string(struct scan *s)
{
	for (s->p++; sc_avail(s); s->p++) {
		if (*s->p == '\\') {
			s->p++;
			if (!sc_avail(s))
				return 0;
		} else if (*s->p == '"') {
			return s->p++, 1;
		} else if (*s->p == '\n') {
			return 0;
		}
	}
	return 0;
}

/* Past the value at s->p: an object or array (strings and nesting followed;
 * the brackets' kinds are left to jansson), a string or a scalar.
 * 0 when it does not end. */
static int sc_value(struct scan *s)
{
	size_t depth = 0;

	if (*s->p == '"')
		return sc_string(s);
	if (*s->p != '{' && *s->p != '[') {
		while (sc_avail(s) && !strchr(",}] \t\r\n", *s->p))
			s->p++;
		return !(s->w && s->w->err);
	}
	while (sc_avail(s)) {
		char c = *s->p;
		if (c == '"') {
			if (!sc_string(s))
				return 0;
			continue;
		}
		if (c == '\n') {
			sc_newline(s);
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			s->p++;
			return 1;
		}
		s->p++;
	}
	return 0;
}

static int fail_at(struct debian *d, size_t line, uint64_t col, const char *what)
{
	return vigil_error_set(VIGIL_EINVALID, "'%s': malformed JSON at line %zu, column %llu: %s",
	                       d->file->path, line, (unsigned long long)col, what);
}

/* A syntax error at the cursor; the stream's own error when it has one. */
static int json_fail(struct debian *d, const struct scan *s, const char *what)
{
	if (s->w && s->w->err)
		return s->w->err;
	return fail_at(d, s->line, sc_pos(s) - s->line_start + 1, what);
}

/* Where a value starts, for jansson's errors inside it. */
struct spot {
	uint64_t pos, line_start;
	size_t line;
};

/* jansson's error inside the value that starts at `at`, placed in the file. */
static int json_fail_in(struct debian *d, struct spot at, const json_error_t *jerr)
{
	uint64_t col = jerr->column > 0 ? (uint64_t)jerr->column : 1;

	if (jerr->line > 1)
		return fail_at(d, at.line + (size_t)jerr->line - 1, col, jerr->text);
	return fail_at(d, at.line, at.pos - at.line_start + col, jerr->text);
}

/* Parse one "package": {...} member with jansson and import it. */
static int json_member(struct debian *d, struct scan *s)
{
	struct spot at;
	uint64_t kpos = sc_pos(s);
	json_error_t jerr;
	json_t *key, *val;
	int err;

	s->w->keep = kpos; /* the key and the value stay in the window */
	if (!sc_string(s))
		return json_fail(d, s, "unterminated string");
	key = json_loadb(s->buf + (kpos - s->base), (size_t)(sc_pos(s) - kpos), JSON_DECODE_ANY,
	                 &jerr);
	if (!key)
		return json_fail(d, s, jerr.text);
	sc_ws(s);
	if (!sc_avail(s) || *s->p != ':') {
		json_decref(key);
		return json_fail(d, s, s->p >= s->end ? "premature end of input" : "':' expected");
	}
	s->p++;
	sc_ws(s);
	s->w->keep = at.pos = sc_pos(s); /* the key is parsed: only the value stays */
	at.line = s->line;
	at.line_start = s->line_start;
	if (!sc_avail(s) || !sc_value(s)) {
		json_decref(key);
		return json_fail(d, s, "premature end of input");
	}
	val = json_loadb(s->buf + (at.pos - s->base), (size_t)(sc_pos(s) - at.pos), JSON_DECODE_ANY,
	                 &jerr);
	s->w->keep = NO_KEEP;
	if (!val) {
		json_decref(key);
		return json_fail_in(d, at, &jerr);
	}
	err = json_package(d, json_string_value(key), val);
	json_decref(val);
	json_decref(key);
	return err;
}

static int import_json(struct debian *d)
{
	struct window w = { 0 };
	struct scan s = { 0 };
	int err, first = 1;

	if ((err = begin(d, KIND_JSON)) < 0 || (err = vigil_feed_file_rewind(d->file)) < 0)
		return err;
	w.f = d->file;
	w.cap = WINDOW_SIZE;
	w.buf = vigil_malloc(w.cap);
	w.keep = NO_KEEP;
	w.line = 1;
	s.p = s.end = s.buf = w.buf;
	s.line = 1;
	s.w = &w;
	sc_ws(&s);
	if (!sc_avail(&s) || *s.p != '{') {
		err = w.err ? w.err
		            : vigil_error_set(VIGIL_EINVALID,
		                              "'%s': not a Debian security tracker JSON export",
		                              d->file->path);
		goto out;
	}
	s.p++;
	for (;;) {
		sc_ws(&s);
		if (!sc_avail(&s)) {
			err = json_fail(d, &s, "premature end of input");
			goto out;
		}
		if (*s.p == '}')
			break;
		if (!first) {
			if (*s.p != ',') {
				err = json_fail(d, &s, "',' or '}' expected");
				goto out;
			}
			s.p++;
			sc_ws(&s);
		}
		first = 0;
		if (!sc_avail(&s) || *s.p != '"') {
			err = json_fail(d, &s,
			                s.p >= s.end ? "premature end of input"
			                             : "string key expected");
			goto out;
		}
		if ((err = json_member(d, &s)) < 0)
			goto out;
	}
	s.p++;
	sc_ws(&s);
	if (sc_avail(&s))
		err = json_fail(d, &s, "end of file expected");
	else if (w.err)
		err = w.err;
out:
	vigil_feed_peak_note(w.cap);
	vigil_free(w.buf);
	return err;
}

/* ---- the descriptor ---- */

static const char *skip_blank_lines(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static struct vigil_span first_line(const char *head, size_t len)
{
	struct vigil_span l;
	const char *p = skip_blank_lines(head, head + len), *nl;

	nl = memchr(p, '\n', (size_t)(head + len - p));
	l.ptr = p;
	l.len = (size_t)((nl ? nl : head + len) - p);
	return vigil_text_trim(l);
}

/* CVE/list: a first line "CVE-YYYY-N ..." and an indented annotation in the head. */
static int probe_cve(const char *head, size_t len)
{
	static const char *const marks[] = { "\n\t- ",
		                             "\n\t[",
		                             "\n\t{",
		                             "\n\tNOTE:",
		                             "\n\tTODO:",
		                             "\n\tNOT-FOR-US:",
		                             "\n\tRESERVED",
		                             "\n\tREJECTED",
		                             "\n        - ",
		                             "\n        [",
		                             "\n        NOTE:",
		                             "\n        TODO:",
		                             "\n        NOT-FOR-US:" };
	struct vigil_span l = first_line(head, len), t = l;
	size_t i;

	if (cve_id(next_token(&t)) == 0)
		return 0;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (memmem(head, len, marks[i], strlen(marks[i])))
			return 1;
	return 0;
}

/* JSON export: {"pkg": {"ID": {... "releases" ...}}}. */
static int probe_json(const char *head, size_t len)
{
	struct scan s = { 0 };
	int i;

	s.p = s.buf = head;
	s.end = head + len;
	s.line = 1;

	sc_ws(&s);
	for (i = 0; i < 2; i++) {
		if (s.p >= s.end || *s.p != '{')
			return 0;
		s.p++;
		sc_ws(&s);
		if (s.p >= s.end || *s.p != '"' || !sc_string(&s))
			return 0;
		sc_ws(&s);
		if (s.p >= s.end || *s.p != ':')
			return 0;
		s.p++;
		sc_ws(&s);
	}
	return s.p < s.end && *s.p == '{' && memmem(head, len, "\"releases\"", 10) != NULL;
}

/* What the file is, from its content; -1 when none of ours. */
static int file_kind(const char *head, size_t len)
{
	struct vigil_span l = first_line(head, len), id;
	enum kind kind;

	if (l.len && l.ptr[0] == '{')
		return probe_json(head, len) ? KIND_JSON : -1;
	if (l.len && l.ptr[0] == '[' && parse_header(l, &id, &kind))
		return (int)kind;
	if (probe_cve(head, len))
		return KIND_CVE;
	return -1;
}

static int debian_probe(const char *path, const char *head, size_t len)
{
	(void)path;
	return file_kind(head, len) >= 0;
}

/* The first bytes of a streamed file into `head` (its whole content when short). */
static int read_head(const struct vigil_feed_file *f, vigil_buf *head, size_t max)
{
	long n;
	int err;

	if ((err = vigil_feed_file_rewind(f)) < 0 || (err = vigil_buf_grow(head, max + 1)) < 0)
		return err;
	while (head->len < max &&
	       (n = vigil_feed_file_read(f, head->ptr + head->len, max - head->len)) != 0) {
		if (n < 0)
			return (int)n;
		head->len += (size_t)n;
	}
	head->ptr[head->len] = '\0';
	return 0;
}

/* The whole of a streamed file into `out` (a text list). */
static int read_whole(const struct vigil_feed_file *f, vigil_buf *out)
{
	char chunk[65536];
	long n;
	int err;

	if ((err = vigil_feed_file_rewind(f)) < 0)
		return err;
	while ((n = vigil_feed_file_read(f, chunk, sizeof(chunk))) > 0) {
		if (out->len + (size_t)n > VIGIL_MAX_FEED_FILE_SIZE)
			return vigil_error_set(VIGIL_ETOOBIG,
			                       "'%s': more than %zu bytes uncompressed", f->path,
			                       VIGIL_MAX_FEED_FILE_SIZE);
		if ((err = vigil_buf_add(out, chunk, (size_t)n)) < 0)
			return err;
	}
	vigil_feed_peak_note(out->cap);
	return n < 0 ? (int)n : 0;
}

static int debian_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct debian *d;
	struct vigil_span l, t, id;
	vigil_buf head = VIGIL_BUF_INIT, whole = VIGIL_BUF_INIT;
	const char *data = f->data;
	size_t len = f->len;
	enum kind kind;
	int k, err;

	/* In memory: the file; streamed from the disk: its first 64 KiB. */
	if (!data) {
		if ((err = read_head(f, &head, 65536)) < 0)
			goto out;
		data = head.ptr;
		len = head.len;
	}
	if (vigil_text_has_nul(data, len)) {
		err = vigil_error_set(VIGIL_EINVALID,
		                      "'%s': binary data, not a Debian tracker file", f->path);
		goto out;
	}
	l = first_line(data, len);
	t = l;
	/* Named with --feed debian, a file is taken on its first line alone:
	 * the parser then says what is wrong. */
	if (l.len && l.ptr[0] == '{')
		k = KIND_JSON;
	else if (l.len && l.ptr[0] == '[' && parse_header(l, &id, &kind))
		k = (int)kind;
	else if (cve_id(next_token(&t)))
		k = KIND_CVE;
	else
		k = -1;
	if (k < 0) {
		err = vigil_error_set(VIGIL_EINVALID,
		                      "'%s': not a Debian security tracker file (JSON export, "
		                      "DSA/DLA/DTSA list or CVE list)",
		                      f->path);
		goto out;
	}
	/* A text list is parsed whole: read it when it is not in memory. */
	if (k != KIND_JSON && !f->data) {
		if ((err = read_whole(f, &whole)) < 0)
			goto out;
		if (vigil_text_has_nul(whole.ptr, whole.len)) {
			err = vigil_error_set(VIGIL_EINVALID,
			                      "'%s': binary data, not a Debian tracker file",
			                      f->path);
			goto out;
		}
		data = whole.ptr;
		len = whole.len;
	}
	vigil_buf_release(&head);
	d = vigil_calloc(1, sizeof(*d));
	d->run = run;
	d->file = f;
	d->data = data;
	d->len = len;
	if (k == KIND_JSON)
		err = import_json(d);
	else
		err = import_list(d, (enum kind)k);
	if (err >= 0)
		warn_summary(d);
	map_release(&d->map);
	vigil_buf_release(&d->key);
	vigil_buf_release(&d->tmp);
	vigil_buf_release(&d->ids);
	vigil_buf_release(&d->fixes);
	vigil_free(d);
out:
	vigil_buf_release(&head);
	vigil_buf_release(&whole);
	return err < 0 ? err : 0;
}

/*
 * `db update` sources (docs/internals/update.md): the tracker repository's
 * advisory lists, raw from salsa (upstream base), and the tracker's JSON
 * export (upstream only: no mirror holds it). data/CVE/list is not fetched:
 * the JSON export states the same and wins over the lists anyway.
 */
/* clang-format off */
static const struct vigil_feed_source debian_sources[] = {
	{ "data/DSA/list", "debian/security-tracker/data/DSA/list", 0, NULL },
	{ "data/DLA/list", "debian/security-tracker/data/DLA/list", 0, NULL },
	{ "data/DTSA/list", "debian/security-tracker/data/DTSA/list", 0, NULL },
	{ "https://security-tracker.debian.org/tracker/data/json", NULL, 0, NULL },
	VIGIL_FEED_SOURCES_END,
};
/* clang-format on */

const struct vigil_feed vigil_feed_debian = {
	.name = "debian",
	.source = "https://security-tracker.debian.org/tracker/",
	.probe = debian_probe,
	.import_stream = debian_import,
	.upstream = "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/",
	.sources = debian_sources,
};
