/*
 * The webhook client's TLS and proxy settings (clair.notifier.http.cafile,
 * certfile, keyfile, proxy, servername), applied to the notifier's libcurl
 * handle. Clair v2 (notification/webhook) used them as follows, and vigil
 * does the same except where noted:
 *
 *   certfile + keyfile  the client certificate presented to the endpoint
 *                       (both, or neither: one alone stops startup here;
 *                       Clair ignored it silently)
 *   cafile              the only CAs trusted for the endpoint's certificate
 *                       (Clair: only when a client certificate is set too;
 *                       vigil always, so a cafile is never silently unused)
 *   proxy               the proxy for webhook calls; the notifier ignores the
 *                       HTTP(S)_PROXY environment, as Clair's did
 *   servername          the name checked in the endpoint's certificate:
 *                       libcurl checks the URL's host; a different name is
 *                       warned about at startup (the check fails closed:
 *                       a certificate for the servername only is refused)
 */
#include "server.h"

#include <curl/curl.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* 0 when `path` (the value of clair.notifier.http.`key`) can be read. */
static int check_readable(const char *key, const char *path)
{
	if (path && access(path, R_OK) != 0)
		return vigil_error_set(VIGIL_EUSAGE,
		                       "config: clair.notifier.http.%s: cannot read '%s': %s", key,
		                       path, strerror(errno));
	return 0;
}

/* A part of `url` into *out (the caller frees it with curl_free()); -1 when unparseable. */
static int url_part(const char *url, CURLUPart part, char **out)
{
	CURLU *u = curl_url();
	int ok;

	*out = NULL;
	ok = u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	     curl_url_get(u, part, out, 0) == CURLUE_OK;
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

/* The proxy must be a URL with a scheme libcurl knows and a host ("http://proxy:3128"). */
static int check_proxy(const char *proxy)
{
	static const char *const schemes[] = { "http",   "https",   "socks4", "socks4a",
		                               "socks5", "socks5h", NULL };
	char *scheme = NULL, *host = NULL;
	int known = 0, i;

	if (!proxy)
		return 0;
	if (url_part(proxy, CURLUPART_SCHEME, &scheme) == 0 &&
	    url_part(proxy, CURLUPART_HOST, &host) == 0)
		for (i = 0; schemes[i]; i++)
			known |= strcasecmp(scheme, schemes[i]) == 0;
	curl_free(scheme);
	curl_free(host);
	if (!known)
		return vigil_error_set(VIGIL_EUSAGE,
		                       "config: clair.notifier.http.proxy: '%s' is not a proxy URL "
		                       "(http://HOST:PORT, https:// or socks5://)",
		                       proxy);
	return 0;
}

int webhook_tls_servername_ignored(const struct server_config *c)
{
	char *host = NULL;
	int ignored;

	if (!c->notifier_endpoint || !c->notifier_servername)
		return 0;
	ignored = url_part(c->notifier_endpoint, CURLUPART_HOST, &host) < 0 ||
	          strcasecmp(host, c->notifier_servername) != 0;
	curl_free(host);
	return ignored;
}

int webhook_tls_check(const struct server_config *c)
{
	int err;

	if (!c->notifier_endpoint)
		return 0;
	if (!c->notifier_certfile != !c->notifier_keyfile)
		return vigil_error_set(
		        VIGIL_EUSAGE,
		        "config: clair.notifier.http.certfile and keyfile go together "
		        "(the webhook's client certificate)");
	if ((err = check_readable("cafile", c->notifier_cafile)) < 0 ||
	    (err = check_readable("certfile", c->notifier_certfile)) < 0 ||
	    (err = check_readable("keyfile", c->notifier_keyfile)) < 0 ||
	    (err = check_proxy(c->notifier_proxy)) < 0)
		return err;
	return 0;
}

void webhook_tls_apply(CURL *h, const struct server_config *c)
{
	if (c->notifier_cafile) {
		curl_easy_setopt(h, CURLOPT_CAINFO, c->notifier_cafile);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL); /* the cafile only, as Go's RootCAs */
	}
	if (c->notifier_certfile && c->notifier_keyfile) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->notifier_certfile);
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->notifier_keyfile);
	}
	/* "" turns off the proxy environment variables: the notifier uses http.proxy only. */
	curl_easy_setopt(h, CURLOPT_PROXY, c->notifier_proxy ? c->notifier_proxy : "");
}
