/*
 * Text helpers for the line-based files detectors read: release files
 * ("KEY=value", os-release quoting), dpkg's RFC822-style stanzas ("Name:
 * value" fields, continuation lines, blank lines between stanzas) and apk's
 * "X:value" lines.
 *
 * Everything works on borrowed spans of a caller's buffer (which need not
 * be NUL-terminated) and never reads past its end. The formats are text:
 * callers reject buffers holding a NUL byte (vigil_text_has_nul()) first.
 */
#ifndef VIGIL_UTIL_TEXT_H
#define VIGIL_UTIL_TEXT_H

#include "vigil/buf.h"

/* A borrowed run of bytes; not NUL-terminated. */
struct vigil_span {
	const char *ptr;
	size_t len;
};

/** 1 when the C string `s` is valid UTF-8 (shortest forms not checked). */
int vigil_text_utf8_ok(const char *s);

/** 1 when data[0..len) holds a NUL byte. */
int vigil_text_has_nul(const char *data, size_t len);

/**
 * The next line of data[0..len) from *pos (start at 0): sets *line to it
 * without its "\n" (nor a "\r" before it) and moves *pos past it.
 * Returns 1 for a line, 0 when no data remains (a final "\n" ends the last line).
 */
int vigil_text_next_line(const char *data, size_t len, size_t *pos, struct vigil_span *line);

/** `s` without leading and trailing spaces, tabs, "\r", "\n", "\v", "\f". */
struct vigil_span vigil_text_trim(struct vigil_span s);

/** 1 when `s` holds exactly the C string `lit`; vigil_text_eq_nocase() ignores ASCII case. */
int vigil_text_eq(struct vigil_span s, const char *lit);
int vigil_text_eq_nocase(struct vigil_span s, const char *lit);

/** 1 when `s` starts with `lit`. */
int vigil_text_starts_with(struct vigil_span s, const char *lit);

/** A NUL-terminated copy of `s`; free with vigil_free(). */
char *vigil_text_dup(struct vigil_span s);

/**
 * Split `line` at the first `sep` into *key and *value, both trimmed.
 * Returns 1, or 0 when `line` holds no `sep`.
 */
int vigil_text_split(struct vigil_span line, char sep, struct vigil_span *key,
		     struct vigil_span *value);

/**
 * The value of an os-release style assignment as the shell would read it:
 * `v` trimmed, one pair of enclosing double or single quotes removed, and
 * inside double quotes (or bare) the escapes \" \\ \$ \` undone. Replaces the
 * contents of `out`. Returns 0 or VIGIL_ETOOBIG (out->max).
 */
int vigil_text_unquote(vigil_buf *out, struct vigil_span v);

/*
 * Reader for RFC822-style stanzas (dpkg's status file and control files).
 * A field is "Name: value" at the start of a line; lines starting with a
 * space or tab continue it; blank (or all-whitespace) lines end a stanza;
 * lines starting with '#' are comments. Zero allocation.
 */
struct vigil_stanza_reader {
	const char *data;
	size_t len, pos;
	size_t line;       /* 1-based number of the last line read */
	int in_stanza;     /* a field of the current stanza has been returned */
	const char *error; /* after VIGIL_EINVALID: what is wrong at `line` (static text) */
};

void vigil_stanza_init(struct vigil_stanza_reader *r, const char *data, size_t len);

/**
 * The next field of the current stanza: *name (without the ':') and *value
 * (trimmed; a multi-line value spans its continuation lines, newlines included).
 * Returns 1 for a field; 0 when the stanza ends (once per stanza, after its
 * last field); VIGIL_ITEROVER when nothing remains; VIGIL_EINVALID on a line
 * that is neither a field, a continuation, a comment nor blank (r->line and
 * r->error say which and why; no message is recorded).
 */
int vigil_stanza_next(struct vigil_stanza_reader *r, struct vigil_span *name,
		      struct vigil_span *value);

#endif
