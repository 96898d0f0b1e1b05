/* Unit tests for src/lib/fetch: the URL policy, RFC 3339 times, file://
 * fetches (body, digest, mtime as Last-Modified, a missing file), and the
 * store's feed_source rows that keep the validators between updates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "vigil/vigil.h"
#include "lib/fetch/fetch.h"
#include "lib/store/store.h"
#include "util/sha256.h"

static char dir[] = "/tmp/vigil-fetch-test.XXXXXX";

static void test_url_policy(void **state)
{
	(void)state;
	assert_int_equal(vigil_fetch_url_allowed("https://secdb.alpinelinux.org/v3.18/main.json"),
	                 0);
	assert_int_equal(vigil_fetch_url_allowed("file:///srv/secdb/main.json"), 0);
	assert_int_equal(vigil_fetch_url_allowed("http://127.0.0.1:8080/x"), 0);
	assert_int_equal(vigil_fetch_url_allowed("http://localhost/x"), 0);
	assert_int_equal(vigil_fetch_url_allowed("http://[::1]:99/x"), 0);
	assert_int_equal(vigil_fetch_url_allowed("http://example.com/x"), VIGIL_EUNSUPPORTED);
	assert_non_null(strstr(vigil_error_last(), "plain http only"));
	assert_int_equal(vigil_fetch_url_allowed("http://127.0.0.1.evil.com/x"),
	                 VIGIL_EUNSUPPORTED);
	assert_int_equal(vigil_fetch_url_allowed("ftp://127.0.0.1/x"), VIGIL_EUNSUPPORTED);
	assert_int_equal(vigil_fetch_url_allowed("gopher://x/"), VIGIL_EUNSUPPORTED);
	assert_int_equal(vigil_fetch_url_allowed("not a url"), VIGIL_EUNSUPPORTED);
}

static void test_times(void **state)
{
	char out[32];

	(void)state;
	vigil_fetch_time_format(1735034400, out);
	assert_string_equal(out, "2024-12-24T10:00:00Z");
	assert_int_equal(vigil_fetch_time_parse(out), 1735034400);
	assert_int_equal(vigil_fetch_time_parse("2024-12-24"), -1);
	assert_int_equal(vigil_fetch_time_parse("2024-12-24T10:00:00Zjunk"), -1);
	assert_int_equal(vigil_fetch_time_parse(""), -1);
	assert_int_equal(vigil_fetch_time_parse(NULL), -1);
}

static void test_file_url(void **state)
{
	struct vigil_fetch *f = NULL;
	struct vigil_fetch_result res;
	struct timeval tv[2] = { { 1735034400, 0 }, { 1735034400, 0 } };
	char src[300], url[320], want[VIGIL_DIGEST_LEN];
	const char body[] = "{\"packages\": []}\n";
	FILE *in, *out;

	(void)state;
	snprintf(src, sizeof(src), "%s/main.json", dir);
	snprintf(url, sizeof(url), "file://%s", src);
	assert_non_null(in = fopen(src, "w"));
	fputs(body, in);
	fclose(in);
	assert_int_equal(utimes(src, tv), 0);
	vigil_sha256_buf(body, strlen(body), want);

	assert_int_equal(vigil_fetch_new(&f), 0);
	assert_non_null(out = tmpfile());
	assert_int_equal(vigil_fetch_get(f, url, NULL, out, &res), 0);
	assert_int_equal(res.unchanged, 0);
	assert_int_equal(res.size, strlen(body));
	assert_string_equal(res.digest, want);
	assert_string_equal(res.last_modified, "2024-12-24T10:00:00Z");
	assert_int_equal(ftell(out), (long)strlen(body));
	fclose(out);

	/* The handle is reused; a missing file is a network-class failure naming the URL. */
	snprintf(url, sizeof(url), "file://%s/nope.json", dir);
	assert_non_null(out = tmpfile());
	assert_int_equal(vigil_fetch_get(f, url, NULL, out, &res), VIGIL_ENET);
	assert_non_null(strstr(vigil_error_last(), "nope.json"));
	fclose(out);
	vigil_fetch_free(f);
	vigil_fetch_free(NULL);
}

struct seen {
	char buf[1024];
};

static int collect(const struct vigil_store_source *s, void *payload)
{
	struct seen *seen = payload;
	size_t n = strlen(seen->buf);

	snprintf(seen->buf + n, sizeof(seen->buf) - n, "%s|%s|%s|%s|%s;", s->key, s->location,
	         s->etag, s->last_modified, s->digest);
	return 0;
}

static void test_store_sources(void **state)
{
	struct vigil_store *s = NULL;
	struct vigil_store_source a = { "alpine/a.json", "https://x/a.json", "\"1\"", "",
		                        "sha256:a" };
	struct vigil_store_source b = { "alpine/b.json", "file:///m/b.json", "",
		                        "2024-12-24T10:00:00Z", "sha256:b" };
	struct seen seen = { "" };
	char path[300];

	(void)state;
	snprintf(path, sizeof(path), "%s/v.db", dir);
	assert_int_equal(vigil_store_open(&s, path, VIGIL_STORE_CREATE), 0);
	assert_int_equal(vigil_store_sources(s, "alpine", collect, &seen), 0);
	assert_string_equal(seen.buf, "");
	/* Rolled back: nothing recorded. */
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_source_put(s, "alpine", &a), 0);
	assert_int_equal(vigil_store_rollback(s), 0);
	assert_int_equal(vigil_store_sources(s, "alpine", collect, &seen), 0);
	assert_string_equal(seen.buf, "");
	/* Committed, then replaced. */
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_source_put(s, "alpine", &a), 0);
	assert_int_equal(vigil_store_source_put(s, "alpine", &b), 0);
	assert_int_equal(vigil_store_commit(s), 0);
	a.etag = "\"2\"";
	assert_int_equal(vigil_store_begin(s), 0);
	assert_int_equal(vigil_store_source_put(s, "alpine", &a), 0);
	assert_int_equal(vigil_store_commit(s), 0);
	assert_int_equal(vigil_store_sources(s, "alpine", collect, &seen), 0);
	assert_string_equal(seen.buf,
	                    "alpine/a.json|https://x/a.json|\"2\"||sha256:a;"
	                    "alpine/b.json|file:///m/b.json||2024-12-24T10:00:00Z|sha256:b;");
	seen.buf[0] = '\0';
	assert_int_equal(vigil_store_sources(s, "debian", collect, &seen), 0);
	assert_string_equal(seen.buf, "");
	vigil_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_file_url),
		cmocka_unit_test(test_store_sources),
	};
	char cmd[300];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
