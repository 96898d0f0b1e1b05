/*
 * Debian versions, as dpkg 1.21 compares them: [epoch:]upstream[-revision].
 *
 * The split follows dpkg's parseversion() (lib/dpkg/parsehelp.c): blanks
 * around the version are dropped, the epoch ends at the FIRST ':' and is read
 * like strtol() would, the revision starts after the LAST '-'. Upstream and
 * revision are compared with dpkg's verrevcmp(): alternately a run of
 * non-digits, compared character by character ('~' first, then the end of
 * the part and digits, then letters, then everything else), and a run of
 * digits compared as a number.
 *
 * dpkg refuses some versions outright (errors) and accepts others with a
 * warning. check() reports the errors with dpkg's own words and accepts the
 * warnings. cmp() orders every string: it uses the same split without the
 * refusals (an unreadable epoch is part of the upstream version), and an
 * empty or all-blank string sorts below everything, as the blank version of
 * `dpkg --compare-versions` does.
 */
#include "version_impl.h"

#include <limits.h>
#include <string.h>

struct dpkg_version {
	int blank;          /* "" or only blanks: below every other version */
	long long epoch;    /* strtol-like value, saturated; 0 when absent */
	const char *upstream;
	size_t upstream_len;
	const char *revision; /* "" (length 0) when there is no '-' */
	size_t revision_len;
	const char *error;    /* dpkg's reason for refusing it, or NULL */
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* What strtol(3) in the C locale makes of the epoch in [p, colon). */
enum epoch_state { EPOCH_OK, EPOCH_EMPTY, EPOCH_NOT_NUMBER, EPOCH_NEGATIVE, EPOCH_TOO_BIG };

static enum epoch_state read_epoch(long long *out, const char *p, const char *colon)
{
	/* Saturates at 10^18, far above INT_MAX, so larger epochs stay ordered. */
	const long long cap = 100000000000000000LL, sat = 1000000000000000000LL;
	long long v = 0;
	int neg = 0, digits = 0;

	while (p < colon && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
		p++;
	if (p < colon && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < colon && is_digit(*p); p++, digits++)
		v = v < cap ? v * 10 + (*p - '0') : sat;
	*out = neg ? -v : v;
	if (!digits)
		return EPOCH_EMPTY;
	if (p != colon)
		return EPOCH_NOT_NUMBER;
	if (*out < 0)
		return EPOCH_NEGATIVE;
	if (*out > INT_MAX)
		return EPOCH_TOO_BIG;
	return EPOCH_OK;
}

static const char *const epoch_errors[] = {
	[EPOCH_EMPTY] = "epoch in version is empty",
	[EPOCH_NOT_NUMBER] = "epoch in version is not number",
	[EPOCH_NEGATIVE] = "epoch in version is negative",
	[EPOCH_TOO_BIG] = "epoch in version is too big",
};

/* Split `s` into *out. Never fails; out->error holds dpkg's first objection. */
static void parse(struct dpkg_version *out, const char *s)
{
	const char *start, *end, *p, *colon, *hyphen;
	enum epoch_state es;

	memset(out, 0, sizeof(*out));
	out->revision = "";
	for (start = s; is_blank(*start); start++)
		;
	if (!*start) {
		out->blank = 1;
		out->upstream = start;
		out->error = "version string is empty";
		return;
	}
	end = start + strlen(start);
	while (is_blank(end[-1]))
		end--;
	for (p = start; p < end; p++)
		if (is_blank(*p)) {
			out->error = "version string has embedded spaces";
			break;
		}

	colon = memchr(start, ':', (size_t)(end - start));
	if (colon) {
		es = read_epoch(&out->epoch, start, colon);
		if (es == EPOCH_OK || es == EPOCH_NEGATIVE || es == EPOCH_TOO_BIG) {
			if (!out->error && es != EPOCH_OK)
				out->error = epoch_errors[es];
			if (!out->error && colon[1] == '\0')
				out->error = "nothing after colon in version number";
			start = colon + 1;
		} else {
			/* Unreadable: no epoch, the whole string is the upstream version. */
			out->epoch = 0;
			if (!out->error)
				out->error = epoch_errors[es];
		}
	}

	out->upstream = start;
	out->upstream_len = (size_t)(end - start);
	hyphen = NULL;
	for (p = end; p > start; p--)
		if (p[-1] == '-') {
			hyphen = p - 1;
			break;
		}
	if (hyphen) {
		out->upstream_len = (size_t)(hyphen - start);
		out->revision = hyphen + 1;
		out->revision_len = (size_t)(end - hyphen - 1);
		if (!out->error && out->revision_len == 0)
			out->error = "revision number is empty";
	}
	if (!out->error && out->upstream_len == 0)
		out->error = "version number is empty";
}

/*
 * dpkg's order(): the weight of one character of a non-digit run. dpkg
 * passes a plain char, signed on amd64 (the reference here), so bytes from
 * 0x80 weigh 128..255: after letters, before ASCII punctuation. (A dpkg built
 * where char is unsigned, such as arm64, puts them after ASCII punctuation;
 * dpkg only warns about such bytes, and vigil gives one answer everywhere.)
 */
static int order(int c)
{
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* The character at i, or 0 past the end (the part is not NUL-terminated). */
#define AT(p, n, i) ((i) < (n) ? (int)(signed char)(p)[i] : 0)

/* dpkg's verrevcmp() on the spans [a, a+na) and [b, b+nb). */
static int verrevcmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		int first_diff = 0;

		while ((i < na && !is_digit(a[i])) || (j < nb && !is_digit(b[j]))) {
			int ac = order(AT(a, na, i)), bc = order(AT(b, nb, j));

			if (ac != bc)
				return ac - bc;
			i++;
			j++;
		}
		while (i < na && a[i] == '0')
			i++;
		while (j < nb && b[j] == '0')
			j++;
		while (i < na && j < nb && is_digit(a[i]) && is_digit(b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < na && is_digit(a[i]))
			return 1;
		if (j < nb && is_digit(b[j]))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

static int dpkg_cmp(const char *a, const char *b)
{
	struct dpkg_version va, vb;
	int rc;

	parse(&va, a);
	parse(&vb, b);
	if (va.blank || vb.blank)
		return vb.blank - va.blank;
	if (va.epoch != vb.epoch)
		return va.epoch > vb.epoch ? 1 : -1;
	rc = verrevcmp(va.upstream, va.upstream_len, vb.upstream, vb.upstream_len);
	if (!rc)
		rc = verrevcmp(va.revision, va.revision_len, vb.revision, vb.revision_len);
	return vigil_version__sign(rc);
}

static int dpkg_check(const char *v)
{
	struct dpkg_version pv;
	char q[VIGIL_VERSION_QUOTE_MAX];

	parse(&pv, v);
	if (!pv.error)
		return 0;
	return vigil_error_set(VIGIL_EINVALID, "version '%s' has bad syntax: %s",
			       vigil_version__quote(q, v), pv.error);
}

const struct vigil_version_scheme vigil_version_scheme_dpkg = {
	.format = VIGIL_VERSION_DPKG,
	.name = "dpkg",
	.cmp = dpkg_cmp,
	.check = dpkg_check,
};
