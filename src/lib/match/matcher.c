/*
 * The generic part of matching (matcher.h): batched lookup, preference
 * between feeds, the fixed / no fix / not affected decision, one finding
 * per (binary package, ID). The families' own rules are in their files.
 */
#include "matcher.h"

#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct vigil_match_family *const families[] = {
#define VIGIL_MATCH_FAMILY(n) &vigil_match_family_##n,
#include "families.def"
#undef VIGIL_MATCH_FAMILY
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

const struct vigil_match_family *vigil_match_family_for(const char *ns)
{
	const char *colon = ns ? strchr(ns, ':') : NULL;
	size_t i, len;
	const char *const *id;

	if (!colon)
		return NULL;
	len = (size_t)(colon - ns);
	for (i = 0; i < NFAMILIES; i++)
		for (id = families[i]->os_ids; *id; id++)
			if (strlen(*id) == len && strncmp(*id, ns, len) == 0)
				return families[i];
	return NULL;
}

int vigil_match_data_namespace(struct vigil_store *s, const char *ns, char *out, size_t n)
{
	const struct vigil_match_family *fam = vigil_match_family_for(ns);
	char alt[128];
	int known = 0, err;

	if ((err = vigil_store_namespace_known(s, ns, &known)) < 0)
		return err;
	if (known) {
		snprintf(out, n, "%s", ns);
		return 0;
	}
	if (fam && fam->fallback && fam->fallback(alt, sizeof(alt), ns)) {
		if ((err = vigil_store_namespace_known(s, alt, &known)) < 0)
			return err;
		if (known) {
			snprintf(out, n, "%s", alt);
			return 0;
		}
	}
	return VIGIL_ENOTFOUND;
}

struct records {
	const struct vigil_match_family *fam;
	struct vigil_match_record *items;
	size_t n, cap;
};

/* The rank and key of a record of `feed`/`unit` in the family's list. */
static void classify(const struct vigil_match_family *fam, const char *feed, const char *unit,
                     int *rank, enum vigil_match_key *key)
{
	const struct vigil_match_source *src;
	int i = 0;

	for (src = fam->sources; src->feed; src++, i++)
		if (strcmp(src->feed, feed) == 0 && (!src->unit || strcmp(src->unit, unit) == 0)) {
			*rank = i;
			*key = src->key;
			return;
		}
	*rank = i;
	*key = fam->default_key;
}

static char *dup0(const char *s)
{
	return vigil_strdup(s ? s : "");
}

static int collect(const struct vigil_store_record *r, void *payload)
{
	struct records *rs = payload;
	struct vigil_match_record *m;

	rs->items = vigil_array_grow(rs->items, &rs->cap, rs->n + 1, sizeof(*rs->items));
	m = &rs->items[rs->n++];
	m->package = dup0(r->package);
	m->vuln = dup0(r->vuln);
	m->fixed = dup0(r->fixed_version);
	m->feed = dup0(r->feed);
	m->unit = dup0(r->unit);
	m->arch = dup0(r->arch);
	m->description = dup0(r->description);
	m->link = dup0(r->link);
	m->metadata = r->metadata ? vigil_strdup(r->metadata) : NULL;
	m->status = r->status;
	m->severity = r->severity;
	classify(rs->fam, m->feed, m->unit, &m->rank, &m->key);
	return 0;
}

static void records_release(struct records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		struct vigil_match_record *m = &rs->items[i];
		vigil_free(m->package);
		vigil_free(m->vuln);
		vigil_free(m->fixed);
		vigil_free(m->feed);
		vigil_free(m->unit);
		vigil_free(m->arch);
		vigil_free(m->description);
		vigil_free(m->link);
		vigil_free(m->metadata);
	}
	vigil_free(rs->items);
}

static int record_cmp(const void *a, const void *b)
{
	const struct vigil_match_record *x = a, *y = b;
	int c = strcmp(x->package, y->package);

	return c ? c : strcmp(x->vuln, y->vuln);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether names[0..n) are in str_cmp() order (a layer's features come sorted: no qsort then). */
static int names_sorted(const char *const *names, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) > 0)
			return 0;
	return 1;
}

/* Candidates of one package: by ID, then preference rank. */
static int cand_cmp(const void *a, const void *b)
{
	const struct vigil_match_record *x = *(const struct vigil_match_record *const *)a;
	const struct vigil_match_record *y = *(const struct vigil_match_record *const *)b;
	int c = strcmp(x->vuln, y->vuln);

	if (c)
		return c;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static const char *key_name(const vigil_package *p, enum vigil_match_key key)
{
	if (key == VIGIL_MATCH_SOURCE && p->source_name && p->source_name[0])
		return p->source_name;
	return p->name;
}

static const char *key_version(const vigil_package *p, enum vigil_match_key key)
{
	if (key == VIGIL_MATCH_SOURCE && p->source_version && p->source_version[0])
		return p->source_version;
	return p->version;
}

static const char *fixed_of(const struct vigil_match_family *fam,
                            const struct vigil_match_record *m)
{
	return fam->fixed_version ? fam->fixed_version(m->fixed) : m->fixed;
}

struct ctx {
	const struct vigil_match_family *fam;
	const char *data_ns;
	vigil_match_emit emit;
	void *payload;
	vigil_buf reason;
};

/*
 * Emit the finding of `p` for the record `chosen` (fixed in `fixed`, or no
 * fix when `fixed` is ""), g[0..n) being every candidate of the ID.
 */
static int emit_finding(struct ctx *c, const vigil_package *p,
                        const struct vigil_match_record *chosen, const char *fixed,
                        struct vigil_match_record **g, size_t n)
{
	const struct vigil_match_record *sev = NULL;
	const char *installed;
	vigil_finding f;
	size_t i;
	int err;

	/* Severity: the highest any feed of the namespace gives this (package, ID). */
	for (i = 0; i < n; i++)
		if (g[i]->severity != VIGIL_SEVERITY_UNKNOWN &&
		    (!sev || g[i]->severity > sev->severity))
			sev = g[i];
	installed = key_version(p, chosen->key);
	vigil_buf_reset(&c->reason);
	if (fixed[0])
		err = vigil_buf_printf(&c->reason, "installed %s%s %s < fixed %s (%s %s)",
		                       chosen->key == VIGIL_MATCH_SOURCE ? "source " : "",
		                       chosen->package, installed, fixed, chosen->feed,
		                       chosen->unit);
	else
		err = vigil_buf_printf(&c->reason, "%s%s %s: no fix yet (%s %s)",
		                       chosen->key == VIGIL_MATCH_SOURCE ? "source " : "",
		                       chosen->package, installed, chosen->feed, chosen->unit);
	if (err < 0)
		return err;
	memset(&f, 0, sizeof(f));
	f.id = chosen->vuln;
	f.package = p;
	f.fixed_version = fixed;
	f.status = fixed[0] ? VIGIL_FINDING_FIXED : VIGIL_FINDING_AFFECTED;
	f.severity = sev ? sev->severity : VIGIL_SEVERITY_UNKNOWN;
	f.severity_source = sev ? sev->feed : "";
	f.feed = chosen->feed;
	f.namespace = c->data_ns;
	f.matched_name = chosen->package;
	f.reason = c->reason.ptr;
	f.title = "";
	f.description = chosen->description;
	f.link = chosen->link;
	for (i = 0; i < n && !f.description[0]; i++)
		f.description = g[i]->description;
	for (i = 0; i < n && !f.link[0]; i++)
		f.link = g[i]->link;
	f.cvss = sev ? sev->metadata : chosen->metadata;
	return c->emit(&f, c->payload);
}

/*
 * VIGIL_MATCH_FIX_LOWEST over the best-ranked candidates g[0..best): the
 * lowest fix decides; else not affected; else no fix yet.
 */
static int decide_lowest(struct ctx *c, const vigil_package *p, struct vigil_match_record **g,
                         size_t best, size_t n)
{
	const struct vigil_match_family *fam = c->fam;
	const struct vigil_match_record *fix = NULL, *unfixed = NULL;
	size_t i;
	int not_affected = 0;

	for (i = 0; i < best; i++) {
		const struct vigil_match_record *m = g[i];
		if (m->status == VIGIL_AFFECTED_NOT_AFFECTED)
			not_affected = 1;
		else if (m->status == VIGIL_AFFECTED_UNFIXED)
			unfixed = unfixed ? unfixed : m;
		else if (!fix ||
		         vigil_version_cmp(fam->format, fixed_of(fam, m), fixed_of(fam, fix)) < 0)
			fix = m;
	}
	if (fix)
		return vigil_version_cmp(fam->format, key_version(p, fix->key),
		                         fixed_of(fam, fix)) < 0
		               ? emit_finding(c, p, fix, fixed_of(fam, fix), g, n)
		               : 0;
	if (not_affected || !unfixed)
		return 0;
	return emit_finding(c, p, unfixed, "", g, n);
}

/*
 * Decide one (package, ID) from its candidates g[0..n) (sorted by rank) and
 * emit the finding, if any.
 */
static int decide(struct ctx *c, const vigil_package *p, struct vigil_match_record **g, size_t n)
{
	const struct vigil_match_family *fam = c->fam;
	const struct vigil_match_record *fix = NULL, *unfixed = NULL;
	const char *installed, *fixed = "";
	size_t i, best = 0;
	int fixed_below = 0;

	while (best < n && g[best]->rank == g[0]->rank)
		best++;
	if (fam->fix_rule == VIGIL_MATCH_FIX_LOWEST)
		return decide_lowest(c, p, g, best, n);
	for (i = 0; i < best; i++) {
		const struct vigil_match_record *m = g[i];
		installed = key_version(p, m->key);
		if (m->status == VIGIL_AFFECTED_NOT_AFFECTED)
			return 0;
		if (m->status == VIGIL_AFFECTED_UNFIXED) {
			if (!unfixed)
				unfixed = m;
		} else if (vigil_version_cmp(fam->format, installed, fixed_of(fam, m)) < 0) {
			if (!fix || vigil_version_cmp(fam->format, fixed_of(fam, m), fixed) < 0) {
				fix = m;
				fixed = fixed_of(fam, m);
			}
		} else {
			fixed_below = 1;
		}
	}
	if (!fix && (fixed_below || !unfixed))
		return 0;
	return emit_finding(c, p, fix ? fix : unfixed, fixed, g, n);
}

/* Records of `rs` (sorted) for package name `name`: [*lo, *hi). */
static void equal_range(const struct records *rs, const char *name, size_t *lo, size_t *hi)
{
	size_t a = 0, b = rs->n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (strcmp(rs->items[m].package, name) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < rs->n && strcmp(rs->items[a].package, name) == 0)
		a++;
	*hi = a;
}

static int match_package(struct ctx *c, const struct records *rs, const vigil_package *p,
                         struct vigil_match_record ***cands, size_t *cap)
{
	static const enum vigil_match_key keys[] = { VIGIL_MATCH_SOURCE, VIGIL_MATCH_BINARY };
	size_t k, i, lo, hi, n = 0, start;
	int err = 0;

	for (k = 0; k < 2; k++) {
		equal_range(rs, key_name(p, keys[k]), &lo, &hi);
		for (i = lo; i < hi; i++) {
			struct vigil_match_record *m = &rs->items[i];
			if (m->key != keys[k] || (c->fam->applies && !c->fam->applies(m, p)))
				continue;
			*cands = vigil_array_grow(*cands, cap, n + 1, sizeof(**cands));
			(*cands)[n++] = m;
		}
	}
	if (n > 1)
		qsort(*cands, n, sizeof(**cands), cand_cmp);
	for (start = 0; start < n && !err; start = i) {
		for (i = start + 1; i < n && strcmp((*cands)[i]->vuln, (*cands)[start]->vuln) == 0;
		     i++)
			;
		err = decide(c, p, *cands + start, i - start);
	}
	return err;
}

int vigil_match(struct vigil_store *s, const char *ns, const char *data_ns,
                const vigil_package *const *pkgs, size_t npkgs, vigil_match_emit emit,
                void *payload)
{
	struct ctx c = { 0 };
	struct records rs = { 0 };
	struct vigil_match_record **cands = NULL;
	const char **names;
	size_t i, n = 0, u = 0, cap = 0;
	int err = 0;

	c.fam = vigil_match_family_for(ns);
	if (!c.fam)
		return vigil_error_set(VIGIL_EUNSUPPORTED, "no matching rules for namespace '%s'",
		                       ns ? ns : "(none)");
	c.data_ns = data_ns;
	c.emit = emit;
	c.payload = payload;
	rs.fam = c.fam;
	/* Every name a record may be under: source and binary names, once each. */
	names = vigil_calloc(2 * npkgs + 1, sizeof(*names));
	for (i = 0; i < npkgs; i++) {
		if (pkgs[i]->format != c.fam->format)
			continue;
		names[n++] = key_name(pkgs[i], VIGIL_MATCH_SOURCE);
		names[n++] = pkgs[i]->name;
	}
	if (n > 1 && !names_sorted(names, n))
		qsort(names, n, sizeof(*names), str_cmp);
	for (i = 0; i < n; i++)
		if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
			names[u++] = names[i];
	if ((err = vigil_store_lookup_batch(s, data_ns, names, u, collect, &rs)) < 0)
		goto out;
	if (rs.n > 1)
		qsort(rs.items, rs.n, sizeof(*rs.items), record_cmp);
	for (i = 0; i < npkgs && !err; i++)
		if (pkgs[i]->format == c.fam->format)
			err = match_package(&c, &rs, pkgs[i], &cands, &cap);
out:
	vigil_free(cands);
	vigil_free(names);
	vigil_buf_release(&c.reason);
	records_release(&rs);
	return err;
}
