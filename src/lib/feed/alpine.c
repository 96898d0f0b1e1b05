/*
 * Alpine secdb (https://secdb.alpinelinux.org/<branch>/<repo>.json|.yaml):
 *
 *   distroversion: v3.18         -> namespace alpine:v3.18 (edge: alpine:edge)
 *   reponame: main               -> unit "v3.18/main"
 *   packages:
 *     - pkg:
 *         name: openssl          -> package (an origin name, as apk's o:)
 *         secfixes:
 *           3.1.4-r1: [CVE-2023-5678 ...]  -> fixed in 3.1.4-r1
 *           0: [CVE-2022-1234]             -> not affected
 *
 * An ID is the first whitespace-separated token of an item
 * ("CVE-2023-44441 ZDI-CAN-22093" is CVE-2023-44441). An ID listed under
 * several fixed versions gets one record per version: the matcher picks the
 * lowest one above the installed version. Alpine gives no details: no
 * vulnerability rows, so severity is Unknown unless another feed has one.
 *
 * JSON is read with jansson, YAML with libyaml's document API; both walk the
 * same emit functions below. A file that is not such a document, or does not
 * parse, is an error naming the file (and the line where the parser gives
 * one); items of an unexpected shape inside a good document are skipped with
 * a warning and counted.
 */
#include "feed.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"

#include <jansson.h>
#include <string.h>
#include <yaml.h>

#define COMPONENT "feed.alpine"

struct alpine {
	struct vigil_feed_run *run;
	const struct vigil_feed_file *file;
	char ns[64];
	int64_t unit;
	vigil_buf id;
	uint64_t items; /* secfixes items seen, against VIGIL_MAX_FEED_ITEMS */
};

/* "v3.18" or "edge". */
static int distroversion_ok(const char *dv)
{
	const char *p = dv;

	if (strcmp(dv, "edge") == 0)
		return 1;
	if (*p++ != 'v' || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '.' || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' && p - dv < 16;
}

static int skip(struct alpine *a, const char *what, const char *pkg)
{
	a->run->skipped++;
	vigil_log(WARN, COMPONENT, "'%s': package '%s': skipped %s", a->file->path, pkg ? pkg : "?",
	          what);
	return 0;
}

/* The header: namespace and unit. */
static int begin(struct alpine *a, const char *dv, const char *repo)
{
	struct vigil_store_unit_meta meta = { 0 };
	vigil_buf key = VIGIL_BUF_INIT, src = VIGIL_BUF_INIT;
	int err;

	if (!dv)
		return vigil_error_set(VIGIL_EINVALID,
		                       "'%s': not an Alpine secdb document (no 'distroversion')",
		                       a->file->path);
	if (!distroversion_ok(dv))
		return vigil_error_set(VIGIL_EINVALID, "'%s': bad distroversion '%.64s'",
		                       a->file->path, dv);
	if (!repo || !*repo || strlen(repo) > 64 || strchr(repo, '/'))
		return vigil_error_set(VIGIL_EINVALID, "'%s': missing or bad 'reponame'",
		                       a->file->path);
	snprintf(a->ns, sizeof(a->ns), "alpine:%s", dv);
	if ((err = vigil_buf_printf(&key, "%s/%s", dv, repo)) < 0 ||
	    (err = vigil_buf_printf(&src, "file://%s", a->file->path)) < 0)
		goto out;
	meta.source = src.ptr;
	meta.upstream_date = a->file->upstream_date;
	meta.digest = a->file->digest;
	if ((err = vigil_store_put_namespace(a->run->store, a->ns, "apk")) < 0 ||
	    (err = vigil_feed_run_unit(a->run, key.ptr, &meta, &a->unit)) < 0)
		goto out;
	err = vigil_store_unit_namespace(a->run->store, a->unit, a->ns);
out:
	vigil_buf_release(&key);
	vigil_buf_release(&src);
	return err;
}

/* One secfixes item: `item` is fixed in `version` of `pkg` ("0": never affected). */
static int emit(struct alpine *a, const char *pkg, const char *version, const char *item)
{
	const char *p = item, *end;
	int err;

	if (++a->items > VIGIL_MAX_FEED_ITEMS)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %d secfixes items",
		                       a->file->path, VIGIL_MAX_FEED_ITEMS);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	for (end = p; *end && *end != ' ' && *end != '\t' && *end != '\n' && *end != '\r'; end++)
		;
	if (end == p)
		return skip(a, "an empty secfixes item", pkg);
	if (end - p > VIGIL_MAX_FEED_FIELD || strlen(version) > VIGIL_MAX_FEED_FIELD)
		return skip(a, "an over-long secfixes item", pkg);
	vigil_buf_reset(&a->id);
	if ((err = vigil_buf_add(&a->id, p, (size_t)(end - p))) < 0)
		return err;
	a->run->records++;
	if (strcmp(version, "0") == 0)
		return vigil_store_put_affected(a->run->store, a->unit, a->ns, a->id.ptr, pkg,
		                                VIGIL_AFFECTED_NOT_AFFECTED, "");
	return vigil_store_put_affected(a->run->store, a->unit, a->ns, a->id.ptr, pkg,
	                                VIGIL_AFFECTED_FIXED, version);
}

static int name_ok(const char *name)
{
	return name && *name && strlen(name) <= VIGIL_MAX_FEED_FIELD;
}

/* ---- JSON ---- */

static int json_fixes(struct alpine *a, const char *pkg, json_t *secfixes)
{
	const char *version;
	json_t *items, *item;
	size_t i;
	int err;

	json_object_foreach(secfixes, version, items)
	{
		if (!json_is_array(items)) {
			skip(a, "a secfixes entry that is not a list", pkg);
			continue;
		}
		json_array_foreach(items, i, item)
		{
			if (!json_is_string(item))
				err = skip(a, "a secfixes item that is not a string", pkg);
			else
				err = emit(a, pkg, version, json_string_value(item));
			if (err < 0)
				return err;
		}
	}
	return 0;
}

static int json_package(struct alpine *a, json_t *entry)
{
	json_t *pkg = json_object_get(entry, "pkg"), *secfixes;
	const char *name;

	if (!json_is_object(pkg))
		return skip(a, "an entry without 'pkg'", NULL);
	name = json_string_value(json_object_get(pkg, "name"));
	if (!name_ok(name))
		return skip(a, "an entry without a good 'name'", NULL);
	secfixes = json_object_get(pkg, "secfixes");
	if (!secfixes || json_is_null(secfixes))
		return 0;
	if (!json_is_object(secfixes))
		return skip(a, "'secfixes' that is not a mapping", name);
	return json_fixes(a, name, secfixes);
}

static int import_json(struct alpine *a)
{
	json_error_t jerr;
	json_t *root, *packages, *entry;
	size_t i;
	int err;

	root = json_loadb(a->file->data, a->file->len, 0, &jerr);
	if (!root)
		return vigil_error_set(VIGIL_EINVALID,
		                       "'%s': malformed JSON at line %d, column %d: %s",
		                       a->file->path, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': not an Alpine secdb document",
		                      a->file->path);
		goto out;
	}
	packages = json_object_get(root, "packages");
	/* Old secdb JSON wrote an empty list as {}. */
	if (json_is_object(packages) && json_object_size(packages) == 0)
		packages = NULL;
	if (packages && !json_is_null(packages) && !json_is_array(packages)) {
		err = vigil_error_set(VIGIL_EINVALID, "'%s': 'packages' is not a list",
		                      a->file->path);
		goto out;
	}
	if ((err = begin(a, json_string_value(json_object_get(root, "distroversion")),
	                 json_string_value(json_object_get(root, "reponame")))) < 0)
		goto out;
	json_array_foreach(packages, i, entry)
	{
		if ((err = json_package(a, entry)) < 0)
			break;
	}
out:
	json_decref(root);
	return err;
}

/* ---- YAML ---- */

static yaml_node_t *ymap_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *yscalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain `~`, `null` or empty scalar. */
static int ynull(yaml_node_t *n)
{
	const char *s = yscalar(n);

	return !n || (s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	              (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0));
}

static int yaml_fixes(struct alpine *a, yaml_document_t *d, const char *pkg, yaml_node_t *fixes)
{
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	int err;

	for (p = fixes->data.mapping.pairs.start; p < fixes->data.mapping.pairs.top; p++) {
		const char *version = yscalar(yaml_document_get_node(d, p->key));
		yaml_node_t *items = yaml_document_get_node(d, p->value);
		if (version && ynull(items))
			continue; /* "7.4.0-r0:" with nothing under it */
		if (!version || !items || items->type != YAML_SEQUENCE_NODE) {
			skip(a, "a secfixes entry that is not a version and a list", pkg);
			continue;
		}
		for (it = items->data.sequence.items.start; it < items->data.sequence.items.top;
		     it++) {
			const char *item = yscalar(yaml_document_get_node(d, *it));
			if (!item)
				err = skip(a, "a secfixes item that is not a string", pkg);
			else
				err = emit(a, pkg, version, item);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

static int yaml_package(struct alpine *a, yaml_document_t *d, yaml_node_t *entry)
{
	yaml_node_t *pkg = ymap_get(d, entry, "pkg"), *fixes;
	const char *name = yscalar(ymap_get(d, pkg, "name"));

	if (!pkg || pkg->type != YAML_MAPPING_NODE)
		return skip(a, "an entry without 'pkg'", NULL);
	if (!name_ok(name))
		return skip(a, "an entry without a good 'name'", NULL);
	fixes = ymap_get(d, pkg, "secfixes");
	if (ynull(fixes))
		return 0;
	if (fixes->type != YAML_MAPPING_NODE)
		return skip(a, "'secfixes' that is not a mapping", name);
	return yaml_fixes(a, d, name, fixes);
}

static int yaml_fail(struct alpine *a, yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': out of memory parsing YAML",
		                       a->file->path);
	return vigil_error_set(VIGIL_EINVALID,
	                       "'%s': malformed YAML at line %zu, column %zu: %s%s%s",
	                       a->file->path, p->problem_mark.line + 1, p->problem_mark.column + 1,
	                       p->problem ? p->problem : "syntax error", p->context ? " " : "",
	                       p->context ? p->context : "");
}

static int import_yaml_doc(struct alpine *a, yaml_document_t *d)
{
	yaml_node_t *root = yaml_document_get_root_node(d), *packages;
	yaml_node_item_t *it;
	int err;

	if (!root || root->type != YAML_MAPPING_NODE)
		return vigil_error_set(VIGIL_EINVALID, "'%s': not an Alpine secdb document",
		                       a->file->path);
	packages = ymap_get(d, root, "packages");
	if (packages && packages->type == YAML_MAPPING_NODE &&
	    packages->data.mapping.pairs.top == packages->data.mapping.pairs.start)
		packages = NULL; /* {} */
	if (!ynull(packages) && packages->type != YAML_SEQUENCE_NODE)
		return vigil_error_set(VIGIL_EINVALID, "'%s': 'packages' is not a list",
		                       a->file->path);
	if ((err = begin(a, yscalar(ymap_get(d, root, "distroversion")),
	                 yscalar(ymap_get(d, root, "reponame")))) < 0)
		return err;
	if (ynull(packages))
		return 0;
	for (it = packages->data.sequence.items.start; it < packages->data.sequence.items.top; it++)
		if ((err = yaml_package(a, d, yaml_document_get_node(d, *it))) < 0)
			return err;
	return 0;
}

static int import_yaml(struct alpine *a)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int err;

	if (!yaml_parser_initialize(&parser))
		return vigil_error_set(VIGIL_ERROR, "cannot start the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)a->file->data, a->file->len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = yaml_fail(a, &parser);
		yaml_parser_delete(&parser);
		return err;
	}
	err = import_yaml_doc(a, &doc);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

/* ---- the descriptor ---- */

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int has(const char *head, size_t len, const char *needle)
{
	return memmem(head, len, needle, strlen(needle)) != NULL;
}

/* A line starting with `key` (YAML top-level or nested key). */
static int has_line(const char *head, size_t len, const char *key)
{
	size_t n = strlen(key);
	const char *p = head, *end = head + len;

	while (p < end) {
		if ((size_t)(end - p) >= n && memcmp(p, key, n) == 0)
			return 1;
		if (!(p = memchr(p, '\n', (size_t)(end - p))))
			return 0;
		p++;
	}
	return 0;
}

static int alpine_probe(const char *path, const char *head, size_t len)
{
	const char *p = skip_space(head, head + len);

	(void)path;
	if (p < head + len && *p == '{')
		return has(head, len, "\"packages\"") &&
		       (has(head, len, "\"distroversion\"") || has(head, len, "\"secfixes\""));
	return has_line(head, len, "packages:") &&
	       (has_line(head, len, "distroversion:") || has(head, len, "secfixes:"));
}

static int alpine_import(struct vigil_feed_run *run, const struct vigil_feed_file *f)
{
	struct alpine a = { run, f, "", 0, VIGIL_BUF_INIT, 0 };
	const char *p = skip_space(f->data, f->data + f->len);
	int err;

	if (p < f->data + f->len && (*p == '{' || *p == '['))
		err = import_json(&a);
	else
		err = import_yaml(&a);
	vigil_buf_release(&a.id);
	return err;
}

/*
 * What `db update` fetches: secdb.alpinelinux.org/<branch>/<repo>.json for
 * every branch that has a secdb (v3.2 has no community repository), and the
 * same files under a mirror's alpine/secdb-json/. A new Alpine release is one
 * more line here.
 */
/* clang-format off */
#define SECDB(branch, repo)                                                                        \
	{ branch "/" repo ".json", "alpine/secdb-json/" branch "/" repo ".json", 0, NULL }

static const struct vigil_feed_source alpine_sources[] = {
	SECDB("edge", "main"), SECDB("edge", "community"),
	SECDB("v3.21", "main"), SECDB("v3.21", "community"),
	SECDB("v3.20", "main"), SECDB("v3.20", "community"),
	SECDB("v3.19", "main"), SECDB("v3.19", "community"),
	SECDB("v3.18", "main"), SECDB("v3.18", "community"),
	SECDB("v3.17", "main"), SECDB("v3.17", "community"),
	SECDB("v3.16", "main"), SECDB("v3.16", "community"),
	SECDB("v3.15", "main"), SECDB("v3.15", "community"),
	SECDB("v3.14", "main"), SECDB("v3.14", "community"),
	SECDB("v3.13", "main"), SECDB("v3.13", "community"),
	SECDB("v3.12", "main"), SECDB("v3.12", "community"),
	SECDB("v3.11", "main"), SECDB("v3.11", "community"),
	SECDB("v3.10", "main"), SECDB("v3.10", "community"),
	SECDB("v3.9", "main"), SECDB("v3.9", "community"),
	SECDB("v3.8", "main"), SECDB("v3.8", "community"),
	SECDB("v3.7", "main"), SECDB("v3.7", "community"),
	SECDB("v3.6", "main"), SECDB("v3.6", "community"),
	SECDB("v3.5", "main"), SECDB("v3.5", "community"),
	SECDB("v3.4", "main"), SECDB("v3.4", "community"),
	SECDB("v3.3", "main"), SECDB("v3.3", "community"),
	SECDB("v3.2", "main"),
	VIGIL_FEED_SOURCES_END,
};
/* clang-format on */

const struct vigil_feed vigil_feed_alpine = {
	.name = "alpine",
	.source = "https://secdb.alpinelinux.org/",
	.probe = alpine_probe,
	.import = alpine_import,
	.upstream = "https://secdb.alpinelinux.org/",
	.sources = alpine_sources,
};
