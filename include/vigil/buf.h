/*
 * A growable, NUL-terminated byte buffer (modelled on git's strbuf).
 *
 * Initialise with VIGIL_BUF_INIT. `ptr` is never NULL and always
 * NUL-terminated. A buffer that holds input gets a `max`: appends beyond it
 * fail with VIGIL_ETOOBIG and leave the buffer unchanged.
 */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include "common.h"
#include <stdarg.h>

typedef struct vigil_buf {
	char *ptr;  /* never NULL once initialised; always NUL-terminated */
	size_t len; /* bytes in use, excluding the NUL */
	size_t cap; /* bytes allocated; 0 while ptr points at a static "" */
	size_t max; /* 0 = no limit; appends beyond it fail with VIGIL_ETOOBIG */
} vigil_buf;

VIGIL_EXTERN extern char vigil_buf__empty[1];
#define VIGIL_BUF_INIT { vigil_buf__empty, 0, 0, 0 }

/** Make room for `extra` more bytes. Returns 0 or VIGIL_ETOOBIG. */
VIGIL_EXTERN int vigil_buf_grow(vigil_buf *b, size_t extra) VIGIL_WARN_UNUSED;
/** Append `n` bytes. Returns 0 or VIGIL_ETOOBIG. */
VIGIL_EXTERN int vigil_buf_add(vigil_buf *b, const void *p, size_t n);
/** Append a C string. Returns 0 or VIGIL_ETOOBIG. */
VIGIL_EXTERN int vigil_buf_puts(vigil_buf *b, const char *s);
/** Append one byte. Returns 0 or VIGIL_ETOOBIG. */
VIGIL_EXTERN int vigil_buf_putc(vigil_buf *b, char c);
/** Append formatted text. Returns 0 or VIGIL_ETOOBIG. */
VIGIL_EXTERN int vigil_buf_printf(vigil_buf *b, const char *fmt, ...) VIGIL_PRINTF(2, 3);
VIGIL_EXTERN int vigil_buf_vprintf(vigil_buf *b, const char *fmt, va_list ap) VIGIL_PRINTF(2, 0);
/** len = 0, keep the memory. */
VIGIL_EXTERN void vigil_buf_reset(vigil_buf *b);
/** Free the memory; the buffer is back to VIGIL_BUF_INIT (max is kept). */
VIGIL_EXTERN void vigil_buf_release(vigil_buf *b);
/** Hand the string to the caller (free with vigil_free()); the buffer is reset to empty. */
VIGIL_EXTERN char *vigil_buf_detach(vigil_buf *b, size_t *len);

#endif
