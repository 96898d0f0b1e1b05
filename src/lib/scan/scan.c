/*
 * vigil_scan(): database -> image (through the layer cache) -> detectors ->
 * namespace coverage -> matcher -> sorted result.
 *
 * The database is opened first: a scan without one fails fast (VIGIL_EDB)
 * instead of after reading the image. A namespace the database holds no
 * data for is VIGIL_EDB with a message naming it, the feeds the database
 * does hold and the command that loads the missing one: vigil never says
 * "no vulnerabilities" for an OS it has no data about. An image whose OS
 * is not recognised gives a warning naming the files looked for, and no
 * findings.
 */
#include "cache.h"
#include "result.h"

#include "../detect/detect.h"
#include "../inspect.h"
#include "../match/matcher.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"

#include <string.h>

#define COMPONENT "scan"

/* "/etc/os-release, /usr/lib/os-release, ..." from the OS detectors' paths. */
static void os_files(vigil_buf *out)
{
	const char *const *p;
	size_t i;

	for (i = 0; i < vigil_detect_count(); i++) {
		const struct vigil_detector *d = vigil_detect_get(i);
		if (!d->os)
			continue;
		for (p = d->paths; p && *p; p++)
			if (vigil_buf_printf(out, "%s/%s", out->len ? ", " : "", *p) < 0)
				return;
	}
}

static void warn_no_os(const char *ref)
{
	vigil_buf files = VIGIL_BUF_INIT;

	os_files(&files);
	vigil_log(WARN, COMPONENT,
	          "'%s': no OS detected (looked for %s): no OS packages were matched, the "
	          "image may still hold vulnerable software",
	          ref, files.ptr);
	vigil_buf_release(&files);
}

/* The VIGIL_EDB message for a namespace without data. */
static int no_data(struct vigil_store *s, const char *dsn, const char *ns)
{
	const struct vigil_match_family *fam = vigil_match_family_for(ns);
	struct vigil_store_status st = { 0 };
	vigil_buf held = VIGIL_BUF_INIT, path = VIGIL_BUF_INIT;
	const char *feed = fam && fam->feed_hint ? fam->feed_hint : NULL;
	size_t i, j;
	int err;

	if (!dsn || !*dsn) {
		if (vigil_store_default_path(&path) < 0)
			vigil_buf_puts(&path, "(default)");
		dsn = path.ptr;
	}
	if ((err = vigil_store_status(s, &st)) < 0)
		goto out;
	for (i = 0; i < st.nfeeds; i++) {
		const struct vigil_store_feed_status *f = &st.feeds[i];
		vigil_buf_printf(&held, "%s%s (", i ? "; " : "", f->name);
		for (j = 0; j < f->nnamespaces && j < 8; j++)
			vigil_buf_printf(&held, "%s%s", j ? ", " : "", f->namespaces[j]);
		if (f->nnamespaces > 8)
			vigil_buf_printf(&held, ", ... %zu in all", f->nnamespaces);
		vigil_buf_puts(&held, f->nnamespaces ? ")" : "no namespaces)");
	}
	if (!feed)
		err = vigil_error_set(VIGIL_EDB,
		                      "database '%s' has no data for namespace '%s', and vigil has "
		                      "no feed for it (the database holds: %s)",
		                      dsn, ns, held.len ? held.ptr : "no feeds");
	else
		err = vigil_error_set(
		        VIGIL_EDB,
		        "database '%s' has no data for namespace '%s' (it holds: %s); "
		        "load it with 'vigil db update --feed %s' or 'vigil db import "
		        "--feed %s FILE...'",
		        dsn, ns, held.len ? held.ptr : "no feeds", feed, feed);
out:
	vigil_store_status_release(&st);
	vigil_buf_release(&held);
	vigil_buf_release(&path);
	return err;
}

static int add_finding(const vigil_finding *f, void *payload)
{
	return vigil_scan_result__add(payload, f);
}

static int match(struct vigil_scan_result *r, struct vigil_store *s, const char *dsn)
{
	const vigil_inspection *in = r->inspection;
	const char *ns = vigil_inspection_namespace(in);
	const vigil_package **pkgs;
	char data_ns[128];
	size_t i, n = vigil_inspection_package_count(in);
	int err;

	if (!ns) {
		warn_no_os(r->image);
		return 0;
	}
	err = vigil_match_data_namespace(s, ns, data_ns, sizeof(data_ns));
	if (err == VIGIL_ENOTFOUND)
		return no_data(s, dsn, ns);
	if (err < 0)
		return err;
	if (strcmp(ns, data_ns) != 0)
		vigil_log(INFO, COMPONENT, "no data for '%s' of its own: using '%s'", ns, data_ns);
	pkgs = vigil_calloc(n ? n : 1, sizeof(*pkgs));
	for (i = 0; i < n; i++)
		pkgs[i] = vigil_inspection_package(in, i);
	err = vigil_match(s, ns, data_ns, pkgs, n, add_finding, r);
	vigil_free(pkgs);
	return err;
}

int vigil_scan(vigil_scan_result **out, const char *ref, const vigil_scan_opts *opts)
{
	vigil_scan_opts dflt = VIGIL_SCAN_OPTS_INIT;
	struct vigil_store *s = NULL;
	struct vigil_image_data img;
	struct vigil_layer_cache cache;
	struct vigil_image_hooks hooks;
	struct vigil_scan_result *r = NULL;
	vigil_inspection *in = NULL;
	int use_cache, err;

	*out = NULL;
	if (!opts)
		opts = &dflt;
	use_cache = !(opts->flags & VIGIL_SCAN_NO_CACHE);
	memset(&img, 0, sizeof(img));
	if ((err = vigil_store_open(&s, opts->db, 0)) < 0)
		return err == VIGIL_ENOTFOUND ? vigil_error_set(VIGIL_EDB, "%s", vigil_error_last())
		                              : err;
	vigil_layer_cache__init(&cache, s);
	vigil_layer_cache__hooks(&cache, &hooks);
	if ((err = vigil_image_load_cached(&img, ref, &opts->image, use_cache ? &hooks : NULL)) < 0)
		goto out;
	if (use_cache) {
		vigil_layer_cache__store(&cache, &img);
		vigil_log(INFO, COMPONENT,
		          "layer cache: %zu of %zu layers read from it, %zu stored", cache.nserved,
		          img.nlayers, cache.stored);
	}
	if ((err = vigil_inspection__from_image(&in, &img)) < 0)
		goto out;
	vigil_image_data_release(&img);
	if ((err = vigil_scan_result__new(&r, ref, in)) < 0)
		goto out;
	in = NULL;
	if ((err = match(r, s, opts->db)) < 0)
		goto out;
	vigil_scan_result__sort(r);
	*out = r;
	r = NULL;
out:
	vigil_image_data_release(&img);
	vigil_inspection_free(in);
	vigil_scan_result_free(r);
	vigil_layer_cache__release(&cache);
	vigil_store_close(s);
	return err;
}
