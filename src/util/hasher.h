/*
 * SHA-256 on a second thread, so that hashing overlaps with the caller's
 * decompression and tar parsing on two cores.
 *
 * A hasher starts out hashing inline, on the caller's thread. Once
 * vigil_hasher_start() has run, vigil_hasher_update() copies the bytes into
 * a small bounded ring (VIGIL_HASHER_SLOTS chunks of VIGIL_HASHER_CHUNK
 * bytes, allocated then) and returns; it blocks only while the ring is
 * full. A worker thread hashes the chunks in order. Up to
 * VIGIL_HASHER_STREAMS digests are computed side by side (a blob's digest
 * and its diff_id), each over its own bytes in the order given, whether
 * they were hashed before or after the start. When the worker cannot be
 * started, the hashing stays inline, with the same results. A hasher has
 * one producer thread.
 *
 * The copy into the ring costs CPU: start the worker only where the caller
 * has other heavy work to overlap (decompression), not for bytes it merely
 * reads from a file.
 */
#ifndef VIGIL_UTIL_HASHER_H
#define VIGIL_UTIL_HASHER_H

#include "sha256.h"

#include <stddef.h>

#define VIGIL_HASHER_STREAMS 2
#define VIGIL_HASHER_SLOTS 8
#define VIGIL_HASHER_CHUNK ((size_t)32 << 10)

struct vigil_hasher;

/** An inline hasher with every stream initialised; free it with vigil_hasher_free(). */
struct vigil_hasher *vigil_hasher_new(void);

/** Hash on a worker thread from now on (no-op when already started, or when it cannot start). */
void vigil_hasher_start(struct vigil_hasher *h);

/** Queue `n` bytes of `p` (copied) for stream `stream`. */
void vigil_hasher_update(struct vigil_hasher *h, unsigned stream, const void *p, size_t n);

/**
 * Wait until everything queued is hashed, then write stream `stream`'s
 * "sha256:<hex>" into out (VIGIL_DIGEST_LEN bytes). Once per stream.
 */
void vigil_hasher_final(struct vigil_hasher *h, unsigned stream, char out[VIGIL_DIGEST_LEN]);

/** Stop the worker (what is still queued is dropped) and free everything; NULL is fine. */
void vigil_hasher_free(struct vigil_hasher *h);

#endif
