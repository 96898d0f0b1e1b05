/*
 * A layer's bytes, streamed into the analysis: from an http(s) URL (libcurl,
 * pulled with the multi interface so the layer reader drives the download
 * and nothing touches the disk), from a local file (only when the config
 * allows local paths), or from the request body (vigil's extension).
 *
 * Failures to reach the layer answer 400 with a message that names the host
 * and the reason ("could not find layer: GET http://host/x.tar: connection
 * refused"); Clair only said "could not find layer".
 */
#include "server.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define FETCH_CONNECT_TIMEOUT_MS 10000L
#define FETCH_LOW_SPEED 1L       /* bytes/s ... */
#define FETCH_LOW_SPEED_TIME 30L /* ... for this long: the transfer is dropped */
#define FETCH_MAX_REDIRECTS 10L
#define FILE_CHUNK (1 << 20)

/* ---- memory and file sources ---------------------------------------------- */

struct mem_src {
	const char *p;
	size_t n;
	int done;
};

static ssize_t mem_read(void *payload, const void **buf)
{
	struct mem_src *m = payload;

	if (m->done)
		return 0;
	m->done = 1;
	*buf = m->p;
	return (ssize_t)m->n;
}

struct file_src {
	int fd;
	char *buf;
	const char *path;
};

static ssize_t file_read(void *payload, const void **buf)
{
	struct file_src *f = payload;
	ssize_t n;

	do
		n = read(f->fd, f->buf, FILE_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vigil_error_set(VIGIL_EIO, "cannot read layer '%s': %s", f->path,
		                       strerror(errno));
	*buf = f->buf;
	return n;
}

/* ---- http(s) ------------------------------------------------------------------ */

struct http_src {
	CURLM *multi;
	CURL *easy;
	struct curl_slist *headers;
	vigil_buf chunk; /* what curl delivered since the last read */
	int running;
	int done;
	CURLcode result;
	char errbuf[CURL_ERROR_SIZE];
	const char *url;
	long status;
	int bad_status;
	int handed; /* `chunk` was given to the reader: clear it before pumping */
	struct server *srv;
};

static size_t http_write(char *data, size_t size, size_t n, void *payload)
{
	struct http_src *h = payload;

	if (!h->status)
		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &h->status);
	if (h->status < 200 || h->status > 299) {
		h->bad_status = 1;
		return 0; /* abort: the body of an error page is not a layer */
	}
	if (vigil_buf_add(&h->chunk, data, size * n) < 0)
		return 0;
	return size * n;
}

/* Run curl until it delivered some bytes or finished. */
static void http_pump(struct http_src *h)
{
	while (h->chunk.len == 0 && !h->done) {
		CURLMsg *msg;
		int left;
		if (curl_multi_perform(h->multi, &h->running) != CURLM_OK) {
			h->done = 1;
			h->result = CURLE_FAILED_INIT;
			break;
		}
		while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
			if (msg->msg == CURLMSG_DONE) {
				h->done = 1;
				h->result = msg->data.result;
			}
		}
		if (!h->done && server_stopping(h->srv)) {
			h->done = 1;
			h->result = CURLE_ABORTED_BY_CALLBACK;
			snprintf(h->errbuf, sizeof(h->errbuf), "the server is stopping");
		}
		if (!h->done && h->chunk.len == 0)
			curl_multi_poll(h->multi, NULL, 0, 200, NULL);
	}
}

/* The one-line reason the download failed; 0 when it did not. */
static int http_error(struct http_src *h)
{
	if (h->bad_status)
		return vigil_error_set(VIGIL_ENET, "could not find layer: GET %s: HTTP %ld", h->url,
		                       h->status);
	if (h->done && h->result != CURLE_OK) {
		const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(h->result);
		int code = h->result == CURLE_OPERATION_TIMEDOUT ? VIGIL_ETIMEOUT : VIGIL_ENET;
		return vigil_error_set(code, "could not find layer: GET %s: %s", h->url, why);
	}
	return 0;
}

static ssize_t http_read(void *payload, const void **buf)
{
	struct http_src *h = payload;
	int err;

	if (h->handed)
		vigil_buf_reset(&h->chunk);
	http_pump(h);
	if ((err = http_error(h)) < 0)
		return err;
	h->handed = 1;
	*buf = h->chunk.ptr;
	return (ssize_t)h->chunk.len;
}

static void http_release(struct http_src *h)
{
	if (h->multi && h->easy)
		curl_multi_remove_handle(h->multi, h->easy);
	if (h->easy)
		curl_easy_cleanup(h->easy);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	curl_slist_free_all(h->headers);
	vigil_buf_release(&h->chunk);
}

static int http_open(struct server *s, struct http_src *h, const char *url, json_t *headers)
{
	const char *k;
	json_t *v;

	memset(h, 0, sizeof(*h));
	h->url = url;
	h->srv = s;
	h->multi = curl_multi_init();
	h->easy = curl_easy_init();
	if (!h->multi || !h->easy)
		return vigil_error_set(VIGIL_ENET, "could not find layer: cannot start libcurl");
	json_object_foreach(headers, k, v)
	{
		vigil_buf line = VIGIL_BUF_INIT;
		if (!json_is_string(v) || strpbrk(k, "\r\n:") ||
		    strpbrk(json_string_value(v), "\r\n"))
			continue;
		(void)vigil_buf_printf(&line, "%s: %s", k, json_string_value(v));
		h->headers = curl_slist_append(h->headers, line.ptr);
		vigil_buf_release(&line);
	}
	curl_easy_setopt(h->easy, CURLOPT_URL, url);
	curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h->easy, CURLOPT_MAXREDIRS, FETCH_MAX_REDIRECTS);
	curl_easy_setopt(h->easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->easy, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION_STRING);
	curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS, FETCH_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h->easy, CURLOPT_LOW_SPEED_LIMIT, FETCH_LOW_SPEED);
	curl_easy_setopt(h->easy, CURLOPT_LOW_SPEED_TIME, FETCH_LOW_SPEED_TIME);
	if (s->cfg.timeout_ms > 0) {
		/* end the download a little before the request's own deadline (503),
		 * so a slow layer gets its clear 400 */
		int64_t ms = s->cfg.timeout_ms;
		ms -= ms / 10 < 1000 ? ms / 10 : 1000;
		curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)(ms > 0 ? ms : 1));
	}
	curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, h);
	curl_multi_add_handle(h->multi, h->easy);
	/* Reach the first bytes (or the failure) before the archive is looked at,
	 * so an unreachable layer is told apart from a corrupt one. */
	http_pump(h);
	return http_error(h);
}

static int is_url(const char *p)
{
	return strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0;
}

int fetch_analyze(struct server *s, vigil_clair_analysis **out, const char *name, const char *path,
                  json_t *headers, const char *body, size_t body_len, int *fetch_failed)
{
	int err;

	*out = NULL;
	*fetch_failed = 0;
	if (body) {
		struct mem_src m = { body, body_len, 0 };
		return vigil_clair_analyze(out, mem_read, &m, name, s->cfg.max_file_size);
	}
	if (is_url(path)) {
		struct http_src h;
		if ((err = http_open(s, &h, path, headers)) == 0) {
			err = vigil_clair_analyze(out, http_read, &h, name, s->cfg.max_file_size);
			if (err < 0 && (h.bad_status || (h.done && h.result != CURLE_OK))) {
				*fetch_failed = 1;
				err = http_error(&h);
			}
		} else {
			*fetch_failed = 1;
		}
		http_release(&h);
		return err;
	}
	*fetch_failed = 1;
	if (!s->cfg.allowlocalpath)
		return vigil_error_set(
		        VIGIL_EINVALID,
		        "could not find layer: local layer paths are disabled; "
		        "set clair.api.allowlocalpath: true in the config to allow them");
	{
		struct file_src f = { -1, NULL, path };
		f.fd = open(path, O_RDONLY | O_CLOEXEC);
		if (f.fd < 0)
			return vigil_error_set(VIGIL_EINVALID, "could not find layer");
		*fetch_failed = 0;
		f.buf = vigil_malloc(FILE_CHUNK);
		err = vigil_clair_analyze(out, file_read, &f, name, s->cfg.max_file_size);
		vigil_free(f.buf);
		close(f.fd);
	}
	return err;
}
