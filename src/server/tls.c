/*
 * Client certificates on the API port (clair.api.cafile), as Clair v2's
 * tls.RequireAndVerifyClientCert: the TLS handshake asks for a certificate and
 * fails unless the client presents one that chains to a certificate of the
 * cafile and is within its validity dates. A refused client gets no HTTP
 * answer at all; the server logs a warning naming it and the reason.
 *
 * libmicrohttpd loads the cafile into its GnuTLS credentials
 * (MHD_OPTION_HTTPS_MEM_TRUST) but only *requests* a certificate and never
 * verifies one. It creates each connection's GnuTLS session before it
 * reports the connection (MHD_OPTION_NOTIFY_CONNECTION) and shakes hands
 * afterwards, in the connection's thread: tls_on_connection() makes the
 * certificate required there and installs the verification. Requests check
 * again (tls_client_verified()), so a connection whose session could not be
 * set up that way is refused with 403 rather than served.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define TLS_MAX_CAFILE (1 << 20) /* a CA bundle is ~200 KiB */

/* Read `path` whole into *out (NUL-terminated). 0, or VIGIL_EUSAGE naming the file. */
static int read_cafile(char **out, const char *path)
{
	vigil_buf b = VIGIL_BUF_INIT;
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;
	int err = 0;

	if (!f)
		return vigil_error_set(VIGIL_EUSAGE,
		                       "config: clair.api.cafile: cannot read '%s': %s", path,
		                       strerror(errno));
	b.max = TLS_MAX_CAFILE;
	while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (vigil_buf_add(&b, chunk, n) < 0)
			err = vigil_error_set(VIGIL_EUSAGE,
			                      "config: clair.api.cafile: '%s' is over %d bytes",
			                      path, TLS_MAX_CAFILE);
	if (!err && ferror(f))
		err = vigil_error_set(VIGIL_EUSAGE,
		                      "config: clair.api.cafile: cannot read '%s': %s", path,
		                      strerror(errno));
	fclose(f);
	if (err) {
		vigil_buf_release(&b);
		return err;
	}
	*out = vigil_buf_detach(&b, NULL);
	return 0;
}

/* 0 when `pem` holds one or more PEM certificates, all parseable. */
static int check_pem_certs(const char *pem, const char *path)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned)strlen(pem) };
	gnutls_x509_crt_t *certs = NULL;
	unsigned i, n = 0;
	int rc;

	rc = gnutls_x509_crt_list_import2(&certs, &n, &d, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0)
		return vigil_error_set(VIGIL_EUSAGE,
		                       "config: clair.api.cafile: '%s' holds no usable PEM "
		                       "certificate: %s",
		                       path, gnutls_strerror(rc));
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(certs[i]);
	gnutls_free(certs);
	return 0;
}

int tls_trust_load(char **out, const char *cafile)
{
	char *pem = NULL;
	int err;

	if ((err = read_cafile(&pem, cafile)) < 0)
		return err;
	if ((err = check_pem_certs(pem, cafile)) < 0) {
		vigil_free(pem);
		return err;
	}
	*out = pem;
	return 0;
}

/* The peer's address ("192.0.2.1:40211") of the session's socket, into buf. */
static void peer_name(gnutls_session_t session, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	int fd = gnutls_transport_get_int(session);

	if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
		}
	}
	snprintf(buf, len, "%s:%u", host, port);
}

/*
 * Verify the session's peer certificate against the listener's trust list:
 * 0, or VIGIL_EAUTH with the reason ("no client certificate", GnuTLS's
 * "The certificate is NOT trusted. The certificate issuer is unknown.").
 */
static int verify_session(gnutls_session_t session)
{
	gnutls_datum_t why = { NULL, 0 };
	unsigned status = 0, n = 0;
	int rc, err;

	if (!gnutls_certificate_get_peers(session, &n) || n == 0)
		return vigil_error_set(VIGIL_EAUTH, "no client certificate");
	rc = gnutls_certificate_verify_peers2(session, &status);
	if (rc < 0)
		return vigil_error_set(VIGIL_EAUTH, "client certificate: %s", gnutls_strerror(rc));
	if (status == 0)
		return 0;
	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0) == 0) {
		while (why.size > 0 && why.data[why.size - 1] == ' ')
			why.data[--why.size] = '\0'; /* GnuTLS ends each sentence with a space */
		err = vigil_error_set(VIGIL_EAUTH, "client certificate: %s",
		                      (const char *)why.data);
	} else {
		err = vigil_error_set(VIGIL_EAUTH, "client certificate: not trusted (status 0x%x)",
		                      status);
	}
	gnutls_free(why.data);
	return err;
}

static void log_refused(gnutls_session_t session, const char *stage)
{
	vigil_buf f = VIGIL_BUF_INIT;
	char peer[INET6_ADDRSTRLEN + 8];

	peer_name(session, peer, sizeof(peer));
	(void)vigil_buf_puts(&f, "\"client\":");
	json_str(&f, peer);
	(void)vigil_buf_puts(&f, ",\"stage\":");
	json_str(&f, stage);
	(void)vigil_buf_puts(&f, ",\"error\":");
	json_str(&f, vigil_error_last());
	server_log(VIGIL_LOG_WARN, "client certificate refused", "%s", f.ptr);
	vigil_buf_release(&f);
}

/* GnuTLS's verification hook, run in the handshake once the client's certificate arrived. */
static int on_handshake_verify(gnutls_session_t session)
{
	if (verify_session(session) == 0)
		return 0;
	log_refused(session, "handshake");
	return GNUTLS_E_CERTIFICATE_ERROR; /* the handshake fails: no HTTP at all */
}

void tls_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;

	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return; /* tls_client_verified() refuses its requests */
	/* REQUEST, not REQUIRE: a client without a certificate then reaches
	 * on_handshake_verify() too, which logs it before failing the handshake. */
	gnutls_certificate_server_set_request(ci->tls_session, GNUTLS_CERT_REQUEST);
	gnutls_session_set_verify_function(ci->tls_session, on_handshake_verify);
}

int tls_client_verified(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	int err;

	if (!ci || !ci->tls_session)
		return vigil_error_set(VIGIL_EAUTH, "no TLS session");
	if ((err = verify_session(ci->tls_session)) < 0)
		log_refused(ci->tls_session, "request");
	return err;
}
