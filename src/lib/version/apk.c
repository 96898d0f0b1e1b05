/*
 * Alpine versions, with apk-tools v3 rules (src/version.c of apk-tools 3):
 *
 *     digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-rdigits}
 *
 * A version is read as a sequence of tokens, each of a kind that may only
 * follow certain kinds (a letter only after digits, '.' only after digits, a
 * suffix only before a hash or a revision, ...). Two versions are compared
 * token by token while both have a token of the same kind:
 *
 *   - the first number, suffix numbers and the -r revision: as numbers
 *     (unsigned 64-bit, wrapping like apk's reader);
 *   - a later .number: as a number, unless either side starts with '0', then
 *     as a string ("8.2.0" < "8.2.001" < "8.2.01");
 *   - the letter: by its byte; a suffix by its rank
 *     alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p;
 *   - a ~commit hash: as a string.
 *
 * When the kinds differ, a pre-release suffix (_alpha.._rc) is older than
 * anything; otherwise the side whose next kind comes earlier in the list
 * above (digits < letter < suffix < suffix number < hash < revision < end <
 * invalid) is newer. Both sides ending, or both turning invalid, is a tie.
 *
 * A version that turns invalid part way is still compared up to that point,
 * as apk does ("1.0" < "1.0bc"); check() rejects what apk's validator does.
 */
#include "version_impl.h"

#include <stdint.h>
#include <string.h>

enum token {
	T_INITIAL_DIGIT,
	T_DIGIT,
	T_LETTER,
	T_SUFFIX,
	T_SUFFIX_NO,
	T_COMMIT_HASH,
	T_REVISION_NO,
	T_END,
	T_INVALID,
};

/* Suffix ranks; NONE is where a version without a suffix stands. */
enum { SUF_INVALID, SUF_ALPHA, SUF_BETA, SUF_PRE, SUF_RC, SUF_NONE, SUF_CVS, SUF_SVN, SUF_GIT,
       SUF_HG, SUF_P };

static const struct {
	const char *name;
	int rank;
} suffixes[] = {
	{ "alpha", SUF_ALPHA }, { "beta", SUF_BETA }, { "pre", SUF_PRE }, { "rc", SUF_RC },
	{ "cvs", SUF_CVS },     { "svn", SUF_SVN },   { "git", SUF_GIT }, { "hg", SUF_HG },
	{ "p", SUF_P },
};

/* The current token of a version being read, and what is left after it. */
struct reader {
	const char *p, *end; /* the unread rest */
	enum token kind;
	int suffix;          /* rank, when kind is T_SUFFIX */
	uint64_t number;     /* value, for the digit kinds */
	const char *text;    /* the token's characters (digits, letter, suffix, hash) */
	size_t len;
	const char *at;      /* where the token starts */
	const char *why;     /* when kind is T_INVALID: what is wrong */
};

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static void invalid(struct reader *r, const char *why)
{
	r->kind = T_INVALID;
	r->why = why;
}

/* A run of digits as `kind`; none at all makes the token invalid. */
static void read_digits(struct reader *r, enum token kind, const char *why)
{
	r->kind = kind;
	r->text = r->p;
	r->number = 0;
	while (r->p < r->end && is_digit(*r->p))
		r->number = r->number * 10 + (uint64_t)(*r->p++ - '0');
	r->len = (size_t)(r->p - r->text);
	if (!r->len)
		invalid(r, why);
}

static int suffix_rank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strlen(suffixes[i].name) == n && memcmp(suffixes[i].name, s, n) == 0)
			return suffixes[i].rank;
	return SUF_INVALID;
}

static void first(struct reader *r, const char *v)
{
	r->p = v;
	r->end = v + strlen(v);
	r->why = NULL;
	r->at = v;
	r->suffix = SUF_NONE;
	read_digits(r, T_INITIAL_DIGIT, "it does not start with a digit");
}

/* A '_' suffix name; an unknown one makes the token invalid. */
static void read_suffix(struct reader *r)
{
	r->text = r->p;
	while (r->p < r->end && is_lower(*r->p))
		r->p++;
	r->len = (size_t)(r->p - r->text);
	r->suffix = suffix_rank(r->text, r->len);
	r->kind = T_SUFFIX;
	if (r->suffix == SUF_INVALID)
		invalid(r, "unknown suffix (alpha, beta, pre, rc, cvs, svn, git, hg or p)");
}

/* A '~' commit hash: lowercase hex digits, at least one. */
static void read_hash(struct reader *r)
{
	r->text = r->p;
	while (r->p < r->end && is_hex(*r->p))
		r->p++;
	r->len = (size_t)(r->p - r->text);
	r->kind = T_COMMIT_HASH;
	if (!r->len)
		invalid(r, "'~' is not followed by a lowercase hex commit hash");
}

/*
 * Move to the next token; only called while r->kind < T_END. Which kinds
 * may follow which is apk's: the order of enum token, with a letter only
 * after a number, '.' only after a number, '_' before any hash or revision.
 */
static void next(struct reader *r)
{
	int c;

	r->at = r->p;
	if (r->p == r->end) {
		r->kind = T_END;
		return;
	}
	c = (unsigned char)*r->p;
	if (is_lower(c)) {
		if (r->kind > T_DIGIT) {
			invalid(r, "a letter may only follow a number");
			return;
		}
		r->text = r->p++;
		r->len = 1;
		r->kind = T_LETTER;
	} else if (c == '.' || is_digit(c)) {
		if (c == '.' && r->kind > T_DIGIT) {
			invalid(r, "'.' may only follow a number");
			return;
		}
		if (c == '.')
			r->p++;
		if (r->kind == T_INITIAL_DIGIT || r->kind == T_DIGIT)
			read_digits(r, T_DIGIT, "'.' is not followed by a number");
		else if (r->kind == T_SUFFIX)
			read_digits(r, T_SUFFIX_NO, "");
		else
			invalid(r, "a number may not follow a letter, a hash or a revision");
	} else if (c == '_') {
		if (r->kind > T_SUFFIX_NO) {
			invalid(r, "a suffix may not follow a commit hash or a revision");
			return;
		}
		r->p++;
		read_suffix(r);
	} else if (c == '~') {
		if (r->kind >= T_COMMIT_HASH) {
			invalid(r, "a commit hash may not follow a revision");
			return;
		}
		r->p++;
		read_hash(r);
	} else if (c == '-') {
		if (r->kind >= T_REVISION_NO) {
			invalid(r, "only one -r revision may be given");
			return;
		}
		if (r->end - r->p < 2 || r->p[1] != 'r') {
			invalid(r, "'-' is not followed by 'r' (only a -rN revision may follow)");
			return;
		}
		r->p += 2;
		read_digits(r, T_REVISION_NO, "'-r' is not followed by a number");
	} else {
		invalid(r, "unexpected character");
	}
}

/* apk_blob_sort(): bytes, then the shorter first. */
static int text_cmp(const struct reader *a, const struct reader *b)
{
	int c = memcmp(a->text, b->text, a->len < b->len ? a->len : b->len);

	if (c)
		return c < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int num_cmp(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* Two tokens of the same kind (< T_END). */
static int token_cmp(const struct reader *a, const struct reader *b)
{
	switch (a->kind) {
	case T_DIGIT:
		if (a->text[0] == '0' || b->text[0] == '0')
			return text_cmp(a, b);
		return num_cmp(a->number, b->number);
	case T_INITIAL_DIGIT:
	case T_SUFFIX_NO:
	case T_REVISION_NO:
		return num_cmp(a->number, b->number);
	case T_LETTER:
		return num_cmp((unsigned char)a->text[0], (unsigned char)b->text[0]);
	case T_SUFFIX:
		return num_cmp((uint64_t)a->suffix, (uint64_t)b->suffix);
	default:
		return text_cmp(a, b);
	}
}

static int is_pre_release(const struct reader *r)
{
	return r->kind == T_SUFFIX && r->suffix < SUF_NONE;
}

static int apk_cmp(const char *a, const char *b)
{
	struct reader ra, rb;
	int rc;

	for (first(&ra, a), first(&rb, b); ra.kind == rb.kind && ra.kind < T_END;
	     next(&ra), next(&rb))
		if ((rc = token_cmp(&ra, &rb)) != 0)
			return rc;
	if (ra.kind == rb.kind)
		return 0;
	if (is_pre_release(&ra))
		return -1;
	if (is_pre_release(&rb))
		return 1;
	return ra.kind > rb.kind ? -1 : 1;
}

static int apk_check(const char *v)
{
	struct reader r;
	char q[VIGIL_VERSION_QUOTE_MAX];

	for (first(&r, v); r.kind < T_END; next(&r))
		;
	if (r.kind == T_END)
		return 0;
	return vigil_error_set(VIGIL_EINVALID, "version '%s' is invalid: %s at offset %zu",
			       vigil_version__quote(q, v), r.why, (size_t)(r.at - v));
}

const struct vigil_version_scheme vigil_version_scheme_apk = {
	.format = VIGIL_VERSION_APK,
	.name = "apk",
	.cmp = apk_cmp,
	.check = apk_check,
};
