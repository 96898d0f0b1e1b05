/*
 * OSV records (https://ossf.github.io/osv-schema/), one JSON document per
 * vulnerability, as the Go vulnerability database (vuln.go.dev), osv.dev
 * and the GitHub advisory database publish them:
 *
 *   id                          -> unit and vulnerability ID ("GO-2022-0969")
 *   aliases                     -> other IDs (CVE-, GHSA-), kept
 *   summary, details            -> description; database_specific.url or
 *                                  an ADVISORY reference -> link
 *   database_specific.severity  -> severity (GitHub's LOW .. CRITICAL)
 *   affected[]:
 *     package{ecosystem, name}  -> namespace (the ecosystem, lowercased:
 *                                  "go", "pypi", "crates.io") and package
 *     ranges[{type, repo, events[{introduced|fixed|last_affected|limit}]}]
 *     versions[]                -> stored as they are, one row per entry
 *                                  (affected_range), for a version matcher
 *
 * Nothing is matched yet: the ranges wait for the language-package matcher.
 * A withdrawn record (withdrawn date not in the future) empties its unit.
 * Distribution ecosystems ("Debian:12", "Alpine:v3.18") are skipped: their
 * namespaces belong to the distribution feeds.
 *
 * A file that is not such a record, or does not parse, is an error naming
 * the file; entries of an unexpected shape are skipped with a warning and
 * counted.
 */
#include "feed.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"

#include <ctype.h>
#include <stdlib.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

#define COMPONENT "feed.osv"

struct osv {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	const char *id;
	int64_t unit;
	json_t *namespaces; /* set of the namespaces this record wrote */
	char ns[VIGIL_MAX_NAMESPACE_PART + 1];
};

static int skip(struct osv *o, const char *what)
{
	o->run->skipped++;
	vigil_log(WARN, COMPONENT, "'%s': %s: skipped %s", o->file->path, o->id ? o->id : "?",
	          what);
	return 0;
}

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int field_ok(const char *s)
{
	return s && *s && strlen(s) <= VIGIL_MAX_FEED_FIELD;
}

/* The version format of an ecosystem's namespace, for the later matcher. */
static const char *version_format(const char *ns)
{
	static const char *const formats[][2] = {
		{ "go", "semver" },       { "npm", "semver" },       { "crates.io", "semver" },
		{ "hex", "semver" },      { "pub", "semver" },       { "pypi", "pep440" },
		{ "maven", "maven" },     { "rubygems", "gem" },     { "nuget", "nuget" },
		{ "packagist", "composer" },
	};
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(ns, formats[i][0]) == 0)
			return formats[i][1];
	return "osv";
}

static enum vigil_severity severity_of(const char *s)
{
	return vigil_feed_severity(s, s ? strlen(s) : 0, VIGIL_FEED_SCALE_REDHAT | VIGIL_FEED_SCALE_CLAIR);
}

/* ---- ranges ---- */

/* One event {"introduced": V} (exactly one known key, a string value), copied. */
static json_t *event_copy(json_t *ev)
{
	static const char *const kinds[] = { "introduced", "fixed", "last_affected", "limit" };
	const char *key;
	json_t *val;
	size_t i;

	if (!json_is_object(ev) || json_object_size(ev) != 1)
		return NULL;
	json_object_foreach(ev, key, val)
	{
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strcmp(key, kinds[i]) == 0 && field_ok(json_string_value(val)))
				return json_pack("{s:s}", key, json_string_value(val));
	}
	return NULL;
}

/* A range, normalised to {"type", "repo"?, "events"}; NULL (skipped) when malformed. */
static json_t *range_copy(struct osv *o, json_t *r)
{
	const char *type = jstr(r, "type"), *repo = jstr(r, "repo");
	json_t *events = json_object_get(r, "events"), *out, *list, *ev, *copy;
	size_t i;

	if (!type || (strcmp(type, "SEMVER") != 0 && strcmp(type, "ECOSYSTEM") != 0 &&
	              strcmp(type, "GIT") != 0)) {
		skip(o, "a range of unknown type");
		return NULL;
	}
	if (!json_is_array(events) || json_array_size(events) == 0) {
		skip(o, "a range without events");
		return NULL;
	}
	list = json_array();
	json_array_foreach(events, i, ev)
	{
		if (!(copy = event_copy(ev))) {
			json_decref(list);
			skip(o, "a range with a malformed event");
			return NULL;
		}
		json_array_append_new(list, copy);
	}
	out = json_pack("{s:s}", "type", type);
	if (repo && field_ok(repo))
		json_object_set_new(out, "repo", json_string(repo));
	json_object_set_new(out, "events", list);
	return out;
}

static json_t *ranges_copy(struct osv *o, json_t *ranges)
{
	json_t *out = json_array(), *r, *copy;
	size_t i;

	json_array_foreach(ranges, i, r)
	{
		if ((copy = range_copy(o, r)))
			json_array_append_new(out, copy);
	}
	return out;
}

static json_t *versions_copy(struct osv *o, json_t *versions)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(versions, i, v)
	{
		if (field_ok(json_string_value(v)))
			json_array_append(out, v);
		else
			skip(o, "a version that is not a string");
	}
	return out;
}

/* ---- affected entries ---- */

/* "Go" -> "go"; 0 when the ecosystem is not one this feed stores. */
static int namespace_of(struct osv *o, const char *eco)
{
	size_t i, n = eco ? strlen(eco) : 0;

	if (n == 0 || n > VIGIL_MAX_NAMESPACE_PART)
		return skip(o, "an entry without a good ecosystem"), 0;
	if (strchr(eco, ':'))
		return skip(o, "an entry of a distribution ecosystem"), 0;
	for (i = 0; i < n; i++)
		o->ns[i] = (char)tolower((unsigned char)eco[i]);
	o->ns[n] = '\0';
	return 1;
}

static int put(struct osv *o, const char *name, int seq, json_t *ranges, json_t *versions)
{
	char *r = json_dumps(ranges, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *v = json_dumps(versions, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int err;

	if (!r || !v)
		err = vigil_error_set(VIGIL_ERROR, "'%s': cannot serialise ranges", o->file->path);
	else if ((err = vigil_store_put_namespace(o->run->store, o->ns, version_format(o->ns))) ==
	         0)
		err = vigil_store_put_range(o->run->store, o->unit, o->ns, o->id, name, seq, r, v);
	free(r);
	free(v);
	if (err == 0) {
		o->run->records++;
		json_object_set_new(o->namespaces, o->ns, json_true());
	}
	return err;
}

static int affected(struct osv *o, json_t *a, int seq)
{
	json_t *pkg = json_object_get(a, "package"), *ranges, *versions;
	json_t *rin = json_object_get(a, "ranges"), *vin = json_object_get(a, "versions");
	const char *name = jstr(pkg, "name");
	int err = 0;

	if (!json_is_object(a))
		return skip(o, "an affected entry that is not an object");
	if (!field_ok(name))
		return skip(o, "an affected entry without a package name");
	if (!namespace_of(o, jstr(pkg, "ecosystem")))
		return 0;
	if ((rin && !json_is_null(rin) && !json_is_array(rin)) ||
	    (vin && !json_is_null(vin) && !json_is_array(vin)))
		return skip(o, "an affected entry whose ranges or versions are not lists");
	ranges = ranges_copy(o, rin);
	versions = versions_copy(o, vin);
	if (json_array_size(ranges) == 0 && json_array_size(versions) == 0)
		skip(o, "an affected entry without ranges or versions");
	else
		err = put(o, name, seq, ranges, versions);
	json_decref(ranges);
	json_decref(versions);
	return err;
}

/* ---- details ---- */

static const char *link_of(json_t *root)
{
	const char *url = jstr(json_object_get(root, "database_specific"), "url");
	json_t *r;
	size_t i;

	if (field_ok(url))
		return url;
	json_array_foreach(json_object_get(root, "references"), i, r)
	{
		const char *type = jstr(r, "type");
		if (type && strcmp(type, "ADVISORY") == 0 && field_ok(jstr(r, "url")))
			return jstr(r, "url");
	}
	return NULL;
}

static enum vigil_severity record_severity(json_t *root)
{
	enum vigil_severity s = severity_of(jstr(json_object_get(root, "database_specific"),
	                                         "severity"));
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(root, "affected"), i, a)
	{
		if (s != VIGIL_SEVERITY_UNKNOWN)
			break;
		s = severity_of(jstr(json_object_get(a, "database_specific"), "severity"));
	}
	return s;
}

/* Aliases, dates, summary, upstream severity vectors and reference URLs. */
static char *metadata(json_t *root)
{
	static const char *const keys[][2] = { { "summary", "Summary" },
		                               { "published", "Published" },
		                               { "modified", "Modified" },
		                               { "severity", "Severity" } };
	json_t *m = json_object(), *refs = json_array(), *ids = json_array(), *r;
	size_t i;
	char *out;

	json_array_foreach(json_object_get(root, "aliases"), i, r)
	{
		if (field_ok(json_string_value(r)))
			json_array_append(ids, r);
	}
	json_object_set_new(m, "Aliases", ids);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(root, keys[i][0]))
			json_object_set(m, keys[i][1], json_object_get(root, keys[i][0]));
	json_array_foreach(json_object_get(root, "references"), i, r)
	{
		if (json_is_string(json_object_get(r, "url")))
			json_array_append(refs, json_object_get(r, "url"));
	}
	json_object_set_new(m, "References", refs);
	out = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(m);
	return out;
}

static int details(struct osv *o, json_t *root)
{
	struct vigil_store_vuln v = { 0 };
	vigil_buf link = VIGIL_BUF_INIT;
	const char *ns;
	json_t *val;
	char *meta = metadata(root);
	int err = 0;

	v.name = o->id;
	v.description = jstr(root, "details");
	if (!v.description || !*v.description)
		v.description = jstr(root, "summary");
	if (!(v.link = link_of(root)) &&
	    (err = vigil_buf_printf(&link, "https://osv.dev/vulnerability/%s", o->id)) == 0)
		v.link = link.ptr;
	v.severity = record_severity(root);
	v.metadata = meta;
	json_object_foreach(o->namespaces, ns, val)
	{
		v.namespace_name = ns;
		if (err || (err = vigil_store_put_vulnerability(o->run->store, o->unit, &v)) < 0)
			break;
	}
	free(meta);
	vigil_buf_release(&link);
	return err;
}

static int aliases(struct osv *o, json_t *list)
{
	json_t *a;
	size_t i;
	int err;

	json_array_foreach(list, i, a)
	{
		if (!field_ok(json_string_value(a)))
			skip(o, "an alias that is not a string");
		else if ((err = vigil_store_put_alias(o->run->store, o->unit, o->id,
		                                      json_string_value(a))) < 0)
			return err;
	}
	return 0;
}

/* ---- the record ---- */

/* A withdrawal date at or before now ("2023-06-06T10:37:00Z"; the first 19 characters count). */
static int withdrawn(json_t *root)
{
	const char *w = jstr(root, "withdrawn");
	char now[32];

	if (!w || !*w)
		return 0;
	vigil_feed_now(now);
	return strncmp(w, now, 19) <= 0;
}

static int begin(struct osv *o)
{
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf src = VIGIL_BUF_INIT;
	int err;

	if ((err = vigil_buf_printf(&src, "file://%s", o->file->path)) < 0)
		return err;
	meta.source = src.ptr;
	meta.upstream_date = o->file->upstream_date;
	meta.digest = o->file->digest;
	err = vigil_feed_run_unit(o->run, o->id, &meta, &o->unit);
	vigil_buf_release(&src);
	return err;
}

static int id_ok(const char *id)
{
	return field_ok(id) && !strpbrk(id, " \t\r\n");
}

static int import_record(struct osv *o, json_t *root)
{
	json_t *list, *a;
	size_t i;
	int err;

	if (!json_is_object(root) || !id_ok(o->id = jstr(root, "id")))
		return vigil_error_set(VIGIL_EINVALID, "'%s': not an OSV record (no good 'id')",
		                       o->file->path);
	list = json_object_get(root, "affected");
	if (list && !json_is_null(list) && !json_is_array(list))
		return vigil_error_set(VIGIL_EINVALID, "'%s': 'affected' is not a list",
		                       o->file->path);
	if ((err = begin(o)) < 0 || withdrawn(root))
		return err;
	json_array_foreach(list, i, a)
	{
		if (i >= (size_t)VIGIL_MAX_FEED_ITEMS)
			return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d affected entries",
			                       o->file->path, VIGIL_MAX_FEED_ITEMS);
		if ((err = affected(o, a, (int)i)) < 0)
			return err;
	}
	if (json_object_size(o->namespaces) == 0)
		return 0;
	if ((err = aliases(o, json_object_get(root, "aliases"))) < 0)
		return err;
	return details(o, root);
}

/* ---- the descriptor ---- */

static int has(const char *head, size_t len, const char *needle)
{
	return memmem(head, len, needle, strlen(needle)) != NULL;
}

static int osv_probe(const char *path, const char *head, size_t len)
{
	const char *p = head, *end = head + len;

	(void)path;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == end || *p != '{' || has(head, len, "\"csaf_version\"") ||
	    has(head, len, "\"document\""))
		return 0;
	return has(head, len, "\"id\"") &&
	       (has(head, len, "\"schema_version\"") || has(head, len, "\"modified\"") ||
	        has(head, len, "\"affected\""));
}

static int osv_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct osv o = { 0 };
	json_error_t jerr;
	json_t *root;
	int err;

	o.run = run;
	o.file = f;
	root = json_loadb(f->data, f->len, 0, &jerr);
	if (!root)
		return vigil_error_set(VIGIL_EINVALID,
		                       "'%s': malformed JSON at line %d, column %d: %s", f->path,
		                       jerr.line, jerr.column, jerr.text);
	o.namespaces = json_object();
	err = import_record(&o, root);
	json_decref(o.namespaces);
	json_decref(root);
	return err;
}

/*
 * `db update` source: the Go ecosystem as osv.dev exports it, one zip of
 * OSV records (the Go vulnerability database of vuln.go.dev, plus what
 * osv.dev files under Go); a mirror holds golang/vulndb's data/osv as a
 * tarball.
 */
static const struct vigil_feed_source osv_sources[] = {
	{ "Go/all.zip", "osv/golang-vulndb/osv.tar.xz", 0, NULL },
	VIGIL_FEED_SOURCES_END,
};

const struct vigil_feed vigil_feed_osv = {
	.name = "osv",
	.source = "https://osv.dev/",
	.probe = osv_probe,
	.import = osv_import,
	.upstream = "https://osv-vulnerabilities.storage.googleapis.com/",
	.sources = osv_sources,
};
