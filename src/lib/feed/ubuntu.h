/*
 * Shared by the Ubuntu feeds (ubuntu.c: the CVE tracker, ubuntu_oval.c: the
 * USN OVAL): the release table.
 */
#ifndef VIGIL_FEED_UBUNTU_H
#define VIGIL_FEED_UBUNTU_H

#include <stddef.h>

/** VERSION_ID ("18.04") of release `codename` (len bytes), or NULL when unknown. */
const char *vigil_ubuntu_release_version(const char *codename, size_t len);

#endif
