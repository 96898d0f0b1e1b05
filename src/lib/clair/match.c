/*
 * The feed findings of a layer's features (GET /v1/layers/:name?vulnerabilities)
 * by the matcher `vigil scan` uses (src/lib/match), so the server and the
 * scanner agree. A feature stands for its packages: for dpkg it is the source
 * package at its source version (the feeds' key), for rpm and apk the binary
 * package (apk's records name the origin, which the feature keeps).
 */
#include "internal.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../match/matcher.h"

#include <stdio.h>
#include <string.h>

struct feed_match {
	const vigil_package *pkgs;
	vigil_clair_finding_cb cb;
	void *payload;
};

static int emit(const vigil_finding *f, void *payload)
{
	struct feed_match *m = payload;
	vigil_clair_finding o = { (size_t)(f->package - m->pkgs),
		                  f->id,
		                  f->fixed_version,
		                  f->description,
		                  f->link,
		                  f->cvss,
		                  f->severity };

	return m->cb(&o, m->payload);
}

static void as_package(vigil_package *p, const vigil_clair_feature *f)
{
	memset(p, 0, sizeof(*p));
	p->name = f->name;
	p->version = f->version;
	p->format = vigil_version_format_from_name(f->version_format);
	p->source_name = p->format == VIGIL_VERSION_DPKG ? f->name
	                 : f->source_name                ? f->source_name
	                                                 : "";
	p->source_version = p->format == VIGIL_VERSION_DPKG ? f->version : "";
	p->arch = "";
}

int vigil_clair_feed_namespace(vigil_clair *c, const char *ns, char *out, size_t n)
{
	return vigil_match_data_namespace(vigil_clair__store(c), ns, out, n);
}

int vigil_clair_feed_match(vigil_clair *c, const char *ns, const vigil_clair_feature *f, size_t n,
                           vigil_clair_finding_cb cb, void *payload)
{
	struct vigil_store *store = vigil_clair__store(c);
	const struct vigil_match_family *fam;
	vigil_package *pkgs;
	const vigil_package **ptrs;
	struct feed_match m = { NULL, cb, payload };
	char data_ns[128];
	size_t i;
	int err;

	if (!n || !(fam = vigil_match_family_for(ns)))
		return 0;
	/*
	 * A family without a fallback reads its own namespace: the lookup itself
	 * finds nothing when no feed covers it (it stops at the namespace), so no
	 * query asks first (one round trip less on PostgreSQL).
	 */
	if (!fam->fallback)
		snprintf(data_ns, sizeof(data_ns), "%s", ns);
	else if ((err = vigil_match_data_namespace(store, ns, data_ns, sizeof(data_ns))) < 0)
		return err == VIGIL_ENOTFOUND ? 0 : err;
	pkgs = vigil_calloc(n, sizeof(*pkgs));
	ptrs = vigil_calloc(n, sizeof(*ptrs));
	for (i = 0; i < n; i++) {
		as_package(&pkgs[i], &f[i]);
		ptrs[i] = &pkgs[i];
	}
	m.pkgs = pkgs;
	err = vigil_match(store, ns, data_ns, ptrs, n, emit, &m);
	vigil_free(ptrs);
	vigil_free(pkgs);
	return err;
}
