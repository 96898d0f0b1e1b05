/*
 * One error convention for the whole library.
 *
 * A function that can fail returns `int`: 0 (VIGIL_OK) or a negative
 * vigil_code. On failure it records one line (lowercase, no final period,
 * subject in single quotes) in a thread-local slot, readable with
 * vigil_error_last() right after the failed call, on the same thread.
 */
#ifndef VIGIL_ERROR_H
#define VIGIL_ERROR_H

#include "common.h"

typedef enum {
	VIGIL_OK = 0,
	VIGIL_ERROR = -1,        /* generic; details in vigil_error_last() */
	VIGIL_ENOTFOUND = -2,    /* image, layer, file, package, advisory */
	VIGIL_EINVALID = -3,     /* malformed input: tar, manifest, package DB, feed */
	VIGIL_EUNSUPPORTED = -4, /* recognised but not handled (format, distro) */
	VIGIL_ETOOBIG = -5,      /* a named limit was exceeded */
	VIGIL_EIO = -6,          /* reading or writing a local file failed */
	VIGIL_ENET = -7,         /* network or registry failure */
	VIGIL_EAUTH = -8,        /* authentication refused */
	VIGIL_ETIMEOUT = -9,     /* a deadline passed */
	VIGIL_EDB = -10,         /* the vulnerability store failed */
	VIGIL_EUSAGE = -11,      /* bad arguments from the caller (CLI usage) */
	VIGIL_ITEROVER = -30,    /* iteration finished; not a failure */
	VIGIL_EUSER = -31,       /* the caller's callback asked to stop */
} vigil_code;

/**
 * Record `fmt` as the last error of this thread and return `code`, so that
 * `return vigil_error_set(VIGIL_EINVALID, "bad tar header in '%s'", p);` works.
 */
VIGIL_EXTERN int vigil_error_set(int code, const char *fmt, ...) VIGIL_PRINTF(2, 3);

/**
 * Prefix the current message with "PREFIX: " (used when an outer layer knows
 * the subject, e.g. the layer digest). Returns `code` unchanged.
 */
VIGIL_EXTERN int vigil_error_prefix(int code, const char *fmt, ...) VIGIL_PRINTF(2, 3);

/** The last error message of this thread; "" when none. Borrowed. */
VIGIL_EXTERN const char *vigil_error_last(void);

/** Forget the last error of this thread. */
VIGIL_EXTERN void vigil_error_clear(void);

/** A short name for a code ("invalid input", "not found", ...). Static. */
VIGIL_EXTERN const char *vigil_code_name(int code);

#endif
