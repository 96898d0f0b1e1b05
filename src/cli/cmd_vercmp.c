/*
 * vigil vercmp FORMAT A B
 * vigil vercmp FORMAT --batch < PAIRS
 *
 * Compare package versions with a distribution's own rules (see
 * docs/internals/version.md). Batch mode reads "A<TAB>B" lines and is built
 * for throughput: one fixed read buffer, buffered output, no allocation per
 * line.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The batch read buffer: a line, TAB and further columns included, may have
 * VERCMP_MAX_LINE - 1 bytes before its '\n'. */
#define VERCMP_MAX_LINE ((size_t)1 << 20)

static const char usage_text[] =
	"usage: vigil vercmp FORMAT [--] A B\n"
	"       vigil vercmp FORMAT --batch < PAIRS\n"
	"\n"
	"Compare two package versions with the rules of FORMAT and print -1, 0 or 1\n"
	"(A older than, equal to, or newer than B).\n"
	"\n"
	"FORMAT is dpkg (Debian, Ubuntu), rpm (RHEL and its rebuilds, Fedora, SUSE,\n"
	"Amazon Linux) or apk (Alpine, apk-tools v3 rules).\n"
	"\n"
	"  --batch     read one pair per line from standard input, \"A<TAB>B\"; further\n"
	"              TAB-separated columns are ignored, so test vector files can be\n"
	"              piped in as they are. Prints one result per pair, in order.\n"
	"              Blank lines and lines starting with '#' are skipped and print\n"
	"              nothing. A trailing CR is dropped. A line without a TAB, or\n"
	"              with a version FORMAT's tool rejects, prints 'error' and its\n"
	"              reason goes to standard error with the line number; the run\n"
	"              goes on.\n"
	"  --          end of options: versions may start with '-'\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0; 2 for a usage error; 3 when a version is one the\n"
	"distribution's tool rejects (in batch mode: when any line was an error).\n";

struct vercmp_opts {
	vigil_version_format fmt;
	int batch;
	const char *a, *b;
};

static int parse_args(struct vercmp_opts *o, int argc, char **argv)
{
	const char *pos[3] = { NULL, NULL, NULL };
	int i, npos = 0, opts_done = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = 1;
		} else if (!opts_done && strcmp(a, "--batch") == 0) {
			o->batch = 1;
		} else if (!opts_done && a[0] == '-' && a[1] != '\0') {
			return cli_usage("vercmp", "unknown option '%s' (a version starting with "
						   "'-' goes after '--')", a);
		} else if (npos == 3) {
			return cli_usage("vercmp", "unexpected argument '%s'", a);
		} else {
			pos[npos++] = a;
		}
	}
	if (npos == 0)
		return cli_usage("vercmp", "missing FORMAT (dpkg, rpm or apk)");
	o->fmt = vigil_version_format_from_name(pos[0]);
	if (o->fmt == VIGIL_VERSION_UNKNOWN)
		return cli_usage("vercmp", "unknown version format '%s' (dpkg, rpm or apk)", pos[0]);
	if (o->batch && npos > 1)
		return cli_usage("vercmp", "--batch reads the versions from standard input, "
					   "unexpected argument '%s'", pos[1]);
	if (!o->batch && npos < 3)
		return cli_usage("vercmp", "missing version %s", npos == 1 ? "A and B" : "B");
	o->a = pos[1];
	o->b = pos[2];
	return 0;
}

static int compare_one(const struct vercmp_opts *o)
{
	int err;

	if ((err = vigil_version_check(o->fmt, o->a)) < 0 ||
	    (err = vigil_version_check(o->fmt, o->b)) < 0)
		return cli_fail(err);
	printf("%d\n", vigil_version_cmp(o->fmt, o->a, o->b));
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}

/*
 * One batch line, NUL-terminated in place, without its '\n'. Prints the
 * result or "error"; returns 0, or 1 when the line was an error.
 */
static int batch_line(vigil_version_format fmt, char *line, size_t len, unsigned long lineno)
{
	static const char *const results[] = { "-1\n", "0\n", "1\n" };
	char *a = line, *b, *tab;
	int err;

	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0 || line[0] == '#')
		return 0;
	if ((tab = memchr(line, '\t', len)) == NULL) {
		fputs("error\n", stdout);
		fprintf(stderr, "vigil: line %lu: no TAB between the two versions\n", lineno);
		return 1;
	}
	*tab = '\0';
	b = tab + 1;
	if ((tab = memchr(b, '\t', len - (size_t)(b - line))) != NULL)
		*tab = '\0';
	if ((err = vigil_version_check(fmt, a)) < 0 || (err = vigil_version_check(fmt, b)) < 0) {
		fputs("error\n", stdout);
		fprintf(stderr, "vigil: line %lu: %s\n", lineno, vigil_error_last());
		return 1;
	}
	fputs(results[vigil_version_cmp(fmt, a, b) + 1], stdout);
	return 0;
}

/*
 * Fill buf[have..cap) with what standard input has now; 0 at end of input,
 * -1 on error. Results so far are flushed first, so that a caller feeding
 * lines one at a time through a pipe gets each answer before it writes more.
 */
static ssize_t read_more(char *buf, size_t have, size_t cap)
{
	ssize_t n;

	fflush(stdout);
	do
		n = read(STDIN_FILENO, buf + have, cap - have);
	while (n < 0 && errno == EINTR);
	return n;
}

static int compare_batch(vigil_version_format fmt)
{
	static char outbuf[1 << 16];
	char *buf = malloc(VERCMP_MAX_LINE + 1), *start, *nl;
	size_t have = 0;
	unsigned long lineno = 0;
	int errors = 0, discarding = 0;
	ssize_t n;

	if (!buf) {
		fprintf(stderr, "vigil: out of memory\n");
		return EXIT_INPUT;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	while ((n = read_more(buf, have, VERCMP_MAX_LINE)) > 0) {
		have += (size_t)n;
		start = buf;
		if (discarding) { /* the rest of an over-long line */
			if ((nl = memchr(buf, '\n', have)) == NULL) {
				have = 0;
				continue;
			}
			start = nl + 1;
			discarding = 0;
		}
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf))) != NULL) {
			*nl = '\0';
			errors += batch_line(fmt, start, (size_t)(nl - start), ++lineno);
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == VERCMP_MAX_LINE) {
			fputs("error\n", stdout);
			fprintf(stderr, "vigil: line %lu: longer than %zu bytes\n", ++lineno,
				VERCMP_MAX_LINE - 1);
			errors++;
			have = 0;
			discarding = 1;
		}
	}
	if (n < 0) {
		fprintf(stderr, "vigil: cannot read standard input: %s\n", strerror(errno));
		errors++;
	} else if (have && !discarding) { /* a last line without '\n' */
		buf[have] = '\0';
		errors += batch_line(fmt, buf, have, ++lineno);
	}
	free(buf);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vigil: cannot write to standard output\n");
		errors++;
	}
	return errors ? EXIT_INPUT : EXIT_OK;
}

int cmd_vercmp(int argc, char **argv, struct cli_ctx *ctx)
{
	struct vercmp_opts o = { VIGIL_VERSION_UNKNOWN, 0, NULL, NULL };
	int i, rc;

	(void)ctx;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (cli_is_help(argv[i])) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		}
	if ((rc = parse_args(&o, argc, argv)) != 0)
		return rc;
	return o.batch ? compare_batch(o.fmt) : compare_one(&o);
}
