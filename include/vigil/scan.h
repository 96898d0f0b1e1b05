/*
 * Scanning an image: its packages matched against the vulnerability
 * database, by each distribution's own rules (PRODUCT.md, "Matching rules").
 *
 * vigil_scan() reads the image (as vigil_inspect() does, reusing the layer
 * analyses the database has cached by diff_id), looks every package up in
 * one batched query per namespace, and returns one finding per (binary
 * package, vulnerability ID), each saying which feed record matched and why.
 */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include "common.h"
#include "image.h"
#include "severity.h"

typedef enum {
	VIGIL_FINDING_FIXED = 0,    /* a fixed version exists: installed < fixed_version */
	VIGIL_FINDING_AFFECTED = 1, /* affected, no fix yet (fixed_version is "") */
} vigil_finding_status;

typedef struct vigil_finding {
	const char *id;                 /* "CVE-2023-1234", "TEMP-...", "RHSA-..." */
	const vigil_package *package;   /* the binary package as installed (borrowed from the result) */
	const char *fixed_version;      /* "" when there is no fix */
	vigil_finding_status status;
	vigil_severity severity;
	const char *severity_source;    /* the feed that gave the severity ("debian"), or "" */
	const char *feed;               /* the feed whose record matched ("alpine", "oval", ...) */
	const char *namespace;          /* the record's namespace ("debian:12") */
	const char *matched_name;       /* the package name the record is for (source, origin, binary) */
	const char *reason;             /* why: "installed 1.2-1 < fixed 1.2-2", "no fix yet" */
	const char *title;              /* short text, may be "" */
	const char *description;        /* may be "" */
	const char *link;               /* primary URL, may be "" */
	const char *const *references;  /* further URLs */
	size_t nreferences;
	const char *cvss;               /* CVSS metadata as a JSON object text, or NULL */
} vigil_finding;

enum vigil_scan_flags {
	VIGIL_SCAN_NO_CACHE = 1 << 0, /* neither read nor write the layer cache */
};

typedef struct vigil_scan_opts {
	unsigned version;
	vigil_image_opts image;
	const char *db;  /* database DSN; NULL = the default path */
	unsigned flags;  /* enum vigil_scan_flags */
} vigil_scan_opts;

#define VIGIL_SCAN_OPTS_VERSION 1
#define VIGIL_SCAN_OPTS_INIT { VIGIL_SCAN_OPTS_VERSION, VIGIL_IMAGE_OPTS_INIT, NULL, 0 }

typedef struct vigil_scan_result vigil_scan_result;

/**
 * Scan the image named by `ref`. *out belongs to the caller
 * (vigil_scan_result_free()). Returns 0; VIGIL_ENOTFOUND, VIGIL_EINVALID,
 * VIGIL_EUNSUPPORTED, VIGIL_ETOOBIG, VIGIL_EIO for the image (as
 * vigil_inspect()); VIGIL_EDB when the database cannot be read, or holds no
 * data for the image's namespace (the message names the namespace, the feeds
 * it does hold and the command that loads the missing one).
 */
VIGIL_EXTERN int vigil_scan(vigil_scan_result **out, const char *ref,
			    const vigil_scan_opts *opts) VIGIL_WARN_UNUSED;

/** The image as inspected: namespace, layers, packages. Borrowed. */
VIGIL_EXTERN const vigil_inspection *vigil_scan_result_inspection(const vigil_scan_result *r);
/** The argument the scan was given. Borrowed. */
VIGIL_EXTERN const char *vigil_scan_result_image(const vigil_scan_result *r);
/** Findings, sorted by package name, package version, then ID. */
VIGIL_EXTERN size_t vigil_scan_result_count(const vigil_scan_result *r);
VIGIL_EXTERN const vigil_finding *vigil_scan_result_finding(const vigil_scan_result *r, size_t i);

typedef struct vigil_scan_filter {
	unsigned version;
	unsigned severities;        /* bit (1 << vigil_severity) per kept level; 0 = all */
	int ignore_unfixed;         /* drop findings without a fix */
	const char *const *ignore;  /* IDs to drop */
	size_t nignore;
} vigil_scan_filter;

#define VIGIL_SCAN_FILTER_VERSION 1
#define VIGIL_SCAN_FILTER_INIT { VIGIL_SCAN_FILTER_VERSION, 0, 0, NULL, 0 }

/** Drop the findings `f` excludes; returns how many were dropped. */
VIGIL_EXTERN size_t vigil_scan_result_filter(vigil_scan_result *r, const vigil_scan_filter *f);

/** NULL is fine. */
VIGIL_EXTERN void vigil_scan_result_free(vigil_scan_result *r);

#endif
