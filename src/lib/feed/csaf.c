/*
 * Red Hat CSAF VEX (https://security.access.redhat.com/data/csaf/v2/vex/
 * YYYY/cve-YYYY-NNNN.json, one document per CVE) and CSAF advisories
 * (.../csaf/v2/advisories/YYYY/rhsa-YYYY_NNNN.json), CSAF 2.0 JSON:
 *
 *   document.tracking.id        -> unit ("CVE-2023-38545", "RHSA-2024:0010")
 *   document.aggregate_severity -> severity, unless a threat says otherwise
 *   product_tree                -> which product id is RHEL N, and which
 *                                  package of it (docs/internals/feed-csaf.md)
 *   vulnerabilities[]:
 *     cve                       -> the ID
 *     product_status.fixed      -> fixed in the EVR of the product id
 *     product_status.known_affected     -> affected, no fix
 *     product_status.known_not_affected -> not affected
 *     threats[category=impact]  -> severity per RHEL N
 *     notes, references         -> description, link; scores -> CVSS metadata
 *
 * Only products of RHEL N (CPE cpe:/o:redhat:enterprise_linux:N, its
 * AppStream, BaseOS, CRB... variants) count, as namespace rhel:N; every
 * other product (EUS streams, layered products) is left alone. A document
 * whose tracking.status is "deleted" empties its unit.
 *
 * A file that is not such a document, or does not parse, is an error naming
 * the file; statements of an unexpected shape inside a good document are
 * skipped with a warning and counted.
 */
#include "feed.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COMPONENT "feed.csaf"

/* Major versions of RHEL a document may speak of: rhel:1 .. rhel:99. */
#define MAX_MAJOR 100

struct csaf {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	int64_t unit;
	json_t *platforms; /* product id -> RHEL major (integer), RHEL products only */
	json_t *rels;      /* relationship product id -> the relationship object */
	enum vigil_severity aggregate;
	enum vigil_severity sev[MAX_MAJOR]; /* of the current vulnerability, per major */
	unsigned char used[MAX_MAJOR];      /* majors the current vulnerability wrote */
	uint64_t items;
	vigil_buf name, version, ns;
};

static int skip(struct csaf *c, const char *what, const char *id)
{
	c->run->skipped++;
	vigil_log(WARN, COMPONENT, "'%s': %s: skipped %s", c->file->path, id ? id : "?", what);
	return 0;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- severity ---- */

static enum vigil_severity severity_of(const char *s)
{
	return vigil_feed_severity(s, s ? strlen(s) : 0, VIGIL_FEED_SCALE_REDHAT);
}

/* ---- the product tree ---- */

/*
 * The RHEL major of a platform CPE, or 0: cpe:/o:redhat:enterprise_linux:9,
 * cpe:/a:redhat:enterprise_linux:9::appstream, cpe:/o:...:8::baseos, and the
 * CPE 2.3 spelling cpe:2.3:o:redhat:enterprise_linux:9:... The version must be
 * a bare major: rhel_eus, rhel_aus, enterprise_linux:8.6 are other products.
 */
static int rhel_major(const char *cpe)
{
	static const char *const prefixes[] = {
		"cpe:/o:redhat:enterprise_linux:",   "cpe:/a:redhat:enterprise_linux:",
		"cpe:2.3:o:redhat:enterprise_linux:", "cpe:2.3:a:redhat:enterprise_linux:",
	};
	const char *p = NULL;
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && !p; i++)
		if (strncmp(cpe, prefixes[i], strlen(prefixes[i])) == 0)
			p = cpe + strlen(prefixes[i]);
	if (!p || *p < '1' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9' && n < MAX_MAJOR)
		n = n * 10 + (*p++ - '0');
	if (n >= MAX_MAJOR || (*p && *p != ':'))
		return 0;
	return n;
}

static void tree_product(struct csaf *c, json_t *product)
{
	const char *id = jstr(product, "product_id");
	const char *cpe = jstr(json_object_get(product, "product_identification_helper"), "cpe");
	int major;

	if (id && cpe && (major = rhel_major(cpe)) > 0)
		json_object_set_new(c->platforms, id, json_integer(major));
}

/* Every product of `branches`, down to VIGIL_MAX_CSAF_BRANCH_DEPTH levels. */
static void tree_branches(struct csaf *c, json_t *branches, int depth)
{
	json_t *b;
	size_t i;

	if (depth > VIGIL_MAX_CSAF_BRANCH_DEPTH)
		return;
	json_array_foreach(branches, i, b)
	{
		if (json_is_object(json_object_get(b, "product")))
			tree_product(c, json_object_get(b, "product"));
		tree_branches(c, json_object_get(b, "branches"), depth + 1);
	}
}

static void tree_relationships(struct csaf *c, json_t *rels)
{
	json_t *r;
	size_t i;

	json_array_foreach(rels, i, r)
	{
		const char *id = jstr(json_object_get(r, "full_product_name"), "product_id");
		if (id && jstr(r, "product_reference") && jstr(r, "relates_to_product_reference"))
			json_object_set(c->rels, id, r);
	}
}

static void tree_load(struct csaf *c, json_t *tree)
{
	json_t *p;
	size_t i;

	tree_branches(c, json_object_get(tree, "branches"), 0);
	json_array_foreach(json_object_get(tree, "full_product_names"), i, p)
		tree_product(c, p);
	tree_relationships(c, json_object_get(tree, "relationships"));
}

static int platform_major(struct csaf *c, const char *id)
{
	return (int)json_integer_value(json_object_get(c->platforms, id));
}

/*
 * Resolve a status product id to its RHEL major and component reference:
 * through its relationship (following a component of a component, e.g. a
 * module's package, up to the platform), else by splitting it at the first
 * ':' whose left side is a RHEL platform id. 0 when it is not RHEL's.
 */
static int resolve(struct csaf *c, const char *id, const char **comp)
{
	json_t *r = json_object_get(c->rels, id);
	const char *p, *plat;
	int depth, major;

	if (r) {
		*comp = jstr(r, "product_reference");
		plat = jstr(r, "relates_to_product_reference");
		for (depth = 0; depth < VIGIL_MAX_CSAF_REL_DEPTH && (r = json_object_get(c->rels, plat));
		     depth++)
			plat = jstr(r, "relates_to_product_reference");
		return platform_major(c, plat);
	}
	for (p = strchr(id, ':'); p; p = strchr(p + 1, ':')) {
		char head[VIGIL_MAX_CSAF_PLATFORM_ID];
		if ((size_t)(p - id) >= sizeof(head))
			return 0;
		memcpy(head, id, (size_t)(p - id));
		head[p - id] = '\0';
		if ((major = platform_major(c, head)) > 0) {
			*comp = p + 1;
			return major;
		}
	}
	return 0;
}

/* ---- component names ---- */

static const char *last_of(const char *s, const char *end, char ch)
{
	const char *hit = NULL;

	for (; s < end; s++)
		if (*s == ch)
			hit = s;
	return hit;
}

/* Where the NEVRA of `comp` ends: before a module suffix "::ruby:3.1" (VEX)
 * or ".rpm" / ".rpm-ruby:2.7" (advisories, where the epoch may be left out). */
static const char *nevra_end(const char *comp, int *epoch_optional)
{
	const char *end = strstr(comp, "::"), *rpm;

	if (!end)
		end = comp + strlen(comp);
	*epoch_optional = 0;
	for (rpm = strstr(comp, ".rpm"); rpm && rpm < end; rpm = strstr(rpm + 1, ".rpm")) {
		if (rpm[4] == '\0' || rpm[4] == '-') {
			*epoch_optional = 1;
			return rpm;
		}
	}
	return end;
}

/*
 * `comp` as name-EPOCH:VERSION-RELEASE.ARCH (plus a module suffix, see
 * nevra_end): name, and the version as shown, VERSION-RELEASE prefixed EPOCH:
 * when the epoch is not zero. Returns 1, or 0 when `comp` is not of that form.
 */
static int parse_nevra(struct csaf *c, const char *comp)
{
	const char *end, *dot, *rel, *ev, *colon, *e;
	int epoch_optional;

	end = nevra_end(comp, &epoch_optional);
	if (!(dot = last_of(comp, end, '.')) || dot + 1 == end ||
	    memchr(dot, '-', (size_t)(end - dot)) || memchr(dot, ':', (size_t)(end - dot)))
		return 0;
	if (!(rel = last_of(comp, dot, '-')) || rel + 1 == dot)
		return 0;
	if (!(ev = last_of(comp, rel, '-')) || ev == comp || memchr(comp, '/', (size_t)(ev - comp)) ||
	    memchr(comp, ':', (size_t)(ev - comp)))
		return 0;
	colon = memchr(ev, ':', (size_t)(rel - ev));
	if (!colon && !epoch_optional)
		return 0;
	if (!colon)
		colon = ev; /* no epoch: the version starts after the '-' */
	if (colon + 1 == rel || memchr(colon + 1, ':', (size_t)(rel - colon - 1)) ||
	    (colon != ev && colon == ev + 1))
		return 0;
	for (e = ev + 1; e < colon; e++)
		if (*e < '0' || *e > '9')
			return 0;
	for (e = ev + 1; e < colon && *e == '0'; e++)
		;
	vigil_buf_reset(&c->name);
	vigil_buf_reset(&c->version);
	if (vigil_buf_add(&c->name, comp, (size_t)(ev - comp)) < 0 ||
	    (e < colon && vigil_buf_printf(&c->version, "%.*s:", (int)(colon - e), e) < 0) ||
	    vigil_buf_add(&c->version, colon + 1, (size_t)(dot - colon - 1)) < 0)
		return 0;
	return 1;
}

/* An unversioned component: "openssl", "samba.src", "nodejs:18/nodejs" (module/package). */
static int parse_plain(struct csaf *c, const char *comp)
{
	const char *slash = strrchr(comp, '/'), *name = slash ? slash + 1 : comp;
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".src") == 0)
		n -= 4;
	vigil_buf_reset(&c->name);
	vigil_buf_reset(&c->version);
	return n > 0 && !strpbrk(name, " \t\n:") && vigil_buf_add(&c->name, name, n) == 0;
}

/* ---- statements ---- */

static int put_ns(struct csaf *c, int major)
{
	vigil_buf_reset(&c->ns);
	return vigil_buf_printf(&c->ns, "rhel:%d", major);
}

/* One product id of product_status list `status` for vulnerability `cve`. */
static int statement(struct csaf *c, const char *cve, const char *status, const char *id)
{
	const char *comp = NULL;
	int major, versioned, err;

	if (strlen(id) > VIGIL_MAX_FEED_FIELD)
		return skip(c, "an over-long product id", cve);
	if ((major = resolve(c, id, &comp)) <= 0 || !comp)
		return 0; /* not a RHEL product */
	if (++c->items > VIGIL_MAX_FEED_ITEMS)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d product statements",
		                       c->file->path, VIGIL_MAX_FEED_ITEMS);
	versioned = parse_nevra(c, comp);
	if (!versioned && !parse_plain(c, comp))
		return skip(c, "a product whose package name cannot be read", id);
	if (strcmp(status, "fixed") == 0 && !versioned)
		return skip(c, "a fixed product without a version", id);
	if ((err = put_ns(c, major)) < 0)
		return err;
	c->used[major] = 1;
	c->run->records++;
	if (strcmp(status, "fixed") == 0)
		return vigil_store_put_affected(c->run->store, c->unit, c->ns.ptr, cve, c->name.ptr,
		                                VIGIL_AFFECTED_FIXED, c->version.ptr);
	return vigil_store_put_affected(c->run->store, c->unit, c->ns.ptr, cve, c->name.ptr,
	                                strcmp(status, "known_affected") == 0
	                                        ? VIGIL_AFFECTED_UNFIXED
	                                        : VIGIL_AFFECTED_NOT_AFFECTED,
	                                "");
}

static int statements(struct csaf *c, const char *cve, json_t *ps)
{
	static const char *const lists[] = { "fixed", "known_affected", "known_not_affected" };
	json_t *ids, *id;
	size_t i, j;
	int err;

	if (ps && !json_is_object(ps))
		return skip(c, "'product_status' that is not an object", cve);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		ids = json_object_get(ps, lists[i]);
		if (ids && !json_is_array(ids)) {
			skip(c, "a product_status entry that is not a list", cve);
			continue;
		}
		json_array_foreach(ids, j, id)
		{
			if (!json_is_string(id))
				err = skip(c, "a product id that is not a string", cve);
			else
				err = statement(c, cve, lists[i], json_string_value(id));
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/* Threat impacts per RHEL major: the highest one stated for its products. */
static void threats(struct csaf *c, json_t *list)
{
	json_t *t, *id;
	size_t i, j;

	memset(c->sev, 0, sizeof(c->sev));
	json_array_foreach(list, i, t)
	{
		enum vigil_severity s = severity_of(jstr(t, "details"));
		const char *cat = jstr(t, "category");
		if (!cat || strcmp(cat, "impact") != 0 || s == VIGIL_SEVERITY_UNKNOWN)
			continue;
		json_array_foreach(json_object_get(t, "product_ids"), j, id)
		{
			const char *comp = NULL;
			int major = json_is_string(id) ? resolve(c, json_string_value(id), &comp) : 0;
			if (major > 0 && s > c->sev[major])
				c->sev[major] = s;
		}
	}
}

/* The first item of `list` whose "category" is `cat`, its `field`. */
static const char *by_category(json_t *list, const char *cat, const char *field)
{
	json_t *n;
	size_t i;

	json_array_foreach(list, i, n)
	{
		const char *nc = jstr(n, "category");
		if (nc && strcmp(nc, cat) == 0 && jstr(n, field))
			return jstr(n, field);
	}
	return NULL;
}

/* {"RedHat": {"CVSSv3": {"Score", "Vectors"}, "CVSSv2": ...}} from scores[], or NULL. */
static char *cvss_metadata(json_t *scores)
{
	static const char *const kinds[][2] = { { "cvss_v3", "CVSSv3" }, { "cvss_v2", "CVSSv2" } };
	json_t *rh = json_object(), *root, *sc;
	char *out = NULL;
	size_t i, k;

	json_array_foreach(scores, i, sc)
	{
		for (k = 0; k < 2; k++) {
			json_t *v = json_object_get(sc, kinds[k][0]);
			if (!json_is_object(v) || json_object_get(rh, kinds[k][1]) ||
			    !jstr(v, "vectorString") || !json_is_number(json_object_get(v, "baseScore")))
				continue;
			json_object_set_new(rh, kinds[k][1],
			                    json_pack("{s:O,s:s}", "Score", json_object_get(v, "baseScore"),
			                              "Vectors", jstr(v, "vectorString")));
		}
	}
	if (json_object_size(rh) > 0) {
		root = json_pack("{s:O}", "RedHat", rh);
		out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
		json_decref(root);
	}
	json_decref(rh);
	return out;
}

/* Details for every namespace the vulnerability wrote. */
static int details(struct csaf *c, json_t *root, json_t *v, const char *cve)
{
	json_t *doc = json_object_get(root, "document");
	struct vigil_store_vuln sv = { 0 };
	char *meta = cvss_metadata(json_object_get(v, "scores"));
	int major, err = 0;

	sv.name = cve;
	sv.description = by_category(json_object_get(v, "notes"), "description", "text");
	if (!sv.description)
		sv.description = by_category(json_object_get(v, "notes"), "summary", "text");
	if (!sv.description)
		sv.description = jstr(v, "title");
	sv.link = by_category(json_object_get(v, "references"), "self", "url");
	if (!sv.link)
		sv.link = by_category(json_object_get(doc, "references"), "self", "url");
	sv.metadata = meta;
	for (major = 1; major < MAX_MAJOR && !err; major++) {
		if (!c->used[major])
			continue;
		if ((err = put_ns(c, major)) < 0)
			break;
		sv.namespace_name = c->ns.ptr;
		sv.severity = c->sev[major] ? c->sev[major] : c->aggregate;
		err = vigil_store_put_vulnerability(c->run->store, c->unit, &sv);
	}
	free(meta);
	return err;
}

static int cve_ok(const char *cve)
{
	return cve && *cve && strlen(cve) <= VIGIL_MAX_FEED_FIELD && !strpbrk(cve, " \t\r\n");
}

static int vulnerability(struct csaf *c, json_t *root, json_t *v)
{
	const char *cve = jstr(v, "cve");
	int err;

	if (!json_is_object(v))
		return skip(c, "a vulnerability that is not an object", NULL);
	if (!cve_ok(cve))
		return skip(c, "a vulnerability without a good 'cve'", jstr(v, "title"));
	memset(c->used, 0, sizeof(c->used));
	threats(c, json_object_get(v, "threats"));
	if ((err = statements(c, cve, json_object_get(v, "product_status"))) < 0)
		return err;
	return details(c, root, v, cve);
}

/* ---- the document ---- */

static int begin(struct csaf *c, const char *id)
{
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf src = VIGIL_BUF_INIT;
	int err;

	if ((err = vigil_buf_printf(&src, "file://%s", c->file->path)) < 0)
		return err;
	meta.source = src.ptr;
	meta.upstream_date = c->file->upstream_date;
	meta.digest = c->file->digest;
	err = vigil_feed_run_unit(c->run, id, &meta, &c->unit);
	vigil_buf_release(&src);
	return err;
}

/* Record every RHEL N of the product tree as covered by this unit. */
static int cover_platforms(struct csaf *c)
{
	unsigned char seen[MAX_MAJOR] = { 0 };
	const char *key;
	json_t *val;
	int err;

	json_object_foreach(c->platforms, key, val)
	{
		int major = (int)json_integer_value(val);
		if (seen[major]++)
			continue;
		if ((err = put_ns(c, major)) < 0 ||
		    (err = vigil_store_put_namespace(c->run->store, c->ns.ptr, "rpm")) < 0 ||
		    (err = vigil_store_unit_namespace(c->run->store, c->unit, c->ns.ptr)) < 0)
			return err;
	}
	return 0;
}

static int not_csaf(struct csaf *c, const char *why)
{
	return vigil_error_set(VIGIL_EINVALID, "'%s': not a CSAF document (%s)", c->file->path, why);
}

static int import_doc(struct csaf *c, json_t *root)
{
	json_t *doc = json_object_get(root, "document"), *tree, *vulns, *v;
	json_t *tracking = json_object_get(doc, "tracking");
	const char *id = jstr(tracking, "id"), *cat = jstr(doc, "category"), *st;
	size_t i;
	int err;

	if (!json_is_object(doc))
		return not_csaf(c, "no 'document'");
	if (!id || !*id || strlen(id) > VIGIL_MAX_FEED_FIELD)
		return not_csaf(c, "no good 'document.tracking.id'");
	st = jstr(tracking, "status");
	if (st && strcmp(st, "deleted") == 0)
		return begin(c, id); /* the unit, emptied */
	if (!cat || strncmp(cat, "csaf_", 5) != 0)
		return not_csaf(c, "no 'document.category' csaf_...");
	tree = json_object_get(root, "product_tree");
	vulns = json_object_get(root, "vulnerabilities");
	if (tree && !json_is_object(tree))
		return vigil_error_set(VIGIL_EINVALID, "'%s': 'product_tree' is not an object",
		                       c->file->path);
	if (vulns && !json_is_null(vulns) && !json_is_array(vulns))
		return vigil_error_set(VIGIL_EINVALID, "'%s': 'vulnerabilities' is not a list",
		                       c->file->path);
	c->aggregate = severity_of(jstr(json_object_get(doc, "aggregate_severity"), "text"));
	tree_load(c, tree);
	if ((err = begin(c, id)) < 0 || (err = cover_platforms(c)) < 0)
		return err;
	json_array_foreach(vulns, i, v)
	{
		if ((err = vulnerability(c, root, v)) < 0)
			return err;
	}
	return 0;
}

/* ---- the descriptor ---- */

static int has(const char *head, size_t len, const char *needle)
{
	return memmem(head, len, needle, strlen(needle)) != NULL;
}

static int csaf_probe(const char *path, const char *head, size_t len)
{
	const char *p = head, *end = head + len;

	(void)path;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == end || *p != '{' || !has(head, len, "\"document\""))
		return 0;
	return has(head, len, "\"csaf_version\"") || has(head, len, "\"csaf_vex\"") ||
	       has(head, len, "\"csaf_security_advisory\"");
}

static int csaf_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct csaf c = { 0 };
	json_error_t jerr;
	json_t *root;
	int err;

	c.run = run;
	c.file = f;
	c.name = c.version = c.ns = (vigil_buf)VIGIL_BUF_INIT;
	root = json_loadb(f->data, f->len, 0, &jerr);
	if (!root)
		return vigil_error_set(VIGIL_EINVALID,
		                       "'%s': malformed JSON at line %d, column %d: %s", f->path,
		                       jerr.line, jerr.column, jerr.text);
	c.platforms = json_object();
	c.rels = json_object();
	err = json_is_object(root) ? import_doc(&c, root) : not_csaf(&c, "not a JSON object");
	json_decref(c.platforms);
	json_decref(c.rels);
	json_decref(root);
	vigil_buf_release(&c.name);
	vigil_buf_release(&c.version);
	vigil_buf_release(&c.ns);
	return err;
}

/*
 * `db update` source: Red Hat's VEX archive. archive_latest.txt names the
 * newest csaf_vex_YYYY-MM-DD.tar.zst of the same directory; a new name
 * fetches and imports that whole archive. No mirror holds it (with
 * --mirror the feed is skipped).
 */
static const struct vigil_feed_source csaf_sources[] = {
	{ "archive_latest.txt", NULL, VIGIL_SOURCE_POINTER, NULL },
	VIGIL_FEED_SOURCES_END,
};

const struct vigil_feed vigil_feed_csaf = {
	.name = "csaf",
	.source = "https://security.access.redhat.com/data/csaf/v2/vex/",
	.probe = csaf_probe,
	.import = csaf_import,
	.upstream = "https://security.access.redhat.com/data/csaf/v2/vex/",
	.sources = csaf_sources,
};
