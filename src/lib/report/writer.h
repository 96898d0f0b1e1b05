/*
 * Internals of the report writers. Each format is report/<name>.c ending
 * with `const struct vigil_report_writer vigil_report_<name>`, listed in
 * writers.def. The helpers here are shared by every format: valid UTF-8
 * copies of strings that come from images and feeds, the OS behind a
 * namespace, package URLs, layer look-up and severity counts.
 */
#ifndef VIGIL_REPORT_WRITER_H
#define VIGIL_REPORT_WRITER_H

#include "vigil/report.h"
#include "vigil/buf.h"

#include <jansson.h>
#include <stdio.h>

struct vigil_report_writer {
	const char *name;
	/* Write the whole report; 0, or VIGIL_EIO when a write failed. */
	int (*write)(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts);
};

/* The operating system of a namespace, as the report formats name it. */
struct vigil_report_os {
	char id[64];         /* the namespace's id: "debian", "alpine", "rhel" ("" = none) */
	char version[64];    /* its version without Alpine's "v": "12", "3.10" */
	const char *family;  /* Trivy's OS family / result Type: "debian", "redhat", "alma" */
	const char *purl_ns; /* package URL namespace: "debian", "alpine", "redhat" */
};

/** A valid UTF-8 copy of `s` (NULL is ""): each invalid byte becomes U+FFFD. Free with
 * vigil_free(). */
char *vigil_report__utf8(const char *s);
/** A JSON string holding `s` made valid UTF-8 (never NULL). */
json_t *vigil_report__jstr(const char *s);
/** Write `root` with `flags` and a final newline. Returns 0 or VIGIL_EIO. */
int vigil_report__dump(FILE *out, const json_t *root, size_t flags);
/** 0 when no write to `out` failed so far, else VIGIL_EIO. */
int vigil_report__check(FILE *out);

/** The OS of namespace `ns` ("debian:12"; NULL gives an empty id). */
void vigil_report__os(struct vigil_report_os *os, const char *ns);
/** The OS of the result's image. */
void vigil_report__result_os(struct vigil_report_os *os, const vigil_scan_result *r);

/**
 * Append the package URL of `p` (purl spec: pkg:deb/debian/NAME@VERSION?arch=..&distro=debian-12,
 * pkg:rpm/redhat/NAME@VERSION-RELEASE?arch=..&distro=redhat-8&epoch=1, pkg:apk/alpine/...).
 */
void vigil_report__purl(vigil_buf *out, const vigil_package *p, const struct vigil_report_os *os);

/** 1 when `s` is an http(s) URL made only of characters RFC 3986 allows (safe as a link). */
int vigil_report__is_url(const char *s);

/** The layer whose diff_id is `diff_id` and its 1-based index in *index, or NULL (index 0). */
const vigil_layer_info *vigil_report__layer(const vigil_scan_result *r, const char *diff_id,
                                            size_t *index);

/** Findings per severity (counts[VIGIL_SEVERITY_COUNT]). */
void vigil_report__count(const vigil_scan_result *r, size_t *counts);

/** The image's namespace, or NULL. */
const char *vigil_report__namespace(const vigil_scan_result *r);

#endif
