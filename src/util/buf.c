/* Growable NUL-terminated buffer (see include/vigil/buf.h). */
#include "vigil/buf.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <stdio.h>
#include <string.h>

char vigil_buf__empty[1];

int vigil_buf_grow(vigil_buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX - b->len - 1)
		return vigil_error_set(VIGIL_ETOOBIG, "buffer size overflow");
	need = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return vigil_error_set(VIGIL_ETOOBIG, "more than %zu bytes", b->max);
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->cap == 0) {
		b->ptr = vigil_malloc(cap);
		b->ptr[0] = '\0';
	} else {
		b->ptr = vigil_realloc(b->ptr, cap);
	}
	b->cap = cap;
	return 0;
}

int vigil_buf_add(vigil_buf *b, const void *p, size_t n)
{
	int err;

	if (n == 0)
		return 0;
	if ((err = vigil_buf_grow(b, n)) < 0)
		return err;
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int vigil_buf_puts(vigil_buf *b, const char *s)
{
	return vigil_buf_add(b, s, strlen(s));
}

int vigil_buf_putc(vigil_buf *b, char c)
{
	if (b->len + 1 < b->cap && (!b->max || b->len + 1 <= b->max)) { /* room: no call */
		b->ptr[b->len++] = c;
		b->ptr[b->len] = '\0';
		return 0;
	}
	return vigil_buf_add(b, &c, 1);
}

int vigil_buf_vprintf(vigil_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, err;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return vigil_error_set(VIGIL_ERROR, "bad format string");
	if ((err = vigil_buf_grow(b, (size_t)n)) < 0)
		return err;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int vigil_buf_printf(vigil_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vigil_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

void vigil_buf_reset(vigil_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

void vigil_buf_release(vigil_buf *b)
{
	if (b->cap)
		vigil_free(b->ptr);
	b->ptr = vigil_buf__empty;
	b->len = 0;
	b->cap = 0;
}

char *vigil_buf_detach(vigil_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	p = b->cap ? b->ptr : vigil_strdup("");
	b->ptr = vigil_buf__empty;
	b->len = 0;
	b->cap = 0;
	return p;
}
