/*
 * JSON for the API. Requests: a syntax pass that fails with the texts Go's
 * encoding/json gives (clients and the wire harness see them: "EOF",
 * "unexpected EOF", "invalid character 'h' looking for beginning of value"),
 * then jansson builds the value; members are matched as Go does (exact
 * name, else case-insensitive). Responses: written by hand in Clair's field
 * order, strings escaped as Go escapes them (<, > and & as \u003c...).
 */
#include "server.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 512

struct scan {
	const unsigned char *p, *end;
	const char *err; /* static text when failed */
	char msg[96];
	int depth;
};

static int failc(struct scan *s, const char *ctx)
{
	if (s->p >= s->end) {
		s->err = "unexpected EOF";
		return -1;
	}
	unsigned char c = *s->p;
	if (c == '\'')
		snprintf(s->msg, sizeof(s->msg), "invalid character '\\'' %s", ctx);
	else if (c == '"')
		snprintf(s->msg, sizeof(s->msg), "invalid character '\"' %s", ctx);
	else if (c >= 0x20 && c < 0x7f)
		snprintf(s->msg, sizeof(s->msg), "invalid character '%c' %s", c, ctx);
	else if (c == '\n')
		snprintf(s->msg, sizeof(s->msg), "invalid character '\\n' %s", ctx);
	else if (c == '\t')
		snprintf(s->msg, sizeof(s->msg), "invalid character '\\t' %s", ctx);
	else if (c == '\r')
		snprintf(s->msg, sizeof(s->msg), "invalid character '\\r' %s", ctx);
	else if (c < 0x20)
		snprintf(s->msg, sizeof(s->msg), "invalid character '\\x%02x' %s", c, ctx);
	else
		snprintf(s->msg, sizeof(s->msg), "invalid character %s", ctx);
	s->err = s->msg;
	return -1;
}

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int value(struct scan *s);

static int string(struct scan *s)
{
	s->p++; /* the opening quote */
	while (s->p < s->end) {
		unsigned char c = *s->p;
		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c < 0x20)
			return failc(s, "in string literal");
		if (c == '\\') {
			s->p++;
			if (s->p >= s->end)
				break;
			if (*s->p == 'u') {
				int i;
				s->p++;
				for (i = 0; i < 4; i++, s->p++)
					if (s->p >= s->end || !isxdigit(*s->p))
						return failc(s,
						             "in \\u hexadecimal character escape");
				continue;
			}
			if (!strchr("\"\\/bfnrt", *s->p))
				return failc(s, "in string escape code");
		}
		s->p++;
	}
	s->err = "unexpected EOF";
	return -1;
}

static int digits(struct scan *s)
{
	if (s->p >= s->end || !isdigit(*s->p))
		return failc(s, "in numeric literal");
	while (s->p < s->end && isdigit(*s->p))
		s->p++;
	return 0;
}

static int number(struct scan *s)
{
	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (digits(s) < 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (digits(s) < 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s) < 0)
			return -1;
	}
	return 0;
}

static int literal(struct scan *s, const char *lit)
{
	char ctx[48];
	size_t i;

	for (i = 0; lit[i]; i++, s->p++) {
		if (s->p >= s->end || *s->p != (unsigned char)lit[i]) {
			snprintf(ctx, sizeof(ctx), "in literal %s (expecting '%c')", lit, lit[i]);
			return failc(s, ctx);
		}
	}
	return 0;
}

static int object(struct scan *s)
{
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"')
			return failc(s, "looking for beginning of object key string");
		if (string(s) < 0)
			return -1;
		ws(s);
		if (s->p >= s->end || *s->p != ':')
			return failc(s, "after object key");
		s->p++;
		if (value(s) < 0)
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return failc(s, "after object key:value pair");
	}
}

static int array(struct scan *s)
{
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (value(s) < 0)
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return failc(s, "after array element");
	}
}

static int value(struct scan *s)
{
	int err;

	ws(s);
	if (s->p >= s->end)
		return failc(s, "");
	if (++s->depth > MAX_DEPTH) {
		s->err = "exceeded max depth";
		return -1;
	}
	switch (*s->p) {
	case '{':
		err = object(s);
		break;
	case '[':
		err = array(s);
		break;
	case '"':
		err = string(s);
		break;
	case 't':
		err = literal(s, "true");
		break;
	case 'f':
		err = literal(s, "false");
		break;
	case 'n':
		err = literal(s, "null");
		break;
	default:
		if (*s->p == '-' || isdigit(*s->p))
			err = number(s);
		else
			err = failc(s, "looking for beginning of value");
	}
	s->depth--;
	return err;
}

int json_parse_body(json_t **out, const char *body, size_t len)
{
	struct scan s = { (const unsigned char *)body, (const unsigned char *)body + len, NULL, "",
		          0 };
	json_error_t je;

	*out = NULL;
	ws(&s);
	if (s.p >= s.end)
		return vigil_error_set(VIGIL_EINVALID, "EOF");
	if (value(&s) < 0)
		return vigil_error_set(VIGIL_EINVALID, "%s", s.err);
	/* Go's Decoder reads one value; what follows it is not looked at. */
	*out = json_loadb(body, (size_t)((const char *)s.p - body),
	                  JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!*out)
		return vigil_error_set(VIGIL_EINVALID, "%s", je.text);
	return 0;
}

json_t *json_member(json_t *o, const char *name)
{
	const char *k;
	json_t *v, *exact;

	if (!json_is_object(o))
		return NULL;
	if ((exact = json_object_get(o, name)) != NULL)
		return exact;
	json_object_foreach(o, k, v)
	{
		if (strcasecmp(k, name) == 0)
			return v;
	}
	return NULL;
}

static const char *kind(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "null";
	}
}

static int type_error(json_t *v, const char *where, const char *name, const char *type)
{
	return vigil_error_set(VIGIL_EINVALID,
	                       "json: cannot unmarshal %s into Go struct field %s.%s of type %s",
	                       kind(v), where, name, type);
}

int json_get_string(json_t *o, const char *name, const char *where, const char **out)
{
	json_t *v = json_member(o, name);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return type_error(v, where, name, "string");
	*out = json_string_value(v);
	return 0;
}

/* Member `name` of `o` when it has JSON type `type` (absent/null: NULL); else Go's error. */
static int get_typed(json_t *o, const char *name, const char *where, json_type type,
                     const char *go_type, json_t **out)
{
	json_t *v = json_member(o, name);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != type)
		return type_error(v, where, name, go_type);
	*out = v;
	return 0;
}

int json_get_object(json_t *o, const char *name, const char *where, json_t **out)
{
	return get_typed(o, name, where, JSON_OBJECT, "object", out);
}

int json_get_array(json_t *o, const char *name, const char *where, json_t **out)
{
	return get_typed(o, name, where, JSON_ARRAY, "array", out);
}

/*
 * 1 for a byte Go escapes in a string (controls, '"', '&', '<', '>', '\\':
 * HTML-safe), for 0xe2, which may start U+2028/U+2029, and for NUL (the end):
 * one load per byte in the scan for plain runs.
 */
/* clang-format off */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

/* The escape of the special byte at *p into `u` (7 bytes); "" for a 0xe2 kept as is. */
static const char *escape(const unsigned char **p, char u[7])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = **p;

	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case 0xe2: /* U+2028, U+2029; any other sequence is copied */
		if ((*p)[1] != 0x80 || ((*p)[2] != 0xa8 && (*p)[2] != 0xa9))
			return "";
		*p += 2;
		return **p == 0xa8 ? "\\u2028" : "\\u2029";
	default:
		memcpy(u, "\\u00", 4);
		u[4] = hex[c >> 4];
		u[5] = hex[c & 15];
		u[6] = '\0';
		return u;
	}
}

/*
 * Room for the string unescaped is taken once and runs of plain bytes are
 * copied at once: most of a GET answer is plain text, written here.
 */
void json_str(vigil_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);

	if (vigil_buf_grow(b, (size_t)(end - p) + 2) < 0)
		return;
	b->ptr[b->len++] = '"';
	while (*p) {
		const unsigned char *run = p;
		const char *esc;
		char u[7];
		size_t k;
		while (!special[*p])
			p++;
		memcpy(b->ptr + b->len, run, (size_t)(p - run));
		b->len += (size_t)(p - run);
		if (!*p)
			break;
		esc = escape(&p, u);
		k = *esc ? strlen(esc) : 1;
		/* room for the escape, the bytes after it and the closing quote */
		if (vigil_buf_grow(b, k + (size_t)(end - p - 1) + 1) < 0)
			return;
		memcpy(b->ptr + b->len, *esc ? esc : (const char *)p, k);
		b->len += k;
		p++;
	}
	b->ptr[b->len++] = '"';
	b->ptr[b->len] = '\0';
}

/* The keys are the API's member names (letters only): no escape scan, one append. */
void json_key(vigil_buf *b, int *first, const char *key)
{
	size_t n = strlen(key);

	if (vigil_buf_grow(b, n + 4) < 0)
		return;
	if (!*first)
		b->ptr[b->len++] = ',';
	*first = 0;
	b->ptr[b->len++] = '"';
	memcpy(b->ptr + b->len, key, n);
	b->len += n;
	b->ptr[b->len++] = '"';
	b->ptr[b->len++] = ':';
	b->ptr[b->len] = '\0';
}

void json_kv_opt(vigil_buf *b, int *first, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	json_key(b, first, key);
	json_str(b, value);
}
