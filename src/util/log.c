/* Logging through a host-provided sink (see include/vigil/log.h). */
#include "vigil/log.h"
#include "vigil/buf.h"

#include <stdarg.h>
#include <string.h>

static vigil_log_sink sink;
static void *sink_payload;
static vigil_log_level max_level = VIGIL_LOG_WARN;
static char components[256];

void vigil_log_set_sink(vigil_log_sink fn, void *payload)
{
	sink = fn;
	sink_payload = payload;
}

void vigil_log_set_level(vigil_log_level level)
{
	max_level = level;
}

void vigil_log_set_components(const char *list)
{
	size_t n = list ? strlen(list) : 0;

	if (n >= sizeof(components))
		n = sizeof(components) - 1;
	memcpy(components, list ? list : "", n);
	components[n] = '\0';
}

static int component_on(const char *component)
{
	const char *p = components;
	size_t n;

	if (!components[0])
		return 1;
	while (*p) {
		n = strcspn(p, ",");
		if (n && strncmp(component, p, n) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int vigil_log_enabled(vigil_log_level level, const char *component)
{
	if (!sink || level > max_level)
		return 0;
	return level <= VIGIL_LOG_INFO || component_on(component);
}

void vigil_log__write(vigil_log_level level, const char *component, const char *fmt, ...)
{
	vigil_buf b = VIGIL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (vigil_buf_vprintf(&b, fmt, ap) == 0)
		sink(level, component, b.ptr, sink_payload);
	va_end(ap);
	vigil_buf_release(&b);
}
