/*
 * vigil: container-image vulnerability scanner. The one header to include.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include "common.h"
#include "error.h"
#include "alloc.h"
#include "buf.h"
#include "log.h"
#include "version.h"
#include "db.h"
#include "severity.h"
#include "scan.h"
#include "report.h"
#include "image.h"

#define VIGIL_VERSION_STRING "0.1.0"

/** The library's version string. Static. */
VIGIL_EXTERN const char *vigil_version(void);

#endif
