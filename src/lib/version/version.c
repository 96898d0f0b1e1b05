/*
 * The version scheme registry (versions.def) and the public entry points,
 * which dispatch to the scheme of the requested format.
 */
#include "version_impl.h"

#include <string.h>

#define VIGIL_VERSION_SCHEME(n) extern const struct vigil_version_scheme vigil_version_scheme_##n;
#include "versions.def"
#undef VIGIL_VERSION_SCHEME

static const struct vigil_version_scheme *const schemes[] = {
#define VIGIL_VERSION_SCHEME(n) &vigil_version_scheme_##n,
#include "versions.def"
#undef VIGIL_VERSION_SCHEME
};

#define NSCHEMES (sizeof(schemes) / sizeof(schemes[0]))

static const struct vigil_version_scheme *scheme_of(vigil_version_format fmt)
{
	size_t i;

	for (i = 0; i < NSCHEMES; i++)
		if (schemes[i]->format == fmt)
			return schemes[i];
	return NULL;
}

vigil_version_format vigil_version_format_from_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < NSCHEMES; i++)
		if (strcmp(schemes[i]->name, name) == 0)
			return schemes[i]->format;
	return VIGIL_VERSION_UNKNOWN;
}

const char *vigil_version_format_name(vigil_version_format fmt)
{
	const struct vigil_version_scheme *s = scheme_of(fmt);

	return s ? s->name : "unknown";
}

/*
 * An unknown format has no rules: plain byte order keeps the function total.
 * NULL sorts before every string, so no caller can crash it either.
 */
int vigil_version_cmp(vigil_version_format fmt, const char *a, const char *b)
{
	const struct vigil_version_scheme *s;

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if ((s = scheme_of(fmt)) == NULL)
		return vigil_version__sign(strcmp(a, b));
	return s->cmp(a, b);
}

int vigil_version_check(vigil_version_format fmt, const char *v)
{
	const struct vigil_version_scheme *s = scheme_of(fmt);

	if (!s)
		return vigil_error_set(VIGIL_EUNSUPPORTED, "unknown version format %d", (int)fmt);
	if (!v)
		return vigil_error_set(VIGIL_EINVALID, "no version given");
	return s->check(v);
}

const char *vigil_version__quote(char *buf, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)v;

	for (; *p; p++) {
		if (o > VIGIL_VERSION_QUOTE_MAX - 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		} else {
			buf[o++] = (char)*p;
		}
	}
	buf[o] = '\0';
	return buf;
}
