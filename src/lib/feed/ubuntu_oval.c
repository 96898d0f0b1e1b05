/*
 * Ubuntu USN OVAL (https://security-metadata.canonical.com/oval/
 * com.ubuntu.<codename>.usn.oval.xml.bz2): one definition per USN.
 *
 *   <definition id="oval:com.ubuntu.noble:def:..."> -> namespace ubuntu:24.04
 *     <reference source="CVE" ref_id="CVE-2024-1"/>  -> the IDs (else the USN id)
 *     <advisory><severity>Medium</severity>
 *       <cve priority="high">CVE-2024-1</cve>        -> severity of that CVE
 *     <criterion test_ref="T"/>
 *   <linux:dpkginfo_test id="T"> object_ref="O" state_ref="S"
 *   <linux:dpkginfo_object id="O"><linux:name var_ref="V"/>  (or a literal name)
 *   <constant_variable id="V"><value>libfoo1</value>...      -> binary packages
 *   <linux:dpkginfo_state id="S"><linux:evr operation="less than">0:1.2-3
 *                                                  -> fixed in 1.2-3 ("0:" dropped)
 *
 * Read with libxml2's streaming xmlTextReader: definitions come before the
 * tests, objects, states and variables they name, so the file is read once
 * into compact tables and resolved at the end. Records name *binary*
 * packages (the tracker's name source packages); the feed is "ubuntu-oval"
 * so that the matcher can let the tracker win for a (release, source
 * package, CVE) — see docs/internals/feed-ubuntu.md.
 */
#include "feed.h"
#include "ubuntu.h"
#include "xml_input.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define COMPONENT "feed.ubuntu-oval"

/* A dpkginfo test, object or state, or a constant variable. */
struct item {
	char *a, *b;   /* test: object_ref, state_ref; object: var_ref, literal name; state: evr */
	char **values; /* variable: its values */
	size_t nvalues, cap;
};

struct cve {
	char *id;
	enum vigil_severity sev; /* from <cve priority=...>, else the advisory's */
	int has_sev;
};

struct definition {
	char *usn;
	struct cve *cves;
	size_t ncves, cvecap;
	enum vigil_severity sev;
	char *desc;
	char **tests;
	size_t ntests, testcap;
};

enum capture { C_NONE, C_DESC, C_SEVERITY, C_CVE, C_NAME, C_EVR, C_VALUE };

struct oval {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	char codename[32];
	struct definition *defs;
	size_t ndefs, defcap;
	struct vigil_strmap tests, objects, states, vars; /* id -> struct item */
	uint64_t items;
	struct item *cur;   /* test, object, state or variable being read */
	enum capture cap;   /* what the text being read belongs to */
	char *cap_priority; /* the <cve priority=...> being read */
	int evr_less;       /* the <evr> being read has operation "less than" */
	vigil_buf text;
	struct vigil_xml_input in;
	const char *digest; /* of the file, known once it is read */
};

static char *attr(xmlTextReaderPtr r, const char *name)
{
	return (char *)xmlTextReaderGetAttribute(r, (const xmlChar *)name);
}

static enum vigil_severity sev_word(const char *w)
{
	return vigil_feed_severity(w, w ? strlen(w) : 0, VIGIL_FEED_SCALE_CLAIR);
}

/* The codename of "oval:com.ubuntu.<codename>:def:N". */
static void codename_from_id(struct oval *o, const char *id)
{
	const char *p, *end;

	if (o->codename[0] || !id || !(p = strstr(id, "com.ubuntu.")))
		return;
	p += 11;
	end = p + strcspn(p, ":.");
	if (end > p && (size_t)(end - p) < sizeof(o->codename))
		snprintf(o->codename, sizeof(o->codename), "%.*s", (int)(end - p), p);
}

/* A new test/object/state/variable `id` in `map`; NULL (and a warning) for a duplicate. */
static int new_item(struct oval *o, struct vigil_strmap *map, xmlTextReaderPtr r)
{
	char *id = attr(r, "id");

	o->cur = NULL;
	if (!id)
		return 0;
	if (++o->items > VIGIL_MAX_UBUNTU_OVAL_ITEMS) {
		xmlFree(id);
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d OVAL items",
		                       o->file->path, VIGIL_MAX_UBUNTU_OVAL_ITEMS);
	}
	if (!vigil_strmap_has(map, id)) {
		o->cur = vigil_calloc(1, sizeof(*o->cur));
		vigil_strmap_put(map, id, o->cur);
	}
	xmlFree(id);
	return 0;
}

static struct definition *cur_def(struct oval *o)
{
	return o->ndefs ? &o->defs[o->ndefs - 1] : NULL;
}

static void def_start(struct oval *o, xmlTextReaderPtr r)
{
	char *id = attr(r, "id");

	codename_from_id(o, id);
	xmlFree(id);
	o->defs = vigil_array_grow(o->defs, &o->defcap, o->ndefs + 1, sizeof(*o->defs));
	memset(&o->defs[o->ndefs++], 0, sizeof(*o->defs));
}

static void def_reference(struct definition *d, xmlTextReaderPtr r)
{
	char *src = attr(r, "source"), *id = attr(r, "ref_id");

	if (src && id && *id && strlen(id) <= VIGIL_MAX_FEED_FIELD) {
		if (strcmp(src, "USN") == 0 && !d->usn) {
			d->usn = vigil_strdup(id);
		} else if (strcmp(src, "CVE") == 0) {
			d->cves = vigil_array_grow(d->cves, &d->cvecap, d->ncves + 1,
			                           sizeof(*d->cves));
			memset(&d->cves[d->ncves], 0, sizeof(*d->cves));
			d->cves[d->ncves++].id = vigil_strdup(id);
		}
	}
	xmlFree(src);
	xmlFree(id);
}

static void def_criterion(struct definition *d, xmlTextReaderPtr r)
{
	char *ref = attr(r, "test_ref");

	if (ref) {
		d->tests = vigil_array_grow(d->tests, &d->testcap, d->ntests + 1, sizeof(char *));
		d->tests[d->ntests++] = vigil_strdup(ref);
	}
	xmlFree(ref);
}

static void capture(struct oval *o, enum capture c)
{
	o->cap = c;
	vigil_buf_reset(&o->text);
}

/* An element opens: `name` is its local name, `in_def` 1 inside <definition>. */
static int element(struct oval *o, xmlTextReaderPtr r, const char *name, int in_def)
{
	struct definition *d = cur_def(o);
	char *v;

	if (strcmp(name, "definition") == 0)
		def_start(o, r);
	else if (in_def && d && strcmp(name, "reference") == 0)
		def_reference(d, r);
	else if (in_def && d && strcmp(name, "criterion") == 0)
		def_criterion(d, r);
	else if (in_def && d && (strcmp(name, "description") == 0 && !d->desc))
		capture(o, C_DESC);
	else if (in_def && strcmp(name, "severity") == 0)
		capture(o, C_SEVERITY);
	else if (in_def && strcmp(name, "cve") == 0) {
		capture(o, C_CVE);
		xmlFree(o->cap_priority);
		o->cap_priority = attr(r, "priority");
	} else if (strcmp(name, "dpkginfo_test") == 0)
		return new_item(o, &o->tests, r);
	else if (strcmp(name, "dpkginfo_object") == 0)
		return new_item(o, &o->objects, r);
	else if (strcmp(name, "dpkginfo_state") == 0)
		return new_item(o, &o->states, r);
	else if (strcmp(name, "constant_variable") == 0)
		return new_item(o, &o->vars, r);
	else if (o->cur && (strcmp(name, "object") == 0 || strcmp(name, "state") == 0)) {
		char **slot = name[0] == 'o' ? &o->cur->a : &o->cur->b;
		v = attr(r, name[0] == 'o' ? "object_ref" : "state_ref");
		if (v && !*slot)
			*slot = vigil_strdup(v);
		xmlFree(v);
	} else if (o->cur && strcmp(name, "name") == 0) {
		v = attr(r, "var_ref");
		if (v && !o->cur->a)
			o->cur->a = vigil_strdup(v);
		xmlFree(v);
		if (!o->cur->a)
			capture(o, C_NAME);
	} else if (o->cur && strcmp(name, "evr") == 0) {
		v = attr(r, "operation");
		o->evr_less = v && strcmp(v, "less than") == 0;
		xmlFree(v);
		capture(o, C_EVR);
	} else if (o->cur && strcmp(name, "value") == 0)
		capture(o, C_VALUE);
	return 0;
}

/* The text captured for the element that just closed. */
static void captured(struct oval *o)
{
	struct definition *d = cur_def(o);
	const char *t = o->text.ptr;
	size_t i;

	switch (o->cap) {
	case C_DESC:
		if (d && !d->desc)
			d->desc = vigil_strdup(t);
		break;
	case C_SEVERITY:
		if (d)
			d->sev = sev_word(t);
		break;
	case C_CVE:
		for (i = 0; d && i < d->ncves; i++)
			if (strcmp(d->cves[i].id, t) == 0 && o->cap_priority) {
				d->cves[i].sev = sev_word(o->cap_priority);
				d->cves[i].has_sev = 1;
			}
		break;
	case C_NAME:
		if (!o->cur->b && *t)
			o->cur->b = vigil_strdup(t);
		break;
	case C_EVR:
		if (o->evr_less && !o->cur->a && *t)
			o->cur->a = vigil_strdup(t);
		break;
	case C_VALUE:
		if (*t && strlen(t) <= VIGIL_MAX_FEED_FIELD) {
			o->cur->values = vigil_array_grow(o->cur->values, &o->cur->cap,
			                                  o->cur->nvalues + 1, sizeof(char *));
			o->cur->values[o->cur->nvalues++] = vigil_strdup(t);
		}
		break;
	case C_NONE:
		break;
	}
	o->cap = C_NONE;
}

static int is_item(const char *name)
{
	return name &&
	       (strcmp(name, "dpkginfo_test") == 0 || strcmp(name, "dpkginfo_object") == 0 ||
	        strcmp(name, "dpkginfo_state") == 0 || strcmp(name, "constant_variable") == 0);
}

static int read_all(struct oval *o)
{
	xmlTextReaderPtr r;
	int rc, err = 0, def_depth = -1;

	if ((err = vigil_feed_file_rewind(o->file)) < 0)
		return err;
	r = vigil_xml_input_open(&o->in, o->file,
	                         XML_PARSE_COMPACT | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!r)
		return VIGIL_ERROR;
	while (!err && (rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			if (name && strcmp(name, "definition") == 0 && def_depth < 0 &&
			    !xmlTextReaderIsEmptyElement(r))
				def_depth = depth;
			err = element(o, r, name ? name : "", def_depth >= 0);
			if (xmlTextReaderIsEmptyElement(r) && o->cap != C_NONE)
				captured(o);
			if (xmlTextReaderIsEmptyElement(r) && is_item(name))
				o->cur = NULL;
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) &&
		           o->cap != C_NONE) {
			err = vigil_buf_puts(&o->text, (const char *)xmlTextReaderConstValue(r));
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (o->cap != C_NONE)
				captured(o);
			if (is_item(name))
				o->cur = NULL;
			if (depth == def_depth)
				def_depth = -1;
		}
	}
	if (!err && (rc < 0 || o->in.err[0] || o->in.io_err < 0))
		err = vigil_xml_input_fail(&o->in, r);
	xmlFreeTextReader(r);
	return err;
}

/* The binary package names of dpkginfo object `obj`. */
static const struct item *object_names(struct oval *o, const struct item *obj, const char **one)
{
	*one = NULL;
	if (obj->a)
		return vigil_strmap_get(&o->vars, obj->a);
	*one = obj->b;
	return NULL;
}

static int emit_fix(struct oval *o, int64_t unit, const char *ns, const struct definition *d,
                    const char *pkg, const char *fixed)
{
	size_t i;
	int err = 0;

	if (strlen(pkg) > VIGIL_MAX_FEED_FIELD)
		return 0;
	for (i = 0; i < d->ncves && !err; i++) {
		o->run->records++;
		err = vigil_store_put_affected(o->run->store, unit, ns, d->cves[i].id, pkg,
		                               VIGIL_AFFECTED_FIXED, fixed);
	}
	if (!d->ncves && d->usn) {
		o->run->records++;
		err = vigil_store_put_affected(o->run->store, unit, ns, d->usn, pkg,
		                               VIGIL_AFFECTED_FIXED, fixed);
	}
	return err;
}

/* One criterion of `d`: a dpkginfo test -> fixed versions of its packages. */
static int emit_test(struct oval *o, int64_t unit, const char *ns, const struct definition *d,
                     const char *ref, int *any)
{
	const struct item *t = vigil_strmap_get(&o->tests, ref), *obj, *st, *var;
	const char *one, *fixed;
	size_t i;
	int err = 0;

	if (!t)
		return 0; /* a release check or a kernel (uname) test */
	obj = t->a ? vigil_strmap_get(&o->objects, t->a) : NULL;
	st = t->b ? vigil_strmap_get(&o->states, t->b) : NULL;
	if (!obj || !st) {
		o->run->skipped++;
		vigil_log(WARN, COMPONENT, "'%s': test '%s' names an unknown object or state",
		          o->file->path, ref);
		return 0;
	}
	if (!st->a)
		return 0; /* no "less than" evr */
	fixed = strncmp(st->a, "0:", 2) == 0 ? st->a + 2 : st->a;
	if (!*fixed || strlen(fixed) > VIGIL_MAX_FEED_FIELD)
		return 0;
	var = object_names(o, obj, &one);
	*any = 1;
	if (one)
		return emit_fix(o, unit, ns, d, one, fixed);
	for (i = 0; var && i < var->nvalues && !err; i++)
		err = emit_fix(o, unit, ns, d, var->values[i], fixed);
	return err;
}

static int emit_details(struct oval *o, int64_t unit, const char *ns, const struct definition *d)
{
	struct vigil_store_vuln v = { 0 };
	char link[VIGIL_MAX_FEED_FIELD + 64];
	size_t i;
	int err = 0;

	v.namespace_name = ns;
	v.description = d->desc;
	v.link = link;
	for (i = 0; i < d->ncves && !err; i++) {
		v.name = d->cves[i].id;
		v.severity = d->cves[i].has_sev ? d->cves[i].sev : d->sev;
		snprintf(link, sizeof(link), "https://ubuntu.com/security/%s", v.name);
		err = vigil_store_put_vulnerability(o->run->store, unit, &v);
	}
	if (!d->ncves && d->usn) {
		v.name = d->usn;
		v.severity = d->sev;
		snprintf(link, sizeof(link), "https://ubuntu.com/security/notices/%s", v.name);
		err = vigil_store_put_vulnerability(o->run->store, unit, &v);
	}
	return err;
}

static int emit(struct oval *o, const char *version)
{
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf src = VIGIL_BUF_INIT;
	char ns[64];
	int64_t unit = 0;
	size_t i, j;
	int err, any;

	snprintf(ns, sizeof(ns), "ubuntu:%s", version);
	if ((err = vigil_buf_printf(&src, "file://%s", o->file->path)) < 0)
		goto out;
	meta.source = src.ptr;
	meta.upstream_date = o->file->upstream_date;
	meta.digest = o->digest;
	if ((err = vigil_store_put_namespace(o->run->store, ns, "dpkg")) < 0 ||
	    (err = vigil_feed_run_unit(o->run, o->codename, &meta, &unit)) < 0 ||
	    (err = vigil_store_unit_namespace(o->run->store, unit, ns)) < 0)
		goto out;
	for (i = 0; i < o->ndefs && !err; i++) {
		const struct definition *d = &o->defs[i];
		for (j = 0, any = 0; j < d->ntests && !err; j++)
			err = emit_test(o, unit, ns, d, d->tests[j], &any);
		if (!err && any)
			err = emit_details(o, unit, ns, d);
	}
out:
	vigil_buf_release(&src);
	return err;
}

static void free_items(struct vigil_strmap *m)
{
	size_t i, j;

	for (i = 0; i < m->cap; i++) {
		struct item *it = m->slots[i].value;
		if (!m->slots[i].key || !it)
			continue;
		vigil_free(it->a);
		vigil_free(it->b);
		for (j = 0; j < it->nvalues; j++)
			vigil_free(it->values[j]);
		vigil_free(it->values);
		vigil_free(it);
	}
	vigil_strmap_release(m);
}

static void oval_release(struct oval *o)
{
	size_t i, j;

	for (i = 0; i < o->ndefs; i++) {
		struct definition *d = &o->defs[i];
		for (j = 0; j < d->ncves; j++)
			vigil_free(d->cves[j].id);
		for (j = 0; j < d->ntests; j++)
			vigil_free(d->tests[j]);
		vigil_free(d->cves);
		vigil_free(d->tests);
		vigil_free(d->usn);
		vigil_free(d->desc);
	}
	vigil_free(o->defs);
	free_items(&o->tests);
	free_items(&o->objects);
	free_items(&o->states);
	free_items(&o->vars);
	xmlFree(o->cap_priority);
	vigil_buf_release(&o->text);
}

static int oval_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct oval o;
	const char *version;
	int err;

	memset(&o, 0, sizeof(o));
	o.run = run;
	o.file = f;
	o.text = (vigil_buf)VIGIL_BUF_INIT;
	if ((err = read_all(&o)) < 0 || (err = vigil_feed_file_digest(f, &o.digest)) < 0)
		goto out;
	if (!o.codename[0]) {
		err = vigil_error_set(VIGIL_EINVALID,
		                      "'%s': no Ubuntu release in the OVAL ids (oval:com.ubuntu.*)",
		                      f->path);
		goto out;
	}
	if (!(version = vigil_ubuntu_release_version(o.codename, strlen(o.codename)))) {
		run->skipped++;
		vigil_log(WARN, COMPONENT, "'%s': unknown Ubuntu release '%s': skipped", f->path,
		          o.codename);
		goto out;
	}
	err = emit(&o, version);
out:
	oval_release(&o);
	return err;
}

static int has(const char *head, size_t len, const char *needle)
{
	return memmem(head, len, needle, strlen(needle)) != NULL;
}

static int oval_probe(const char *path, const char *head, size_t len)
{
	(void)path;
	return has(head, len, "<oval_definitions") &&
	       (has(head, len, "oval:com.ubuntu.") || has(head, len, "Canonical USN OVAL"));
}

/*
 * `db update` sources: Canonical's USN OVAL of each supported LTS release
 * (bz2 upstream); mirrors hold noble (xz) and two releases upstream no
 * longer lists (lunar, oracular).
 */
/* clang-format off */
#define USN(rel) "com.ubuntu." rel ".usn.oval.xml.bz2"
#define MIRROR(rel) "ubuntu/usn-oval-normalized/com.ubuntu." rel ".usn.oval.xml.xz"
static const struct vigil_feed_source ubuntu_oval_sources[] = {
	{ USN("xenial"), NULL, 0, NULL },
	{ USN("bionic"), NULL, 0, NULL },
	{ USN("focal"), NULL, 0, NULL },
	{ USN("jammy"), NULL, 0, NULL },
	{ USN("noble"), MIRROR("noble"), 0, NULL },
	{ USN("resolute"), NULL, 0, NULL },
	{ NULL, MIRROR("lunar"), 0, NULL },
	{ NULL, MIRROR("oracular"), 0, NULL },
	VIGIL_FEED_SOURCES_END,
};
#undef USN
#undef MIRROR
/* clang-format on */

const struct vigil_feed vigil_feed_ubuntu_oval = {
	.name = "ubuntu-oval",
	.source = "https://security-metadata.canonical.com/oval/",
	.probe = oval_probe,
	.import_stream = oval_import,
	.upstream = "https://security-metadata.canonical.com/oval/",
	.sources = ubuntu_oval_sources,
};
