/*
 * vigil's entry point: global options, then the command table.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *help;
} commands[] = {
	{ "version", cmd_version, "Print vigil's version" },
	{ "vercmp", cmd_vercmp, "Compare package versions (dpkg, rpm, apk)" },
	{ "inspect", cmd_inspect, "List an image's OS and packages, per layer" },
	{ "db", cmd_db, "Import vulnerability feeds and show their status" },
	{ "scan", cmd_scan, "Find the known vulnerabilities of an image's packages" },

	{ "serve", cmd_serve, "Serve the Clair v1 API (drop-in for Clair v2)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vigil [--db PATH|DSN] [--quiet] [--debug] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'vigil COMMAND --help' describes a command.\n");
}

static void log_to_stderr(vigil_log_level level, const char *component, const char *msg,
			  void *payload)
{
	static const char *names[] = { "error", "warning", "info", "debug", "trace" };

	(void)payload;
	fprintf(stderr, "vigil: %s: %s: %s\n", names[level], component, msg);
}

int cli_exit_code(int code)
{
	switch (code) {
	case VIGIL_OK:
		return EXIT_OK;
	case VIGIL_EUSAGE:
		return EXIT_USAGE;
	case VIGIL_EDB:
		return EXIT_DB;
	case VIGIL_ENET:
	case VIGIL_EAUTH:
	case VIGIL_ETIMEOUT:
		return EXIT_NET;
	default:
		return EXIT_INPUT;
	}
}

int cli_fail(int code)
{
	const char *msg = vigil_error_last();

	fprintf(stderr, "vigil: %s\n", msg[0] ? msg : vigil_code_name(code));
	return cli_exit_code(code);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vigil: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'vigil %s --help')\n", cmd ? cmd : "");
	return EXIT_USAGE;
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_parse_size(uint64_t *out, const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || !*s || *s == '-')
		return VIGIL_EUSAGE;
	v = strtoull(s, &end, 10);
	if (end == s)
		return VIGIL_EUSAGE;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (shift && (strcasecmp(end, "ib") == 0 || strcasecmp(end, "b") == 0))
		end += strlen(end);
	if (*end || v > (UINT64_MAX >> shift))
		return VIGIL_EUSAGE;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Take the global options out of argv wherever they stand (before `--`). */
static int take_globals(int *argc, char **argv, struct cli_ctx *ctx)
{
	int i, j = 1, rest = 0;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (!rest && strcmp(a, "--") == 0) {
			rest = 1;
		} else if (!rest && strcmp(a, "--quiet") == 0) {
			ctx->quiet = 1;
			continue;
		} else if (!rest && strcmp(a, "--debug") == 0) {
			ctx->debug = 1;
			continue;
		} else if (!rest && strncmp(a, "--db=", 5) == 0) {
			ctx->db = a + 5;
			continue;
		} else if (!rest && strcmp(a, "--db") == 0) {
			if (i + 1 >= *argc)
				return cli_usage(NULL, "option '--db' needs a value");
			ctx->db = argv[++i];
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return 0;
}

static void setup_logging(const struct cli_ctx *ctx)
{
	const char *comp = getenv("VIGIL_LOG");

	vigil_log_set_sink(log_to_stderr, NULL);
	vigil_log_set_level(ctx->quiet ? VIGIL_LOG_ERROR : VIGIL_LOG_WARN);
	if (ctx->debug || (comp && *comp)) {
		vigil_log_set_level(VIGIL_LOG_TRACE);
		vigil_log_set_components(comp);
	}
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = { 0 };
	size_t i;
	int err;

	if ((err = take_globals(&argc, argv, &ctx)) != 0)
		return err;
	if (!ctx.db)
		ctx.db = getenv("VIGIL_DB");
	setup_logging(&ctx);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1, &ctx);
	fprintf(stderr, "vigil: '%s' is not a vigil command (see 'vigil --help')\n", argv[1]);
	return EXIT_USAGE;
}
