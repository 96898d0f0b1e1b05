/*
 * Shared by the matcher's unit tests: a temporary SQLite store filled by
 * hand through the store API, packages built in place, and the findings
 * the matcher emits, copied for checking.
 */
#ifndef VIGIL_TEST_MATCH_FIXTURE_H
#define VIGIL_TEST_MATCH_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/match/matcher.h"
#include "lib/store/store.h"

static char fx_dir[64];
static struct vigil_store *fx_store;

struct fx_unit {
	char feed[32], unit[32];
	int64_t id;
};
static struct fx_unit fx_units[32];
static size_t fx_nunits;

struct fx_finding {
	char pkg[64], version[64], id[64], fixed[64], feed[32], ns[32], matched[64], reason[256];
	vigil_finding_status status;
	vigil_severity severity;
};
static struct fx_finding fx_found[64];
static size_t fx_nfound;

static inline int fx_setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(fx_dir, sizeof(fx_dir), "/tmp/vigil-match-test.XXXXXX");
	if (!mkdtemp(fx_dir))
		return -1;
	snprintf(path, sizeof(path), "%s/db.sqlite", fx_dir);
	fx_nunits = 0;
	fx_nfound = 0;
	if (vigil_store_open(&fx_store, path, VIGIL_STORE_CREATE) < 0)
		return -1;
	return vigil_store_begin(fx_store);
}

static inline int fx_teardown(void **state)
{
	char path[128];

	(void)state;
	vigil_store_close(fx_store);
	fx_store = NULL;
	snprintf(path, sizeof(path), "%s/db.sqlite", fx_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/db.sqlite-wal", fx_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/db.sqlite-shm", fx_dir);
	unlink(path);
	rmdir(fx_dir);
	return 0;
}

/* The id of unit `unit` of `feed`, created on first use, covering `ns`. */
static inline int64_t fx_unit(const char *feed, const char *unit, const char *ns, const char *fmt)
{
	size_t i;
	int64_t id = 0;

	assert_int_equal(vigil_store_put_namespace(fx_store, ns, fmt), 0);
	for (i = 0; i < fx_nunits; i++)
		if (strcmp(fx_units[i].feed, feed) == 0 && strcmp(fx_units[i].unit, unit) == 0)
			id = fx_units[i].id;
	if (!id) {
		assert_true(fx_nunits < 32);
		assert_int_equal(vigil_store_unit_replace(fx_store, feed, unit, NULL, &id), 0);
		snprintf(fx_units[fx_nunits].feed, 32, "%s", feed);
		snprintf(fx_units[fx_nunits].unit, 32, "%s", unit);
		fx_units[fx_nunits++].id = id;
	}
	assert_int_equal(vigil_store_unit_namespace(fx_store, id, ns), 0);
	return id;
}

static inline const char *fx_fmt(const char *ns)
{
	if (strncmp(ns, "alpine", 6) == 0)
		return "apk";
	if (strncmp(ns, "debian", 6) == 0 || strncmp(ns, "ubuntu", 6) == 0)
		return "dpkg";
	return "rpm";
}

/* A record: `fixed` NULL = no fix yet, "-" = not affected. `arch` may be NULL. */
static inline void fx_rec(const char *feed, const char *unit, const char *ns, const char *pkg,
                          const char *id, const char *fixed, const char *arch)
{
	int64_t u = fx_unit(feed, unit, ns, fx_fmt(ns));
	enum vigil_affected_status st = !fixed                    ? VIGIL_AFFECTED_UNFIXED
	                                : strcmp(fixed, "-") == 0 ? VIGIL_AFFECTED_NOT_AFFECTED
	                                                          : VIGIL_AFFECTED_FIXED;

	assert_int_equal(vigil_store_put_affected_arch(fx_store, u, ns, id, pkg, st,
	                                               st == VIGIL_AFFECTED_FIXED ? fixed : "",
	                                               arch),
	                 0);
}

static inline void fx_severity(const char *feed, const char *unit, const char *ns, const char *id,
                               vigil_severity sev)
{
	struct vigil_store_vuln v = { ns, id, "desc", "https://example.org/", sev, NULL };
	int64_t u = fx_unit(feed, unit, ns, fx_fmt(ns));

	assert_int_equal(vigil_store_put_vulnerability(fx_store, u, &v), 0);
}

static inline vigil_package fx_pkg(vigil_version_format fmt, const char *name, const char *version,
                                   const char *src, const char *src_version, const char *arch)
{
	vigil_package p;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.version = version;
	p.source_name = src ? src : name;
	p.source_version = src_version ? src_version : version;
	p.arch = arch ? arch : "";
	p.format = fmt;
	return p;
}

static inline int fx_emit(const vigil_finding *f, void *payload)
{
	struct fx_finding *c;

	(void)payload;
	assert_true(fx_nfound < 64);
	c = &fx_found[fx_nfound++];
	snprintf(c->pkg, sizeof(c->pkg), "%s", f->package->name);
	snprintf(c->version, sizeof(c->version), "%s", f->package->version);
	snprintf(c->id, sizeof(c->id), "%s", f->id);
	snprintf(c->fixed, sizeof(c->fixed), "%s", f->fixed_version);
	snprintf(c->feed, sizeof(c->feed), "%s", f->feed);
	snprintf(c->ns, sizeof(c->ns), "%s", f->namespace);
	snprintf(c->matched, sizeof(c->matched), "%s", f->matched_name);
	snprintf(c->reason, sizeof(c->reason), "%s", f->reason);
	c->status = f->status;
	c->severity = f->severity;
	return 0;
}

/* Commit what was put, resolve the data namespace and match `n` packages. */
static inline int fx_match(const char *ns, const vigil_package *pkgs, size_t n)
{
	const vigil_package *ptrs[32];
	char data_ns[64];
	size_t i;
	int err;

	if (vigil_store_commit(fx_store) == 0)
		assert_int_equal(vigil_store_begin(fx_store), 0);
	fx_nfound = 0;
	for (i = 0; i < n; i++)
		ptrs[i] = &pkgs[i];
	err = vigil_match_data_namespace(fx_store, ns, data_ns, sizeof(data_ns));
	if (err < 0)
		return err;
	return vigil_match(fx_store, ns, data_ns, ptrs, n, fx_emit, NULL);
}

/* The finding for (pkg, id), or NULL. */
static inline const struct fx_finding *fx_get(const char *pkg, const char *id)
{
	size_t i;

	for (i = 0; i < fx_nfound; i++)
		if (strcmp(fx_found[i].pkg, pkg) == 0 && strcmp(fx_found[i].id, id) == 0)
			return &fx_found[i];
	return NULL;
}

/* Assert a finding with a fix (fixed != NULL) or without (fixed == NULL). */
static inline void fx_expect(const char *pkg, const char *id, const char *fixed)
{
	const struct fx_finding *f = fx_get(pkg, id);

	if (!f)
		fail_msg("no finding for (%s, %s)", pkg, id);
	if (fixed) {
		assert_int_equal(f->status, VIGIL_FINDING_FIXED);
		assert_string_equal(f->fixed, fixed);
	} else {
		assert_int_equal(f->status, VIGIL_FINDING_AFFECTED);
		assert_string_equal(f->fixed, "");
	}
}

static inline void fx_expect_none(const char *pkg, const char *id)
{
	if (fx_get(pkg, id))
		fail_msg("unexpected finding for (%s, %s): %s", pkg, id, fx_get(pkg, id)->reason);
}

#endif
