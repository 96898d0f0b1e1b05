/*
 * Version schemes: one file per distribution's algorithm (dpkg.c, rpm.c,
 * apk.c), each ending with a `const struct vigil_version_scheme
 * vigil_version_scheme_<name>` descriptor, plus one line in versions.def.
 * version.c dispatches on the format through that table.
 *
 * A scheme's cmp() must be a total preorder on all C strings (antisymmetric,
 * transitive, never failing) because callers sort with it; it reproduces the
 * distribution's own comparison wherever the tool answers, and for versions
 * the tool refuses it still gives a fixed answer. check() says whether the
 * tool would accept the version.
 */
#ifndef VIGIL_VERSION_IMPL_H
#define VIGIL_VERSION_IMPL_H

#include "vigil/version.h"
#include "vigil/error.h"

#include <stddef.h>

struct vigil_version_scheme {
	vigil_version_format format; /* the public enum value */
	const char *name;            /* "dpkg": the CLI and report name */
	/* -1, 0 or 1 for a < b, a = b, a > b. Never fails. */
	int (*cmp)(const char *a, const char *b);
	/* 0, or VIGIL_EINVALID with the tool's reason set by vigil_error_set(). */
	int (*check)(const char *v);
};

/* Room for a quoted version in an error message (longer ones are cut). */
#define VIGIL_VERSION_QUOTE_MAX 160

/**
 * Copy `v` into `buf` (VIGIL_VERSION_QUOTE_MAX bytes) for an error message:
 * control bytes become \xNN and anything past ~120 bytes becomes "...", so
 * the message stays on one line. Returns buf.
 */
const char *vigil_version__quote(char *buf, const char *v);

/** Sign of an int: -1, 0 or 1. */
static inline int vigil_version__sign(int x)
{
	return (x > 0) - (x < 0);
}

#endif
