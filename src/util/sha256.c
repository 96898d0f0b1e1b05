/* Streaming SHA-256 over OpenSSL's EVP interface. */
#include "sha256.h"
#include "vigil/alloc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vigil_sha256_init(struct vigil_sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		fprintf(stderr, "vigil: cannot initialise sha256\n");
		abort();
	}
	h->ctx = c;
}

void vigil_sha256_update(struct vigil_sha256 *h, const void *p, size_t n)
{
	if (n)
		EVP_DigestUpdate(h->ctx, p, n);
}

void vigil_sha256_final(struct vigil_sha256 *h, char out[VIGIL_DIGEST_LEN])
{
	unsigned char md[32];
	unsigned int n = 0;
	int i;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	vigil_sha256_release(h);
}

void vigil_sha256_release(struct vigil_sha256 *h)
{
	if (h->ctx)
		EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void vigil_sha256_buf(const void *p, size_t n, char out[VIGIL_DIGEST_LEN])
{
	struct vigil_sha256 h;

	vigil_sha256_init(&h);
	vigil_sha256_update(&h, p, n);
	vigil_sha256_final(&h, out);
}

int vigil_digest_valid(const char *s)
{
	size_t i;

	if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
		return 0;
	for (i = 7; i < 71; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}
