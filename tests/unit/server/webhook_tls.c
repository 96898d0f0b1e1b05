/* Unit tests for src/server/webhook_tls.c: a libcurl handle given the webhook
 * settings presents the client certificate, trusts the cafile and only it,
 * goes through clair.notifier.http.proxy and ignores the proxy environment;
 * webhook_tls_check() refuses what cannot work. The HTTPS endpoint is an
 * in-process libmicrohttpd daemon; openssl makes the certificates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server.h"

static char dir[] = "/tmp/vigil-webhook-tls.XXXXXX";
static char *pem_cert, *pem_key, *pem_ca;
static struct MHD_Daemon *https;
static unsigned https_port;

static char *path(const char *name)
{
	static char buf[8][300];
	static unsigned i;
	char *p = buf[i++ % 8];

	snprintf(p, 300, "%s/%s", dir, name);
	return p;
}

static char *slurp(const char *name)
{
	FILE *f = fopen(path(name), "rb");
	char *s = calloc(1, 65536);

	assert_non_null(f);
	assert_true(fread(s, 1, 65535, f) > 0);
	fclose(f);
	return s;
}

/* A CA, a rogue CA, the server's certificate (127.0.0.1) and a client's. */
static void make_certs(void)
{
	char cmd[4096];

	snprintf(
	        cmd, sizeof(cmd),
	        "set -e; cd '%s'; q() { \"$@\" >/dev/null 2>&1; }\n"
	        "for ca in ca rogue; do q openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key"
	        " -out $ca.pem -days 2 -subj /CN=$ca; done\n"
	        "q openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr"
	        " -subj /CN=127.0.0.1\n"
	        "printf 'subjectAltName=IP:127.0.0.1\\n' >server.ext\n"
	        "q openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2"
	        " -extfile server.ext -out server.pem\n"
	        "q openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr"
	        " -subj /CN=webhook-client\n"
	        "q openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2"
	        " -out client.pem\n",
	        dir);
	assert_int_equal(system(cmd), 0);
}

/* The endpoint answers whether the client presented a certificate the CA signed. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	const char *answer = "no certificate";
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned n = 0, status = 1;

	if (ci && gnutls_certificate_get_peers(ci->tls_session, &n) && n > 0)
		answer = gnutls_certificate_verify_peers2(ci->tls_session, &status) == 0 &&
		                         status == 0
		                 ? "verified"
		                 : "not verified";
	r = MHD_create_response_from_buffer(strlen(answer), (void *)answer, MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static int setup(void **state)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	(void)state;
	assert_non_null(mkdtemp(dir));
	make_certs();
	pem_cert = slurp("server.pem");
	pem_key = slurp("server.key");
	pem_ca = slurp("ca.pem");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	https = MHD_start_daemon(MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
	                                 MHD_USE_THREAD_PER_CONNECTION,
	                         0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sin,
	                         MHD_OPTION_HTTPS_MEM_CERT, pem_cert, MHD_OPTION_HTTPS_MEM_KEY,
	                         pem_key, MHD_OPTION_HTTPS_MEM_TRUST, pem_ca, MHD_OPTION_END);
	assert_non_null(https);
	info = MHD_get_daemon_info(https, MHD_DAEMON_INFO_BIND_PORT);
	https_port = info->port;
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	MHD_stop_daemon(https);
	free(pem_cert);
	free(pem_key);
	free(pem_ca);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static size_t collect(char *d, size_t s, size_t n, void *p)
{
	return vigil_buf_add(p, d, s * n) < 0 ? 0 : s * n;
}

/* GET `url` with a handle set up by webhook_tls_apply(); the body in `out`. */
static CURLcode get(const struct server_config *c, const char *url, vigil_buf *out)
{
	CURL *h = curl_easy_init();
	CURLcode rc;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	webhook_tls_apply(h, c);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	return rc;
}

static const char *https_url(void)
{
	static char url[64];

	snprintf(url, sizeof(url), "https://127.0.0.1:%u/notify", https_port);
	return url;
}

static void test_client_certificate(void **state)
{
	struct server_config c = { 0 };
	vigil_buf body = VIGIL_BUF_INIT;

	(void)state;
	c.notifier_cafile = path("ca.pem");
	c.notifier_certfile = path("client.pem");
	c.notifier_keyfile = path("client.key");
	assert_int_equal(get(&c, https_url(), &body), CURLE_OK);
	assert_string_equal(body.ptr, "verified");
	vigil_buf_release(&body);
}

static void test_cafile_without_client_certificate(void **state)
{
	struct server_config c = { 0 };
	vigil_buf body = VIGIL_BUF_INIT;

	(void)state;
	c.notifier_cafile = path("ca.pem"); /* Clair ignored it without a certificate */
	assert_int_equal(get(&c, https_url(), &body), CURLE_OK);
	assert_string_equal(body.ptr, "no certificate");
	vigil_buf_release(&body);
}

static void test_server_not_trusted(void **state)
{
	struct server_config c = { 0 };
	vigil_buf body = VIGIL_BUF_INIT;

	(void)state;
	/* no cafile: the system's CAs do not know the test CA */
	assert_int_equal(get(&c, https_url(), &body), CURLE_PEER_FAILED_VERIFICATION);
	/* a cafile is the only trust: another CA's file does not add the system's */
	c.notifier_cafile = path("rogue.pem");
	c.notifier_certfile = path("client.pem");
	c.notifier_keyfile = path("client.key");
	assert_int_equal(get(&c, https_url(), &body), CURLE_PEER_FAILED_VERIFICATION);
	assert_int_equal(body.len, 0);
	vigil_buf_release(&body);
}

/* A one-shot HTTP proxy: records the first request line and answers 200. */
struct proxy {
	int fd;
	unsigned port;
	char line[256];
	pthread_t t;
};

static void *proxy_main(void *arg)
{
	struct proxy *p = arg;
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied";
	char buf[2048];
	ssize_t n;
	int c;

	if (poll(&pfd, 1, 5000) != 1 || (c = accept(p->fd, NULL, NULL)) < 0)
		return NULL;
	n = recv(c, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		snprintf(p->line, sizeof(p->line), "%.*s", (int)sizeof(p->line) - 1, buf);
		(void)!send(c, ok, sizeof(ok) - 1, MSG_NOSIGNAL);
	}
	close(c);
	return NULL;
}

static void proxy_start(struct proxy *p)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(p, 0, sizeof(*p));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(p->fd >= 0);
	assert_int_equal(bind(p->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(p->fd, 4), 0);
	assert_int_equal(getsockname(p->fd, (struct sockaddr *)&sin, &sl), 0);
	p->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&p->t, NULL, proxy_main, p), 0);
}

static void proxy_stop(struct proxy *p)
{
	pthread_join(p->t, NULL);
	close(p->fd);
}

/* A port nothing listens on (it was free a moment ago). */
static unsigned free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void test_proxy(void **state)
{
	struct server_config c = { 0 };
	vigil_buf body = VIGIL_BUF_INIT;
	struct proxy p;
	char url[64];

	(void)state;
	proxy_start(&p);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", p.port);
	c.notifier_proxy = url;
	assert_int_equal(get(&c, "http://webhook.invalid/notify", &body), CURLE_OK);
	proxy_stop(&p);
	assert_string_equal(p.line, "GET http://webhook.invalid/notify HTTP/1.1");
	assert_string_equal(body.ptr, "proxied");
	vigil_buf_release(&body);
}

static void test_proxy_environment_ignored(void **state)
{
	struct server_config c = { 0 };
	vigil_buf body = VIGIL_BUF_INIT;
	struct proxy p;
	char url[64];
	char target[64];

	(void)state;
	snprintf(target, sizeof(target), "http://127.0.0.1:%u/notify", free_port());
	proxy_start(&p);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", p.port);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	setenv("http_proxy", url, 1);
	/* straight to the (closed) port, not through the environment's proxy */
	assert_int_equal(get(&c, target, &body), CURLE_COULDNT_CONNECT);
	unsetenv("http_proxy");
	shutdown(p.fd, SHUT_RDWR); /* the proxy stops waiting */
	proxy_stop(&p);
	assert_string_equal(p.line, "");
	vigil_buf_release(&body);
}

static void test_check(void **state)
{
	struct server_config c = { 0 };

	(void)state;
	c.notifier_certfile = path("client.pem");
	assert_int_equal(webhook_tls_check(&c), 0); /* no endpoint: no notifier */
	c.notifier_endpoint = "https://hooks.example:8443/clair";
	assert_int_equal(webhook_tls_check(&c), VIGIL_EUSAGE);
	assert_non_null(strstr(vigil_error_last(), "certfile and keyfile go together"));
	c.notifier_keyfile = path("client.key");
	c.notifier_cafile = path("ca.pem");
	assert_int_equal(webhook_tls_check(&c), 0);
	c.notifier_cafile = path("missing.pem");
	assert_int_equal(webhook_tls_check(&c), VIGIL_EUSAGE);
	assert_non_null(strstr(vigil_error_last(), "clair.notifier.http.cafile: cannot read '"));
	assert_non_null(strstr(vigil_error_last(), "missing.pem': No such file or directory"));
	c.notifier_cafile = NULL;
	c.notifier_proxy = "proxy.example:3128";
	assert_int_equal(webhook_tls_check(&c), VIGIL_EUSAGE);
	assert_non_null(strstr(vigil_error_last(), "'proxy.example:3128' is not a proxy URL"));
	c.notifier_proxy = "http://proxy.example:3128";
	assert_int_equal(webhook_tls_check(&c), 0);
	c.notifier_proxy = "socks5h://proxy.example";
	assert_int_equal(webhook_tls_check(&c), 0);
}

static void test_servername(void **state)
{
	struct server_config c = { 0 };

	(void)state;
	c.notifier_endpoint = "https://hooks.example:8443/clair";
	assert_int_equal(webhook_tls_servername_ignored(&c), 0);
	c.notifier_servername = "HOOKS.example";
	assert_int_equal(webhook_tls_servername_ignored(&c), 0);
	c.notifier_servername = "other.example";
	assert_int_equal(webhook_tls_servername_ignored(&c), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_certificate),
		cmocka_unit_test(test_cafile_without_client_certificate),
		cmocka_unit_test(test_server_not_trusted),
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_proxy_environment_ignored),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_servername),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
