/*
 * Helpers every report format shares: strings made valid UTF-8, the OS
 * behind a namespace, package URLs (purl), URL checks, layer look-up and
 * severity counts.
 */
#include "writer.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <stdio.h>
#include <string.h>

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s, or 0 when the byte at s starts none. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *vigil_report__utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	vigil_buf b = VIGIL_BUF_INIT;
	size_t n;

	(void)vigil_buf_puts(&b, "");
	while (*p) {
		n = utf8_seq(p);
		if (n) {
			(void)vigil_buf_add(&b, p, n);
			p += n;
		} else {
			(void)vigil_buf_puts(&b, "\xef\xbf\xbd"); /* U+FFFD */
			p++;
		}
	}
	return vigil_buf_detach(&b, NULL);
}

json_t *vigil_report__jstr(const char *s)
{
	char *u = vigil_report__utf8(s);
	json_t *j = json_string(u);

	vigil_free(u);
	return j ? j : json_string("");
}

int vigil_report__check(FILE *out)
{
	return ferror(out) ? VIGIL_EIO : 0;
}

int vigil_report__dump(FILE *out, const json_t *root, size_t flags)
{
	if (json_dumpf(root, out, flags) != 0 || fputc('\n', out) == EOF)
		return VIGIL_EIO;
	return vigil_report__check(out);
}

/* ---- operating systems ---- */

struct os_name {
	const char *id, *family, *purl_ns;
};

/* Namespace ids (PRODUCT.md) to Trivy's OS families and purl namespaces. */
static const struct os_name os_names[] = {
	{ "almalinux", "alma", "alma" },
	{ "alpine", "alpine", "alpine" },
	{ "amzn", "amazon", "amazon" },
	{ "centos", "centos", "centos" },
	{ "debian", "debian", "debian" },
	{ "fedora", "fedora", "fedora" },
	{ "ol", "oracle", "oracle" },
	{ "opensuse-leap", "opensuse-leap", "opensuse" },
	{ "rhel", "redhat", "redhat" },
	{ "rocky", "rocky", "rocky" },
	{ "sles", "suse linux enterprise server", "suse" },
	{ "ubuntu", "ubuntu", "ubuntu" },
};

void vigil_report__os(struct vigil_report_os *os, const char *ns)
{
	const char *colon = ns ? strchr(ns, ':') : NULL;
	size_t i, idlen = colon ? (size_t)(colon - ns) : (ns ? strlen(ns) : 0);
	const char *ver = colon ? colon + 1 : "";

	memset(os, 0, sizeof(*os));
	if (idlen >= sizeof(os->id))
		idlen = sizeof(os->id) - 1;
	memcpy(os->id, ns ? ns : "", idlen);
	if (strncmp(os->id, "alpine", 7) == 0 && ver[0] == 'v')
		ver++;
	snprintf(os->version, sizeof(os->version), "%s", ver);
	os->family = os->id;
	os->purl_ns = os->id;
	for (i = 0; i < sizeof(os_names) / sizeof(os_names[0]); i++) {
		if (strcmp(os_names[i].id, os->id) == 0) {
			os->family = os_names[i].family;
			os->purl_ns = os_names[i].purl_ns;
		}
	}
}

const char *vigil_report__namespace(const vigil_scan_result *r)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);

	return in ? vigil_inspection_namespace(in) : NULL;
}

void vigil_report__result_os(struct vigil_report_os *os, const vigil_scan_result *r)
{
	vigil_report__os(os, vigil_report__namespace(r));
}

/* ---- package URLs ---- */

/* Percent-encode everything but RFC 3986's unreserved characters. */
static void purl_escape(vigil_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			(void)vigil_buf_putc(out, (char)*p);
		} else {
			(void)vigil_buf_putc(out, '%');
			(void)vigil_buf_putc(out, hex[*p >> 4]);
			(void)vigil_buf_putc(out, hex[*p & 15]);
		}
	}
}

static const char *purl_type(vigil_version_format fmt)
{
	switch (fmt) {
	case VIGIL_VERSION_DPKG:
		return "deb";
	case VIGIL_VERSION_RPM:
		return "rpm";
	case VIGIL_VERSION_APK:
		return "apk";
	default:
		return "generic";
	}
}

/* One "key=value" qualifier, keys given in sorted order as the purl spec asks. */
static void purl_qualifier(vigil_buf *out, int *first, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	(void)vigil_buf_puts(out, *first ? "?" : "&");
	(void)vigil_buf_puts(out, key);
	(void)vigil_buf_putc(out, '=');
	purl_escape(out, value);
	*first = 0;
}

void vigil_report__purl(vigil_buf *out, const vigil_package *p, const struct vigil_report_os *os)
{
	const char *version = p->version ? p->version : "";
	const char *colon = strchr(version, ':');
	char epoch[32] = "", distro[160] = "";
	int first = 1;

	/* rpm's purl carries the epoch as a qualifier, not in the version */
	if (p->format == VIGIL_VERSION_RPM && colon && (size_t)(colon - version) < sizeof(epoch)) {
		memcpy(epoch, version, (size_t)(colon - version));
		version = colon + 1;
	}
	if (os->id[0])
		snprintf(distro, sizeof(distro), "%s-%s", os->purl_ns, os->version);
	(void)vigil_buf_printf(out, "pkg:%s/", purl_type(p->format));
	if (os->purl_ns[0]) {
		purl_escape(out, os->purl_ns);
		(void)vigil_buf_putc(out, '/');
	}
	purl_escape(out, p->name ? p->name : "");
	(void)vigil_buf_putc(out, '@');
	purl_escape(out, version);
	purl_qualifier(out, &first, "arch", p->arch);
	purl_qualifier(out, &first, "distro", distro);
	purl_qualifier(out, &first, "epoch", epoch);
}

/* ---- URLs ---- */

static int uri_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~:/?#[]@!$&'()*+,;=", c));
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The host part of an http(s) URL: at least one character, no '[', ']' or '@' tricks. */
static int host_ok(const char *h)
{
	size_t n = strcspn(h, "/?#");
	size_t i, colon = strcspn(h, ":");

	if (n == 0 || colon == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("[]@", h[i]))
			return 0;
	/* a port is digits only */
	for (i = colon + 1; colon < n && i < n; i++)
		if (h[i] < '0' || h[i] > '9')
			return 0;
	return 1;
}

int vigil_report__is_url(const char *s)
{
	const unsigned char *p;
	const char *host;

	if (!s)
		return 0;
	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return 0;
	if (!host_ok(host))
		return 0;
	for (p = (const unsigned char *)host; *p; p++) {
		if (*p == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return 0;
		} else if (!uri_char(*p) || *p == '[' || *p == ']') {
			return 0;
		}
	}
	return 1;
}

/* ---- image facts ---- */

const vigil_layer_info *vigil_report__layer(const vigil_scan_result *r, const char *diff_id,
                                            size_t *index)
{
	const vigil_inspection *in = vigil_scan_result_inspection(r);
	size_t i, n = in ? vigil_inspection_layer_count(in) : 0;
	const vigil_layer_info *l;

	if (index)
		*index = 0;
	for (i = 0; diff_id && i < n; i++) {
		l = vigil_inspection_layer(in, i);
		if (l->diff_id && strcmp(l->diff_id, diff_id) == 0) {
			if (index)
				*index = i + 1;
			return l;
		}
	}
	return NULL;
}

void vigil_report__count(const vigil_scan_result *r, size_t *counts)
{
	size_t i, n = vigil_scan_result_count(r);
	unsigned s;

	memset(counts, 0, VIGIL_SEVERITY_COUNT * sizeof(*counts));
	for (i = 0; i < n; i++) {
		s = (unsigned)vigil_scan_result_finding(r, i)->severity;
		counts[s < VIGIL_SEVERITY_COUNT ? s : 0]++;
	}
}
