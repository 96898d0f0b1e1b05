/*
 * Pagination tokens: opaque, URL-safe, signed with the pagination key
 * (HMAC-SHA256), valid one hour, as Clair's Fernet tokens are to clients.
 * Layout before base64url (with padding): 0x80, 8-byte big-endian unix
 * time, the cursor text, 32-byte MAC over all of that. The cursor is not
 * secret (a row id), so it is signed, not encrypted.
 */
#include "server.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <time.h>

#define TOKEN_TTL_S 3600
#define TOKEN_SKEW_S 60
#define TOKEN_MAX_PAYLOAD 256

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64_encode(const unsigned char *in, size_t n, vigil_buf *out)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		(void)vigil_buf_putc(out, b64[v >> 18 & 63]);
		(void)vigil_buf_putc(out, b64[v >> 12 & 63]);
		(void)vigil_buf_putc(out, b64[v >> 6 & 63]);
		(void)vigil_buf_putc(out, b64[v & 63]);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		(void)vigil_buf_putc(out, b64[v >> 18 & 63]);
		(void)vigil_buf_putc(out, b64[v >> 12 & 63]);
		(void)vigil_buf_puts(out, "==");
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		(void)vigil_buf_putc(out, b64[v >> 18 & 63]);
		(void)vigil_buf_putc(out, b64[v >> 12 & 63]);
		(void)vigil_buf_putc(out, b64[v >> 6 & 63]);
		(void)vigil_buf_putc(out, '=');
	}
}

/* Decode URL-safe base64 (padding optional); returns the length or -1. */
static long b64_decode(const char *in, unsigned char *out, size_t cap)
{
	unsigned v = 0;
	size_t n = 0;
	int bits = 0;

	for (; *in && *in != '='; in++) {
		const char *p = strchr(b64, *in);
		if (!p || !*in)
			return -1;
		v = v << 6 | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	return (long)n;
}

int token_key_decode(unsigned char key[32], const char *s)
{
	unsigned char buf[64];

	if (strlen(s) != 44 || b64_decode(s, buf, sizeof(buf)) != 32)
		return VIGIL_EINVALID;
	memcpy(key, buf, 32);
	return 0;
}

void token_key_encode(const unsigned char key[32], vigil_buf *out)
{
	b64_encode(key, 32, out);
}

static void mac(struct server *s, const unsigned char *data, size_t n, unsigned char out[32])
{
	unsigned len = 32;

	HMAC(EVP_sha256(), s->token_key, 32, data, n, out, &len);
}

void token_make(struct server *s, const char *payload, vigil_buf *out)
{
	unsigned char buf[1 + 8 + TOKEN_MAX_PAYLOAD + 32];
	size_t n = strlen(payload), i;
	uint64_t now = (uint64_t)time(NULL);

	if (n > TOKEN_MAX_PAYLOAD)
		n = TOKEN_MAX_PAYLOAD;
	buf[0] = 0x80;
	for (i = 0; i < 8; i++)
		buf[1 + i] = (unsigned char)(now >> (56 - 8 * i));
	memcpy(buf + 9, payload, n);
	mac(s, buf, 9 + n, buf + 9 + n);
	vigil_buf_reset(out);
	b64_encode(buf, 9 + n + 32, out);
}

int token_open(struct server *s, const char *token, vigil_buf *out)
{
	unsigned char buf[1 + 8 + TOKEN_MAX_PAYLOAD + 32], want[32];
	long n = b64_decode(token, buf, sizeof(buf));
	uint64_t ts = 0, now = (uint64_t)time(NULL);
	int i;

	if (n < 1 + 8 + 32 || buf[0] != 0x80)
		return VIGIL_EINVALID;
	mac(s, buf, (size_t)n - 32, want);
	if (CRYPTO_memcmp(want, buf + n - 32, 32) != 0)
		return VIGIL_EINVALID;
	for (i = 0; i < 8; i++)
		ts = ts << 8 | buf[1 + i];
	if (ts > now ? ts - now > TOKEN_SKEW_S : now - ts > TOKEN_TTL_S + TOKEN_SKEW_S)
		return VIGIL_EINVALID;
	vigil_buf_reset(out);
	return vigil_buf_add(out, buf + 9, (size_t)n - 9 - 32);
}
