/* Thread-local last error (see include/vigil/error.h). */
#include "vigil/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERRMSG_MAX 1024

static _Thread_local char last[ERRMSG_MAX];

int vigil_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last, sizeof(last), fmt, ap);
	va_end(ap);
	return code;
}

int vigil_error_prefix(int code, const char *fmt, ...)
{
	char pre[ERRMSG_MAX], old[ERRMSG_MAX];
	size_t n, m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, last, sizeof(old));
	n = strlen(pre);
	if (old[0] && n + 2 < sizeof(last)) {
		memcpy(last, pre, n);
		memcpy(last + n, ": ", 2);
		n += 2;
		m = strlen(old);
		if (m > sizeof(last) - 1 - n)
			m = sizeof(last) - 1 - n;
		memcpy(last + n, old, m);
		last[n + m] = '\0';
	} else {
		memcpy(last, pre, n + 1);
	}
	return code;
}

const char *vigil_error_last(void)
{
	return last;
}

void vigil_error_clear(void)
{
	last[0] = '\0';
}

const char *vigil_code_name(int code)
{
	switch (code) {
	case VIGIL_OK: return "ok";
	case VIGIL_ENOTFOUND: return "not found";
	case VIGIL_EINVALID: return "invalid input";
	case VIGIL_EUNSUPPORTED: return "unsupported";
	case VIGIL_ETOOBIG: return "limit exceeded";
	case VIGIL_EIO: return "i/o error";
	case VIGIL_ENET: return "network error";
	case VIGIL_EAUTH: return "authentication failed";
	case VIGIL_ETIMEOUT: return "timed out";
	case VIGIL_EDB: return "database error";
	case VIGIL_EUSAGE: return "bad usage";
	case VIGIL_ITEROVER: return "iteration over";
	case VIGIL_EUSER: return "stopped by caller";
	default: return "error";
	}
}
