/*
 * RPM versions, as rpm 4.18 compares an EVR string (rpm.vercmp in Lua,
 * rpmverParse() + rpmverCmp() in C): [epoch:]version[-release].
 *
 * Split: the epoch is the leading run of digits when a ':' follows it (an
 * empty one counts as "0"; a missing one compares as "0"); the release is
 * what follows the LAST '-', even an empty one. A version without a release
 * sorts below the same version with any release, even "-~" or "-".
 *
 * Each part is compared with rpmvercmp(): separators (anything but ASCII
 * letters, digits, '~' and '^') only split segments; '~' sorts before
 * anything, even the end; '^' sorts after the end but before anything else;
 * a digit segment beats a letter segment; digit segments compare as numbers
 * of any length (leading zeros dropped), letter segments as bytes.
 *
 * rpm refuses only the empty string ("invalid version"); cmp() still orders
 * it as an empty version.
 */
#include "version_impl.h"

#include <string.h>

struct span {
	const char *p;
	size_t n;
};

struct rpm_evr {
	struct span epoch;   /* "0" when absent or empty */
	struct span version;
	struct span release;
	int has_release;
};

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_segment_char(int c)
{
	return is_digit(c) || is_alpha(c) || c == '~' || c == '^';
}

static void parse(struct rpm_evr *out, const char *s)
{
	size_t len = strlen(s), d = 0, i;
	const char *hyphen = NULL;

	while (is_digit(s[d]))
		d++;
	for (i = len; i > d; i--)
		if (s[i - 1] == '-') {
			hyphen = s + i - 1;
			break;
		}
	out->epoch = (struct span){ "0", 1 };
	out->version = (struct span){ s, len };
	if (s[d] == ':') {
		if (d)
			out->epoch = (struct span){ s, d };
		out->version = (struct span){ s + d + 1, len - d - 1 };
	}
	out->has_release = hyphen != NULL;
	out->release = (struct span){ "", 0 };
	if (hyphen) {
		out->version.n = (size_t)(hyphen - out->version.p);
		out->release = (struct span){ hyphen + 1, (size_t)(s + len - hyphen - 1) };
	}
}

/* Byte order of two segments, like strcmp() on them. */
static int segcmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	if (c)
		return c < 0 ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

#define AT(s, i) ((i) < (s).n ? (unsigned char)(s).p[i] : 0)

/* rpmvercmp() on two spans. */
static int rpmvercmp(struct span a, struct span b)
{
	size_t i = 0, j = 0;

	if (a.n == b.n && memcmp(a.p, b.p, a.n) == 0)
		return 0;
	while (i < a.n || j < b.n) {
		size_t si, sj;
		int ca, cb, isnum, rc;

		while (i < a.n && !is_segment_char(a.p[i]))
			i++;
		while (j < b.n && !is_segment_char(b.p[j]))
			j++;
		ca = AT(a, i);
		cb = AT(b, j);
		if (ca == '~' || cb == '~') {
			if (ca != '~')
				return 1;
			if (cb != '~')
				return -1;
			i++, j++;
			continue;
		}
		if (ca == '^' || cb == '^') {
			if (!ca)
				return -1;
			if (!cb)
				return 1;
			if (ca != '^')
				return 1;
			if (cb != '^')
				return -1;
			i++, j++;
			continue;
		}
		if (!ca || !cb)
			break;

		si = i;
		sj = j;
		isnum = is_digit(ca);
		if (isnum) {
			while (i < a.n && is_digit(a.p[i]))
				i++;
			while (j < b.n && is_digit(b.p[j]))
				j++;
		} else {
			while (i < a.n && is_alpha(a.p[i]))
				i++;
			while (j < b.n && is_alpha(b.p[j]))
				j++;
		}
		/* A digit segment against a letter one: the number is newer. */
		if (j == sj)
			return isnum ? 1 : -1;
		if (isnum) {
			while (si < i && a.p[si] == '0')
				si++;
			while (sj < j && b.p[sj] == '0')
				sj++;
			if (i - si != j - sj)
				return i - si > j - sj ? 1 : -1;
		}
		if ((rc = segcmp(a.p + si, i - si, b.p + sj, j - sj)) != 0)
			return rc;
	}
	if (i >= a.n && j >= b.n)
		return 0;
	return i >= a.n ? -1 : 1;
}

static int rpm_cmp(const char *a, const char *b)
{
	struct rpm_evr ea, eb;
	int rc;

	parse(&ea, a);
	parse(&eb, b);
	if ((rc = rpmvercmp(ea.epoch, eb.epoch)) != 0)
		return rc;
	if ((rc = rpmvercmp(ea.version, eb.version)) != 0)
		return rc;
	if (ea.has_release != eb.has_release)
		return ea.has_release - eb.has_release;
	return rpmvercmp(ea.release, eb.release);
}

static int rpm_check(const char *v)
{
	if (!*v)
		return vigil_error_set(VIGIL_EINVALID,
				       "version '' is invalid: rpm refuses an empty version");
	return 0;
}

const struct vigil_version_scheme vigil_version_scheme_rpm = {
	.format = VIGIL_VERSION_RPM,
	.name = "rpm",
	.cmp = rpm_cmp,
	.check = rpm_check,
};
