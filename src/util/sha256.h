/*
 * Streaming SHA-256 (OpenSSL EVP underneath), used for blob digests and
 * diff_ids while layers stream.
 */
#ifndef VIGIL_UTIL_SHA256_H
#define VIGIL_UTIL_SHA256_H

#include <stddef.h>

struct vigil_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

/* "sha256:" + 64 hex digits + NUL */
#define VIGIL_DIGEST_LEN 72

void vigil_sha256_init(struct vigil_sha256 *h);
void vigil_sha256_update(struct vigil_sha256 *h, const void *p, size_t n);
/** Write "sha256:<hex>" into out (VIGIL_DIGEST_LEN bytes) and release the context. */
void vigil_sha256_final(struct vigil_sha256 *h, char out[VIGIL_DIGEST_LEN]);
/** Release without a result (error paths); safe on a released or zeroed context. */
void vigil_sha256_release(struct vigil_sha256 *h);
/** One-shot digest of a buffer. */
void vigil_sha256_buf(const void *p, size_t n, char out[VIGIL_DIGEST_LEN]);
/** 1 when `s` is "sha256:" followed by 64 lowercase hex digits. */
int vigil_digest_valid(const char *s);

#endif
