/*
 * Logging. The library never writes to stdout or stderr: the host sets a
 * sink once at startup with vigil_log_set_sink(). Levels are checked before
 * anything is formatted.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include "common.h"

typedef enum {
	VIGIL_LOG_ERROR = 0,
	VIGIL_LOG_WARN = 1,
	VIGIL_LOG_INFO = 2,
	VIGIL_LOG_DEBUG = 3,
	VIGIL_LOG_TRACE = 4,
} vigil_log_level;

typedef void (*vigil_log_sink)(vigil_log_level level, const char *component, const char *msg,
			       void *payload);

/** Install the sink (NULL drops everything) and the most verbose level to pass. */
VIGIL_EXTERN void vigil_log_set_sink(vigil_log_sink fn, void *payload);
VIGIL_EXTERN void vigil_log_set_level(vigil_log_level level);
/** Components to let through at DEBUG/TRACE: "feed.debian,store" (prefix match); NULL = all. */
VIGIL_EXTERN void vigil_log_set_components(const char *list);
VIGIL_EXTERN int vigil_log_enabled(vigil_log_level level, const char *component);
VIGIL_EXTERN void vigil_log__write(vigil_log_level level, const char *component, const char *fmt,
				   ...) VIGIL_PRINTF(3, 4);

#define vigil_log(level, component, ...)                                                           \
	do {                                                                                       \
		if (vigil_log_enabled(VIGIL_LOG_##level, component))                               \
			vigil_log__write(VIGIL_LOG_##level, component, __VA_ARGS__);               \
	} while (0)

#endif
