/*
 * Fuzz targets: one file per parser, each defining LLVMFuzzerTestOneInput().
 * Built with libFuzzer by `make fuzz` (clang); in the normal build each target
 * is linked with replay.c instead and ctest replays the seed files named on
 * its command line, so the targets always compile and the seeds never crash.
 */
#ifndef VIGIL_FUZZ_H
#define VIGIL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
