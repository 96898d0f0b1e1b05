/*
 * The matcher: an image's packages against the store's records, by each
 * distribution family's rules (PRODUCT.md, "Matching rules").
 *
 * A family is one small file (apk.c, dpkg_source.c, rpm.c) ending with a
 * `const struct vigil_match_family vigil_match_family_<name>` descriptor and
 * one line in families.def. It says which OS ids it serves, which feeds
 * speak for its namespaces in which order of preference, whether each
 * feed's records name the source or the binary package, and the few rules
 * that are its own (rpm's arch patterns and epoch display, the rebuilds of
 * RHEL falling back to RHEL's data).
 *
 * The generic part (matcher.c) does the rest, the same for every family:
 *   - one batched store query per namespace for every name it needs;
 *   - per (binary package, ID), the records of the most preferred feed (and
 *     unit) that has any; a feed the family does not list comes after;
 *   - among them, by the family's fix rule (enum vigil_match_fix_rule):
 *     usually "not affected" suppresses; else the lowest fixed version
 *     above the installed one (the family's version order) is a finding
 *     with a fix; else a fix already installed means not affected; else
 *     "no fix yet" is a finding without a fix;
 *   - one finding per (binary package, ID), with the record's feed, unit
 *     namespace and matched name, and the reason in words.
 */
#ifndef VIGIL_MATCH_MATCHER_H
#define VIGIL_MATCH_MATCHER_H

#include "vigil/buf.h"
#include "vigil/scan.h"
#include "../store/store.h"

/* What a feed's record names. */
enum vigil_match_key {
	VIGIL_MATCH_SOURCE, /* the source package (dpkg Source:, apk origin); source version */
	VIGIL_MATCH_BINARY, /* the binary package; its own version */
};

/* One entry of a family's preference list: feed (and unit) and what it names. */
struct vigil_match_source {
	const char *feed;
	const char *unit; /* NULL: every unit of the feed */
	enum vigil_match_key key;
};

/* A record as the matcher keeps it (a copy of the store's, with its rank). */
struct vigil_match_record {
	char *package, *vuln, *fixed, *feed, *unit, *arch, *description, *link, *metadata;
	enum vigil_affected_status status;
	vigil_severity severity;
	enum vigil_match_key key; /* what `package` names, from the family's list */
	int rank;                 /* position in the family's preference list */
};

/* How the fixed records of one (package, ID) decide (after preference). */
enum vigil_match_fix_rule {
	/*
	 * "not affected" suppresses; else the lowest fixed version above the
	 * installed one is the fix (Alpine, RHEL: an ID under several fixed
	 * versions); else a fix at or below the installed one means not
	 * affected; else "no fix yet".
	 */
	VIGIL_MATCH_FIX_LOWEST_ABOVE = 0,
	/*
	 * The lowest fixed version decides, affected iff the installed version is
	 * lower; a fix beats "not affected", which beats "no fix yet" (the Debian
	 * tracker's lists: "the lowest such version wins for (R, SRC, ID)").
	 */
	VIGIL_MATCH_FIX_LOWEST = 1,
};

struct vigil_match_family {
	const char *name;          /* "apk", "debian", "ubuntu", "rpm" */
	const char *const *os_ids; /* NULL-terminated namespace ids it serves */
	vigil_version_format format;
	const struct vigil_match_source *sources; /* preference order; ends with feed == NULL */
	enum vigil_match_key default_key;         /* for records of feeds not listed */
	const char *feed_hint;                    /* the feed that loads its data ("alpine") */
	enum vigil_match_fix_rule fix_rule;       /* default VIGIL_MATCH_FIX_LOWEST_ABOVE */
	/*
	 * Optional: 1 when `rec` applies to `pkg` beyond its name (rpm: the arch
	 * pattern), 0 when not.
	 */
	int (*applies)(const struct vigil_match_record *rec, const vigil_package *pkg);
	/* Optional: the fixed version as shown and compared (rpm: a "0:" epoch dropped). */
	const char *(*fixed_version)(const char *fixed);
	/*
	 * Optional: the namespace whose data `ns` uses when it has none of its
	 * own ("centos:7" -> "rhel:7") into out; 0 when there is none.
	 */
	int (*fallback)(char *out, size_t n, const char *ns);
};

/* The registry, in families.def order. */
#define VIGIL_MATCH_FAMILY(n) extern const struct vigil_match_family vigil_match_family_##n;
#include "families.def"
#undef VIGIL_MATCH_FAMILY

/** The family serving namespace `ns` ("debian:12"), or NULL. */
const struct vigil_match_family *vigil_match_family_for(const char *ns);

/**
 * The namespace whose records `ns` uses: `ns` itself when some feed covers
 * it, else its family's fallback when a feed covers that, into `out`.
 * Returns 0 (found), VIGIL_ENOTFOUND (no data; message not set) or VIGIL_EDB.
 */
int vigil_match_data_namespace(struct vigil_store *s, const char *ns, char *out, size_t n);

typedef int (*vigil_match_emit)(const vigil_finding *f, void *payload);

/**
 * Match `pkgs` (the image's packages, of OS namespace `ns`) against the
 * records of namespace `data_ns` (vigil_match_data_namespace()) with one
 * store query, calling `emit` once per (binary package, ID) finding; the
 * finding's strings are borrowed for the call. Packages of another version
 * format than the family's are skipped. Returns 0, VIGIL_EUNSUPPORTED (no
 * family serves `ns`), VIGIL_EDB, or what `emit` returned.
 */
int vigil_match(struct vigil_store *s, const char *ns, const char *data_ns,
                const vigil_package *const *pkgs, size_t npkgs, vigil_match_emit emit,
                void *payload) VIGIL_WARN_UNUSED;

#endif
