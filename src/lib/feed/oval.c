/*
 * RHEL-family OVAL (Red Hat OVAL v2 streams and legacy RHSA files, Rocky,
 * Alma, Oracle ELSA): an `oval_definitions` document
 *
 *   definition id="oval:com.redhat.rhsa:def:..."  -> distro (rhel, rocky, ol, ...)
 *     metadata: reference source="CVE" / advisory <cve> -> IDs, else the
 *               advisory id (RHSA-/RLSA-/ALSA-/ELSA-); advisory/severity
 *     criteria tree of criterion test_ref=...
 *   rpminfo_test  -> object_ref (rpminfo_object name = package),
 *                    state_ref (rpminfo_state evr "less than" F, arch pattern)
 *
 * Every rpminfo_test under a definition whose state has an evr "less than" F
 * states: the object's package is fixed in F (for the arches matching the
 * state's arch pattern), for each ID of the definition. The major release
 * comes from the release tests ("Red Hat Enterprise Linux 8 is installed":
 * a state with a version pattern "^8"), nearest AND branch first (Oracle's
 * elsa-all holds OL5..OL9 in one definition), else from the definition's
 * platforms or CPEs. Signature-key and release tests state nothing else.
 *
 * Definitions reference tests, objects and states that come later in the
 * file, so the document is streamed twice with xmlTextReader (expanding one
 * top-level entity at a time): pass 1 keeps a compact map of tests, objects
 * and states (and checks the whole document is well-formed before anything
 * is written); pass 2 resolves each definition as it is read and writes it.
 * Memory is the maps plus one definition, never the document tree.
 */
#include "feed.h"
#include "oval_xml.h"
#include "xml_input.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"

#include <libxml/xmlreader.h>
#include <string.h>
#include <strings.h>

#define COMPONENT "feed.oval"
/* Warnings logged per file; the rest are counted and summed up in one line. */
#define WARN_MAX 20

enum test_kind { TEST_OTHER, TEST_RPMINFO, TEST_VERIFYFILE };

struct otest {
	int32_t obj, state; /* indexes, -1 when the test names none */
	uint8_t kind, defined;
};

struct oobj {
	char *name; /* rpminfo_object name; NULL when none or not yet defined */
	uint8_t defined;
};

struct ostate {
	char *evr;     /* evr "less than", epoch "0:" dropped; NULL when none */
	char *arch;    /* arch pattern (POSIX ERE), NULL when none */
	char *relname; /* name pattern of a release state ("rocky-release") */
	int16_t major; /* version pattern "^N": a release state; -1 otherwise */
	uint8_t defined;
};

struct oval {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	int pass;
	/* pass 1 */
	struct oval_map test_ids, obj_ids, state_ids;
	struct oval_arena strings; /* names, evrs, release names of the tables */
	struct oval_map arches;    /* arch patterns, each kept once */
	struct otest *tests;
	struct oobj *objs;
	struct ostate *states;
	size_t ntests, nobjs, nstates, tcap, ocap, scap;
	uint64_t dpkg_tests, rpm_tests;
	/* pass 2 */
	int have_unit;
	int64_t unit;
	const char *digest; /* of the file, known after pass 1 */
	char **nss; /* namespaces put so far */
	size_t nnss, nscap;
	uint64_t items;
	uint64_t warned; /* warnings of this file; past WARN_MAX only counted */
	/* the XML reader's last error, and the stream's */
	struct vigil_xml_input in;
	vigil_buf tmp;
};

/* One definition being written. */
struct odef {
	const char *id;
	const char *distro; /* "rhel", ...; NULL when unknown */
	int major;          /* fallback major release, -1 when none */
	char **ids, **links;
	size_t nids, idcap;
	vigil_buf desc, link, sev, advid;
	enum vigil_severity severity;
	int majors[16]; /* namespaces this definition wrote records in */
	size_t nmajors;
};

static int warn_skip(struct oval *o, const char *def, const char *what, const char *ref)
{
	o->run->skipped++;
	if (++o->warned > WARN_MAX)
		return 0;
	vigil_log(WARN, COMPONENT, "'%s': definition '%s': skipped %s%s%s%s", o->file->path,
	          def ? def : "?", what, ref ? " '" : "", ref ? ref : "", ref ? "'" : "");
	return 0;
}

/* ---- pass 1: tests, objects, states ---- */

static int too_many(struct oval *o)
{
	if (o->ntests + o->nobjs + o->nstates < VIGIL_MAX_OVAL_ENTITIES)
		return 0;
	return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d OVAL tests, objects and states",
	                       o->file->path, VIGIL_MAX_OVAL_ENTITIES);
}

/* The index of object `id`, created undefined when first referenced. */
static int32_t obj_ref(struct oval *o, const char *id)
{
	uint32_t i = oval_map_put(&o->obj_ids, id);

	if (i == o->nobjs) {
		o->objs = vigil_array_grow(o->objs, &o->ocap, o->nobjs + 1, sizeof(*o->objs));
		memset(&o->objs[o->nobjs++], 0, sizeof(*o->objs));
	}
	return (int32_t)i;
}

static int32_t state_ref(struct oval *o, const char *id)
{
	uint32_t i = oval_map_put(&o->state_ids, id);

	if (i == o->nstates) {
		o->states =
		        vigil_array_grow(o->states, &o->scap, o->nstates + 1, sizeof(*o->states));
		memset(&o->states[o->nstates++], 0, sizeof(*o->states));
		o->states[i].major = -1;
	}
	return (int32_t)i;
}

static int32_t test_ref(struct oval *o, const char *id)
{
	uint32_t i = oval_map_put(&o->test_ids, id);

	if (i == o->ntests) {
		o->tests = vigil_array_grow(o->tests, &o->tcap, o->ntests + 1, sizeof(*o->tests));
		memset(&o->tests[o->ntests++], 0, sizeof(*o->tests));
		o->tests[i].obj = o->tests[i].state = -1;
	}
	return (int32_t)i;
}

static int read_test(struct oval *o, xmlNode *n)
{
	const char *id = oval_attr(n, "id"), *name = (const char *)n->name, *ref;
	xmlNode *c;
	struct otest *t;
	int32_t i;

	if (!id || too_many(o))
		return too_many(o);
	if (strcmp(name, "dpkginfo_test") == 0)
		o->dpkg_tests++;
	i = test_ref(o, id);
	t = &o->tests[i];
	if (t->defined)
		return 0; /* a duplicate id: the first one counts */
	t->defined = 1;
	t->kind = strcmp(name, "rpminfo_test") == 0        ? TEST_RPMINFO
	          : strcmp(name, "rpmverifyfile_test") == 0 ? TEST_VERIFYFILE
	                                                    : TEST_OTHER;
	if (t->kind == TEST_RPMINFO)
		o->rpm_tests++;
	if ((c = oval_child(n, "object")) && (ref = oval_attr(c, "object_ref")))
		o->tests[i].obj = obj_ref(o, ref);
	if ((c = oval_child(n, "state")) && (ref = oval_attr(c, "state_ref")))
		o->tests[i].state = state_ref(o, ref);
	return 0;
}

static int read_object(struct oval *o, xmlNode *n)
{
	const char *id = oval_attr(n, "id");
	xmlNode *c;
	struct oobj *ob;
	int32_t i;
	int err;

	if (!id || too_many(o))
		return too_many(o);
	i = obj_ref(o, id); /* may move o->objs: index first */
	ob = &o->objs[i];
	if (ob->defined)
		return 0;
	ob->defined = 1;
	if (strcmp((const char *)n->name, "rpminfo_object") != 0 || !(c = oval_child(n, "name")))
		return 0;
	if ((err = oval_text(c, &o->tmp)) < 0)
		return err;
	if (o->tmp.len > 0 && o->tmp.len <= VIGIL_MAX_FEED_FIELD && !oval_attr(c, "var_ref"))
		ob->name = oval_arena_strdup(&o->strings, o->tmp.ptr);
	return 0;
}

static int small_number(const char *p);

/* "^9[^\d]", "^7", "^8.*" -> 9, 7, 8; -1 otherwise. */
static int pattern_major(const char *p)
{
	return *p == '^' ? small_number(p + 1) : -1;
}

/* An "equals" arch as a pattern: anchored, metacharacters escaped. */
static char *arch_equals(const char *a)
{
	vigil_buf b = VIGIL_BUF_INIT;
	int err = vigil_buf_putc(&b, '^');

	for (; *a && !err; a++) {
		if (strchr("\\^$.|?*+()[]{}", *a))
			err = vigil_buf_putc(&b, '\\');
		if (!err)
			err = vigil_buf_putc(&b, *a);
	}
	if (!err)
		err = vigil_buf_putc(&b, '$');
	if (err) {
		vigil_buf_release(&b);
		return NULL;
	}
	return vigil_buf_detach(&b, NULL);
}

/* The evr without a zero epoch ("0:1.2-3" -> "1.2-3"); NULL when unusable. */
static char *evr_copy(struct oval *o, const char *evr)
{
	const char *p = evr, *colon = strchr(evr, ':');

	if (!*evr || strlen(evr) > VIGIL_MAX_FEED_FIELD || strpbrk(evr, " \t\r\n"))
		return NULL;
	if (colon) {
		while (p < colon && *p == '0')
			p++;
		if (p == colon && colon > evr)
			return oval_arena_strdup(&o->strings, colon + 1);
	}
	return oval_arena_strdup(&o->strings, evr);
}

/* An arch pattern, kept once per distinct text (a few per file). */
static char *arch_copy(struct oval *o, const char *text, int equals)
{
	char *a = equals ? arch_equals(text) : NULL, *p;
	const char *want = equals ? a : text;
	int64_t i;

	if (!want)
		return NULL;
	if ((i = oval_map_get(&o->arches, want)) < 0)
		i = oval_map_put(&o->arches, want);
	p = o->arches.keys[i];
	vigil_free(a);
	return p;
}

static int state_field(struct oval *o, struct ostate *s, xmlNode *c)
{
	const char *op = oval_attr(c, "operation");
	int err;

	if ((err = oval_text(c, &o->tmp)) < 0)
		return err;
	if (oval_is(c, "evr") && op && strcasecmp(op, "less than") == 0 && !s->evr)
		s->evr = evr_copy(o, o->tmp.ptr);
	else if (oval_is(c, "arch") && o->tmp.len && o->tmp.len <= VIGIL_MAX_FEED_FIELD && !s->arch)
		s->arch = arch_copy(o, o->tmp.ptr, op && strcasecmp(op, "equals") == 0);
	else if (oval_is(c, "version") && op && strcasecmp(op, "pattern match") == 0)
		s->major = (int16_t)pattern_major(o->tmp.ptr);
	else if (oval_is(c, "name") && o->tmp.len && o->tmp.len < 64 && !s->relname)
		s->relname = oval_arena_strdup(&o->strings,
		                               o->tmp.ptr[0] == '^' ? o->tmp.ptr + 1 : o->tmp.ptr);
	return 0;
}

static int read_state(struct oval *o, xmlNode *n)
{
	const char *id = oval_attr(n, "id");
	struct ostate *s;
	xmlNode *c;
	int32_t i;
	int err;

	if (!id || too_many(o))
		return too_many(o);
	i = state_ref(o, id); /* may move o->states: index first */
	s = &o->states[i];
	if (s->defined)
		return 0;
	s->defined = 1;
	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (err = state_field(o, s, c)) < 0)
			return err;
	return 0;
}

static int pass1_entity(struct oval *o, const char *section, xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (strcmp(section, "tests") == 0 && oval_ends_with(name, "_test"))
		return read_test(o, n);
	if (strcmp(section, "objects") == 0 && oval_ends_with(name, "_object"))
		return read_object(o, n);
	if (strcmp(section, "states") == 0 && oval_ends_with(name, "_state"))
		return read_state(o, n);
	return 0;
}

/* ---- namespaces ---- */

/* "oval:com.redhat.rhsa:def:1" -> "rhel"; NULL when not a RHEL-family id. */
static const char *distro_of_id(const char *id)
{
	static const struct {
		const char *prefix, *distro;
	} orgs[] = {
		{ "oval:com.redhat.", "rhel" },        { "oval:org.rockylinux.", "rocky" },
		{ "oval:org.almalinux.", "almalinux" }, { "oval:com.oracle.", "ol" },
		{ "oval:org.centos.", "centos" },
	};
	size_t i;

	for (i = 0; id && i < sizeof(orgs) / sizeof(orgs[0]); i++)
		if (strncmp(id, orgs[i].prefix, strlen(orgs[i].prefix)) == 0)
			return orgs[i].distro;
	return NULL;
}

/* "redhat-release-server", "rocky-release", ... -> the distro; NULL otherwise. */
static const char *distro_of_release(const char *name)
{
	static const struct {
		const char *prefix, *distro;
	} rel[] = {
		{ "redhat-release", "rhel" },    { "rocky-release", "rocky" },
		{ "almalinux-release", "almalinux" }, { "oraclelinux-release", "ol" },
		{ "enterprise-release", "ol" },  { "centos-release", "centos" },
		{ "centos-stream-release", "centos" },
	};
	size_t i;

	for (i = 0; name && i < sizeof(rel) / sizeof(rel[0]); i++)
		if (strncmp(name, rel[i].prefix, strlen(rel[i].prefix)) == 0)
			return rel[i].distro;
	return NULL;
}

/* The test `ti` as a release test: its major, else -1. */
static int release_major(const struct oval *o, int64_t ti)
{
	const struct otest *t;

	if (ti < 0 || !(t = &o->tests[ti])->defined || t->state < 0 || t->kind == TEST_OTHER)
		return -1;
	return o->states[t->state].defined ? o->states[t->state].major : -1;
}

static const char *release_distro(const struct oval *o, const struct otest *t)
{
	const struct ostate *s = &o->states[t->state];
	const char *d = distro_of_release(s->relname);

	if (!d && t->obj >= 0)
		d = distro_of_release(o->objs[t->obj].name);
	return d;
}

static int put_ns(struct oval *o, const char *ns)
{
	size_t i;
	int err;

	for (i = 0; i < o->nnss; i++)
		if (strcmp(o->nss[i], ns) == 0)
			return 0;
	if ((err = vigil_store_put_namespace(o->run->store, ns, "rpm")) < 0)
		return err;
	o->nss = vigil_array_grow(o->nss, &o->nscap, o->nnss + 1, sizeof(*o->nss));
	o->nss[o->nnss++] = vigil_strdup(ns);
	return 0;
}

/* The release namespaces of pass 1 into `key` ("rocky:9", or "ol" for several). */
static int release_namespaces(struct oval *o, vigil_buf *key, const char *fallback)
{
	const char *distro = NULL;
	char ns[48];
	int major = -1, many = 0, err;
	size_t i;

	for (i = 0; i < o->ntests; i++) {
		int m = release_major(o, (int64_t)i);
		const char *d = m >= 0 ? release_distro(o, &o->tests[i]) : NULL;
		if (!d)
			continue;
		snprintf(ns, sizeof(ns), "%s:%d", d, m);
		if ((err = put_ns(o, ns)) < 0)
			return err;
		many |= (distro && (strcmp(d, distro) != 0 || m != major));
		distro = d;
		major = m;
	}
	if (!distro)
		return vigil_buf_puts(key, fallback ? fallback : "oval");
	if (many)
		return vigil_buf_puts(key, distro);
	return vigil_buf_printf(key, "%s:%d", distro, major);
}

/* The file name without directories and compression suffixes. */
static int base_name(vigil_buf *key, const char *path)
{
	static const char *const sfx[] = { ".xz", ".bz2", ".gz", ".zst", ".lz4", ".lzma", ".Z" };
	const char *b = strrchr(path, '/');
	size_t n, i;

	b = b ? b + 1 : path;
	n = strlen(b);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t m = strlen(sfx[i]);
		if (n > m && memcmp(b + n - m, sfx[i], m) == 0) {
			n -= m;
			break;
		}
	}
	return vigil_buf_add(key, b, n);
}

/* The unit of this file: "<release namespace or distro>/<file name>". */
static int open_unit(struct oval *o, const char *distro)
{
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf key = VIGIL_BUF_INIT, src = VIGIL_BUF_INIT;
	size_t i;
	int err;

	if (o->have_unit)
		return 0;
	if ((err = release_namespaces(o, &key, distro)) < 0 || (err = vigil_buf_putc(&key, '/')) < 0 ||
	    (err = base_name(&key, o->file->path)) < 0 ||
	    (err = vigil_buf_printf(&src, "file://%s", o->file->path)) < 0)
		goto out;
	meta.source = src.ptr;
	meta.upstream_date = o->file->upstream_date;
	meta.digest = o->digest;
	if ((err = vigil_feed_run_unit(o->run, key.ptr, &meta, &o->unit)) < 0)
		goto out;
	o->have_unit = 1;
	for (i = 0; i < o->nnss && !err; i++)
		err = vigil_store_unit_namespace(o->run->store, o->unit, o->nss[i]);
out:
	vigil_buf_release(&key);
	vigil_buf_release(&src);
	return err;
}

/* ---- pass 2: definitions ---- */

static void def_release(struct odef *d)
{
	size_t i;

	for (i = 0; i < d->nids; i++) {
		vigil_free(d->ids[i]);
		vigil_free(d->links[i]);
	}
	vigil_free(d->ids);
	vigil_free(d->links);
	vigil_buf_release(&d->desc);
	vigil_buf_release(&d->link);
	vigil_buf_release(&d->sev);
	vigil_buf_release(&d->advid);
}

static void add_id(struct odef *d, const char *id, const char *link)
{
	size_t i, cap = d->idcap;

	if (!*id || strlen(id) > VIGIL_MAX_FEED_FIELD || strpbrk(id, " \t\r\n"))
		return;
	for (i = 0; i < d->nids; i++)
		if (strcmp(d->ids[i], id) == 0)
			return;
	d->ids = vigil_array_grow(d->ids, &d->idcap, d->nids + 1, sizeof(*d->ids));
	d->links = vigil_array_grow(d->links, &cap, d->nids + 1, sizeof(*d->links));
	d->ids[d->nids] = vigil_strdup(id);
	d->links[d->nids++] = vigil_strdup(link ? link : "");
}

/* "RHSA-2015:1193-00" -> "RHSA-2015:1193" (legacy Red Hat OVAL). */
static void trim_advisory(vigil_buf *b)
{
	char *colon = strchr(b->ptr, ':'), *dash;

	if (colon && (dash = strchr(colon, '-')) && dash[1] && strspn(dash + 1, "0123456789") ==
	                                                               strlen(dash + 1)) {
		*dash = '\0';
		b->len = (size_t)(dash - b->ptr);
	}
}

/* "RLSA-2022:4582: gzip security update" -> "RLSA-2022:4582". */
static int title_advisory(struct odef *d, const char *title)
{
	const char *p = title, *colon;
	size_t n;

	while (*p >= 'A' && *p <= 'Z')
		p++;
	if (p == title || *p != '-' || !(colon = strchr(p, ':')))
		return 0;
	n = strspn(colon + 1, "0123456789-");
	if (n == 0)
		return 0;
	vigil_buf_reset(&d->advid);
	return vigil_buf_add(&d->advid, title, (size_t)(colon + 1 + n - title));
}

static int meta_reference(struct oval *o, struct odef *d, xmlNode *c)
{
	const char *src = oval_attr(c, "source"), *ref = oval_attr(c, "ref_id"),
	           *url = oval_attr(c, "ref_url");

	(void)o;
	if (!src || !ref)
		return 0;
	if (strcasecmp(src, "CVE") == 0) {
		add_id(d, ref, url);
		return 0;
	}
	if (d->advid.len == 0) {
		int err = vigil_buf_puts(&d->advid, ref);
		if (err == 0 && url)
			err = vigil_buf_puts(&d->link, url);
		return err;
	}
	return 0;
}

/* The 1 to 3 digits at `p` (followed by no digit): their value, else -1. */
static int small_number(const char *p)
{
	int n = 0, digits = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 3)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return digits ? n : -1;
}

/* "Red Hat Enterprise Linux 7" -> 7; -1 otherwise. */
static int trailing_major(const char *s)
{
	const char *p = s + strlen(s);

	while (p > s && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return small_number(p);
}

/* "cpe:/o:rocky:rocky:9:GA", "cpe:/a:redhat:enterprise_linux:8::appstream" -> 9, 8. */
static int cpe_major(const char *cpe)
{
	const char *p = cpe;
	int i;

	for (i = 0; i < 4 && p; i++)
		p = strchr(p + 1, ':');
	return p ? small_number(p + 1) : -1;
}

/* Fold one platform or CPE major into d->major (-2: several disagree). */
static void fold_major(int *acc, int m)
{
	if (m < 0 || *acc == -2)
		return;
	*acc = *acc == -1 || *acc == m ? m : -2;
}

static int meta_advisory(struct oval *o, struct odef *d, xmlNode *adv, int *cpe)
{
	const char *from = oval_attr(adv, "from");
	xmlNode *c, *cc;
	int err;

	if (from)
		fold_major(cpe, cpe_major(from));
	for (c = adv->children; c; c = c->next) {
		if (oval_is(c, "severity")) {
			if ((err = oval_text(c, &d->sev)) < 0)
				return err;
		} else if (oval_is(c, "cve")) {
			if ((err = oval_text(c, &o->tmp)) < 0)
				return err;
			add_id(d, o->tmp.ptr, oval_attr(c, "href"));
		} else if (oval_is(c, "affected_cpe_list")) {
			for (cc = c->children; cc; cc = cc->next)
				if (oval_is(cc, "cpe") && (err = oval_text(cc, &o->tmp)) == 0)
					fold_major(cpe, cpe_major(o->tmp.ptr));
		}
	}
	return 0;
}

static enum vigil_severity severity_of(const char *s)
{
	return vigil_feed_severity(s, s ? strlen(s) : 0, VIGIL_FEED_SCALE_REDHAT);
}

static int read_metadata(struct oval *o, struct odef *d, xmlNode *md)
{
	xmlNode *c, *p;
	int platform = -1, cpe = -1, err = 0;
	vigil_buf title = VIGIL_BUF_INIT;

	for (c = md->children; c && !err; c = c->next) {
		if (oval_is(c, "title"))
			err = oval_text(c, &title);
		else if (oval_is(c, "description"))
			err = oval_text(c, &d->desc);
		else if (oval_is(c, "reference"))
			err = meta_reference(o, d, c);
		else if (oval_is(c, "advisory"))
			err = meta_advisory(o, d, c, &cpe);
		else if (oval_is(c, "affected"))
			for (p = c->children; p && !err; p = p->next)
				if (oval_is(p, "platform") && (err = oval_text(p, &o->tmp)) == 0)
					fold_major(&platform, trailing_major(o->tmp.ptr));
	}
	if (!err && d->advid.len == 0 && title.len)
		err = title_advisory(d, title.ptr);
	if (!err && d->desc.len == 0 && title.len)
		err = vigil_buf_puts(&d->desc, title.ptr);
	trim_advisory(&d->advid);
	d->severity = severity_of(d->sev.ptr);
	d->major = platform >= 0 ? platform : cpe >= 0 ? cpe : -1;
	vigil_buf_release(&title);
	return err;
}

/* Every release test of the tree under `n` folded into *acc. */
static void tree_majors(struct oval *o, xmlNode *n, int *acc)
{
	xmlNode *c;
	const char *ref;

	for (c = n->children; c; c = c->next) {
		if (oval_is(c, "criteria"))
			tree_majors(o, c, acc);
		else if (oval_is(c, "criterion") && (ref = oval_attr(c, "test_ref")))
			fold_major(acc, release_major(o, oval_map_get(&o->test_ids, ref)));
	}
}

/* A subtree made of release tests only (Red Hat's "RHEL 7 Client is
 * installed" OR "RHEL 7 Server is installed"): their one major, else -1. */
static int release_only(struct oval *o, xmlNode *n)
{
	xmlNode *c;
	const char *ref;
	int acc = -1, m;

	for (c = n->children; c; c = c->next) {
		if (oval_is(c, "criteria"))
			m = release_only(o, c);
		else if (oval_is(c, "criterion") && (ref = oval_attr(c, "test_ref")))
			m = release_major(o, oval_map_get(&o->test_ids, ref));
		else
			continue;
		if (m < 0)
			return -1;
		fold_major(&acc, m);
	}
	return acc >= 0 ? acc : -1;
}

/* The release of an AND node: a release test among its direct children, or
 * a child made of release tests only. */
static int branch_major(struct oval *o, xmlNode *n)
{
	const char *op = oval_attr(n, "operator"), *ref;
	xmlNode *c;
	int m;

	if (op && strcasecmp(op, "AND") != 0)
		return -1;
	for (c = n->children; c; c = c->next) {
		if (oval_is(c, "criterion") && (ref = oval_attr(c, "test_ref")) &&
		    (m = release_major(o, oval_map_get(&o->test_ids, ref))) >= 0)
			return m;
		if (oval_is(c, "criteria") && (m = release_only(o, c)) >= 0)
			return m;
	}
	return -1;
}

static int emit(struct oval *o, struct odef *d, int major, const char *pkg,
                const struct ostate *s, const char *arch)
{
	char ns[48];
	size_t i;
	int err;

	snprintf(ns, sizeof(ns), "%s:%d", d->distro, major);
	if ((err = put_ns(o, ns)) < 0)
		return err;
	for (i = 0; i < d->nmajors && d->majors[i] != major; i++)
		;
	if (i == d->nmajors && d->nmajors < sizeof(d->majors) / sizeof(d->majors[0]))
		d->majors[d->nmajors++] = major;
	for (i = 0; i < d->nids; i++) {
		if (++o->items > VIGIL_MAX_FEED_ITEMS)
			return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d OVAL statements",
			                       o->file->path, VIGIL_MAX_FEED_ITEMS);
		o->run->records++;
		if ((err = vigil_store_put_affected_arch(o->run->store, o->unit, ns, d->ids[i], pkg,
		                                         VIGIL_AFFECTED_FIXED, s->evr,
		                                         s->arch ? s->arch : arch)) < 0)
			return err;
	}
	return 0;
}

static int criterion(struct oval *o, struct odef *d, xmlNode *c, int major, const char *arch)
{
	const char *ref = oval_attr(c, "test_ref"), *neg = oval_attr(c, "negate");
	const struct otest *t;
	const struct ostate *s;
	int64_t ti;

	if (neg && strcmp(neg, "true") == 0)
		return 0;
	if (!ref)
		return warn_skip(o, d->id, "a criterion without test_ref", NULL);
	if ((ti = oval_map_get(&o->test_ids, ref)) < 0 || !o->tests[ti].defined)
		return warn_skip(o, d->id, "a test reference that does not resolve:", ref);
	t = &o->tests[ti];
	if (t->kind != TEST_RPMINFO || t->state < 0)
		return 0;
	s = &o->states[t->state];
	if (!s->defined)
		return warn_skip(o, d->id, "a test whose state does not resolve:", ref);
	if (!s->evr)
		return 0; /* signature key, release, ... */
	if (t->obj < 0 || !o->objs[t->obj].defined || !o->objs[t->obj].name)
		return warn_skip(o, d->id, "a test whose object does not resolve:", ref);
	if (major < 0)
		major = d->major;
	if (major < 0)
		return warn_skip(o, d->id, "a test of no known release:", ref);
	return emit(o, d, major, o->objs[t->obj].name, s, arch);
}

/* The arch of an AND node: Oracle's "Oracle Linux arch is aarch64", an
 * rpminfo test whose state has an arch and nothing else, as a direct child. */
static const char *branch_arch(struct oval *o, xmlNode *n)
{
	const char *op = oval_attr(n, "operator"), *ref;
	const struct otest *t;
	const struct ostate *s;
	xmlNode *c;
	int64_t ti;

	if (op && strcasecmp(op, "AND") != 0)
		return NULL;
	for (c = n->children; c; c = c->next) {
		if (!oval_is(c, "criterion") || !(ref = oval_attr(c, "test_ref")) ||
		    (ti = oval_map_get(&o->test_ids, ref)) < 0)
			continue;
		t = &o->tests[ti];
		if (!t->defined || t->kind != TEST_RPMINFO || t->state < 0)
			continue;
		s = &o->states[t->state];
		if (s->defined && s->arch && !s->evr && s->major < 0)
			return s->arch;
	}
	return NULL;
}

static int walk(struct oval *o, struct odef *d, xmlNode *n, int major, const char *arch,
                int depth)
{
	xmlNode *c;
	const char *a = branch_arch(o, n);
	int m = branch_major(o, n), err = 0;

	if (m >= 0)
		major = m;
	if (a)
		arch = a;
	for (c = n->children; c && !err; c = c->next) {
		if (oval_is(c, "criteria") && depth < 64)
			err = walk(o, d, c, major, arch, depth + 1);
		else if (oval_is(c, "criterion"))
			err = criterion(o, d, c, major, arch);
	}
	return err;
}

/* The details of each ID, in each namespace the definition wrote records in. */
static int write_details(struct oval *o, struct odef *d)
{
	struct vigil_store_vuln v = { 0 };
	char ns[48];
	size_t i, j;
	int err;

	v.namespace_name = ns;
	v.description = d->desc.ptr;
	v.severity = d->severity;
	for (j = 0; j < d->nmajors; j++) {
		snprintf(ns, sizeof(ns), "%s:%d", d->distro, d->majors[j]);
		for (i = 0; i < d->nids; i++) {
			v.name = d->ids[i];
			v.link = *d->links[i] ? d->links[i] : d->link.ptr;
			if ((err = vigil_store_put_vulnerability(o->run->store, o->unit, &v)) < 0)
				return err;
		}
	}
	return 0;
}

/* The distro of a definition: its id's organisation, else its release tests'. */
static const char *def_distro(struct oval *o, xmlNode *criteria, const char *id)
{
	const char *d = distro_of_id(id);
	size_t i;

	(void)criteria;
	if (d)
		return d;
	for (i = 0; i < o->ntests; i++)
		if (release_major(o, (int64_t)i) >= 0 &&
		    (d = release_distro(o, &o->tests[i])) != NULL)
			return d;
	return NULL;
}

static int read_definition(struct oval *o, xmlNode *n)
{
	struct odef d;
	xmlNode *md = oval_child(n, "metadata"), *criteria = oval_child(n, "criteria");
	int tree = -1, err = 0;

	memset(&d, 0, sizeof(d));
	d.desc = d.link = d.sev = d.advid = (vigil_buf)VIGIL_BUF_INIT;
	d.id = oval_attr(n, "id");
	d.distro = def_distro(o, criteria, d.id);
	if ((err = open_unit(o, d.distro)) < 0)
		return err;
	if (!d.distro) {
		warn_skip(o, d.id, "a definition of no RHEL-family distribution", NULL);
		goto out;
	}
	if (md && (err = read_metadata(o, &d, md)) < 0)
		goto out;
	if (d.nids == 0 && d.advid.len)
		add_id(&d, d.advid.ptr, d.link.ptr);
	if (d.nids == 0) {
		warn_skip(o, d.id, "a definition without CVE or advisory id", NULL);
		goto out;
	}
	if (!criteria)
		goto out;
	tree_majors(o, criteria, &tree);
	if (tree >= 0)
		d.major = tree;
	if ((err = walk(o, &d, criteria, -1, NULL, 0)) == 0)
		err = write_details(o, &d);
out:
	def_release(&d);
	return err;
}

/* ---- the reader ---- */

static int root_check(struct oval *o, xmlTextReaderPtr r)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(r);

	if (name && strcmp(name, "oval_definitions") == 0)
		return 0;
	return vigil_error_set(VIGIL_EINVALID,
	                       "'%s': not an OVAL definitions document (root element '%.64s' at "
	                       "line %ld)",
	                       o->file->path, name ? name : "?",
	                       xmlGetLineNo(xmlTextReaderCurrentNode(r)));
}

/* One top-level entity (a definition, test, object or state), expanded. */
static int entity(struct oval *o, xmlTextReaderPtr r, const char *section)
{
	xmlNode *n = xmlTextReaderExpand(r);

	if (!n)
		return -1;
	if (o->pass == 1)
		return pass1_entity(o, section, n);
	if (strcmp(section, "definitions") == 0 && oval_is(n, "definition"))
		return read_definition(o, n);
	return 0;
}

/* Does pass `o->pass` read the children of top-level `section`? */
static int wanted(const struct oval *o, const char *section)
{
	if (o->pass == 2)
		return strcmp(section, "definitions") == 0;
	return strcmp(section, "tests") == 0 || strcmp(section, "objects") == 0 ||
	       strcmp(section, "states") == 0;
}

static int stream(struct oval *o, xmlTextReaderPtr r)
{
	char section[32] = "";
	int rc = xmlTextReaderRead(r), err;

	while (rc == 1) {
		int depth = xmlTextReaderDepth(r);
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || depth > 2) {
			rc = xmlTextReaderRead(r);
			continue;
		}
		if (depth == 0) {
			if ((err = root_check(o, r)) < 0)
				return err;
			rc = xmlTextReaderRead(r);
		} else if (depth == 1) {
			snprintf(section, sizeof(section), "%s",
			         (const char *)xmlTextReaderConstLocalName(r));
			rc = wanted(o, section) ? xmlTextReaderRead(r) : xmlTextReaderNext(r);
		} else {
			if ((err = entity(o, r, section)) == -1)
				return vigil_xml_input_fail(&o->in, r);
			if (err < 0)
				return err;
			rc = xmlTextReaderNext(r);
		}
	}
	return rc < 0 ? vigil_xml_input_fail(&o->in, r) : 0;
}

/* One pass over the whole document, streamed from the file. */
static int run_pass(struct oval *o, int pass)
{
	xmlTextReaderPtr r;
	int err;

	o->pass = pass;
	if ((err = vigil_feed_file_rewind(o->file)) < 0)
		return err;
	if (!(r = vigil_xml_input_open(&o->in, o->file, XML_PARSE_COMPACT | XML_PARSE_NOCDATA)))
		return VIGIL_ERROR;
	err = stream(o, r);
	xmlFreeTextReader(r);
	if (!err && o->in.io_err < 0)
		err = o->in.io_err;
	return err;
}

static void oval_release(struct oval *o)
{
	size_t i;

	oval_arena_release(&o->strings);
	oval_map_release(&o->arches);
	for (i = 0; i < o->nnss; i++)
		vigil_free(o->nss[i]);
	vigil_free(o->nss);
	vigil_free(o->tests);
	vigil_free(o->objs);
	vigil_free(o->states);
	oval_map_release(&o->test_ids);
	oval_map_release(&o->obj_ids);
	oval_map_release(&o->state_ids);
	vigil_buf_release(&o->tmp);
}

static int oval_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct oval o;
	int err;

	memset(&o, 0, sizeof(o));
	o.run = run;
	o.file = f;
	o.tmp = (vigil_buf)VIGIL_BUF_INIT;
	if ((err = run_pass(&o, 1)) < 0)
		goto out;
	if (o.dpkg_tests && !o.rpm_tests) {
		err = vigil_error_set(VIGIL_EINVALID,
		                      "'%s': a dpkg (Debian/Ubuntu) OVAL file, not RHEL-family OVAL",
		                      f->path);
		goto out;
	}
	/* Pass 1 read the file through: its digest is known for the unit. */
	if ((err = vigil_feed_file_digest(f, &o.digest)) < 0 || (err = run_pass(&o, 2)) < 0)
		goto out;
	if (err == 0)
		err = open_unit(&o, NULL); /* a file without definitions still replaces its unit */
out:
	if (o.warned > WARN_MAX)
		vigil_log(WARN, COMPONENT, "'%s': %llu more skipped items not shown", f->path,
		          (unsigned long long)(o.warned - WARN_MAX));
	oval_release(&o);
	return err;
}

/* ---- probe ---- */

/* The local name of the first element of `head` is `name`. */
static int root_is(const char *head, size_t len, const char *name)
{
	const char *p = head, *end = head + len, *q;
	size_t n = strlen(name);

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && (p[1] == '?' || p[1] == '!')) {
			p++;
			continue;
		}
		for (q = p + 1; q < end && !strchr(" \t\r\n/>", *q); q++)
			;
		p = memchr(p, ':', (size_t)(q - p)) ? (const char *)memchr(p, ':', (size_t)(q - p))
		                                    : p;
		return (size_t)(q - p - 1) == n && memcmp(p + 1, name, n) == 0;
	}
	return 0;
}

static int oval_probe(const char *path, const char *head, size_t len)
{
	static const char *const foreign[] = { "dpkginfo", "com.ubuntu", "org.debian", "Canonical",
		                               "opensuse", "org.suse" };
	size_t i;

	(void)path;
	if (!root_is(head, len, "oval_definitions"))
		return 0;
	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		if (memmem(head, len, foreign[i], strlen(foreign[i])))
			return 0;
	return 1;
}

/*
 * `db update` sources: Red Hat's OVAL v2 stream of each supported RHEL major
 * (upstream base), Rocky's and Alma's OVAL (whole URLs). Mirrors hold the
 * Rocky 9 file only, xz-compressed.
 */
/* clang-format off */
#define RHEL(n) { "RHEL" #n "/rhel-" #n ".oval.xml.bz2", NULL, 0, NULL }
static const struct vigil_feed_source oval_sources[] = {
	RHEL(7), RHEL(8), RHEL(9), RHEL(10),
	{ "https://dl.rockylinux.org/pub/oval/org.rockylinux.rlsa-8.xml.bz2", NULL, 0, NULL },
	{ "https://dl.rockylinux.org/pub/oval/org.rockylinux.rlsa-9.xml.bz2",
	  "redhat/rocky-oval-normalized/org.rockylinux.rlsa-9.xml.xz", 0, NULL },
	{ "https://repo.almalinux.org/security/oval/org.almalinux.alsa-8.xml.bz2", NULL, 0, NULL },
	{ "https://repo.almalinux.org/security/oval/org.almalinux.alsa-9.xml.bz2", NULL, 0, NULL },
	VIGIL_FEED_SOURCES_END,
};
#undef RHEL
/* clang-format on */

const struct vigil_feed vigil_feed_oval = {
	.name = "oval",
	.source = "https://access.redhat.com/security/data/oval/v2/",
	.probe = oval_probe,
	.import_stream = oval_import,
	.upstream = "https://security.access.redhat.com/data/oval/v2/",
	.sources = oval_sources,
};
