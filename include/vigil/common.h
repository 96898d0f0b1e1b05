/*
 * Shared definitions for the public API: export and attribute macros.
 */
#ifndef VIGIL_COMMON_H
#define VIGIL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define VIGIL_EXTERN __attribute__((visibility("default")))
#define VIGIL_WARN_UNUSED __attribute__((warn_unused_result))
#define VIGIL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VIGIL_NORETURN __attribute__((noreturn))

#endif
