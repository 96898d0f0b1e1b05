/*
 * Ubuntu CVE tracker (https://git.launchpad.net/ubuntu-cve-tracker, the
 * active/, retired/ and ignored/ trees): one RFC822-like file per CVE.
 *
 *   Candidate: CVE-2020-9760               -> the ID
 *   Description:                           -> description (continuation lines)
 *    An issue was discovered ...
 *   Priority: medium                       -> severity (first word)
 *   Patches_weechat:
 *   Priority_weechat: high                 -> severity of that package
 *   Priority_weechat_bionic: low           -> ... in that release
 *   bionic_weechat: released (2.1-1ubuntu0.1)  -> ubuntu:18.04 weechat fixed in it
 *   xenial_weechat: needed                 -> ubuntu:16.04 weechat affected, no fix
 *   trusty/esm_weechat: ...                -> a variant: not a release, ignored
 *
 * Only status lines of an exact release codename count (PRODUCT.md,
 * "Ubuntu"); the codename -> version table below is the only thing the
 * files do not say. A unit is one (CVE, source package): its records, and
 * a vulnerability row per release carrying that package's severity there,
 * the description and the ubuntu.com link (store.md: details join records
 * of the same unit). docs/internals/feed-ubuntu.md has the rules.
 */
#include "feed.h"
#include "ubuntu.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"
#include "../../util/text.h"

#include <stdio.h>
#include <string.h>

#define COMPONENT "feed.ubuntu"

/*
 * Every Ubuntu release: codename -> VERSION_ID, the namespace's version.
 * Append new releases here (one line each); a status line of a codename
 * not listed is skipped with a warning and counted.
 */
static const struct release {
	const char *codename, *version;
} releases[] = {
	{ "warty", "4.10" },     { "hoary", "5.04" },     { "breezy", "5.10" },
	{ "dapper", "6.06" },    { "edgy", "6.10" },      { "feisty", "7.04" },
	{ "gutsy", "7.10" },     { "hardy", "8.04" },     { "intrepid", "8.10" },
	{ "jaunty", "9.04" },    { "karmic", "9.10" },    { "lucid", "10.04" },
	{ "maverick", "10.10" }, { "natty", "11.04" },    { "oneiric", "11.10" },
	{ "precise", "12.04" },  { "quantal", "12.10" },  { "raring", "13.04" },
	{ "saucy", "13.10" },    { "trusty", "14.04" },   { "utopic", "14.10" },
	{ "vivid", "15.04" },    { "wily", "15.10" },     { "xenial", "16.04" },
	{ "yakkety", "16.10" },  { "zesty", "17.04" },    { "artful", "17.10" },
	{ "bionic", "18.04" },   { "cosmic", "18.10" },   { "disco", "19.04" },
	{ "eoan", "19.10" },     { "focal", "20.04" },    { "groovy", "20.10" },
	{ "hirsute", "21.04" },  { "impish", "21.10" },   { "jammy", "22.04" },
	{ "kinetic", "22.10" },  { "lunar", "23.04" },    { "mantic", "23.10" },
	{ "noble", "24.04" },    { "oracular", "24.10" }, { "plucky", "25.04" },
	{ "questing", "25.10" },
};

#define NRELEASES (sizeof(releases) / sizeof(releases[0]))

/* Keys of status lines that are not releases: ignored silently. */
static const char *const pseudo_releases[] = { "upstream", "devel", "product", "snap", "sid" };

/* The index of `codename` in releases[], or -1. */
static int release_find(struct vigil_span codename)
{
	size_t i;

	for (i = 0; i < NRELEASES; i++)
		if (vigil_text_eq(codename, releases[i].codename))
			return (int)i;
	return -1;
}

const char *vigil_ubuntu_release_version(const char *codename, size_t len)
{
	struct vigil_span s = { codename, len };
	int r = release_find(s);

	return r < 0 ? NULL : releases[r].version;
}

static int pseudo_release(struct vigil_span key)
{
	size_t i;

	for (i = 0; i < sizeof(pseudo_releases) / sizeof(pseudo_releases[0]); i++)
		if (vigil_text_eq(key, pseudo_releases[i]))
			return 1;
	return 0;
}

/* What a status line of an exact release says. */
struct status {
	int release;             /* index into releases[] */
	struct vigil_span pkg;   /* source package */
	struct vigil_span fixed; /* the fixed version; empty: affected, no fix */
};

/* A Priority_<pkg>[_<codename>]: line. */
struct prio {
	struct vigil_span pkg;
	int release; /* -1: every release */
	enum vigil_severity sev;
};

struct tracker {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	size_t line;
	struct vigil_span id;
	enum vigil_severity sev; /* Priority: */
	vigil_buf desc, udesc, key;
	struct status *st;
	size_t nst, stcap;
	struct prio *pr;
	size_t npr, prcap;
};

/* The run's own state: namespaces already stored in this run. */
struct run_state {
	struct vigil_strmap ns_done;
};

static void run_state_free(void *p)
{
	struct run_state *rs = p;

	vigil_strmap_release(&rs->ns_done);
	vigil_free(rs);
}

static struct run_state *run_state(struct vigil_feed_run *run)
{
	if (!run->priv) {
		run->priv = vigil_calloc(1, sizeof(struct run_state));
		run->priv_free = run_state_free;
	}
	return run->priv;
}

static int skip(struct tracker *t, const char *what, struct vigil_span pkg)
{
	t->run->skipped++;
	vigil_log(WARN, COMPONENT, "'%s': line %zu: package '%.*s': skipped %s", t->file->path,
	          t->line, (int)(pkg.len > 64 ? 64 : pkg.len), pkg.ptr, what);
	return 0;
}

/* untriaged -> Unknown; negligible, low, medium, high, critical -> the same; else Unknown. */
static enum vigil_severity priority(struct vigil_span v)
{
	size_t n = 0;

	v = vigil_text_trim(v);
	while (n < v.len && v.ptr[n] != ' ' && v.ptr[n] != '\t')
		n++;
	v.len = n;
	return vigil_feed_severity(v.ptr, v.len, VIGIL_FEED_SCALE_CLAIR);
}

/* A dpkg version as a fixed version: starts with a digit, dpkg's characters only. */
static int version_ok(struct vigil_span v)
{
	size_t i;

	if (!v.len || v.len > VIGIL_MAX_FEED_FIELD || v.ptr[0] < '0' || v.ptr[0] > '9')
		return 0;
	for (i = 0; i < v.len; i++) {
		char c = v.ptr[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '+' || c == '~' || c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

static int name_ok(struct vigil_span n)
{
	size_t i;

	if (!n.len || n.len > VIGIL_MAX_FEED_FIELD)
		return 0;
	for (i = 0; i < n.len; i++)
		if ((unsigned char)n.ptr[i] <= ' ' || n.ptr[i] == '/' || n.ptr[i] == ':')
			return 0;
	return 1;
}

/* A CVE id (or the tracker's placeholders, CVE-2009-NNN2): [A-Za-z0-9._-]. */
static int id_ok(struct vigil_span id)
{
	size_t i;

	if (!id.len || id.len > VIGIL_MAX_FEED_FIELD)
		return 0;
	for (i = 0; i < id.len; i++) {
		char c = id.ptr[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static struct vigil_span first_word(struct vigil_span v, struct vigil_span *rest)
{
	struct vigil_span w = vigil_text_trim(v);
	size_t n = 0;

	while (n < w.len && w.ptr[n] != ' ' && w.ptr[n] != '\t' && w.ptr[n] != '(')
		n++;
	rest->ptr = w.ptr + n;
	rest->len = w.len - n;
	w.len = n;
	return w;
}

/* "released (V, note)": V is the first comma-separated token of the note,
 * a missing (or doubled) parenthesis on either side tolerated: the note
 * runs from after the opening parentheses to the first ')' or ','. */
static struct vigil_span released_version(struct vigil_span note)
{
	size_t n = 0;

	note = vigil_text_trim(note);
	while (note.len && (note.ptr[0] == '(' || note.ptr[0] == ' ' || note.ptr[0] == '\t')) {
		note.ptr++;
		note.len--;
	}
	while (n < note.len && note.ptr[n] != ',' && note.ptr[n] != ')')
		n++;
	note.len = n;
	return vigil_text_trim(note);
}

/* <release>_<pkg>: <status> (<note>) */
static int status_line(struct tracker *t, struct vigil_span key, struct vigil_span value)
{
	struct vigil_span rel = key, pkg, note, word;
	const char *us = memchr(key.ptr, '_', key.len);
	int r, unfixed;

	rel.len = (size_t)(us - key.ptr);
	pkg.ptr = us + 1;
	pkg.len = key.len - rel.len - 1;
	if (memchr(rel.ptr, '/', rel.len) || pseudo_release(rel))
		return 0; /* bionic/esm, vivid/ubuntu-core, upstream, devel ... */
	word = first_word(value, &note);
	unfixed = vigil_text_eq(word, "needed") || vigil_text_eq(word, "active") ||
	          vigil_text_eq(word, "deferred") || vigil_text_eq(word, "pending");
	if (!unfixed && !vigil_text_eq(word, "released"))
		return 0; /* not-affected, DNE, ignored, needs-triage, empty: nothing */
	if ((r = release_find(rel)) < 0)
		return skip(t, "a status line of an unknown release", pkg);
	if (!name_ok(pkg))
		return skip(t, "a status line with a bad package name", pkg);
	if (t->nst >= VIGIL_MAX_UBUNTU_STATUS_LINES)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d status lines",
		                       t->file->path, VIGIL_MAX_UBUNTU_STATUS_LINES);
	t->st = vigil_array_grow(t->st, &t->stcap, t->nst + 1, sizeof(*t->st));
	t->st[t->nst].release = r;
	t->st[t->nst].pkg = pkg;
	t->st[t->nst].fixed.ptr = "";
	t->st[t->nst].fixed.len = 0;
	if (!unfixed) {
		struct vigil_span v = released_version(note);
		if (!v.len)
			return 0; /* released with no version: skipped (PRODUCT.md) */
		if (!version_ok(v))
			return skip(t, "a released line whose note is not a version", pkg);
		t->st[t->nst].fixed = v;
	}
	t->nst++;
	return 0;
}

/* Priority_<pkg>[_<codename>]: */
static int prio_line(struct tracker *t, struct vigil_span key, struct vigil_span value)
{
	struct vigil_span pkg = { key.ptr + 9, key.len - 9 }, rel;
	const char *us = memchr(pkg.ptr, '_', pkg.len);
	int r = -1;

	if (us) {
		rel.ptr = us + 1;
		rel.len = (size_t)(pkg.ptr + pkg.len - rel.ptr);
		pkg.len = (size_t)(us - pkg.ptr);
		if ((r = release_find(rel)) < 0)
			return 0; /* a variant (trusty/esm) or a release we do not know */
	}
	t->pr = vigil_array_grow(t->pr, &t->prcap, t->npr + 1, sizeof(*t->pr));
	t->pr[t->npr].pkg = pkg;
	t->pr[t->npr].release = r;
	t->pr[t->npr++].sev = priority(value);
	return 0;
}

static enum vigil_severity severity_of(const struct tracker *t, struct vigil_span pkg, int rel)
{
	enum vigil_severity pkg_sev = t->sev;
	int have_pkg = 0;
	size_t i;

	for (i = 0; i < t->npr; i++) {
		if (t->pr[i].pkg.len != pkg.len || memcmp(t->pr[i].pkg.ptr, pkg.ptr, pkg.len))
			continue;
		if (t->pr[i].release == rel)
			return t->pr[i].sev;
		if (t->pr[i].release < 0 && !have_pkg) {
			pkg_sev = t->pr[i].sev;
			have_pkg = 1;
		}
	}
	return pkg_sev;
}

enum field { F_OTHER, F_DESC, F_UDESC };

/* A continuation line of the current field (leading space dropped). */
static int continuation(struct tracker *t, enum field cur, struct vigil_span line, int blank)
{
	vigil_buf *b = cur == F_DESC ? &t->desc : cur == F_UDESC ? &t->udesc : NULL;
	int err = 0;

	if (!b)
		return 0;
	line.ptr++;
	line.len--;
	if (b->len && (err = vigil_buf_puts(b, blank ? "\n\n" : "\n")) < 0)
		return err;
	return vigil_buf_add(b, line.ptr, line.len);
}

static int field(struct tracker *t, struct vigil_span key, struct vigil_span value, enum field *cur)
{
	struct vigil_span v = vigil_text_trim(value);

	*cur = F_OTHER;
	if (vigil_text_eq(key, "Candidate")) {
		if (t->id.len && (t->id.len != v.len || memcmp(t->id.ptr, v.ptr, v.len)))
			return vigil_error_set(VIGIL_EINVALID, "'%s': line %zu: a second Candidate",
			                       t->file->path, t->line);
		t->id = v;
	} else if (vigil_text_eq(key, "Priority")) {
		t->sev = priority(v);
	} else if (vigil_text_eq(key, "Description")) {
		*cur = F_DESC;
		return vigil_buf_add(&t->desc, v.ptr, v.len);
	} else if (vigil_text_eq(key, "Ubuntu-Description")) {
		*cur = F_UDESC;
		return vigil_buf_add(&t->udesc, v.ptr, v.len);
	} else if (vigil_text_starts_with(key, "Priority_") && key.len > 9) {
		return prio_line(t, key, v);
	} else if (key.ptr[0] >= 'a' && key.ptr[0] <= 'z' && memchr(key.ptr, '_', key.len)) {
		return status_line(t, key, v);
	}
	return 0;
}

static int parse(struct tracker *t)
{
	const struct vigil_feed_file *f = t->file;
	struct vigil_span line, key, value;
	enum field cur = F_OTHER;
	size_t pos = 0;
	int err = 0, blank = 0;

	if (vigil_text_has_nul(f->data, f->len))
		return vigil_error_set(VIGIL_EINVALID, "'%s': binary data, not a tracker file",
		                       f->path);
	while (!err && vigil_text_next_line(f->data, f->len, &pos, &line)) {
		t->line++;
		if (vigil_text_trim(line).len == 0) {
			blank = 1;
			continue;
		}
		if (line.ptr[0] == ' ' || line.ptr[0] == '\t') {
			err = continuation(t, cur, line, blank);
		} else if (line.ptr[0] == '#') {
			cur = F_OTHER;
		} else if (!vigil_text_split(line, ':', &key, &value) || !key.len) {
			err = vigil_error_set(VIGIL_EINVALID, "'%s': line %zu: not a field",
			                      f->path, t->line);
		} else {
			err = field(t, key, value, &cur);
		}
		blank = 0;
	}
	if (!err && !id_ok(t->id))
		err = vigil_error_set(VIGIL_EINVALID, "'%s': %s", f->path,
		                      t->id.len ? "bad Candidate"
		                                : "no Candidate (not a CVE file)");
	return err;
}

static int put_namespace(struct tracker *t, const char *ns)
{
	struct run_state *rs = run_state(t->run);
	int err;

	if (vigil_strmap_has(&rs->ns_done, ns))
		return 0;
	if ((err = vigil_store_put_namespace(t->run->store, ns, "dpkg")) < 0)
		return err;
	vigil_strmap_put(&rs->ns_done, ns, NULL);
	return 0;
}

static char *span_str(vigil_buf *b, struct vigil_span s)
{
	vigil_buf_reset(b);
	if (vigil_buf_add(b, s.ptr, s.len) < 0)
		return NULL;
	return b->ptr;
}

/* The vulnerability row of (unit, release): description, link, severity. */
static int put_details(struct tracker *t, int64_t unit, const char *ns, const char *id,
                       struct vigil_span pkg, int rel)
{
	struct vigil_store_vuln v = { 0 };
	char link[VIGIL_MAX_FEED_FIELD + 64];
	int err;

	if ((err = put_namespace(t, ns)) < 0)
		return err;
	snprintf(link, sizeof(link), "https://ubuntu.com/security/%s", id);
	v.namespace_name = ns;
	v.name = id;
	v.description = t->desc.len ? t->desc.ptr : t->udesc.ptr;
	v.link = link;
	v.severity = severity_of(t, pkg, rel);
	return vigil_store_put_vulnerability(t->run->store, unit, &v);
}

/* Every statement of package t->st[first].pkg: one unit "<ID>/<pkg>". */
static int emit_package(struct tracker *t, size_t first, const char *id, char *done)
{
	struct vigil_span pkg = t->st[first].pkg;
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf src = VIGIL_BUF_INIT, name = VIGIL_BUF_INIT, fixed = VIGIL_BUF_INIT;
	char ns[80], seen[NRELEASES] = { 0 };
	int64_t unit = 0;
	size_t i;
	int err;

	vigil_buf_reset(&t->key);
	if ((err = vigil_buf_printf(&t->key, "%s/%.*s", id, (int)pkg.len, pkg.ptr)) < 0 ||
	    (err = vigil_buf_printf(&src, "file://%s", t->file->path)) < 0 || !span_str(&name, pkg))
		goto out;
	meta.source = src.ptr;
	meta.upstream_date = t->file->upstream_date;
	meta.digest = t->file->digest;
	if ((err = vigil_feed_run_unit(t->run, t->key.ptr, &meta, &unit)) < 0)
		goto out;
	for (i = first; i < t->nst && !err; i++) {
		struct status *s = &t->st[i];
		if (s->pkg.len != pkg.len || memcmp(s->pkg.ptr, pkg.ptr, pkg.len))
			continue;
		done[i] = 1;
		snprintf(ns, sizeof(ns), "ubuntu:%s", releases[s->release].version);
		if (!seen[s->release]++ &&
		    (err = put_details(t, unit, ns, id, pkg, s->release)) < 0)
			break;
		t->run->records++;
		if (!span_str(&fixed, s->fixed))
			err = VIGIL_ETOOBIG;
		else
			err = vigil_store_put_affected(t->run->store, unit, ns, id, name.ptr,
			                               s->fixed.len ? VIGIL_AFFECTED_FIXED
			                                            : VIGIL_AFFECTED_UNFIXED,
			                               fixed.ptr);
	}
out:
	vigil_buf_release(&src);
	vigil_buf_release(&name);
	vigil_buf_release(&fixed);
	return err;
}

static int emit(struct tracker *t)
{
	vigil_buf id = VIGIL_BUF_INIT;
	char *done = vigil_calloc(t->nst + 1, 1);
	size_t i;
	int err = 0;

	if (!span_str(&id, t->id))
		err = VIGIL_ETOOBIG;
	for (i = 0; i < t->nst && !err; i++)
		if (!done[i])
			err = emit_package(t, i, id.ptr, done);
	vigil_free(done);
	vigil_buf_release(&id);
	return err;
}

static int ubuntu_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct tracker t;
	int err;

	memset(&t, 0, sizeof(t));
	t.run = run;
	t.file = f;
	t.desc = t.udesc = t.key = (vigil_buf)VIGIL_BUF_INIT;
	if ((err = parse(&t)) == 0)
		err = emit(&t);
	vigil_buf_release(&t.desc);
	vigil_buf_release(&t.udesc);
	vigil_buf_release(&t.key);
	vigil_free(t.st);
	vigil_free(t.pr);
	return err;
}

/* A line "Candidate: <something>" in the head: a tracker file (boilerplate
 * templates have an empty Candidate and are not). */
static int ubuntu_probe(const char *path, const char *head, size_t len)
{
	struct vigil_span line, key, value;
	size_t pos = 0;

	(void)path;
	if (len && (head[0] == '{' || head[0] == '<'))
		return 0;
	while (vigil_text_next_line(head, len, &pos, &line)) {
		if (vigil_text_split(line, ':', &key, &value) && vigil_text_eq(key, "Candidate") &&
		    line.ptr[0] == 'C')
			return value.len > 0;
	}
	return 0;
}

/*
 * `db update` sources: upstream, a snapshot tarball of the tracker's git
 * master (cgit, one request; only active/ and retired/ are read); a mirror
 * holds those two directories as two tarballs.
 */
/* clang-format off */
static const struct vigil_feed_source ubuntu_sources[] = {
	{ "snapshot/ubuntu-cve-tracker-master.tar.gz", NULL, 0, "active retired" },
	{ NULL, "ubuntu/ubuntu-cve-tracker/active.tar.xz", 0, NULL },
	{ NULL, "ubuntu/ubuntu-cve-tracker/retired.tar.xz", 0, NULL },
	VIGIL_FEED_SOURCES_END,
};
/* clang-format on */

const struct vigil_feed vigil_feed_ubuntu = {
	.name = "ubuntu",
	.source = "https://git.launchpad.net/ubuntu-cve-tracker",
	.probe = ubuntu_probe,
	.import = ubuntu_import,
	.upstream = "https://git.launchpad.net/ubuntu-cve-tracker/",
	.sources = ubuntu_sources,
};
