/*
 * One libcurl easy handle per struct vigil_fetch, reset and reconfigured
 * for each request (curl_easy_reset keeps the connection and TLS session
 * caches): conditional GETs, the URL policy of fetch.h and the size cap.
 */
#include "fetch.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

#define COMPONENT "fetch"

struct vigil_fetch {
	CURL *h;
	char errbuf[CURL_ERROR_SIZE];
};

/* Where the body goes: the caller's file, a running digest, the size cap. */
struct sink {
	FILE *out;
	struct vigil_sha256 sha;
	uint64_t size;
	int too_big, io_error;
};

void vigil_fetch_time_format(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t vigil_fetch_time_parse(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) || *end)
		return -1;
	return (int64_t)timegm(&tm);
}

int vigil_fetch_new(struct vigil_fetch **out)
{
	static int initialised;
	struct vigil_fetch *f;

	*out = NULL;
	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return vigil_error_set(VIGIL_ENET, "cannot initialise libcurl");
		initialised = 1;
	}
	f = vigil_calloc(1, sizeof(*f));
	if (!(f->h = curl_easy_init())) {
		vigil_free(f);
		return vigil_error_set(VIGIL_ENET, "cannot initialise libcurl");
	}
	*out = f;
	return 0;
}

void vigil_fetch_free(struct vigil_fetch *f)
{
	if (!f)
		return;
	curl_easy_cleanup(f->h);
	vigil_free(f);
}

static int host_is_local(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0 ||
	       strcmp(host, "localhost") == 0;
}

int vigil_fetch_url_allowed(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int err = 0;

	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		err = vigil_error_set(VIGIL_EUNSUPPORTED, "'%s': not a URL", url);
	else if (strcmp(scheme, "https") == 0 || strcmp(scheme, "file") == 0)
		err = 0;
	else if (strcmp(scheme, "http") != 0)
		err = vigil_error_set(
		        VIGIL_EUNSUPPORTED,
		        "'%s': only https://, file:// and http://127.0.0.1 are fetched", url);
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host_is_local(host))
		err = vigil_error_set(VIGIL_EUNSUPPORTED,
		                      "'%s': plain http only to 127.0.0.1 or localhost; use https",
		                      url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return err;
}

static size_t on_body(char *p, size_t size, size_t n, void *payload)
{
	struct sink *s = payload;
	size_t len = size * n;

	if (s->size + len > (uint64_t)VIGIL_MAX_FETCH_SIZE) {
		s->too_big = 1;
		return 0;
	}
	if (len && fwrite(p, 1, len, s->out) != len) {
		s->io_error = 1;
		return 0;
	}
	vigil_sha256_update(&s->sha, p, len);
	s->size += len;
	return len;
}

/* A stored validator goes into a request header only when it is printable. */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static struct curl_slist *configure(struct vigil_fetch *f, const char *url,
                                    const struct vigil_fetch_validators *v, struct sink *sink)
{
	struct curl_slist *hdrs = NULL;
	char line[VIGIL_MAX_FETCH_VALIDATOR + 32];
	CURL *h = f->h;
	int64_t since;

	curl_easy_reset(h);
	f->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, f->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http,file");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)VIGIL_MAX_FETCH_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)VIGIL_FETCH_CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)VIGIL_FETCH_LOW_SPEED);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)VIGIL_FETCH_LOW_SPEED_TIME);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)VIGIL_MAX_FETCH_SIZE);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vigil");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_FILETIME, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	if (v && v->etag && *v->etag && printable(v->etag) &&
	    strlen(v->etag) < VIGIL_MAX_FETCH_VALIDATOR) {
		snprintf(line, sizeof(line), "If-None-Match: %s", v->etag);
		hdrs = curl_slist_append(hdrs, line);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	}
	/* If-Modified-Since only without an ETag, and only over http(s): curl
	 * itself turns a 200 whose Last-Modified is not newer into "unmet", and
	 * a change within the same second would go unseen. file:// is read
	 * whole and judged by its digest. */
	if (v && v->last_modified && !(v->etag && *v->etag) && strncmp(url, "file:", 5) != 0 &&
	    (since = vigil_fetch_time_parse(v->last_modified)) >= 0) {
		curl_easy_setopt(h, CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_IFMODSINCE);
		curl_easy_setopt(h, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)since);
	}
	return hdrs;
}

static int transfer_error(struct vigil_fetch *f, const char *url, CURLcode rc,
                          const struct sink *sink)
{
	if (sink->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return vigil_error_set(VIGIL_ETOOBIG, "'%s': more than %lld bytes", url,
		                       (long long)VIGIL_MAX_FETCH_SIZE);
	if (sink->io_error)
		return vigil_error_set(VIGIL_EIO, "'%s': cannot write the download", url);
	return vigil_error_set(VIGIL_ENET, "'%s': %s", url,
	                       f->errbuf[0] ? f->errbuf : curl_easy_strerror(rc));
}

/* The response's validators into *res. */
static void read_validators(struct vigil_fetch *f, struct vigil_fetch_result *res)
{
	struct curl_header *hd = NULL;
	curl_off_t mtime = -1;

	if (curl_easy_getinfo(f->h, CURLINFO_FILETIME_T, &mtime) == CURLE_OK && mtime >= 0)
		vigil_fetch_time_format((int64_t)mtime, res->last_modified);
	if (curl_easy_header(f->h, "ETag", 0, CURLH_HEADER, -1, &hd) == CURLHE_OK &&
	    strlen(hd->value) < sizeof(res->etag) && printable(hd->value))
		memcpy(res->etag, hd->value, strlen(hd->value) + 1);
}

int vigil_fetch_get(struct vigil_fetch *f, const char *url, const struct vigil_fetch_validators *v,
                    FILE *out, struct vigil_fetch_result *res)
{
	struct sink sink = { out, { 0 }, 0, 0, 0 };
	struct curl_slist *hdrs;
	long unmet = 0;
	CURLcode rc;
	int err = 0;

	memset(res, 0, sizeof(*res));
	if ((err = vigil_fetch_url_allowed(url)) < 0)
		return err;
	vigil_sha256_init(&sink.sha);
	hdrs = configure(f, url, v, &sink);
	vigil_log(DEBUG, COMPONENT, "GET %s%s", url,
	          hdrs || (v && v->last_modified && *v->last_modified) ? " (conditional)" : "");
	rc = curl_easy_perform(f->h);
	if (rc != CURLE_OK) {
		err = transfer_error(f, url, rc, &sink);
		goto out;
	}
	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &res->status);
	curl_easy_getinfo(f->h, CURLINFO_CONDITION_UNMET, &unmet);
	if (res->status != 0 && res->status != 200 && res->status != 304) {
		err = vigil_error_set(VIGIL_ENET, "'%s': HTTP %ld", url, res->status);
		goto out;
	}
	if (fflush(out) != 0) {
		err = vigil_error_set(VIGIL_EIO, "'%s': cannot write the download", url);
		goto out;
	}
	res->unchanged = res->status == 304 || unmet;
	res->size = sink.size;
	read_validators(f, res);
	if (!res->unchanged)
		vigil_sha256_final(&sink.sha, res->digest);
out:
	vigil_sha256_release(&sink.sha);
	curl_slist_free_all(hdrs);
	return err;
}
