/* Line, "KEY=value" and RFC822 stanza helpers over borrowed spans (see text.h). */
#include "text.h"
#include "vigil/alloc.h"
#include "vigil/error.h"

#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int vigil_text_has_nul(const char *data, size_t len)
{
	return len && memchr(data, '\0', len) != NULL;
}

int vigil_text_next_line(const char *data, size_t len, size_t *pos, struct vigil_span *line)
{
	const char *start, *nl;
	size_t n;

	if (*pos >= len)
		return 0;
	start = data + *pos;
	nl = memchr(start, '\n', len - *pos);
	n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && start[n - 1] == '\r')
		n--;
	line->ptr = start;
	line->len = n;
	return 1;
}

struct vigil_span vigil_text_trim(struct vigil_span s)
{
	while (s.len && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

int vigil_text_eq(struct vigil_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && (n == 0 || memcmp(s.ptr, lit, n) == 0);
}

int vigil_text_eq_nocase(struct vigil_span s, const char *lit)
{
	size_t i, n = strlen(lit);

	if (s.len != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(s.ptr[i]) != lower(lit[i]))
			return 0;
	return 1;
}

int vigil_text_starts_with(struct vigil_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && (n == 0 || memcmp(s.ptr, lit, n) == 0);
}

char *vigil_text_dup(struct vigil_span s)
{
	return vigil_strndup(s.len ? s.ptr : "", s.len);
}

int vigil_text_split(struct vigil_span line, char sep, struct vigil_span *key,
                     struct vigil_span *value)
{
	const char *at = line.len ? memchr(line.ptr, sep, line.len) : NULL;
	struct vigil_span k, v;

	if (!at)
		return 0;
	k.ptr = line.ptr;
	k.len = (size_t)(at - line.ptr);
	v.ptr = at + 1;
	v.len = line.len - k.len - 1;
	*key = vigil_text_trim(k);
	*value = vigil_text_trim(v);
	return 1;
}

int vigil_text_unquote(vigil_buf *out, struct vigil_span v)
{
	char quote = 0;
	size_t i;
	int err;

	vigil_buf_reset(out);
	v = vigil_text_trim(v);
	if (v.len >= 2 && (v.ptr[0] == '"' || v.ptr[0] == '\'') && v.ptr[v.len - 1] == v.ptr[0]) {
		quote = v.ptr[0];
		v.ptr++;
		v.len -= 2;
	}
	for (i = 0; i < v.len; i++) {
		char c = v.ptr[i];
		/* single quotes keep everything literally; elsewhere a backslash escapes */
		if (quote != '\'' && c == '\\' && i + 1 < v.len && strchr("\"\\$`", v.ptr[i + 1]))
			c = v.ptr[++i];
		if ((err = vigil_buf_putc(out, c)) < 0)
			return err;
	}
	return 0;
}

void vigil_stanza_init(struct vigil_stanza_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
}

static int is_continuation(struct vigil_span line)
{
	return line.len && (line.ptr[0] == ' ' || line.ptr[0] == '\t');
}

/* Peek: is the line at r->pos a continuation line? */
static int next_is_continuation(const struct vigil_stanza_reader *r)
{
	size_t pos = r->pos;
	struct vigil_span line;

	if (!vigil_text_next_line(r->data, r->len, &pos, &line))
		return 0;
	return is_continuation(line) && vigil_text_trim(line).len > 0;
}

static int fail(struct vigil_stanza_reader *r, const char *why)
{
	r->error = why;
	return VIGIL_EINVALID;
}

/* Parse the field starting on `line`, taking its continuation lines along. */
static int read_field(struct vigil_stanza_reader *r, struct vigil_span line,
                      struct vigil_span *name, struct vigil_span *value)
{
	const char *colon = memchr(line.ptr, ':', line.len);
	struct vigil_span n, v;
	size_t i;

	if (!colon)
		return fail(r, "line is not a 'Name: value' field");
	n.ptr = line.ptr;
	n.len = (size_t)(colon - line.ptr);
	if (n.len == 0)
		return fail(r, "field with an empty name");
	for (i = 0; i < n.len; i++)
		if (is_space(n.ptr[i]))
			return fail(r, "field name holds a space");
	v.ptr = colon + 1;
	v.len = line.len - n.len - 1;
	while (next_is_continuation(r)) {
		struct vigil_span cont = { r->data, 0 };

		(void)vigil_text_next_line(r->data, r->len, &r->pos, &cont);
		r->line++;
		v.len = (size_t)(cont.ptr + cont.len - v.ptr);
	}
	*name = n;
	*value = vigil_text_trim(v);
	r->in_stanza = 1;
	return 1;
}

int vigil_stanza_next(struct vigil_stanza_reader *r, struct vigil_span *name,
                      struct vigil_span *value)
{
	struct vigil_span line;

	for (;;) {
		if (!vigil_text_next_line(r->data, r->len, &r->pos, &line)) {
			if (r->in_stanza) {
				r->in_stanza = 0;
				return 0;
			}
			return VIGIL_ITEROVER;
		}
		r->line++;
		if (vigil_text_trim(line).len == 0) {
			if (r->in_stanza) {
				r->in_stanza = 0;
				return 0;
			}
			continue;
		}
		if (line.ptr[0] == '#')
			continue;
		if (is_continuation(line))
			return fail(r, "continuation line outside a field");
		return read_field(r, line, name, value);
	}
}

int vigil_text_utf8_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int more;

	while (*s) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			more = 1;
		else if (*s >= 0xe0 && *s <= 0xef)
			more = 2;
		else if (*s >= 0xf0 && *s <= 0xf4)
			more = 3;
		else
			return 0;
		for (s++; more > 0; more--, s++)
			if ((*s & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}
