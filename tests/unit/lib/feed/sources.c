/* Unit tests for the `db update` source lists of every feed (feed.h,
 * struct vigil_feed_source): each source has a path or a mirror path, keys
 * (mirror, else path) are unique per feed, relative paths need an upstream
 * base, whole URLs are https, mirror paths are relative and start with a
 * vulndata source directory, and every mirror path exists in
 * ../shared/vulndata (when VIGIL_SHARED is set). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/feed/feed.h"

static const char *key_of(const struct vigil_feed_source *s)
{
	return s->mirror ? s->mirror : s->path;
}

static void test_source_lists_are_well_formed(void **state)
{
	size_t f, i, j, listed = 0;

	(void)state;
	for (f = 0; f < vigil_feed_count(); f++) {
		const struct vigil_feed *feed = vigil_feed_get(f);
		const struct vigil_feed_source *s = feed->sources;
		if (!s)
			continue;
		listed++;
		for (i = 0; s[i].path || s[i].mirror; i++) {
			if (s[i].path && !strstr(s[i].path, "://"))
				assert_non_null(feed->upstream);
			if (s[i].path && strstr(s[i].path, "://"))
				assert_int_equal(strncmp(s[i].path, "https://", 8), 0);
			if (s[i].mirror) {
				assert_true(s[i].mirror[0] != '/');
				assert_null(strstr(s[i].mirror, ".."));
			}
			for (j = 0; j < i; j++)
				assert_string_not_equal(key_of(&s[i]), key_of(&s[j]));
		}
		assert_true(i > 0);
	}
	/* every feed lists its sources now */
	assert_int_equal(listed, vigil_feed_count());
	assert_int_equal(strncmp(vigil_feed_find("debian")->upstream, "https://", 8), 0);
}

static void test_mirror_paths_exist_in_shared(void **state)
{
	const char *shared = getenv("VIGIL_SHARED");
	char path[4096];
	struct stat sb;
	size_t f, i, n = 0;

	(void)state;
	if (!shared || !*shared)
		skip();
	for (f = 0; f < vigil_feed_count(); f++) {
		const struct vigil_feed_source *s = vigil_feed_get(f)->sources;
		for (i = 0; s && (s[i].path || s[i].mirror); i++) {
			if (!s[i].mirror)
				continue;
			snprintf(path, sizeof(path), "%s/vulndata/%s", shared, s[i].mirror);
			if (stat(path, &sb) != 0)
				fail_msg("missing mirror file '%s'", path);
			n++;
		}
	}
	/* 41 alpine + 3 debian + 2 ubuntu + 3 ubuntu-oval + 1 oval + 1 osv */
	assert_int_equal(n, 51);
}

static void test_archive_recognised(void **state)
{
	char head[512] = "PK\003\004";

	(void)state;
	assert_true(vigil_feed_is_archive(head, sizeof(head)));
	assert_false(vigil_feed_is_archive("PK\003\004", 4));
	memcpy(head, "{\"id\": 1}", 10);
	assert_false(vigil_feed_is_archive(head, sizeof(head)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_lists_are_well_formed),
		cmocka_unit_test(test_mirror_paths_exist_in_shared),
		cmocka_unit_test(test_archive_recognised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
