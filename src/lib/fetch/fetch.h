/*
 * Fetching one upstream file with libcurl, for `vigil db update`.
 *
 * A struct vigil_fetch wraps one curl easy handle, reused for every request
 * of an update (connections and TLS sessions are kept between requests).
 * Requests are conditional: the validators of the last fetch (ETag,
 * Last-Modified) go out as If-None-Match / If-Modified-Since, and a 304 (or,
 * for file://, an unchanged modification time) is reported as "unchanged"
 * without a body.
 *
 * Safety (PRODUCT.md, "Safety defaults"): only https://, file:// and plain
 * http:// to the local host (127.0.0.1, ::1, localhost) are fetched;
 * redirects are followed to https:// only, at most VIGIL_MAX_FETCH_REDIRECTS;
 * a body over VIGIL_MAX_FETCH_SIZE is refused; connecting is bounded by
 * VIGIL_FETCH_CONNECT_TIMEOUT and a stalled transfer by
 * VIGIL_FETCH_LOW_SPEED(_TIME). Every failure is VIGIL_ENET with curl's
 * message and the URL (VIGIL_ETOOBIG for the size cap,
 * VIGIL_EUNSUPPORTED for a refused URL).
 */
#ifndef VIGIL_FETCH_H
#define VIGIL_FETCH_H

#include "../limits.h"
#include "../../util/sha256.h"
#include "vigil/common.h"

#include <stdint.h>
#include <stdio.h>

struct vigil_fetch;

/* Validators of the previous fetch of a URL; "" or NULL when none. */
struct vigil_fetch_validators {
	const char *etag;
	const char *last_modified; /* RFC 3339 UTC */
};

/* What a fetch found. */
struct vigil_fetch_result {
	int unchanged;                        /* 1: not modified since the validators, no body */
	long status;                          /* HTTP status; 0 for file:// */
	uint64_t size;                        /* bytes of the body written */
	char digest[VIGIL_DIGEST_LEN];        /* "sha256:..." of the body, "" when unchanged */
	char etag[VIGIL_MAX_FETCH_VALIDATOR]; /* the response's ETag, or "" */
	char last_modified[32];               /* its Last-Modified (file mtime), RFC 3339, or "" */
};

/** A new fetcher (initialises libcurl on first use). Free with vigil_fetch_free(). */
int vigil_fetch_new(struct vigil_fetch **out) VIGIL_WARN_UNUSED;
/** Free; NULL is fine. */
void vigil_fetch_free(struct vigil_fetch *f);

/**
 * 0 when `url` may be fetched (https://, file://, or http:// to 127.0.0.1,
 * ::1 or localhost); VIGIL_EUNSUPPORTED naming the URL otherwise.
 */
int vigil_fetch_url_allowed(const char *url) VIGIL_WARN_UNUSED;

/**
 * GET `url` with the validators `v` (NULL: unconditional) and write the
 * body into `out`. Returns 0 with *res filled (res->unchanged when the
 * server says the validators still hold), VIGIL_ENET (connection, TLS,
 * HTTP status other than 200 and 304, file not found), VIGIL_ETOOBIG,
 * VIGIL_EUNSUPPORTED (refused URL) or VIGIL_EIO (cannot write `out`).
 */
int vigil_fetch_get(struct vigil_fetch *f, const char *url, const struct vigil_fetch_validators *v,
                    FILE *out, struct vigil_fetch_result *res) VIGIL_WARN_UNUSED;

/** RFC 3339 UTC ("2024-12-24T10:00:00Z") <-> time_t; parse returns -1 when malformed. */
void vigil_fetch_time_format(int64_t t, char out[32]);
int64_t vigil_fetch_time_parse(const char *s);

#endif
