/*
 * apk: installed packages from lib/apk/db/installed.
 *
 * The database is stanzas of "X:value" lines (one-letter keys) separated by
 * blank lines. P: is the name, V: the version, o: the origin (the source
 * package; its version is V:), A: the architecture. A stanza without P: or
 * V: is not a package. Binary data, or a line that is not "X:value", is
 * VIGIL_EINVALID naming the file (apk itself rejects such a database).
 */
#include "detect.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "../../util/text.h"

#include <string.h>

#define INSTALLED "lib/apk/db/installed"

struct stanza {
	struct vigil_span name, version, origin, arch;
};

static int add_stanza(struct vigil_pkglist *out, const struct stanza *s)
{
	char *name, *version, *origin, *arch;
	int err;

	if (!s->name.len || !s->version.len)
		return 0;
	name = vigil_text_dup(s->name);
	version = vigil_text_dup(s->version);
	origin = vigil_text_dup(s->origin);
	arch = vigil_text_dup(s->arch);
	err = vigil_pkglist_add(out, VIGIL_VERSION_APK, name, version, origin, version, arch);
	vigil_free(name);
	vigil_free(version);
	vigil_free(origin);
	vigil_free(arch);
	return err;
}

static void take_line(struct stanza *s, struct vigil_span line)
{
	struct vigil_span value = { line.ptr + 2, line.len - 2 };

	value = vigil_text_trim(value);
	switch (line.ptr[0]) {
	case 'P':
		s->name = value;
		break;
	case 'V':
		s->version = value;
		break;
	case 'o':
		s->origin = value;
		break;
	case 'A':
		s->arch = value;
		break;
	}
}

static int parse_installed(struct vigil_pkglist *out, const char *data, size_t len)
{
	struct vigil_span line;
	struct stanza s;
	size_t pos = 0, lineno = 0;
	int err;

	if (vigil_text_has_nul(data, len))
		return vigil_error_set(VIGIL_EINVALID, "invalid apk database '" INSTALLED
				       "': binary data (NUL byte)");
	memset(&s, 0, sizeof(s));
	while (vigil_text_next_line(data, len, &pos, &line)) {
		lineno++;
		if (line.len == 0) {
			if ((err = add_stanza(out, &s)) < 0)
				return err;
			memset(&s, 0, sizeof(s));
			continue;
		}
		if (line.len < 2 || line.ptr[1] != ':')
			return vigil_error_set(VIGIL_EINVALID, "invalid apk database '" INSTALLED
					       "': line %zu is not 'X:value'", lineno);
		take_line(&s, line);
	}
	return add_stanza(out, &s);
}

static int apk_packages(struct vigil_pkglist *out, const struct vigil_fsview *view)
{
	const char *data;
	size_t len;
	int err = vigil_fsview_read(view, INSTALLED, &data, &len);

	if (err == VIGIL_ENOTFOUND) {
		vigil_error_clear();
		return 0;
	}
	if (err < 0)
		return err;
	return parse_installed(out, data, len);
}

static const char *const paths[] = {
	INSTALLED,
	NULL,
};

const struct vigil_detector vigil_detector_apk = {
	.name = "apk",
	.paths = paths,
	.packages = apk_packages,
};
