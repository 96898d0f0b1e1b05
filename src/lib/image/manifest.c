/*
 * manifest.json, index.json, OCI manifests and configs (see manifest.h),
 * parsed with jansson.
 */
#include "manifest.h"

#include "../limits.h"
#include "../../util/path.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <jansson.h>
#include <string.h>

#define DEFAULT_PLATFORM "linux/amd64"
#define REF_NAME "org.opencontainers.image.ref.name"

int vigil_manifest_digest_hex(const char *s, const char **hex)
{
	if (!s || !vigil_digest_valid(s))
		return 0;
	if (hex)
		*hex = s + strlen("sha256:");
	return 1;
}

/* Parse the document `key` of the store. */
static int load_json(json_t **out, const struct vigil_blob_store *s, const char *key,
		     const char *what)
{
	const char *data;
	size_t len;
	json_error_t jerr;
	int err;

	*out = NULL;
	if ((err = s->json(s->self, key, &data, &len)) < 0)
		return err;
	*out = json_loadb(data, len, 0, &jerr);
	if (!*out)
		return vigil_error_set(VIGIL_EINVALID, "malformed %s '%s' in '%s': %s (line %d)",
				       what, key, s->name, jerr.text, jerr.line);
	return 0;
}

static const char *str_member(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The config's rootfs.diff_ids, each a valid digest. */
static int diff_ids(json_t **out, const struct vigil_blob_store *s, const char *key)
{
	json_t *cfg, *ids, *v;
	size_t i;
	int err;

	if ((err = load_json(&cfg, s, key, "config")) < 0)
		return err;
	ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (!json_is_array(ids)) {
		json_decref(cfg);
		return vigil_error_set(VIGIL_EINVALID, "config '%s' in '%s' has no rootfs.diff_ids",
				       key, s->name);
	}
	json_array_foreach (ids, i, v) {
		if (!vigil_manifest_digest_hex(json_string_value(v), NULL)) {
			json_decref(cfg);
			return vigil_error_set(VIGIL_EINVALID,
					       "config '%s' in '%s': diff_id %zu is not a sha256 digest",
					       key, s->name, i + 1);
		}
	}
	*out = json_incref(ids);
	json_decref(cfg);
	return 0;
}

static int check_counts(const struct vigil_blob_store *s, size_t nlayers, size_t nids)
{
	if (nlayers == 0)
		return vigil_error_set(VIGIL_EINVALID, "image '%s' has no layers", s->name);
	if (nlayers > VIGIL_MAX_LAYERS)
		return vigil_error_set(VIGIL_ETOOBIG, "image '%s' has more than %d layers", s->name,
				       VIGIL_MAX_LAYERS);
	if (nlayers != nids)
		return vigil_error_set(VIGIL_EINVALID,
				       "image '%s': the manifest lists %zu layers, the config %zu diff_ids",
				       s->name, nlayers, nids);
	return 0;
}

/* Check streamed layer `key` against the config's diff_id. */
static int check_diff_id(const struct vigil_layer *l, const char *key, const char *want_diff_id)
{
	if (strcmp(l->diff_id, want_diff_id) != 0)
		return vigil_error_set(VIGIL_EINVALID,
				       "layer '%s': diff_id mismatch: config says %s, content is %s",
				       key, want_diff_id, l->diff_id);
	return 0;
}

/*
 * Ask the layer cache for the layer of `diff_id` (the store's hooks, if
 * any). 1: *l holds the cached entries and diff_id; 0: read the blob (*l is
 * zeroed); negative: the hook's error, passed up unchanged.
 */
static int from_cache(struct vigil_layer *l, const struct vigil_blob_store *s, const char *key,
		      const char *diff_id)
{
	const struct vigil_image_hooks *h = s->hooks;
	int r;

	memset(l, 0, sizeof(*l));
	if (!h || !h->cached)
		return 0;
	r = h->cached(l, diff_id, h->payload);
	if (r <= 0) {
		vigil_layer_release(l);
		return r;
	}
	l->diff_id[VIGIL_DIGEST_LEN - 1] = '\0';
	l->digest[VIGIL_DIGEST_LEN - 1] = '\0';
	if (l->diff_id[0] && strcmp(l->diff_id, diff_id) != 0) {
		r = vigil_error_set(VIGIL_EINVALID,
				    "layer cache answered %s for diff_id %s in '%s'", l->diff_id,
				    diff_id, s->name);
		vigil_layer_release(l);
		return r;
	}
	/* not read, but there: a manifest naming a missing layer is broken warm or cold */
	if (s->has_layer && (r = s->has_layer(s->self, key)) < 0) {
		vigil_layer_release(l);
		return r;
	}
	memcpy(l->diff_id, diff_id, VIGIL_DIGEST_LEN);
	return 1;
}

/* Append `tag` (NULL or "" is skipped); their number is bounded by VIGIL_MAX_JSON_SIZE. */
static void add_repo_tag(struct vigil_image_data *out, const char *tag)
{
	if (!tag || !*tag)
		return;
	out->repo_tags = vigil_realloc(out->repo_tags, (out->nrepo_tags + 1) * sizeof(char *));
	out->repo_tags[out->nrepo_tags++] = vigil_strdup(tag);
}

/* ---- docker-save ---- */

/* The entry's RepoTags, as docker save wrote them ("name:tag"). */
static void docker_repo_tags(struct vigil_image_data *out, const json_t *entry)
{
	const json_t *t;
	size_t i;

	json_array_foreach (json_object_get(entry, "RepoTags"), i, t)
		add_repo_tag(out, json_string_value(t));
}

static int entry_has_tag(const json_t *entry, const char *tag)
{
	const json_t *tags = json_object_get(entry, "RepoTags"), *t;
	size_t i, n = strlen(tag);

	json_array_foreach (tags, i, t) {
		const char *v = json_string_value(t);
		size_t m = v ? strlen(v) : 0;
		if (v && (strcmp(v, tag) == 0 || (m > n && v[m - n - 1] == ':' &&
						  strcmp(v + m - n, tag) == 0)))
			return 1;
	}
	return 0;
}

static int docker_entry(json_t **out, json_t *man, const struct vigil_blob_store *s,
			const char *tag)
{
	json_t *e;
	size_t i;

	*out = NULL;
	if (!json_is_array(man) || json_array_size(man) == 0)
		return vigil_error_set(VIGIL_EINVALID, "manifest.json in '%s' lists no image",
				       s->name);
	if (tag) {
		json_array_foreach (man, i, e)
			if (entry_has_tag(e, tag)) {
				*out = e;
				return 0;
			}
		return vigil_error_set(VIGIL_ENOTFOUND, "no image tagged '%s' in '%s'", tag,
				       s->name);
	}
	if (json_array_size(man) > 1)
		return vigil_error_set(VIGIL_EINVALID,
				       "'%s' holds %zu images; name one as docker-archive:PATH:TAG",
				       s->name, json_array_size(man));
	*out = json_array_get(man, 0);
	return 0;
}

/* A member name from manifest.json, cleaned as member names are. */
static int member_key(vigil_buf *out, const json_t *v, const struct vigil_blob_store *s,
		      const char *what)
{
	const char *str = json_string_value(v);

	if (!str || !*str)
		return vigil_error_set(VIGIL_EINVALID, "manifest.json in '%s': bad %s", s->name,
				       what);
	return vigil_path_clean(out, str);
}

/* One layer of a docker-save archive, member `key`. */
static int docker_layer(struct vigil_layer *l, const struct vigil_blob_store *s, const char *key,
			const char *diff_id)
{
	const char *hex;
	int err;

	if ((err = from_cache(l, s, key, diff_id)) != 0)
		return err < 0 ? err : 0; /* docker_layers() clears the digest */
	if ((err = s->layer(s->self, key, l)) < 0)
		return err;
	/* a newer docker save names blobs by digest: hold it to that */
	if (strncmp(key, "blobs/sha256/", 13) == 0 &&
	    (!vigil_manifest_digest_hex(l->digest, &hex) || strcmp(hex, key + 13) != 0))
		return vigil_error_set(VIGIL_EINVALID, "layer '%s': digest mismatch: content is %s",
				       key, l->digest);
	return check_diff_id(l, key, diff_id);
}

static int docker_layers(struct vigil_image_data *out, const struct vigil_blob_store *s,
			 const json_t *names, const json_t *ids)
{
	vigil_buf key = VIGIL_BUF_INIT;
	size_t i;
	int err = 0;

	out->layers = vigil_calloc(json_array_size(names), sizeof(*out->layers));
	for (i = 0; i < json_array_size(names); i++) {
		if ((err = member_key(&key, json_array_get(names, i), s, "layer name")) < 0)
			break;
		out->nlayers = i + 1;
		err = docker_layer(&out->layers[i], s, key.ptr,
				   json_string_value(json_array_get(ids, i)));
		if (err < 0)
			break;
	}
	/* docker-save stores no blob digests (a later reference may copy an earlier layer) */
	for (i = 0; i < out->nlayers; i++)
		out->layers[i].digest[0] = '\0';
	vigil_buf_release(&key);
	return err;
}

int vigil_manifest_load_docker(struct vigil_image_data *out, const struct vigil_blob_store *s,
			       const char *tag)
{
	json_t *man = NULL, *entry, *names, *ids = NULL;
	vigil_buf cfg = VIGIL_BUF_INIT;
	const char *data;
	size_t len;
	char digest[VIGIL_DIGEST_LEN];
	int err;

	if ((err = load_json(&man, s, "manifest.json", "manifest")) < 0)
		goto out;
	if ((err = docker_entry(&entry, man, s, tag)) < 0)
		goto out;
	if ((err = member_key(&cfg, json_object_get(entry, "Config"), s, "Config")) < 0)
		goto out;
	if ((err = diff_ids(&ids, s, cfg.ptr)) < 0)
		goto out;
	if ((err = s->json(s->self, cfg.ptr, &data, &len)) < 0)
		goto out;
	vigil_sha256_buf(data, len, digest);
	out->config_digest = vigil_strdup(digest);
	docker_repo_tags(out, entry);
	names = json_object_get(entry, "Layers");
	if (!json_is_array(names)) {
		err = vigil_error_set(VIGIL_EINVALID, "manifest.json in '%s' has no Layers", s->name);
		goto out;
	}
	if ((err = check_counts(s, json_array_size(names), json_array_size(ids))) < 0)
		goto out;
	err = docker_layers(out, s, names, ids);
out:
	vigil_buf_release(&cfg);
	json_decref(ids);
	json_decref(man);
	return err;
}

/* ---- OCI ---- */

struct platform {
	char os[64], arch[64], variant[64];
};

static int parse_platform(struct platform *p, const char *s)
{
	const char *a = strchr(s, '/'), *v = a ? strchr(a + 1, '/') : NULL;
	size_t nos = a ? (size_t)(a - s) : 0, narch = v ? (size_t)(v - a - 1) : a ? strlen(a + 1) : 0;

	memset(p, 0, sizeof(*p));
	if (!a || !nos || !narch || nos >= sizeof(p->os) || narch >= sizeof(p->arch) ||
	    (v && (!v[1] || strlen(v + 1) >= sizeof(p->variant) || strchr(v + 1, '/'))))
		return vigil_error_set(VIGIL_EINVALID, "bad platform '%s' (want os/arch[/variant])",
				       s);
	memcpy(p->os, s, nos);
	memcpy(p->arch, a + 1, narch);
	if (v)
		memcpy(p->variant, v + 1, strlen(v + 1));
	return 0;
}

static int platform_matches(const json_t *desc, const struct platform *want)
{
	const json_t *p = json_object_get(desc, "platform");
	const char *os = str_member(p, "os"), *arch = str_member(p, "architecture");
	const char *variant = str_member(p, "variant");

	if (!os || !arch || strcmp(os, want->os) != 0 || strcmp(arch, want->arch) != 0)
		return 0;
	return !want->variant[0] || (variant && strcmp(variant, want->variant) == 0);
}

static int has_ref_name(const json_t *desc, const char *tag)
{
	const char *ref = str_member(json_object_get(desc, "annotations"), REF_NAME);

	return ref && strcmp(ref, tag) == 0;
}

/* Index of the entry of `list` to follow: the tagged one, the only one, or the platform's. */
static int pick(size_t *out, const json_t *list, const struct vigil_blob_store *s, const char *tag,
		const char *platform)
{
	struct platform want;
	const json_t *d;
	size_t i, n = 0, last = 0;
	int err;

	if ((err = parse_platform(&want, platform ? platform : DEFAULT_PLATFORM)) < 0)
		return err;
	json_array_foreach (list, i, d) {
		if (tag && !has_ref_name(d, tag))
			continue;
		n++;
		last = i;
	}
	if (tag && n == 0)
		return vigil_error_set(VIGIL_ENOTFOUND, "no image tagged '%s' in '%s'", tag,
				       s->name);
	d = json_array_get(list, last);
	if (n == 1 && (!platform || !json_object_get(d, "platform") ||
		       platform_matches(d, &want))) {
		*out = last;
		return 0;
	}
	json_array_foreach (list, i, d) {
		if ((!tag || has_ref_name(d, tag)) && platform_matches(d, &want)) {
			*out = i;
			return 0;
		}
	}
	if (n == 0)
		return vigil_error_set(VIGIL_EINVALID, "index of '%s' lists no manifest", s->name);
	return vigil_error_set(VIGIL_ENOTFOUND, "no manifest for platform '%s' in '%s'",
			       platform ? platform : DEFAULT_PLATFORM, s->name);
}

/* A descriptor's digest, checked. */
static const char *desc_digest(const json_t *desc)
{
	const char *d = str_member(desc, "digest");

	return vigil_manifest_digest_hex(d, NULL) ? d : NULL;
}

/*
 * Follow index.json (and nested indexes) to an image manifest: *man is the
 * parsed manifest; img->manifest_digest its digest, img->repo_tags the
 * top-level entry's ref.name.
 */
static int find_manifest(json_t **man, struct vigil_image_data *img,
			 const struct vigil_blob_store *s, const char *tag, const char *platform)
{
	json_t *doc = NULL, *list;
	char **digest = &img->manifest_digest;
	const char *d;
	size_t i = 0, depth;
	int err;

	*man = NULL;
	*digest = NULL;
	if ((err = load_json(&doc, s, "index.json", "index")) < 0)
		return err;
	for (depth = 0; (list = json_object_get(doc, "manifests")) != NULL; depth++) {
		if (!json_is_array(list) || depth > VIGIL_MAX_INDEX_DEPTH) {
			err = vigil_error_set(VIGIL_EINVALID, "bad image index in '%s'", s->name);
			goto out;
		}
		if ((err = pick(&i, list, s, depth ? NULL : tag, platform)) < 0)
			goto out;
		if (!(d = desc_digest(json_array_get(list, i)))) {
			err = vigil_error_set(VIGIL_EINVALID,
					      "index of '%s': manifest digest is not sha256", s->name);
			goto out;
		}
		if (depth == 0)
			add_repo_tag(img, str_member(json_object_get(json_array_get(list, i),
								     "annotations"),
						     REF_NAME));
		vigil_free(*digest);
		*digest = vigil_strdup(d);
		json_decref(doc);
		if ((err = load_json(&doc, s, *digest, "manifest")) < 0)
			goto out;
	}
	if (!*digest) {
		err = vigil_error_set(VIGIL_EINVALID, "index.json of '%s' has no manifests", s->name);
		goto out;
	}
	*man = doc;
	doc = NULL;
out:
	json_decref(doc);
	return err;
}

static int oci_layer(struct vigil_layer *l, const struct vigil_blob_store *s, const json_t *desc,
		     const char *diff_id)
{
	const char *d = desc_digest(desc);
	json_int_t size = json_integer_value(json_object_get(desc, "size"));
	int err;

	if (!d)
		return vigil_error_set(VIGIL_EINVALID, "manifest of '%s': layer digest is not sha256",
				       s->name);
	if ((err = from_cache(l, s, d, diff_id)) < 0)
		return err;
	if (err) {
		/* not read, so not verified: this image's manifest says how it is stored */
		memcpy(l->digest, d, VIGIL_DIGEST_LEN);
		if (json_is_integer(json_object_get(desc, "size")) && size >= 0)
			l->stored_size = (uint64_t)size;
		return 0;
	}
	if ((err = s->layer(s->self, d, l)) < 0)
		return err;
	if (strcmp(l->digest, d) != 0)
		return vigil_error_set(VIGIL_EINVALID,
				       "layer '%s': digest mismatch: manifest says %s, content is %s",
				       d, d, l->digest);
	if (json_is_integer(json_object_get(desc, "size")) && (uint64_t)size != l->stored_size)
		return vigil_error_set(VIGIL_EINVALID,
				       "layer '%s': size mismatch: manifest says %lld, content is %llu",
				       d, (long long)size, (unsigned long long)l->stored_size);
	return check_diff_id(l, d, diff_id);
}

static int oci_layers(struct vigil_image_data *out, const struct vigil_blob_store *s,
		      const json_t *descs, const json_t *ids)
{
	size_t i;
	int err;

	out->layers = vigil_calloc(json_array_size(descs), sizeof(*out->layers));
	for (i = 0; i < json_array_size(descs); i++) {
		out->nlayers = i + 1;
		err = oci_layer(&out->layers[i], s, json_array_get(descs, i),
				json_string_value(json_array_get(ids, i)));
		if (err < 0)
			return err;
	}
	return 0;
}

int vigil_manifest_load_oci(struct vigil_image_data *out, const struct vigil_blob_store *s,
			    const char *tag, const char *platform)
{
	json_t *man = NULL, *ids = NULL, *descs;
	const char *cfg;
	int err;

	if ((err = find_manifest(&man, out, s, tag, platform)) < 0)
		goto out;
	if (!(cfg = desc_digest(json_object_get(man, "config")))) {
		err = vigil_error_set(VIGIL_EINVALID, "manifest '%s' in '%s' has no config digest",
				      out->manifest_digest, s->name);
		goto out;
	}
	out->config_digest = vigil_strdup(cfg);
	if ((err = diff_ids(&ids, s, cfg)) < 0)
		goto out;
	descs = json_object_get(man, "layers");
	if (!json_is_array(descs)) {
		err = vigil_error_set(VIGIL_EINVALID, "manifest '%s' in '%s' has no layers",
				      out->manifest_digest, s->name);
		goto out;
	}
	if ((err = check_counts(s, json_array_size(descs), json_array_size(ids))) < 0)
		goto out;
	out->has_digests = 1;
	err = oci_layers(out, s, descs, ids);
out:
	json_decref(ids);
	json_decref(man);
	return err;
}
